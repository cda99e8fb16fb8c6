"""Webhook secrets: drawn in the Standard Webhooks format, sealed at rest under their own key ring."""

from __future__ import annotations

import base64
import secrets as random
from functools import lru_cache
from pathlib import Path

from backbone.sealing import KeyRing, load_key_ring
from backbone.settings import Settings

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32  # the specification asks for 24 to 64 random bytes


def new_secret() -> str:
    """A fresh `whsec_<base64>` secret, shown to the agency once."""
    return SECRET_PREFIX + base64.b64encode(random.token_bytes(SECRET_BYTES)).decode()


def _context(subscription_id: str, field: str) -> str:
    return f"notifications.notification_subscriptions.{field}:{subscription_id}"


def seal_secret(ring: KeyRing, secret: str, *, subscription_id: str, field: str = "secret") -> str:
    """The secret sealed for one subscription's field (`secret` or `previous_secret`)."""
    return ring.seal(secret, context=_context(subscription_id, field))


def open_secret(ring: KeyRing, sealed: str, *, subscription_id: str, field: str = "secret") -> str:
    return ring.open(sealed, context=_context(subscription_id, field))


@lru_cache(maxsize=8)
def _ring(inline: str | None, path: Path) -> KeyRing:
    return load_key_ring(inline=inline, path=path, create=True)


def secret_ring(settings: Settings) -> KeyRing:
    """The key ring sealing webhook secrets (WEBHOOK_SECRET_KEYS, else the key file, made on first use)."""
    return _ring(settings.webhook_secret_keys, settings.resolved_webhook_secret_key_file)
