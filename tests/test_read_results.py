"""``model.read_results``: a run's folder read back, the summary typed and the tables as DataFrames, with the
README's own example run as written."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import model
from model.features.registry import codecs
from model.presentation.summary_json import to_json

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("read")
    done = subprocess.run([sys.executable, "run.py", "run", "scenarios/baseline.yaml", "--samples", "256", "--out",
                           str(out), "--no-progress"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return out


def test_the_summary_is_the_files_and_the_tables_are_frames(results: Path) -> None:
    r = model.read_results(results / "baseline")
    written = json.loads((results / "baseline" / "summary.json").read_text(encoding="utf-8"))
    assert to_json(r.summary, codecs()) == written  # read back, written again: the same document
    share = r.summary.metrics["nk_share_of_fired"]
    assert share.p5 <= share.p50 <= share.p95 and share.unit == "fraction"
    assert len(r.samples) == written["samples_kept"]
    assert abs(r.samples["weight"].sum() - 1) < 1e-6
    assert set(r.summary.headline) <= set(r.samples.columns)
    assert set(r.trajectories["trajectory"]) >= {"nk_share_of_fired", "ru_stock_days"}
    assert list(r.sensitivity.columns[:2]) == ["metric", "parameter"]
    assert r.manifest["scenario"] == "baseline"


def test_the_readme_example_runs(results: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = next(b for b in re.findall(r"```python\n(.*?)```", readme, re.S) if "read_results" in b)
    monkeypatch.chdir(results.parent)
    (results.parent / "results").mkdir(exist_ok=True)
    target = results.parent / "results" / "baseline"
    if not target.exists():
        target.symlink_to(results / "baseline")
    exec(compile(block, "README.md", "exec"), {})


def test_a_folder_without_a_result_is_named(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=str(tmp_path)):
        model.read_results(tmp_path)
