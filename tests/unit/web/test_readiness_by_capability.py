"""Readiness says what a service can do: accept (its database) and deliver (the broker)."""

from __future__ import annotations

from backbone.web.readiness import readiness


def test_everything_answers() -> None:
    status, body = readiness(databases={"intake": "ok"}, broker="ok")
    assert status == 200
    assert body == {
        "status": "ready",
        "accept": "ok",
        "deliver": "ok",
        "checks": {"intake.database": "ok", "broker": "ok"},
    }


def test_without_the_broker_it_still_accepts_and_stays_in_rotation() -> None:
    status, body = readiness(databases={"intake": "ok"}, broker="failing: KafkaError")
    assert status == 200
    assert (body["status"], body["accept"], body["deliver"]) == ("degraded", "ok", "failing: KafkaError")


def test_without_a_database_it_cannot_accept() -> None:
    status, body = readiness(
        databases={"intake": "ok", "routing": "failing: ConnectionRefusedError"}, broker="ok"
    )
    assert status == 503
    assert body["status"] == "not ready"
    assert body["accept"] == "failing: routing database failing: ConnectionRefusedError"
    assert body["deliver"] == "ok"


def test_nothing_running_is_not_ready() -> None:
    status, body = readiness(databases={}, broker="not started")
    assert status == 503
    assert body["deliver"] == "failing: not started"
