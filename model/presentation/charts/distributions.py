"""Histograms of a per-sample metric: the prior (equal weights) against the calibrated
distribution (importance weights) on the same bins, with the article figure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from ..numbers import format_count
from .legend import Occupancy, place_legend
from .style import (
    ALPHA_50,
    FS_LABEL,
    GREY,
    LW_MAIN,
    LW_SECONDARY,
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
from .words import current
from .words import w as word

__all__ = ["metric_histogram"]


def metric_histogram(
    prior: ArrayLike,
    *,
    posterior_weights: ArrayLike | None = None,
    posterior: ArrayLike | None = None,
    title: str,
    xlabel: str,
    caption: str,
    observed: Mapping[str, Any] | None = None,
    ax: Axes | None = None,
    bins: int = 60,
    ess: float | None = None,
) -> Figure:
    """Distribution of a per-sample metric, prior vs calibrated.

    Both histograms use the same samples and the same bins: the prior with
    equal weights (black outline), the calibrated one with the importance
    weights (blue, filled). Heights are the share of (weighted) samples per
    bin in percent; all bins have equal width, so this is a density up to
    the constant bin width and the two distributions compare directly.

    Parameters
    ----------
    prior : array
        Metric value per sample, in the unit named by ``xlabel``. nan and
        inf values are dropped (the legend says how many).
    posterior_weights : array, optional
        Importance weights, one per sample, >= 0; need not sum to 1.
        Samples whose weight is nan are dropped too. The legend reports the
        effective sample size: ``ess`` where given (the run's own, for every chart and page
        to say the same), else ``(sum w)^2 / sum w^2`` of the weights drawn.
    title, xlabel, caption : str
        Title, x-axis label with unit, caption line.
    observed : dict, optional
        ``{"value", "low", "high", "label"}``: an article figure drawn as a
        vermillion vertical line with a shaded ``low``-``high`` band (``low``
        and ``high`` may be None).
    ax : Axes, optional
        Draw into this axes instead of a new figure.
    bins : int
        Number of equal-width bins over the range of the finite values.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If the weights have the wrong length, are negative, or sum to zero
        over the finite values.
    """
    values = as_float_array(prior)
    # SMC: the calibrated futures are other samples than the prior ones (their own values, weights)
    post_values = None if posterior is None else as_float_array(posterior)
    if post_values is not None:
        pw = np.full(post_values.size, 1.0) if posterior_weights is None else as_float_array(posterior_weights)
        ok = np.isfinite(post_values) & np.isfinite(pw)
        post_values, post_w = post_values[ok], pw[ok]
        posterior_weights = None
    n_total = values.size
    keep = np.isfinite(values)
    weights = None
    if posterior_weights is not None:
        weights = as_float_array(posterior_weights, n_total, "posterior_weights")
        if np.any(weights[np.isfinite(weights)] < 0):
            raise ValueError("posterior_weights must be >= 0")
        keep &= np.isfinite(weights)
    n_dropped = int(n_total - keep.sum())
    values = values[keep]
    if weights is not None:
        weights = weights[keep]
        if values.size and not weights.sum() > 0:
            raise ValueError("posterior_weights sum to zero over the finite values")

    fig, ax = new_figure(ax)
    style_axes(ax)

    degenerate = False
    occupancy: list[Occupancy] = []
    if post_values is not None and post_values.size:
        weights = post_w  # drawn against the prior's bins below
    if values.size:
        lo = float(values.min()) if post_values is None or not post_values.size else min(float(values.min()),
                                                                                           float(post_values.min()))
        hi = float(values.max()) if post_values is None or not post_values.size else max(float(values.max()),
                                                                                           float(post_values.max()))
        if hi - lo <= 1e-12 * max(abs(lo), abs(hi), 1.0):
            degenerate = True
            half = max(abs(lo) * 0.05, 0.5)
            lo, hi = lo - half, hi + half
            bins = min(bins, 21)  # odd: the single value sits mid-bin
        edges = np.linspace(lo, hi, int(bins) + 1)

        n = values.size
        p_prior, _ = np.histogram(values, bins=edges, weights=np.full(n, 100.0 / n))
        prior_label = word("prior_equal", n=format_count(n, current()))
        if degenerate:
            prior_label += f", all = {format_number(values[0])}"
        drawn_max = p_prior.max()
        if weights is not None:
            w = weights / weights.sum()
            ess = 1.0 / float(np.sum(w**2)) if ess is None else ess
            p_post, _ = np.histogram(values if post_values is None else post_values, bins=edges, weights=100.0 * w)
            how = word("importance_weights") if post_values is None else word("smc_particles")
            ax.stairs(p_post, edges, fill=True, color=MODEL, alpha=ALPHA_50 + 0.07,
                      label=word("calibrated_how", how=how, ess=format_count(ess, current())))
            ax.stairs(p_post, edges, color=MODEL, linewidth=LW_SECONDARY)
            drawn_max = max(drawn_max, p_post.max())
            occupancy.append((np.repeat(edges, 2)[1:-1], 0.0, np.repeat(p_post, 2)))
        occupancy.append((np.repeat(edges, 2)[1:-1], 0.0, np.repeat(p_prior, 2)))
        ax.stairs(p_prior, edges, color=PRIOR, linewidth=LW_SECONDARY, label=prior_label)
        ax.set_xlim(edges[0], edges[-1])
        ax.set_ylim(0, drawn_max * 1.15)
    else:
        ax.text(0.5, 0.5, word("no_finite"), transform=ax.transAxes, ha="center",
                va="center", fontsize=FS_LABEL, color=GREY)

    if observed is not None:
        v = observed.get("value")
        lo_o, hi_o = observed.get("low"), observed.get("high")
        label = observed.get("label") or word("article_figure")
        if lo_o is not None and hi_o is not None:
            ax.axvspan(float(lo_o), float(hi_o), color=OBSERVED, alpha=0.13, linewidth=0,
                       label=word("range", low=format_number(lo_o), high=format_number(hi_o)))
            occupancy.append(([float(lo_o), float(hi_o)], -np.inf, np.inf))
        if v is not None:
            ax.axvline(float(v), color=OBSERVED, linewidth=LW_MAIN, linestyle=(0, (6, 2)),
                       label=label)
            occupancy.append(([float(v)], -np.inf, np.inf))
        # Make sure the article figure is visible even outside the model range.
        pts = [float(p) for p in (v, lo_o, hi_o) if p is not None]
        if pts and values.size:
            left, right = ax.get_xlim()
            span = right - left
            ax.set_xlim(min(left, min(pts) - 0.03 * span), max(right, max(pts) + 0.03 * span))

    if n_dropped:
        ax.plot([], [], linestyle="none",
                label=word("dropped_many" if n_dropped != 1 else "dropped_one", n=format_count(n_dropped, current())))

    ax.xaxis.set_major_formatter(big_number_formatter(ax.xaxis))
    ax.set_xlabel(xlabel, fontsize=FS_LABEL)
    ax.set_ylabel(word("share_per_bin"), fontsize=FS_LABEL)
    set_title(ax, title)
    add_caption(fig, caption)
    place_legend(ax, occupancy, corners=("upper right", "upper left"))
    return fig


