"""The discrete-event study joined to the run (model/features/logistics/run.py, the summary, figures, report).

One small run of the shipped scenario (64 samples, 12 replications) is shared by the tests. They
check: the replications' samples are the calibrated ones and both engines see the same flows; on
a chain without delays but the fixed rail transit the engine's monthly deliveries equal the
monthly model's shifted by the transit days, to within one wagon (the tolerance follows from the
chain's quanta); the firing rule is the monthly model's; the result and summary.json do not
depend on the number of workers; the shipped scenario runs end to end from the command line.
"""

from __future__ import annotations

import json
import shutil
import textwrap
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from model.cli import main
from model.core.dynamics import Structure, simulate
from model.core.months import DAYS_PER_MONTH as CALENDAR_DAYS
from model.core.timeline import Timeline
from model.experiment import run_scenario
from model.features.logistics.params import DAYS_PER_MONTH
from model.features.logistics.processes import firing_rule
from model.features.logistics.run import TARGET_DAYS_FACTOR, chunk_count, draw_samples, logistics_plan, run_logistics
from model.features.logistics.spec import LogisticsSettings
from model.features.registry import blocks_of, codecs
from model.inputs.loading import load_scenario
from model.inputs.registry import load_registry
from model.inputs.schema import PARAMETER_INFO
from model.presentation.summary_json import to_json
from model.storage.results_folder import write_json
from model.summary.build import summarise

REPO = Path(__file__).resolve().parents[1]
SHIPPED = REPO / "scenarios" / "logistics_rail_closure.yaml"
SAMPLES, REPLICATIONS = 64, 12


def build_summary(run) -> dict:
    """The run's summary.json document, as the pipeline writes it."""
    return to_json(summarise(run, features=blocks_of), codecs())


def _small(scenario, replications: int = REPLICATIONS):
    return scenario.model_copy(update={"logistics": scenario.logistics.model_copy(
        update={"replications": replications})})


@pytest.fixture(scope="module")
def registry():
    return load_registry()


@pytest.fixture(scope="module")
def scenario(registry):
    return _small(load_scenario(SHIPPED, registry=registry).scenario)


@pytest.fixture(scope="module")
def run(scenario, registry):
    return run_scenario(scenario, registry, samples=SAMPLES)


# --------------------------------------------------------------------------- the same samples
def test_systematic_resampling_follows_the_weights():
    w = np.array([0.0, 0.5, 0.25, 0.25, 0.0])
    idx = draw_samples(w, 400, seed=1)
    assert np.all(np.diff(idx) >= 0) and set(idx) == {1, 2, 3}
    counts = np.bincount(idx, minlength=5) / 400
    np.testing.assert_allclose(counts, w, atol=1 / 400)  # systematic: each within one draw
    assert np.array_equal(idx, draw_samples(w, 400, seed=1))
    assert not np.array_equal(draw_samples(np.ones(1000), 50, seed=1), draw_samples(np.ones(1000), 50, seed=2))


def test_replications_run_on_calibrated_samples_and_see_the_monthly_models_flows(run):
    lg = run.features["logistics"]
    assert lg is not None and lg.replications == REPLICATIONS
    # the monthly model run again on the drawn samples reproduces the calibrated ensemble's trajectories
    traj = run.calibrated.trajectories
    for name in ("nk_deliveries", "nk_usable_deliveries", "shells_wanted", "ru_stock"):
        np.testing.assert_allclose(lg.model[name], traj[name][lg.sample_index], rtol=2e-6, atol=1e-3)
    # the engine was fed exactly those flows (North Korean shells refurbished in Russian plants come by
    # Russia's own supply line, the rest through the chain)
    ru = lg.model["ru_production"] + lg.model["ru_reserve_release"] + lg.model["nk_refurbished"]
    through_chain = lg.model["nk_usable_deliveries"] - lg.model["nk_refurbished"]
    np.testing.assert_allclose(lg.daily["wanted_daily"].reshape(REPLICATIONS, -1, DAYS_PER_MONTH).sum(axis=2),
                               lg.model["shells_wanted"], rtol=1e-12)
    # every North Korean shell handed to the chain is delivered, on its way, or waiting in a depot
    held = sum(lg.end[k] for k in ("in_transit_end", "nk_port_depot_end", "nk_rail_depot_end", "ru_port_stock_end"))
    np.testing.assert_allclose(lg.monthly["delivered_front_nk"].sum(axis=1) + held, through_chain.sum(axis=1),
                               rtol=1e-9)
    # and the front depot balances: opening + Russia's own + North Korea's - fired = closing
    closing = lg.end["front_stock_start"] + ru.sum(axis=1) + lg.monthly["delivered_front_nk"].sum(axis=1) \
        - lg.monthly["shells_fired"].sum(axis=1)
    np.testing.assert_allclose(closing, lg.end["front_stock_end"], rtol=1e-9, atol=1.0)
    assert np.all(lg.firing["usable_share"] < 1) and np.all(lg.firing["usable_share"] > 0.4)


def test_both_engines_agree_on_monthly_deliveries_on_a_chain_without_delays(run):
    """Rail only, a train path every hour taking every whole wagon, fixed transit T: a shell supplied
    on day d reaches the front on day d + T. Each month's deliveries are then the monthly model's
    supply of the days T earlier, up to the part wagon left at Tumangang at each end of the month:
    |engine - model shifted| < one wagon (shells_per_wagon x the sample's usable share)."""
    transit = 14
    settings = LogisticsSettings.model_validate({"replications": REPLICATIONS, "parameters": {
        name: {"value": value, "unit": unit, "assumption": "test"} for name, value, unit in (
            ("ship_share", 0.0, "fraction"), ("train_paths_per_day", 24, "trains/day"),
            ("train_max_wait_hours", 0, "hours"), ("wagons_per_train", 400, "wagons"),
            ("inspection_hours", 0.1, "hours"), ("transit_days_mean", transit, "days"),
            ("transit_days_cv", 0, "ratio"))}})
    lg = run_logistics(run, logistics_plan(settings, run.timeline.months[0]), seed=run.scenario.seed)
    supply = np.repeat((lg.model["nk_usable_deliveries"] - lg.model["nk_refurbished"]) / DAYS_PER_MONTH,
                       DAYS_PER_MONTH, axis=1)
    cumulative = np.concatenate([np.zeros((REPLICATIONS, 1)), np.cumsum(supply, axis=1)], axis=1)
    months = len(run.timeline)
    ends = np.arange(months + 1) * DAYS_PER_MONTH - transit  # supply days whose shells arrive by each month end
    shifted = np.diff(cumulative[:, np.clip(ends, 0, None)], axis=1)
    tolerance = lg.plan.params.shells_per_wagon * lg.firing["usable_share"]  # one wagon of usable shells
    gap = np.abs(lg.monthly["delivered_front_nk"] - shifted)
    assert np.all(gap < tolerance[:, None]), (gap.max(), tolerance.min())
    assert tolerance.max() / np.median(shifted[:, 2:]) < 0.01  # so this is a test to within 1 %
    assert np.all(lg.monthly["delivered_front_ship"] == 0) and np.all(lg.monthly["ship_calls_ru"] == 0)


def test_firing_rule_is_the_monthly_models_rule():
    """One month of the monthly model against the engine's rule with the month as its period; per
    day the engine's reserve target in shells is the same (days x 30 / 30.44 of W / 30)."""
    rng = np.random.default_rng(5)
    n = 200
    p = {name: np.zeros(n) for name in PARAMETER_INFO}  # everything else off
    p.update(ru_production_per_month=rng.uniform(1e5, 8e5, n), nk_production_per_month=rng.uniform(0, 4e5, n),
             ru_production_ceiling_per_month=np.full(n, 1e9), nk_exportable_share=np.ones(n),
             nk_shipping_capacity_per_month=np.full(n, 1e9), nk_ramp_months=np.ones(n),
             shells_wanted_per_month=rng.uniform(3e5, 7e5, n), fire_target_stock_days=rng.uniform(0, 60, n),
             fire_floor_factor=rng.uniform(0, 1, n), fire_max_factor=rng.uniform(1, 2, n),
             troop_tour_months=np.ones(n), nk_gdp_usd=np.ones(n))
    one = Timeline(["2024-01"], np.ones(1), np.ones(1), np.ones(1), np.zeros(1, bool), np.full(1, np.nan), None)
    for policy in ("demand", "stock_target"):
        out = simulate(p, one, structure=Structure(firing=policy), keep=("shells_fired", "shortfall")).trajectories
        for i in range(n):
            available = p["ru_production_per_month"][i] + p["nk_production_per_month"][i]
            fired, short = firing_rule(policy, available, p["shells_wanted_per_month"][i],
                                       p["fire_target_stock_days"][i] / CALENDAR_DAYS, p["fire_floor_factor"][i],
                                       p["fire_max_factor"][i])
            assert fired == pytest.approx(out["shells_fired"][i, 0], rel=1e-12)
            assert short == pytest.approx(out["shortfall"][i, 0], rel=1e-12, abs=1e-6)
    days, w_month = 37.0, 6e5
    assert days * TARGET_DAYS_FACTOR * (w_month / DAYS_PER_MONTH) == pytest.approx(days * w_month / CALENDAR_DAYS)


# --------------------------------------------------------------------------- workers
def test_result_and_summary_json_do_not_depend_on_the_number_of_workers(run, scenario, registry, tmp_path):
    assert chunk_count(REPLICATIONS) == 2  # so two workers really share the replications
    with ProcessPoolExecutor(2) as pool:
        other = run_scenario(scenario, registry, samples=SAMPLES, map_blocks=pool.map)
    for name in ("monthly", "daily", "dips", "end"):
        for key, values in getattr(run.features["logistics"], name).items():
            assert getattr(other.features["logistics"], name)[key].tobytes() == values.tobytes(), key
    write_json(tmp_path / "one.json", build_summary(run))
    write_json(tmp_path / "two.json", build_summary(other))
    assert (tmp_path / "one.json").read_bytes() == (tmp_path / "two.json").read_bytes()


def test_summary_contract(run):
    s = json.loads(json.dumps(build_summary(run)))["logistics"]
    assert s["engine"] == "simpy" and s["replications"] == REPLICATIONS
    assert 10_000 < s["events_per_replication"] < 40_000
    lo, hi = s["events_per_replication_range"]
    assert lo <= s["events_per_replication"] <= hi
    months = len(run.timeline)
    assert s["monthly"]["months"] == run.timeline.months
    for key in ("delivered_front_nk", "model_nk_usable_deliveries", "ship_port_calls", "border_trains",
                "containers_by_ship", "crossing_wait_mean_hours", "nk_berth_wait_mean_hours"):
        assert all(len(s["monthly"][key][q]) == months for q in ("p5", "p50", "p95")), key
    assert len(s["daily"]["front_stock"]["p50"]) == months * DAYS_PER_MONTH
    (d,) = s["disruptions"]
    assert (d["name"], d["kind"], d["start"], d["start_day"], d["end"]) == \
        ("rail_crossing_closed", "route_closed", "2024-11-01", 420, "2024-12-13")
    month = s["monthly"]["months"].index("2024-11")
    assert s["monthly"]["border_trains"]["p95"][month] == 0  # the crossing is closed all of November
    assert all(s["monthly"]["border_trains"]["p5"][m] > 0 for m in (month - 1, month + 2))
    assert "seconds" not in s and "seconds" not in json.dumps(s)


# --------------------------------------------------------------------------- end to end
def test_shipped_scenario_runs_end_to_end_from_the_command_line(tmp_path):
    for name in ("baseline", "logistics_rail_closure"):
        shutil.copy(REPO / "scenarios" / f"{name}.yaml", tmp_path / f"{name}.yaml")
    small = tmp_path / "small_closure.yaml"
    small.write_text(textwrap.dedent("""\
        name: small_closure
        extends: logistics_rail_closure
        description: the shipped rail closure at small sizes
        sensitivity: {methods: [rank]}
        logistics: {replications: 10}
    """), encoding="utf-8")
    out = tmp_path / "results"
    assert main(["run", str(small), "--out", str(out), "--samples", "64", "--workers", "1", "--no-progress"]) == 0
    folder = out / "small_closure"
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    assert summary["logistics"]["replications"] == 10
    for stem in ("logistics_chain_example", "logistics_front_stock", "logistics_front_stock_dip",
                 "logistics_deliveries"):
        assert (folder / f"{stem}.png").stat().st_size > 10_000, stem
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["logistics"]["seconds"] > 0 and manifest["logistics"]["replications"] == 10
    html = (folder / "report.html").read_text(encoding="utf-8")
    section = html[html.index('<details id="logistics">'):]
    section = section[:section.index("</details>")]
    for words in ("The delivery chain, day by day", "is closed from 1 November 2024 for 42 days",
                  "North Korean shells reaching the front", "the stock behind the front falls",
                  "2024-11-08", "Assumptions of the chain", "data:image/png;base64"):
        assert words in section, words
    assert section.count("<figure") == 4
