"""py-spy on the service processes during one load step, summarised into the top frames per process.

py-spy is not a project dependency: `.venv/bin/pip install py-spy` (it needs ptrace rights, e.g. root).
"""

from __future__ import annotations

import asyncio
import re
import shutil
import sys
from collections import Counter
from collections.abc import Awaitable
from pathlib import Path

from bench.processes import ServiceProcess

PROJECT = ("backbone/", "services/", "contracts/")
FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>[^():]+)(?::\d+)?\)$")


def _py_spy() -> str | None:
    beside = Path(sys.executable).parent / "py-spy"
    return str(beside) if beside.exists() else shutil.which("py-spy")


def _short(frame: str) -> tuple[str, bool]:
    """`func (path:line)` → `func (tail of path)`, and whether the frame is the project's own code."""
    match = FRAME.match(frame.strip())
    if not match:
        return frame.strip(), False
    path = match["file"]
    for marker in (*PROJECT, "site-packages/", "lib/python3.11/"):
        if marker in path:
            tail = (
                path.split(marker, 1)[1]
                if marker.endswith("packages/") or "python3" in marker
                else (marker + path.split(marker, 1)[1])
            )
            return f"{match['func']} ({tail})", marker in PROJECT
    return f"{match['func']} ({path})", False


def summarise(raw: Path, top: int = 12) -> dict:
    """Self time of leaf frames and inclusive time of project frames, as % of active samples."""
    self_time: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in raw.read_text(errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        total += count
        frames = [_short(f) for f in stack.split(";") if f and not f.startswith(("process ", "thread "))]
        if not frames:
            continue
        self_time[frames[-1][0]] += count
        for name in {name for name, own in frames if own}:
            inclusive[name] += count

    def pct(counter: Counter[str]) -> list[list]:
        return [[name, round(100 * n / total, 1)] for name, n in counter.most_common(top)] if total else []

    return {"samples": total, "self_pct": pct(self_time), "project_inclusive_pct": pct(inclusive)}


async def profile_processes(
    processes: list[ServiceProcess], work: Awaitable[dict], seconds: float, out_dir: Path
) -> dict:
    """Run `work` (a load step) while py-spy samples every process; return the step and the summaries."""
    py_spy = _py_spy()
    if py_spy is None:
        return {"step": await work, "error": "py-spy not installed: .venv/bin/pip install py-spy"}
    await asyncio.to_thread(out_dir.mkdir, parents=True, exist_ok=True)
    recorders = {}
    for process in processes:
        output = out_dir / f"{process.name}.txt"
        recorders[process.name] = (
            output,
            await asyncio.create_subprocess_exec(
                py_spy,
                "record",
                "--pid",
                str(process.pid),
                "--duration",
                str(int(seconds) + 1),
                "--rate",
                "67",
                "--nonblocking",
                "--format",
                "raw",
                "--output",
                str(output),
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.PIPE,
            ),
        )
    step = await work
    summaries: dict[str, dict] = {}
    for name, (output, recorder) in recorders.items():
        _, stderr = await recorder.communicate()
        if output.exists():
            summaries[name] = {**summarise(output), "raw": str(output)}
        else:
            summaries[name] = {"error": stderr.decode(errors="replace")[-500:]}
    return {"step": step, "processes": summaries}
