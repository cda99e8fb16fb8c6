"""Live cases are grouped by priority, the most pressing first, each with its open clocks soonest first."""

from datetime import UTC, datetime, timedelta

from services.ops.board import live_board

NOW = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)


def case(case_id: str, priority: str) -> dict:
    return {"case_id": case_id, "priority": priority, "opened_at": NOW.isoformat()}


def clock(case_id: str, minutes: float, state: str = "running") -> dict:
    due = NOW + timedelta(minutes=minutes)
    return {
        "id": f"{case_id}-{minutes}",
        "case_id": case_id,
        "state": state,
        "warned": False,
        "due_at": due.isoformat(),
        "clock": "x",
        "agency": "police",
    }


def test_cases_by_priority_most_pressing_first() -> None:
    board = live_board(
        [case("a", "P1"), case("b", "P1"), case("c", "P3")],
        [clock("a", 50), clock("b", 2), clock("a", 10), clock("b", -1, "breached"), clock("gone", 1)],
        NOW,
    )
    assert [line.case["case_id"] for line in board["P1"]] == ["b", "a"]
    assert board["P2"] == [] and [line.case["case_id"] for line in board["P3"]] == ["c"]
    b, a = board["P1"]
    assert [c.countdown.seconds_left for c in a.clocks] == [600, 3000]
    assert (b.tone, a.tone, board["P3"][0].tone) == ("breached", "running", "quiet")
