"""Every limit enforced, with FILE:LINE (issue 23, item 7): worker processes at most the cores
unless asked for with a flag that says so; counts of conditions, alternatives, disruptions, events
and figure files with a maximum; a long text is never echoed back whole."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from model import batch, workers
from model.cli import main
from model.features.alternatives.spec import MAX_ALTERNATIVES
from model.features.discovery.spec import MAX_CONDITION_CHARS, MAX_DISCOVERY_CONDITIONS
from model.features.logistics.spec import MAX_DISRUPTIONS
from model.inputs.schema import MAX_EVENTS, MAX_FIGURE_FILES

ROOT = Path(__file__).resolve().parents[1]


def _scenario(folder: Path, body: str, name: str = "limits") -> Path:
    shutil.copy(ROOT / "scenarios" / "baseline.yaml", folder / "baseline.yaml")
    path = folder / f"{name}.yaml"
    path.write_text(f"name: {name}\nextends: baseline\ndescription: a test of the limits\nsamples: 64\n{body}",
                    encoding="utf-8")
    return path


def _refused(path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "internal error" not in err and "Traceback" not in err, err
    return err


@pytest.mark.parametrize("asked, flag, started", [(16, False, 2), (16, True, 3), (2, False, 2), (None, False, 2)])
def test_workers_are_at_most_the_cores_unless_a_flag_says_so(tmp_path, monkeypatch, capsys, asked, flag, started):
    files = [_scenario(tmp_path, "", name) for name in ("a", "b", "c")]
    monkeypatch.setattr(workers, "usable_cores", lambda: 2)
    asked_for: list[int] = []

    def record(resolved, options, **kwargs):
        asked_for.append(options.workers)
        return []

    monkeypatch.setattr(batch, "run_batch", record)
    args = ["run", *map(str, files), "--out", str(tmp_path / "r"), "--no-progress"]
    args += ["--workers", str(asked)] if asked is not None else []
    args += ["--more-workers-than-cores"] if flag else []
    assert main(args) == 0
    assert min(asked_for[0], 3) == started  # the batch starts no more than there are scenarios
    err = capsys.readouterr().err
    assert ("add --more-workers-than-cores to start 16" in err) == (asked == 16 and not flag)


@pytest.mark.parametrize("body, field, count, limit", [
    ("discovery:\n" + "".join(f"  c{i}: 'months_short >= {i}'\n" for i in range(MAX_DISCOVERY_CONDITIONS + 1)),
     "discovery", MAX_DISCOVERY_CONDITIONS + 1, MAX_DISCOVERY_CONDITIONS),
    ("events:\n" + "".join(f"  e{i}: {{kind: troops_deploy, month: 2024-06}}\n" for i in range(MAX_EVENTS + 1)),
     "events", MAX_EVENTS + 2, MAX_EVENTS),  # and the baseline's own event
    ("alternatives:\n" + "".join(f"  a{i}: {{firing: stock_target}}\n" for i in range(MAX_ALTERNATIVES + 1)),
     "alternatives", MAX_ALTERNATIVES + 1, MAX_ALTERNATIVES),
    ("figure_files: [" + ", ".join(f"f{i}.yaml" for i in range(MAX_FIGURE_FILES + 1)) + "]\n",
     "figure_files", MAX_FIGURE_FILES + 1, MAX_FIGURE_FILES),
    ("logistics:\n  disruptions:\n" + "".join(
        f"    d{i}: {{kind: route_closed, route: rail, start: 2024-11-01, days: 3}}\n" for i in range(MAX_DISRUPTIONS + 1)),
     "logistics.disruptions", MAX_DISRUPTIONS + 1, MAX_DISRUPTIONS),
], ids=["discovery", "events", "alternatives", "figure-files", "disruptions"])
def test_counts_over_their_maximum_are_refused_with_file_and_line(tmp_path, capsys, body, field, count, limit):
    if field == "figure_files":
        for i in range(count):
            (tmp_path / f"f{i}.yaml").write_text(f"figures:\n  - id: made_up_{i}\n", encoding="utf-8")
    path = _scenario(tmp_path, body)
    err = _refused(path, capsys)
    assert f"{path}:" in err and f": {field}: {count} entries; at most {limit} (the README's Limits" in err, err


def test_a_10000_character_condition_is_refused_and_not_echoed(tmp_path, capsys):
    text = "months_short >= 1 and " * 455 + "months_short >= 2"
    assert len(text) > 10_000
    path = _scenario(tmp_path, f"discovery:\n  long_one: '{text}'\n")
    err = _refused(path, capsys)
    assert f"{path}:6: discovery.long_one: {len(text):,} characters; at most {MAX_CONDITION_CHARS}" in err, err
    assert max(len(line) for line in err.splitlines()) < 400


def test_a_long_condition_that_does_not_parse_is_shown_shortened(tmp_path, capsys):
    text = "months_short >= 1 and " * 20 + "no_such_metric > 2"
    assert len(text) <= MAX_CONDITION_CHARS
    path = _scenario(tmp_path, f"discovery:\n  broken: '{text}'\n")
    err = _refused(path, capsys)
    assert f"{path}:6: discovery.broken: " in err and f"({len(text):,} characters)" in err


def test_a_1000_character_key_is_not_echoed_whole(tmp_path, capsys):
    path = _scenario(tmp_path, "k" * 1000 + ": 1\n")
    err = _refused(path, capsys)
    assert "unknown key" in err and "(1,000 characters)" in err
    assert "k" * 200 not in err
