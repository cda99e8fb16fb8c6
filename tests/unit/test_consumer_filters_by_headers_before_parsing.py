"""A consumer drops what it will not handle from the headers alone (`ce_type`, `ce_agency`), before
reading the value: another family, or an event addressed to another agency. What the headers cannot
decide (an unknown type, a record without `ce_agency`) is parsed as before."""

from __future__ import annotations

from backbone.messaging.consumer import EventConsumer
from backbone.messaging.transport import IncomingMessage
from contracts.catalogue import load_catalogue
from contracts.envelope import CloudEvent
from services.agency.referrals import addressed_by_headers, addressed_to
from tests.support.envelope_records import referral_created

NOT_JSON = b"\xff not json"


class Recording:
    """A transport that only records what would be dead-lettered."""

    def __init__(self) -> None:
        self.published: list = []

    async def publish(self, messages) -> None:
        self.published += messages


def _police(transport: Recording) -> EventConsumer:
    async def handle(event, envelope, uow) -> None:
        raise AssertionError("no handler runs in these tests")

    def no_unit_of_work():
        raise AssertionError("a dropped message opens no transaction")

    return EventConsumer(
        service="police",
        catalogue=load_catalogue(),
        handlers={"referral.created": handle},
        unit_of_work=no_unit_of_work,
        transport=transport,  # type: ignore[arg-type]
        accepts=addressed_to("police"),
        accepts_headers=addressed_by_headers("police"),
    )


def _message(headers: dict[str, bytes], value: bytes = NOT_JSON) -> IncomingMessage:
    return IncomingMessage(
        topic="routing.events", partition=0, offset=1, key=b"case-1", value=value, headers=headers
    )


def _headers(event_type: str, **extra: bytes) -> dict[str, bytes]:
    return {"ce_type": event_type.encode(), **extra}


async def test_another_agencys_referral_is_dropped_unread() -> None:
    transport = Recording()
    await _police(transport).handle([_message(_headers("referral.created.v1", ce_agency=b"health"))])
    assert transport.published == []  # not parsed, so not dead-lettered as unparseable


async def test_a_family_without_handler_is_dropped_unread() -> None:
    transport = Recording()
    await _police(transport).handle([_message(_headers("case.opened.v1"))])
    assert transport.published == []


async def test_its_own_referral_is_read() -> None:
    transport = Recording()
    await _police(transport).handle([_message(_headers("referral.created.v1", ce_agency=b"police"))])
    [dead] = transport.published
    assert dict(dead.headers)["dlq_reason"].startswith(b"unparseable")


async def test_a_record_without_the_agency_extension_is_read_then_filtered() -> None:
    transport = Recording()
    _, headers, value = CloudEvent.of(
        {**referral_created().model_dump(mode="json"), "agency": "health"},
        source="/routing",
        type="referral.created.v1",
        subject="case-1",
    ).to_kafka()
    old = {name: raw for name, raw in headers if name != "ce_agency"}
    await _police(transport).handle([_message(old, value)])  # parsed, then refused by `accepts`
    assert transport.published == []
    await _police(transport).handle([_message(old, NOT_JSON)])
    assert len(transport.published) == 1


async def test_an_unknown_type_is_still_dead_lettered() -> None:
    transport = Recording()
    await _police(transport).handle([_message(_headers("referral.created.v99", ce_agency=b"health"))])
    assert len(transport.published) == 1
