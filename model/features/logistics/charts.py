"""Charts of the discrete-event delivery chain: data in, figure out.

- :func:`chain_activity_chart`: one replication's border trains per day and its ships and trains
  per month, disruption windows shaded;
- :func:`front_stock_fan`: the front stock day by day across replications (median, 50 % and
  90 % bands), disruption windows shaded, the monthly model's month-end stock beside it;
- :func:`deliveries_by_engine_chart`: North Korean shells reaching the front per month, the
  discrete-event engine against the monthly model for the same samples.

Days are passed as dates (``datetime64``), so the axes read as calendar months; a disruption
window is ``(first date, end date, label)``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.dates as mdates
import matplotlib.ticker as mticker
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from ...presentation.charts.dates import date_axis
from ...presentation.charts.fans import draw_bands
from ...presentation.charts.legend import Occupancy, floor_at_zero, place_legend
from ...presentation.charts.style import (
    FIGSIZE,
    FS_LABEL,
    FS_TITLE,
    GREY,
    LW_MAIN,
    LW_SECONDARY,
    MODEL,
    PALETTE,
    PRIOR,
    add_caption,
    big_number_formatter,
    edge_margin,
    figure,
    new_figure,
    set_title,
    style_axes,
    wrap_to_width,
)


def _w(section: str, key: str, **fields: object) -> str:
    """A chart text ``<section>.<key>`` in the charts' language (:mod:`model.presentation.charts.words`)."""
    from model.presentation import texts
    from model.presentation.charts.words import current

    return texts.text(f"{section}.{key}", current(), **fields)

__all__ = ["Window", "chain_activity_chart", "deliveries_by_engine_chart", "dip_fan", "front_stock_fan"]

Window = tuple[np.datetime64, np.datetime64, str]  # (first date, end date, label) of a disruption
SHIPS = PALETTE["bluish_green"]
TRAINS = PALETTE["orange"]
SHADE_ALPHA = 0.16


def _day_formatter(locator: mdates.DateLocator) -> mticker.Formatter:
    """Day ticks: matplotlib's concise dates in English; in another language the year at 1 January,
    the month's own abbreviation at the 1st (``Okt``, ``Mär``), the day otherwise (``15.``)."""
    from ...presentation import texts
    from ...presentation.charts.words import current

    lang = current()
    if lang == "en":
        return mdates.ConciseDateFormatter(locator, show_offset=False)

    def fmt(x: float, pos: int | None = None) -> str:
        d = mdates.num2date(x)
        if d.day == 1:
            return str(d.year) if d.month == 1 else texts.text(f"month.{d.month}", lang)
        return f"{d.day}."

    return mticker.FuncFormatter(fmt)


def _shade(ax: Axes, windows: Sequence[Window], *, label: bool = True) -> list[Occupancy]:
    """Shade each window; the first of each label gets a legend entry. Returns no occupancy:
    a legend may sit on a shaded band (it hides no data)."""
    seen: set[str] = set()
    for start, end, text in windows:
        ax.axvspan(float(mdates.date2num(start)), float(mdates.date2num(end)), color=GREY, alpha=SHADE_ALPHA,
                   linewidth=0, zorder=0, label=text if label and text not in seen else "_nolegend_")
        seen.add(text)
    return []


def _window_dates(windows: Sequence[Window]) -> list[np.ndarray]:
    return [np.asarray(d).astype("datetime64[D]") for w in windows for d in w[:2]]


def _suptitle(fig: Figure, title: str) -> None:
    sup = fig.suptitle(title, fontsize=FS_TITLE, fontweight="bold")
    sup.set_text(wrap_to_width(title, sup.get_fontproperties(), fig._get_renderer(),  # type: ignore[attr-defined]
                               fig.bbox.width - 2 * edge_margin(fig), balance=True))


def chain_activity_chart(
    day_dates: ArrayLike,
    trains_per_day: ArrayLike,
    stock_per_day: ArrayLike,
    months: Sequence[np.datetime64] | ArrayLike,
    ship_calls_per_month: ArrayLike,
    trains_per_month: ArrayLike,
    *,
    windows: Sequence[Window] = (),
    title: str,
    caption: str,
    panels: tuple[str, str, str] | None = None,  # default: lchart.panel_trains, panel_stock, panel_month
    stock_label: str | None = None,  # default: lchart.usable_shells
    ax: Sequence[Axes] | None = None,
) -> Figure:
    """One replication's moving parts: border trains per day and the front stock day by day over a
    stretch of days (top two panels), and per month over the whole run the ships calling at the
    Russian port and the border trains (bottom); disruption windows shaded.

    Parameters
    ----------
    day_dates : array of datetime64, the days of the top panels
    trains_per_day : trains through the border inspection on each of those days
    stock_per_day : the front stock at the end of each of those days
    months : array of datetime64 (first day of each month of the run)
    ship_calls_per_month, trains_per_month : counts per month
    windows : disruption windows ``(start, end, label)``
    title, caption : figure title and caption
    panels : the three panels' titles; ``stock_label``: the stock's axis label (with its unit)
    ax : three Axes (trains, stock, months) of one figure, optional
    """
    panels = panels or (_w("lchart", "panel_trains"), _w("lchart", "panel_stock"), _w("lchart", "panel_month"))
    stock_label = stock_label or _w("lchart", "usable_shells")
    days = np.asarray(day_dates)
    mdays = np.asarray(months).astype("datetime64[D]")
    per_day = np.asarray(trains_per_day, dtype=float)
    stock = np.asarray(stock_per_day, dtype=float)
    calls = np.asarray(ship_calls_per_month, dtype=float)
    trains = np.asarray(trains_per_month, dtype=float)
    if per_day.shape != days.shape or stock.shape != days.shape or calls.shape != mdays.shape \
            or trains.shape != mdays.shape:
        raise ValueError("each series needs one value per date")
    if ax is None:
        fig = figure((FIGSIZE[0], 8.5))
        top, middle, bottom = fig.subplots(3, 1, height_ratios=(1.0, 1.2, 1.2))
    else:
        top, middle, bottom = ax
        fig = top.get_figure(root=True)  # type: ignore[assignment]
    day_num = mdates.date2num(days)
    for a in (top, middle, bottom):
        style_axes(a)
    inside = [w for w in windows if w[1] >= days.min() and w[0] <= days.max()]
    _shade(top, inside)
    _shade(middle, inside, label=False)
    _shade(bottom, windows, label=False)
    top.bar(days, per_day, width=0.8, color=TRAINS, label=_w("lchart", "trains_that_day"), zorder=2)
    top.set_ylim(0, max(float(per_day.max(initial=0)) * 1.3, 1.0))
    top.yaxis.set_major_locator(mticker.MaxNLocator(integer=True))
    top.set_ylabel(_w("lchart", "trains"), fontsize=FS_LABEL)
    top.set_title(panels[0], fontsize=FS_LABEL + 1, loc="left", y=1.0)
    middle.plot(days, stock, color=MODEL, linewidth=LW_SECONDARY, label=_w("lchart", "this_replication"), zorder=3)
    middle.yaxis.set_major_formatter(big_number_formatter(middle.yaxis))
    middle.set_ylabel(stock_label, fontsize=FS_LABEL)
    middle.set_title(panels[1], fontsize=FS_LABEL + 1, loc="left", y=1.0)
    for a in (top, middle):
        a.set_xlim(day_num.min() - 1, day_num.max() + 1)
        loc = mdates.AutoDateLocator(minticks=4, maxticks=8)
        a.xaxis.set_major_locator(loc)
        a.xaxis.set_major_formatter(_day_formatter(loc))
    mid = mdays + np.timedelta64(15, "D")
    bottom.plot(mid, calls, color=SHIPS, linewidth=LW_SECONDARY, marker="o", markersize=4,
                label=_w("lchart", "ships_calling"))
    bottom.plot(mid, trains, color=TRAINS, linewidth=LW_SECONDARY, marker="s", markersize=4,
                label=_w("lchart", "border_trains"))
    bottom.set_ylabel(_w("lchart", "per_month"), fontsize=FS_LABEL)
    bottom.set_xlabel(_w("runchart", "month"), fontsize=FS_LABEL)
    bottom.set_title(panels[2], fontsize=FS_LABEL + 1, loc="left", y=1.0)
    date_axis(bottom, np.concatenate([mdays, mdays[-1:] + np.timedelta64(30, "D")]))
    xnum = mdates.date2num(mid)
    occupancy: list[Occupancy] = [(xnum, calls, calls), (xnum, trains, trains)]
    floor_at_zero(bottom, occupancy)
    _suptitle(fig, title)
    add_caption(fig, caption)
    place_legend(top, [(day_num, np.zeros_like(per_day), per_day)], corners=("upper right", "upper left"),
                 max_headroom=0.0)
    place_legend(bottom, occupancy, corners=("lower right", "lower left", "upper right", "upper left"))
    return fig


def front_stock_fan(
    day_dates: ArrayLike,
    quantiles: Mapping[float, ArrayLike],
    *,
    windows: Sequence[Window] = (),
    model_dates: ArrayLike | None = None,
    model_median: ArrayLike | None = None,
    title: str,
    ylabel: str,
    caption: str,
    model_label: str | None = None,  # default: lchart.model_month_end
    series_label: str | None = None,  # default: lchart.engine_end_of_day
    ax: Axes | None = None,
) -> Figure:
    """The front stock day by day across replications: median, 50 % and 90 % bands; disruption
    windows shaded; the monthly model's month-end median as black dashes (optional).

    Parameters
    ----------
    day_dates : array of datetime64, one per engine day
    quantiles : level (0.05, 0.25, 0.5, 0.75, 0.95) -> values per day (0.5 required)
    windows : disruption windows ``(start, end, label)``
    model_dates, model_median : the monthly model's values at month ends (same unit)
    title, ylabel, caption : words; ylabel with its unit
    ax : draw into this axes instead of a new figure
    """
    model_label = model_label or _w("lchart", "model_month_end")
    series_label = series_label or _w("lchart", "engine_end_of_day")
    days = np.asarray(day_dates)
    fig, ax = new_figure(ax)
    style_axes(ax)
    _shade(ax, windows)
    drawn = draw_bands(ax, days, quantiles, MODEL)
    extra: list[np.datetime64] = []
    if model_dates is not None and model_median is not None:
        md, mv = np.asarray(model_dates), np.asarray(model_median, dtype=float)
        ax.plot(md, mv, color=PRIOR, linestyle=(0, (5, 3)), linewidth=LW_SECONDARY, marker="o", markersize=3,
                label=model_label, zorder=4)
        drawn.append((mdates.date2num(md), mv, mv))
        extra = list(md.astype("datetime64[D]"))
    date_axis(ax, np.concatenate([days.astype("datetime64[D]"), np.array(extra + _window_dates(windows),
                                                                         dtype="datetime64[D]")]))
    ax.yaxis.set_major_formatter(big_number_formatter(ax.yaxis))
    floor_at_zero(ax, drawn)
    ax.set_xlabel(_w("runchart", "month"), fontsize=FS_LABEL)
    ax.set_ylabel(ylabel, fontsize=FS_LABEL)
    set_title(ax, title)
    add_caption(fig, caption)
    place_legend(ax, drawn, title=series_label, alignment="left")
    return fig


def deliveries_by_engine_chart(
    months: Sequence[np.datetime64] | ArrayLike,
    engine_quantiles: Mapping[float, ArrayLike],
    model_quantiles: Mapping[float, ArrayLike],
    *,
    windows: Sequence[Window] = (),
    title: str,
    ylabel: str,
    caption: str,
    labels: tuple[str, str] | None = None,  # default: lchart.engine_front, lchart.model_delivered
    ax: Axes | None = None,
) -> Figure:
    """Shells per month by both engines for the same samples: median lines, 90 % bands (the
    engine's blue, the monthly model's black dashed with a grey band), disruptions shaded."""
    labels = labels or (_w("lchart", "engine_front"), _w("lchart", "model_delivered"))
    mdays = np.asarray(months).astype("datetime64[D]")
    mid = mdays + np.timedelta64(15, "D")
    fig, ax = new_figure(ax)
    style_axes(ax)
    _shade(ax, windows)
    xnum = mdates.date2num(mid)
    drawn: list[Occupancy] = []
    for q, color, label, style in ((model_quantiles, PRIOR, labels[1], (0, (5, 3))),
                                   (engine_quantiles, MODEL, labels[0], "-")):
        lo, med, hi = (np.asarray(q[level], dtype=float) for level in (0.05, 0.5, 0.95))
        ax.fill_between(mid, lo, hi, color=color, alpha=0.12 if color == PRIOR else 0.2, linewidth=0,
                        label=_w("lchart", "band90", label=label.split(":")[0]))
        ax.plot(mid, med, color=color, linestyle=style, linewidth=LW_MAIN if color == MODEL else LW_SECONDARY,
                marker="o", markersize=3.5, label=_w("lchart", "median_of", label=label), zorder=4 if color == MODEL else 3)
        drawn += [(xnum, lo, hi), (xnum, med, med)]
    date_axis(ax, np.concatenate([mdays, mdays[-1:] + np.timedelta64(30, "D"),
                                  np.array(_window_dates(windows), dtype="datetime64[D]")]))
    ax.yaxis.set_major_formatter(big_number_formatter(ax.yaxis))
    floor_at_zero(ax, drawn)
    ax.set_xlabel(_w("runchart", "month"), fontsize=FS_LABEL)
    ax.set_ylabel(ylabel, fontsize=FS_LABEL)
    set_title(ax, title)
    add_caption(fig, caption)
    place_legend(ax, drawn, corners=("lower right", "lower left", "upper right", "upper left"))
    return fig


def dip_fan(
    day_dates: ArrayLike,
    quantiles: Mapping[float, ArrayLike],
    *,
    windows: Sequence[Window] = (),
    title: str,
    ylabel: str,
    caption: str,
    series_label: str | None = None,  # default: lchart.across
    top: float | None = None,  # the y axis ends here (None: where the bands end)
    ax: Axes | None = None,
) -> Figure:
    """The front stock around a disruption relative to the day before it (1 = that day's stock):
    median, 50 % and 90 % bands across replications, the disruption shaded, a line at 1."""
    series_label = series_label or _w("lchart", "across")
    days = np.asarray(day_dates)
    fig, ax = new_figure(ax)
    style_axes(ax)
    _shade(ax, [w for w in windows if w[1] >= days.min() and w[0] <= days.max()])
    ax.axhline(1.0, color=PRIOR, linewidth=1.0, linestyle=(0, (2, 2)), zorder=2)
    drawn = draw_bands(ax, days, quantiles, MODEL)
    day_num = mdates.date2num(days)
    ax.set_xlim(day_num.min() - 1, day_num.max() + 1)
    loc = mdates.AutoDateLocator(minticks=4, maxticks=8)
    ax.xaxis.set_major_locator(loc)
    ax.xaxis.set_major_formatter(_day_formatter(loc))
    if top is not None:
        ax.set_ylim(0.0, top)
    ax.yaxis.set_major_formatter(mticker.PercentFormatter(xmax=1.0, decimals=0))
    ax.set_xlabel(_w("lchart", "day"), fontsize=FS_LABEL)
    ax.set_ylabel(ylabel, fontsize=FS_LABEL)
    set_title(ax, title)
    add_caption(fig, caption)
    place_legend(ax, drawn, corners=("lower left", "lower right", "upper left", "upper right"),
                 title=series_label, alignment="left")
    return fig
