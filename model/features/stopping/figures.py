"""Stopping's chart: each metric's precision at every checkpoint against the target, and the first
metric's quantiles with their confidence intervals, with the point where sampling stopped."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

import matplotlib.ticker as mticker
import numpy as np
from matplotlib.figure import Figure

from ...core.catalogue import METRICS
from ...presentation import texts
from ...presentation.charts.style import (
    FS_LABEL,
    FS_LEGEND,
    GREY,
    HIGH,
    LW_SECONDARY,
    MODEL,
    PALETTE,
    PRIOR,
    add_caption,
    big_number_formatter,
    count_formatter,
    figure,
    make_legend,
    panel_title,
    style_axes,
)
from ...presentation.charts.words import current, unit, wt
from ..base import Chart, FigureContext
from .compute import Stopping

__all__ = ["stopping_chart", "stopping_figures"]

HOLDS = PALETTE["vermillion"]  # the target line


def quantile_label(q: float, lang: str) -> str:
    """0.05 -> "5th percentile" (in ``lang``)."""
    return texts.text("analyst.percentile", lang, n=f"{round(100 * q, 6):g}")


def stopping_figures(ctx: FigureContext, s: Stopping) -> Iterator[Chart]:
    """``convergence_stopping``: when ``samples: auto`` stopped."""
    lang = current()
    first = s.target.metrics[0] if s.target.metrics else None
    title = wt("achart.stopping_title")
    fig = stopping_chart(
        [c.samples for c in s.checks], {texts.header(m, lang): [c.worst(m) for c in s.checks] for m in s.target.metrics},
        tolerance=s.target.tolerance, stopped_at=s.samples,
        estimates=[c.estimates[first] for c in s.checks] if first else None,
        quantile_labels=[quantile_label(q, lang) for q in s.target.quantiles] if first else (),
        estimate_label=f"{texts.title(first, lang)} ({unit(METRICS[first].unit)})" if first else "",
        title=title, caption=ctx.caption() + wt("achart.stopping_note"))
    yield "convergence_stopping", title, fig


def stopping_chart(
    samples: Sequence[int],
    precision: Mapping[str, Sequence[float]],
    *,
    tolerance: float,
    stopped_at: int,
    estimates: Sequence[Sequence[tuple[float, float, float]]] | None = None,
    quantile_labels: Sequence[str] = (),
    estimate_label: str = "",
    title: str,
    caption: str,
) -> Figure:
    """When ``samples: auto`` stopped: each metric's precision at every checkpoint against the
    target (left), and, if ``estimates`` are given, the first metric's quantiles with their
    confidence intervals at each checkpoint (right); the stopping point is marked on both.

    ``precision[metric]``: relative precision (worst quantile) per checkpoint; ``estimates``:
    ``estimates[checkpoint][quantile] = (value, low, high)`` of the first metric.
    """
    n = np.asarray(samples, dtype=float)
    two = estimates is not None and len(quantile_labels) > 0
    fig = figure((11.0, 4.6) if two else (8.0, 4.6))
    axs = fig.subplots(1, 2 if two else 1, squeeze=False)[0]
    ax = axs[0]
    style_axes(ax)
    styles = ["-", (0, (5, 3)), (0, (1.5, 2)), (0, (6, 2, 1.5, 2)), (0, (3, 1))]
    colours = [MODEL, PRIOR, HIGH, PALETTE["bluish_green"], PALETTE["reddish_purple"]]
    for k, (metric, values) in enumerate(precision.items()):
        v = np.asarray(values, dtype=float) * 100
        ax.plot(n, np.where(np.isfinite(v), v, np.nan), color=colours[k % len(colours)],
                linestyle=styles[k % len(styles)], linewidth=LW_SECONDARY, marker="o", markersize=4, label=metric)
    ax.axhline(tolerance * 100, color=HOLDS, linewidth=LW_SECONDARY, label=wt("achart.target", value=f"{tolerance * 100:g}"))
    ax.axvline(stopped_at, color=GREY, linewidth=1.2, linestyle=(0, (1.5, 2)), label=wt("achart.stopped_here"))
    log_x = n.size > 1 and n.max() >= 8 * n.min()
    for a in (axs if two else axs[:1]):
        if log_x:
            a.set_xscale("log")
        a.xaxis.set_major_formatter(count_formatter())
        a.set_xlabel(wt("achart.samples_drawn") + (wt("achart.log_scale") if log_x else ""), fontsize=FS_LABEL)
    ax.set_yscale("log")
    plain = mticker.FuncFormatter(lambda v, _pos: f"{v:g}")
    ax.yaxis.set_major_formatter(plain)
    # matplotlib picks the minor ticks to label from the span shown: 2 and 5 over several
    # decades, more of them (the target's 3 among them) when the axis spans less than one
    ax.yaxis.set_minor_formatter(mticker.LogFormatter(labelOnlyBase=False, minor_thresholds=(2, 0.4)))
    ax.set_ylabel(wt("achart.precision_axis"), fontsize=FS_LABEL)
    make_legend(ax, loc="best", fontsize=FS_LEGEND - 1)
    panel_title(fig, ax, title, panels=2 if two else 1)
    if two:
        bx = axs[1]
        style_axes(bx)
        est = np.asarray(estimates, dtype=float)  # (checkpoints, quantiles, 3)
        for q, label in enumerate(quantile_labels):
            c = colours[q % len(colours)]
            bx.fill_between(n, est[:, q, 1], est[:, q, 2], color=c, alpha=0.25, linewidth=0)
            bx.plot(n, est[:, q, 0], color=c, linewidth=LW_SECONDARY, marker="o", markersize=3.5, label=label)
        bx.axvline(stopped_at, color=GREY, linewidth=1.2, linestyle=(0, (1.5, 2)))
        bx.yaxis.set_major_formatter(big_number_formatter(bx.yaxis))
        bx.set_ylabel(estimate_label, fontsize=FS_LABEL)
        make_legend(bx, loc="best")
    add_caption(fig, caption)
    return fig
