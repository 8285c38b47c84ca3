"""Which charts a run's delivery chain gets, with their titles, labels and captions.

The numbers a chart writes (titles, legends, captions) and the bands it draws come from the chain's
block (:class:`.summary.LogisticsSummary`); the two charts of single replications (the example's
trains and stock, the front stock around the first disruption relative to the day before) read the
run's :class:`.study.LogisticsResult` and are left out when the report is made again from
``summary.json``. Drawing is :mod:`.charts`' job, saving the caller's. Engine days become dates by
:func:`day_dates`: day ``k`` of a 30-day engine month sits at ``(k + 1/2) / 30`` of its calendar
month, so the daily lines read on a calendar axis.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

from ...presentation import texts
from ...presentation.charts.dates import months_to_dates
from ...presentation.charts.words import current
from ...presentation.numbers import format_count
from ..base import Chart, FigureContext
from .charts import Window, chain_activity_chart, deliveries_by_engine_chart, dip_fan, front_stock_fan
from .summary import Band, DisruptionSummary, LogisticsSummary, daily_quantiles
from .words import day_words, short_label

__all__ = ["day_dates", "disruption_windows", "first_dated", "logistics_figures", "zoom_days"]

ZOOM_BEFORE, ZOOM_AFTER = 45, 105  # days shown before a disruption's start and after its end
DIP_TOP_MIN, DIP_TOP_OVER_P75 = 1.5, 1.5  # the dip chart's axis: at least 150 %, or 1.5 x the highest 75th percentile


def day_dates(days: int, months: Sequence[str], days_per_month: int = 30) -> np.ndarray:
    """``datetime64[m]`` of each engine day (see the module) of a run over ``months``."""
    months = list(months)
    firsts = months_to_dates(months + [_next_month(months[-1])]).astype("datetime64[m]")
    length = (firsts[1:] - firsts[:-1]).astype(float)  # minutes in each calendar month
    d = np.arange(days)
    m, k = np.divmod(d, days_per_month)
    m = np.minimum(m, len(months) - 1)
    return firsts[m] + np.round((k + 0.5) / days_per_month * length[m]).astype("timedelta64[m]")


def _next_month(month: str) -> str:
    year, mon = int(month[:4]), int(month[5:7])
    return f"{year + mon // 12:04d}-{mon % 12 + 1:02d}"


def _w(key: str, **fields: object) -> str:
    return texts.text(f"lchart.{key}", current(), **fields)


def _days(block: LogisticsSummary) -> int:
    return len(block.monthly.months) * block.days_per_month


def disruption_windows(block: LogisticsSummary) -> list[Window]:
    """``(first date, end date, label)`` of every disruption within the run (winter: each month it covers)."""
    days, per = _days(block), block.days_per_month
    dates = day_dates(days + 1, block.monthly.months, per)
    end_of_run = dates[-1]
    out: list[Window] = []
    for d in block.disruptions:
        label = short_label(d, current())
        if d.kind == "winter_slowdown":
            cover = set(d.months or ())
            for m, month in enumerate(block.monthly.months):
                if int(month[5:7]) in cover:
                    a, b = m * per, (m + 1) * per
                    out.append((dates[a], dates[min(b, days)], label))
            continue
        if not 0 <= d.start_day < days:
            continue
        stop = min(days, d.start_day + int(np.ceil(d.days if d.days is not None else 1.0)))
        out.append((dates[d.start_day], dates[stop] if stop < days else end_of_run, label))
    return out


def first_dated(block: LogisticsSummary) -> DisruptionSummary | None:
    """The first disruption with a start day inside the run after its first day (closures, inspections, strikes)."""
    return next((d for d in block.dated if 0 < d.start_day < _days(block)), None)


def zoom_days(days: int, d: DisruptionSummary | None) -> slice:
    """The days shown around a disruption (the first 150 days without one)."""
    if d is None:
        return slice(0, min(days, 150))
    end = d.start_day + int(np.ceil(d.days or 1.0))
    return slice(max(0, d.start_day - ZOOM_BEFORE), min(days, end + ZOOM_AFTER))


def _caption(ctx: FigureContext, block: LogisticsSummary, extra: str = "") -> str:
    """The run's caption line, the chain's replications and what a note adds."""
    chain = _w("chain", replications=format_count(block.replications, current()), days=block.days_per_month)
    return f"{ctx.caption()} {chain}" + (f" {extra}" if extra else "")


def _arrays(b: Band, levels: Sequence[float] = (0.05, 0.5, 0.95)) -> dict[float, np.ndarray]:
    """A band as the charts take it: level -> values (nan where there is none)."""
    names = {0.05: b.p5, 0.25: b.p25, 0.5: b.p50, 0.75: b.p75, 0.95: b.p95}
    return {q: np.array([np.nan if v is None else v for v in names[q] or ()], dtype=float) for q in levels}


def logistics_figures(ctx: FigureContext, block: LogisticsSummary) -> Iterator[Chart]:
    """``(file stem, title, figure)`` of the chain's charts (see the module)."""
    result = ctx.run.features.get("logistics") if ctx.run is not None else None
    windows = disruption_windows(block)
    months = block.monthly.months
    days = _days(block)
    dates = day_dates(days, months, block.days_per_month)
    month_dates = months_to_dates(list(months))
    focus = first_dated(block)
    zoom = zoom_days(days, focus)

    if result is not None:
        x = block.example
        title = _w("example_title")
        why = _w("why_dip" if x.by_dip else "why_first")
        yield "logistics_chain_example", title, chain_activity_chart(
            dates[zoom], result.daily["border_trains_daily"][x.replication, zoom],
            result.daily["front_stock_daily"][x.replication, zoom], month_dates,
            result.monthly["ship_calls_ru"][x.replication], result.monthly["border_trains"][x.replication],
            windows=windows, title=title, stock_label=_w("usable_shells"),
            caption=_caption(ctx, block, _w("shown", shown=x.replication, sample=x.sample, why=why)))

    title = _w("stock_title")
    per = block.days_per_month
    yield "logistics_front_stock", title, front_stock_fan(
        dates, _arrays(block.daily.front_stock, (0.05, 0.25, 0.5, 0.75, 0.95)), windows=windows,
        model_dates=dates[per - 1::per], model_median=_arrays(block.monthly.model_ru_stock, (0.5,))[0.5],
        title=title, ylabel=_w("stock_axis"), caption=_caption(ctx, block, _w("stock_note")))

    if result is not None and focus is not None and focus.effect is not None and focus.effect.stocked:
        stock = result.daily["front_stock_daily"]
        ref = stock[:, focus.start_day - 1]
        keep = ref > 0
        rel = daily_quantiles(stock[keep][:, zoom] / ref[keep, None])
        top = max(DIP_TOP_MIN, DIP_TOP_OVER_P75 * float(np.nanmax(rel[0.75])))  # a few replications that
        clipped = float(np.nanmax(rel[0.95])) > top  # start from almost nothing would squash the rest flat
        title = _w("dip_title", disruption=short_label(focus, current()))
        note = _w("dip_note", n=format_count(focus.effect.stocked, current()), start=day_words(focus.start, current()))
        yield "logistics_front_stock_dip", title, dip_fan(
            dates[zoom], rel, windows=windows, title=title, ylabel=_w("dip_axis"), top=top if clipped else None,
            caption=_caption(ctx, block, note + (f" {_w('dip_clipped')}" if clipped else "")))

    title = _w("deliveries_title")
    yield "logistics_deliveries", title, deliveries_by_engine_chart(
        month_dates, _arrays(block.monthly.delivered_front_nk), _arrays(block.monthly.model_nk_usable_deliveries),
        windows=windows, title=title, ylabel=_w("deliveries_axis"),
        caption=_caption(ctx, block, _w("deliveries_note")))
