"""The ``logistics`` key of ``summary.json``: the discrete-event study condensed for people.

From :class:`model.features.logistics.study.LogisticsResult` (numbers only) to plain JSON-safe data,
deterministic for the same scenario and seed (no wall time: the run's manifest has it). Replications
are equally weighted (they are a weighted draw of the calibrated samples already); quantiles are
Hazen's, as everywhere in the summary, over the replications that have a value (waits in a month
without requests have none). Contract (``logistics``):

- ``engine`` ("simpy"), ``replications``, ``events_per_replication`` (mean SimPy events) and
  ``events_per_replication_range``; ``policy``; ``samples_pool`` and ``unique_samples``;
  ``capacity_per_month`` (shells/month, every shell shipped: the chain's bottlenecks by hand);
  ``usable_share`` of the shells shipped (the front counts usable shells);
  ``parameters`` (value, unit, assumption); ``days_per_month`` (30);
- ``monthly``: ``months`` and per month p5/p50/p95 across replications of ``delivered_front_nk``
  (usable North Korean shells reaching the front) beside the monthly model's
  ``model_nk_usable_deliveries`` and ``model_nk_deliveries`` for the same samples,
  ``ship_port_calls``, ``border_trains``, ``containers_by_ship``, the queue waits (hours), fire
  and the front stock at month end beside the monthly model's ``model_ru_stock``;
- ``daily``: ``first_day``, and per engine day p5/p25/p50/p75/p95 of ``front_stock`` (shells, end
  of day) and ``days_of_supply`` (days);
- ``disruptions``: per named disruption what it is and, across replications, the deepest dip of
  the front stock from its first day to ``DIP_AFTER_DAYS`` after its end (later falls are not its
  doing; the engine's own ``dip_*`` records run to the end of the run) against the stock at the end
  of the day before: in shells, as a share of that stock and in days of fire; the days in that
  window more than ``DIP_TOLERANCE`` below it and the days from the start until the stock is back
  within ``DIP_TOLERANCE`` of it after the lowest point (``share_never``: not within the run), both
  over the replications that fall more than ``DIP_TOLERANCE`` (``share_with_dip``); the shortfall in
  that window (``share_with_shortfall``, and ``shortfall_shells`` over those replications); the drop of
  weekly fire, and a week-by-week table around it (``around``: the stock, also relative to the day
  before the start, days of supply, fire, arrivals and border trains);
- ``example``: the replication the ships-and-trains figure shows (median dip) and its counts.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from .params import DAYS_PER_MONTH
from .spec import engine_date
from .study import LogisticsResult

__all__ = ["DAILY_QUANTILES", "MONTHLY_QUANTILES", "daily_quantiles", "example_replication", "logistics_entry",
           "nk_arrivals_daily", "weekly_mean"]

MONTHLY_QUANTILES = (0.05, 0.5, 0.95)
DAILY_QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
FIRE_WINDOW_DAYS = 7  # fire is compared as 7-day means (daily fire follows lumpy arrivals)
BEFORE_DAYS = 30  # the reference period before a disruption
AFTER_DAYS = 90  # how long after a disruption's end the fire drop is looked for
AROUND_BEFORE, AROUND_AFTER, AROUND_STEP = 14, 70, 7  # the week-by-week table: days from the start
DIP_AFTER_DAYS = 90  # a dip is looked for from a disruption's start to this many days after its end
DIP_TOLERANCE = 0.01  # below / back: more than 1 % under, within 1 % of the stock before (daily wiggles of lumps)


def _num(x: Any) -> float | None:
    """A JSON-safe float: None for nan/inf, 6 significant digits otherwise (stable bytes)."""
    x = float(x)
    return float(f"{x:.6g}") if math.isfinite(x) else None


def _quantiles(a: np.ndarray, levels: tuple[float, ...], axis: int = 0) -> np.ndarray:
    """Hazen quantiles over the finite values along ``axis`` (nan where there are none)."""
    a = np.where(np.isfinite(a), a, np.nan).astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an all-nan column: no requests that month
        return np.nanquantile(a, levels, axis=axis, method="hazen")


def _bands(a: np.ndarray, levels: tuple[float, ...] = MONTHLY_QUANTILES) -> dict[str, list[float | None]]:
    q = _quantiles(a, levels)
    return {f"p{round(level * 100)}": [_num(v) for v in q[i]] for i, level in enumerate(levels)}


def _stat(values: np.ndarray) -> dict[str, float | None]:
    """p5/p50/p95 of one number per replication; nan means 'did not happen' and counts as +inf."""
    v = np.asarray(values, dtype=float)
    never = np.isnan(v)
    ranked = np.sort(np.where(never, np.inf, v))
    q = np.interp(MONTHLY_QUANTILES, (np.arange(ranked.size) + 0.5) / ranked.size, ranked)
    out = {f"p{round(level * 100)}": _num(x) for level, x in zip(MONTHLY_QUANTILES, q)}
    if never.any():
        out["share_never"] = _num(never.mean())
    return out


def daily_quantiles(daily: np.ndarray) -> dict[float, np.ndarray]:
    """Quantiles (keys ``DAILY_QUANTILES``) across replications of a (R, days) array."""
    q = _quantiles(daily, DAILY_QUANTILES)
    return {level: q[i] for i, level in enumerate(DAILY_QUANTILES)}


def weekly_mean(daily: np.ndarray) -> np.ndarray:
    """Trailing ``FIRE_WINDOW_DAYS``-day means of a (R, days) array (the first days: what there is)."""
    c = np.cumsum(np.pad(np.asarray(daily, dtype=float), ((0, 0), (1, 0))), axis=1)
    days = daily.shape[1]
    hi = np.arange(1, days + 1)
    lo = np.maximum(hi - FIRE_WINDOW_DAYS, 0)
    return (c[:, hi] - c[:, lo]) / (hi - lo)


def nk_arrivals_daily(result: LogisticsResult) -> np.ndarray:
    """North Korean shells reaching the front each day (R, days), from the front's balance:
    stock today - stock yesterday + fired today - Russia's own supply today (+ destroyed by a strike)."""
    stock = result.daily["front_stock_daily"]
    before = np.concatenate([result.end["front_stock_start"][:, None], stock[:, :-1]], axis=1)
    ru = np.repeat(result.model["ru_production"] + result.model["ru_reserve_release"], DAYS_PER_MONTH, axis=1) \
        / DAYS_PER_MONTH
    arrivals = stock - before + result.daily["fired_daily"] - np.maximum(ru, 0.0)
    return np.maximum(arrivals, 0.0)  # a strike on the front (destroyed stock) is not an arrival


def _start_days(result: LogisticsResult) -> list[int]:
    """Each disruption's start day in the run (the same in every replication; -1: not within it)."""
    starts = result.dips["dip_start_day"]
    return [int(starts[0, k]) if starts.shape[0] else -1 for k in range(starts.shape[1])]


def dips_after(result: LogisticsResult, start: int, length: float) -> dict[str, np.ndarray]:
    """Per replication: the front stock's dip after a disruption starting on ``start`` and lasting
    ``length`` days (see the module): ``reference``, ``dip`` (shells), ``share``, ``trough`` (day),
    ``days_below``, ``days_to_recover`` (nan: not within the run)."""
    stock = result.daily["front_stock_daily"]
    days = stock.shape[1]
    ref = stock[:, start - 1] if start > 0 else result.end["front_stock_start"]
    stop = min(days, start + int(math.ceil(length)) + DIP_AFTER_DAYS)
    window = stock[:, start:stop]
    low = np.argmin(window, axis=1)
    dip = np.maximum(ref - window[np.arange(window.shape[0]), low], 0.0)
    floor = (1.0 - DIP_TOLERANCE) * ref
    below = (window < floor[:, None]).sum(axis=1).astype(float)
    recover = np.zeros(stock.shape[0])
    for i in np.flatnonzero(dip > DIP_TOLERANCE * ref):
        back = np.flatnonzero(stock[i, start + low[i]:] >= floor[i])
        recover[i] = low[i] + back[0] if back.size else np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(ref > 0, dip / np.where(ref > 0, ref, 1.0), 0.0)
    return {"reference": ref, "dip": dip, "share": share, "trough": start + low.astype(float),
            "days_below": below, "days_to_recover": recover}


def example_replication(result: LogisticsResult) -> int:
    """The replication with the median dip after the first dated disruption (the first if none)."""
    for info in result.plan.info:
        if info.kind != "winter_slowdown" and 0 <= info.start_day < result.days:
            dip = dips_after(result, info.start_day, float(info.days or 0.0))["share"]
            return int(np.argsort(dip, kind="stable")[(dip.size - 1) // 2])
    return 0


def _fire_drop(result: LogisticsResult, start: int, length: float) -> np.ndarray:
    """1 - lowest weekly fire from ``start`` to ``AFTER_DAYS`` after the end / fire of the 30 days before."""
    fired = result.daily["fired_daily"]
    days = fired.shape[1]
    if not 0 < start < days:
        return np.full(fired.shape[0], np.nan)
    before = fired[:, max(0, start - BEFORE_DAYS):start].mean(axis=1)
    stop = min(days, start + int(math.ceil(length)) + AFTER_DAYS)
    low = weekly_mean(fired)[:, start:stop].min(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        drop = np.where(before > 0, 1.0 - low / np.where(before > 0, before, 1.0), np.nan)
    return np.where(np.abs(drop) < 1e-9, 0.0, drop)  # no change, up to rounding


def _around(result: LogisticsResult, start: int, window_start: str, arrivals: np.ndarray) -> list[dict[str, Any]]:
    """Week by week around a disruption's start: stock, days of supply, fire and arrivals."""
    stock = result.daily["front_stock_daily"]
    supply = result.daily["days_of_supply_daily"]
    fire = weekly_mean(result.daily["fired_daily"])
    arriving = weekly_mean(arrivals)
    trains = weekly_mean(result.daily["border_trains_daily"]) * FIRE_WINDOW_DAYS
    ref = stock[:, start - 1] if start > 0 else result.end["front_stock_start"]
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = np.where(ref[:, None] > 0, stock / np.where(ref > 0, ref, 1.0)[:, None], np.nan)
    rows = []
    for day in range(start - AROUND_BEFORE, start + AROUND_AFTER + 1, AROUND_STEP):
        if not 0 <= day < stock.shape[1]:
            continue
        q = _quantiles(stock[:, day], MONTHLY_QUANTILES)
        r = _quantiles(relative[:, day], MONTHLY_QUANTILES)
        rows.append({
            "day": day, "date": engine_date(day, window_start), "days_from_start": day - start,
            "front_stock": {"p5": _num(q[0]), "p50": _num(q[1]), "p95": _num(q[2])},
            "relative_to_day_before": {"p5": _num(r[0]), "p50": _num(r[1]), "p95": _num(r[2])},
            "days_of_supply_p50": _num(_quantiles(supply[:, day], (0.5,))[0]),
            "fired_per_day_p50": _num(_quantiles(fire[:, day], (0.5,))[0]),
            "nk_arriving_per_day_p50": _num(_quantiles(arriving[:, day], (0.5,))[0]),
            "border_trains_week_p50": _num(_quantiles(trains[:, day], (0.5,))[0]),
        })
    return rows


def _disruption(result: LogisticsResult, k: int, start: int, window_start: str,
                arrivals: np.ndarray) -> dict[str, Any]:
    info = result.plan.info[k]
    length = float(info.days or 0.0)
    entry: dict[str, Any] = {
        "name": info.name, "kind": info.kind, "start": info.start, "start_day": start,
        "days": _num(info.days) if info.days is not None else None,
        **{key: value for key, value in info.details.items()},
    }
    if info.kind == "winter_slowdown" and start >= 0:
        entry["start"] = engine_date(start, window_start)
    if info.days is not None and start >= 0:
        entry["end"] = engine_date(start + int(math.ceil(length)), window_start)
    if start < 0:
        entry["within_run"] = False
        return entry
    entry["within_run"] = True
    wanted = result.daily["wanted_daily"][:, start]
    w = dips_after(result, start, length)
    dipped = w["dip"] > DIP_TOLERANCE * w["reference"]
    with np.errstate(divide="ignore", invalid="ignore"):
        dip_days = np.where(wanted > 0, w["dip"] / np.where(wanted > 0, wanted, 1.0), np.nan)
    stop = min(result.days, start + int(math.ceil(length)) + DIP_AFTER_DAYS)
    short = result.daily["shortfall_daily"][:, start:stop].sum(axis=1)
    fell_short = short > 1.0  # more than a shell over the window
    entry.update({
        "dip_window_days": _num(math.ceil(length) + DIP_AFTER_DAYS),
        "share_with_shortfall": _num(fell_short.mean()),
        "shortfall_shells": _stat(short[fell_short]) if fell_short.any() else None,  # of those that fall short
        "share_with_dip": _num(dipped.mean()),
        "reference_shells": _stat(w["reference"]),
        "dip_shells": _stat(w["dip"]),
        "dip_share": _stat(w["share"]),
        "dip_days_of_fire": _stat(np.nan_to_num(dip_days)),
        "trough_day_p50": _num(np.median(w["trough"][dipped])) if dipped.any() else None,
        "days_below": _stat(w["days_below"][dipped]) if dipped.any() else None,  # of those that dip
        "days_to_recover": _stat(w["days_to_recover"][dipped]) if dipped.any() else None,
        "fire_drop_share": _stat(np.nan_to_num(_fire_drop(result, start, length))),
        "around": _around(result, start, window_start, arrivals),
    })
    if entry["trough_day_p50"] is not None:
        entry["trough_date_p50"] = engine_date(int(round(entry["trough_day_p50"])), window_start)
    return entry


def _example(result: LogisticsResult, index: int, window_start: str) -> dict[str, Any]:
    trains = result.daily["border_trains_daily"][index]
    out: dict[str, Any] = {
        "replication": index,
        "sample": int(result.sample_index[index]),
        "why": "the median dip after the first disruption" if result.plan.disruptions else "the first replication",
        "ship_port_calls": [_num(v) for v in result.monthly["ship_calls_ru"][index]],
        "border_trains": [_num(v) for v in result.monthly["border_trains"][index]],
        "closures": [],
    }
    for info in result.plan.info:
        if info.kind != "route_closed" or info.details.get("route") != "rail":
            continue
        start = info.start_day
        running = np.flatnonzero(trains > 0)
        before = running[running < start]
        after = running[running >= start]
        out["closures"].append({
            "name": info.name,
            "last_train_before": engine_date(int(before[-1]), window_start) if before.size else None,
            "first_train_after": engine_date(int(after[0]), window_start) if after.size else None,
            "trains_first_week_after": _num(trains[after[0]:after[0] + 7].sum()) if after.size else None,
        })
    return out


def logistics_entry(result: LogisticsResult | None) -> dict[str, Any]:
    """``{"logistics": ...}`` for ``summary.json``, or ``{}`` when the scenario has no such section."""
    if result is None:
        return {}
    window_start = result.months[0]
    events = result.end["events"].astype(np.int64)
    mon, model = result.monthly, result.model
    month_end = result.daily["front_stock_daily"][:, DAYS_PER_MONTH - 1::DAYS_PER_MONTH]
    arrivals = nk_arrivals_daily(result)
    starts = _start_days(result)
    shown = example_replication(result)
    plan = result.plan
    return {"logistics": {
        "engine": "simpy",
        "replications": result.replications,
        "events_per_replication": _num(events.mean()),
        "events_per_replication_range": [int(events.min()), int(events.max())],
        "policy": result.policy,
        "samples_pool": result.samples_pool,
        "unique_samples": int(np.unique(result.sample_index).size),
        "days_per_month": DAYS_PER_MONTH,
        "usable_share": _stat(result.firing["usable_share"]),
        "capacity_per_month": {k: _num(v) for k, v in result.capacity.items()},
        "parameters": {name: {"value": _num(value), "unit": plan.units[name], "assumption": why}
                       for name, (value, why) in plan.parameters.items()},
        "monthly": {
            "months": list(result.months),
            "delivered_front_nk": _bands(mon["delivered_front_nk"]),
            "delivered_front_ship": _bands(mon["delivered_front_ship"]),
            "delivered_front_rail": _bands(mon["delivered_front_rail"]),
            "model_nk_usable_deliveries": _bands(model["nk_usable_deliveries"]),
            "model_nk_deliveries": _bands(model["nk_deliveries"]),
            "ship_port_calls": _bands(mon["ship_calls_ru"]),
            "ship_partial_departures": _bands(mon["ship_partial_departures"]),
            "containers_by_ship": _bands(mon["containers_by_ship"]),
            "border_trains": _bands(mon["border_trains"]),
            "nk_berth_wait_mean_hours": _bands(mon["nk_berth_wait_mean_hours"]),
            "ru_berth_wait_mean_hours": _bands(mon["ru_berth_wait_mean_hours"]),
            "crossing_wait_mean_hours": _bands(mon["crossing_wait_mean_hours"]),
            "crossing_wait_max_hours": _bands(mon["crossing_wait_max_hours"]),
            "shells_fired": _bands(mon["shells_fired"]),
            "model_shells_fired": _bands(model["shells_fired"]),
            "shortfall": _bands(mon["shortfall"]),
            "front_stock_month_end": _bands(month_end),
            "model_ru_stock": _bands(model["ru_stock"]),
        },
        "daily": {
            "first_day": engine_date(0, window_start),
            "front_stock": _bands(result.daily["front_stock_daily"], DAILY_QUANTILES),
            "days_of_supply": _bands(result.daily["days_of_supply_daily"], DAILY_QUANTILES),
        },
        "disruptions": [_disruption(result, k, starts[k], window_start, arrivals) for k in range(len(plan.info))],
        "example": _example(result, shown, window_start),
    }}
