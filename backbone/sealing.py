"""Sealing values at rest: authenticated encryption under a key ring, and keyed blind indexes.

A sealed value is text: `v1.<algorithm>.<key id>.<base64url(nonce | ciphertext | tag)>`. It names the
key and algorithm that sealed it, so new values use the ring's current key while values sealed under
older keys still open. Every seal is bound to a context (which row and field it belongs to) through
the AEAD's associated data: a sealed value copied into another row or field does not open there.

Algorithms: AES-256-GCM, and SM4-GCM (GB/T 32907, China's national block cipher) where the OpenSSL
that `cryptography` uses provides it. Blind indexes are HMAC-SHA256 under a separate index key, so
equal values can be found without storing them in the clear.

This module knows nothing of what is sealed; a service's own code decides which fields are.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag, UnsupportedAlgorithm
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

log = logging.getLogger(__name__)
FORMAT = "v1"
NONCE_BYTES = 12
TAG_BYTES = 16
KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class SealingError(Exception):
    """A sealed value cannot be opened or made; the message never contains the value."""


class UnknownKey(SealingError):
    """The value names a key the ring does not hold."""


class BrokenSeal(SealingError):
    """The value was altered, belongs to another context, or is not a sealed value at all."""


class Algorithm(StrEnum):
    AES_256_GCM = "aes256gcm"
    SM4_GCM = "sm4gcm"

    @property
    def key_bytes(self) -> int:
        return 32 if self is Algorithm.AES_256_GCM else 16


def sm4_available() -> bool:
    """Whether the OpenSSL under `cryptography` provides SM4 in GCM mode."""
    try:
        encryptor = Cipher(algorithms.SM4(bytes(16)), modes.GCM(bytes(NONCE_BYTES))).encryptor()
        encryptor.update(b"")
        encryptor.finalize()
    except (UnsupportedAlgorithm, ValueError):
        return False
    return True


@dataclass(frozen=True)
class DataKey:
    algorithm: Algorithm
    secret: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if len(self.secret) != self.algorithm.key_bytes:
            raise SealingError(f"a {self.algorithm} key must be {self.algorithm.key_bytes} bytes")
        if self.algorithm is Algorithm.SM4_GCM and not sm4_available():
            raise SealingError("SM4-GCM is configured but this platform's OpenSSL does not provide it")

    def encrypt(self, nonce: bytes, plaintext: bytes, associated: bytes) -> bytes:
        if self.algorithm is Algorithm.AES_256_GCM:
            return AESGCM(self.secret).encrypt(nonce, plaintext, associated)
        encryptor = Cipher(algorithms.SM4(self.secret), modes.GCM(nonce)).encryptor()
        encryptor.authenticate_additional_data(associated)
        return encryptor.update(plaintext) + encryptor.finalize() + encryptor.tag

    def decrypt(self, nonce: bytes, sealed: bytes, associated: bytes) -> bytes:
        if self.algorithm is Algorithm.AES_256_GCM:
            return AESGCM(self.secret).decrypt(nonce, sealed, associated)
        body, tag = sealed[:-TAG_BYTES], sealed[-TAG_BYTES:]
        decryptor = Cipher(algorithms.SM4(self.secret), modes.GCM(nonce, tag)).decryptor()
        decryptor.authenticate_additional_data(associated)
        return decryptor.update(body) + decryptor.finalize()


class KeyRing:
    """Data keys by id, the id new seals use, and the key blind indexes are made with."""

    def __init__(self, keys: Mapping[str, DataKey], *, current: str, index_key: bytes) -> None:
        for key_id in keys:
            if not KEY_ID.match(key_id):
                raise SealingError("key ids are 1-64 letters, digits, '-' or '_'")
        if current not in keys:
            raise SealingError("the current key id is not in the key ring")
        if len(index_key) < 32:
            raise SealingError("the index key must be at least 32 bytes")
        self.keys = dict(keys)
        self.current = current
        self._index_key = index_key

    def seal(self, plaintext: str, *, context: str) -> str:
        """The value sealed under the current key, bound to `context` (e.g. `children.name:<id>`)."""
        key = self.keys[self.current]
        nonce = os.urandom(NONCE_BYTES)
        header = f"{FORMAT}.{key.algorithm.value}.{self.current}"
        sealed = key.encrypt(nonce, plaintext.encode(), _associated(header, context))
        return f"{header}.{base64.urlsafe_b64encode(nonce + sealed).decode().rstrip('=')}"

    def open(self, sealed: str, *, context: str) -> str:
        """The plaintext of a value sealed for `context`; UnknownKey or BrokenSeal otherwise."""
        header, key_id, payload = _parts(sealed)
        key = self.keys.get(key_id)
        if key is None:
            raise UnknownKey("the value was sealed under a key this ring does not hold")
        if header != f"{FORMAT}.{key.algorithm.value}.{key_id}":
            raise BrokenSeal("the value names another algorithm than its key's")
        nonce, body = payload[:NONCE_BYTES], payload[NONCE_BYTES:]
        try:
            return key.decrypt(nonce, body, _associated(header, context)).decode()
        except (InvalidTag, ValueError, UnicodeDecodeError):
            raise BrokenSeal("the value was altered or belongs to another field or row") from None

    def is_current(self, sealed: str) -> bool:
        """Whether the value is sealed under the current key (else a rekey should seal it again)."""
        return _parts(sealed)[1] == self.current

    def blind_index(self, *parts: str, purpose: str) -> str:
        """HMAC-SHA256 of the parts for one purpose, hex: equal inputs give equal indexes."""
        message = "\x1e".join([purpose, *parts]).encode()
        return hmac.new(self._index_key, message, hashlib.sha256).hexdigest()


def _associated(header: str, context: str) -> bytes:
    return f"{header}|{context}".encode()


def _parts(sealed: str) -> tuple[str, str, bytes]:
    pieces = sealed.split(".")
    if len(pieces) != 4 or pieces[0] != FORMAT:
        raise BrokenSeal("not a sealed value")
    try:
        payload = base64.urlsafe_b64decode(pieces[3] + "=" * (-len(pieces[3]) % 4))
    except ValueError:
        raise BrokenSeal("not a sealed value") from None
    if len(payload) < NONCE_BYTES + TAG_BYTES:
        raise BrokenSeal("not a sealed value")
    return ".".join(pieces[:3]), pieces[2], payload


# -- configuration ------------------------------------------------------------------------------------


def new_key(algorithm: Algorithm = Algorithm.AES_256_GCM) -> dict[str, str]:
    """A fresh random key entry for a key file."""
    return {"algorithm": algorithm.value, "key": base64.b64encode(os.urandom(algorithm.key_bytes)).decode()}


def new_key_file_content(algorithm: Algorithm = Algorithm.AES_256_GCM) -> dict[str, Any]:
    """A fresh key ring: one data key, current, and an index key."""
    return {
        "current": "k1",
        "keys": {"k1": new_key(algorithm)},
        "index_key": base64.b64encode(os.urandom(32)).decode(),
    }


def ring_from_json(content: Mapping[str, Any]) -> KeyRing:
    """`{"current": id, "keys": {id: {"algorithm": ..., "key": base64}}, "index_key": base64}`."""
    try:
        keys = {
            key_id: DataKey(Algorithm(entry["algorithm"]), base64.b64decode(entry["key"], validate=True))
            for key_id, entry in content["keys"].items()
        }
        index_key = base64.b64decode(content["index_key"], validate=True)
        current = content["current"]
    except (KeyError, TypeError, ValueError, AttributeError):
        raise SealingError(
            "the key ring needs current, keys {id: {algorithm, key}} and index_key (base64)"
        ) from None
    return KeyRing(keys, current=current, index_key=index_key)


def load_key_ring(*, inline: str | None, path: Path, create: bool) -> KeyRing:
    """The ring given inline (JSON), else the key file; a missing file is created (0600) when asked."""
    if inline:
        try:
            return ring_from_json(json.loads(inline))
        except ValueError:
            raise SealingError("SEALING_KEYS is not valid JSON") from None
    if not path.exists():
        if not create:
            raise SealingError(f"no key file at {path}; set SEALING_KEYS or SEALING_KEY_FILE")
        if _create_key_file(path):
            log.warning(
                "generated a new sealing key file, readable by this user only: back it up, personal data "
                "sealed under it cannot be read without it",
                extra={"key_file": str(path)},
            )
    if path.stat().st_mode & 0o077:
        raise SealingError(f"the key file {path} is readable by others: chmod 600 it")
    try:
        return ring_from_json(json.loads(path.read_text()))
    except ValueError:
        raise SealingError(f"the key file {path} is not valid JSON") from None


def _create_key_file(path: Path) -> bool:
    """Create a fresh key file unless one appears meanwhile (two processes starting at once agree)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{path.name}.{os.getpid()}.new")
    write_key_file(temporary, new_key_file_content())
    try:
        os.link(temporary, path)  # fails if another process created the file first
        return True
    except FileExistsError:
        return False
    finally:
        temporary.unlink()


def write_key_file(path: Path, content: Mapping[str, Any]) -> None:
    """Write a key file atomically, owner read/write only (0600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        json.dump(content, file, indent=2)
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)


def rotate_key_file(path: Path, algorithm: Algorithm = Algorithm.AES_256_GCM) -> str:
    """Add a fresh data key to the key file and make it current; the old keys stay to open old values."""
    content = json.loads(path.read_text())
    ring_from_json(content)  # refuse to rewrite a file that is not a valid ring
    number = 1 + max((int(k[1:]) for k in content["keys"] if re.fullmatch(r"k\d+", k)), default=0)
    key_id = f"k{number}"
    content["keys"][key_id] = new_key(algorithm)
    content["current"] = key_id
    write_key_file(path, content)
    return key_id
