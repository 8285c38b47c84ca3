"""Command-line edges a hostile user found (issue 23, items 5 and 9): each gets its message and
exit status 2, and leaves nothing behind."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from model.cli import main

ROOT = Path(__file__).resolve().parents[1]
SMALL = """name: alpha
extends: baseline
description: A small test scenario.
samples: 64
sensitivity:
  metrics: [nk_share_of_fired]
  methods: [rank]
"""


def _scenario(folder: Path) -> Path:
    shutil.copy(ROOT / "scenarios" / "baseline.yaml", folder / "baseline.yaml")
    path = folder / "alpha.yaml"
    path.write_text(SMALL, encoding="utf-8")
    return path


@pytest.mark.parametrize("address", ["garbage", "tcp://host", "tcp://host:99999", "http://host:8786", ""])
def test_a_scheduler_address_that_is_not_one_is_refused_before_anything_is_touched(tmp_path, capsys, address):
    path = _scenario(tmp_path)
    out = tmp_path / "r"
    with pytest.raises(SystemExit) as exit_:
        main(["run", str(path), "--out", str(out), "--scheduler", address, "--no-progress"])
    assert exit_.value.code == 2
    assert "is not a scheduler address: write tcp://HOST:PORT" in capsys.readouterr().err
    assert not out.exists()  # no folder, no .lock


def test_a_scheduler_that_does_not_answer_touches_nothing(tmp_path):
    pytest.importorskip("distributed")
    path = _scenario(tmp_path)
    out = tmp_path / "r"
    env = dict(os.environ, DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT="2s")
    done = subprocess.run([sys.executable, str(ROOT / "run.py"), "run", str(path), "--out", str(out),
                           "--scheduler", "tcp://127.0.0.1:9", "--no-progress"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in done.stderr
    assert "internal error" not in done.stderr and "Traceback" not in done.stderr
    assert not out.exists()


@pytest.mark.parametrize("lesson", ["9", "0", "abc"])
def test_teach_only_a_lesson_that_does_not_exist_is_refused(tmp_path, capsys, lesson):
    with pytest.raises(SystemExit) as exit_:
        main(["teach", "--only", lesson, "--out", str(tmp_path / "t")])
    assert exit_.value.code == 2
    assert f"'{lesson}' is not a lesson: give a number from 1 to 5" in capsys.readouterr().err
    assert not (tmp_path / "t").exists()


def test_build_teaching_refuses_a_lesson_it_does_not_have(tmp_path):
    from model.teaching.build import TeachError, build_teaching

    with pytest.raises(TeachError, match="lesson\\(s\\) not found: 9"):
        build_teaching(tmp_path / "t", only=["9"])


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_two_explorers_on_one_port_one_serves_the_other_is_refused(tmp_path):
    pytest.importorskip("streamlit")
    port = _free_port()
    cmd = [sys.executable, str(ROOT / "run.py"), "explore", "--no-browser", "--port", str(port), "--samples", "256"]
    procs = [subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    try:
        loser = None
        deadline = time.monotonic() + 120
        while loser is None and time.monotonic() < deadline:
            loser = next((p for p in procs if p.poll() is not None), None)
            time.sleep(0.1)
        assert loser is not None, "neither explorer stopped"
        out, err = loser.communicate()
        assert loser.returncode == 2, err
        assert f"port {port} on 127.0.0.1 is in use" in err and "explorer: http" not in out
        winner = next(p for p in procs if p is not loser)
        lines = iter(winner.stdout.readline, "")  # Streamlit's own lines come on the same output
        line = next((ln for ln in lines if ln.startswith("explorer:")), "")  # once its own server answers
        assert line.startswith(f"explorer: http://127.0.0.1:{port}"), line
    finally:
        for p in procs:
            if p.poll() is None:
                p.terminate()
                p.communicate(timeout=30)


def _extending(folder: Path, parent: str, body: str) -> Path:
    shutil.copy(ROOT / "scenarios" / "baseline.yaml", folder / "baseline.yaml")
    if parent != "baseline":
        shutil.copy(ROOT / "scenarios" / f"{parent}.yaml", folder / f"{parent}.yaml")
    path = folder / "edge.yaml"
    path.write_text(f"name: edge\nextends: {parent}\ndescription: an edge case\n{body}", encoding="utf-8")
    return path


@pytest.mark.parametrize("parent, body, field", [
    ("correlated_inputs", "precision: {metrics: []}\n", "precision.metrics"),
    ("baseline", "samples: auto\nsensitivity: {metrics: []}\n", "samples"),
], ids=["empty-precision", "auto-without-metrics"])
def test_samples_auto_with_nothing_to_make_precise_is_refused(tmp_path, capsys, parent, body, field):
    path = _extending(tmp_path, parent, body)
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:4: {field}: " in err, err


def test_sample_refuses_what_validate_refuses(tmp_path, capsys):
    path = _extending(tmp_path, "baseline", "parameters:\n  nk_dud_rate_old: {dist: normal, mean: 0.0, sd: 0.5, "
                                           "unit: fraction, assumption: x}\n")
    assert main(["validate", str(path)]) == 2
    refused = capsys.readouterr().err
    assert main(["sample", str(path), "--samples", "64"]) == 2
    out, err = capsys.readouterr()
    assert err == refused.replace("1 problem(s) in 1 file(s)\n", "") and out == ""


def test_a_figure_spread_above_one_prints_no_numerical_warnings(tmp_path):
    path = _extending(tmp_path, "baseline", "samples: 64\nparameters:\n  ru_production_per_month: "
                                           "{figure: ru_shell_production_per_year, spread: 1.5}\n")
    for command in (["validate", str(path)], ["sample", str(path), "--samples", "64"]):
        done = subprocess.run([sys.executable, str(ROOT / "run.py"), *command], cwd=ROOT, capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert "Warning" not in done.stderr, done.stderr
