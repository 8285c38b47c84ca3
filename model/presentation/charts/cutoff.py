"""Russia's shell stock and monthly shortfall, in two panels, when North Korean
deliveries stop."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

import matplotlib.dates as mdates
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from .dates import date_axis, month_date, months_to_dates
from .fans import draw_bands
from .legend import Occupancy, floor_at_zero, place_legend
from .style import (
    FIGSIZE,
    FS_LABEL,
    FS_TICK,
    FS_TITLE,
    LW_SECONDARY,
    MODEL,
    OBSERVED,
    add_caption,
    big_number_formatter,
    edge_margin,
    figure,
    style_axes,
    wrap_to_width,
)
from .words import w

__all__ = ["cutoff_chart"]

_PANELS = (("Russia's usable shell stock", "usable shell stock (shells)"),
           ("Monthly shortfall (demand not met)", "shortfall (shells/month)"))


def cutoff_chart(
    months: Sequence[str],
    stock_quantiles: Mapping[float, ArrayLike],
    shortfall_quantiles: Mapping[float, ArrayLike],
    *,
    cutoff_month: str,
    title: str,
    caption: str,
    ax: Sequence[Axes] | None = None,
    panels: Sequence[tuple[str, str]] = _PANELS,
) -> Figure:
    """Russia's shell stock and monthly shortfall when North Korean deliveries stop.

    Parameters
    ----------
    months : sequence of str
        Calendar months ``"YYYY-MM"``.
    stock_quantiles : mapping float -> array
        Quantiles (0.05, 0.5, 0.95 used) of Russia's usable shell stock per
        month, shells.
    shortfall_quantiles : mapping float -> array
        Quantiles (0.05, 0.5, 0.95 used) of the monthly shortfall (demand not
        met), shells/month.
    cutoff_month : str
        ``"YYYY-MM"`` from which North Korean deliveries stop; a vertical
        dashed line in both panels, labelled in the upper one.
    title, caption : str
        Figure title (``suptitle``) and caption line.
    ax : pair of Axes, optional
        ``(stock_ax, shortfall_ax)`` of one figure to draw into (they should
        share the x axis). None (default) creates an 8 x 6.5 in figure with
        two stacked panels sharing the x axis. A single Axes is rejected.
    panels : pair of (title, y label)
        Words of the stock and the shortfall panel, the y labels with units
        (a run takes them from the output catalogue).

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If ``ax`` is not None and not a pair of Axes.
    """
    dates = months_to_dates(months)
    if ax is None:
        fig = figure((FIGSIZE[0], 6.5))
        ax_stock, ax_short = fig.subplots(2, 1, sharex=True)
    else:
        if isinstance(ax, Axes) or len(ax) != 2 or not all(isinstance(a, Axes) for a in ax):
            raise ValueError("cutoff_chart needs ax=None or a pair of Axes (stock, shortfall)")
        ax_stock, ax_short = ax
        fig = cast(Figure, ax_stock.figure)  # returned as the chart's Figure, as new_figure() does

    cut = month_date(cutoff_month)
    drawn_by_panel: list[tuple[Axes, list[Occupancy]]] = []
    (stock_title, stock_label), (short_title, short_label) = panels
    for a, q, color, unit, panel in (
        (ax_stock, stock_quantiles, MODEL, stock_label, stock_title),
        (ax_short, shortfall_quantiles, OBSERVED, short_label, short_title),
    ):
        style_axes(a)
        drawn = draw_bands(a, dates, q, color, with_50=False)
        a.axvline(cut, color="black", linewidth=LW_SECONDARY, linestyle=(0, (5, 3)), zorder=4)
        a.yaxis.set_major_formatter(big_number_formatter(a.yaxis))
        floor_at_zero(a, drawn)
        a.set_ylabel(unit, fontsize=FS_LABEL)
        a.set_title(panel, fontsize=FS_LABEL + 1, loc="left", y=1.0)
        date_axis(a, np.concatenate([dates, [cut]]))
        drawn.append((mdates.date2num(np.array([cut])), -np.inf, np.inf))
        drawn_by_panel.append((a, drawn))
    # Label beside the line, on the side with more room.
    xmin, xmax = ax_stock.get_xlim()
    right_side = (mdates.date2num(cut) - xmin) < 0.65 * (xmax - xmin)
    label = ax_stock.annotate(
        w("deliveries_stop"), xy=(cut, 1.0), xycoords=("data", "axes fraction"),
        xytext=(7 if right_side else -7, -4), textcoords="offset points",
        ha="left" if right_side else "right", va="top",
        fontsize=FS_TICK, fontweight="bold",
        bbox={"boxstyle": "round,pad=0.25", "facecolor": "white", "edgecolor": "none",
              "alpha": 0.85},
    )
    ax_short.set_xlabel(w("month"), fontsize=FS_LABEL)
    sup = fig.suptitle(title, fontsize=FS_TITLE, fontweight="bold")
    sup.set_text(wrap_to_width(title, sup.get_fontproperties(), cast(Any, fig)._get_renderer(),
                                fig.bbox.width - 2 * edge_margin(fig), balance=True))
    add_caption(fig, caption)
    for a, drawn in drawn_by_panel:
        place_legend(a, drawn, corners=("upper right", "upper left", "lower left",
                                         "lower right"),
                      avoid=(label,) if a is ax_stock else (), ncols_below=3)
    return fig


