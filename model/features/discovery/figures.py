"""Discovery's chart: which boxes of input ranges an analyst can choose from (share of the box's futures
that meet the condition against the share of all such futures it holds), and the futures on the two
inputs the chosen box restricts most."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from ...core.catalogue import METRICS
from ...inputs.conditions import evaluate_condition, parse_condition
from ...inputs.priors import info_of
from ...presentation import texts
from ...presentation.charts.style import (
    FS_LABEL,
    GREY,
    LW_MAIN,
    LW_SECONDARY,
    MODEL,
    PALETTE,
    PRIOR,
    add_caption,
    big_number_formatter,
    figure,
    make_legend,
    panel_title,
    style_axes,
)
from ...presentation.charts.words import current, fit_label, unit, wt
from ..base import Chart, FigureContext
from .compute import ConditionFinding, DiscoveryOn
from .words import condition_words

__all__ = ["SCATTER_POINTS", "discovery_figures", "discovery_title", "peeling_chart"]

#: Futures drawn in a discovery scatter (a weighted resample of the kept ones).
SCATTER_POINTS = 4000
HOLDS = PALETTE["vermillion"]  # futures where the condition holds
OTHER = "#bbbbbb"  # futures where it does not

#: one trajectory: (coverage, density, restricted inputs) per box, the chosen index, a legend label
Trajectory = tuple[Sequence[float], Sequence[float], Sequence[int], int, str]


def discovery_title(name: str, condition: str) -> str:
    return wt("achart.discovery_title", name=name.replace("_", " "), condition=condition_words(condition, current()))


def _axis(name: str) -> str:
    info = info_of(name)
    assert info is not None
    return f"{texts.parameter_label(name, current())} ({unit(info.unit)})"


def _resample(m: int, seed: int, weights: np.ndarray | None) -> np.ndarray:
    """Indices of up to ``SCATTER_POINTS`` of the first ``m`` futures, drawn in proportion to their
    weights (so a scatter of calibrated futures shows their density), the same for the same seed."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(2**31 - 5,)))
    k = min(SCATTER_POINTS, m)
    if weights is None:
        return np.sort(rng.choice(m, size=k, replace=False))
    return np.sort(rng.choice(m, size=k, replace=True, p=weights))


def _figure(ctx: FigureContext, f: ConditionFinding) -> Figure:
    main: DiscoveryOn = f.calibrated or f.prior
    sides = [(f.calibrated, wt("achart.side_calibrated")), (f.prior, wt("achart.side_prior"))] if f.calibrated else \
        [(f.prior, wt("achart.side_uncalibrated"))]
    trajectories = [([b.coverage for b in d.prim.boxes], [b.density for b in d.prim.boxes],
                     [b.n_restricted for b in d.prim.boxes], d.prim.chosen, label)
                    for d, label in sides if d is not None]
    order = [n for n, _, _ in main.without]
    if len(order) < 2:  # one restricted input: pair it with the prior box's most important other one
        order += [n for n, _, _ in f.prior.without if n not in order]
    scatter = box = None
    labels = ("", "")
    run = ctx.run
    if len(order) >= 2 and run is not None:
        ensemble = run.calibrated if f.calibrated is not None else run.prior
        m = main.futures
        idx = _resample(m, ctx.summary.seed, ensemble.head_weights(m) if f.calibrated is not None else None)
        xy = ensemble.input_columns(order[:2])[idx]
        holds = evaluate_condition(parse_condition(f.condition, METRICS),
                                   {k: v[:m][idx] for k, v in ensemble.metrics.items()})
        scatter = (xy[:, 0], xy[:, 1], holds)
        limits = main.prim.box.limits
        box = tuple(limits.get(n, (None, None)) for n in order[:2])
        labels = (_axis(order[0]), _axis(order[1]))
    return peeling_chart(trajectories, share=main.share, scatter=scatter, axes_labels=labels,
                         box=box, title=discovery_title(f.name, f.condition),  # type: ignore[arg-type]
                         caption=ctx.caption() + wt("achart.discovery_note"))


def discovery_figures(ctx: FigureContext, block: tuple[ConditionFinding, ...]) -> Iterator[Chart]:
    """``discovery_<name>``: one chart per condition."""
    for f in block:
        yield f"discovery_{f.name}", discovery_title(f.name, f.condition), _figure(ctx, f)


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
                label=wt("achart.chosen_box_of", side=label.split()[0], n=restricted[chosen]))
    ax.axhline(share, color=GREY, linewidth=1.0, linestyle=(0, (1.5, 2)), label=wt("achart.share_all"))
    ax.set_xlim(1.02, 0.0)  # peeling goes from the whole space (coverage 1) to small dense boxes
    ax.set_ylim(0.0, 1.02)
    ax.set_xlabel(wt("achart.coverage_axis"), fontsize=FS_LABEL)
    ax.set_ylabel(fit_label(wt("achart.density_axis")), fontsize=FS_LABEL)
    make_legend(ax, loc="upper left")
    panel_title(fig, ax, title, panels=2 if scatter is not None else 1)
    if scatter is not None:
        bx = axs[1]
        style_axes(bx)
        x, y, holds = (np.asarray(a) for a in scatter)
        bx.scatter(x[~holds], y[~holds], s=5, color=OTHER, linewidths=0, label=wt("achart.not_holds"), rasterized=True)
        bx.scatter(x[holds], y[holds], s=7, color=HOLDS, linewidths=0, label=wt("achart.holds"), rasterized=True)
        if box is not None:
            (xl, xh), (yl, yh) = box
            x0 = xl if xl is not None else float(np.min(x))
            x1 = xh if xh is not None else float(np.max(x))
            y0 = yl if yl is not None else float(np.min(y))
            y1 = yh if yh is not None else float(np.max(y))
            bx.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, edgecolor=MODEL,
                                   linewidth=LW_MAIN, label=wt("achart.chosen_box")))
        bx.set_xlabel(axes_labels[0], fontsize=FS_LABEL)
        bx.set_ylabel(fit_label(axes_labels[1]), fontsize=FS_LABEL)
        bx.xaxis.set_major_formatter(big_number_formatter(bx.xaxis))
        bx.yaxis.set_major_formatter(big_number_formatter(bx.yaxis))
        make_legend(bx, loc="best", markerscale=2.5)
    add_caption(fig, caption)
    return fig
