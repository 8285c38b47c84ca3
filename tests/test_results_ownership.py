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


def test_a_users_folder_where_a_result_goes_is_left_alone_and_reported(tmp_path, capsys):
    alpha, beta = _scenarios(tmp_path / "sc", "alpha", "beta")
    out = tmp_path / "results"
    (out / "alpha").mkdir(parents=True)
    (out / "alpha" / "thesis.txt").write_text("draft", encoding="utf-8")
    assert _run(alpha, beta, "--out", out) == 1  # alpha failed, beta ran
    captured = capsys.readouterr()
    assert "alpha: FAILED:" in captured.err and "this tool did not write" in captured.err
    assert (out / "alpha" / "thesis.txt").read_text(encoding="utf-8") == "draft"
    assert sorted(p.name for p in (out / "alpha").iterdir()) == ["thesis.txt"]
    assert read_manifest(out / "beta") is not None
    assert not [p for p in out.iterdir() if p.name.startswith((".staging-", ".previous-"))]


def test_an_earlier_results_tree_given_as_out_is_not_wiped(tmp_path, capsys):
    (alpha,) = _scenarios(tmp_path / "sc", "alpha")
    out = tmp_path / "results"
    tree = out / "alpha"  # a whole results tree, where alpha's folder goes next
    assert _run(alpha, "--out", tree) == 0

    def snapshot() -> dict[str, bytes]:
        return {p.relative_to(tree).as_posix(): p.read_bytes() for p in tree.rglob("*") if p.is_file()}

    before = snapshot()
    assert "alpha/summary.json" in before and "index.html" in before
    assert _run(alpha, "--out", out) == 1
    assert "this tool did not write" in capsys.readouterr().err
    assert snapshot() == before


def test_a_file_of_its_own_inside_a_result_keeps_the_folder_from_being_replaced(tmp_path, capsys):
    (alpha,) = _scenarios(tmp_path / "sc", "alpha")
    out = tmp_path / "results"
    assert _run(alpha, "--out", out) == 0
    (out / "alpha" / "notes.txt").write_text("mine", encoding="utf-8")
    assert _run(alpha, "--out", out, "--redo") == 1
    assert "holds files this tool did not write (notes.txt)" in capsys.readouterr().err
    assert (out / "alpha" / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert read_manifest(out / "alpha") is not None  # the earlier result stays


def test_a_results_folder_with_a_hindcast_is_still_replaced(tmp_path):
    (alpha,) = _scenarios(tmp_path / "sc", "alpha")
    out = tmp_path / "results"
    assert _run(alpha, "--out", out) == 0
    (out / "alpha" / "hindcast.json").write_text("{}", encoding="utf-8")  # as run.py hindcast adds it
    assert _run(alpha, "--out", out, "--redo") == 0
    assert not (out / "alpha" / "hindcast.json").exists()  # documented: a later run replaces the folder


def test_a_users_comparison_folder_or_index_stops_the_batch_before_it_runs(tmp_path, capsys):
    alpha, beta = _scenarios(tmp_path / "sc", "alpha", "beta")
    out = tmp_path / "results"
    (out / "comparison").mkdir(parents=True)
    (out / "comparison" / "plan.txt").write_text("mine", encoding="utf-8")
    assert _run(alpha, beta, "--out", out) == 2
    err = capsys.readouterr().err
    assert "comparison: is a folder this tool did not write" in err and "nothing was run" in err
    assert (out / "comparison" / "plan.txt").read_text(encoding="utf-8") == "mine"
    assert not (out / "alpha").exists()
    other = tmp_path / "site"
    other.mkdir()
    (other / "index.html").write_text("<p>my page</p>", encoding="utf-8")
    assert _run(alpha, "--out", other) == 2
    assert "index.html: was not written by this tool" in capsys.readouterr().err
    assert (other / "index.html").read_text(encoding="utf-8") == "<p>my page</p>"


def test_what_a_file_browser_leaves_in_a_result_does_not_keep_it_from_being_replaced(tmp_path):
    (alpha,) = _scenarios(tmp_path / "sc", "alpha")
    out = tmp_path / "results"
    assert _run(alpha, "--out", out) == 0
    (out / "alpha" / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")  # macOS Finder, after a look at the charts
    (out / "alpha" / "._report.html").write_bytes(b"\0\5\26\7")
    assert _run(alpha, "--out", out, "--redo") == 0
    assert read_manifest(out / "alpha") is not None

