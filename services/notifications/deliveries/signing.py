"""The Standard Webhooks headers of one attempt, made with the `standardwebhooks` library."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from standardwebhooks import Webhook


def signed_headers(
    *, webhook_id: str, body: str, secrets: Sequence[str], sent_at: datetime
) -> dict[str, str]:
    """`webhook-id`, `webhook-timestamp` and `webhook-signature` (one `v1,` signature per secret).

    During a secret's rotation both the new and the old secret sign, space-separated as the
    specification allows, so a receiver still holding the old one keeps verifying.
    """
    # The library replaces (not converts) the zone with UTC: hand it UTC.
    sent_at = sent_at.astimezone(UTC)
    signatures = [Webhook(secret).sign(msg_id=webhook_id, timestamp=sent_at, data=body) for secret in secrets]
    return {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(int(sent_at.timestamp())),
        "webhook-signature": " ".join(signatures),
        "content-type": "application/json",
    }
