"""Figure files: figures from later reports added by a scenario (model.inputs.figure_files).

Uses the clearly made-up fixtures in tests/fixtures/figure_files/ (invented publisher, invented
numbers); the shipped registry and scenarios stay on the five seed articles.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from model.cli import main
from model.inputs.figure_files import SEEDS_DIR, FigureFile, figure_provenance, load_figure_files
from model.inputs.loading import ScenarioError, load_scenario
from model.inputs.registry import load_registry
from model.inputs.validation import validate_files
from model.presentation.report import render_report

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "figure_files"


def _folder(tmp_path: Path, figure_files: str = "[made_up_figures.yaml]", extra: str = "") -> Path:
    shutil.copy(ROOT / "scenarios" / "baseline.yaml", tmp_path / "baseline.yaml")
    for f in FIXTURES.glob("*.yaml"):
        shutil.copy(f, tmp_path / f.name)
    (tmp_path / "mine.yaml").write_text(
        "name: mine\nextends: baseline\ndescription: with made-up later reports\n"
        f"figure_files: {figure_files}\n"
        "samples: 256\n"
        "sensitivity: {metrics: [nk_share_of_fired], methods: [sobol, rank], sobol_samples: 64}\n"
        "observations:\n"
        "  madeup_deliveries_2025_03: {output: nk_deliveries_cumulative}\n"
        "  madeup_deliveries_2025_09: {output: nk_deliveries_cumulative}\n" + extra,
        encoding="utf-8")
    return tmp_path / "mine.yaml"


def test_a_figure_file_adds_figures_with_their_provenance(tmp_path: Path) -> None:
    path = _folder(tmp_path)
    resolved = load_scenario(path)
    reg = resolved.registry
    assert reg is not None
    base = load_registry()
    assert len(reg) == len(base) + 2
    fig = reg.get("madeup_deliveries_2025_03")
    assert not fig.from_seed and fig.translation.startswith("According to our invented")
    assert reg.files["madeup_deliveries_2025_03"] == (tmp_path / "made_up_figures.yaml").resolve()
    prov = figure_provenance(fig, reg)
    assert prov["url"] == "https://example.org/invented-report" and prov["published"] == "2025-04-01"
    assert figure_provenance(base.get("nk_shells_delivered_2024"), base) == {"origin": "seed article"}
    # the shipped registry is untouched
    assert "madeup_deliveries_2025_03" not in load_registry()
    assert resolved.scenario.figure_files == [str((tmp_path / "made_up_figures.yaml").resolve())]


def test_every_mistake_is_reported_with_file_line_and_field(tmp_path: Path) -> None:
    path = _folder(tmp_path, figure_files="[bad_figures.yaml, missing.yaml]")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    lines = [str(p) for p in err.value.problems]
    bad = str((tmp_path / "bad_figures.yaml").resolve())
    expected = [
        f"{path}:4: figure_files[1]: no such figure file",
        f"{bad}:3: figures[0].id: 'nk_shells_delivered_2024' is already a figure of the shipped registry",
        f"{bad}:16: figures[1].unit: 'shellz' is not allowed",
        f"{bad}:17: figures[1].as_of: as_of '2025-13' must be",
        f"{bad}:19: figures[1].source.publisher: must not be blank",
        f"{bad}:19: figures[1].source.url: 'ftp://example.org' is not a web address",
        f"{bad}:20: figures[1].source.edition: unknown key",
        f"{bad}:26: figures[2].translation: figure 'madeup_no_translation' needs a translation",
        f"{bad}:41: figures[3].source.published: published (2025-05-01) is after accessed (2025-04-01)",
        f"{bad}:47: figures[4].id: 'madeup_no_translation' is defined twice (first at {bad}:26)",
    ]
    for start in expected:
        assert any(line.startswith(start) for line in lines), (start, lines)
    if SEEDS_DIR.is_dir():  # the verbatim check needs the seed articles beside the project
        assert any(line.startswith(f"{bad}:64: figures[5].quote: not found verbatim") for line in lines), lines
    # the scenario's own check still runs: its observations name figures the broken file did not define
    assert any("observations.madeup_deliveries_2025_03: unknown figure id" in line for line in lines)


def test_ids_must_not_clash_between_files(tmp_path: Path) -> None:
    _folder(tmp_path)
    shutil.copy(FIXTURES / "made_up_figures.yaml", tmp_path / "copy.yaml")
    files = [FigureFile(tmp_path / name, "s.yaml", 1, f"figure_files[{k}]")
             for k, name in enumerate(["made_up_figures.yaml", "copy.yaml"])]
    _, problems = load_figure_files(files, load_registry())
    assert [p.field for p in problems] == ["figures[0].id", "figures[1].id"]
    assert all(p.file == str(tmp_path / "copy.yaml") and "defined twice" in p.message for p in problems)


def test_extends_adds_the_childs_figure_files_to_the_parents(tmp_path: Path) -> None:
    path = _folder(tmp_path)
    (tmp_path / "one_more.yaml").write_text(
        "figures:\n  - id: madeup_share_2025\n    value: 0.5\n    unit: fraction\n    as_of: '2025-06'\n"
        "    claimant: Invented (fictional)\n    source: {publisher: P, title: T, published: 2025-07-01,\n"
        "             url: 'https://example.org/t', accessed: 2026-11-30}\n    quote: q\n    translation: q\n"
        "    reliability: low\n    reliability_reason: made up\n    used_as: observation\n", encoding="utf-8")
    (tmp_path / "child.yaml").write_text(
        "name: child\nextends: mine\ndescription: adds one more file\nfigure_files: [one_more.yaml]\n"
        "observations:\n  madeup_share_2025: {output: nk_share_of_fired}\n", encoding="utf-8")
    resolved = load_scenario(tmp_path / "child.yaml")
    assert resolved.registry is not None
    added = set(resolved.registry.files)
    assert {"madeup_deliveries_2025_03", "madeup_deliveries_2025_09", "madeup_share_2025"} <= added
    assert [Path(p).name for p in resolved.scenario.figure_files] == ["made_up_figures.yaml", "one_more.yaml"]
    assert path.is_file()


def test_sources_lists_the_scenarios_figures(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _folder(tmp_path)
    assert main(["sources", "--scenario", str(path)]) == 0
    out = capsys.readouterr().out
    assert "madeup_deliveries_2025_03" in out and "Example Gazette (fictional), 2025-04-01" in out
    assert "(2 from the scenario's figure files)" in out
    assert main(["sources", "--scenario", str(path), "--id", "madeup_deliveries_2025_09"]) == 0
    out = capsys.readouterr().out
    assert "https://example.org/invented-follow-up" in out and "translation  Invented: about 6.5" in out
    assert main(["sources", "--id", "madeup_deliveries_2025_09"]) == 2  # not in the shipped registry


def test_a_run_uses_them_as_one_series_and_the_report_shows_their_source(tmp_path: Path) -> None:
    from model.experiment import run_scenario
    from model.features.registry import blocks_of, features
    from model.presentation.report import report_page
    from model.storage.scenario_files import figures_used as _figures_used
    from model.storage.scenario_files import sensitivity_rows
    from model.summary.build import summarise

    path = _folder(tmp_path)
    resolved, problems = validate_files([path], load_registry())
    assert not problems
    r = resolved[0]
    run = run_scenario(r.scenario, r.registry)  # type: ignore[arg-type]
    cal = run.calibration
    # the two counts of one trajectory form a series; South Korea's capacity-style claim of the same
    # trajectory is a bound, with no lognormal error to share, so it stays apart
    assert cal.series == (("madeup_deliveries_2025_03", "madeup_deliveries_2025_09"),)
    assert cal.series_correlation == 0.5
    summary = summarise(run, features=blocks_of)
    assert summary.calibration.series[0][0] == "madeup_deliveries_2025_03"
    assert {o.id for o in summary.observations} >= {"madeup_deliveries_2025_03", "madeup_deliveries_2025_09"}
    header, rows = sensitivity_rows(summary)
    assert header[-3:] == ["S1_calibrated", "S1_calibrated_low", "S1_calibrated_high"]
    assert rows and all(row[-3] is not None for row in rows)
    used = _figures_used(r, r.registry)  # type: ignore[arg-type]
    html = render_report(report_page(summary, features=features(), sources=used))
    assert "https://example.org/invented-report" in html and "Invented report on shell deliveries" in html
    assert "According to our invented numbers" in html and "made_up_figures.yaml" in html
    assert "calibrated as one series" in html


def test_the_shipped_registry_stays_on_the_seed_articles() -> None:
    reg = load_registry()
    assert all(f.from_seed for f in reg) and not reg.files


def test_the_public_api_reads_a_scenarios_figure_files(tmp_path: Path) -> None:
    from model.api import run_scenario

    path = _folder(tmp_path)
    scenario = load_scenario(path).scenario
    run = run_scenario(scenario, samples=64)  # the shipped registry alone lacks the made-up ids
    assert "madeup_deliveries_2025_03" in {o.figure_id for o in run.observed}
