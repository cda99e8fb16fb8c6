"""Fixed key rings for unit tests (never used outside tests)."""

from __future__ import annotations

import base64

from backbone.sealing import KeyRing, ring_from_json


def fixed_ring(*, current: str = "k1", index_byte: int = 7, **keys: tuple[str, int]) -> KeyRing:
    """A ring of keys made of one repeated byte each: `k1=("aes256gcm", 1)`; k1 AES-256-GCM by default."""
    keys = keys or {"k1": ("aes256gcm", 1)}
    size = {"aes256gcm": 32, "sm4gcm": 16}
    return ring_from_json(
        {
            "current": current,
            "keys": {
                key_id: {"algorithm": name, "key": base64.b64encode(bytes([byte]) * size[name]).decode()}
                for key_id, (name, byte) in keys.items()
            },
            "index_key": base64.b64encode(bytes([index_byte]) * 32).decode(),
        }
    )
