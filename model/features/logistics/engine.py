"""Discrete-event (SimPy) engine of the North Korea -> front delivery chain, one replication.

The chain as the articles' evidence shows it (satellite images of stations, munitions depots and
ships)::

    NK supply --(ship_share)--> NK port depot (Rajin) --ships--> Russian port --port trains--+
              \\--(1-ship_share)--> NK rail depot (Tumangang) --border trains + inspection--+
                                                                                          |
           front depot <--- long-haul rail across Russia (transit_days per train) <-------+
           (+ Russia's own supply, daily firing by policy)

The split is a rule on the daily supply: ``ship_share`` of each day's North Korean supply goes
into the port depot's container, the rest into the rail depot's (two containers, so a closed
route backs up its own depot and the other route does not take over). Months are 30 days
(``DAYS_PER_MONTH``); monthly inputs are spread evenly over their 30 days. See
:mod:`model.features.logistics.processes` for the processes and their timing rules.

Events: :attr:`ReplicationResult.events` counts every event SimPy processes (each
``Environment.step``: timeouts, resource requests and releases, container puts and gets,
process starts and ends, conditions, and the final stop event).

Randomness: only long-haul transit times are random (gamma, mean ``transit_days_mean``, cv
``transit_days_cv``), drawn in chunks of 256 by ``scipy.stats.gamma.rvs(size=...,
random_state=rng)`` from a generator seeded by a child of the ``seed`` SeedSequence (derived
without mutating ``seed``). The same seed gives byte-identical results.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import partial
from typing import Literal

import numpy as np
import simpy
from scipy import stats

from .params import (
    DAYS_PER_MONTH,
    HOURS_PER_DAY,
    DepotStrike,
    Disruption,
    LogisticsParameters,
    ReplicationInputs,
    RouteClosed,
    SlowerInspections,
    WinterSlowdown,
    hand_capacity_per_month,
)
from .processes import (
    ROUTE_RAIL,
    ROUTE_SHIP,
    CountingEnvironment,
    DrawStream,
    Gate,
    Recorder,
    WaitLog,
    Wakeup,
    border_scheduler,
    daily_flows,
    depot_strike,
    firing_rule,
    port_dispatcher,
    ship,
)

__all__ = [
    "DAYS_PER_MONTH",
    "DepotStrike",
    "Disruption",
    "LogisticsParameters",
    "ReplicationInputs",
    "ReplicationResult",
    "RouteClosed",
    "SlowerInspections",
    "WinterSlowdown",
    "firing_rule",
    "hand_capacity_per_month",
    "replication_seeds",
    "run_replication",
]

_SEED_TAG = 0x10615  # spawn-key tag of this engine's replication seeds
_STREAM_TRANSIT = 0  # child stream of a replication's seed: long-haul transit days
_TRANSIT_CHUNK = 256  # transit draws per scipy call (~50-150 trains per replication)


@dataclass(frozen=True, eq=False)
class ReplicationResult:
    """One replication's records (read-only numpy arrays; shells unless the name says otherwise).

    Monthly arrays have length ``months``; daily arrays ``months * 30``; disruption arrays one
    entry per disruption in the order given. Event counts per month go by the hour they happen
    (waits by the hour the request was made; a request still waiting at the end of the run
    counts with its wait so far). Mean/max waits are nan in months without requests.
    Dip statistics (front stock, end of day): reference = stock at the start of the disruption's
    start day; ``dip_shells`` = reference - lowest stock from that day to the end of the run
    (>= 0); ``dip_share`` = dip / reference; ``dip_days_below`` = days from the start day on with
    stock below the reference; ``dip_recovery_day`` = first day from the lowest point on with
    stock back at the reference (-1: not within the run). A disruption that never starts within
    the run has start day -1 and nan statistics. Start day: ``start_day`` of closures and slower
    inspections, ``day`` of a strike, the first day of the first run month a winter slowdown
    covers.
    """

    months: int
    start_month: int  # calendar month (1..12) of run month 0
    days_per_month: np.ndarray  # days in each run month (all 30)
    # --- monthly
    nk_supplied: np.ndarray  # shells entering the North Korean depots
    ship_calls_ru: np.ndarray  # ships arriving at the Russian port
    ship_partial_departures: np.ndarray  # ships that sailed from Rajin with less than a load
    containers_by_ship: np.ndarray  # containers unloaded at the Russian port
    border_trains: np.ndarray  # trains through the border inspection
    delivered_front_ship: np.ndarray  # NK shells reaching the front by the ship route
    delivered_front_rail: np.ndarray  # NK shells reaching the front by the rail route
    delivered_front_nk: np.ndarray  # both routes
    ru_supply_front: np.ndarray  # Russia's own supply entering the front depot
    shells_wanted: np.ndarray  # W x 30
    shells_fired: np.ndarray
    shortfall: np.ndarray  # demand: wanted - fired; stock_target: desired - fired
    nk_berth_requests: np.ndarray
    nk_berth_wait_mean_hours: np.ndarray
    nk_berth_wait_max_hours: np.ndarray
    ru_berth_requests: np.ndarray
    ru_berth_wait_mean_hours: np.ndarray
    ru_berth_wait_max_hours: np.ndarray
    crossing_requests: np.ndarray
    crossing_wait_mean_hours: np.ndarray
    crossing_wait_max_hours: np.ndarray
    # --- daily
    front_stock_daily: np.ndarray  # end of day, after firing
    fired_daily: np.ndarray
    shortfall_daily: np.ndarray
    wanted_daily: np.ndarray  # W, shells/day
    days_of_supply_daily: np.ndarray  # front stock / W, days (inf where W = 0)
    border_trains_daily: np.ndarray  # trains through the border inspection per day
    # --- per disruption
    dip_start_day: np.ndarray  # int, -1 if not within the run
    dip_reference_shells: np.ndarray
    dip_shells: np.ndarray
    dip_share: np.ndarray  # of the reference stock
    dip_day: np.ndarray  # int, day of the lowest stock (-1 if none)
    dip_days_below: np.ndarray  # int, days
    dip_recovery_day: np.ndarray  # int, -1 if not recovered within the run
    strike_stock_before_shells: np.ndarray  # nan unless a strike that happened
    strike_destroyed_shells: np.ndarray  # nan unless a strike that happened
    # --- end of run (shells)
    front_stock_start: float
    front_stock_end: float
    nk_port_depot_end: float
    nk_rail_depot_end: float
    ru_port_stock_end: float
    in_transit_end: float  # aboard ships and trains (including trains held at closed gates)
    destroyed_nk: float
    destroyed_port: float
    destroyed_front: float
    events: int  # SimPy events processed

    def arrays(self) -> dict[str, np.ndarray]:
        """Every field as a numpy array (scalars as 0-d arrays), in field order."""
        return {f.name: np.asarray(getattr(self, f.name)) for f in fields(self)}


def replication_seeds(seed: int, count: int) -> list[np.random.SeedSequence]:
    """Seeds of replications ``0 .. count-1``: ``SeedSequence(seed, spawn_key=(0x10615, i))``.

    Replication ``i`` gets the same seed however replications are spread over workers.
    """
    return [np.random.SeedSequence(seed, spawn_key=(_SEED_TAG, i)) for i in range(count)]


def _child(seed: np.random.SeedSequence, k: int) -> np.random.SeedSequence:
    """Child ``k`` of ``seed``, as ``seed.spawn`` would make it but without mutating ``seed``."""
    return np.random.SeedSequence(seed.entropy, spawn_key=(*seed.spawn_key, k),
                                  pool_size=seed.pool_size)


def _transit_stream(params: LogisticsParameters, seed: np.random.SeedSequence) -> DrawStream:
    """Long-haul transit days per train: gamma(shape 1/cv^2, scale mean cv^2), or fixed."""
    cv = params.transit_days_cv
    if cv == 0.0:
        return DrawStream.constant(params.transit_days_mean)
    rng = np.random.default_rng(_child(seed, _STREAM_TRANSIT))
    dist = stats.gamma(a=1.0 / cv**2, scale=params.transit_days_mean * cv**2)
    return DrawStream(lambda n: dist.rvs(size=n, random_state=rng), chunk=_TRANSIT_CHUNK)


def _calendar_months(start_month: int, months: int) -> list[int]:
    return [(start_month - 1 + m) % 12 + 1 for m in range(months)]


def _winter(disruptions: tuple[Disruption, ...], start_month: int, months: int):
    """``t (hours) -> factor`` on sailing/transit times for legs starting at ``t``."""
    factor = [1.0] * months
    for d in disruptions:
        if isinstance(d, WinterSlowdown):
            for m, cal in enumerate(_calendar_months(start_month, months)):
                if cal in d.months:
                    factor[m] *= d.factor
    hours_per_month = DAYS_PER_MONTH * HOURS_PER_DAY
    last = months - 1

    def winter(t: float) -> float:
        return factor[min(int(t // hours_per_month), last)]

    return winter


def _inspection_slowdown(disruptions: tuple[Disruption, ...]):
    """``t (hours) -> factor`` on inspection times, or None without slower inspections."""
    windows = [(HOURS_PER_DAY * d.start_day, HOURS_PER_DAY * (d.start_day + d.days), d.factor)
               for d in disruptions if isinstance(d, SlowerInspections)]
    if not windows:
        return None

    def slowdown(t: float) -> float:
        f = 1.0
        for a, b, factor in windows:
            if a <= t < b:
                f *= factor
        return f

    return slowdown


def _gate(disruptions: tuple[Disruption, ...], route: str) -> Gate:
    return Gate([(HOURS_PER_DAY * d.start_day, HOURS_PER_DAY * (d.start_day + d.days))
                 for d in disruptions if isinstance(d, RouteClosed) and d.route == route])


def _per_month(times: list[float], months: int, weights: list[float] | None = None) -> np.ndarray:
    """Sum (or count) things by the run month of their hour."""
    if not times:
        return np.zeros(months)
    idx = np.minimum((np.asarray(times) // (DAYS_PER_MONTH * HOURS_PER_DAY)).astype(np.int64),
                     months - 1)
    return np.bincount(idx, weights=weights, minlength=months).astype(float)


def _wait_stats(log: WaitLog, months: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Requests, mean and max wait (hours) per month of request; nan without requests."""
    n = _per_month(log.requested, months)
    total = _per_month(log.requested, months, log.waits)
    top = np.full(months, -np.inf)
    if log.requested:
        idx = np.minimum((np.asarray(log.requested) // (DAYS_PER_MONTH * HOURS_PER_DAY))
                         .astype(np.int64), months - 1)
        np.maximum.at(top, idx, np.asarray(log.waits))
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n > 0, total / np.where(n > 0, n, 1.0), np.nan)
    return n, mean, np.where(n > 0, top, np.nan)


def _start_day(d: Disruption, start_month: int, months: int) -> int:
    if isinstance(d, DepotStrike):
        return d.day
    if isinstance(d, WinterSlowdown):
        for m, cal in enumerate(_calendar_months(start_month, months)):
            if cal in d.months:
                return m * DAYS_PER_MONTH
        return -1
    return d.start_day


def _dips(stock: np.ndarray, start_stock: float, starts: list[int]) -> dict[str, np.ndarray]:
    """Dip statistics of the daily front stock after each start day (see ReplicationResult)."""
    days = stock.shape[0]
    n = len(starts)
    out = {
        "dip_start_day": np.full(n, -1, np.int64),
        "dip_reference_shells": np.full(n, np.nan),
        "dip_shells": np.full(n, np.nan),
        "dip_share": np.full(n, np.nan),
        "dip_day": np.full(n, -1, np.int64),
        "dip_days_below": np.zeros(n, np.int64),
        "dip_recovery_day": np.full(n, -1, np.int64),
    }
    for i, s in enumerate(starts):
        if not 0 <= s < days:
            continue
        ref = start_stock if s == 0 else float(stock[s - 1])
        after = stock[s:]
        low = int(np.argmin(after))
        dip = max(ref - float(after[low]), 0.0)
        out["dip_start_day"][i] = s
        out["dip_reference_shells"][i] = ref
        out["dip_shells"][i] = dip
        out["dip_share"][i] = dip / ref if ref > 0 else np.nan
        out["dip_day"][i] = s + low
        out["dip_days_below"][i] = int(np.count_nonzero(after < ref))
        back = np.flatnonzero(after[low:] >= ref)
        out["dip_recovery_day"][i] = s + low + int(back[0]) if back.size else -1
    return out


def run_replication(
    params: LogisticsParameters,
    inputs: ReplicationInputs,
    disruptions: tuple[Disruption, ...] = (),
    *,
    policy: Literal["demand", "stock_target"] = "demand",
    target_stock_days: float = 30,
    fire_floor: float = 0.6,
    fire_max: float = 1.3,
    seed: np.random.SeedSequence,
) -> ReplicationResult:
    """Run one replication of the delivery chain and return its records.

    Parameters
    ----------
    params : the chain (capacities in ships, containers, berths, trains; times in hours/days).
    inputs : monthly supply and wanted fire (shells/month) and the calendar start month.
    disruptions : RouteClosed, SlowerInspections, DepotStrike, WinterSlowdown (any number).
    policy : ``demand`` fires min(W, stock); ``stock_target`` steers the stock towards
        ``target_stock_days`` days of W, firing between ``fire_floor`` and ``fire_max`` x W
        (see :func:`firing_rule`).
    target_stock_days, fire_floor, fire_max : days; shares of W (stock_target only).
    seed : the replication's seed (e.g. from :func:`replication_seeds`); not mutated.
    """
    if policy not in ("demand", "stock_target"):
        raise ValueError(f"policy must be 'demand' or 'stock_target', got {policy!r}")
    if not 0.0 <= fire_floor <= fire_max or target_stock_days < 0:
        raise ValueError("need 0 <= fire_floor <= fire_max and target_stock_days >= 0")
    if isinstance(seed, int | np.integer):
        seed = np.random.SeedSequence(int(seed))
    disruptions = tuple(disruptions)
    for d in disruptions:
        if not isinstance(d, RouteClosed | SlowerInspections | DepotStrike | WinterSlowdown):
            raise TypeError(f"not a disruption: {d!r}")
    months = inputs.months
    days = months * DAYS_PER_MONTH

    def daily(monthly: np.ndarray) -> np.ndarray:
        return np.repeat(np.asarray(monthly, dtype=float) / DAYS_PER_MONTH, DAYS_PER_MONTH)

    nk_daily = daily(inputs.nk_supply_per_month)
    nk_port_daily = nk_daily * params.ship_share
    nk_rail_daily = nk_daily - nk_port_daily  # so that the two parts add up to the supply
    ru_daily = daily(inputs.ru_supply_per_month)
    wanted_daily = daily(inputs.fire_wanted_per_month)
    front_start = params.front_stock_start_days * float(wanted_daily[0])

    env = CountingEnvironment()
    inf = float("inf")
    nk_port = simpy.Container(env, capacity=inf)
    nk_rail = simpy.Container(env, capacity=inf)
    port_stock = simpy.Container(env, capacity=inf)
    front = simpy.Container(env, capacity=inf, init=front_start)
    nk_berths = simpy.Resource(env, capacity=params.nk_berths)
    ru_berths = simpy.Resource(env, capacity=params.ru_berths)
    crossing = simpy.Resource(env, capacity=params.crossing_tracks)
    rec = Recorder(days)

    transit = _transit_stream(params, seed)
    winter = _winter(disruptions, inputs.start_month, months)
    slowdown = _inspection_slowdown(disruptions)
    sea, rail, longhaul = (_gate(disruptions, r) for r in ("ship", "rail", "longhaul"))
    fire = partial(firing_rule, policy, target_stock_days=target_stock_days,
                   fire_floor=fire_floor, fire_max=fire_max)

    env.process(daily_flows(env, nk_port, nk_rail, front, nk_port_daily.tolist(),
                            nk_rail_daily.tolist(), ru_daily.tolist(), wanted_daily.tolist(),
                            fire, rec))
    cargo_landed = Wakeup(env)
    for _ in range(params.ships):
        env.process(ship(env, params, nk_port, nk_berths, ru_berths, port_stock, cargo_landed,
                         sea, winter, rec))
    env.process(port_dispatcher(env, params, port_stock, cargo_landed, longhaul, transit, winter,
                                front, rec))
    env.process(border_scheduler(env, params, nk_rail, crossing, rail, slowdown, longhaul,
                                 transit, winter, front, rec))
    stocks = {"nk": (nk_port, nk_rail), "port": (port_stock,), "front": (front,)}
    for i, d in enumerate(disruptions):
        if isinstance(d, DepotStrike):
            env.process(depot_strike(env, i, d.depot, d.share, d.day, stocks[d.depot], rec))
    env.run(until=days * HOURS_PER_DAY)
    for log in (rec.nk_waits, rec.ru_waits, rec.crossing_waits):
        log.close(env.now)

    return _result(params, inputs, disruptions, rec, env, front_start, wanted_daily,
                   (nk_port, nk_rail, port_stock, front))


def _result(
    params: LogisticsParameters,
    inputs: ReplicationInputs,
    disruptions: tuple[Disruption, ...],
    rec: Recorder,
    env: CountingEnvironment,
    front_start: float,
    wanted_daily: np.ndarray,
    containers: tuple[simpy.Container, ...],
) -> ReplicationResult:
    """Turn the recorder's lists into the result's read-only arrays."""
    months = inputs.months
    nk_port, nk_rail, port_stock, front = containers

    def monthly(daily: np.ndarray) -> np.ndarray:
        return daily.reshape(months, DAYS_PER_MONTH).sum(axis=1)

    route = np.asarray(rec.arrival_route, dtype=np.int64)
    shells = np.asarray(rec.arrival_shells, dtype=float)
    by_ship = _per_month([t for t, r in zip(rec.arrival_t, rec.arrival_route) if r == ROUTE_SHIP],
                         months, shells[route == ROUTE_SHIP].tolist())
    by_rail = _per_month([t for t, r in zip(rec.arrival_t, rec.arrival_route) if r == ROUTE_RAIL],
                         months, shells[route == ROUTE_RAIL].tolist())
    crossed_daily = np.bincount(
        (np.asarray(rec.crossed) // HOURS_PER_DAY).astype(np.int64),
        minlength=months * DAYS_PER_MONTH,
    ).astype(float)[: months * DAYS_PER_MONTH]
    nk_n, nk_mean, nk_max = _wait_stats(rec.nk_waits, months)
    ru_n, ru_mean, ru_max = _wait_stats(rec.ru_waits, months)
    cr_n, cr_mean, cr_max = _wait_stats(rec.crossing_waits, months)
    with np.errstate(divide="ignore", invalid="ignore"):
        supply_days = np.where(wanted_daily > 0,
                               rec.front_stock / np.where(wanted_daily > 0, wanted_daily, 1.0),
                               np.inf)
    starts = [_start_day(d, inputs.start_month, months) for d in disruptions]
    dips = _dips(rec.front_stock, front_start, starts)
    strike_before = np.full(len(disruptions), np.nan)
    strike_destroyed = np.full(len(disruptions), np.nan)
    for i, (before, destroyed) in rec.strikes.items():
        strike_before[i], strike_destroyed[i] = before, destroyed

    arrays: dict[str, np.ndarray] = {
        "days_per_month": np.full(months, DAYS_PER_MONTH, np.int64),
        "nk_supplied": np.asarray(inputs.nk_supply_per_month, dtype=float).copy(),
        "ship_calls_ru": _per_month(rec.ru_calls, months),
        "ship_partial_departures": _per_month(rec.partial_departures, months),
        "containers_by_ship": _per_month(rec.unloaded_t, months, rec.unloaded_containers),
        "border_trains": monthly(crossed_daily),
        "delivered_front_ship": by_ship,
        "delivered_front_rail": by_rail,
        "delivered_front_nk": by_ship + by_rail,
        "ru_supply_front": np.asarray(inputs.ru_supply_per_month, dtype=float).copy(),
        "shells_wanted": monthly(wanted_daily),
        "shells_fired": monthly(rec.fired),
        "shortfall": monthly(rec.shortfall),
        "nk_berth_requests": nk_n, "nk_berth_wait_mean_hours": nk_mean,
        "nk_berth_wait_max_hours": nk_max,
        "ru_berth_requests": ru_n, "ru_berth_wait_mean_hours": ru_mean,
        "ru_berth_wait_max_hours": ru_max,
        "crossing_requests": cr_n, "crossing_wait_mean_hours": cr_mean,
        "crossing_wait_max_hours": cr_max,
        "front_stock_daily": rec.front_stock,
        "fired_daily": rec.fired,
        "shortfall_daily": rec.shortfall,
        "wanted_daily": wanted_daily,
        "days_of_supply_daily": supply_days,
        "border_trains_daily": crossed_daily,
        **dips,
        "strike_stock_before_shells": strike_before,
        "strike_destroyed_shells": strike_destroyed,
    }
    for a in arrays.values():
        a.setflags(write=False)
    return ReplicationResult(
        months=months,
        start_month=int(inputs.start_month),
        **arrays,
        front_stock_start=front_start,
        front_stock_end=float(front.level),
        nk_port_depot_end=float(nk_port.level),
        nk_rail_depot_end=float(nk_rail.level),
        ru_port_stock_end=float(port_stock.level),
        in_transit_end=rec.in_transit(),
        destroyed_nk=rec.destroyed["nk"],
        destroyed_port=rec.destroyed["port"],
        destroyed_front=rec.destroyed["front"],
        events=env.events_processed,
    )
