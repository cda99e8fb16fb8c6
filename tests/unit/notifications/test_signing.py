"""Deliveries are signed per Standard Webhooks; during a rotation both secrets sign, so a receiver
holding either verifies."""

from datetime import UTC, datetime

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from services.notifications.deliveries.signing import signed_headers
from services.notifications.secrets import new_secret

BODY = '{"type":"referral.created.v1","timestamp":"2026-11-26T01:00:00+00:00","data":{"case_id":"c1"}}'


def test_a_receiver_with_either_secret_verifies_a_rotation_time_delivery() -> None:
    old, new = new_secret(), new_secret()
    assert old.startswith("whsec_") and old != new
    headers = signed_headers(webhook_id="msg_1", body=BODY, secrets=[new, old], sent_at=datetime.now(UTC))
    assert len(headers["webhook-signature"].split(" ")) == 2
    for secret in (old, new):
        assert Webhook(secret).verify(BODY, headers)["data"] == {"case_id": "c1"}
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(BODY, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(new).verify(BODY.replace("c1", "c2"), headers)
