"""`python -m bench.plot <result>.json` draws the result as a PNG beside it (latency and CPU against
offered rate, both modes), from the JSON alone."""

from __future__ import annotations

import json
from pathlib import Path

from bench.plot import main
from tests.unit.bench_result import small_result

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_a_result_json_is_drawn_as_a_png_beside_it(tmp_path: Path, capsys) -> None:
    source = tmp_path / "20261202T000000Z.json"
    source.write_text(json.dumps(small_result()))

    assert main([str(source)]) == 0

    picture = tmp_path / "20261202T000000Z.png"
    assert capsys.readouterr().out.strip() == str(picture)
    data = picture.read_bytes()
    assert len(data) > 10_000 and data.startswith(PNG_MAGIC)


def test_a_result_without_cpu_samples_is_drawn_too(tmp_path: Path) -> None:
    result = small_result()
    for mode in result["system"].values():
        for step in mode["fixed_rates"] + mode["search"]:
            del step["cpu"]
    source = tmp_path / "old.json"
    source.write_text(json.dumps(result))
    assert main([str(source)]) == 0
    assert (tmp_path / "old.png").read_bytes().startswith(PNG_MAGIC)
