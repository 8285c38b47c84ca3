"""Numbers in the README come from the benchmarks and say when they were measured: how long `python run.py`
takes (on the first screen), how long the lessons take to build, and the explorer's effective futures and
slider move. A new measurement that the README does not carry fails here, until the README is updated."""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _bench(name: str) -> dict:
    return json.loads((ROOT / "bench" / f"{name}.json").read_text(encoding="utf-8"))


def _section(heading: str) -> str:
    start = README.index(f"\n## {heading}\n")
    end = README.find("\n## ", start + 1)
    return README[start:end if end > 0 else None]


def test_the_first_screen_says_how_long_the_main_command_takes() -> None:
    first = README[:README.index("\n---\n")]
    run = _bench("run")
    everything = run["cases"]["all_scenarios"]["seconds"]["median"]
    assert f"{round(everything)} s on two cores" in first and run["date"][:10] in first
    assert "bench/run.json" in first and "about a minute" not in first


def test_the_lessons_build_time_is_the_benchmarks() -> None:
    teaching, teach = _section("Teaching with it"), _bench("teach")
    assert f"({round(teach['seconds']['median'])} s on two cores" in teaching and teach["date"][:10] in teaching
    assert "about 35 s" not in teaching


def test_the_explorer_numbers_are_the_benchmarks() -> None:
    teaching, explorer = _section("Teaching with it"), _bench("explorer")
    assert explorer["date"][:10] in teaching
    assert f"{explorer['calibrated']['baseline']['effective_at_defaults']:,}" in teaching
    assert f"{explorer['browser']['median_ms']:.0f} ms" in teaching and f"{explorer['app']['median_ms']:.0f} ms" in teaching
    assert explorer["calibrated"]["baseline"]["effective_at_defaults"] >= explorer["target_effective_futures"]
