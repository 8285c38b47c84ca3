"""Mistakes a user makes, caught: a unit slip (valid numbers, implausible in the unit written) is a
warning naming file, line, field and the likely unit, and ``validate --strict`` refuses it; numbers
outside the valid range name a unit they would fit; a tab asks for spaces; a month outside the
window names the last valid one; a misspelt required key is reported once."""

from __future__ import annotations

import math
import shutil
import textwrap
from pathlib import Path

import pytest

from model.cli import main
from model.inputs.loading import ScenarioError, load_scenario
from model.inputs.plausibility import FITS_FACTOR, SLIP_FACTOR, likely_unit, spread_of
from model.inputs.priors import build_priors
from model.inputs.registry import load_registry
from model.inputs.units import UNITS, compatible_units

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.yaml"


@pytest.fixture(scope="module")
def registry():
    return load_registry()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shutil.copy(BASELINE, tmp_path / "baseline.yaml")
    return tmp_path


def child(folder: Path, body: str, name: str = "mine") -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(f"name: {name}\nextends: baseline\ndescription: a test\n" + textwrap.dedent(body).lstrip("\n"),
                    encoding="utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    return next(i for i, t in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in t)


PERCENT_SLIP = """
    parameters:
      nk_dud_rate_old:
        dist: pert
        low: 0.05
        mode: 0.2
        high: 0.5
        unit: percent
        assumption: "meant as fractions"
    """


# --------------------------------------------------------------------------------------------- unit slips
def test_a_percent_slip_is_a_warning_with_file_line_field_and_the_likely_unit(folder, registry) -> None:
    path = child(folder, PERCENT_SLIP)
    resolved = load_scenario(path, registry=registry)  # valid: it loads
    (warning,) = resolved.warnings
    assert warning.severity == "warning" and warning.file == str(path)
    assert warning.line == line_of(path, "unit: percent") and warning.field == "parameters.nk_dud_rate_old.unit"
    assert "likely unit: 'fraction'" in warning.message and "baseline.yaml" in warning.message
    assert str(warning).startswith(f"{path}:{warning.line}: parameters.nk_dud_rate_old.unit: warning: ")


def test_validate_prints_the_warning_and_strict_refuses_it(folder, capsys) -> None:
    path = child(folder, PERCENT_SLIP)
    assert main(["validate", str(path)]) == 0
    out, err = capsys.readouterr()
    assert f"{path}: ok" in out and "warning: " in err and "likely unit: 'fraction'" in err and "--strict" in err
    assert main(["validate", "--strict", str(path)]) == 2
    out, err = capsys.readouterr()
    assert "ok" not in out and "likely unit: 'fraction'" in err


def test_a_daily_rate_the_size_of_a_years_output(folder, registry) -> None:
    path = child(folder, """
        parameters:
          shells_wanted_per_month:
            dist: range
            low: 2500000
            high: 4000000
            unit: shells/day
            assumption: "a year's output, written per day"
        """)
    (warning,) = load_scenario(path, registry=registry).warnings
    assert warning.line == line_of(path, "unit: shells/day") and "likely unit: 'shells/year'" in warning.message


@pytest.mark.parametrize("body", [
    # the same numbers in the unit meant, a real change of scale, a small rate in percent that is one
    """
    parameters:
      nk_dud_rate_old: {dist: pert, low: 5, mode: 20, high: 50, unit: percent, assumption: "as percentages"}
    """,
    """
    parameters:
      nk_stockpile_start: {dist: range, low: 20000000, high: 90000000, unit: shells, assumption: "a bigger stock"}
    """,
    """
    parameters:
      troop_killed_rate_per_month: {dist: range, low: 0.2, high: 2, unit: percent/month, assumption: "in percent"}
    """,
], ids=["percent-meant", "bigger-stock", "small-percent-rate"])
def test_plausible_numbers_give_no_warning(folder, registry, body: str) -> None:
    assert load_scenario(child(folder, body), registry=registry).warnings == []


def test_the_shipped_scenarios_have_no_warnings(registry) -> None:
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        assert load_scenario(path, registry=registry).warnings == [], path


def test_every_parameter_and_unit_is_checked_by_the_same_rule(registry) -> None:
    """Generic, not a list of names: for every parameter (as the schema has them now or later) and every
    other unit of its quantity, the baseline's median written in the wrong unit is flagged with the unit it
    was meant in exactly when it lands more than SLIP_FACTOR outside the baseline's range."""
    priors = build_priors(load_scenario(BASELINE, registry=registry).scenario.parameters, registry)
    flagged = checked = 0
    for prior in priors:
        if prior.dist is None:
            continue
        ref = spread_of(prior)
        median = prior.median()
        for meant in compatible_units(prior.unit):
            written = median / UNITS[meant][1]  # the number a person writes in the unit meant
            assert likely_unit((median, median), meant, ref) is None  # right unit: no warning
            for slip in compatible_units(prior.unit):
                if slip == meant:
                    continue
                read = written * UNITS[slip][1]
                far = (ref[0] / read if read < ref[0] else read / ref[1] if read > ref[1] else 1.0) \
                    if ref[0] > 0 else max(abs(read) / max(map(abs, ref)), max(map(abs, ref)) / abs(read))
                got = likely_unit((read, read), slip, ref)
                checked += 1
                if far > SLIP_FACTOR:
                    flagged += 1
                    assert got is not None, (prior.name, slip, meant)
                    closer = [u for u in compatible_units(prior.unit) if u != slip and
                              math.isclose(written * UNITS[u][1], median, rel_tol=1e-9)]
                    assert got in closer or got == meant, (prior.name, slip, got, meant)
                else:
                    assert got is None, (prior.name, slip, got)
    assert checked > 50 and flagged > 20 and FITS_FACTOR < SLIP_FACTOR


def test_numbers_outside_the_valid_range_name_a_unit_they_fit(folder, registry) -> None:
    path = child(folder, """
        parameters:
          nk_dud_rate_old: {dist: pert, low: 5, mode: 20, high: 50, unit: fraction, assumption: "percent meant"}
        """)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, registry=registry)
    messages = [p.message for p in info.value.problems]
    assert messages and all("must be ≤ 1 (fraction)" in m and "likely unit 'percent'" in m for m in messages)


# --------------------------------------------------------------------------------------------- other slips
def test_a_tab_asks_for_spaces(folder, capsys) -> None:
    path = folder / "tabbed.yaml"
    path.write_text("name: tabbed\nextends: baseline\ndescription: x\nwindow:\n\thorizon_months: 40\n", encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    assert f"{path}:5: YAML syntax error: a tab at column 1; use spaces for indentation" in capsys.readouterr().err


def test_a_month_outside_the_window_names_the_last_valid_one(folder, registry) -> None:
    path = child(folder, """
        events:
          cut: {kind: nk_deliveries_stop, month: 2031-01}
        """)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, registry=registry)
    (problem,) = info.value.problems
    assert problem.field == "events.cut.month" and problem.message.endswith("the last valid month is 2026-08")


@pytest.mark.parametrize("body, field, meant", [
    ("descriptoin: the question\n", "descriptoin", "description"),
    ("parameters:\n  nk_dud_rate_old: {dist: pert, low: 0.05, mdoe: 0.2, high: 0.5, unit: fraction, assumption: x}\n",
     "parameters.nk_dud_rate_old.mdoe", "mode"),
], ids=["top-level", "in-a-distribution"])
def test_a_misspelt_required_key_is_reported_once(folder, registry, body: str, field: str, meant: str) -> None:
    path = folder / "typo.yaml"
    head = "name: typo\nextends: baseline\n" + ("" if field == "descriptoin" else "description: x\n")
    path.write_text(head + body, encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, registry=registry)
    (problem,) = info.value.problems  # not also "required field is missing"
    assert problem.field == field and f"did you mean '{meant}'?" in problem.message
    assert problem.line == line_of(path, field.split(".")[-1])
