"""Which inputs matter and whether the sample is large enough: tornado chart
(one-at-a-time swings), Sobol index bars, convergence of running statistics."""

from __future__ import annotations

import math
from collections.abc import Sequence

import matplotlib.ticker as mticker
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from .legend import Occupancy, place_legend
from .style import (
    ALPHA_50,
    FIGSIZE,
    FS_LABEL,
    FS_TICK,
    GREY,
    HIGH,
    LOW,
    LW_MAIN,
    LW_SECONDARY,
    MODEL,
    PRIOR,
    add_caption,
    as_float_array,
    big_number_formatter,
    count_formatter,
    format_number,
    minor_marks,
    new_figure,
    set_title,
    style_axes,
)
from .words import current, w

__all__ = ["convergence_plot", "sobol_bars", "tornado_chart"]


def tornado_chart(
    names: Sequence[str],
    low_values: ArrayLike,
    high_values: ArrayLike,
    baseline: float,
    *,
    title: str,
    xlabel: str,
    caption: str,
    ax: Axes | None = None,
    top: int = 15,
    reference: tuple[float, str] | None = None,
) -> Figure:
    """One-at-a-time sensitivity: output swing per input, largest on top.

    Parameters
    ----------
    names : sequence of str
        Input names, e.g. ``"NK dud rate (old stock)"``.
    low_values, high_values : array
        Output (unit of ``xlabel``) with that input at its 5th / 95th
        percentile and all others at baseline. nan is drawn as no bar.
    baseline : float
        Output with all inputs at baseline (vertical line).
    title, xlabel, caption : str
        Title, x-axis label with unit, caption line.
    ax : Axes, optional
        Draw into this axes instead of a new figure (the default height
        grows with the number of bars).
    top : int
        Show only the ``top`` inputs with the largest swing ``|high - low|``.
    reference : (value, label), optional
        Another value to mark (the calibrated median), a dashed blue line.

    Returns
    -------
    matplotlib.figure.Figure
        Sky-blue bars: input at its 5th percentile; orange bars: at its 95th.
    """
    names = [str(s) for s in names]
    n = len(names)
    low = as_float_array(low_values, n, "low_values")
    high = as_float_array(high_values, n, "high_values")
    baseline = float(baseline)
    swing = np.abs(high - low)
    key = np.where(np.isfinite(swing), swing, -np.inf)
    order = np.argsort(-key, kind="stable")[: max(int(top), 0)]
    k = order.size

    fig, ax = new_figure(ax, figsize=(FIGSIZE[0], max(FIGSIZE[1], 1.6 + 0.38 * k)))
    style_axes(ax)
    ax.grid(False, axis="y")
    y = np.arange(k)[::-1]  # largest swing at the top
    lo_sel, hi_sel = low[order], high[order]
    ax.barh(y + 0.19, np.nan_to_num(lo_sel - baseline), left=baseline, height=0.38,
            color=LOW, edgecolor="black", linewidth=0.6, label=w("input_low"))
    ax.barh(y - 0.19, np.nan_to_num(hi_sel - baseline), left=baseline, height=0.38,
            color=HIGH, edgecolor="black", linewidth=0.6, label=w("input_high"))
    ax.axvline(baseline, color="black", linewidth=LW_SECONDARY,
               label=w("baseline", value=format_number(baseline)))
    if reference is not None:
        ax.axvline(reference[0], color=MODEL, linewidth=LW_SECONDARY, linestyle=(0, (5, 3)), label=reference[1])
    ax.set_yticks(y, [names[i] for i in order], fontsize=FS_TICK)
    ax.set_ylim(-0.7, k - 0.3)
    ax.xaxis.set_major_formatter(big_number_formatter(ax.xaxis))
    ax.set_xlabel(xlabel, fontsize=FS_LABEL)
    shown = w("top_of", k=k, n=n) if k < n else ""
    ax.set_ylabel(w("sorted_swing", shown=shown), fontsize=FS_LABEL)
    # Leave room so the legend does not sit on the bars.
    finite = np.concatenate([lo_sel, hi_sel, [baseline], [reference[0]] if reference is not None else []])
    finite = finite[np.isfinite(finite)]
    span = float(finite.max() - finite.min()) or max(abs(baseline), 1.0)
    ax.set_xlim(finite.min() - 0.05 * span, finite.max() + 0.05 * span)
    set_title(ax, title)
    add_caption(fig, caption)
    occupancy = [([baseline, v], yi + dy - 0.2, yi + dy + 0.2)
                 for vals, dy in ((lo_sel, 0.19), (hi_sel, -0.19))
                 for yi, v in zip(y, vals) if np.isfinite(v)]
    occupancy.append(([baseline], -np.inf, np.inf))
    if reference is not None:
        occupancy.append(([reference[0]], -np.inf, np.inf))
    place_legend(ax, occupancy, corners=("lower right", "lower left"), max_headroom=0,
                  ncols_below=3)
    return fig


def sobol_bars(
    names: Sequence[str],
    S1: ArrayLike,
    S1_low: ArrayLike,
    S1_high: ArrayLike,
    ST: ArrayLike,
    ST_low: ArrayLike,
    ST_high: ArrayLike,
    *,
    title: str,
    caption: str,
    ax: Axes | None = None,
    top: int = 15,
) -> Figure:
    """First-order and total-order Sobol indices with intervals, sorted by ST.

    Parameters
    ----------
    names : sequence of str
        Input names.
    S1, S1_low, S1_high : array
        First-order index per input and its interval (e.g. bootstrap 95 %),
        dimensionless share of output variance.
    ST, ST_low, ST_high : array
        Total-order index and interval.
    title, caption : str
        Title and caption line.
    ax : Axes, optional
        Draw into this axes instead of a new figure.
    top : int
        Show only the ``top`` inputs with the largest ST.

    Returns
    -------
    matplotlib.figure.Figure
        Horizontal grouped bars (blue ST, orange S1), largest ST on top.
        Values and intervals are clipped to [0, 1] for display (estimates can
        be slightly negative from sampling noise); the legend says how many
        estimates were clipped. nan indices are labelled "n/a".
    """
    names = [str(s) for s in names]
    n = len(names)
    arrs = [as_float_array(a, n, nm) for a, nm in
            ((S1, "S1"), (S1_low, "S1_low"), (S1_high, "S1_high"),
             (ST, "ST"), (ST_low, "ST_low"), (ST_high, "ST_high"))]
    s1, s1l, s1h, st, stl, sth = arrs
    key = np.where(np.isfinite(st), st, -np.inf)
    order = np.argsort(-key, kind="stable")[: max(int(top), 0)]
    k = order.size
    n_clipped = int(sum(np.sum((a[order] < 0) | (a[order] > 1)) for a in (s1, st)))

    fig, ax = new_figure(ax, figsize=(FIGSIZE[0], max(FIGSIZE[1], 1.6 + 0.42 * k)))
    style_axes(ax)
    ax.grid(False, axis="y")
    y = np.arange(k)[::-1]

    occupancy: list[Occupancy] = []

    def _draw(val, lo, hi, offset, color, label):
        v = np.clip(np.nan_to_num(val[order], nan=0.0), 0, 1)
        lo_c = np.clip(np.where(np.isfinite(lo[order]), lo[order], v), 0, 1)
        hi_c = np.clip(np.where(np.isfinite(hi[order]), hi[order], v), 0, 1)
        xerr = np.vstack([np.maximum(v - lo_c, 0), np.maximum(hi_c - v, 0)])
        xerr[:, ~np.isfinite(val[order])] = np.nan  # no error bar on "n/a"
        occupancy.extend(([0.0, max(vi, hi_i)], yi + offset - 0.2, yi + offset + 0.2)
                         for yi, vi, hi_i in zip(y, v, hi_c))
        ax.barh(y + offset, v, height=0.38, color=color, edgecolor="black", linewidth=0.6,
                label=label, xerr=xerr,
                error_kw={"ecolor": "black", "elinewidth": 1.5, "capsize": 3, "capthick": 1.5})
        for yi, raw in zip(y, val[order]):
            if not np.isfinite(raw):
                ax.text(0.01, yi + offset, w("na"), va="center", ha="left",
                        fontsize=FS_TICK, color=GREY)

    _draw(st, stl, sth, 0.19, MODEL, w("total_st"))
    _draw(s1, s1l, s1h, -0.19, HIGH, w("first_s1"))
    if n_clipped:
        ax.plot([], [], linestyle="none",
                label=w("clipped_many" if n_clipped != 1 else "clipped_one", n=n_clipped))
    ax.set_yticks(y, [names[i] for i in order], fontsize=FS_TICK)
    ax.set_ylim(-0.7, k - 0.3)
    ax.set_xlim(0, 1)
    comma = current() == "de"
    ax.xaxis.set_major_formatter(mticker.FuncFormatter(lambda x, pos: f"{x:g}".replace(".", "," if comma else ".")))
    ax.set_xlabel(w("sobol_axis"), fontsize=FS_LABEL)
    shown = w("top_of", k=k, n=n) if k < n else ""
    ax.set_ylabel(w("sorted_st", shown=shown), fontsize=FS_LABEL)
    set_title(ax, title)
    add_caption(fig, caption)
    handles, labels = ax.get_legend_handles_labels()
    order_leg = sorted(range(len(labels)), key=lambda i: ("ST" not in labels[i],
                                                          "S1" not in labels[i]))
    place_legend(ax, occupancy, corners=("lower right", "upper right"), max_headroom=0,
                  ncols_below=3, handles=[handles[i] for i in order_leg],
                  labels=[labels[i] for i in order_leg])
    return fig


def _log_marks(ax: Axes) -> None:
    """The log axis' minor ticks (2, 3, ... 9 times a power of ten) as unlabelled marks."""
    ax.xaxis.set_minor_locator(mticker.NullLocator())
    lo, hi = sorted(ax.get_xlim())
    if not (lo > 0 and math.isfinite(hi)):
        return
    decades = np.arange(math.floor(math.log10(lo)), math.ceil(math.log10(hi)) + 1)
    locs = (np.arange(2, 10)[None, :] * 10.0 ** decades[:, None]).ravel()
    minor_marks(ax, locs[(locs >= lo * (1 - 1e-9)) & (locs <= hi * (1 + 1e-9))], label="_log ticks")


def convergence_plot(
    n: ArrayLike,
    mean: ArrayLike,
    mean_low: ArrayLike,
    mean_high: ArrayLike,
    q_low: ArrayLike,
    q_high: ArrayLike,
    *,
    title: str,
    ylabel: str,
    caption: str,
    ax: Axes | None = None,
) -> Figure:
    """Running statistics of a metric against the number of samples (log x).

    Parameters
    ----------
    n : array
        Number of samples used (x axis, > 0; non-positive entries are dropped).
    mean, mean_low, mean_high : array
        Running mean and its interval (e.g. 95 % from the standard error),
        in the unit named by ``ylabel``.
    q_low, q_high : array
        Running 5th and 95th percentiles, same unit.
    title, ylabel, caption : str
        Title, y-axis label with unit, caption line.
    ax : Axes, optional
        Draw into this axes instead of a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        Blue mean line with shaded interval; 5th/95th percentiles as black
        dashed and dotted lines.
    """
    x = as_float_array(n)
    m = x.size
    arrs = [as_float_array(a, m, nm) for a, nm in
            ((mean, "mean"), (mean_low, "mean_low"), (mean_high, "mean_high"),
             (q_low, "q_low"), (q_high, "q_high"))]
    keep = np.isfinite(x) & (x > 0)
    x = x[keep]
    mu, mlo, mhi, qlo, qhi = (a[keep] for a in arrs)

    fig, ax = new_figure(ax)
    style_axes(ax)
    ax.fill_between(x, mlo, mhi, color=MODEL, alpha=ALPHA_50, linewidth=0,
                    label=w("interval_mean"))
    ax.plot(x, mu, color=MODEL, linewidth=LW_MAIN, label=w("running_mean"))
    ax.plot(x, qhi, color=PRIOR, linewidth=LW_SECONDARY, linestyle=(0, (5, 3)),
            label=w("running_p95"))
    ax.plot(x, qlo, color=PRIOR, linewidth=LW_SECONDARY, linestyle=(0, (1.5, 2)),
            label=w("running_p5"))
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(count_formatter())
    if x.size and x.max() > x.min():  # one checkpoint only: let matplotlib pick the limits (no singular axis)
        ax.set_xlim(x.min(), x.max())
    _log_marks(ax)
    ax.yaxis.set_major_formatter(big_number_formatter(ax.yaxis))
    ax.set_xlabel(w("samples_log"), fontsize=FS_LABEL)
    ax.set_ylabel(ylabel, fontsize=FS_LABEL)
    set_title(ax, title)
    add_caption(fig, caption)
    occupancy = [(x, mlo, mhi), (x, mu, mu), (x, qlo, qlo), (x, qhi, qhi)]
    place_legend(ax, occupancy, corners=("upper right", "lower right"), max_headroom=0.3,
                  handlelength=2.6)
    return fig


