"""Fan charts: a monthly model output as median with 50 % and 90 % bands, the
article figures at their dates, and optionally the uncalibrated prior's median."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.dates as mdates
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from .dates import date_axis, month_date, months_to_dates
from .legend import Occupancy, floor_at_zero, place_legend
from .style import (
    ALPHA_50,
    ALPHA_90,
    FS_LABEL,
    LW_MAIN,
    LW_SECONDARY,
    MARKERS,
    MODEL,
    OBSERVED,
    PRIOR,
    add_caption,
    as_float_array,
    big_number_formatter,
    format_number,
    new_figure,
    set_title,
    style_axes,
)
from .words import w

__all__ = ["draw_bands", "fan_chart", "get_quantile"]

_QUANTILE_TOL = 1e-6


def get_quantile(quantiles: Mapping[float, ArrayLike], level: float, n: int) -> np.ndarray | None:
    for key, values in quantiles.items():
        if abs(float(key) - level) < _QUANTILE_TOL:
            return as_float_array(values, n, f"quantile {level:g}")
    return None


def draw_bands(
    ax: Axes,
    dates: np.ndarray,
    quantiles: Mapping[float, ArrayLike],
    color: str,
    *,
    median_label: str | None = None,
    with_50: bool = True,
) -> list[Occupancy]:
    """Draw 90 % band, 50 % band and median; return what was drawn as occupancy."""
    n = len(dates)
    xnum = mdates.date2num(dates)
    drawn: list[Occupancy] = []
    q05, q95 = get_quantile(quantiles, 0.05, n), get_quantile(quantiles, 0.95, n)
    if q05 is not None and q95 is not None:
        ax.fill_between(dates, q05, q95, color=color, alpha=ALPHA_90, linewidth=0,
                        label=w("band90"))
        drawn.append((xnum, q05, q95))
    if with_50:
        q25, q75 = get_quantile(quantiles, 0.25, n), get_quantile(quantiles, 0.75, n)
        if q25 is not None and q75 is not None:
            ax.fill_between(dates, q25, q75, color=color, alpha=ALPHA_50, linewidth=0,
                            label=w("band50"))
            drawn.append((xnum, q25, q75))
    q50 = get_quantile(quantiles, 0.5, n)
    if q50 is None:
        raise ValueError("quantiles must contain the median (0.5)")
    ax.plot(dates, q50, color=color, linewidth=LW_MAIN, label=w("median") if median_label is None else median_label,
            zorder=3)
    drawn.append((xnum, q50, q50))
    return drawn


def _draw_claim(ax: Axes, obs: Mapping[str, Any], d: np.datetime64, marker: str) -> Occupancy:
    """One article figure as the claim it is: a count a point with its error range; a capacity claim a
    bound (a down-pointing mark at the figure, a bar down to what its fill range allows); words the
    interval they mean (one-sided: an arrow up from the lower edge), never a point; an undated total
    a band over the months its date may be."""
    kind = obs.get("kind", "count")
    label = obs.get("label")
    style: dict[str, Any] = dict(color=OBSERVED, markeredgecolor="black", markeredgewidth=0.8, zorder=5)
    x = mdates.date2num(np.array([d]))
    if kind == "capacity":
        top, bottom = float(obs["value"]), float(obs["allowed"][0])
        ax.plot([d, d], [bottom, top], color=OBSERVED, linewidth=4, alpha=0.45, solid_capstyle="butt", zorder=4)
        ax.plot([d], [top], marker="v", markersize=10, linestyle="none", label=label, **style)
        return (x, [bottom], [top])
    if kind == "words":
        low, high = float(obs["allowed"][0]), float(obs["allowed"][1])
        if not np.isfinite(high):  # at least: an arrow up from the lower edge
            span = max(abs(low), 1.0)
            ax.annotate("", xy=(d, low + 0.9 * span), xytext=(d, low), zorder=5,
                        arrowprops=dict(arrowstyle="-|>", color=OBSERVED, linewidth=LW_SECONDARY * 1.5))
            ax.plot([d], [low], marker="_", markersize=16, markeredgewidth=2.5, color=OBSERVED, linestyle="none",
                    label=label, zorder=5)
            return (x, [low], [low + 0.9 * span])
        ax.plot([d, d], [low, high], color=OBSERVED, linewidth=4, alpha=0.6, solid_capstyle="butt", label=label,
                zorder=5)
        return (x, [low], [high])
    value = float(obs["value"])
    err_low, err_high = obs.get("low"), obs.get("high")
    if kind == "total_undated" and obs.get("months"):
        first, last = month_date(obs["months"][0]), month_date(obs["months"][-1])
        lo = float(err_low) if err_low is not None else value
        hi = float(err_high) if err_high is not None else value
        ax.fill_between([first, last], [lo, lo], [hi, hi], color=OBSERVED, alpha=0.18, linewidth=0, zorder=2)
        ax.plot([first, last], [value, value], color=OBSERVED, linewidth=LW_SECONDARY * 1.5, label=label, zorder=5)
        return (mdates.date2num(np.array([first, last])), [lo, lo], [hi, hi])
    err_lo = max(value - float(err_low), 0.0) if err_low is not None else 0.0
    err_hi = max(float(err_high) - value, 0.0) if err_high is not None else 0.0
    yerr = None if (err_low is None and err_high is None) else [[err_lo], [err_hi]]
    ax.errorbar([d], [value], yerr=yerr, fmt=marker, markersize=9, ecolor=OBSERVED, elinewidth=LW_SECONDARY,
                capsize=5, capthick=LW_SECONDARY,
                label=label or w("article_figure_value", value=format_number(value)), **style)
    return (x, [value - err_lo], [value + err_hi])


def fan_chart(
    months: Sequence[str],
    quantiles: Mapping[float, ArrayLike],
    *,
    title: str,
    ylabel: str,
    caption: str,
    observations: Sequence[Mapping[str, Any]] = (),
    series_label: str = "model",
    ax: Axes | None = None,
    weights_note: str | None = None,
    prior_quantiles: Mapping[float, ArrayLike] | None = None,
) -> Figure:
    """Monthly model output as median with 50 % and 90 % bands, plus article figures.

    Parameters
    ----------
    months : sequence of str
        Calendar months ``"YYYY-MM"``, the x axis.
    quantiles : mapping float -> array
        Quantile level (0.05, 0.25, 0.5, 0.75, 0.95) -> values per month, in
        the unit named by ``ylabel`` (e.g. shells, cumulative). 0.5 is
        required; a band is drawn when both its ends are given.
    title, ylabel, caption : str
        Figure title, y-axis label with unit (e.g. ``"shells delivered
        (cumulative)"``), and the caption line (scenario, samples, seed,
        claimants of the plotted figures).
    observations : sequence of dict, optional
        Article figures ``{"month": "2024-06", "value": 3.5e6, "low": 2.5e6,
        "high": 4.5e6, "label": "3.5 M delivered (South Korean
        intelligence)"}``, same unit as the quantiles; ``low``/``high`` may
        be None or missing. ``kind`` (default ``count``) draws it as the claim
        it is (``_draw_claim``): ``capacity`` and ``words`` also need
        ``allowed`` (the values the claim allows), ``total_undated`` its
        ``months``. Each has its own legend entry.
    series_label : str
        Name of the model series, shown as the legend title above the
        entries "median", "50 % band", "90 % band". Empty for no title.
    ax : Axes, optional
        Draw into this axes instead of a new 8 x 4.5 in figure.
    weights_note : str, optional
        Short note on how the samples are weighted (e.g. ``"calibrated:
        importance weights, ESS 412 of 4,000"``), shown in the legend title
        below ``series_label``.
    prior_quantiles : mapping float -> array, optional
        Quantiles of the uncalibrated prior run; its median is drawn as a
        black dashed line "prior median (uncalibrated)".

    Returns
    -------
    matplotlib.figure.Figure
    """
    dates = months_to_dates(months)
    fig, ax = new_figure(ax)
    style_axes(ax)
    drawn = draw_bands(ax, dates, quantiles, MODEL)

    if prior_quantiles is not None:
        prior_med = get_quantile(prior_quantiles, 0.5, len(dates))
        if prior_med is None:
            raise ValueError("prior_quantiles must contain the median (0.5)")
        ax.plot(dates, prior_med, color=PRIOR, linestyle=(0, (5, 3)), linewidth=LW_SECONDARY,
                label=w("prior_median"), zorder=3)
        drawn.append((mdates.date2num(dates), prior_med, prior_med))

    obs_dates = []
    for i, obs in enumerate(observations):
        d = month_date(obs["month"])
        obs_dates.append(d)
        drawn.append(_draw_claim(ax, obs, d, MARKERS[i % len(MARKERS)]))
        if obs.get("months"):
            obs_dates.extend(month_date(m) for m in obs["months"])

    date_axis(ax, np.concatenate([dates, np.array(obs_dates, dtype="datetime64[D]")]))
    ax.yaxis.set_major_formatter(big_number_formatter(ax.yaxis))
    floor_at_zero(ax, drawn)
    ax.set_xlabel(w("month"), fontsize=FS_LABEL)
    ax.set_ylabel(ylabel, fontsize=FS_LABEL)
    set_title(ax, title)

    # Legend order: median, bands (narrow first), prior, observations.
    handles, labels = ax.get_legend_handles_labels()
    rank = {w(key): i for key, i in _FAN_LEGEND_RANK.items()}
    order = sorted(range(len(labels)), key=lambda k: rank.get(labels[k], 4))
    legend_title = "\n".join(t for t in (series_label, weights_note) if t) or None
    add_caption(fig, caption)
    place_legend(ax, drawn, handles=[handles[k] for k in order],
                  labels=[labels[k] for k in order], title=legend_title, alignment="left")
    return fig


_FAN_LEGEND_RANK = {"median": 0, "band50": 1, "band90": 2, "prior_median": 3}  # runchart.<key>


