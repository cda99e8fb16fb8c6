"""SLA clocks as pure domain logic: calendars, the policy as data, and the clock entity.

Nothing here reads the system time, a database or a broker; callers pass every timestamp.
"""

from .calendar import (
    COVERED_YEARS,
    SHANGHAI,
    Calendar,
    CalendarCoverageError,
    CalendarFallbackWarning,
    CalendarKind,
    Target,
    WallCalendar,
    WorkingDayCalendar,
    add_working_time,
    calendar_for,
    parse_iso_duration,
    working_time_between,
)
from .clock import (
    Checkpoint,
    Clock,
    ClockError,
    ClockSpecMismatch,
    ClockState,
    ClockTimeError,
    IllegalClockTransition,
    Pause,
    PriorityChange,
)
from .policy import (
    ClockSpec,
    PlannedCheckpoint,
    PolicyError,
    SlaPolicy,
    TargetBy,
    TargetNotDefined,
    Trigger,
    UnknownClockError,
)

__all__ = [
    "COVERED_YEARS",
    "SHANGHAI",
    "Calendar",
    "CalendarCoverageError",
    "CalendarFallbackWarning",
    "CalendarKind",
    "Checkpoint",
    "Clock",
    "ClockError",
    "ClockSpec",
    "ClockSpecMismatch",
    "ClockState",
    "ClockTimeError",
    "IllegalClockTransition",
    "Pause",
    "PlannedCheckpoint",
    "PolicyError",
    "PriorityChange",
    "SlaPolicy",
    "Target",
    "TargetBy",
    "TargetNotDefined",
    "Trigger",
    "UnknownClockError",
    "WallCalendar",
    "WorkingDayCalendar",
    "add_working_time",
    "calendar_for",
    "parse_iso_duration",
    "working_time_between",
]
