"""The lessons' charts, in English or German: data in, ``matplotlib.figure.Figure`` out.

Each function takes ``lang`` and reads its fixed words ("median", "90 % band", month names)
from :mod:`model.presentation.texts` and its numbers' shape (decimal comma, "Mio.", "41 %")
from :mod:`model.presentation.numbers`; titles, axis labels and captions come in already in
the language. Object-oriented matplotlib (no pyplot state), the Okabe-Ito colours of the
project's other charts, a caption under each figure.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator
from numpy.typing import ArrayLike

from .. import numbers
from ..texts import text
from .style import PALETTE  # Okabe-Ito, colour-blind safe: the palette of the project's other charts

__all__ = ["fan", "futures", "histogram", "density", "index_bars", "tornado", "weight_curve", "month_label",
           "scaled_axis"]

_MODEL, _OBSERVED, _PRIOR, _GREY = PALETTE["blue"], PALETTE["vermillion"], PALETTE["black"], "#555555"
_SIZE = (8.0, 4.5)
_DPI = 110
_FS_TITLE, _FS_LABEL, _FS_TICK, _FS_CAPTION = 13.0, 11.0, 10.0, 10.0


# ---------------------------------------------------------------------------------------------- helpers
def _figure(size: tuple[float, float] = _SIZE) -> tuple[Figure, Axes]:
    fig = Figure(figsize=size, dpi=_DPI, layout="constrained")
    ax = fig.add_subplot()
    ax.tick_params(labelsize=_FS_TICK)
    ax.grid(True, color="#dddddd", linewidth=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return fig, ax


def _finish(fig: Figure, ax: Axes, title: str, caption: str) -> Figure:
    # the title starts at the figure's left edge, not the axes' (long bar labels push those right)
    fig.suptitle("\n".join(textwrap.wrap(title, 75)), fontsize=_FS_TITLE, x=0.012, ha="left")
    if caption:
        wrapped = "\n".join(textwrap.wrap(caption, 110))
        lines = wrapped.count("\n") + 1
        frac = min(0.35, (lines * _FS_CAPTION * 1.35 + 8) / (fig.get_figheight() * 72))
        fig.text(0.012, 0.012, wrapped, ha="left", va="bottom", fontsize=_FS_CAPTION, color=_GREY)
        fig.get_layout_engine().set(rect=(0.0, frac, 1.0, 1.0 - frac))  # type: ignore[union-attr, call-arg]
    return fig


def month_label(month: str, lang: str) -> str:
    """``"2025-10"`` -> ``"Oct 2025"`` / ``"Okt 2025"``."""
    year, mon = month.split("-")
    return f"{text(f'month.{int(mon)}', lang)} {year}"


_SCALES = ((1e9, "unit.scale.billion"), (1e6, "unit.scale.million"), (1e3, "unit.scale.thousand"))


def scaled_axis(values: ArrayLike, unit: str, lang: str) -> tuple[float, str]:
    """``(divisor, words)`` for an axis of ``unit`` values: shells up to 14 million read
    ``2, 4, ...`` with ``(million)`` / ``(Mio.)`` beside the axis label."""
    base = unit.split("/")[0]
    if unit == "fraction" or base in {"months", "days", "ratio"}:
        return 1.0, ""
    v = np.asarray(values, dtype=float)
    top = float(np.nanmax(np.abs(v))) if v.size and np.isfinite(v).any() else 0.0
    for div, key in _SCALES:
        if top >= 2 * div:
            return div, text(key, lang)
    return 1.0, ""


def _formatter(unit: str, lang: str, divisor: float) -> FuncFormatter:
    style = numbers.style(lang)

    def fmt(x: float, _pos: Any = None) -> str:
        if unit == "fraction":
            return numbers.format_percent(x, lang) if abs(x) > 1e-12 else "0" + style.percent
        v = x / divisor
        if abs(v - round(v)) < 1e-9:
            return numbers.format_count(v, lang)
        return f"{v:.1f}".replace(".", style.decimal)

    return FuncFormatter(fmt)


def _axis_label(label: str, scale_words: str) -> str:
    return f"{label} ({scale_words})" if scale_words else label


def _month_axis(ax: Axes, months: Sequence[str], lang: str) -> None:
    n = len(months)
    step = 3 if n <= 24 else 6
    ticks = [i for i, m in enumerate(months) if (int(m.split("-")[1]) - 1) % step == 0] or [0]
    ax.set_xticks(ticks)
    ax.set_xticklabels([month_label(months[i], lang).replace(" ", "\n") for i in ticks])
    ax.set_xlim(-0.5, n - 0.5)
    ax.set_xlabel(text("chart.month", lang), fontsize=_FS_LABEL)


# ---------------------------------------------------------------------------------------------- fans
def fan(months: Sequence[str], quantiles: Mapping[float, ArrayLike], *, lang: str, title: str, ylabel: str,
        unit: str, caption: str = "", observations: Sequence[Mapping[str, Any]] = (), cutoff: str | None = None,
        prior_median: ArrayLike | None = None) -> Figure:
    """Monthly median with 50 % and 90 % bands; article figures as points with their error range.

    ``quantiles``: level (0.05, 0.25, 0.5, 0.75, 0.95) -> values per month, in ``unit``.
    ``observations``: ``{"month", "value", "low", "high", "label"}`` in the same unit.
    ``cutoff``: the month North Korean deliveries stop (a dashed vertical line).
    """
    fig, ax = _figure()
    x = np.arange(len(months))
    q = {float(k): np.asarray(v, dtype=float) for k, v in quantiles.items()}
    divisor, scale_words = scaled_axis(q.get(0.95, q[0.5]), unit, lang)
    if 0.05 in q and 0.95 in q:
        ax.fill_between(x, q[0.05], q[0.95], color=_MODEL, alpha=0.18, linewidth=0, label=text("chart.band90", lang))
    if 0.25 in q and 0.75 in q:
        ax.fill_between(x, q[0.25], q[0.75], color=_MODEL, alpha=0.35, linewidth=0, label=text("chart.band50", lang))
    ax.plot(x, q[0.5], color=_MODEL, linewidth=2.4, label=text("chart.median", lang))
    if prior_median is not None:
        ax.plot(x, np.asarray(prior_median, dtype=float), color=_PRIOR, linestyle=(0, (5, 3)), linewidth=1.6,
                label=text("chart.prior_median", lang))
    markers = ("D", "s", "^", "v", "P")
    for i, obs in enumerate(observations):
        if obs["month"] not in months:
            continue
        t = list(months).index(obs["month"])
        value = float(obs["value"])
        lo, hi = obs.get("low"), obs.get("high")
        yerr = None if lo is None or hi is None else [[max(value - float(lo), 0.0)], [max(float(hi) - value, 0.0)]]
        ax.errorbar([t], [value], yerr=yerr, fmt=markers[i % len(markers)], color=_OBSERVED, markersize=9,
                    markeredgecolor="black", capsize=5, elinewidth=1.8, label=obs.get("label", ""), zorder=5)
    if cutoff is not None and cutoff in months:
        t = list(months).index(cutoff)
        ax.axvline(t - 0.5, color=_GREY, linestyle="--", linewidth=1.4, label=text("chart.cutoff", lang))
    _month_axis(ax, months, lang)
    ax.yaxis.set_major_formatter(_formatter(unit, lang, divisor))
    ax.set_ylabel(_axis_label(ylabel, scale_words), fontsize=_FS_LABEL)
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=_FS_TICK, loc="upper left", frameon=True, edgecolor="#cccccc")
    return _finish(fig, ax, title, caption)


def futures(months: Sequence[str], paths: ArrayLike, *, lang: str, title: str, ylabel: str, unit: str,
            caption: str = "", observations: Sequence[Mapping[str, Any]] = ()) -> Figure:
    """A few futures, one line each (``paths``: (k, months))."""
    fig, ax = _figure()
    p = np.atleast_2d(np.asarray(paths, dtype=float))
    divisor, scale_words = scaled_axis(p, unit, lang)
    x = np.arange(len(months))
    for row in p:
        ax.plot(x, row, color=_MODEL, alpha=0.55, linewidth=1.2)
    ax.plot([], [], color=_MODEL, alpha=0.55, linewidth=1.2, label=text("chart.futures", lang, count=len(p)))
    for obs in observations:
        if obs["month"] in months:
            t = list(months).index(obs["month"])
            lo, hi, value = obs.get("low"), obs.get("high"), float(obs["value"])
            yerr = None if lo is None or hi is None else [[value - float(lo)], [float(hi) - value]]
            ax.errorbar([t], [value], yerr=yerr, fmt="D", color=_OBSERVED, markersize=9, markeredgecolor="black",
                        capsize=5, label=obs.get("label", ""), zorder=5)
    _month_axis(ax, months, lang)
    ax.yaxis.set_major_formatter(_formatter(unit, lang, divisor))
    ax.set_ylabel(_axis_label(ylabel, scale_words), fontsize=_FS_LABEL)
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=_FS_TICK, loc="upper left", edgecolor="#cccccc")
    return _finish(fig, ax, title, caption)


# ---------------------------------------------------------------------------------------------- distributions
def histogram(values: ArrayLike, *, lang: str, title: str, xlabel: str, unit: str, caption: str = "",
              weights: ArrayLike | None = None, label: str = "", compare: ArrayLike | None = None,
              compare_weights: ArrayLike | None = None, compare_label: str = "", reported: float | None = None,
              reported_range: tuple[float, float] | None = None, reported_label: str = "", bins: int = 40) -> Figure:
    """One metric's distribution (density); optionally a second one and a reported figure's range."""
    fig, ax = _figure()
    v = np.asarray(values, dtype=float)
    ok = np.isfinite(v)
    pool = [v[ok]]
    c = None
    if compare is not None:
        c = np.asarray(compare, dtype=float)
        pool.append(c[np.isfinite(c)])
    everything = np.concatenate(pool)
    lo, hi = np.quantile(everything, [0.002, 0.998]) if everything.size else (0.0, 1.0)
    if reported_range is not None:
        lo, hi = min(lo, reported_range[0]), max(hi, reported_range[1])
    edges = np.linspace(lo, hi if hi > lo else lo + 1, bins + 1)
    divisor, scale_words = scaled_axis(edges, unit, lang)
    if c is not None:
        cw = None if compare_weights is None else np.asarray(compare_weights, dtype=float)[np.isfinite(c)]
        ax.hist(c[np.isfinite(c)], bins=list(edges), weights=cw, density=True, histtype="step", color=_PRIOR,
                linewidth=1.8, linestyle=(0, (5, 3)), label=compare_label)
    w = None if weights is None else np.asarray(weights, dtype=float)[ok]
    ax.hist(v[ok], bins=list(edges), weights=w, density=True, color=_MODEL, alpha=0.55, label=label)
    if reported_range is not None:
        ax.axvspan(reported_range[0], reported_range[1], color=_OBSERVED, alpha=0.12,
                   label=text("chart.reported_range", lang))
    if reported is not None:
        ax.axvline(reported, color=_OBSERVED, linewidth=2.4, label=reported_label)
    ax.xaxis.set_major_formatter(_formatter(unit, lang, divisor))
    ax.xaxis.set_major_locator(MaxNLocator(7))
    ax.set_xlabel(_axis_label(xlabel, scale_words), fontsize=_FS_LABEL)
    ax.set_ylabel(text("chart.density", lang), fontsize=_FS_LABEL)
    ax.set_yticks([])
    if any(str(h.get_label()) and not str(h.get_label()).startswith("_") for h in ax.get_legend_handles_labels()[0]):
        ax.legend(fontsize=_FS_TICK, loc="upper right", edgecolor="#cccccc")
    return _finish(fig, ax, title, caption)


def density(x: ArrayLike, pdf: ArrayLike, *, lang: str, title: str, xlabel: str, unit: str, caption: str = "",
            band: tuple[float, float] | None = None, band_label: str = "", marker: float | None = None,
            marker_label: str = "") -> Figure:
    """A distribution's density with its 90 % range shaded and one value marked."""
    fig, ax = _figure((8.0, 3.8))
    xs, ys = np.asarray(x, dtype=float), np.asarray(pdf, dtype=float)
    divisor, scale_words = scaled_axis(xs, unit, lang)
    ax.plot(xs, ys, color=_MODEL, linewidth=2.4)
    if band is not None:
        inside = (xs >= band[0]) & (xs <= band[1])
        ax.fill_between(xs, 0, ys, where=inside, color=_MODEL, alpha=0.25, linewidth=0, label=band_label)
    if marker is not None:
        ax.axvline(marker, color=_OBSERVED, linewidth=2.4, label=marker_label)
    ax.xaxis.set_major_formatter(_formatter(unit, lang, divisor))
    ax.set_xlabel(_axis_label(xlabel, scale_words), fontsize=_FS_LABEL)
    ax.set_ylabel(text("chart.density", lang), fontsize=_FS_LABEL)
    ax.set_yticks([])
    ax.set_ylim(bottom=0)
    if band_label or marker_label:
        ax.legend(fontsize=_FS_TICK, loc="upper right", edgecolor="#cccccc")
    return _finish(fig, ax, title, caption)


# ---------------------------------------------------------------------------------------------- sensitivity
def index_bars(names: Sequence[str], total: ArrayLike, first: ArrayLike | None = None, *, lang: str, title: str,
               caption: str = "", low: ArrayLike | None = None, high: ArrayLike | None = None, top: int = 10) -> Figure:
    """Sobol indices per input, largest total index on top (intervals as whiskers)."""
    st = np.asarray(total, dtype=float)
    order = np.argsort(-np.nan_to_num(st, nan=-1))[:top][::-1]
    fig, ax = _figure((8.0, 0.45 * len(order) + 1.8))
    y = np.arange(len(order))
    err = None
    if low is not None and high is not None:
        lo, hi = np.asarray(low, dtype=float)[order], np.asarray(high, dtype=float)[order]
        err = [np.maximum(st[order] - lo, 0), np.maximum(hi - st[order], 0)]
    ax.barh(y + (0.2 if first is not None else 0), st[order], height=0.4 if first is not None else 0.6,
            color=_MODEL, xerr=err, ecolor=_GREY, capsize=3, label=text("chart.sobol_total", lang))
    if first is not None:
        s1 = np.asarray(first, dtype=float)[order]
        ax.barh(y - 0.2, s1, height=0.4, color=PALETTE["sky_blue"], label=text("chart.sobol_first", lang))
    ax.set_yticks(y)
    ax.set_yticklabels([names[i] for i in order])
    ax.set_xlim(0, max(1.0, float(np.nanmax(st)) * 1.05) if np.isfinite(st).any() else 1.0)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: numbers.format_index(v, lang)))
    ax.set_xlabel(text("chart.sobol_axis", lang), fontsize=_FS_LABEL)
    ax.legend(fontsize=_FS_TICK, loc="lower right", edgecolor="#cccccc")
    return _finish(fig, ax, title, caption)


def tornado(names: Sequence[str], low_values: ArrayLike, high_values: ArrayLike, baseline: float, *, lang: str,
            title: str, xlabel: str, unit: str, caption: str = "", top: int = 10) -> Figure:
    """How far the metric moves when each input goes from its 5th to its 95th percentile."""
    lo, hi = np.asarray(low_values, dtype=float), np.asarray(high_values, dtype=float)
    swing = np.abs(np.nan_to_num(hi - lo))
    order = np.argsort(-swing)[:top][::-1]
    fig, ax = _figure((8.0, 0.45 * len(order) + 1.8))
    y = np.arange(len(order))
    divisor, scale_words = scaled_axis(np.concatenate([lo, hi]), unit, lang)
    ax.barh(y, lo[order] - baseline, left=baseline, height=0.6, color=PALETTE["sky_blue"],
            label=text("chart.input_low", lang))
    ax.barh(y, hi[order] - baseline, left=baseline, height=0.6, color=PALETTE["orange"],
            label=text("chart.input_high", lang))
    ax.axvline(baseline, color=_PRIOR, linewidth=1.4)
    ax.set_yticks(y)
    ax.set_yticklabels([names[i] for i in order])
    ax.xaxis.set_major_formatter(_formatter(unit, lang, divisor))
    ax.set_xlabel(_axis_label(xlabel, scale_words), fontsize=_FS_LABEL)
    ax.legend(fontsize=_FS_TICK, loc="lower right", edgecolor="#cccccc")
    return _finish(fig, ax, title, caption)


def weight_curve(weights: ArrayLike, *, lang: str, title: str, caption: str = "") -> Figure:
    """Share of the weight carried by the heaviest futures: how concentrated a calibration is."""
    w = np.sort(np.asarray(weights, dtype=float))[::-1]
    w = w / w.sum()
    share_samples = np.arange(1, w.size + 1) / w.size
    fig, ax = _figure((8.0, 3.8))
    ax.plot(share_samples, np.cumsum(w), color=_MODEL, linewidth=2.4, label=text("chart.weights_calibrated", lang))
    ax.plot([0, 1], [0, 1], color=_PRIOR, linestyle=(0, (5, 3)), linewidth=1.4, label=text("chart.weights_equal", lang))
    fmt = FuncFormatter(lambda v, _p: numbers.format_percent(v, lang))
    ax.xaxis.set_major_formatter(fmt)
    ax.yaxis.set_major_formatter(fmt)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel(text("chart.weights_x", lang), fontsize=_FS_LABEL)
    ax.set_ylabel(text("chart.weights_y", lang), fontsize=_FS_LABEL)
    ax.legend(fontsize=_FS_TICK, loc="lower right", edgecolor="#cccccc")
    return _finish(fig, ax, title, caption)
