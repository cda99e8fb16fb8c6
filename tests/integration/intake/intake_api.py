"""Helpers for intake's integration tests: report bodies, the running service, a look into its tables."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import select, text

from backbone.clock import utcnow
from backbone.messaging.transport import OutgoingMessage
from backbone.system import System
from contracts.envelope import CloudEvent, Event
from services.intake.children.models import ChildFile
from services.intake.personal_data import OpenChild, open_child
from services.intake.reports.resident_id import check_digit

CHILD_NAME = "张小明"


def resident_id(born: str = "20150607", sequence: str = "123", region: str = "370702") -> str:
    """A synthetic resident ID with a correct check digit; an odd sequence is a boy."""
    first17 = region + born + sequence
    return first17 + check_digit(first17)


CHILD_ID_NUMBER = resident_id()


def hours_ago(hours: float) -> str:
    return (utcnow() - timedelta(hours=hours)).isoformat()


def build_report(**changes: Any) -> dict[str, Any]:
    """A valid report body; `changes` maps dotted paths to new values, None deletes the key."""
    body: dict[str, Any] = {
        "source": "school",
        "reporter": {"name": "王老师", "organization": "潍坊市实验小学", "phone": "13812345678"},
        "child": {
            "name": CHILD_NAME,
            "gender": "male",
            "birth_date": "2015-06-07",
            "id_number": CHILD_ID_NUMBER,
            "district": "370702",
        },
        "incident": {
            "categories": ["abuse"],
            "description": "孩子身上多处淤青，称被父亲殴打。",
            "occurred_at": hours_ago(2),
            "location": {"district": "370702", "address": "某小区3号楼", "area": "urban"},
            "immediate_danger": False,
            "injured": True,
        },
    }
    body = copy.deepcopy(body)
    for path, value in changes.items():
        *parents, leaf = path.split(".")
        target = body
        for key in parents:
            target = target[key]
        if value is None:
            target.pop(leaf, None)
        else:
            target[leaf] = value
    return body


class Intake:
    """The running intake service: its HTTP client and a look into its tables."""

    def __init__(self, system: System, client: httpx.AsyncClient) -> None:
        self.system = system
        self.client = client

    async def submit(self, body: dict[str, Any], *, key: str | None = None) -> httpx.Response:
        headers = {"Idempotency-Key": key} if key else {}
        return await self.client.post("/intake/v1/reports", json=body, headers=headers)

    async def accepted(self, body: dict[str, Any]) -> dict[str, Any]:
        response = await self.submit(body)
        assert response.status_code == 202, response.text
        return response.json()

    async def scalar(self, sql: str, **params: Any) -> Any:
        async with self.system.runtime("intake").engine.connect() as connection:
            return await connection.scalar(text(sql), params)

    async def rows(self, sql: str, **params: Any) -> list[Any]:
        async with self.system.runtime("intake").engine.connect() as connection:
            return list((await connection.execute(text(sql), params)).all())

    async def children(self) -> dict[str, OpenChild]:
        """Every child's file opened with intake's own keys, by child id (the table holds no plaintext)."""
        ring = self.system.runtime("intake").key_ring
        async with self.system.runtime("intake").sessionmaker() as session:
            files = (await session.scalars(select(ChildFile))).all()
        return {f.child_id: open_child(ring, f) for f in files}

    async def counts(self) -> dict[str, int]:
        tables = ("children", "reports", "intake_cases", "reporter_contacts", "report_idempotency_keys")
        counts = {t: await self.scalar(f"SELECT count(*) FROM {t}") for t in tables}
        counts["outbox"] = await self.scalar("SELECT count(*) FROM outbox")
        return counts

    async def unsent_outbox_rows(self) -> int:
        return await self.scalar("SELECT count(*) FROM outbox WHERE sent_at IS NULL")

    async def publish(self, event: Event, *, publisher: str, subject: str) -> CloudEvent:
        """Put another service's event on its topic, as that service's relay would."""
        envelope = CloudEvent(
            source=f"/{publisher}",
            type=event.TYPE,
            time=datetime.now(UTC),
            subject=subject,
            data=event.model_dump(mode="json"),
        )
        await self.publish_envelope(envelope, publisher=publisher)
        return envelope

    async def publish_envelope(self, envelope: CloudEvent, *, publisher: str) -> None:
        """Deliver an envelope (again) on its publisher's topic."""
        key, headers, value = envelope.to_kafka()
        await self.system.transport.publish(
            [OutgoingMessage(topic=f"{publisher}.events", key=key, headers=headers, value=value)]
        )
