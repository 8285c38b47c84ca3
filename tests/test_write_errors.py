"""A folder that cannot be written, a disk that fills (issue 23, item 9): refused before anything
is computed, and every message names the output path, never a staging folder, a temporary file or
a line of matplotlib."""

from __future__ import annotations

import errno
import shutil
from pathlib import Path

import matplotlib.figure

from model import batch
from model.cli import main
from model.storage import results_folder
from model.storage.results_folder import read_manifest

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
    folder.mkdir(exist_ok=True)
    shutil.copy(ROOT / "scenarios" / "baseline.yaml", folder / "baseline.yaml")
    path = folder / "alpha.yaml"
    path.write_text(SMALL, encoding="utf-8")
    return path


def _run(*args: object) -> int:
    return main(["run", *map(str, args), "--no-progress", "--workers", "1"])


def test_a_read_only_results_folder_with_redo_is_refused_before_computing(tmp_path, monkeypatch, capsys):
    path = _scenario(tmp_path / "sc")
    out = tmp_path / "results"
    assert _run(path, "--out", out) == 0
    before = (out / "alpha" / "summary.json").read_bytes()
    capsys.readouterr()

    def read_only(*args, **kwargs):  # what a read-only file system answers to any new entry
        raise OSError(errno.EROFS, "Read-only file system", str(Path(kwargs.get("dir") or args[0]) / ".x"))

    computed: list[str] = []
    real = batch.run_scenario

    def record(scenario, *args, **kwargs):
        computed.append(scenario.name)
        return real(scenario, *args, **kwargs)

    monkeypatch.setattr(results_folder.tempfile, "mkdtemp", read_only)
    monkeypatch.setattr(batch.Staging, "__enter__", read_only)
    monkeypatch.setattr(batch, "run_scenario", record)
    assert _run(path, "--out", out, "--redo") == 2
    err = capsys.readouterr().err
    assert computed == []
    assert f"{out}/ cannot be written (Read-only file system); nothing was run" in err, err
    assert ".staging" not in err and ".tmp" not in err and ".x" not in err
    assert (out / "alpha" / "summary.json").read_bytes() == before


def test_a_full_disk_names_the_output_file_not_matplotlib(tmp_path, monkeypatch, capsys):
    path = _scenario(tmp_path / "sc")
    out = tmp_path / "results"
    real = matplotlib.figure.Figure.savefig

    def disk_full_for_svg(self, fname, *args, **kwargs):
        if str(fname).endswith(".svg"):
            raise OSError(errno.ENOSPC, "No space left on device")  # a failed write names no file
        return real(self, fname, *args, **kwargs)

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", disk_full_for_svg)
    assert _run(path, "--out", out) == 1
    err = capsys.readouterr().err
    line = next(ln for ln in err.splitlines() if ln.startswith("alpha: FAILED:"))
    assert line == f"alpha: FAILED: {out / 'alpha'}: No space left on device", line
    assert ".staging" not in err and "backend_svg" not in err and "(at " not in line
    assert read_manifest(out / "alpha") is None and not (out / "alpha").exists()
    assert not [p for p in out.iterdir() if p.name.startswith(".staging-")]
