"""Predictive charts: posterior predictive checks and hindcast fans (data in, figure out).

- :func:`predictive_check_chart`: for one reported figure, the prior and the calibrated
  predictive density of a report at its date, with the reported value and its 90 % error range;
- :func:`hindcast_chart`: one panel per model output, the model calibrated on the figures up to
  a month (fan), the figures it was fitted on, and the withheld later figures with the 90 %
  predictive interval the model gave for each.

Conventions as in the other charts: Okabe-Ito colours (model blue, reported figures
vermillion, prior black dashed), text at least 10 pt, a grey caption at the bottom, the
object-oriented matplotlib API only (no pyplot state), nothing saved here.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import matplotlib.dates as mdates
import matplotlib.ticker as mticker
import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine

from .dates import months_to_dates
from .style import PALETTE


def w(key: str) -> str:
    """A predictive-check text ``ppc.<key>`` in the charts' language."""
    from .. import texts
    from .words import current

    return texts.text(f"ppc.{key}", current())

__all__ = ["predictive_check_chart", "hindcast_chart", "HindcastPanel", "HindcastMark"]

_MODEL = PALETTE["blue"]
_OBSERVED = PALETTE["vermillion"]
_PRIOR = PALETTE["black"]
_FITTED = PALETTE["bluish_green"]
_GREY = "#555555"
_DPI = 150
_FS = {"title": 13.0, "label": 11.0, "tick": 10.0, "legend": 10.0, "caption": 10.0}

Formatter = Callable[[float], str]


def _style(ax: Axes) -> None:
    ax.tick_params(axis="both", labelsize=_FS["tick"])
    ax.grid(True, color="#dddddd", linewidth=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _legend_below(ax: Axes, handles: Sequence[Artist], labels: Sequence[str], *, ncols: int) -> None:
    """The legend in its own axes row under the panels, where it hides no data."""
    ax.set_axis_off()
    ax.legend(list(handles), list(labels), loc="center", ncols=ncols, fontsize=_FS["legend"], frameon=False)


def _caption(fig: Figure, caption: str, width_chars: int) -> None:
    """A grey caption under the axes; the constrained layout keeps room for it."""
    if not caption:
        return
    wrapped = textwrap.fill(caption, width_chars)
    lines = wrapped.count("\n") + 1
    frac = min(0.4, (lines * _FS["caption"] * 1.35 + 8) / (fig.get_figheight() * 72))
    fig.text(0.012, 0.01, wrapped, ha="left", va="bottom", fontsize=_FS["caption"], color=_GREY)
    engine = fig.get_layout_engine()
    if isinstance(engine, ConstrainedLayoutEngine):
        engine.set(rect=(0.0, frac, 1.0, 1.0 - frac))


def predictive_check_chart(
    grid: np.ndarray,
    prior_density: np.ndarray | None,
    calibrated_density: np.ndarray,
    *,
    reported: float | None,
    low: float,
    high: float,
    title: str,
    xlabel: str,
    caption: str,
    value_format: Formatter,
    reported_label: str = "reported value",
    log_x: bool = False,
    span_label: str | None = None,
) -> Figure:
    """Prior and calibrated predictive density of one reported figure.

    Parameters
    ----------
    grid
        Values of a report (the figure's unit), increasing.
    prior_density, calibrated_density
        Predictive density of a report at each grid value (any common scale; drawn relative).
        ``prior_density`` None: the scenario is not calibrated, one curve only.
    reported, low, high
        The reported value (None: the claim is words, no number was reported) and the span the claim
        allows - a count's 90 % error range, a bound's fill range, the words' interval (``high`` may
        be inf: up to the axis' end).
    span_label
        The span's legend entry (default: the 90 % error range of a report).
    title, xlabel, caption
        Title, x-axis label with unit, caption line.
    value_format
        Formats an x tick (e.g. ``"40 %"``, ``"3.5 million"``).
    log_x
        A logarithmic x axis, for predictive distributions spanning more than a factor of ~20;
        the densities should then be per unit of log value.
    """
    fig = Figure(figsize=(8.0, 5.0), dpi=_DPI, layout="constrained")
    ax, legend_ax = fig.subplots(2, 1, height_ratios=(4.0, 1.0))
    _style(ax)
    peak = max(float(np.max(calibrated_density)), float(np.max(prior_density)) if prior_density is not None else 0.0)
    scale = 1.0 / peak if peak > 0 else 1.0
    ax.axvspan(low, min(high, float(grid[-1])), color=_OBSERVED, alpha=0.12 if span_label is None else 0.22,
               linewidth=0, label=span_label or w("error_range"))
    if prior_density is not None:
        ax.plot(grid, prior_density * scale, color=_PRIOR, linestyle=(0, (5, 3)), linewidth=1.8,
                label=w("prior"))
        ax.fill_between(grid, calibrated_density * scale, color=_MODEL, alpha=0.3, linewidth=0)
        ax.plot(grid, calibrated_density * scale, color=_MODEL, linewidth=2.4, label=w("calibrated"))
    else:
        ax.fill_between(grid, calibrated_density * scale, color=_MODEL, alpha=0.3, linewidth=0)
        ax.plot(grid, calibrated_density * scale, color=_MODEL, linewidth=2.4, label=w("not_calibrated"))
    if reported is not None:
        ax.axvline(reported, color=_OBSERVED, linewidth=2.4, linestyle=(0, (6, 2)), label=reported_label)
    ax.set_ylim(0, 1.12)
    ax.yaxis.set_major_locator(mticker.NullLocator())
    if log_x:
        ax.set_xscale("log")
        ax.xaxis.set_major_locator(mticker.LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        ax.xaxis.set_minor_formatter(mticker.NullFormatter())
    else:
        ax.xaxis.set_major_locator(mticker.MaxNLocator(6))
    ax.xaxis.set_major_formatter(mticker.FuncFormatter(lambda x, _pos: value_format(x)))
    ax.set_xlim(float(grid[0]), float(grid[-1]))
    ax.set_xlabel(xlabel, fontsize=_FS["label"])
    ax.set_ylabel(w("density"), fontsize=_FS["label"])
    ax.set_title(title, fontsize=_FS["title"], loc="left")
    _legend_below(legend_ax, *ax.get_legend_handles_labels(), ncols=2)
    _caption(fig, caption, 105)
    return fig


@dataclass(frozen=True)
class HindcastMark:
    """A reported figure on a hindcast panel: fitted on, or withheld and predicted."""

    month: str
    value: float
    low: float
    high: float
    label: str
    withheld: bool
    predicted: tuple[float, float, float] | None = None  # p5, p50, p95 of the predictive (withheld only)


@dataclass(frozen=True)
class HindcastPanel:
    """One model output: its calibrated quantiles per month and the figures on it."""

    title: str
    ylabel: str
    quantiles: Mapping[float, np.ndarray]  # 0.05, 0.25, 0.5, 0.75, 0.95 -> per month
    prior_median: np.ndarray | None
    marks: Sequence[HindcastMark] = field(default_factory=tuple)
    value_format: Formatter | None = None


def hindcast_chart(months: Sequence[str], panels: Sequence[HindcastPanel], *, until: str, title: str,
                   caption: str) -> Figure:
    """Prediction fans with the withheld figures drawn on them, one panel per model output.

    Each panel: the model calibrated on the figures dated up to ``until`` (median, 50 % and
    90 % bands of the model value), its prior median (dashed), a dotted line at ``until``,
    the fitted figures (green squares with their error ranges) and the withheld ones
    (vermillion diamonds with their error ranges), each with the model's 90 % predictive
    interval for a report at its date (a wide blue bar: model spread plus the report's error).
    """
    n = max(1, len(panels))
    cols = 1 if n == 1 else 2
    rows = (n + cols - 1) // cols
    fig = Figure(figsize=(8.0 if cols == 1 else 11.0, 3.9 * rows + 2.2), dpi=_DPI, layout="constrained")
    grid = fig.add_gridspec(rows + 1, cols, height_ratios=[3.9] * rows + [1.1])
    axes = [[fig.add_subplot(grid[r, c]) for c in range(cols)] for r in range(rows)]
    legend: dict[str, Artist] = {}
    dates = months_to_dates(months)
    cut = months_to_dates([until])[0] + np.timedelta64(15, "D")
    for k, panel in enumerate(panels):
        ax = axes[k // cols][k % cols]
        _style(ax)
        q = panel.quantiles
        ax.fill_between(dates, q[0.05], q[0.95], color=_MODEL, alpha=0.18, linewidth=0,
                        label="model value, 90 % band")
        ax.fill_between(dates, q[0.25], q[0.75], color=_MODEL, alpha=0.38, linewidth=0, label="50 % band")
        ax.plot(dates, q[0.5], color=_MODEL, linewidth=2.4, label="median (calibrated on the fitted figures)")
        if panel.prior_median is not None:
            ax.plot(dates, panel.prior_median, color=_PRIOR, linestyle=(0, (5, 3)), linewidth=1.6,
                    label="prior median")
        ax.axvline(cut, color=_GREY, linestyle=":", linewidth=1.6, label=f"end of {until}: later figures withheld")
        for mark in panel.marks:
            d = months_to_dates([mark.month])[0]
            if mark.withheld and mark.predicted is not None:
                lo, mid, hi = mark.predicted
                ax.errorbar([d - np.timedelta64(45, "D")], [mid], yerr=[[mid - lo], [hi - mid]], fmt="_",
                            markersize=12, color=_MODEL, ecolor=_MODEL, elinewidth=7, alpha=0.55, capsize=0,
                            zorder=4, label="predicted report: median and 90 % interval")
            err = [[max(mark.value - mark.low, 0.0)], [max(mark.high - mark.value, 0.0)]]
            ax.errorbar([d], [mark.value], yerr=err, fmt="D" if mark.withheld else "s", markersize=8,
                        color=_OBSERVED if mark.withheld else _FITTED, markeredgecolor="black", markeredgewidth=0.8,
                        elinewidth=1.8, capsize=4, zorder=5,
                        label="withheld figure (its 90 % error range)" if mark.withheld
                        else "fitted figure (its 90 % error range)")
        ax.set_ylim(bottom=0)
        ax.xaxis.set_major_locator(mdates.YearLocator())
        ax.xaxis.set_minor_locator(mdates.MonthLocator(bymonth=(1, 4, 7, 10)))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
        if panel.value_format is not None:
            fmt = panel.value_format
            ax.yaxis.set_major_formatter(mticker.FuncFormatter(lambda x, _pos, f=fmt: f(x)))
        ax.set_ylabel(panel.ylabel, fontsize=_FS["label"])
        ax.set_title(panel.title, fontsize=_FS["label"] + 1, loc="left")
        for h, lab in zip(*ax.get_legend_handles_labels()):
            legend.setdefault(lab, h)
    for k in range(len(panels), rows * cols):
        axes[k // cols][k % cols].set_visible(False)
    fig.suptitle(title, fontsize=_FS["title"], x=0.01, ha="left")
    _legend_below(fig.add_subplot(grid[rows, :]), list(legend.values()), list(legend.keys()),
                  ncols=2 if cols == 1 else 3)
    _caption(fig, caption, 105 if cols == 1 else 145)
    return fig
