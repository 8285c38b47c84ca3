"""The SimPy logistics engine against closed forms, queueing theory and its own bookkeeping.

Each test runs a few replications of at most 36 months (~0.05 s each); the Erlang-C test runs
one 40,000-customer queue (~1 s). Tolerances are worked out from the quanta of the model (a
ship's load, a train) or from the Monte Carlo error, never picked.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import simpy
from scipy import stats

from model.features.logistics.engine import (
    DAYS_PER_MONTH,
    DepotStrike,
    LogisticsParameters,
    ReplicationInputs,
    RouteClosed,
    SlowerInspections,
    WinterSlowdown,
    hand_capacity_per_month,
    replication_seeds,
    run_replication,
)
from model.features.logistics.processes import CountingEnvironment, WaitLog, berth_visit

SEED = np.random.SeedSequence(20240917)


def inputs(nk, ru, wanted, months=None, start_month=1) -> ReplicationInputs:
    """Monthly inputs from scalars or arrays (shells/month)."""
    n = months or max(np.size(x) for x in (nk, ru, wanted))
    return ReplicationInputs(*(np.broadcast_to(np.asarray(x, float), (n,)).copy()
                               for x in (nk, ru, wanted)), start_month=start_month)


def nk_balance(r, supplied: float) -> float:
    """Supplied - (delivered + in transit + every stock on the way + destroyed), shells."""
    return supplied - (r.delivered_front_nk.sum() + r.in_transit_end + r.nk_port_depot_end
                       + r.nk_rail_depot_end + r.ru_port_stock_end + r.destroyed_nk
                       + r.destroyed_port)


def front_balance(r) -> float:
    """Opening + arrivals - fired - destroyed - closing front stock, shells."""
    return (r.front_stock_start + r.ru_supply_front.sum() + r.delivered_front_nk.sum()
            - r.shells_fired.sum() - r.destroyed_front - r.front_stock_end)


# --------------------------------------------------------------------------- 1. capacity
FIXED = LogisticsParameters(transit_days_cv=0.0)
BOTTLENECKS = replace(FIXED, ships=8, unload_hours=20.0, inspection_hours=16.0)


@pytest.mark.parametrize("params, binding", [
    (FIXED, {"ship": "ship_fleet", "rail": "border_paths"}),
    (BOTTLENECKS, {"ship": "nk_berths", "rail": "crossing"}),
], ids=["fleet-and-paths", "berth-and-crossing"])
def test_fixed_times_throughput_equals_hand_capacity(params, binding):
    months = 36
    hand = hand_capacity_per_month(params)
    for route, limit in binding.items():  # the case really is limited where we think it is
        assert hand[route] == hand[limit]
    r = run_replication(params, inputs(10 * hand["total"], 0.0, 0.0, months), seed=SEED)
    # Month 0 is start-up: all ships start empty at Rajin at hour 0 and the first consignment
    # reaches the front after load + sail + unload + 14 days of rail (~17.5 days), so it holds
    # only part of a month's deliveries. From month 1 on the chain runs in its periodic regime.
    window = months - 1
    measured = {"ship": r.delivered_front_ship[1:].sum(), "rail": r.delivered_front_rail[1:].sum()}
    # Deliveries come in lumps: counting them over a window can be off by each ship's load in
    # flight at either end plus one port train (ship route), and by one border train (rail).
    quantum = {"ship": params.ships * params.ship_load_shells + params.port_train_shells,
               "rail": params.train_shells}
    for route in ("ship", "rail"):
        expected = hand[route] * window
        assert quantum[route] / expected < 0.01  # so the lump bound is stricter than 1 %
        assert abs(measured[route] - expected) <= quantum[route], route
        assert abs(measured[route] / expected - 1.0) < 0.01, route
    if binding["ship"] == "nk_berths":
        # deterministic queue: the berth turns round a ship every load_hours, so each ship's
        # cycle stretches to ships x load_hours and the extra is its wait (88 h here); the last
        # month's requests are cut short by the end of the run (waits so far)
        wait = params.ships * params.load_hours - hand["ship_cycle_hours"]
        np.testing.assert_allclose(r.nk_berth_wait_mean_hours[1:-1], wait, rtol=0, atol=1e-9)
    if binding["rail"] == "crossing":
        # trains come every 24/paths hours and leave every inspection_hours: the n-th waits
        # n x the difference, so the mean wait rises by a month's trains x that each month
        # (until the last year, whose trains are still queueing when the run ends)
        spacing = 24.0 / params.train_paths_per_day
        slope = params.train_paths_per_day * DAYS_PER_MONTH * (params.inspection_hours - spacing)
        np.testing.assert_allclose(np.diff(r.crossing_wait_mean_hours[:-12]), slope, rtol=1e-12)


# --------------------------------------------------------------------------- 2. mass balance
def test_supply_limited_everything_supplied_arrives():
    params = LogisticsParameters()  # random transit times (cv 0.25)
    nk = np.r_[np.full(10, 300_000.0), np.zeros(3)]  # ten months of supply, then three without
    inp = inputs(nk, 200_000.0, 450_000.0)
    assert hand_capacity_per_month(params)["total"] > 2 * nk.max()
    r = run_replication(params, inp, seed=SEED)
    assert abs(nk_balance(r, nk.sum())) < 1.0  # to the shell
    assert abs(front_balance(r)) < 1.0
    # Three empty months drain the chain (transit ~14 +- 3.5 days, ships wait <= 72 h): all that
    # is left are the part-container / part-wagon remainders that never make a whole unit.
    assert r.in_transit_end == 0.0
    assert r.nk_port_depot_end < params.shells_per_container
    assert r.ru_port_stock_end < params.shells_per_container
    assert r.nk_rail_depot_end < params.shells_per_wagon
    assert r.delivered_front_nk.sum() > nk.sum() - params.shells_per_container \
        - params.shells_per_wagon
    # Nothing arrives before it has been supplied
    assert np.all(np.cumsum(r.delivered_front_nk) <= np.cumsum(nk) + 1e-6)
    assert r.shortfall.sum() == 0.0


# --------------------------------------------------------------------------- 3. Erlang C
def erlang_c_wait(lam: float, mu: float, c: int) -> tuple[float, float]:
    """Mean queue wait and probability of waiting of an M/M/c queue."""
    a = lam / mu
    top = a**c / math.factorial(c) * c / (c - a)
    p_wait = top / (sum(a**k / math.factorial(k) for k in range(c)) + top)
    return p_wait / (c * mu - lam), p_wait


def test_berth_queue_matches_erlang_c():
    c, service_hours, lam = 2, 10.0, 0.14  # rho = 0.7
    n, warmup, batches = 40_000, 2_000, 38
    rng = np.random.default_rng(np.random.SeedSequence(3))
    gaps = stats.expon.rvs(scale=1 / lam, size=n, random_state=rng).tolist()
    service = stats.expon.rvs(scale=service_hours, size=n, random_state=rng).tolist()
    env = CountingEnvironment()
    berths = simpy.Resource(env, capacity=c)
    log = WaitLog()

    def ships_arrive(env):
        for i in range(n):
            yield env.timeout(gaps[i])
            env.process(berth_visit(env, berths, service[i], log))  # the engine's berth visit

    env.process(ships_arrive(env))
    env.run()
    assert len(log.waits) == n
    waits = np.asarray(log.waits)[warmup:]  # the queue starts empty
    # Waits of neighbouring ships are correlated: the Monte Carlo error comes from batch means
    # (batches of 1,000 ships, far longer than the queue's memory at rho = 0.7).
    means = waits[: batches * (waits.size // batches)].reshape(batches, -1).mean(axis=1)
    se = means.std(ddof=1) / math.sqrt(batches)
    expected, p_wait = erlang_c_wait(lam, 1 / service_hours, c)
    assert se < 0.05 * expected  # the test can tell a wrong queue from a right one
    limit = stats.t.ppf(1 - 1e-4, batches - 1) * se  # two-sided 2e-4 false alarm
    assert abs(waits.mean() - expected) < limit, (waits.mean(), expected, limit)
    share = (waits > 0).mean()
    se_share = (waits > 0)[: means.size * (waits.size // batches)].reshape(batches, -1) \
        .mean(axis=1).std(ddof=1) / math.sqrt(batches)
    assert abs(share - p_wait) < stats.t.ppf(1 - 1e-4, batches - 1) * se_share


# --------------------------------------------------------------------------- 4. rail closure
def test_rail_closure_stops_trains_and_the_stock_dips_and_recovers():
    params = LogisticsParameters(transit_days_cv=0.0)  # fixed: the dip can be worked out
    start, days = 2 * DAYS_PER_MONTH, 42  # days 60..101: month 2 closed, month 3 in part
    inp = inputs(300_000.0, 250_000.0, 500_000.0, months=12)
    base = run_replication(params, inp, seed=SEED)
    r = run_replication(params, inp, (RouteClosed("rail", start, days),), seed=SEED)
    assert np.all(r.border_trains_daily[start:start + days] == 0)
    assert r.border_trains[2] == 0  # the month wholly inside the closure
    assert r.border_trains[1] > 0 and r.border_trains[3] > 0 and r.border_trains[4] > 0
    assert np.all(base.border_trains[:12] > 0)
    # The dip is reported: positive, as shells and as a share of the stock on the start day
    assert r.dip_start_day[0] == start
    assert r.dip_reference_shells[0] == r.front_stock_daily[start - 1]
    assert r.dip_shells[0] > 0 and r.dip_share[0] > 0 and r.dip_days_below[0] > 0
    assert math.isclose(r.dip_share[0], r.dip_shells[0] / r.dip_reference_shells[0])
    low = r.dip_day[0]
    assert r.dip_shells[0] == pytest.approx(r.dip_reference_shells[0] - r.front_stock_daily[low])
    # Against the same run without the closure: at worst the front misses the whole rail supply
    # of the closed days (it waits at Tumangang), give or take one border train in flight.
    lost = (1 - params.ship_share) * 300_000.0 / DAYS_PER_MONTH * days
    gap = r.front_stock_daily - base.front_stock_daily
    assert abs(gap.min() + lost) <= params.train_shells
    assert np.all(gap[:start] == 0)
    # It recovers: not before the first train after reopening can arrive, and at the latest once
    # the backlog has crossed (full trains on every path) and travelled, plus a day
    transit = params.transit_days_mean
    backlog_days = math.ceil(lost / (params.train_paths_per_day * params.train_shells))
    rec = r.dip_recovery_day[0]
    assert start + days + transit <= rec <= start + days + transit + backlog_days + 1
    assert r.front_stock_end > r.dip_reference_shells[0]
    assert np.all(r.front_stock_daily[rec:] >= r.dip_reference_shells[0])
    assert abs(nk_balance(r, inp.nk_supply_per_month.sum())) < 1.0


# --------------------------------------------------------------------------- 5. stock target
def test_stock_target_fires_more_when_ample_and_floor_before_shortfall():
    w_month = 500_000.0
    nk = np.r_[np.full(4, 450_000.0), np.zeros(8)]  # ample, then cut off from month 4
    ru = np.r_[np.full(4, 300_000.0), np.full(8, 100_000.0)]  # after the cut: 0.2 W
    floor, top, target = 0.6, 1.3, 30.0
    r = run_replication(LogisticsParameters(), inputs(nk, ru, w_month), policy="stock_target",
                        target_stock_days=target, fire_floor=floor, fire_max=top, seed=SEED)
    w = r.wanted_daily
    fired, short = r.fired_daily, r.shortfall_daily
    # The rule itself, day by day (A = stock after today's arrivals = closing stock + fired)
    available = r.front_stock_daily + fired
    desired = np.clip(available - target * w, floor * w, top * w)
    np.testing.assert_allclose(fired, np.minimum(desired, available), rtol=0, atol=1e-6)
    np.testing.assert_allclose(short, desired - fired, rtol=0, atol=1e-6)
    cut = 4 * DAYS_PER_MONTH
    assert np.any(fired[:cut] > w[:cut] * (1 + 1e-9))  # ample supply: above W
    assert np.all(fired <= top * w * (1 + 1e-12))
    # (the opening stock is exactly the target, so day 0 fires at the floor: look after the cut)
    at_floor = np.flatnonzero(np.isclose(fired, floor * w, rtol=1e-9, atol=0) & (short == 0))
    at_floor = at_floor[at_floor >= cut]
    first_short = np.flatnonzero(short > 1e-6)
    assert at_floor.size and first_short.size  # both happen within the run
    assert fired[cut] > floor * w[cut] * (1 + 1e-9)  # the cut finds the front firing above it
    assert cut < at_floor[0] < first_short[0]
    assert np.all(fired[: first_short[0]] >= floor * w[: first_short[0]] * (1 - 1e-12))
    # Once below the floor nothing is held back: everything there is gets fired
    assert np.all(r.front_stock_daily[first_short] == 0.0)


# --------------------------------------------------------------------------- 6. determinism
DISRUPTIONS = (
    RouteClosed("ship", 100, 20),
    RouteClosed("longhaul", 300, 10),
    SlowerInspections(3.0, 200, 60),
    DepotStrike("nk", 0.3, 400),
    WinterSlowdown(1.5, (12, 1, 2)),
)


def test_same_seed_same_bytes_other_seed_differs():
    params = LogisticsParameters(transit_days_cv=0.3)
    inp = inputs(300_000.0, 250_000.0, 520_000.0, months=24, start_month=10)
    seed_a = replication_seeds(7, 3)[1]
    a = run_replication(params, inp, DISRUPTIONS, seed=seed_a)
    b = run_replication(params, inp, DISRUPTIONS, seed=seed_a)  # the seed is not consumed
    c = run_replication(params, inp, DISRUPTIONS, seed=replication_seeds(7, 9)[1])
    d = run_replication(params, inp, DISRUPTIONS, seed=replication_seeds(7, 3)[2])
    for name, x in a.arrays().items():
        assert x.tobytes() == b.arrays()[name].tobytes(), name
        assert x.tobytes() == c.arrays()[name].tobytes(), name  # seed i does not depend on count
    assert a.events == b.events > 0
    assert not np.array_equal(a.front_stock_daily, d.front_stock_daily)
    # The disruptions' start days as documented (winter: first day of the first December)
    assert a.dip_start_day.tolist() == [100, 300, 200, 400, 2 * DAYS_PER_MONTH]
    assert abs(nk_balance(a, inp.nk_supply_per_month.sum())) < 1.0


# --------------------------------------------------------------------------- 7. depot strike
def test_depot_strike_removes_the_stated_share():
    params = LogisticsParameters()
    inp = inputs(300_000.0, 250_000.0, 500_000.0, months=8)
    day, share = 100, 0.25
    base = run_replication(params, inp, seed=SEED)
    r = run_replication(params, inp, (DepotStrike("front", share, day),), seed=SEED)
    before, destroyed = r.strike_stock_before_shells[0], r.strike_destroyed_shells[0]
    assert before > 0 and destroyed == pytest.approx(share * before, rel=1e-12)
    assert r.destroyed_front == destroyed
    # No shortfall in either run, so firing and deliveries are the same: the stock is lower by
    # exactly what was destroyed from the strike's day on, and the same before it
    assert base.shortfall.sum() == 0 and r.shortfall.sum() == 0
    np.testing.assert_array_equal(r.front_stock_daily[:day], base.front_stock_daily[:day])
    np.testing.assert_allclose(base.front_stock_daily[day:] - r.front_stock_daily[day:],
                               destroyed, rtol=0, atol=1e-6)
    assert abs(front_balance(r)) < 1.0
    # A strike on the North Korean depots, while a ship waits at Rajin for a full load
    nk = run_replication(params, inp, (DepotStrike("nk", 0.5, 50),), seed=SEED)
    assert nk.strike_destroyed_shells[0] == pytest.approx(0.5 * nk.strike_stock_before_shells[0])
    assert nk.strike_destroyed_shells[0] > 0
    assert abs(nk_balance(nk, inp.nk_supply_per_month.sum())) < 1.0


# --------------------------------------------------------------------------- dependencies
def test_engine_uses_numpy_scipy_and_simpy_only():
    folder = Path(__file__).resolve().parent.parent / "model" / "logistics"
    pattern = re.compile(r"^\s*(?:import|from)\s+(pydantic|yaml|matplotlib)\b", re.M)
    for path in folder.glob("*.py"):
        assert not pattern.search(path.read_text()), path
