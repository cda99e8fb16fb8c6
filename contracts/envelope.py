"""The one envelope every event travels in: CloudEvents 1.0, binary mode on Kafka."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, ClassVar, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

SPEC_VERSION = "1.0"
CONTENT_TYPE = "application/json"
# Attributes that travel as `ce_*` headers in binary mode; the data is the message value.
_CE_ATTRIBUTES = ("id", "source", "type", "specversion", "time", "subject", "datacontenttype")


class Event(BaseModel):
    """Base of every event payload; `TYPE` names it with its version, e.g. `report.received.v1`.

    By contract the last `*_at` field of an event is when it happened in the world (a dispatch's time as
    the police system reports it); deadlines start and stop at that moment.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    TYPE: ClassVar[str]


class SlaClockRef(BaseModel):
    """A deadline that an event starts or stops, carried in the envelope's `sla` extension."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    clock: str
    agency: str
    action: Literal["start", "stop"]
    subject_id: str = Field(description="What the clock is about: a referral or case id")
    started_at: AwareDatetime | None = Field(default=None, description="Set when the event starts the clock")
    due_at: AwareDatetime | None = None
    stopped_at: AwareDatetime | None = Field(default=None, description="Set when the event stops the clock")
    policy_version: str


class CloudEvent(BaseModel):
    """A CloudEvents 1.0 envelope whose `subject` is the case id."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(default_factory=lambda: str(uuid.uuid4()))
    source: str
    type: str
    specversion: Literal["1.0"] = SPEC_VERSION
    time: AwareDatetime = Field(default_factory=lambda: datetime.now(UTC))
    subject: str
    datacontenttype: Literal["application/json"] = CONTENT_TYPE
    sla: list[SlaClockRef] = Field(default_factory=list)
    data: dict[str, Any]

    def to_kafka(self) -> tuple[bytes, list[tuple[str, bytes]], bytes]:
        """Return (key, headers, value) for binary-mode Kafka: the case id is the key."""
        headers = [(f"ce_{name}", _attr_text(getattr(self, name)).encode()) for name in _CE_ATTRIBUTES]
        headers[-1] = ("content-type", self.datacontenttype.encode())
        if self.sla:
            headers.append(("ce_sla", json.dumps([c.model_dump(mode="json") for c in self.sla]).encode()))
        value = json.dumps(self.data, separators=(",", ":"), ensure_ascii=False).encode()
        return self.subject.encode(), headers, value

    @classmethod
    def from_kafka(cls, headers: Mapping[str, bytes], value: bytes) -> CloudEvent:
        """Rebuild an envelope from binary-mode headers and value; raise ValueError when malformed."""
        attrs: dict[str, Any] = {}
        for name in _CE_ATTRIBUTES[:-1]:
            raw = headers.get(f"ce_{name}")
            if raw is None:
                raise ValueError(f"missing header ce_{name}")
            attrs[name] = raw.decode()
        content_type = headers.get("content-type", CONTENT_TYPE.encode()).decode()
        if not content_type.startswith(CONTENT_TYPE):
            raise ValueError(f"unsupported content-type {content_type!r}")
        if "ce_sla" in headers:
            attrs["sla"] = json.loads(headers["ce_sla"])
        data = json.loads(value)
        if not isinstance(data, dict):
            raise ValueError("event data must be a JSON object")
        return cls.model_validate({**attrs, "data": data})


def _attr_text(value: object) -> str:
    return value.isoformat() if isinstance(value, datetime) else str(value)
