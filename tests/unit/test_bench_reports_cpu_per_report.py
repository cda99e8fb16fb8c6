"""The benchmark's table gives, for each step, the CPU ms each process spent per accepted report, net of
what it spends idle."""

from __future__ import annotations

from bench.report import render
from tests.unit.bench_result import small_result


def test_the_table_gives_cpu_ms_per_report_per_process_net_of_idle() -> None:
    table = render(small_result())

    assert table.count("CPU ms per report by process (net of idle):") == 2
    header = next(line for line in table.splitlines() if "issuer" in line and "routing" in line)
    assert header.split() == ["offered/s", "issuer", "intake", "routing", "all"]
    # 10/s for 2 s: 20 reports; (0.2 - 0.01 idle) cores x 2 s = 380 ms, 19 ms a report, 57 for all three.
    row = next(line for line in table.splitlines() if line.split()[:2] == ["10", "19.0"])
    assert row.split() == ["10", "19.0", "19.0", "19.0", "57.0"]
