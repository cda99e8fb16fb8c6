"""Sealing at rest (backbone.sealing): round trip, key ids, tampering, associated data, rotation."""

from __future__ import annotations

import base64
import stat
from pathlib import Path

import pytest

from backbone.sealing import (
    Algorithm,
    BrokenSeal,
    SealingError,
    UnknownKey,
    load_key_ring,
    ring_from_json,
    rotate_key_file,
    sm4_available,
)
from tests.support.keys import fixed_ring

CONTEXT = "intake.children.name:child-1"
NAME = "王小明"


@pytest.mark.parametrize("algorithm", ["aes256gcm", "sm4gcm"])
def test_a_sealed_value_opens_to_the_same_text_and_shows_nothing_of_it(algorithm: str) -> None:
    if algorithm == "sm4gcm" and not sm4_available():
        pytest.skip("this platform's OpenSSL has no SM4-GCM")
    ring = fixed_ring(k1=(algorithm, 1))

    sealed = ring.seal(NAME, context=CONTEXT)

    assert sealed.startswith(f"v1.{algorithm}.k1.")
    assert NAME not in sealed and NAME.encode().hex() not in sealed
    assert ring.open(sealed, context=CONTEXT) == NAME
    assert ring.seal(NAME, context=CONTEXT) != sealed  # a fresh nonce every time


def test_this_platform_provides_sm4_gcm() -> None:
    # The pinned cryptography wheel bundles an OpenSSL with SM4; a deployment needing the national
    # algorithms relies on it, so losing it must fail loudly rather than skip.
    assert sm4_available()


def test_a_value_sealed_under_an_unknown_key_id_is_refused() -> None:
    sealed = fixed_ring(k9=("aes256gcm", 9), current="k9").seal(NAME, context=CONTEXT)

    with pytest.raises(UnknownKey) as refused:
        fixed_ring().open(sealed, context=CONTEXT)
    assert NAME not in str(refused.value)


def test_the_same_key_id_with_another_secret_does_not_open() -> None:
    sealed = fixed_ring(k1=("aes256gcm", 1)).seal(NAME, context=CONTEXT)

    with pytest.raises(BrokenSeal):
        fixed_ring(k1=("aes256gcm", 2)).open(sealed, context=CONTEXT)


def test_a_tampered_ciphertext_does_not_open() -> None:
    ring = fixed_ring()
    header, payload = ring.seal(NAME, context=CONTEXT).rsplit(".", 1)
    raw = bytearray(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    raw[-1] ^= 0x01
    tampered = f"{header}.{base64.urlsafe_b64encode(bytes(raw)).decode().rstrip('=')}"

    with pytest.raises(BrokenSeal):
        ring.open(tampered, context=CONTEXT)
    for garbage in ("", "plain text", "v1.aes256gcm.k1.!!", "v1.aes256gcm.k1.AAAA"):
        with pytest.raises(BrokenSeal):
            ring.open(garbage, context=CONTEXT)


def test_a_value_relabelled_with_another_algorithm_does_not_open() -> None:
    ring = fixed_ring(k1=("aes256gcm", 1), k2=("sm4gcm", 2))
    sealed = ring.seal(NAME, context=CONTEXT)

    with pytest.raises(BrokenSeal):
        ring.open(sealed.replace("v1.aes256gcm.k1.", "v1.sm4gcm.k1.", 1), context=CONTEXT)


def test_a_value_copied_into_another_row_or_field_does_not_open() -> None:
    ring = fixed_ring()
    sealed = ring.seal(NAME, context=CONTEXT)

    for elsewhere in ("intake.children.name:child-2", "intake.reporter_contacts.name:child-1"):
        with pytest.raises(BrokenSeal):
            ring.open(sealed, context=elsewhere)


def test_rotation_seals_new_values_under_the_new_key_and_still_opens_old_ones() -> None:
    before = fixed_ring(k1=("aes256gcm", 1))
    old = before.seal(NAME, context=CONTEXT)
    after = fixed_ring(k1=("aes256gcm", 1), k2=("sm4gcm", 2), current="k2")

    new = after.seal(NAME, context=CONTEXT)

    assert new.startswith("v1.sm4gcm.k2.")
    assert after.open(old, context=CONTEXT) == after.open(new, context=CONTEXT) == NAME
    assert (after.is_current(old), after.is_current(new)) == (False, True)


def test_blind_indexes_are_stable_keyed_and_purpose_bound() -> None:
    ring = fixed_ring()

    index = ring.blind_index("370702201506071234", purpose="id")

    assert index == ring.blind_index("370702201506071234", purpose="id")
    assert len(index) == 64 and "370702" not in index
    assert index != ring.blind_index("370702201506071234", purpose="person")
    assert index != fixed_ring(index_byte=8).blind_index("370702201506071234", purpose="id")
    assert ring.blind_index("a", "bc", purpose="p") != ring.blind_index("ab", "c", purpose="p")


def test_a_missing_key_file_is_created_owner_only_and_reused(tmp_path: Path) -> None:
    path = tmp_path / "data" / "sealing-keys.json"

    first = load_key_ring(inline=None, path=path, create=True)
    sealed = first.seal(NAME, context=CONTEXT)
    again = load_key_ring(inline=None, path=path, create=True)

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert again.open(sealed, context=CONTEXT) == NAME
    assert list(path.parent.iterdir()) == [path]


def test_a_key_file_others_can_read_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "sealing-keys.json"
    load_key_ring(inline=None, path=path, create=True)
    path.chmod(0o644)

    with pytest.raises(SealingError, match="chmod 600"):
        load_key_ring(inline=None, path=path, create=True)
    with pytest.raises(SealingError, match="no key file"):
        load_key_ring(inline=None, path=tmp_path / "absent.json", create=False)


def test_rotating_the_key_file_adds_a_current_key_and_keeps_the_old(tmp_path: Path) -> None:
    path = tmp_path / "sealing-keys.json"
    old = load_key_ring(inline=None, path=path, create=True).seal(NAME, context=CONTEXT)

    assert rotate_key_file(path, Algorithm.SM4_GCM) == "k2"

    ring = load_key_ring(inline=None, path=path, create=False)
    assert ring.current == "k2" and ring.keys["k2"].algorithm is Algorithm.SM4_GCM
    assert ring.open(old, context=CONTEXT) == NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_bad_key_rings_are_refused_without_echoing_keys() -> None:
    empty_key = {"current": "k1", "keys": {"k1": {"algorithm": "aes256gcm", "key": ""}}}
    short = base64.b64encode(b"x" * 16).decode()
    cases = [
        {},
        {**empty_key, "index_key": base64.b64encode(bytes(32)).decode()},
        {"current": "k1", "keys": {"k1": {"algorithm": "aes256gcm", "key": short}}, "index_key": short},
        {"current": "k2", "keys": {}, "index_key": base64.b64encode(bytes(32)).decode()},
        {"current": "k1", "keys": {"k1": {"algorithm": "rot13", "key": short}}, "index_key": short},
    ]
    for content in cases:
        with pytest.raises(SealingError) as refused:
            ring_from_json(content)
        assert short not in str(refused.value)
    with pytest.raises(SealingError, match="not valid JSON"):
        load_key_ring(inline="{", path=Path("/nonexistent"), create=False)
