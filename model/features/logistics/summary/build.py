"""The delivery chain's summary block: the discrete-event study condensed for people, numbers only.

From :class:`model.features.logistics.study.LogisticsResult` to :class:`.types.LogisticsSummary`,
deterministic for the same scenario and seed (no wall time: the run's manifest has it). Replications
are equally weighted (they are a weighted draw of the calibrated samples already); quantiles are
Hazen's, as everywhere in the summary, over the replications that have a value (waits in a month
without requests have none). What it holds:

- the study's facts: ``replications``, SimPy events per replication (mean and range), the firing
  ``policy``, the samples drawn from, ``capacity`` (shells/month, every shell shipped: the chain's
  bottlenecks by hand), the ``usable_share`` of the shells shipped (the front counts usable shells),
  the ``parameters`` (value, unit, assumption);
- ``monthly``: per month p5/p50/p95 across replications of the usable North Korean shells reaching
  the front beside the monthly model's deliveries for the same samples, ship calls, border trains,
  containers by ship, the queue waits (hours), fire and the front stock at month end beside the
  monthly model's stock;
- ``daily``: per engine day p5/p25/p50/p75/p95 of the front stock (shells, end of day) and of the
  days of fire it holds;
- ``disruptions``: per named disruption what it is and, across replications, the deepest dip of the
  front stock from its first day to ``DIP_AFTER_DAYS`` after its end (later falls are not its doing;
  the engine's own ``dip_*`` records run to the end of the run) against the stock at the end of the
  day before: in shells, as a share of that stock and in days of fire; the days in that window more
  than ``DIP_TOLERANCE`` below it and the days from the start until the stock is back within
  ``DIP_TOLERANCE`` of it after the lowest point (``share_never``: not within the run), both over the
  replications that fall more than ``DIP_TOLERANCE`` (``share_with_dip``); the shortfall in that
  window (``share_with_shortfall``, and ``shortfall_shells`` over those replications); the drop of
  weekly fire, and a week-by-week table around it (``around``: the stock, also relative to the day
  before the start, days of supply, fire, arrivals and border trains);
- ``example``: the replication the ships-and-trains figure shows (median dip) and its counts.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from ..params import DAYS_PER_MONTH
from ..spec import engine_date
from ..study import DisruptionInfo, LogisticsResult
from .types import (
    Band,
    Capacity,
    Closure,
    Daily,
    DipEffect,
    DisruptionSummary,
    Example,
    LogisticsSummary,
    Monthly,
    Parameter,
    Spread,
    Values,
    WeekRow,
)

__all__ = ["DAILY_QUANTILES", "DIP_AFTER_DAYS", "DIP_TOLERANCE", "MONTHLY_QUANTILES", "daily_quantiles", "dips_after",
           "example_replication", "nk_arrivals_daily", "summarise_logistics", "weekly_mean"]

MONTHLY_QUANTILES = (0.05, 0.5, 0.95)
DAILY_QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
FIRE_WINDOW_DAYS = 7  # fire is compared as 7-day means (daily fire follows lumpy arrivals)
BEFORE_DAYS = 30  # the reference period before a disruption
AFTER_DAYS = 90  # how long after a disruption's end the fire drop is looked for
AROUND_BEFORE, AROUND_AFTER, AROUND_STEP = 14, 70, 7  # the week-by-week table: days from the start
DIP_AFTER_DAYS = 90  # a dip is looked for from a disruption's start to this many days after its end
DIP_TOLERANCE = 0.01  # below / back: more than 1 % under, within 1 % of the stock before (daily wiggles of lumps)


def _value(x: object) -> float | None:
    """A finite float, None for nan and inf (the block holds no nan)."""
    v = float(x)  # type: ignore[arg-type]
    return v if math.isfinite(v) else None


def _quantiles(a: np.ndarray, levels: tuple[float, ...], axis: int = 0) -> np.ndarray:
    """Hazen quantiles over the finite values along ``axis`` (nan where there are none)."""
    a = np.where(np.isfinite(a), a, np.nan).astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an all-nan column: no requests that month
        return np.nanquantile(a, levels, axis=axis, method="hazen")


def _values(row: np.ndarray) -> Values:
    return tuple(_value(v) for v in row)


def _band(a: np.ndarray, daily: bool = False) -> Band:
    """p5/p50/p95 (and p25/p75 for ``daily``) across replications of a (R, n) array."""
    if daily:
        q = _quantiles(a, DAILY_QUANTILES)
        return Band(_values(q[0]), _values(q[2]), _values(q[4]), _values(q[1]), _values(q[3]))
    q = _quantiles(a, MONTHLY_QUANTILES)
    return Band(_values(q[0]), _values(q[1]), _values(q[2]))


def _spread(values: np.ndarray) -> Spread:
    """p5/p50/p95 of one number per replication; nan means 'did not happen' and counts as +inf."""
    v = np.asarray(values, dtype=float)
    never = np.isnan(v)
    ranked = np.sort(np.where(never, np.inf, v))
    q = np.interp(MONTHLY_QUANTILES, (np.arange(ranked.size) + 0.5) / ranked.size, ranked)
    return Spread(_value(q[0]), _value(q[1]), _value(q[2]), float(never.mean()) if never.any() else None)


def _spread_finite(values: np.ndarray) -> Spread:
    """p5/p50/p95 across replications of values at one day (Hazen, over the finite ones)."""
    q = _quantiles(np.asarray(values, dtype=float), MONTHLY_QUANTILES)
    return Spread(_value(q[0]), _value(q[1]), _value(q[2]))


def _median(values: np.ndarray) -> float | None:
    return _value(_quantiles(np.asarray(values, dtype=float), (0.5,))[0])


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


def _reference(result: LogisticsResult, start: int) -> np.ndarray:
    """The front stock at the end of the day before ``start`` (the opening stock for day 0)."""
    stock = result.daily["front_stock_daily"]
    return stock[:, start - 1] if start > 0 else result.end["front_stock_start"]


def dips_after(result: LogisticsResult, start: int, length: float) -> dict[str, np.ndarray]:
    """Per replication: the front stock's dip after a disruption starting on ``start`` and lasting
    ``length`` days (see the module): ``reference``, ``dip`` (shells), ``share``, ``trough`` (day),
    ``days_below``, ``days_to_recover`` (nan: not within the run)."""
    stock = result.daily["front_stock_daily"]
    days = stock.shape[1]
    ref = _reference(result, start)
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


def _first_dated(result: LogisticsResult) -> DisruptionInfo | None:
    """The first disruption with a start day within the run (not the yearly winter)."""
    return next((info for info in result.plan.info
                 if info.kind != "winter_slowdown" and 0 <= info.start_day < result.days), None)


def example_replication(result: LogisticsResult) -> int:
    """The replication with the median dip after the first dated disruption (the first if none)."""
    info = _first_dated(result)
    if info is None:
        return 0
    dip = dips_after(result, info.start_day, float(info.days or 0.0))["share"]
    return int(np.argsort(dip, kind="stable")[(dip.size - 1) // 2])


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


def _around(result: LogisticsResult, start: int, window_start: str, arrivals: np.ndarray) -> tuple[WeekRow, ...]:
    """Week by week around a disruption's start: stock, days of supply, fire and arrivals."""
    stock = result.daily["front_stock_daily"]
    supply = result.daily["days_of_supply_daily"]
    fire = weekly_mean(result.daily["fired_daily"])
    arriving = weekly_mean(arrivals)
    trains = weekly_mean(result.daily["border_trains_daily"]) * FIRE_WINDOW_DAYS
    ref = _reference(result, start)
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = np.where(ref[:, None] > 0, stock / np.where(ref > 0, ref, 1.0)[:, None], np.nan)
    rows = []
    for day in range(start - AROUND_BEFORE, start + AROUND_AFTER + 1, AROUND_STEP):
        if not 0 <= day < stock.shape[1]:
            continue
        rows.append(WeekRow(
            day=day, date=engine_date(day, window_start), days_from_start=day - start,
            front_stock=_spread_finite(stock[:, day]), relative_to_day_before=_spread_finite(relative[:, day]),
            days_of_supply_p50=_median(supply[:, day]), fired_per_day_p50=_median(fire[:, day]),
            nk_arriving_per_day_p50=_median(arriving[:, day]), border_trains_week_p50=_median(trains[:, day])))
    return tuple(rows)


def _effect(result: LogisticsResult, start: int, length: float, window_start: str, arrivals: np.ndarray) -> DipEffect:
    """What a disruption starting on engine day ``start`` and lasting ``length`` days does (see the module)."""
    wanted = result.daily["wanted_daily"][:, start]
    w = dips_after(result, start, length)
    dipped = w["dip"] > DIP_TOLERANCE * w["reference"]
    with np.errstate(divide="ignore", invalid="ignore"):
        dip_days = np.where(wanted > 0, w["dip"] / np.where(wanted > 0, wanted, 1.0), np.nan)
    stop = min(result.days, start + int(math.ceil(length)) + DIP_AFTER_DAYS)
    short = result.daily["shortfall_daily"][:, start:stop].sum(axis=1)
    fell_short = short > 1.0  # more than a shell over the window
    trough = float(np.median(w["trough"][dipped])) if dipped.any() else None
    return DipEffect(
        window_days=float(math.ceil(length) + DIP_AFTER_DAYS),
        share_with_shortfall=float(fell_short.mean()),
        shortfall_shells=_spread(short[fell_short]) if fell_short.any() else None,  # of those that fall short
        share_with_dip=float(dipped.mean()),
        reference_shells=_spread(w["reference"]),
        dip_shells=_spread(w["dip"]),
        dip_share=_spread(w["share"]),
        dip_days_of_fire=_spread(np.nan_to_num(dip_days)),
        trough_day_p50=trough,
        trough_date_p50=engine_date(int(round(trough)), window_start) if trough is not None else None,
        days_below=_spread(w["days_below"][dipped]) if dipped.any() else None,  # of those that dip
        days_to_recover=_spread(w["days_to_recover"][dipped]) if dipped.any() else None,
        fire_drop_share=_spread(np.nan_to_num(_fire_drop(result, start, length))),
        around=_around(result, start, window_start, arrivals),
        stocked=int((_reference(result, start) > 0).sum()),
    )


def _disruption(result: LogisticsResult, info: DisruptionInfo, start: int, window_start: str,
                arrivals: np.ndarray) -> DisruptionSummary:
    length = float(info.days or 0.0)
    first = engine_date(start, window_start) if info.kind == "winter_slowdown" and start >= 0 else info.start
    details = info.details
    months = details.get("months")
    return DisruptionSummary(
        name=info.name, kind=info.kind, start=first, start_day=start,
        days=float(info.days) if info.days is not None else None,
        end=engine_date(start + int(math.ceil(length)), window_start) if info.days is not None and start >= 0 else None,
        effect=_effect(result, start, length, window_start, arrivals) if start >= 0 else None,
        route=details.get("route"), factor=None if details.get("factor") is None else float(details["factor"]),
        depot=details.get("depot"), share=None if details.get("share") is None else float(details["share"]),
        months=None if months is None else tuple(int(m) for m in months))


def _example(result: LogisticsResult, index: int, window_start: str) -> Example:
    trains = result.daily["border_trains_daily"][index]
    closures = []
    for info in result.plan.info:
        if info.kind != "route_closed" or info.details.get("route") != "rail":
            continue
        running = np.flatnonzero(trains > 0)
        before = running[running < info.start_day]
        after = running[running >= info.start_day]
        closures.append(Closure(
            name=info.name,
            last_train_before=engine_date(int(before[-1]), window_start) if before.size else None,
            first_train_after=engine_date(int(after[0]), window_start) if after.size else None,
            trains_first_week_after=float(trains[after[0]:after[0] + 7].sum()) if after.size else None))
    return Example(replication=index, sample=int(result.sample_index[index]), by_dip=_first_dated(result) is not None,
                   ship_port_calls=_values(result.monthly["ship_calls_ru"][index]),
                   border_trains=_values(result.monthly["border_trains"][index]), closures=tuple(closures))


def summarise_logistics(result: LogisticsResult | None) -> LogisticsSummary | None:
    """The block of a run's study, or None when the scenario has no ``logistics:`` section."""
    if result is None:
        return None
    window_start = result.months[0]
    events = result.end["events"].astype(np.int64)
    mon, model = result.monthly, result.model
    month_end = result.daily["front_stock_daily"][:, DAYS_PER_MONTH - 1::DAYS_PER_MONTH]
    arrivals = nk_arrivals_daily(result)
    plan = result.plan
    monthly = Monthly(
        months=tuple(result.months),
        delivered_front_nk=_band(mon["delivered_front_nk"]),
        delivered_front_ship=_band(mon["delivered_front_ship"]),
        delivered_front_rail=_band(mon["delivered_front_rail"]),
        model_nk_usable_deliveries=_band(model["nk_usable_deliveries"]),
        model_nk_deliveries=_band(model["nk_deliveries"]),
        ship_port_calls=_band(mon["ship_calls_ru"]),
        ship_partial_departures=_band(mon["ship_partial_departures"]),
        containers_by_ship=_band(mon["containers_by_ship"]),
        border_trains=_band(mon["border_trains"]),
        nk_berth_wait_mean_hours=_band(mon["nk_berth_wait_mean_hours"]),
        ru_berth_wait_mean_hours=_band(mon["ru_berth_wait_mean_hours"]),
        crossing_wait_mean_hours=_band(mon["crossing_wait_mean_hours"]),
        crossing_wait_max_hours=_band(mon["crossing_wait_max_hours"]),
        shells_fired=_band(mon["shells_fired"]),
        model_shells_fired=_band(model["shells_fired"]),
        shortfall=_band(mon["shortfall"]),
        front_stock_month_end=_band(month_end),
        model_ru_stock=_band(model["ru_stock"]),
    )
    return LogisticsSummary(
        engine="simpy",
        replications=result.replications,
        events_per_replication=float(events.mean()),
        events_range=(int(events.min()), int(events.max())),
        policy=result.policy,
        samples_pool=result.samples_pool,
        unique_samples=int(np.unique(result.sample_index).size),
        days_per_month=DAYS_PER_MONTH,
        usable_share=_spread(result.firing["usable_share"]),
        capacity=Capacity(**{k: float(result.capacity[k]) for k in Capacity.__dataclass_fields__}),
        parameters=tuple(Parameter(name, float(value), plan.units[name], why)
                         for name, (value, why) in plan.parameters.items()),
        monthly=monthly,
        daily=Daily(first_day=engine_date(0, window_start),
                    front_stock=_band(result.daily["front_stock_daily"], daily=True),
                    days_of_supply=_band(result.daily["days_of_supply_daily"], daily=True)),
        disruptions=tuple(_disruption(result, info, start, window_start, arrivals)
                          for info, start in zip(plan.info, _start_days(result))),
        example=_example(result, example_replication(result), window_start),
    )
