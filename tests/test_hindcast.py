"""Hindcasts (model.features.hindcast.run, `python run.py hindcast`): fit on the early figures, predict the later."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from pathlib import Path

import pytest

from model.cli import main
from model.features.hindcast.run import HindcastError, run_hindcast, split_observations, write_hindcast
from model.features.hindcast.view import hindcast_document, hindcast_lines
from model.inputs.loading import load_scenario
from model.inputs.registry import load_registry
from model.storage.results_folder import ResultsBusy

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "figure_files"


@pytest.fixture(scope="module")
def baseline_hindcast():  # type: ignore[no-untyped-def]
    reg = load_registry()
    sc = load_scenario(ROOT / "scenarios" / "baseline.yaml", registry=reg).scenario
    return run_hindcast(sc, reg, "2024-12", samples=512), reg


def test_the_seed_dates_split_into_2024_and_later() -> None:
    reg = load_registry()
    sc = load_scenario(ROOT / "scenarios" / "baseline.yaml", registry=reg).scenario
    fitted, withheld = split_observations(sc, reg, "2024-12")
    assert [o.figure_id for o in fitted] == ["nk_shells_delivered_2024"]
    assert {o.month for o in withheld} == {"2025-07", "2026-08"} and len(withheld) == 4
    with pytest.raises(HindcastError, match="no observation of baseline is dated after 2026-12"):
        run_hindcast(sc, reg, "2026-12", samples=64)


def test_predictions_are_consistent(baseline_hindcast) -> None:  # type: ignore[no-untyped-def]
    h, _ = baseline_hindcast
    assert h.run.calibration.calibrated and [o.figure_id for o in h.run.observed] == ["nk_shells_delivered_2024"]
    assert len(h.points) == 4 and h.futures == 512
    for p in h.points:
        for c in (p.calibrated, p.prior):
            assert c.p5 < c.p50 < c.p95
            low, high = p.observed.allowed  # a count: its value twice; a bound or words: what they allow
            assert c.inside == (low <= c.p95 and high >= c.p5)
            assert 0 < c.percentile < 1 and c.crps > 0 and c.log_score == c.log_score
            if p.observed.kind in ("count", "share"):
                assert c.inside == (0.05 <= c.percentile <= 0.95)  # the same statement twice
        assert not p.series_conditioned
    doc = hindcast_document(h)
    assert doc["until"] == "2024-12" and doc["fitted"] == ["nk_shells_delivered_2024"]
    first = doc["withheld"][0]
    assert set(first) >= {"id", "month", "reported", "error_range_90", "predictive", "inside_90", "percentile",
                          "crps_log", "log_score", "prior_predictive", "series_conditioned"}
    assert doc["total_log_score"] == pytest.approx(sum(w["log_score"] for w in doc["withheld"]), abs=1e-4)
    lines = hindcast_lines(h)
    assert lines[0].startswith("Hindcast of baseline: calibrated on the figures dated up to 2024-12")
    assert any(line.startswith("nk_share_of_munitions_2025") for line in lines)


def test_writing_holds_the_lock_and_keeps_the_folder(baseline_hindcast, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    h, reg = baseline_hindcast
    folder = tmp_path / "baseline"
    folder.mkdir()
    (folder / "summary.json").write_text("{}\n", encoding="utf-8")  # a run's file: left alone
    written = write_hindcast(h, reg, tmp_path)
    assert sorted(p.name for p in written) == ["hindcast.json", "hindcast.png", "hindcast.svg"]
    assert json.loads((folder / "hindcast.json").read_text(encoding="utf-8"))["scenario"] == "baseline"
    assert (folder / "summary.json").read_text(encoding="utf-8") == "{}\n"
    assert sorted(p.name for p in folder.iterdir()) == ["hindcast.json", "hindcast.png", "hindcast.svg",
                                                         "summary.json"]  # no temporary left
    before = (folder / "hindcast.json").read_bytes()
    fd = os.open(tmp_path / ".lock", os.O_RDWR | os.O_CREAT)  # another run holds the folder
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(ResultsBusy):
            write_hindcast(h, reg, tmp_path)
    finally:
        os.close(fd)
    assert (folder / "hindcast.json").read_bytes() == before
    write_hindcast(h, reg, tmp_path)
    assert (folder / "hindcast.json").read_bytes() == before  # same run, same bytes


def test_the_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario = str(ROOT / "scenarios" / "baseline.yaml")
    assert main(["hindcast", scenario, "--until", "2024-12", "--samples", "128", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "reported value(s) inside the 90 % predictive interval" in out
    assert (tmp_path / "baseline" / "hindcast.json").is_file() and (tmp_path / "baseline" / "hindcast.png").is_file()
    assert main(["hindcast", scenario, "--until", "2030-01", "--samples", "64", "--out", str(tmp_path)]) == 2
    assert "choose an earlier --until" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:
        main(["hindcast", scenario, "--until", "2024-13"])
    assert exit_.value.code == 2


def test_a_series_member_is_conditioned_on_the_fitted_ones(tmp_path: Path) -> None:
    shutil.copy(ROOT / "scenarios" / "baseline.yaml", tmp_path / "baseline.yaml")
    shutil.copy(FIXTURES / "made_up_figures.yaml", tmp_path / "made_up_figures.yaml")
    (tmp_path / "mine.yaml").write_text(
        "name: mine\nextends: baseline\ndescription: made-up series\nfigure_files: [made_up_figures.yaml]\n"
        "observations:\n  madeup_deliveries_2025_03: {output: nk_deliveries_cumulative}\n"
        "  madeup_deliveries_2025_09: {output: nk_deliveries_cumulative}\n", encoding="utf-8")
    r = load_scenario(tmp_path / "mine.yaml")
    assert r.registry is not None
    h = run_hindcast(r.scenario, r.registry, "2025-03", samples=256)
    assert [o.figure_id for o in h.fitted] == ["nk_shells_delivered_2024", "madeup_deliveries_2025_03"]
    by_id = {p.observed.figure_id: p for p in h.points}
    assert by_id["madeup_deliveries_2025_09"].series_conditioned
    assert not by_id["nk_share_of_munitions_2025"].series_conditioned
