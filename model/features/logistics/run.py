"""The discrete-event engine for depth: R replications on samples of the calibrated result.

The vectorized monthly model stays the engine for breadth (every sample, calibration,
sensitivity). A scenario's ``logistics:`` section adds this study (numbers only, no sentences):

1. Draw R samples from the calibrated ensemble by systematic resampling of its weights, with
   the stream ``SeedSequence(seed, spawn_key=(0x10615, 2**32 - 1))`` of the scenario seed. Only
   the first ``SAMPLES_KEPT`` samples keep their parameter values (``run.calibrated.inputs``),
   so the draw is among those, by their weights renormalised (for most scenarios: all samples).
2. Run the monthly model once more on exactly those parameter sets (float64) for their monthly
   flows: Russia's own supply into the front depot = ``ru_production + ru_reserve_release`` plus the
   North Korean old shells refurbished in Russian plants (``nk_refurbished``: they reach the front by
   Russia's own supply line, not through the chain, which carries the rest); fire
   wanted = ``shells_wanted``; North Korean supply handed to the chain = the monthly model's
   ``nk_deliveries``, counted in usable shells: the chain is fed ``nk_usable_deliveries`` and its
   containers and wagons hold ``shells_per_container x u`` and ``shells_per_wagon x u`` usable
   shells, ``u`` the sample's usable share of all shells shipped over the run. So ships,
   containers and trains are those of every shell shipped (duds travel too), while the front
   depot holds what the monthly model's depot holds: shells that work. The firing
   rule is the monthly model's (``structure.firing``, the sample's ``fire_target_stock_days``,
   ``fire_floor_factor``, ``fire_max_factor``), applied per day: the reserve target in shells is
   the same (``fire_target_stock_days`` days of 365.25/12-day months are ``x 30 / (365.25/12)``
   days of the engine's 30-day months, whose daily W is a month's wanted fire / 30).
3. Run replication ``i`` with seed ``replication_seeds(seed, R)[i]`` in chunks of
   ``CHUNK_REPLICATIONS`` over the same ``map``-like executor as the sample blocks (the builtin,
   a process pool's ``imap``, a Dask client's ``map``): a replication's numbers depend on its
   sample and seed alone, so the result does not depend on the number of workers.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from ...analysis.outcome import RunResult
from ...core.dynamics import simulate
from ...core.months import DAYS_PER_MONTH as CALENDAR_DAYS_PER_MONTH
from ...core.structure import SWITCHES, structure_parameter
from .engine import replication_seeds, run_replication
from .params import (
    DAYS_PER_MONTH,
    DepotStrike,
    Disruption,
    LogisticsParameters,
    ReplicationInputs,
    RouteClosed,
    SlowerInspections,
    WinterSlowdown,
    hand_capacity_per_month,
)
from .spec import LOGISTICS_PARAMETERS, LogisticsSettings, engine_day, parameter_values
from .study import (
    DAILY_FIELDS,
    DIP_FIELDS,
    END_FIELDS,
    MODEL_FIELDS,
    MONTHLY_FIELDS,
    DisruptionInfo,
    LogisticsPlan,
    LogisticsResult,
)

__all__ = ["CHUNK_REPLICATIONS", "RESAMPLE_KEY", "chunk_count", "draw_samples", "logistics_plan",
           "run_logistics", "run_replications"]

CHUNK_REPLICATIONS = 10  # replications per task handed to the executor
RESAMPLE_KEY = (0x10615, 2**32 - 1)  # spawn key of the resampling stream (replications use (0x10615, i))
TARGET_DAYS_FACTOR = DAYS_PER_MONTH / CALENDAR_DAYS_PER_MONTH  # monthly model's days -> engine days

MapFn = Callable[[Callable[..., Any], Iterable[Any]], Iterable[Any]]


def chunk_count(replications: int) -> int:
    """How many tasks ``replications`` are handed to the executor in."""
    return math.ceil(replications / CHUNK_REPLICATIONS)


def logistics_plan(settings: LogisticsSettings, window_start: str) -> LogisticsPlan:
    """The validated ``logistics:`` section as the engine's parameters and disruptions."""
    values = parameter_values(settings)
    kwargs: dict[str, Any] = {}
    for name, (value, _) in values.items():
        kwargs[name] = int(value) if LOGISTICS_PARAMETERS[name].whole else value
    params = LogisticsParameters(**kwargs)
    disruptions: list[Disruption] = []
    info: list[DisruptionInfo] = []
    for name, d in settings.disruptions.items():
        if d.kind == "route_closed":
            day = engine_day(d.start, window_start)  # type: ignore[arg-type]
            disruptions.append(RouteClosed(d.route, day, float(d.days)))  # type: ignore[arg-type]
            info.append(DisruptionInfo(name, d.kind, d.start, day, d.days, {"route": d.route}))
        elif d.kind == "slower_inspections":
            day = engine_day(d.start, window_start)  # type: ignore[arg-type]
            disruptions.append(SlowerInspections(float(d.factor), day, float(d.days)))  # type: ignore[arg-type]
            info.append(DisruptionInfo(name, d.kind, d.start, day, d.days, {"factor": d.factor}))
        elif d.kind == "depot_strike":
            day = engine_day(d.date, window_start)  # type: ignore[arg-type]
            disruptions.append(DepotStrike(d.depot, float(d.share), day))  # type: ignore[arg-type]
            info.append(DisruptionInfo(name, d.kind, d.date, day, None, {"depot": d.depot, "share": d.share}))
        else:
            months = tuple(int(m) for m in d.months or ())
            disruptions.append(WinterSlowdown(float(d.factor), months))  # type: ignore[arg-type]
            info.append(DisruptionInfo(name, d.kind, None, -1, None, {"factor": d.factor, "months": list(months)}))
    return LogisticsPlan(params, tuple(disruptions), tuple(info), settings.replications, values,
                         {name: p.unit for name, p in LOGISTICS_PARAMETERS.items()})


def draw_samples(weights: np.ndarray, count: int, seed: int) -> np.ndarray:
    """``count`` sample indices by systematic resampling of ``weights`` (sorted, with repeats).

    One uniform ``u`` from ``SeedSequence(seed, spawn_key=RESAMPLE_KEY)``; index ``i`` is where
    ``(i + u) / count`` falls in the cumulative weights.
    """
    w = np.asarray(weights, dtype=float)
    total = w.sum()
    if w.ndim != 1 or w.size == 0 or not np.isfinite(total) or total <= 0:
        raise ValueError("weights must be a non-empty 1-d array with a positive finite sum")
    u = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=RESAMPLE_KEY)).random()
    cumulative = np.cumsum(w / total)
    positions = (np.arange(count) + u) / count
    return np.minimum(np.searchsorted(cumulative, positions, side="right"), w.size - 1).astype(np.int64)


@dataclass(frozen=True)
class _Chunk:
    """Replications ``first .. first + len(nk) - 1`` of ``total`` (picklable for process pools)."""

    first: int
    total: int
    seed: int
    params: LogisticsParameters
    disruptions: tuple[Disruption, ...]
    policy: tuple[str, ...]  # each replication's firing rule (its sample's, where the firing policy is uncertain)
    start_month: int
    nk: np.ndarray  # (count, months) shells/month
    ru: np.ndarray
    wanted: np.ndarray
    usable_share: np.ndarray  # (count,) usable share of the shells shipped (scales container and wagon loads)
    target_days: np.ndarray  # (count,) engine days
    fire_floor: np.ndarray
    fire_max: np.ndarray


def run_replications(task: _Chunk) -> dict[str, np.ndarray]:
    """Run one chunk of replications; every record stacked, one row per replication.

    A top-level function so that process pools and Dask can pickle it.
    """
    seeds = replication_seeds(task.seed, task.total)
    rows: dict[str, list[np.ndarray]] = {}
    for j in range(task.nk.shape[0]):
        inputs = ReplicationInputs(task.nk[j], task.ru[j], task.wanted[j], start_month=task.start_month)
        u = float(task.usable_share[j])
        params = replace(task.params, shells_per_container=task.params.shells_per_container * u,
                         shells_per_wagon=task.params.shells_per_wagon * u)
        r = run_replication(params, inputs, task.disruptions, policy=task.policy[j],  # type: ignore[arg-type]
                            target_stock_days=float(task.target_days[j]), fire_floor=float(task.fire_floor[j]),
                            fire_max=float(task.fire_max[j]), seed=seeds[task.first + j])
        for name in MONTHLY_FIELDS + DAILY_FIELDS + DIP_FIELDS + END_FIELDS:
            rows.setdefault(name, []).append(np.asarray(getattr(r, name)))
    return {name: np.stack(values) for name, values in rows.items()}


def _flows(run: RunResult, index: np.ndarray) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """The monthly model on the chosen samples: its trajectories and the samples' parameters."""
    kept = run.calibrated.inputs
    params = {name: kept.values[index, j].astype(float) for j, name in enumerate(kept.names)}
    with np.errstate(all="ignore"):
        out = simulate(params, run.timeline, shortage_threshold=run.scenario.shortage_threshold,
                       structure=run.structure, keep=MODEL_FIELDS)
    return {k: np.asarray(v, dtype=float) for k, v in out.trajectories.items()}, params


def _policies(run: RunResult, params: dict[str, np.ndarray], count: int) -> tuple[str, ...]:
    """Each replication's firing rule: its sample's choice where the firing policy is uncertain."""
    drawn = params.get(structure_parameter("firing"))
    if drawn is None:
        return (run.structure.firing,) * count
    choices = SWITCHES["firing"].choices
    return tuple(choices[int(round(float(k)))] for k in drawn)


def _clean(a: np.ndarray) -> np.ndarray:
    return np.maximum(np.nan_to_num(np.asarray(a, dtype=float), nan=0.0, posinf=0.0, neginf=0.0), 0.0)


def run_logistics(run: RunResult, plan: LogisticsPlan, *, seed: int, map_blocks: MapFn = map) -> LogisticsResult:
    """Run the plan's replications on samples of ``run``'s calibrated result (see the module)."""
    pool = len(run.calibrated.inputs)
    index = draw_samples(run.calibrated.head_weights(pool), plan.replications, seed)
    model, params = _flows(run, index)
    # North Korean old shells refurbished in Russian plants reach the front by Russia's own supply line;
    # the chain carries the shells that go to the front as they are
    refurbished = _clean(model["nk_refurbished"])
    shipped = _clean(model["nk_deliveries"] - model["nk_shipped_for_refurbishment"])
    nk = np.minimum(_clean(model["nk_usable_deliveries"] - refurbished), shipped)
    total = shipped.sum(axis=1)
    usable_share = np.clip(np.divide(nk.sum(axis=1), total, out=np.ones_like(total), where=total > 0), 1e-3, 1.0)
    ru = _clean(model["ru_production"] + model["ru_reserve_release"] + refurbished)
    wanted = _clean(model["shells_wanted"])

    def param(name: str, default: float) -> np.ndarray:
        return params[name] if name in params else np.full(index.size, default)

    firing = {
        "target_stock_days": _clean(param("fire_target_stock_days", 30.0)) * TARGET_DAYS_FACTOR,
        "fire_floor": np.clip(param("fire_floor_factor", 0.6), 0.0, 1.0),
        "fire_max": np.maximum(param("fire_max_factor", 1.3), 1.0),
        "usable_share": usable_share,
    }
    start_month = int(run.timeline.months[0][5:7])
    policies = _policies(run, params, index.size)
    tasks = [
        _Chunk(a, plan.replications, seed, plan.params, plan.disruptions, policies[a:b], start_month,
               nk[a:b], ru[a:b], wanted[a:b], usable_share[a:b], firing["target_stock_days"][a:b],
               firing["fire_floor"][a:b], firing["fire_max"][a:b])
        for a in range(0, plan.replications, CHUNK_REPLICATIONS)
        for b in [min(a + CHUNK_REPLICATIONS, plan.replications)]
    ]
    t0 = time.perf_counter()
    parts = list(map_blocks(run_replications, tasks))
    seconds = time.perf_counter() - t0
    stacked = {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}
    return LogisticsResult(
        plan=plan,
        months=list(run.timeline.months),
        start_month=start_month,
        policy=run.structure.firing if len(set(policies)) == 1 else "by sample",
        sample_index=index,
        samples_pool=pool,
        monthly={k: stacked[k] for k in MONTHLY_FIELDS},
        daily={k: stacked[k] for k in DAILY_FIELDS},
        dips={k: stacked[k] for k in DIP_FIELDS},
        end={k: stacked[k] for k in END_FIELDS},
        model=model,
        firing=firing,
        capacity=hand_capacity_per_month(plan.params),
        seconds=seconds,
    )
