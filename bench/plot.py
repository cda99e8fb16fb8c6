"""The benchmark's picture: latency and CPU against offered rate, as a PNG beside the result's JSON.

    .venv/bin/python -m bench.plot bench/results/<timestamp>.json    # writes bench/results/<timestamp>.png

`python -m bench` draws it after every run. Four panels, both system modes in each where it applies:
POST → police referral p50/p95/p99 against offered rate; intake's POST p99 against offered rate; and,
per mode, the CPU each process used (cores) against offered rate. Axes are logarithmic (rates and
latencies span orders of magnitude); a step that was not sustainable is drawn hollow. Steps without
a value (nothing seen) are left out. Matplotlib's Agg backend: no display needed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from matplotlib import pyplot  # after choosing the backend

MODE_COLOURS = {"distributed": "tab:blue", "embedded": "tab:orange"}
PERCENTILES = (("p50_ms", ":"), ("p95_ms", "--"), ("p99_ms", "-"))


def steps_of(mode: dict) -> list[dict]:
    """A mode's measured steps (fixed rates and search), by offered rate."""
    return sorted(mode.get("fixed_rates", []) + mode.get("search", []), key=lambda s: s["offered_rate_per_s"])


def _series(steps: list[dict], value) -> tuple[list[float], list[float], list[bool]]:
    points = [(s["offered_rate_per_s"], value(s), s.get("sustainable", False)) for s in steps]
    points = [(r, v, ok) for r, v, ok in points if v is not None and v > 0]
    return [p[0] for p in points], [p[1] for p in points], [p[2] for p in points]


def _draw(axes, rates, values, held, *, colour: str, style: str = "-", label: str) -> None:
    axes.plot(rates, values, linestyle=style, color=colour, label=label)
    for rate, value, ok in zip(rates, values, held, strict=True):
        axes.plot(rate, value, "o", color=colour, markerfacecolor=colour if ok else "white")


def _log_axes(axes, title: str, ylabel: str) -> None:
    axes.set_title(title, fontsize=10)
    axes.set_xlabel("offered rate (reports/s)")
    axes.set_ylabel(ylabel)
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.grid(True, which="both", alpha=0.3)


def draw(result: dict, path: Path) -> Path:
    """Draw the result's picture into `path` (PNG)."""
    system = result.get("system", {})
    modes = [m for m in ("distributed", "embedded") if m in system] or list(system)
    figure, grid = pyplot.subplots(2, 2, figsize=(13, 9))
    latency, post, *cpu_axes = grid.flat
    for mode in modes:
        steps, colour = steps_of(system[mode]), MODE_COLOURS.get(mode, "tab:green")
        for key, style in PERCENTILES:
            rates, values, held = _series(steps, lambda s, key=key: s["latency_post_to_police"].get(key))
            if rates:
                _draw(latency, rates, values, held, colour=colour, style=style, label=f"{mode} {key[:3]}")
        rates, values, held = _series(steps, lambda s: s["post_latency"].get("p99_ms"))
        if rates:
            _draw(post, rates, values, held, colour=colour, label=f"{mode} POST p99")
    _log_axes(latency, "POST → police referral latency", "ms")
    _log_axes(post, "intake POST latency, p99", "ms")
    for axes, mode in zip(cpu_axes, modes, strict=False):
        _cpu_panel(axes, mode, steps_of(system[mode]))
    for axes in cpu_axes[len(modes) :]:
        axes.set_visible(False)
    for axes in grid.flat:
        if axes.get_visible() and axes.get_legend_handles_labels()[0]:
            axes.legend(fontsize=8)
    meta = result.get("meta", {})
    figure.suptitle(
        f"Benchmark {meta.get('timestamp', '')} on {meta.get('machine', '')} (hollow: not sustainable)",
        fontsize=9,
    )
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, format="png", dpi=100)
    pyplot.close(figure)
    return path


def _cpu_panel(axes, mode: str, steps: list[dict]) -> None:
    measured = [s for s in steps if s.get("cpu")]
    names = list(measured[0]["cpu"]["cores_by_process"]) if measured else []
    colours = pyplot.get_cmap("tab10")
    for index, name in enumerate(names):
        rates, values, held = _series(measured, lambda s, name=name: s["cpu"]["cores_by_process"].get(name))
        if rates:
            _draw(axes, rates, values, held, colour=colours(index % 10), label=name)
    _log_axes(axes, f"CPU per process, {mode}", "cores (CPU s per s)")
    if not names:
        axes.text(0.5, 0.5, "no CPU samples in this result", ha="center", transform=axes.transAxes)


def picture_path(json_path: Path) -> Path:
    """Where a result's picture goes: beside its JSON, same name."""
    return json_path.with_suffix(".png")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m bench.plot bench/results/<timestamp>.json", file=sys.stderr)
        return 2
    source = Path(args[0])
    print(draw(json.loads(source.read_text()), picture_path(source)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
