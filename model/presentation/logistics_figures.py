"""Which charts a run's logistics study gets, with their titles, labels and captions.

Reads :class:`model.logistics.study.LogisticsResult` from the run, names each chart with a file
stem and leaves the drawing to :mod:`.charts.logistics` (saving is the caller's job). Engine days
become dates by :func:`day_dates`: day ``k`` of a 30-day engine month sits at ``(k + 1/2) / 30``
of its calendar month, so the daily lines read on a calendar axis.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from matplotlib.figure import Figure

from ..analysis.outcome import RunResult
from ..logistics.params import DAYS_PER_MONTH
from ..logistics.study import DisruptionInfo, LogisticsResult
from .charts.dates import months_to_dates
from .charts.logistics import Window, chain_activity_chart, deliveries_by_engine_chart, dip_fan, front_stock_fan
from .logistics_summary import daily_quantiles, example_replication

__all__ = ["day_dates", "disruption_label", "disruption_windows", "first_dated", "logistics_figures", "zoom_days"]

ZOOM_BEFORE, ZOOM_AFTER = 45, 105  # days shown before a disruption's start and after its end

_ROUTES = {"rail": "rail crossing closed", "ship": "sea route closed", "longhaul": "long-haul rail closed"}
_DEPOTS = {"nk": "North Korean depots", "port": "Russian port", "front": "front depot"}


def day_dates(days: int, months: list[str]) -> np.ndarray:
    """``datetime64[m]`` of each engine day (see the module) of a run over ``months``."""
    firsts = months_to_dates(months + [_next_month(months[-1])]).astype("datetime64[m]")
    length = (firsts[1:] - firsts[:-1]).astype(float)  # minutes in each calendar month
    d = np.arange(days)
    m, k = np.divmod(d, DAYS_PER_MONTH)
    m = np.minimum(m, len(months) - 1)
    return firsts[m] + np.round((k + 0.5) / DAYS_PER_MONTH * length[m]).astype("timedelta64[m]")


def _next_month(month: str) -> str:
    year, mon = int(month[:4]), int(month[5:7])
    return f"{year + mon // 12:04d}-{mon % 12 + 1:02d}"


def disruption_label(info: DisruptionInfo) -> str:
    """A disruption in a few words, for legends: ``rail crossing closed``."""
    if info.kind == "route_closed":
        return _ROUTES.get(str(info.details.get("route")), "route closed")
    if info.kind == "slower_inspections":
        return f"inspections x{float(info.details.get('factor') or 1):g} as long"
    if info.kind == "depot_strike":
        return f"strike on the {_DEPOTS.get(str(info.details.get('depot')), 'depot')}"
    return "winter slow-down"


def disruption_windows(result: LogisticsResult) -> list[Window]:
    """``(first date, end date, label)`` of every disruption within the run (winter: each month it covers)."""
    days = result.days
    dates = day_dates(days + 1, result.months)
    end_of_run = dates[-1]
    out: list[Window] = []
    for info in result.plan.info:
        label = disruption_label(info)
        if info.kind == "winter_slowdown":
            cover = {int(m) for m in info.details.get("months") or []}
            for m, month in enumerate(result.months):
                if int(month[5:7]) in cover:
                    a, b = m * DAYS_PER_MONTH, (m + 1) * DAYS_PER_MONTH
                    out.append((dates[a], dates[min(b, days)], label))
            continue
        start = info.start_day
        if not 0 <= start < days:
            continue
        length = info.days if info.days is not None else 1.0
        stop = min(days, start + int(np.ceil(length)))
        out.append((dates[start], dates[stop] if stop < days else end_of_run, label))
    return out


def first_dated(result: LogisticsResult) -> DisruptionInfo | None:
    """The first disruption with a start day inside the run (closures, inspections, strikes)."""
    for info in result.plan.info:
        if info.kind != "winter_slowdown" and 0 < info.start_day < result.days:
            return info
    return None


def zoom_days(result: LogisticsResult, info: DisruptionInfo | None) -> slice:
    """The days shown around a disruption (the first 150 days without one)."""
    if info is None:
        return slice(0, min(result.days, 150))
    end = info.start_day + int(np.ceil(info.days or 1.0))
    return slice(max(0, info.start_day - ZOOM_BEFORE), min(result.days, end + ZOOM_AFTER))


def _caption(run: RunResult, result: LogisticsResult, extra: str = "") -> str:
    sc = run.scenario
    base = (f"Scenario '{sc.name}': {result.replications} replications of the SimPy delivery chain on "
            f"samples drawn from the {'calibrated' if run.calibration.calibrated else 'prior'} result "
            f"({sc.samples:,} samples, seed {sc.seed}); months of 30 days; shells that work (duds left out).")
    return base + (f" {extra}" if extra else "")


def logistics_figures(run: RunResult) -> Iterator[tuple[str, str, Figure]]:
    """``(file stem, title, figure)`` of the logistics charts (none without a logistics study)."""
    result = run.logistics
    if result is None:
        return
    windows = disruption_windows(result)
    dates = day_dates(result.days, result.months)
    month_dates = months_to_dates(result.months)

    shown = example_replication(result)
    why = "the median dip after the first disruption" if result.plan.info else "the first one"
    focus = first_dated(result)
    zoom = zoom_days(result, focus)
    title = "One replication: trains and front stock by day, ships and trains by month"
    yield "logistics_chain_example", title, chain_activity_chart(
        dates[zoom], result.daily["border_trains_daily"][shown, zoom], result.daily["front_stock_daily"][shown, zoom],
        month_dates, result.monthly["ship_calls_ru"][shown], result.monthly["border_trains"][shown],
        windows=windows, title=title, stock_label="usable shells",
        caption=_caption(run, result, f"Shown: replication {shown} (sample {int(result.sample_index[shown])}), "
                                      f"{why}."))

    title = "Stock behind the front, day by day"
    month_ends = dates[DAYS_PER_MONTH - 1::DAYS_PER_MONTH]
    yield "logistics_front_stock", title, front_stock_fan(
        dates, daily_quantiles(result.daily["front_stock_daily"]), windows=windows, model_dates=month_ends,
        model_median=np.median(result.model["ru_stock"], axis=0), title=title,
        ylabel="usable shells behind the front", caption=_caption(
            run, result, "Bands across replications; the monthly model (same samples) knows no disruption of the "
                         "chain and counts a shell as delivered the month it leaves North Korea."))

    if focus is not None and focus.start_day > 0:
        stock = result.daily["front_stock_daily"]
        ref = stock[:, focus.start_day - 1]
        keep = ref > 0
        if keep.any():
            rel = stock[keep][:, zoom] / ref[keep, None]
            title = f"Front stock around the {disruption_label(focus)}, relative to the day before"
            yield "logistics_front_stock_dip", title, dip_fan(
                dates[zoom], daily_quantiles(rel), windows=windows, title=title,
                ylabel="stock / stock on the day before", caption=_caption(
                    run, result, f"{int(keep.sum())} replications with a stock on the day before "
                                 f"{focus.start} (100 % = that stock)."))

    title = "North Korean shells per month: discrete-event engine and monthly model"
    levels = (0.05, 0.5, 0.95)
    engine_q = dict(zip(levels, np.quantile(result.monthly["delivered_front_nk"], levels, axis=0, method="hazen")))
    model_q = dict(zip(levels, np.quantile(result.model["nk_usable_deliveries"], levels, axis=0, method="hazen")))
    yield "logistics_deliveries", title, deliveries_by_engine_chart(
        month_dates, engine_q, model_q, windows=windows, title=title, ylabel="usable shells a month",
        caption=_caption(run, result, "The engine counts shells when they reach the front (two weeks of rail "
                                      "and more after they leave North Korea)."))
