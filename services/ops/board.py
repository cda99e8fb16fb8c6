"""What the operations page shows, decided from the APIs' answers and the time: pure functions only."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

PRIORITIES = ("P1", "P2", "P3")
UNKNOWN_DISTRICT = "—"


def parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def duration_text(seconds: float) -> str:
    """`1d 02:03:04`, `02:03:04`, `03:04`; a past one `-03:04` (ops.js writes the same)."""
    sign = "-" if seconds < 0 else ""
    whole = int(abs(seconds))
    days, rest = divmod(whole, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    clock = f"{hours:02d}:{minutes:02d}:{secs:02d}" if hours or days else f"{minutes:02d}:{secs:02d}"
    return f"{sign}{days}d {clock}" if days else f"{sign}{clock}"


@dataclass(frozen=True)
class Countdown:
    """A clock's time left when the page was rendered; the browser ticks it down from there."""

    seconds_left: int | None  # None: no due time (paused, or no target)
    tone: str  # running, warning, paused, breached
    label: str


def countdown(clock: Mapping[str, Any], now: datetime) -> Countdown:
    """The clock's countdown from its due time and now; breached and warned clocks say so."""
    due = parse_time(clock.get("due_at"))
    if clock["state"] == "paused" or due is None:
        return Countdown(None, "paused", "paused")
    left = int((due - now).total_seconds())
    if clock["state"] == "breached" or left < 0:
        return Countdown(left, "breached", f"breached, {duration_text(-left)} late")
    tone = "warning" if clock.get("warned") else "running"
    return Countdown(left, tone, duration_text(left))


@dataclass(frozen=True)
class ClockLine:
    clock: Mapping[str, Any]
    countdown: Countdown


@dataclass
class CaseLine:
    case: Mapping[str, Any]
    clocks: list[ClockLine] = field(default_factory=list)

    @property
    def tone(self) -> str:
        """The worst of its clocks: breached, then warning, then running."""
        tones = {line.countdown.tone for line in self.clocks}
        return next((t for t in ("breached", "warning", "running", "paused") if t in tones), "quiet")

    @property
    def soonest(self) -> float:
        lefts = [c.countdown.seconds_left for c in self.clocks if c.countdown.seconds_left is not None]
        return min(lefts) if lefts else float("inf")


def live_board(
    cases: Iterable[Mapping[str, Any]], clocks: Iterable[Mapping[str, Any]], now: datetime
) -> dict[str, list[CaseLine]]:
    """Live cases by priority, most pressing first, each with its open clocks soonest due first."""
    lines = {case["case_id"]: CaseLine(case) for case in cases}
    for clock in clocks:
        if clock["case_id"] in lines:
            lines[clock["case_id"]].clocks.append(ClockLine(clock, countdown(clock, now)))
    board: dict[str, list[CaseLine]] = {priority: [] for priority in PRIORITIES}
    for line in lines.values():
        line.clocks.sort(key=lambda c: (c.countdown.seconds_left is None, c.countdown.seconds_left or 0))
        board.setdefault(line.case["priority"], []).append(line)
    for priority_lines in board.values():
        priority_lines.sort(key=lambda line: (line.soonest, line.case["opened_at"]))
    return board


@dataclass(frozen=True)
class Lapse:
    """A breached clock or an escalation, as supervision follows it up."""

    kind: str  # breach or escalation
    case_id: str
    what: str
    since: datetime


@dataclass
class LapseGroup:
    agency: str
    district: str
    lapses: list[Lapse] = field(default_factory=list)

    @property
    def breaches(self) -> int:
        return sum(lapse.kind == "breach" for lapse in self.lapses)

    @property
    def escalations(self) -> int:
        return sum(lapse.kind == "escalation" for lapse in self.lapses)


def lapses_by_agency_and_district(
    breached: Iterable[Mapping[str, Any]],
    escalations: Iterable[Mapping[str, Any]],
    district_of: Mapping[str, str],
) -> list[LapseGroup]:
    """Breaches (since their due time) and escalations (since escalated) per agency and district, oldest
    first within a group and groups by their oldest lapse."""
    groups: dict[tuple[str, str], LapseGroup] = {}

    def add(agency: str, case_id: str, lapse: Lapse, district: str | None) -> None:
        district = district or district_of.get(case_id) or UNKNOWN_DISTRICT
        groups.setdefault((agency, district), LapseGroup(agency, district)).lapses.append(lapse)

    for clock in breached:
        since = parse_time(clock.get("due_at")) or parse_time(clock["started_at"])
        lapse = Lapse("breach", clock["case_id"], clock["clock"], since)
        add(clock["agency"], clock["case_id"], lapse, clock.get("district"))
    for escalation in escalations:
        what = escalation.get("clock") or escalation["cause"]
        lapse = Lapse("escalation", escalation["case_id"], what, parse_time(escalation["escalated_at"]))
        add(escalation["agency"], escalation["case_id"], lapse, None)
    for group in groups.values():
        group.lapses.sort(key=lambda lapse: lapse.since)
    return sorted(groups.values(), key=lambda g: (g.lapses[0].since, g.agency, g.district))


@dataclass(frozen=True)
class ComplianceLine:
    agency: str
    district: str  # a division code, or "all" for the caller's whole scope
    clocks: int
    met_on_time: int
    met_late: int
    breached: int
    running: int
    cancelled: int
    median_seconds: float | None
    p90_seconds: float | None


def compliance_lines(rows: Iterable[Mapping[str, Any]], district: str) -> list[ComplianceLine]:
    """The compliance API's rows as the page's table lines."""
    return [
        ComplianceLine(
            agency=row["agency"],
            district=district,
            clocks=row["clocks"],
            met_on_time=row["met_on_time"],
            met_late=row["met_late"],
            breached=row["breached_open"],
            running=row["open"] - row["breached_open"],
            cancelled=row["cancelled"],
            median_seconds=row["median_seconds_to_stop"],
            p90_seconds=row["p90_seconds_to_stop"],
        )
        for row in rows
    ]


@dataclass(frozen=True)
class Segment:
    kind: str
    count: int
    x: float
    width: float


@dataclass(frozen=True)
class Bar:
    label: str
    y: float
    segments: tuple[Segment, ...]
    total: int

    def count(self, kind: str) -> int:
        return sum(s.count for s in self.segments if s.kind == kind)


SEGMENT_KINDS = ("met_on_time", "met_late", "breached", "running", "cancelled")


@dataclass(frozen=True)
class Chart:
    bars: tuple[Bar, ...]
    width: int
    height: int
    label_width: int
    bar_height: int


def compliance_chart(lines: Iterable[ComplianceLine], *, width: int = 640, bar_height: int = 22) -> Chart:
    """Horizontal stacked bars, one per agency: on time, late, breached, still running, cancelled."""
    lines = list(lines)
    label_width, gap = 130, 10
    scale = (width - label_width - 40) / max([line.clocks for line in lines] + [1])
    bars = []
    for index, line in enumerate(lines):
        x, segments = float(label_width), []
        for kind in SEGMENT_KINDS:
            count = getattr(line, kind)
            segments.append(Segment(kind, count, x, count * scale))
            x += count * scale
        bars.append(Bar(line.agency, gap + index * (bar_height + gap), tuple(segments), line.clocks))
    return Chart(tuple(bars), width, gap + len(bars) * (bar_height + gap) + 20, label_width, bar_height)
