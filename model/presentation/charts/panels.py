"""Charts of several monthly panels side by side: each panel one or more model series (median with its
90 % band), the article figures on it as the claims they are, and vertical marks shared by every panel
(the last reported date, the cut-off). The story of a run (what was reported against what the model
projects), its mechanisms over time and its payments are drawn with it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import matplotlib.dates as mdates
import numpy as np
from numpy.typing import ArrayLike

from .dates import month_date, months_to_dates
from .fans import _draw_claim, get_quantile
from .legend import Occupancy, floor_at_zero
from .style import (
    ALPHA_90,
    FS_LABEL,
    FS_LEGEND,
    FS_TICK,
    FS_TITLE,
    GREY,
    LW_MAIN,
    LW_SECONDARY,
    MARKERS,
    PALETTE,
    add_caption,
    big_number_formatter,
    figure,
    percent_formatter,
    style_axes,
)
from .words import w

__all__ = ["Series", "Panel", "Mark", "panel_chart", "SERIES_COLOURS"]

#: Colours of a panel's series, in order (Okabe-Ito: blue, orange, bluish green, reddish purple, sky blue).
SERIES_COLOURS = (PALETTE["blue"], PALETTE["orange"], PALETTE["bluish_green"], PALETTE["reddish_purple"],
                  PALETTE["sky_blue"], PALETTE["black"])


@dataclass(frozen=True)
class Series:
    """One model series of a panel: its monthly quantiles (0.05, 0.5, 0.95 used), drawn as median and band."""

    label: str
    quantiles: Mapping[float, ArrayLike]
    band: bool = True
    dashed: bool = False


@dataclass(frozen=True)
class Panel:
    """One panel: its title, y axis label (with unit), series and the article figures on it."""

    title: str
    ylabel: str
    series: Sequence[Series]
    observations: Sequence[Mapping[str, Any]] = ()
    percent: bool = False  # a share: ticks in %


@dataclass(frozen=True)
class Mark:
    """A vertical line over every panel at a month, labelled once."""

    month: str
    label: str
    style: tuple[Any, ...] = field(default=(0, (5, 3)))


def _year_axis(ax: Any, dates: np.ndarray) -> None:
    """Years labelled at each January, quarters marked: a narrow panel has no room for month names."""
    from matplotlib.ticker import FixedFormatter, FixedLocator

    finite = dates[~np.isnat(dates)]
    first, last = finite.min().astype("datetime64[M]"), finite.max().astype("datetime64[M]")
    months = np.arange(first, last + 1)
    quarters = months[months.astype(int) % 3 == 0]  # Jan, Apr, Jul, Oct (months since 1970-01)
    years = months[months.astype(int) % 12 == 0]
    # fixed ticks: a date locator asks dateutil's rrule for every tick, each time the axis is drawn
    ax.xaxis.set_major_locator(FixedLocator(mdates.date2num(years.astype("datetime64[D]"))))
    ax.xaxis.set_major_formatter(FixedFormatter([str(y) for y in years.astype("datetime64[Y]")]))
    ax.xaxis.set_minor_locator(FixedLocator(mdates.date2num(quarters.astype("datetime64[D]"))))
    pad = np.timedelta64(15, "D")
    ax.set_xlim(finite.min() - pad, finite.max() + pad)


def panel_chart(months: Sequence[str], panels: Sequence[Panel], *, title: str, caption: str,
                marks: Sequence[Mark] = (), columns: int = 2) -> Any:
    """The panels in a grid (``columns`` wide), each with its own legend (its series when it has several,
    and its article figures), the marks on every panel and labelled on the first."""
    dates = months_to_dates(months)
    rows = -(-len(panels) // columns)
    cols = min(columns, len(panels))
    fig = figure((5.0 * cols + 0.8, 3.1 * rows + 1.3))
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False)).ravel()
    for k, (ax, panel) in enumerate(zip(axes, panels)):
        style_axes(ax)
        drawn: list[Occupancy] = []
        xnum = mdates.date2num(dates)
        for j, s in enumerate(panel.series):
            colour = SERIES_COLOURS[j % len(SERIES_COLOURS)]
            n = len(dates)
            q05, q50, q95 = (get_quantile(s.quantiles, q, n) for q in (0.05, 0.5, 0.95))
            if s.band and q05 is not None and q95 is not None:
                ax.fill_between(dates, q05, q95, color=colour, alpha=ALPHA_90, linewidth=0)
                drawn.append((xnum, q05, q95))
            assert q50 is not None
            ax.plot(dates, q50, color=colour, linewidth=LW_MAIN if j == 0 else LW_SECONDARY,
                    linestyle=(0, (4, 2)) if s.dashed else "-", zorder=3,
                    label=s.label if len(panel.series) > 1 else "_nolegend_")
            drawn.append((xnum, q50, q50))
        obs_dates = []
        for i, obs in enumerate(panel.observations):
            d = month_date(obs["month"])
            obs_dates.append(d)
            drawn.append(_draw_claim(ax, {**obs, "label": _wrap(obs.get("label") or "")}, d, MARKERS[i % len(MARKERS)]))
        for mark in marks:
            ax.axvline(month_date(mark.month), color=GREY, linewidth=1.3, linestyle=mark.style, zorder=4)
        _year_axis(ax, np.concatenate([dates, np.array(obs_dates, dtype="datetime64[D]")]))
        if panel.percent:
            ax.yaxis.set_major_formatter(percent_formatter())
        else:
            ax.yaxis.set_major_formatter(big_number_formatter(ax.yaxis))
        floor_at_zero(ax, drawn)
        ax.set_ylabel(panel.ylabel, fontsize=FS_LABEL - 1)
        ax.set_title(panel.title, fontsize=FS_LABEL, loc="left", fontweight="bold")
        ax.tick_params(labelsize=FS_TICK - 1)
        if ax.get_legend_handles_labels()[1]:
            ax.legend(loc="best", fontsize=FS_LEGEND - 2, framealpha=0.9, edgecolor="#cccccc")
        if k == 0:  # label each mark once, at the top of the first panel, one below the other
            for row, mark in enumerate(marks):
                ax.annotate(mark.label, xy=(month_date(mark.month), 1.0), xycoords=("data", "axes fraction"),
                            xytext=(3, -3 - 13 * row), textcoords="offset points", ha="left", va="top", fontsize=FS_TICK - 1,
                            color=GREY, bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none",
                                              "alpha": 0.85})
    for ax in axes[len(panels):]:
        ax.set_axis_off()
    fig.suptitle(title, fontsize=FS_TITLE, fontweight="bold")
    add_caption(fig, caption + " " + w("panel_note"))
    return fig


def _wrap(label: str, width: int = 44) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(label, width)) if label else label
