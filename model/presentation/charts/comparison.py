"""One metric across scenarios: median with its 5th-95th percentile range and the mean."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.transforms import blended_transform_factory

from .legend import floor_at_zero, place_legend
from .style import (
    FIGSIZE,
    FS_LABEL,
    FS_TICK,
    GREY,
    HIGH,
    LW_MAIN,
    LW_SECONDARY,
    MODEL,
    add_caption,
    big_number_formatter,
    format_number,
    new_figure,
    set_title,
    style_axes,
)
from .words import w

__all__ = ["scenario_comparison"]


def _stat(d: Any, key: str) -> float:
    """A statistic of a ``Stats`` (or of a mapping with the same keys); nan where there is none."""
    if d is None:
        return math.nan
    v = d.get(key) if isinstance(d, Mapping) else getattr(d, key, None)
    try:
        return math.nan if v is None else float(v)
    except (TypeError, ValueError):
        return math.nan


def scenario_comparison(
    scenario_names: Sequence[str],
    stats: Sequence[Any],
    *,
    title: str,
    ylabel: str,
    caption: str,
    ax: Axes | None = None,
) -> Figure:
    """One metric across scenarios: median with 5th-95th percentile range and mean.

    Parameters
    ----------
    scenario_names : sequence of str
        Scenario names, x axis left to right.
    stats : sequence of dict or None
        One dict per scenario ``{"p5", "p50", "p95", "mean"}`` in the unit
        named by ``ylabel``. Any value may be None or nan (metric not defined
        in that scenario); a scenario without a median is marked "n/a".
    title, ylabel, caption : str
        Title, y-axis label with unit, caption line.
    ax : Axes, optional
        Draw into this axes instead of a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        Blue dots (median) with bars (5th-95th percentile), wide orange
        dashes (mean), the median's value printed beside each dot.
    """
    names = [str(s) for s in scenario_names]
    if len(stats) != len(names):
        raise ValueError(f"{len(stats)} stats for {len(names)} scenarios")
    p5 = np.array([_stat(s, "p5") for s in stats])
    p50 = np.array([_stat(s, "p50") for s in stats])
    p95 = np.array([_stat(s, "p95") for s in stats])
    mean = np.array([_stat(s, "mean") for s in stats])
    x = np.arange(len(names), dtype=float)

    fig, ax = new_figure(ax, figsize=(max(FIGSIZE[0], 1.1 * len(names) + 2), FIGSIZE[1]))
    style_axes(ax)
    ax.grid(False, axis="x")

    has_range = np.isfinite(p5) & np.isfinite(p95) & np.isfinite(p50)
    if has_range.any():
        ax.errorbar(x[has_range], p50[has_range],
                    yerr=[np.maximum(p50 - p5, 0)[has_range], np.maximum(p95 - p50, 0)[has_range]],
                    fmt="none", ecolor=MODEL, elinewidth=LW_MAIN + 1, capsize=7,
                    capthick=LW_SECONDARY, alpha=0.55, label=w("p5_p95"))
    has_med = np.isfinite(p50)
    ax.plot(x[has_med], p50[has_med], "o", color=MODEL, markersize=10,
            markeredgecolor="black", markeredgewidth=0.8, label=w("median"), zorder=4)
    has_mean = np.isfinite(mean)
    ax.plot(x[has_mean], mean[has_mean], "_", color=HIGH, markersize=26,
            markeredgewidth=3.0, label=w("mean"), zorder=3.5)

    all_vals = np.concatenate([p5, p50, p95, mean])
    ref = float(np.nanmax(np.abs(all_vals))) if np.isfinite(all_vals).any() else None
    for xi, v in zip(x, p50):
        if np.isfinite(v):
            ax.annotate(format_number(v, reference=ref), (xi, v), xytext=(15, 0),
                        textcoords="offset points", va="center", ha="left",
                        fontsize=FS_TICK, color=GREY)

    missing = ~has_med
    ax.margins(y=0.08)
    floor_at_zero(ax, [(x, np.concatenate([p5, p50, p95, mean]), np.nan)])
    if missing.any():
        trans = blended_transform_factory(ax.transData, ax.transAxes)
        for xi in x[missing]:
            ax.text(xi, 0.5, w("na"), transform=trans, ha="center", va="center",
                    fontsize=FS_LABEL, color=GREY, fontstyle="italic")

    long_labels = max((len(s) for s in names), default=0) > 12 or len(names) > 6
    ax.set_xticks(x, names, fontsize=FS_TICK,
                  rotation=30 if long_labels else 0, ha="right" if long_labels else "center",
                  rotation_mode="anchor")
    ax.set_xlim(-0.6, len(names) - 0.4)
    ax.yaxis.set_major_formatter(big_number_formatter(ax.yaxis))
    ax.set_xlabel(w("scenario"), fontsize=FS_LABEL)
    ax.set_ylabel(ylabel, fontsize=FS_LABEL)
    set_title(ax, title)
    add_caption(fig, caption)
    occupancy = [([xi - 0.2, xi + 0.55], lo, hi)
                 for xi, lo, hi in zip(x, np.fmin(np.fmin(p5, p50), mean),
                                       np.fmax(np.fmax(p95, p50), mean))]
    occupancy += [([xi - 0.2, xi + 0.2], -np.inf, np.inf) for xi in x[missing]]
    place_legend(ax, occupancy, corners=("upper right", "upper left"), ncols_below=3)
    return fig


