"""A broker outage is two log lines, however many errors the Kafka client writes meanwhile."""

from __future__ import annotations

import logging

import pytest

from backbone.messaging.outage import SETTLE_SECONDS, BrokerOutage, KafkaLogFilter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _record(name: str, level: int, message: str) -> logging.LogRecord:
    return logging.LogRecord(name, level, __file__, 1, message, None, None)


REFUSED = "Unable connect to node with id 1: [Errno 111] Connect call failed ('127.0.0.1', 9092)"
FLOOD = [
    ("aiokafka", logging.ERROR, REFUSED),
    ("aiokafka", logging.ERROR, "Unable to update metadata from [1]"),
    ("aiokafka.consumer.fetcher", logging.ERROR, "Failed fetch messages from 1: NodeNotReadyError: x"),
    (
        "aiokafka.consumer.group_coordinator",
        logging.ERROR,
        "Group Coordinator Request failed: NodeNotReadyError",
    ),
    ("aiokafka.producer.sender", logging.WARNING, "Got error produce response: NodeNotReadyError: x"),
]


class OutageLines:
    def __init__(self, caplog: pytest.LogCaptureFixture) -> None:
        self._caplog = caplog

    def __call__(self) -> list[logging.LogRecord]:
        return [r for r in self._caplog.records if r.name == "backbone.messaging.broker"]


@pytest.fixture
def outage_lines(caplog: pytest.LogCaptureFixture) -> OutageLines:
    caplog.set_level(logging.INFO, logger="backbone.messaging.broker")
    return OutageLines(caplog)


def test_the_first_client_error_opens_the_outage_and_the_rest_are_held_back(
    outage_lines: OutageLines,
) -> None:
    clock = Clock()
    kafka_filter = KafkaLogFilter(BrokerOutage(clock=clock))
    written = [kafka_filter.filter(_record(*FLOOD[i % len(FLOOD)])) for i in range(3000)]
    assert not any(written)
    assert [r.getMessage() for r in outage_lines()] == [
        "broker unreachable; Kafka client errors are held back until it answers again"
    ]
    assert outage_lines()[0].reason == REFUSED  # type: ignore[attr-defined]


def test_the_return_is_one_line_with_the_outage_length(outage_lines: OutageLines) -> None:
    clock = Clock()
    outage = BrokerOutage(clock=clock)
    kafka_filter = KafkaLogFilter(outage)
    for i in range(500):
        kafka_filter.filter(_record(*FLOOD[i % len(FLOOD)]))
    clock.now += 41.25
    outage.came_back()
    outage.came_back()
    back = outage_lines()[-1]
    assert len(outage_lines()) == 2
    assert back.getMessage() == "broker reachable again"
    assert back.outage_seconds == 41.2  # type: ignore[attr-defined]
    assert back.held_back_log_records == 500  # type: ignore[attr-defined]


def test_stragglers_right_after_the_return_are_held_back_then_errors_show_again(
    outage_lines: OutageLines,
) -> None:
    clock = Clock()
    outage = BrokerOutage(clock=clock)
    kafka_filter = KafkaLogFilter(outage)
    outage.went_away("metadata request failed: KafkaError")
    outage.came_back()
    assert not kafka_filter.filter(_record(*FLOOD[3]))
    assert not outage.down
    clock.now += SETTLE_SECONDS
    assert not kafka_filter.filter(_record(*FLOOD[0]))  # a new outage
    assert outage.down
    assert len(outage_lines()) == 3


def test_other_records_pass_untouched() -> None:
    outage = BrokerOutage(clock=Clock())
    kafka_filter = KafkaLogFilter(outage)
    assert kafka_filter.filter(_record("aiokafka.consumer.group_coordinator", logging.WARNING, "rebalancing"))
    assert kafka_filter.filter(_record("aiokafka", logging.INFO, REFUSED))
    assert kafka_filter.filter(_record("backbone.service", logging.ERROR, REFUSED))
    assert not outage.down
    outage.went_away("metadata request failed: KafkaError")
    assert kafka_filter.filter(_record("backbone.service", logging.ERROR, "background loop failed"))
    assert not kafka_filter.filter(_record("aiokafka", logging.WARNING, "anything at all"))
