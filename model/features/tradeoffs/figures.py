"""The trade-offs' chart: the inputs the calibration narrows or ties together most, each pair after
calibration against before (a corner plot)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import matplotlib.ticker as mticker
import numpy as np
from matplotlib.figure import Figure

from ...inputs.priors import info_of
from ...presentation import texts
from ...presentation.charts.style import (
    FS_LEGEND,
    FS_TICK,
    FS_TITLE,
    MODEL,
    PRIOR,
    add_caption,
    big_number_formatter,
    figure,
)
from ...presentation.charts.words import current, unit, wt
from ..base import Chart, FigureContext
from .compute import Tradeoffs

__all__ = ["corner_chart", "tradeoff_figures"]


def _axis(name: str) -> str:
    info = info_of(name)
    label = texts.parameter_label(name, current())
    return f"{label} ({unit(info.unit)})" if info is not None and info.unit else label


def tradeoff_figures(ctx: FigureContext, t: Tradeoffs) -> Iterator[Chart]:
    """``corner_inputs``: drawn from the run's samples with every chart (``--figures all``; the section's
    sentence says what it shows), none when the report is made from summary.json."""
    run = ctx.run
    if run is None or not ctx.every:
        return
    m = len(run.calibrated.inputs)
    title = wt("achart.corner_title")
    fig = corner_chart([_axis(n) for n in t.names], run.prior.input_columns(list(t.names)),
                       run.calibrated.input_columns(list(t.names)), run.calibrated.head_weights(m), title=title,
                       caption=ctx.caption() + wt("achart.corner_note"))
    yield "corner_inputs", title, fig


def corner_chart(
    labels: Sequence[str],
    prior: np.ndarray,
    calibrated: np.ndarray,
    weights: np.ndarray,
    *,
    title: str,
    caption: str,
    bins: int = 40,
) -> Figure:
    """Pair plot of inputs after calibration, with the prior for comparison.

    Diagonal: each input's histogram, prior (black outline) and calibrated (blue, weighted).
    Below it: each pair's calibrated density (blue shading, weighted) with the 50 % and 90 %
    regions of the calibrated (blue) and prior (black, dashed) distributions as contours.
    ``prior`` and ``calibrated`` are ``(n, k)`` values in the inputs' units, in ``labels`` order.
    """
    k = len(labels)
    size = min(11.0, 2.2 * k + 1.0)
    fig = figure((size, size + 0.6))
    axs = fig.subplots(k, k, squeeze=False)
    edges = []
    for j in range(k):
        both = np.concatenate([prior[:, j], calibrated[:, j]])
        lo, hi = np.quantile(both, [0.005, 0.995])
        if not hi > lo:
            lo, hi = float(both.min()), float(both.max()) + 1e-12
        edges.append(np.linspace(lo, hi, bins + 1))
    for i in range(k):
        for j in range(k):
            ax = axs[i, j]
            if j > i:
                ax.set_axis_off()
                continue
            ax.tick_params(labelsize=FS_TICK - 2, length=3)
            for side in ("top", "right"):
                ax.spines[side].set_visible(False)
            if i == j:
                ax.hist(prior[:, j], bins=edges[j], density=True, histtype="step", color=PRIOR,
                        linewidth=1.4, label=wt("achart.prior"))
                ax.hist(calibrated[:, j], bins=edges[j], weights=weights, density=True, color=MODEL, alpha=0.45,
                        label=wt("achart.calibrated"))
                ax.set_yticks([])
                ax.set_xlim(edges[j][0], edges[j][-1])
            else:
                xe, ye = edges[j], edges[i]
                hc = _weighted_hist2d(calibrated[:, j], calibrated[:, i], weights, xe, ye)
                hp = _weighted_hist2d(prior[:, j], prior[:, i], None, xe, ye)
                xc, yc = (xe[:-1] + xe[1:]) / 2, (ye[:-1] + ye[1:]) / 2
                ax.pcolormesh(xe, ye, hc, cmap="Blues", shading="flat", rasterized=True)
                if hp.max() > 0:
                    ax.contour(xc, yc, hp, levels=_levels(hp), colors=PRIOR, linewidths=1.0, linestyles="dashed")
                if hc.max() > 0:
                    ax.contour(xc, yc, hc, levels=_levels(hc), colors=MODEL, linewidths=1.4)
                ax.set_xlim(xe[0], xe[-1])
                ax.set_ylim(ye[0], ye[-1])
                if j == 0:
                    ax.set_ylabel(labels[i], fontsize=FS_TICK - 1)
                    ax.yaxis.set_major_formatter(big_number_formatter(ax.yaxis))
                else:
                    ax.set_yticklabels([])
            ax.xaxis.set_major_formatter(big_number_formatter(ax.xaxis))
            ax.xaxis.set_major_locator(_three_ticks())
            if i == j:
                pass
            elif j == 0:
                ax.yaxis.set_major_locator(_three_ticks())
            if i == k - 1:
                ax.set_xlabel(labels[j], fontsize=FS_TICK - 1)
            else:
                ax.set_xticklabels([])
    handles, names = axs[0, 0].get_legend_handles_labels()
    fig.legend(handles, names, loc="upper right", fontsize=FS_LEGEND, frameon=False)
    fig.suptitle(title, fontsize=FS_TITLE, fontweight="bold")
    add_caption(fig, caption)
    return fig


def _weighted_hist2d(x: np.ndarray, y: np.ndarray, w: np.ndarray | None, xe: np.ndarray, ye: np.ndarray
                     ) -> np.ndarray:
    h, _, _ = np.histogram2d(x, y, bins=(xe, ye), weights=w)
    return h.T / max(h.sum(), 1e-300)


def _levels(h: np.ndarray, shares: Sequence[float] = (0.5, 0.9)) -> list[float]:
    """Density levels enclosing the given shares of the mass (highest-density regions)."""
    flat = np.sort(h.ravel())[::-1]
    cum = np.cumsum(flat)
    out = []
    for s in shares:
        i = int(np.searchsorted(cum, s * cum[-1]))
        out.append(float(flat[min(i, flat.size - 1)]))
    return sorted(set(out))


def _three_ticks() -> mticker.MaxNLocator:
    return mticker.MaxNLocator(3)
