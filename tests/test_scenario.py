"""Tests for model/scenario.py (schema, ``extends``, every rejection with FILE:LINE: FIELD)
and for ``python run.py validate`` / ``run`` on bad input (model/cli.py)."""

from __future__ import annotations

import re
import shutil
import textwrap
from pathlib import Path

import numpy as np
import pytest

from model.cli import main
from model.inputs.loading import ScenarioError, load_scenario
from model.inputs.registry import load_registry
from model.inputs.safe_yaml import MAX_FILE_BYTES
from model.inputs.schema import MAX_SAMPLES, PARAMETER_INFO
from model.inputs.specs import FixedSpec, PertSpec
from model.inputs.validation import validate_files

REPO = Path(__file__).resolve().parents[1]
BASELINE = REPO / "scenarios" / "baseline.yaml"
LINE_RE = re.compile(r"^(?P<file>.+?):(?P<line>\d+|\?): (?P<rest>.+)$")


# --------------------------------------------------------------------------- helpers
@pytest.fixture(scope="module")
def registry():
    return load_registry()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A scenario folder holding a copy of the real baseline, so `extends: baseline` resolves."""
    shutil.copy(BASELINE, tmp_path / "baseline.yaml")
    return tmp_path


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def child(folder: Path, name: str, body: str = "") -> Path:
    """A scenario that extends the baseline; ``body`` is added after the three header lines."""
    head = f"name: {name}\nextends: baseline\ndescription: test scenario {name}\n"
    path = folder / f"{name}.yaml"
    path.write_text(head + textwrap.dedent(body).lstrip("\n"), encoding="utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    """1-based line of the one line of ``path`` containing ``needle``."""
    hits = [i for i, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in text]
    assert len(hits) == 1, f"{needle!r} occurs on lines {hits} of {path}"
    return hits[0]


def problems_of(path: Path, registry, match: str = ".") -> list:
    with pytest.raises(ScenarioError, match=match) as info:
        load_scenario(path, registry=registry)
    return info.value.problems


def where(problems) -> set[tuple[str, int | None, str]]:
    return {(p.file, p.line, p.field) for p in problems}


# --------------------------------------------------------------------------- the baseline
def test_baseline_loads(registry):
    r = load_scenario(BASELINE, registry=registry)
    sc = r.scenario
    assert sc.name == "baseline"
    assert sc.extends is None
    assert (sc.window.start, sc.window.horizon_months) == ("2023-09", 36)
    assert (sc.seed, sc.samples, sc.sampling) == (20230913, 16384, "sobol")
    assert sc.shortage_threshold == 0.1
    assert list(sc.events) == ["troops_arrive"]
    assert sc.events["troops_arrive"].kind == "troops_deploy"
    assert set(sc.observations) == {
        "nk_shells_delivered_2024", "nk_share_of_munitions_2025", "nk_soldiers_kursk",
        "nk_soldiers_killed_kursk", "nk_military_support_value_usd",
    }
    assert sc.sensitivity.sobol_samples == 1024
    assert r.chain == [BASELINE]
    # every model parameter is given, and YAML-1.1 text like '2.0e6' arrives as a number
    assert set(type(sc.parameters).model_fields) == set(PARAMETER_INFO)
    assert sc.parameters.ru_reserve_stock_start.low == 2.0e6
    assert sc.parameters.nk_dud_rate_old == PertSpec(
        dist="pert", low=0.05, mode=0.2, high=0.5, unit="fraction",
        assumption=sc.parameters.nk_dud_rate_old.assumption,
    )
    high = line_of(BASELINE, "nk_dud_rate_old:") + 4  # dist, low, mode, high
    assert BASELINE.read_text(encoding="utf-8").splitlines()[high - 1].strip() == "high: 0.5"
    assert r.origins[("parameters", "nk_dud_rate_old", "high")] == (str(BASELINE), high)


def test_baseline_via_validate_files(registry, folder):
    resolved, problems = validate_files([folder / "baseline.yaml"], registry)
    assert problems == []
    assert [r.scenario.name for r in resolved] == ["baseline"]


# --------------------------------------------------------------------------- inheritance
def test_child_overrides_one_parameter_and_inherits_the_rest(registry, folder):
    path = child(folder, "child", """
        seed: 7
        window:
          horizon_months: 48
        parameters:
          nk_dud_rate_old:
            dist: fixed
            value: 30
            unit: percent
            assumption: "a test"
    """)
    base = load_scenario(folder / "baseline.yaml", registry=registry).scenario
    r = load_scenario(path, registry=registry)
    sc = r.scenario
    assert (sc.name, sc.description, sc.extends) == ("child", "test scenario child", "baseline")
    assert sc.seed == 7
    assert sc.samples == base.samples
    # window merges one level: horizon replaced, start inherited
    assert (sc.window.start, sc.window.horizon_months) == ("2023-09", 48)
    assert sc.parameters.nk_dud_rate_old == FixedSpec(dist="fixed", value=30, unit="percent", assumption="a test")
    for name in PARAMETER_INFO:
        if name != "nk_dud_rate_old":
            assert getattr(sc.parameters, name) == getattr(base.parameters, name), name
    assert sc.events == base.events
    assert sc.observations == base.observations
    assert r.chain == [path, folder / "baseline.yaml"]
    # origins: the replaced entry comes from the child only, inherited ones from the parent
    assert r.origins[("parameters", "nk_dud_rate_old")] == (str(path), line_of(path, "nk_dud_rate_old:"))
    assert ("parameters", "nk_dud_rate_old", "mode") not in r.origins
    parent = str(folder / "baseline.yaml")
    assert r.origins[("parameters", "nk_dud_rate_new")] == (parent, line_of(folder / "baseline.yaml", "nk_dud_rate_new:"))
    assert r.origins[("window", "start")][0] == parent
    assert r.origins[("window", "horizon_months")] == (str(path), line_of(path, "horizon_months: 48"))


def test_child_replaces_a_parameter_whole_not_key_by_key(registry, folder):
    # the baseline's nk_dud_rate_old is a pert with mode; a uniform child entry must not inherit 'mode'
    path = child(folder, "whole", """
        parameters:
          nk_dud_rate_old:
            dist: uniform
            low: 0.1
            high: 0.3
            unit: fraction
            assumption: "a test"
    """)
    spec = load_scenario(path, registry=registry).scenario.parameters.nk_dud_rate_old
    assert (spec.dist, spec.low, spec.high) == ("uniform", 0.1, 0.3)


def test_child_null_removes_an_inherited_event_and_observation(registry, folder):
    path = child(folder, "removes", """
        events:
          troops_arrive: null
          cut:
            kind: nk_deliveries_stop
            month: 2025-01
        observations:
          nk_soldiers_kursk: null
    """)
    sc = load_scenario(path, registry=registry).scenario
    assert list(sc.events) == ["cut"]
    assert sc.events["cut"].kind == "nk_deliveries_stop"
    assert "nk_soldiers_kursk" not in sc.observations
    assert len(sc.observations) == 4


def test_chain_of_three_files(registry, folder):
    child(folder, "mid", "samples: 1024\n")
    leaf = write(folder, "leaf", "name: leaf\nextends: mid\ndescription: third level\nseed: 5\n")
    r = load_scenario(leaf, registry=registry)
    assert (r.scenario.samples, r.scenario.seed) == (1024, 5)
    assert r.chain == [leaf, folder / "mid.yaml", folder / "baseline.yaml"]


def test_extends_may_name_the_file_with_its_suffix(registry, folder):
    path = write(folder, "suffix", "name: suffix\nextends: baseline.yaml\ndescription: x\n")
    assert load_scenario(path, registry=registry).scenario.samples == 16384


def test_name_and_description_are_not_inherited(registry, folder):
    path = write(folder, "bare", "extends: baseline\nseed: 3\n")
    problems = problems_of(path, registry)
    assert {p.field for p in problems} == {"name", "description"}
    assert all(p.message == "required field is missing" for p in problems)


def test_missing_name_in_a_child_is_reported_in_the_child(registry, folder):
    path = write(folder, "bare", "extends: baseline\nseed: 3\n")
    problems = problems_of(path, registry)
    assert {p.file for p in problems} == {str(path)}


# --------------------------------------------------------------------------- field-level rejections
# (id, body added to a child of baseline, text on the offending line (None: the key is absent, the
#  line is the one of the 'anchor' text), field, message regex)
REJECTIONS = [
    ("unknown-top-level-key", "sampels: 100\n", "sampels:", "sampels", r"unknown key; did you mean 'samples'\?"),
    ("unknown-window-key", "window:\n  horizon_month: 12\n", "horizon_month:", "window.horizon_month",
     r"unknown key; did you mean 'horizon_months'\?"),
    ("unknown-spec-key", """
        parameters:
          nk_dud_rate_old:
            dist: pert
            low: 0.05
            mode: 0.2
            high: 0.5
            unit: fraction
            assumption: "x"
            notes: "typo for note"
     """, "notes:", "parameters.nk_dud_rate_old.notes", r"unknown key; did you mean 'note'\?"),
    ("unknown-parameter", """
        parameters:
          nk_dud_rate_olde:
            dist: fixed
            value: 0.1
            unit: fraction
            assumption: "x"
     """, "nk_dud_rate_olde:", "parameters.nk_dud_rate_olde", r"unknown key; did you mean 'nk_dud_rate_old'\?"),
    ("unknown-sampling-method", "sampling: sobl\n", "sampling:", "sampling", r"'sobl' is not allowed; did you mean 'sobol'\?"),
    ("samples-not-a-number", 'samples: "many"\n', "samples:", "samples",
     r"input should be a valid integer.*\(got 'many'\)"),
    ("samples-fractional", "samples: 1000.5\n", "samples:", "samples", r"valid integer"),
    ("samples-zero", "samples: 0\n", "samples:", "samples", r"greater than or equal to 64 \(got 0\)"),
    ("samples-negative", "samples: -1\n", "samples:", "samples", r"greater than or equal to 64 \(got -1\)"),
    ("samples-absurd", f"samples: {10**12}\n", "samples:", "samples",
     rf"less than or equal to {MAX_SAMPLES} \(got {10**12}\)"),
    ("seed-negative", "seed: -5\n", "seed:", "seed", r"greater than or equal to 0"),
    ("window-start-not-a-month", "window:\n  start: 2023-9\n", "start:", "window.start",
     r"'2023-9' should be a month written YYYY-MM"),
    ("uniform-low-above-high", """
        parameters:
          ru_production_growth_per_year:
            dist: uniform
            low: 0.3
            high: 0.1
            unit: fraction/year
            assumption: "x"
     """, "low: 0.3", "parameters.ru_production_growth_per_year.low", r"low \(0\.3\) must be < high \(0\.1\)"),
    ("pert-mode-above-high", """
        parameters:
          nk_dud_rate_old:
            dist: pert
            low: 0.05
            mode: 0.6
            high: 0.5
            unit: fraction
            assumption: "x"
     """, "mode: 0.6", "parameters.nk_dud_rate_old.mode",
     r"need low ≤ mode ≤ high and low < high; got 0\.05, 0\.6, 0\.5"),
    ("triangular-mode-below-low", """
        parameters:
          nk_dud_rate_new:
            dist: triangular
            low: 0.1
            mode: 0.05
            high: 0.2
            unit: fraction
            assumption: "x"
     """, "mode: 0.05", "parameters.nk_dud_rate_new.mode", r"need low ≤ mode ≤ high"),
    ("fraction-above-one", """
        parameters:
          nk_dud_rate_old:
            dist: pert
            low: 0.05
            mode: 0.2
            high: 1.5
            unit: fraction
            assumption: "x"
     """, "high: 1.5", "parameters.nk_dud_rate_old.high", r"must be ≤ 1 \(fraction\); got 1\.5"),
    ("percent-above-hundred", """
        parameters:
          nk_dud_rate_old:
            dist: uniform
            low: 5
            high: 120
            unit: percent
            assumption: "x"
     """, "high: 120", "parameters.nk_dud_rate_old.high", r"must be ≤ 1 \(fraction\); got 1\.2"),
    ("negative-count", """
        parameters:
          nk_stockpile_start:
            dist: uniform
            low: -5
            high: 30000000
            unit: shells
            assumption: "x"
     """, "low: -5", "parameters.nk_stockpile_start.low", r"must be ≥ 0 \(shells\); got -5"),
    ("fixed-negative-count", """
        parameters:
          troop_ceiling:
            dist: fixed
            value: -100
            unit: soldiers
            assumption: "x"
     """, "value: -100", "parameters.troop_ceiling.value", r"must be ≥ 0 \(soldiers\); got -100"),
    ("normal-outside-valid-range", """
        parameters:
          nk_dud_rate_old:
            dist: normal
            mean: 5
            sd: 0.1
            unit: fraction
            assumption: "x"
     """, "mean: 5", "parameters.nk_dud_rate_old.mean", r"almost none of this normal lies in the valid range \[0, 1\]"),
    ("normal-sd-not-positive", """
        parameters:
          nk_stockpile_start:
            dist: normal
            mean: 5
            sd: -1
            unit: shells
            assumption: "x"
     """, "sd: -1", "parameters.nk_stockpile_start.sd", r"greater than 0 \(got -1\)"),
    ("normal-truncation-inverted", """
        parameters:
          nk_dud_rate_old:
            dist: normal
            mean: 0.2
            sd: 0.1
            low: 0.5
            high: 0.3
            unit: fraction
            assumption: "x"
     """, "low: 0.5", "parameters.nk_dud_rate_old.low", r"truncation low \(0\.5\) must be < high \(0\.3\)"),
    ("missing-unit", """
        parameters:
          nk_dud_rate_old:
            dist: pert
            low: 0.05
            mode: 0.2
            high: 0.5
            assumption: "x"
     """, "nk_dud_rate_old:", "parameters.nk_dud_rate_old.unit",
     r"required: the unit of these numbers \(this parameter is in fraction\)"),
    ("missing-assumption", """
        parameters:
          nk_dud_rate_old:
            dist: pert
            low: 0.05
            mode: 0.2
            high: 0.5
            unit: fraction
     """, "nk_dud_rate_old:", "parameters.nk_dud_rate_old.assumption",
     r"required: say why this value is assumed"),
    ("incompatible-unit", """
        parameters:
          nk_dud_rate_old:
            dist: pert
            low: 0.05
            mode: 0.2
            high: 0.5
            unit: shells/month
            assumption: "x"
     """, "unit: shells/month", "parameters.nk_dud_rate_old.unit",
     r"unit 'shells/month' cannot be converted to 'fraction'; use one of: fraction, percent"),
    ("unknown-unit", """
        parameters:
          shells_wanted_per_month:
            dist: range
            low: 10000
            high: 25000
            unit: shells/dya
            assumption: "x"
     """, "unit: shells/dya", "parameters.shells_wanted_per_month.unit",
     r"unknown unit 'shells/dya'; for this field use one of: shells/month, shells/year, shells/day"),
    ("no-distribution", """
        parameters:
          nk_gdp_usd:
            low: 5
     """, "nk_gdp_usd:", "parameters.nk_gdp_usd", r"say what this parameter is: 'figure: <registry id>' or 'dist:'"),
    ("unknown-distribution", """
        parameters:
          nk_gdp_usd:
            dist: gamma
     """, "nk_gdp_usd:", "parameters.nk_gdp_usd", r"say what this parameter is"),
    ("key-of-another-distribution", """
        parameters:
          nk_dud_rate_old:
            dist: fixed
            value: 0.1
            low: 0.1
            unit: fraction
            assumption: "x"
     """, "low: 0.1", "parameters.nk_dud_rate_old.low",
     r"unknown key; valid keys here: unit, assumption, note, as_of, dist, value"),
    ("unknown-figure-in-parameters", """
        parameters:
          troop_ceiling:
            figure: nk_soldiers_kursck
     """, "figure: nk_soldiers_kursck", "parameters.troop_ceiling.figure",
     r"unknown figure id 'nk_soldiers_kursck'; did you mean 'nk_soldiers_kursk'\?"),
    ("unknown-figure-no-suggestion", """
        parameters:
          troop_ceiling:
            figure: zzzz
     """, "figure: zzzz", "parameters.troop_ceiling.figure",
     r"unknown figure id 'zzzz'; see `python run.py sources`"),
    ("unknown-figure-in-observations", """
        observations:
          nk_shells_delivered_2025:
            output: nk_deliveries_cumulative
     """, "nk_shells_delivered_2025:", "observations.nk_shells_delivered_2025",
     r"unknown figure id 'nk_shells_delivered_2025'; did you mean 'nk_shells_delivered_2024'\?"),
    ("figure-only-a-bound-with-spread", """
        parameters:
          troop_tour_months:
            figure: nk_deliveries_vs_ru_annual_production
            spread: 0.2
     """, "figure: nk_deliveries_vs_ru_annual_production", "parameters.troop_tour_months.figure",
     r"figure 'nk_deliveries_vs_ru_annual_production' is only a bound \(≥ 1\); give low and high"),
    ("figure-range-with-spread", """
        parameters:
          troop_ceiling:
            figure: nk_soldiers_killed_kursk
            spread: 0.2
     """, "spread: 0.2", "parameters.troop_ceiling.spread",
     r"figure 'nk_soldiers_killed_kursk' is a range \(200–999\); spread needs a single value"),
    ("figure-of-other-unit", """
        parameters:
          troop_ceiling:
            figure: nk_gdp_usd
     """, "figure: nk_gdp_usd", "parameters.troop_ceiling.figure",
     r"figure 'nk_gdp_usd' is in usd, which cannot feed this parameter"),
    ("figure-with-own-unit", """
        parameters:
          troop_ceiling:
            figure: nk_soldiers_kursk
            unit: shells
     """, "unit: shells", "parameters.troop_ceiling.unit",
     r"a figure's numbers are in its own unit 'soldiers'; drop 'unit' or write 'soldiers'"),
    ("figure-spread-and-bounds", """
        parameters:
          troop_ceiling:
            figure: nk_soldiers_kursk
            spread: 0.2
            low: 10000
            high: 20000
     """, "spread: 0.2", "parameters.troop_ceiling.spread", r"give either spread or low/high, not both"),
    ("figure-only-low", """
        parameters:
          troop_ceiling:
            figure: nk_soldiers_kursk
            low: 10000
     """, "troop_ceiling:", "parameters.troop_ceiling.high", r"give both low and high, or neither"),
    ("observation-of-other-unit", """
        observations:
          nk_gdp_usd:
            output: troops_in_theatre
     """, "output: troops_in_theatre", "observations.nk_gdp_usd.output",
     r"figure 'nk_gdp_usd' is in usd but 'troops_in_theatre' is in soldiers"),
    ("observation-unknown-output", """
        observations:
          nk_soldiers_kursk:
            output: troops_in_theater
     """, "output: troops_in_theater", "observations.nk_soldiers_kursk.output",
     r"'troops_in_theater' is not allowed; did you mean 'troops_in_theatre'\?"),
    ("observation-month-outside-window", """
        observations:
          nk_soldiers_kursk:
            output: troops_in_theatre
            at: 2030-01
     """, "at: 2030-01", "observations.nk_soldiers_kursk.at",
     r"2030-01 is outside the scenario window \(2023-09 \+ 36 months\); the last valid month is 2026-08$"),
    ("event-month-after-window", """
        events:
          late:
            kind: nk_deliveries_stop
            month: 2030-01
     """, "month: 2030-01", "events.late.month",
     r"2030-01 is outside the scenario window \(2023-09 \+ 36 months\); the last valid month is 2026-08$"),
    ("event-month-before-window", """
        events:
          early:
            kind: nk_deliveries_stop
            month: 2023-08
     """, "month: 2023-08", "events.early.month",
     r"2023-08 is outside the scenario window .*; the first valid month is 2023-09$"),
    ("event-month-not-a-month", """
        events:
          odd:
            kind: nk_deliveries_stop
            month: 2024-13
     """, "month: 2024-13", "events.odd.month", r"'2024-13' should be a month written YYYY-MM"),
    ("event-missing-factor", """
        events:
          half:
            kind: nk_deliveries_scale
            month: 2024-06
     """, "half:", "events.half.factor", r"required for an event of kind nk_deliveries_scale"),
    ("event-missing-soldiers", """
        events:
          cap:
            kind: troop_ceiling
            month: 2024-06
     """, "cap:", "events.cap.soldiers", r"required for an event of kind troop_ceiling"),
    ("event-factor-not-used", """
        events:
          stop:
            kind: nk_deliveries_stop
            month: 2024-06
            factor: 2
     """, "factor: 2", "events.stop.factor", r"not used by an event of kind nk_deliveries_stop"),
    ("event-unknown-kind", """
        events:
          stop:
            kind: nk_delivery_stop
            month: 2024-06
     """, "kind: nk_delivery_stop", "events.stop.kind",
     r"'nk_delivery_stop' is not allowed; did you mean 'nk_deliveries_stop'\?"),
    ("event-negative-factor", """
        events:
          more:
            kind: fighting_intensity
            month: 2024-06
            factor: -1
     """, "factor: -1", "events.more.factor", r"greater than or equal to 0"),
    ("sobol-samples-not-a-power-of-two", "sensitivity:\n  sobol_samples: 1000\n", "sobol_samples:",
     "sensitivity.sobol_samples", r"must be a power of 2 \(e\.g\. 512 or 1024\)"),
    ("sensitivity-unknown-metric", "sensitivity:\n  metrics: [killed_totl]\n", "metrics:",
     "sensitivity.metrics[0]", r"'killed_totl' is not allowed; did you mean 'killed_total'\?"),
    ("shortage-threshold-above-one", "shortage_threshold: 1.5\n", "shortage_threshold:", "shortage_threshold",
     r"less than or equal to 1"),
]


@pytest.mark.parametrize("body, needle, field, message", [r[1:] for r in REJECTIONS], ids=[r[0] for r in REJECTIONS])
def test_rejection_names_file_line_and_field(registry, folder, body, needle, field, message):
    path = child(folder, "bad", body)
    problems = problems_of(path, registry, match=message)
    assert len(problems) == 1, problems
    p = problems[0]
    assert (p.file, p.line, p.field) == (str(path), line_of(path, needle), field)
    assert re.search(message, p.message), p.message
    assert str(p) == f"{path}:{p.line}: {field}: {p.message}"


@pytest.mark.parametrize(
    "name",
    ["../../etc", "a/b", ".hidden", "'..'", "''", "x" * 65, "'with space'", "-dash-first"],
    ids=["parent-escape", "slash", "hidden", "dotdot", "empty", "too-long", "space", "dash-first"],
)
def test_name_that_would_escape_results_is_refused(registry, folder, name):
    path = write(folder, "bad", f"extends: baseline\ndescription: x\nname: {name}\n")
    problems = problems_of(path, registry, match="it becomes a folder name under results/")
    assert where(problems) == {(str(path), 3, "name")}


def test_every_mistake_of_a_file_is_reported(registry, folder):
    path = child(folder, "many", """
        samples: lots
        sampling: sobl
        colour: blue
        window:
          start: 2023-9
        parameters:
          nk_dud_rate_old:
            dist: pert
            low: 0.05
            mode: 0.2
            high: 1.5
            unit: fraction
          troop_ceiling:
            figure: nk_soldiers_kursck
          nk_stockpile_start:
            dist: uniform
            low: -5
            high: 30000000
            unit: shells
            assumption: "x"
        events:
          half:
            kind: nk_deliveries_scale
            month: 2024-06
        observations:
          nk_shells_delivered_2025:
            output: nk_deliveries_cumulative
        sensitivity:
          sobol_samples: 1000
    """)
    problems = problems_of(path, registry)
    f = str(path)
    assert where(problems) == {
        (f, line_of(path, "samples: lots"), "samples"),
        (f, line_of(path, "sampling: sobl"), "sampling"),
        (f, line_of(path, "colour:"), "colour"),
        (f, line_of(path, "start: 2023-9"), "window.start"),
        (f, line_of(path, "nk_dud_rate_old:"), "parameters.nk_dud_rate_old.assumption"),
        (f, line_of(path, "high: 1.5"), "parameters.nk_dud_rate_old.high"),
        (f, line_of(path, "figure: nk_soldiers_kursck"), "parameters.troop_ceiling.figure"),
        (f, line_of(path, "low: -5"), "parameters.nk_stockpile_start.low"),
        (f, line_of(path, "half:"), "events.half.factor"),
        (f, line_of(path, "nk_shells_delivered_2025:"), "observations.nk_shells_delivered_2025"),
        (f, line_of(path, "sobol_samples: 1000"), "sensitivity.sobol_samples"),
    }
    assert len(problems) == 11
    # sorted by line within the file
    assert [p.line for p in problems] == sorted(p.line for p in problems)


def test_child_mistakes_in_child_file_inherited_mistakes_in_parent_file(registry, folder):
    mid = child(folder, "mid", """
        parameters:
          nk_dud_rate_new:
            dist: pert
            low: 0.02
            mode: 0.08
            high: 1.2
            unit: fraction
            assumption: "x"
    """)
    leaf = write(folder, "leaf", """
        name: leaf
        extends: mid
        description: child of a broken parent
        samplse: 100
        parameters:
          nk_dud_rate_old:
            dist: uniform
            low: 0.5
            high: 0.1
            unit: fraction
            assumption: "x"
    """)
    problems = problems_of(leaf, registry)
    assert [(p.file, p.line, p.field) for p in problems] == [
        (str(leaf), line_of(leaf, "samplse:"), "samplse"),
        (str(leaf), line_of(leaf, "low: 0.5"), "parameters.nk_dud_rate_old.low"),
        (str(mid), line_of(mid, "high: 1.2"), "parameters.nk_dud_rate_new.high"),
    ]


def test_window_change_reports_inherited_entries_at_the_parents_lines(registry, folder):
    path = child(folder, "short", "window:\n  horizon_months: 6\n")
    base = folder / "baseline.yaml"
    problems = problems_of(path, registry, match="outside the scenario window")
    assert (str(base), line_of(base, "month: 2024-10"), "events.troops_arrive.month") in where(problems)
    assert (str(base), line_of(base, "nk_shells_delivered_2024:"), "observations.nk_shells_delivered_2024.at") in where(problems)
    assert {p.file for p in problems} == {str(base)}
    # the event, the four dated observations, the undated total's period, the fire periods and troop phases
    # that begin after the shortened window
    assert len(problems) == 6 + len(
        [k for k in ("summer_offensive_2024", "from_2025") if k in load_scenario(base, registry=registry).scenario.fire_periods]
    ) + 3


def test_overriding_a_broken_inherited_entry_fixes_it(registry, folder):
    child(folder, "mid", "events:\n  half:\n    kind: nk_deliveries_scale\n    month: 2024-06\n")
    leaf = write(folder, "leaf", """
        name: leaf
        extends: mid
        description: x
        events:
          half:
            kind: nk_deliveries_scale
            month: 2024-06
            factor: 0.5
    """)
    assert load_scenario(leaf, registry=registry).scenario.events["half"].factor == 0.5


# --------------------------------------------------------------------------- file-level rejections
@pytest.mark.parametrize(
    "text, line, message",
    [
        ("", 1, "file is empty"),
        ("  \n\n", 1, "file is empty"),
        ("name: dup\nextends: baseline\ndescription: x\nseed: 1\nsamples: 128\nseed: 2\n", 6,
         r"seed: duplicate key \(first given on line 4\)"),
        ("name: t\nextends: baseline\ndescription: x\nseed: !!python/object/apply:os.system ['echo pwned']\n", 4,
         r"seed: YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed"),
        ("name: t\nextends: baseline\ndescription: x\nnote: !!python/object:os.system {}\n", 4,
         r"YAML tag 'tag:yaml.org,2002:python/object:os.system' is not allowed"),
        ("a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
         "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n", 2, r"YAML aliases \(\*name\) are not allowed"),
        ("name: a\n---\nname: b\n", 2, "several YAML documents"),
        ("- name: a\n", 1, "must be a mapping"),
    ],
    ids=["empty", "whitespace-only", "duplicate-key", "python-apply-tag", "python-object-tag", "alias-bomb",
         "two-documents", "top-level-list"],
)
def test_unreadable_files_are_refused(registry, folder, text, line, message):
    path = folder / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    problems = problems_of(path, registry, match=message)
    assert len(problems) == 1
    assert (problems[0].file, problems[0].line) == (str(path), line)


def test_yaml_level_problem_carries_its_field(registry, folder):
    path = write(folder, "dup", "name: dup\nextends: baseline\ndescription: x\nseed: 1\nseed: 2\n")
    (p,) = problems_of(path, registry)
    assert p.field == "seed"


def test_file_too_large_is_refused(registry, folder):
    path = folder / "big.yaml"
    path.write_text("name: big\n" + "# padding\n" * (MAX_FILE_BYTES // 10 + 1), encoding="utf-8")
    (p,) = problems_of(path, registry, match="a scenario must be under")
    assert p.file == str(path)


def test_broken_parent_file_is_reported_in_the_parent(registry, folder):
    parent = write(folder, "parent", "name: parent\ndescription: x\nseed: 1\nseed: 2\n")
    kid = write(folder, "kid", "name: kid\nextends: parent\ndescription: x\n")
    (p,) = problems_of(kid, registry, match="duplicate key")
    assert (p.file, p.line) == (str(parent), 4)


# --------------------------------------------------------------------------- extends
def test_extends_cycle(registry, folder):
    a = write(folder, "a", "name: a\nextends: b\ndescription: x\n")
    b = write(folder, "b", "name: b\ndescription: y\nextends: a\n")
    (p,) = problems_of(a, registry, match=r"extends cycle: a\.yaml -> b\.yaml -> a\.yaml")
    assert (p.file, p.line, p.field) == (str(b), 3, "extends")
    (p,) = problems_of(b, registry, match=r"extends cycle: b\.yaml -> a\.yaml -> b\.yaml")
    assert (p.file, p.line, p.field) == (str(a), 2, "extends")


def test_extends_itself(registry, folder):
    path = write(folder, "selfish", "name: selfish\ndescription: x\nextends: selfish\n")
    (p,) = problems_of(path, registry, match=r"extends cycle: selfish\.yaml -> selfish\.yaml")
    assert (p.file, p.line, p.field) == (str(path), 3, "extends")


def test_missing_parent_suggests_a_neighbour(registry, folder):
    path = write(folder, "orphan", "name: orphan\nextends: baselin\ndescription: x\n")
    (p,) = problems_of(path, registry, match=r"parent scenario 'baselin' not found next to this file; did you mean 'baseline'\?")
    assert (p.file, p.line, p.field) == (str(path), 2, "extends")


@pytest.mark.parametrize(
    "target", ["../x", "../x.yaml", "sub/baseline", "/etc/passwd", "5", "[baseline]", "'.hidden'"],
    ids=["parent-dir", "parent-dir-yaml", "subdir", "absolute", "number", "list", "hidden"],
)
def test_extends_must_name_a_file_in_the_same_folder(registry, tmp_path, target):
    # the file a path would reach exists, so the refusal is about the path, not a missing file
    shutil.copy(BASELINE, tmp_path / "x.yaml")
    inner = tmp_path / "inner"
    inner.mkdir()
    (inner / "sub").mkdir()
    shutil.copy(BASELINE, inner / "sub" / "baseline.yaml")
    path = write(inner, "escape", f"name: escape\ndescription: x\nextends: {target}\n")
    (p,) = problems_of(path, registry, match=r"must name a scenario file in the same folder, e.g\. 'baseline'")
    assert (p.file, p.line, p.field) == (str(path), 3, "extends")


# --------------------------------------------------------------------------- several files
def test_two_scenarios_with_the_same_name(registry, folder):
    first = child(folder, "one", "seed: 1\n")
    second = write(folder, "two", "extends: baseline\ndescription: x\nname: one\n")
    resolved, problems = validate_files([first, second], registry)
    assert [r.path for r in resolved] == [first]
    assert len(problems) == 1
    p = problems[0]
    assert (p.file, p.line, p.field) == (str(second), 3, "name")
    assert re.search(r"'one' is also the name of .*one\.yaml; each scenario needs its own results folder", p.message)


def test_validate_files_reports_every_file(registry, folder):
    bad1 = child(folder, "bad1", "samples: 0\n")
    bad2 = child(folder, "bad2", "sampels: 100\n")
    resolved, problems = validate_files([bad1, folder / "baseline.yaml", bad2], registry)
    assert [r.scenario.name for r in resolved] == ["baseline"]
    assert where(problems) == {(str(bad1), 4, "samples"), (str(bad2), 4, "sampels")}


# --------------------------------------------------------------------------- known holes (bugs)
def test_normal_with_all_mass_below_zero_for_a_count_is_refused(registry, folder):
    path = child(folder, "bad", """
        parameters:
          nk_stockpile_start:
            dist: normal
            mean: -1000000
            sd: 1000
            unit: shells
            assumption: "x"
    """)
    (p,) = problems_of(path, registry, match="almost none of this normal")
    assert (p.line, p.field) == (line_of(path, "mean:"), "parameters.nk_stockpile_start.mean")


@pytest.mark.parametrize("bad", ["low: .nan", "high: .inf"], ids=["nan", "inf"])
def test_non_finite_numbers_are_refused(registry, folder, bad):
    # nk_stockpile_start is a count: valid range [0, inf), so only finiteness can catch these
    values = {"low": "1000000", "high": "30000000"}
    key, value = bad.split(": ")
    values[key] = value
    path = child(folder, "bad", f"""
        parameters:
          nk_stockpile_start:
            dist: uniform
            low: {values['low']}
            high: {values['high']}
            unit: shells
            assumption: "x"
    """)
    (p,) = problems_of(path, registry)
    assert p.field == f"parameters.nk_stockpile_start.{key}"


@pytest.mark.parametrize("value", ["[pert]", "{a: 1}"], ids=["list", "mapping"])
def test_unhashable_dist_is_a_problem(registry, folder, value):
    path = child(folder, "bad", f"parameters:\n  nk_dud_rate_old:\n    dist: {value}\n")
    (p,) = problems_of(path, registry)
    assert p.field == "parameters.nk_dud_rate_old"


@pytest.mark.parametrize("body", ["events:\n", "events: 5\n", "parameters:\n", "observations: 0\n"],
                         ids=["empty-events", "int-events", "empty-parameters", "int-observations"])
def test_child_section_that_is_not_a_mapping_is_a_problem(registry, folder, body):
    path = child(folder, "bad", body)
    (p,) = problems_of(path, registry, match="valid dictionary")
    assert p.line == 4


# --------------------------------------------------------------------------- the CLI
def assert_clean_stderr(err: str, n_problems: int | None = None) -> list[str]:
    """Every stderr line is FILE:LINE: FIELD: message except the closing count; no traceback."""
    assert "Traceback" not in err
    assert "internal error" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines, "no message on stderr"
    *problems, summary = lines
    assert re.fullmatch(r"\d+ problem\(s\) in \d+ file\(s\)", summary), summary
    for line in problems:
        assert LINE_RE.match(line), line
    if n_problems is not None:
        assert summary.startswith(f"{n_problems} problem(s)")
    return problems


def test_cli_validate_baseline(capsys):
    assert main(["validate", str(BASELINE)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out.strip() == f"{BASELINE}: ok (baseline: 1 events, 5 observations)"


def test_cli_validate_broken_file(folder, capsys):
    path = child(folder, "broken", "samples: 0\nparameters:\n  nk_dud_rate_olde: {dist: fixed, value: 1}\n")
    assert main(["validate", str(folder / "baseline.yaml"), str(path)]) == 2
    out, err = capsys.readouterr()
    lines = assert_clean_stderr(err, n_problems=2)
    assert f"{path}:4: samples: input should be greater than or equal to 64 (got 0)" in lines
    assert f"{path}:6: parameters.nk_dud_rate_olde: unknown key; did you mean 'nk_dud_rate_old'?" in lines
    assert "baseline.yaml: ok" in out


def test_cli_validate_missing_file_and_directory(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "nope.yaml"), str(tmp_path)]) == 2
    _, err = capsys.readouterr()
    lines = assert_clean_stderr(err, n_problems=2)
    assert lines == [f"{tmp_path / 'nope.yaml'}:?: cannot read file: No such file or directory",
                     f"{tmp_path}:?: not a regular file"]


def _every_value_a_list(data):
    if isinstance(data, dict):
        return {k: _every_value_a_list(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_every_value_a_list(v) for v in data]
    return [data]


def _hostile(kind: str, folder: Path) -> Path:
    import yaml

    path = folder / f"hostile-{kind}.yaml"
    if kind == "random-bytes":
        path.write_bytes(np.random.default_rng(1).integers(128, 256, 4096, dtype=np.uint8).tobytes())
    elif kind == "random-printable":
        path.write_bytes(np.random.default_rng(2).integers(32, 127, 4096, dtype=np.uint8).tobytes())
    elif kind == "yaml-bomb":
        lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
        for prev, cur in zip("abcdefgh", "bcdefghi"):
            lines.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 9) + "]")
        path.write_text("\n".join(lines) + "\n")
    elif kind == "300-kb":
        path.write_text("name: big\n# " + "pad " * 75_000 + "\n")
    elif kind == "python-object":
        path.write_text("name: !!python/object/new:os.system [echo pwned]\ndescription: x\n")
    elif kind == "deep-lists":
        path.write_text("name: deep\nparameters: " + "[" * 3000 + "]" * 3000 + "\n")
    elif kind == "top-level-lists":
        data = yaml.safe_load(BASELINE.read_text())
        path.write_text(yaml.safe_dump({k: [v] for k, v in data.items()}))
    elif kind == "every-value-a-list":
        data = yaml.safe_load(BASELINE.read_text())
        path.write_text(yaml.safe_dump(_every_value_a_list(data)))
    elif kind == "control-characters":
        path.write_bytes(b"name: x\x00\ndescription: \x07\n")
    elif kind == "huge-integer":
        path.write_text("name: x\nseed: " + "9" * 5000 + "\n")
    elif kind == "empty-events-in-child":
        path.write_text("name: x\nextends: baseline\ndescription: x\nevents:\n")
    else:  # pragma: no cover
        raise ValueError(kind)
    return path


def _bug(reason: str):
    return pytest.mark.xfail(strict=True, reason=reason)


HOSTILE = [
    "random-bytes",
    "random-printable",
    "yaml-bomb",
    "300-kb",
    "python-object",
    "deep-lists",
    "top-level-lists",
    "every-value-a-list",
    "control-characters",
    "huge-integer",
    "empty-events-in-child",
]


@pytest.mark.parametrize("kind", HOSTILE)
def test_cli_validate_hostile_input_exits_2_without_traceback(folder, capsys, kind):
    path = _hostile(kind, folder)
    code = main(["validate", str(path)])
    _, err = capsys.readouterr()
    assert "Traceback" not in err
    assert code == 2, err
    problems = assert_clean_stderr(err)
    assert all(line.startswith(f"{path}:") for line in problems)


def test_hostile_300kb_file_is_over_the_limit(folder):
    assert _hostile("300-kb", folder).stat().st_size > 300_000 > MAX_FILE_BYTES


def test_cli_validate_all_hostile_files_at_once(folder, capsys):
    kinds = [k for k in HOSTILE if isinstance(k, str)]
    paths = [_hostile(k, folder) for k in kinds]
    assert main(["validate", *map(str, paths)]) == 2
    _, err = capsys.readouterr()
    problems = assert_clean_stderr(err)
    assert {LINE_RE.match(line)["file"] for line in problems} == {str(p) for p in paths}


def test_cli_run_invalid_file_leaves_out_absent(folder, capsys):
    path = child(folder, "broken", "samples: -1\n")
    out = folder / "results"
    assert main(["run", str(path), "--out", str(out), "--no-progress"]) == 2
    _, err = capsys.readouterr()
    assert "Traceback" not in err
    assert f"{path}:4: samples: input should be greater than or equal to 64 (got -1)" in err.splitlines()
    assert "nothing was run" in err
    assert not out.exists()


def test_cli_run_invalid_file_leaves_existing_out_untouched(folder, capsys):
    out = folder / "results"
    (out / "earlier").mkdir(parents=True)
    (out / "earlier" / "summary.json").write_text('{"kept": true}\n')
    (out / "index.html").write_text("<p>old</p>\n")
    before = {p.relative_to(out): p.read_bytes() if p.is_file() else None for p in out.rglob("*")}
    good = folder / "baseline.yaml"
    bad = child(folder, "broken", "sampels: 100\n")
    # one valid and one invalid file: nothing at all is run
    assert main(["run", str(good), str(bad), "--out", str(out), "--no-progress"]) == 2
    _, err = capsys.readouterr()
    assert "Traceback" not in err
    assert f"{bad}:4: sampels: unknown key; did you mean 'samples'?" in err.splitlines()
    after = {p.relative_to(out): p.read_bytes() if p.is_file() else None for p in out.rglob("*")}
    assert after == before


def test_cli_run_missing_file_exits_2(tmp_path, capsys):
    out = tmp_path / "results"
    assert main(["run", str(tmp_path / "nope.yaml"), "--out", str(out)]) == 2
    _, err = capsys.readouterr()
    assert err.strip() == f"{tmp_path / 'nope.yaml'}: no such scenario file"
    assert not out.exists()


def test_sample_command_prints_each_inputs_percentiles_and_writes_the_csv(tmp_path, capsys, registry):
    from model.inputs.priors import scenario_priors
    from model.inputs.sampling import sample_parameters

    scenario_file = Path(__file__).resolve().parents[1] / "scenarios" / "baseline.yaml"
    csv_path = tmp_path / "s.csv"
    assert main(["sample", str(scenario_file), "--samples", "4096", "--seed", "3", "--csv", str(csv_path)]) == 0
    printed = capsys.readouterr().out
    sc = load_scenario(scenario_file, registry=registry).scenario
    priors = scenario_priors(sc, registry)
    values = sample_parameters(priors, 4096, method=sc.sampling, seed=3).values
    rows = {line.split()[0]: line.split() for line in printed.splitlines() if line.strip()}
    for j, p in enumerate(priors):
        expected = [f"{q:.4g}" for q in np.percentile(values[:, j], [5, 50, 95])]
        assert rows[p.name][2:5] == expected, p.name
    np.testing.assert_allclose(np.loadtxt(csv_path, delimiter=",", skiprows=1), values, rtol=1e-7)
    assert main(["sample", str(scenario_file), "--samples", "4096", "--csv", str(csv_path)]) == 2  # never overwritten
