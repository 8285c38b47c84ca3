"""Command-line edges a hostile user found (issue 23, items 5 and 9): each gets its message and
exit status 2, and leaves nothing behind."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
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
