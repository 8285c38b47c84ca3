"""Results folders: what a run may replace, and what counts as current (issue 23, items 1 and 8).

A folder in the way of a result is replaced only when this tool wrote it (its manifest says so);
a user's folder, or an earlier results tree, is left alone and reported. A file edited in place,
even to the same size, makes its folder incomplete, so the next run does it again.
"""

from __future__ import annotations

import json
from pathlib import Path

from model.cli import main
from model.storage.results_folder import read_manifest

ROOT = Path(__file__).resolve().parents[1]
SMALL = """name: {name}
extends: baseline
description: A small test scenario ({name}).
samples: 64
sensitivity:
  metrics: [nk_share_of_fired]
  methods: [rank]
"""


def _scenarios(folder: Path, *names: str) -> list[Path]:
    folder.mkdir(exist_ok=True)
    (folder / "baseline.yaml").write_text((ROOT / "scenarios" / "baseline.yaml").read_text(encoding="utf-8")
                                          .replace("name: baseline", "name: baseline_full"), encoding="utf-8")
    out = []
    for name in names:
        path = folder / f"{name}.yaml"
        path.write_text(SMALL.format(name=name), encoding="utf-8")
        out.append(path)
    return out


def _run(*args: object) -> int:
    return main(["run", *map(str, args), "--no-progress", "--workers", "1"])


def test_an_edit_that_keeps_the_size_makes_the_folder_stale(tmp_path, capsys):
    (path,) = _scenarios(tmp_path / "sc", "alpha")
    out = tmp_path / "results"
    assert _run(path, "--out", out) == 0
    summary = out / "alpha" / "summary.json"
    text = summary.read_text(encoding="utf-8")
    digit = next(i for i, c in enumerate(text) if c.isdigit())
    edited = text[:digit] + str((int(text[digit]) + 1) % 10) + text[digit + 1:]
    summary.write_text(edited, encoding="utf-8")
    assert summary.stat().st_size == len(text.encode())
    assert read_manifest(out / "alpha") is None  # incomplete: its content is not what was written
    capsys.readouterr()
    assert _run(path, "--out", out) == 0
    assert "1 run, 0 skipped" in capsys.readouterr().out
    assert summary.read_text(encoding="utf-8") == text
    manifest = json.loads((out / "alpha" / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["file_sha256"]) == set(manifest["file_sizes"])
