"""One number rule in every field (issue 23, item 6): numbers as YAML writes them (2.3e10, 2.3E+10,
1.0e4) are numbers, a whole one wherever a whole number is wanted; quoted text never is."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from model.cli import main
from model.inputs.loading import ScenarioError, load_scenario

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "figure_files"


def _load(tmp_path: Path, body: str):
    shutil.copy(ROOT / "scenarios" / "baseline.yaml", tmp_path / "baseline.yaml")
    path = tmp_path / "numbers.yaml"
    path.write_text(f"name: numbers\nextends: baseline\ndescription: numbers written as YAML writes them\n{body}",
                    encoding="utf-8")
    return path, load_scenario(path)


@pytest.mark.parametrize("written", ["2.3e10", "2.3E+10", "23000000000", "2.3e+10", "23.0e9"])
def test_a_fixed_value_in_any_yaml_number_form_is_that_number(tmp_path, written):
    _, r = _load(tmp_path, f"parameters:\n  nk_gdp_usd: {{dist: fixed, value: {written}, unit: usd, assumption: x}}\n")
    assert r.scenario.parameters.nk_gdp_usd.value == 2.3e10


def test_whole_numbers_written_with_a_point_or_an_exponent_are_whole_numbers(tmp_path):
    _, r = _load(tmp_path, "samples: 1.0e4\nseed: 2.0e3\nwindow: {horizon_months: 3.6e1}\n"
                           "sensitivity: {sobol_samples: 1.024e3}\nprecision: {max_samples: 1.0e5}\n"
                           "logistics:\n  replications: 3.0e2\n"
                           "  parameters:\n    shells_per_wagon: {value: 1.0e3, unit: shells/wagon, assumption: x}\n"
                           "  disruptions:\n    cold: {kind: winter_slowdown, factor: 1.5e0, months: [1.2e1, 1]}\n")
    sc = r.scenario
    assert (sc.samples, sc.seed, sc.window.horizon_months, sc.sensitivity.sobol_samples) == (10_000, 2000, 36, 1024)
    assert sc.precision.max_samples == 100_000 and sc.logistics.replications == 300
    assert sc.logistics.parameters.shells_per_wagon.value == 1000.0
    assert sc.logistics.disruptions["cold"].months == [12, 1]
    assert all(type(v) is int for v in (sc.samples, sc.seed, sc.window.horizon_months, sc.logistics.replications))


@pytest.mark.parametrize("body, field", [
    ("correlations:\n  - {params: [nk_stockpile_start, nk_dud_rate_old], rank: '0.4'}\n", "correlations[0].rank"),
    ("parameters:\n  ru_reserve_stock_start: {dist: uniform, low: '2.0e6', high: 1.5e7, unit: shells, assumption: x}\n",
     "parameters.ru_reserve_stock_start.low"),
    ("samples: '1.0e4'\n", "samples"),
    ("seed: '7'\n", "seed"),
    ("window: {horizon_months: 36.5}\n", "window.horizon_months"),
    ("parameters:\n  nk_gdp_usd: {dist: fixed, value: '2.3e10', unit: usd, assumption: x}\n", "parameters.nk_gdp_usd.value"),
    ("logistics:\n  parameters:\n    ships: {value: '4', unit: ships, assumption: x}\n", "logistics.parameters.ships.value"),
    ("shortage_threshold: true\n", "shortage_threshold"),
], ids=["quoted-rank", "quoted-low", "quoted-samples", "quoted-seed", "fraction-where-whole", "quoted-value",
        "quoted-logistics", "truth-value"])
def test_text_is_never_a_number(tmp_path, capsys, body, field):
    with pytest.raises(ScenarioError):
        _load(tmp_path, body)
    path = tmp_path / "numbers.yaml"
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:" in err and f": {field}: " in err, err
    assert "internal error" not in err


def test_a_whole_number_that_is_not_a_power_of_two_is_still_caught(tmp_path, capsys):
    with pytest.raises(ScenarioError, match="sobol_samples: must be a power of 2"):
        _load(tmp_path, "sensitivity: {sobol_samples: 1.0e3}\n")


def test_a_figure_files_numbers_follow_the_same_rule(tmp_path):
    shutil.copy(FIXTURES / "made_up_figures.yaml", tmp_path / "figs.yaml")
    text = (tmp_path / "figs.yaml").read_text(encoding="utf-8")
    assert "value: 5000000" in text
    (tmp_path / "figs.yaml").write_text(text.replace("value: 5000000", "value: 5.0e6"), encoding="utf-8")
    _, r = _load(tmp_path, "figure_files: [figs.yaml]\n")
    assert r.registry.get("madeup_deliveries_2025_03").value == 5.0e6
    (tmp_path / "figs.yaml").write_text(text.replace("value: 5000000", "value: '5.0e6'"), encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"figs.yaml:\d+: figures\[0\]\.value: input should be a valid number"):
        _load(tmp_path, "figure_files: [figs.yaml]\n")


def test_the_command_line_takes_whole_numbers_as_a_scenario_does(tmp_path, capsys):
    from model.cli import _parser

    args = _parser().parse_args(["run", "x.yaml", "--samples", "1e4", "--seed", "2.0e3", "--workers", "1"])
    assert (args.samples, args.seed) == (10_000, 2000)
    with pytest.raises(SystemExit):
        _parser().parse_args(["run", "x.yaml", "--samples", "150.5"])
    assert "'150.5' is not a whole number" in capsys.readouterr().err
