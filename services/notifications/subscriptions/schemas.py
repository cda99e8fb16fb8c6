"""Request and response bodies of the subscriptions API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from services.notifications.models import SubscriptionState
from services.notifications.subscriptions.targets import MAX_URL_LENGTH

Item = TypeVar("Item")
EventFamily = Annotated[str, StringConstraints(min_length=1, max_length=100)]
EXAMPLE_ID = "9b2f6c1e-4d1a-4f5e-9a47-2f0d2d7c8e10"


class SubscriptionBody(BaseModel):
    """A webhook to register: where to POST which events. The service draws its secret."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            # A public address, not a name: a made-up name resolves nowhere, so the example was refused
            # (url_unresolvable) wherever it was tried.
            "examples": [
                {
                    "url": "https://8.8.8.8/hooks/referrals",
                    "event_types": ["referrals.assigned", "referral.created", "sla.breached"],
                    "description": "dispatch console",
                }
            ]
        },
    )

    url: Annotated[str, StringConstraints(min_length=1, max_length=MAX_URL_LENGTH)] = Field(
        description="Where deliveries are POSTed: https, on a public address (loopback and private "
        "networks only where the operator allows them)",
    )
    event_types: list[EventFamily] = Field(
        min_length=1,
        max_length=50,
        description="Event types to receive, without version (`referrals.assigned`); "
        "GET /notifications/v1/event-types lists them",
    )
    description: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None = Field(
        default=None, description="What the receiving system is, for the agency's own records"
    )


class SubscriptionView(BaseModel):
    """A webhook subscription (its secret is shown only when drawn)."""

    model_config = ConfigDict(from_attributes=True)

    id: str = Field(description="The subscription's id", examples=[EXAMPLE_ID])
    agency: str = Field(description="The agency receiving (the caller's)", examples=["police"])
    url: str = Field(description="Where deliveries go", examples=["https://police.example.gov.cn/hooks"])
    event_types: list[str] = Field(
        description="Event types delivered", examples=[["referrals.assigned", "referral.created"]]
    )
    description: str | None = Field(default=None, description="The agency's note")
    state: SubscriptionState = Field(description="active, or paused (deliveries wait)")
    previous_secret_expires_at: datetime | None = Field(
        default=None, description="Until when the secret before the last rotation also signs"
    )
    created_at: datetime = Field(description="When it was registered")
    updated_at: datetime = Field(description="When it last changed")


class SubscriptionCreated(SubscriptionView):
    """The new subscription with its secret, shown this once: keep it to verify signatures."""

    secret: str = Field(
        description="The signing secret (Standard Webhooks `whsec_<base64>`); never shown again",
        examples=["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
    )


class SecretRotated(BaseModel):
    """A new secret, shown this once; the old one keeps signing too until `previous_secret_expires_at`."""

    subscription_id: str = Field(description="The subscription", examples=[EXAMPLE_ID])
    secret: str = Field(description="The new signing secret (`whsec_...`)")
    previous_secret_expires_at: datetime = Field(description="Until when the old secret also signs")


class EventTypeView(BaseModel):
    """An event type agencies can subscribe to."""

    type: str = Field(description="Its name without version", examples=["referrals.assigned"])
    version: int = Field(description="The version deliveries carry (the payload's `type` ends .v<N>)")
    summary: str = Field(description="What it means")
