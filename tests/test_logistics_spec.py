"""The scenario's ``logistics:`` section (model/inputs/logistics_spec.py): every parameter with unit,
range and assumption, the disruptions with their dates, ``extends``, and every bad input reported
as FILE:LINE: FIELD (by ``load_scenario`` and by ``python run.py validate``)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import textwrap
from pathlib import Path

import pytest

from model.cli import main
from model.features.logistics.params import LogisticsParameters, RouteClosed
from model.features.logistics.run import logistics_plan
from model.features.logistics.spec import (
    LOGISTICS_PARAMETERS,
    engine_date,
    engine_day,
)
from model.inputs.loading import ScenarioError, load_scenario
from model.inputs.registry import load_registry

REPO = Path(__file__).resolve().parents[1]
SHIPPED = REPO / "scenarios" / "logistics_rail_closure.yaml"


@pytest.fixture(scope="module")
def registry():
    return load_registry()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shutil.copy(REPO / "scenarios" / "baseline.yaml", tmp_path / "baseline.yaml")
    return tmp_path


def child(folder: Path, name: str, body: str, parent: str = "baseline") -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(f"name: {name}\nextends: {parent}\ndescription: test {name}\n"
                    + textwrap.dedent(body).lstrip("\n"), encoding="utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    hits = [i for i, t in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in t]
    assert len(hits) == 1, (needle, hits)
    return hits[0]


# --------------------------------------------------------------------------- the table and the engine
def test_every_engine_parameter_has_a_spec_with_its_default_and_admissible_bounds():
    fields = {f.name: f.default for f in dataclasses.fields(LogisticsParameters)}
    assert set(LOGISTICS_PARAMETERS) == set(fields)
    for name, info in LOGISTICS_PARAMETERS.items():
        assert info.default == fields[name], name
        assert info.assumption.strip() and info.unit, name
        assert info.low < info.high and info.low <= info.default <= info.high, name
        # the dataclass accepts the ends of the range the schema lets through (open ends: just inside)
        for value in (info.low + (1e-6 if info.low_open else 0.0), info.high):
            value = round(value) if info.whole else value
            LogisticsParameters(**{name: int(value) if info.whole else value})
        if info.whole:  # and refuses what the schema refuses
            with pytest.raises(ValueError):
                LogisticsParameters(**{name: 0})


@pytest.mark.parametrize("day, expected", [("2023-09-01", 0), ("2023-09-30", 29), ("2023-10-31", 59),
                                           ("2024-11-01", 420), ("2024-02-29", 178)])
def test_engine_day(day, expected):
    assert engine_day(day, "2023-09") == expected


def test_engine_date_inverts_engine_day_in_30_and_31_day_months():
    d = dt.date(2023, 9, 1)
    while d < dt.date(2026, 9, 1):
        if d.month != 2 and d.day <= 30:
            assert engine_date(engine_day(d.isoformat(), "2023-09"), "2023-09") == d.isoformat()
        d += dt.timedelta(days=1)


def test_shipped_scenario_becomes_the_engine_objects(registry):
    sc = load_scenario(SHIPPED, registry=registry).scenario
    assert sc.logistics is not None and sc.logistics.replications == 100
    plan = logistics_plan(sc.logistics, sc.window.start)
    assert plan.disruptions == (RouteClosed("rail", 420, 42.0),)
    assert plan.params.transit_days_mean == 14.0  # written as 2 weeks
    assert plan.params.front_stock_start_days == 0.0
    assert plan.info[0].start == "2024-11-01" and plan.info[0].name == "rail_crossing_closed"
    assert all(why.strip() for _, why in plan.parameters.values())


def test_unwritten_parameters_keep_the_engine_default_and_its_assumption(registry, folder):
    path = child(folder, "few", """
        logistics:
          parameters:
            ships: {value: 6, unit: ships, assumption: "six ships"}
    """)
    sc = load_scenario(path, registry=registry).scenario
    plan = logistics_plan(sc.logistics, sc.window.start)
    assert plan.params == LogisticsParameters(ships=6)
    assert plan.parameters["ships"] == (6.0, "six ships")
    assert plan.parameters["load_hours"][1].startswith("default: ")
    assert sc.logistics.replications == 300 and plan.disruptions == ()


# --------------------------------------------------------------------------- every bad input
BAD = """
logistics:
  replications: 3
  parameters:
    shps: {value: 4, unit: ships, assumption: "a"}
    ships: {value: 2.5, unit: ships, assumption: "half a ship"}
    load_hours: {value: 1, unit: days, assumption: "a day"}
    sailing_hours: {value: 0, unit: hours, assumption: "no time"}
    max_wait_hours: {value: 0, unit: hours, assumption: "never wait"}
    ship_share: {value: 150, unit: percent, assumption: "too much"}
    nk_berths: {value: 1, unit: berths}
    ru_berths: {value: 1, unit: berths, assumption: "  "}
    unload_hours: {value: true, unit: hours, assumption: "yes"}
    train_paths_per_day: {value: 10, unit: trains/week, assumption: "not whole per day"}
  disruptions:
    a_closure:
      kind: route_closed
      route: rail
      start: 2024-11-31
      days: 42
    b_closure:
      kind: route_closed
      route: road
      start: 2030-01-01
      days: 0
    c_strike:
      kind: depot_strike
      depot: front
      share: 0.3
      start: 2024-05-01
    d_winter:
      kind: winter_slowdown
      factor: 1.5
      months: [12, 1, 12, 13]
    e_inspections:
      kind: slower_inspection
      factor: 2
    f_inspections:
      kind: slower_inspections
      start: 2024-11
      days: 10
    g_closure:
      kind: route_closed
      route: ship
      start: 2027-03-01
      days: 10
      share: 0.5
"""

EXPECTED = [  # (needle on the reported line, field, words of the message)
    ("replications: 3", "logistics.replications", "greater than or equal to 10"),
    ("shps:", "logistics.parameters.shps", "did you mean 'ships'"),
    ("half a ship", "logistics.parameters.ships.value", "whole number"),
    ("load_hours:", "logistics.parameters.load_hours.unit", "cannot be converted to 'hours'"),
    ("sailing_hours:", "logistics.parameters.sailing_hours.value", "must lie in (0, 2000] hours"),
    ("max_wait_hours:", "logistics.parameters.max_wait_hours.value", "must lie in (0, 720] hours"),
    ("ship_share:", "logistics.parameters.ship_share.value", "(= 150 percent)"),
    ("nk_berths:", "logistics.parameters.nk_berths.assumption", "required field is missing"),
    ("ru_berths:", "logistics.parameters.ru_berths.assumption", "it is blank"),
    ("unload_hours:", "logistics.parameters.unload_hours.value", "valid number"),
    ("trains/week", "logistics.parameters.train_paths_per_day.value", "whole number of trains/day"),
    ("start: 2024-11-31", "logistics.disruptions.a_closure.start", "should be a day written YYYY-MM-DD"),
    ("route: road", "logistics.disruptions.b_closure.route", "'road' is not allowed"),
    ("days: 0", "logistics.disruptions.b_closure.days", "greater than 0"),
    ("c_strike:", "logistics.disruptions.c_strike.date", "required for a disruption of kind depot_strike"),
    ("start: 2024-05-01", "logistics.disruptions.c_strike.start", "not used by a disruption of kind depot_strike"),
    ("months: [12, 1, 12, 13]", "logistics.disruptions.d_winter.months[3]", "less than or equal to 12"),
    ("kind: slower_inspection", "logistics.disruptions.e_inspections.kind", "did you mean 'slower_inspections'"),
    ("start: 2024-11\n", "logistics.disruptions.f_inspections.start", "should be a day written YYYY-MM-DD"),
    ("f_inspections:", "logistics.disruptions.f_inspections.factor", "required for a disruption"),
    ("start: 2027-03-01", "logistics.disruptions.g_closure.start",
     "; the last valid month is 20"),
    ("share: 0.5", "logistics.disruptions.g_closure.share", "not used by a disruption of kind route_closed"),
]


def test_every_bad_input_is_reported_with_file_line_and_field(registry, folder):
    path = child(folder, "bad", BAD)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, registry=registry)
    problems = info.value.problems
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    for needle, field, words in EXPECTED:
        hits = [p for p in problems if p.field == field]
        assert hits, (field, [str(p) for p in problems])
        p = hits[0]
        assert p.file == str(path) and words in p.message, str(p)
        line = next(i for i, t in enumerate(lines, 1) if needle.rstrip("\n") in t
                    and (not needle.endswith("\n") or t.rstrip().endswith(needle.rstrip("\n"))))
        assert p.line == line, (str(p), line)
    assert len(problems) == len(EXPECTED), [str(p) for p in problems]


def test_validate_prints_them_and_exits_2(folder, capsys):
    path = child(folder, "bad", BAD)
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    for _, field, _ in EXPECTED:
        assert f"{path}:" in err and f": {field}: " in err, field
    assert "Traceback" not in err


def test_the_shipped_scenario_validates(capsys):
    assert main(["validate", str(SHIPPED)]) == 0
    assert "logistics_rail_closure: " in capsys.readouterr().out


# --------------------------------------------------------------------------- extends
def test_extends_merges_fields_replaces_named_entries_and_null_removes(registry, folder):
    child(folder, "parent", """
        logistics:
          replications: 50
          parameters:
            ships: {value: 6, unit: ships, assumption: "parent"}
            load_hours: {value: 12, unit: hours, assumption: "parent"}
          disruptions:
            closed: {kind: route_closed, route: rail, start: 2024-11-01, days: 42}
            strike: {kind: depot_strike, depot: nk, share: 0.2, date: 2025-02-10}
    """)
    path = child(folder, "kid", """
        logistics:
          parameters:
            ships: {value: 8, unit: ships, assumption: "child"}
          disruptions:
            strike: null
            slow: {kind: slower_inspections, factor: 2, start: 2025-01-01, days: 30}
    """, parent="parent")
    sc = load_scenario(path, registry=registry).scenario
    lg = sc.logistics
    assert lg.replications == 50  # fields merge
    assert lg.parameters.ships.value == 8 and lg.parameters.ships.assumption == "child"
    assert lg.parameters.load_hours.value == 12  # kept from the parent
    assert list(lg.disruptions) == ["closed", "slow"]
    off = child(folder, "switched_off", "logistics: null\n", parent="parent")
    assert load_scenario(off, registry=registry).scenario.logistics is None


def test_a_problem_inherited_from_the_parent_names_the_parents_line(registry, folder):
    parent = child(folder, "parent", """
        logistics:
          disruptions:
            closed: {kind: route_closed, route: rail, start: 2024-11-01, days: 42}
            late: {kind: route_closed, route: rail, start: 2031-01-01, days: 4}
    """)
    kid = child(folder, "kid", """
        logistics:
          replications: 20
          disruptions:
            closed: {kind: route_closed, route: ship, start: 2032-01-01, days: 4}
    """, parent="parent")
    with pytest.raises(ScenarioError) as info:
        load_scenario(kid, registry=registry)
    got = {(p.file, p.line, p.field) for p in info.value.problems}
    assert got == {(str(parent), line_of(parent, "late:"), "logistics.disruptions.late.start"),
                   (str(kid), line_of(kid, "closed:"), "logistics.disruptions.closed.start")}
