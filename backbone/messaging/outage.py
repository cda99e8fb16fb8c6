"""A broker outage in the logs as two lines: when the broker went, and when it was back (and for how long).

While the broker is down aiokafka logs every failed connection, metadata refresh, fetch and heartbeat,
thousands of ERROR lines a minute per service that say one thing. `KafkaLogFilter` (on the log
handler) turns the first of them into "broker unreachable" and holds the rest back; the transport's
broker watch reports when the broker answers again, which ends the outage with one line saying how
long it lasted and how many records were held back. A short settling time after the return holds
back the stragglers of the outage (an old heartbeat, a coordinator lookup) too.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

log = logging.getLogger("backbone.messaging.broker")
KAFKA_LOGGERS = ("aiokafka", "kafka")
# What aiokafka says when it cannot reach a broker (connection refused or reset, node not ready,
# metadata or coordinator unavailable).
_OUTAGE_SIGNS = (
    "Unable connect to node",
    "Unable to update metadata",
    "Unable to request metadata",
    "NodeNotReadyError",
    "KafkaConnectionError",
    "Connect call failed",
    "Marking the coordinator dead",
    "Coordinator Request failed",
    "RequestTimedOutError",
)
# After the broker is back, group rejoins and coordinator lookups still fail for a while, longer on a
# loaded machine; a real new outage in that time is still seen by the transport's broker watch.
SETTLE_SECONDS = 30.0


def is_outage_record(record: logging.LogRecord) -> bool:
    """A Kafka client's warning or error saying the broker cannot be reached."""
    if not record.name.startswith(KAFKA_LOGGERS) or record.levelno < logging.WARNING:
        return False
    text = record.getMessage()
    if record.exc_info and record.exc_info[1] is not None:
        text += f" {type(record.exc_info[1]).__name__}"
    return any(sign in text for sign in _OUTAGE_SIGNS)


class BrokerOutage:
    """The broker's state as the logs tell it: up, or down since when (and what was held back)."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self.down_since: float | None = None
        self.settled_at: float = 0.0
        self.held_back = 0

    @property
    def down(self) -> bool:
        return self.down_since is not None

    def went_away(self, reason: str) -> None:
        """The broker cannot be reached: say so once per outage."""
        if self.down_since is not None:
            return
        self.down_since = self._clock()
        self.held_back = 0
        log.error(
            "broker unreachable; Kafka client errors are held back until it answers again",
            extra={"reason": reason[:300]},
        )

    def came_back(self) -> None:
        """The broker answers again: say so once, with the outage's length."""
        if self.down_since is None:
            return
        now = self._clock()
        outage_seconds = round(now - self.down_since, 1)
        self.down_since = None
        self.settled_at = now + SETTLE_SECONDS
        log.warning(
            "broker reachable again",
            extra={"outage_seconds": outage_seconds, "held_back_log_records": self.held_back},
        )

    def admits(self, record: logging.LogRecord) -> bool:
        """Whether a log record is written; records of an outage are counted instead."""
        if not record.name.startswith(KAFKA_LOGGERS) or record.levelno < logging.WARNING:
            return True
        outage_record = is_outage_record(record)
        if outage_record and self.down_since is None and self._clock() >= self.settled_at:
            self.went_away(reason=record.getMessage())
        elif outage_record and self.down_since is None:
            self.held_back += 1  # a straggler of the outage that just ended
            return False
        if self.down_since is not None:
            self.held_back += 1
            return False
        return True


# One per process, like the log stream it keeps readable; the transport's broker watch ends outages.
BROKER_OUTAGE = BrokerOutage()


class KafkaLogFilter(logging.Filter):
    def __init__(self, outage: BrokerOutage = BROKER_OUTAGE) -> None:
        super().__init__()
        self.outage = outage

    def filter(self, record: logging.LogRecord) -> bool:
        return self.outage.admits(record)
