"""The one envelope every event travels in: CloudEvents 1.0, binary mode on Kafka.

Every attribute is a CloudEvents scalar, so any conforming reader takes our records (structured or
binary). Besides the required and optional attributes there is one extension, `agency` (`ce_agency`):
the agency an event is addressed to, copied from its data, so a consumer can drop another agency's
events from the headers alone, before parsing anything. The deadlines an event starts or stops are
not in the envelope: the services keeping clocks derive them from the versioned policy (`sla/`).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, ClassVar, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

SPEC_VERSION = "1.0"
CONTENT_TYPE = "application/json"
# Attributes that travel as `ce_*` headers in binary mode; the data is the message value.
_CE_ATTRIBUTES = ("id", "source", "type", "specversion", "time", "subject", "datacontenttype")
# Optional extension attributes (scalars), sent as `ce_<name>` only when set.
EXTENSIONS = ("agency",)
# What records written before CloudEvents conformance carried (a JSON array of deadline stamps, in
# `ce_sla` and in outbox rows): still accepted, and ignored, since the clocks derive from the policy.
LEGACY_ATTRIBUTES = ("sla",)


class Event(BaseModel):
    """Base of every event payload; `TYPE` names it with its version, e.g. `report.received.v1`.

    By contract the last `*_at` field of an event is when it happened in the world (a dispatch's time as
    the police system reports it); deadlines start and stop at that moment.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    TYPE: ClassVar[str]


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
    agency: str | None = Field(
        default=None, description="Extension: the agency the event is addressed to (its data's `agency`)"
    )
    data: dict[str, Any]

    @model_validator(mode="before")
    @classmethod
    def _drop_legacy(cls, values: Any) -> Any:
        if isinstance(values, Mapping) and any(name in values for name in LEGACY_ATTRIBUTES):
            return {k: v for k, v in values.items() if k not in LEGACY_ATTRIBUTES}
        return values

    @classmethod
    def of(cls, data: dict[str, Any], **attributes: Any) -> CloudEvent:
        """An envelope for event data, its `agency` extension taken from the data when it names one."""
        agency = data.get("agency")
        return cls(data=data, agency=agency if isinstance(agency, str) else None, **attributes)

    def to_kafka(self) -> tuple[bytes, list[tuple[str, bytes]], bytes]:
        """Return (key, headers, value) for binary-mode Kafka: the case id is the key."""
        headers = [(f"ce_{name}", _attr_text(getattr(self, name)).encode()) for name in _CE_ATTRIBUTES]
        headers[-1] = ("content-type", self.datacontenttype.encode())
        headers += [(f"ce_{n}", str(getattr(self, n)).encode()) for n in EXTENSIONS if getattr(self, n)]
        value = json.dumps(self.data, separators=(",", ":"), ensure_ascii=False).encode()
        return self.subject.encode(), headers, value

    @classmethod
    def from_kafka(cls, headers: Mapping[str, bytes], value: bytes) -> CloudEvent:
        """Rebuild an envelope from binary-mode headers and value; raise ValueError when malformed.

        Headers it does not know (a legacy `ce_sla`, tracing, dead-letter reasons) are ignored.
        """
        attrs: dict[str, Any] = {}
        for name in _CE_ATTRIBUTES[:-1]:
            raw = headers.get(f"ce_{name}")
            if raw is None:
                raise ValueError(f"missing header ce_{name}")
            attrs[name] = raw.decode()
        content_type = headers.get("content-type", CONTENT_TYPE.encode()).decode()
        if not content_type.startswith(CONTENT_TYPE):
            raise ValueError(f"unsupported content-type {content_type!r}")
        for name in EXTENSIONS:
            if (raw := headers.get(f"ce_{name}")) is not None:
                attrs[name] = raw.decode()
        data = json.loads(value)
        if not isinstance(data, dict):
            raise ValueError("event data must be a JSON object")
        return cls.model_validate({**attrs, "data": data})


def header_text(headers: Mapping[str, bytes], name: str) -> str | None:
    """One binary-mode attribute read from the headers alone (`type`, `agency`), or None if absent."""
    raw = headers.get(f"ce_{name}")
    try:
        return raw.decode() if raw is not None else None
    except UnicodeDecodeError:
        return None


def _attr_text(value: object) -> str:
    return value.isoformat() if isinstance(value, datetime) else str(value)
