"""Charts for the analyst's questions: the PRIM peeling trajectory with the chosen box, when
``samples: auto`` stopped, and the corner plot of inputs that trade off after calibration.

Data in, :class:`~matplotlib.figure.Figure` out (object-oriented API, no pyplot state), in the
charts' style (:mod:`.style`: Okabe-Ito colours, calibrated blue, prior black) with a caption.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.ticker as mticker
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from .style import (
    FS_LABEL,
    FS_LEGEND,
    FS_TICK,
    FS_TITLE,
    GREY,
    HIGH,
    LW_MAIN,
    LW_SECONDARY,
    MODEL,
    PALETTE,
    PRIOR,
    add_caption,
    big_number_formatter,
    count_formatter,
    figure,
    make_legend,
    set_title,
    style_axes,
)


def _fit(label: str, width: int = 36) -> str:
    """A long vertical axis label on two lines in another language (German words run longer than
    the panel is high); English labels as written."""
    import textwrap

    from model.presentation.charts.words import current

    return label if current() == "en" or len(label) <= width else "\n".join(textwrap.wrap(label, width=(len(label) + 1) // 2 + 6))


def _w(section: str, key: str, **fields: object) -> str:
    """A chart text ``<section>.<key>`` in the charts' language (:mod:`model.presentation.charts.words`)."""
    from model.presentation import texts
    from model.presentation.charts.words import current

    return texts.text(f"{section}.{key}", current(), **fields)

__all__ = ["Trajectory", "corner_chart", "peeling_chart", "stopping_chart"]

HOLDS = PALETTE["vermillion"]  # futures where the condition holds
OTHER = "#bbbbbb"  # futures where it does not

#: one PRIM trajectory: (coverage, density, restricted inputs) per box, the chosen index, a legend label
Trajectory = tuple[Sequence[float], Sequence[float], Sequence[int], int, str]


def peeling_chart(
    trajectories: Sequence[Trajectory],
    *,
    share: float,
    scatter: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
    axes_labels: tuple[str, str] = ("", ""),
    box: tuple[tuple[float | None, float | None], tuple[float | None, float | None]] | None = None,
    title: str,
    caption: str,
) -> Figure:
    """Left: PRIM's peeling trajectories (coverage against density, one point per box, the chosen
    box ringed), so an analyst can pick a box; right (if ``scatter``): the futures on the two inputs
    the chosen box restricts most, those meeting the condition in colour, with the box's limits.

    ``trajectories``: ``(coverage, density, restricted, chosen, label)``, the first drawn in blue
    (calibrated), the next in black (prior). ``share``: the base rate (the whole space's density).
    ``scatter``: ``(x, y, holds)`` of up to a few thousand futures; ``box``: its ``(low, high)`` on
    each of the two axes (None: no limit).
    """
    fig = figure((11.0, 4.8) if scatter is not None else (8.0, 4.8))
    axs = fig.subplots(1, 2 if scatter is not None else 1, squeeze=False)[0]
    ax = axs[0]
    style_axes(ax)
    colours = (MODEL, PRIOR)
    for k, (coverage, density, restricted, chosen, label) in enumerate(trajectories):
        c = colours[min(k, 1)]
        cov, den = np.asarray(coverage, dtype=float), np.asarray(density, dtype=float)
        ax.plot(cov, den, color=c, linewidth=LW_SECONDARY, linestyle="-" if k == 0 else (0, (5, 3)),
                marker="o", markersize=3.5, label=label)
        ax.plot([cov[chosen]], [den[chosen]], linestyle="none", marker="o", markersize=13, markerfacecolor="none",
                markeredgecolor=c, markeredgewidth=2.0,
                label=_w("achart", "chosen_box_of", side=label.split()[0], n=restricted[chosen]))
    ax.axhline(share, color=GREY, linewidth=1.0, linestyle=(0, (1.5, 2)), label=_w("achart", "share_all"))
    ax.set_xlim(1.02, 0.0)  # peeling goes from the whole space (coverage 1) to small dense boxes
    ax.set_ylim(0.0, 1.02)
    ax.set_xlabel(_w("achart", "coverage_axis"), fontsize=FS_LABEL)
    ax.set_ylabel(_fit(_w("achart", "density_axis")), fontsize=FS_LABEL)
    make_legend(ax, loc="upper left")
    _title(fig, ax, title, panels=2 if scatter is not None else 1)
    if scatter is not None:
        bx = axs[1]
        style_axes(bx)
        x, y, holds = (np.asarray(a) for a in scatter)
        bx.scatter(x[~holds], y[~holds], s=5, color=OTHER, linewidths=0, label=_w("achart", "not_holds"), rasterized=True)
        bx.scatter(x[holds], y[holds], s=7, color=HOLDS, linewidths=0, label=_w("achart", "holds"), rasterized=True)
        if box is not None:
            (xl, xh), (yl, yh) = box
            x0 = xl if xl is not None else float(np.min(x))
            x1 = xh if xh is not None else float(np.max(x))
            y0 = yl if yl is not None else float(np.min(y))
            y1 = yh if yh is not None else float(np.max(y))
            bx.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, edgecolor=MODEL,
                                   linewidth=LW_MAIN, label=_w("achart", "chosen_box")))
        bx.set_xlabel(axes_labels[0], fontsize=FS_LABEL)
        bx.set_ylabel(_fit(axes_labels[1]), fontsize=FS_LABEL)
        bx.xaxis.set_major_formatter(big_number_formatter(bx.xaxis))
        bx.yaxis.set_major_formatter(big_number_formatter(bx.yaxis))
        make_legend(bx, loc="best", markerscale=2.5)
    add_caption(fig, caption)
    return fig


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
    ax.axhline(tolerance * 100, color=HOLDS, linewidth=LW_SECONDARY, label=_w("achart", "target", value=f"{tolerance * 100:g}"))
    ax.axvline(stopped_at, color=GREY, linewidth=1.2, linestyle=(0, (1.5, 2)), label=_w("achart", "stopped_here"))
    log_x = n.size > 1 and n.max() >= 8 * n.min()
    for a in (axs if two else axs[:1]):
        if log_x:
            a.set_xscale("log")
        a.xaxis.set_major_formatter(count_formatter())
        a.set_xlabel(_w("achart", "samples_drawn") + (_w("achart", "log_scale") if log_x else ""), fontsize=FS_LABEL)
    ax.set_yscale("log")
    plain = mticker.FuncFormatter(lambda v, _pos: f"{v:g}")
    ax.yaxis.set_major_formatter(plain)
    # matplotlib picks the minor ticks to label from the span shown: 2 and 5 over several
    # decades, more of them (the target's 3 among them) when the axis spans less than one
    ax.yaxis.set_minor_formatter(mticker.LogFormatter(labelOnlyBase=False, minor_thresholds=(2, 0.4)))
    ax.set_ylabel(_w("achart", "precision_axis"), fontsize=FS_LABEL)
    make_legend(ax, loc="best", fontsize=FS_LEGEND - 1)
    _title(fig, ax, title, panels=2 if two else 1)
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


def _title(fig: Figure, ax, title: str, *, panels: int) -> None:  # type: ignore[no-untyped-def]
    """One panel: the charts' axes title; several: one title over the figure."""
    if panels == 1:
        set_title(ax, title)
    else:
        fig.suptitle(title, fontsize=FS_TITLE, fontweight="bold")


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
                        linewidth=1.4, label=_w("achart", "prior"))
                ax.hist(calibrated[:, j], bins=edges[j], weights=weights, density=True, color=MODEL, alpha=0.45,
                        label=_w("achart", "calibrated"))
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


def _three_ticks() -> mticker.MaxNLocator:
    return mticker.MaxNLocator(3)
