"""The compliance chart: one stacked bar per agency, segments proportional to the counts."""

from services.ops.board import compliance_chart, compliance_lines

ROWS = [
    {
        "agency": "police",
        "clocks": 4,
        "open": 2,
        "met_on_time": 1,
        "met_late": 1,
        "breached_open": 1,
        "cancelled": 0,
        "median_seconds_to_stop": 210.0,
        "p90_seconds_to_stop": 290.0,
    },
    {
        "agency": "health",
        "clocks": 2,
        "open": 0,
        "met_on_time": 2,
        "met_late": 0,
        "breached_open": 0,
        "cancelled": 0,
        "median_seconds_to_stop": 60.0,
        "p90_seconds_to_stop": 60.0,
    },
]


def test_bars_count_each_outcome_and_scale_together() -> None:
    lines = compliance_lines(ROWS, "all")
    assert (lines[0].running, lines[0].breached) == (1, 1)  # open counts breached clocks too
    chart = compliance_chart(lines, width=640)
    police, health = chart.bars
    assert [police.count(k) for k in ("met_on_time", "met_late", "breached", "running")] == [1, 1, 1, 1]
    assert health.count("met_on_time") == 2
    unit = police.segments[0].width
    assert unit > 0 and health.segments[0].width == 2 * unit  # one scale for every bar
    assert sum(s.width for s in police.segments) <= chart.width - chart.label_width
    assert police.segments[1].x == police.segments[0].x + police.segments[0].width
    assert health.y > police.y


def test_no_clocks_no_bars() -> None:
    assert compliance_chart([]).bars == ()
