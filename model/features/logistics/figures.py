"""Which charts a run's logistics study gets, with their titles, labels and captions.

Reads :class:`model.features.logistics.study.LogisticsResult` from the run, names each chart with a file
stem and leaves the drawing to :mod:`.charts.logistics` (saving is the caller's job). Engine days
become dates by :func:`day_dates`: day ``k`` of a 30-day engine month sits at ``(k + 1/2) / 30``
of its calendar month, so the daily lines read on a calendar axis.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from matplotlib.figure import Figure

from ...presentation import texts
from ...presentation.charts.dates import months_to_dates
from ...presentation.charts.words import current
from ...presentation.numbers import format_count
from ..base import FigureContext
from .charts import Window, chain_activity_chart, deliveries_by_engine_chart, dip_fan, front_stock_fan
from .params import DAYS_PER_MONTH
from .study import DisruptionInfo, LogisticsResult
from .summary import daily_quantiles, example_replication

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


def _w(key: str, **fields: object) -> str:
    return texts.text(f"lchart.{key}", current(), **fields)


def disruption_label(info: DisruptionInfo) -> str:
    """A disruption in a few words, for legends: ``rail crossing closed`` (in the charts' language)."""
    if info.kind == "route_closed":
        route = str(info.details.get("route"))
        return _w(f"route_{route}") if route in _ROUTES else _w("route_other")
    if info.kind == "slower_inspections":
        factor = f"{float(info.details.get('factor') or 1):g}"
        return _w("inspections", factor=factor if current() == "en" else factor.replace(".", ","))
    if info.kind == "depot_strike":
        depot = str(info.details.get("depot"))
        return _w("strike", depot=_w(f"depot_{depot}") if depot in _DEPOTS else _w("depot_other"))
    return _w("winter")


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


def _caption(ctx: FigureContext, result: LogisticsResult, extra: str = "") -> str:
    s = ctx.summary
    base = _w("caption", name=s.scenario, replications=format_count(result.replications, current()),
              which=_w("calibrated" if s.calibration.calibrated else "prior"),
              samples=format_count(s.samples, current()), seed=s.seed)
    return base + (f" {extra}" if extra else "")


def logistics_figures(ctx: FigureContext, block: object) -> Iterator[tuple[str, str, Figure]]:
    """``(file stem, title, figure)`` of the logistics charts, drawn from the run's replications (none when
    the report is made again from summary.json)."""
    result = ctx.run.features.get("logistics") if ctx.run is not None else None
    if result is None:
        return
    windows = disruption_windows(result)
    dates = day_dates(result.days, result.months)
    month_dates = months_to_dates(result.months)

    shown = example_replication(result)
    why = _w("why_dip") if result.plan.info else _w("why_first")
    focus = first_dated(result)
    zoom = zoom_days(result, focus)
    title = _w("example_title")
    yield "logistics_chain_example", title, chain_activity_chart(
        dates[zoom], result.daily["border_trains_daily"][shown, zoom], result.daily["front_stock_daily"][shown, zoom],
        month_dates, result.monthly["ship_calls_ru"][shown], result.monthly["border_trains"][shown],
        windows=windows, title=title, stock_label=_w("usable_shells"),
        caption=_caption(ctx, result, _w("shown", shown=shown, sample=int(result.sample_index[shown]), why=why)))

    title = _w("stock_title")
    month_ends = dates[DAYS_PER_MONTH - 1::DAYS_PER_MONTH]
    yield "logistics_front_stock", title, front_stock_fan(
        dates, daily_quantiles(result.daily["front_stock_daily"]), windows=windows, model_dates=month_ends,
        model_median=np.median(result.model["ru_stock"], axis=0), title=title,
        ylabel=_w("stock_axis"), caption=_caption(ctx, result, _w("stock_note")))

    if focus is not None and focus.start_day > 0:
        stock = result.daily["front_stock_daily"]
        ref = stock[:, focus.start_day - 1]
        keep = ref > 0
        if keep.any():
            rel = stock[keep][:, zoom] / ref[keep, None]
            title = _w("dip_title", disruption=disruption_label(focus))
            yield "logistics_front_stock_dip", title, dip_fan(
                dates[zoom], daily_quantiles(rel), windows=windows, title=title,
                ylabel=_w("dip_axis"), caption=_caption(
                    ctx, result, _w("dip_note", n=format_count(int(keep.sum()), current()), start=focus.start)))

    title = _w("deliveries_title")
    levels = (0.05, 0.5, 0.95)
    engine_q = dict(zip(levels, np.quantile(result.monthly["delivered_front_nk"], levels, axis=0, method="hazen")))
    model_q = dict(zip(levels, np.quantile(result.model["nk_usable_deliveries"], levels, axis=0, method="hazen")))
    yield "logistics_deliveries", title, deliveries_by_engine_chart(
        month_dates, engine_q, model_q, windows=windows, title=title, ylabel=_w("deliveries_axis"),
        caption=_caption(ctx, result, _w("deliveries_note")))
