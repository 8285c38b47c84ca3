"""Figures for reports: fan charts, histograms, tornado and Sobol bars, convergence.

Every function here takes plain data (numpy arrays, lists, dicts), draws one
figure and returns the :class:`matplotlib.figure.Figure`. The functions never
run the model, never read files and never choose file names: the caller saves
the figure, normally with :func:`save_figure`, the only function that writes.

Conventions shared by all figures
---------------------------------
* Colours come from the Okabe-Ito palette (:data:`PALETTE`), readable by
  colour-blind readers; model output is blue, article figures vermillion with
  a distinct marker, comparison lines black and dashed. Uncertainty bands are
  told apart by transparency *and* by their legend entry, never by red/green.
* Text is at least 10 pt, lines at least 1.5 pt, the default size 8 x 4.5 in,
  so a figure reads both in print and on a projector.
* Each figure has a title, axis labels with units and a caption line at the
  bottom (grey, 10 pt) given by the caller; the caption should name the
  scenario, the number of samples, the seed and who claimed the plotted
  article figures. Figures built here use constrained layout with room kept
  for the caption, so it never overlaps the axis labels. Titles, long y
  labels and the caption are wrapped to the width they have (measured, not
  guessed from the number of characters), so none runs off the figure.
* Figures built here are created at 150 dpi, the dpi of the saved PNG.
* Big numbers are printed readably ("3.5 M", "20 bn", "12,000").
* Months are strings ``"YYYY-MM"``; they are drawn on a date axis (first day
  of the month) with yearly / quarterly ticks and unlabelled monthly marks.
* Legends are put in a corner of the plot only where they hide no data
  (raising the top of the y axis a little if that makes room), otherwise
  below the x-axis label.
* ``ax=``: draw into an existing axes; the returned figure is ``ax.figure``.
  The caption is written once per figure (a later call replaces it). Use a
  figure with ``layout="constrained"`` so labels and caption get room; for a
  figure without layout engine only the bottom margin is widened.

Speed
-----
A figure is laid out once (to place the legend) and, unless something
changes afterwards, :func:`save_figure` keeps that layout for both files
instead of letting matplotlib lay it out and draw it twice per file. Date
ticks are computed with numpy, titles have a fixed position. Together this
makes a scenario's figures about three times faster to write.
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import MappingProxyType
from typing import Any

import matplotlib.dates as mdates
import matplotlib.lines as mlines
import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import numpy as np
import PIL.Image
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.transforms import (
    Bbox,
    ScaledTranslation,
    TransformedBbox,
    blended_transform_factory,
)
from numpy.typing import ArrayLike

__all__ = [
    "FIGSIZE",
    "PALETTE",
    "big_number_formatter",
    "convergence_plot",
    "cutoff_chart",
    "fan_chart",
    "format_number",
    "metric_histogram",
    "months_to_dates",
    "save_figure",
    "scenario_comparison",
    "sobol_bars",
    "tornado_chart",
]

#: Okabe-Ito colour-blind-safe palette (Okabe & Ito 2008), name -> hex code.
PALETTE: Mapping[str, str] = MappingProxyType(
    {
        "black": "#000000",
        "orange": "#E69F00",
        "sky_blue": "#56B4E9",
        "bluish_green": "#009E73",
        "yellow": "#F0E442",
        "blue": "#0072B2",
        "vermillion": "#D55E00",
        "reddish_purple": "#CC79A7",
    }
)

#: Default size of a single-panel figure, inches (width, height).
FIGSIZE: tuple[float, float] = (8.0, 4.5)

# Resolution of the saved PNG, dots per inch. Figures are created with it too:
# laying them out at the dpi they are saved at lets the PNG reuse the renderer
# and its cached text sizes.
_DPI = 150

# Roles -> colours, so every figure uses the same meaning for the same colour.
_MODEL = PALETTE["blue"]
_OBSERVED = PALETTE["vermillion"]
_PRIOR = PALETTE["black"]
_LOW = PALETTE["sky_blue"]
_HIGH = PALETTE["orange"]
_GREY = "#555555"  # caption and annotations (contrast 7.5:1 on white)

# Font sizes, points. Nothing below 10 pt.
_FS_TITLE = 13.0
_FS_LABEL = 11.0
_FS_TICK = 10.0
_FS_LEGEND = 10.0
_FS_CAPTION = 10.0

# Line widths, points.
_LW_MAIN = 2.4
_LW_SECONDARY = 1.8

# Minor tick marks, points.
_MINOR_TICK_LEN = 3.0
_MINOR_TICK_WIDTH = 0.8

# Transparency of uncertainty bands (the wider band is the lighter one).
_ALPHA_90 = 0.18
_ALPHA_50 = 0.38

_CAPTION_GID = "nk-plots-caption"
_MARKERS = ("D", "s", "^", "v", "P", "X", "o", "*")
_QUANTILE_TOL = 1e-6

# ---------------------------------------------------------------------------
# Formatting helpers
# ---------------------------------------------------------------------------


def _trim(v: float, decimals: int | None = None) -> str:
    """Format ``v`` with ``decimals`` places, or up to 3 significant digits."""
    if decimals is not None:
        s = f"{v:,.{decimals}f}"
    elif abs(v) >= 100:
        s = f"{v:,.0f}"
    else:
        s = f"{v:.3g}"
    return s.replace("-", "\u2212")


def _scale(ref: float) -> tuple[float, str]:
    """Divisor and suffix for numbers of magnitude ``ref``."""
    if ref >= 1e9:
        return 1e9, " bn"
    if ref >= 1e6:
        return 1e6, " M"
    return 1.0, ""


def format_number(
    x: float, reference: float | None = None, decimals: int | None = None
) -> str:
    """Format a number readably: ``3.5 M``, ``20 bn``, ``12,000``, ``0.25``.

    Parameters
    ----------
    x : float
        The number (any unit; the unit is not printed).
    reference : float, optional
        Magnitude that picks the scale. Tick labels pass the largest value on
        the axis so that all ticks share one scale ("0.5 M", "1 M", ...);
        by default ``abs(x)`` itself.
    decimals : int, optional
        Fixed number of decimals after scaling; by default up to 3
        significant digits.

    Returns
    -------
    str
        ``"n/a"`` for None, nan or inf.
    """
    if x is None:
        return "n/a"
    x = float(x)
    if not math.isfinite(x):
        return "n/a"
    ref = abs(x) if reference is None else abs(float(reference))
    if x == 0:
        return "0"
    div, suffix = _scale(ref)
    if div > 1:
        return f"{_trim(x / div, decimals)}{suffix}"
    if decimals is None and (ref >= 1e4 or abs(x) >= 1000):
        decimals = 0
    return _trim(x, decimals)


def _tick_decimals(locs: np.ndarray, div: float) -> int | None:
    """Fewest decimals that print every tick value exactly (after ``/ div``)."""
    vals = np.asarray(locs, dtype=float) / div
    vals = vals[np.isfinite(vals)]
    if not vals.size:
        return None
    tol = 1e-6 * max(float(np.max(np.abs(vals))), 1e-12)
    for d in range(7):
        if np.all(np.abs(np.round(vals, d) - vals) <= tol):
            return d
    return None


class _BigNumberFormatter(mticker.FuncFormatter):
    """FuncFormatter that fixes the decimals once per set of ticks."""

    def __init__(self, axis: Axis) -> None:
        self._axis = axis
        self._decimals: int | None = None
        super().__init__(self._format)

    def format_ticks(self, values):
        lo, hi = self._axis.get_view_interval()
        div, _ = _scale(max(abs(lo), abs(hi)))
        vals = np.asarray(values, dtype=float)
        self._decimals = _tick_decimals(vals[(vals >= min(lo, hi)) & (vals <= max(lo, hi))], div)
        try:
            return super().format_ticks(values)
        finally:
            self._decimals = None

    def _format(self, x: float, pos: int | None = None) -> str:
        lo, hi = self._axis.get_view_interval()
        ref = max(abs(lo), abs(hi))
        if not math.isfinite(ref):
            return format_number(x)
        return format_number(x, reference=ref, decimals=self._decimals)


def big_number_formatter(axis: Axis) -> mticker.FuncFormatter:
    """Tick formatter printing ``3.5 M`` / ``20 bn`` / ``12,000`` for ``axis``.

    The scale (bn, M or plain with thousands separators) is chosen from the
    largest absolute value in the axis' current view, and the number of
    decimals from the tick spacing, so all tick labels of one axis share a
    scale and a format ("1.90 M", "1.95 M", "2.00 M").

    Parameters
    ----------
    axis : matplotlib.axis.Axis
        ``ax.xaxis`` or ``ax.yaxis``.

    Returns
    -------
    matplotlib.ticker.FuncFormatter
    """
    return _BigNumberFormatter(axis)


def _count_formatter() -> mticker.FuncFormatter:
    """Formatter for sample counts on a log axis: ``100``, ``1,000``, ``10,000``."""

    def _fmt(x: float, pos: int | None = None) -> str:
        if x <= 0 or not math.isfinite(x):
            return ""
        return f"{x:,.0f}" if x >= 1 else f"{x:g}"

    return mticker.FuncFormatter(_fmt)


def months_to_dates(months: Sequence[str] | ArrayLike) -> np.ndarray:
    """Convert ``"YYYY-MM"`` strings to ``datetime64[D]`` (first day of month).

    Parameters
    ----------
    months : sequence of str or array of datetime64
        Calendar months, e.g. ``["2023-09", "2023-10"]``.

    Returns
    -------
    numpy.ndarray
        ``datetime64[D]`` array, one date per month.

    Raises
    ------
    ValueError
        If an entry is not a valid ``YYYY-MM`` month.
    """
    arr = np.asarray(months)
    if np.issubdtype(arr.dtype, np.datetime64):
        return arr.astype("datetime64[M]").astype("datetime64[D]")
    try:
        return np.array([np.datetime64(str(m), "M") for m in arr.ravel()]).astype(
            "datetime64[D]"
        )
    except ValueError as exc:  # pragma: no cover - message is the point
        raise ValueError(f"months must be 'YYYY-MM' strings: {exc}") from exc


def _month(m: str) -> np.datetime64:
    return months_to_dates([m])[0]


def _as_float_array(values: ArrayLike | None, n: int | None = None, what: str = "") -> np.ndarray:
    """1-D float array; None entries become nan; optional length check."""
    if values is None:
        arr = np.full(n if n is not None else 0, np.nan)
    else:
        arr = np.array(
            [np.nan if v is None else v for v in np.ravel(np.asarray(values, dtype=object))],
            dtype=float,
        )
    if n is not None and arr.size != n:
        raise ValueError(f"{what or 'array'} has {arr.size} values, expected {n}")
    return arr


# ---------------------------------------------------------------------------
# Figure / axes helpers
# ---------------------------------------------------------------------------


def _new_figure(
    ax: Axes | None, figsize: tuple[float, float] = FIGSIZE
) -> tuple[Figure, Axes]:
    if ax is not None:
        return ax.figure, ax  # type: ignore[return-value]
    fig, new_ax = plt.subplots(figsize=figsize, layout="constrained", dpi=_DPI)
    return fig, new_ax


def _style_axes(ax: Axes) -> None:
    ax.tick_params(axis="both", which="major", labelsize=_FS_TICK, width=1.0, length=5)
    ax.tick_params(axis="both", which="minor", labelsize=_FS_TICK, width=_MINOR_TICK_WIDTH,
                   length=_MINOR_TICK_LEN)
    ax.grid(True, which="major", color="#dddddd", linewidth=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_in_layout(False)


def _text_width(renderer, text: str, prop: FontProperties) -> float:
    """Width in display units of the widest line of ``text``."""
    return max(renderer.get_text_width_height_descent(line, prop, ismath=False)[0]
               for line in text.split("\n"))


def _fill(text: str, chars: int) -> str:
    """``textwrap.fill`` that may also break after an underscore (``metric_names``)."""
    return textwrap.fill(text.replace("_", "_ "), chars, break_long_words=False).replace(
        "_ ", "_")


def _wrap_to_width(text: str, prop: FontProperties, renderer, max_width: float,
                   balance: bool = False) -> str:
    """``text`` wrapped at word boundaries so no line is wider than ``max_width``.

    Widths are measured with the renderer (display units), not guessed from
    the number of characters. Lines break at spaces, or after an underscore
    in a long identifier; a single word wider than ``max_width`` is not
    broken. ``balance``: lines of similar length (for titles) instead of full
    lines and a short last one (for paragraphs).
    """
    flat = " ".join(text.split())
    full = _text_width(renderer, flat, prop)
    if full <= max_width or not (" " in flat or "_" in flat):
        return flat
    chars = max(8, int(len(flat) * max_width / full))
    while True:
        wrapped = _fill(flat, chars)
        if chars <= 8 or _text_width(renderer, wrapped, prop) <= max_width:
            break
        chars = max(8, int(chars * 0.92))
    if balance:
        # The narrowest wrapping with as many lines: its lines are no wider.
        n_lines = wrapped.count("\n")
        while chars > 8:
            narrower = _fill(flat, chars - 1)
            if narrower.count("\n") != n_lines:
                break
            wrapped, chars = narrower, chars - 1
    return wrapped


def _set_title(ax: Axes, title: str) -> None:
    """Bold title, wrapped to the figure's width (to the axes' once laid out).

    y=1.0 fixes its position: matplotlib's automatic one only moves the title
    for tick labels or an offset text above the axes (never used here) and
    costs a full pass over the y-axis ticks at every draw and layout.
    """
    text = ax.set_title(title, fontsize=_FS_TITLE, fontweight="bold", pad=10, y=1.0)
    fig = ax.figure
    text.set_text(_wrap_to_width(title, text.get_fontproperties(), fig._get_renderer(),
                                 fig.bbox.width - 2 * _edge_margin(fig), balance=True))


def _pixels(fig: Figure, n: float) -> float:
    """``n`` pixels of a 100 dpi figure in display units of ``fig`` (whatever its dpi)."""
    return n * fig.dpi / 100


def _edge_margin(fig: Figure) -> float:
    """Space kept free at the figure's edges by :func:`_fit_texts`, display units."""
    return 6 * fig.dpi / 72


def _fit_texts(ax: Axes, renderer) -> bool:
    """Re-wrap the title and y-axis label of ``ax`` if they would stick out of the figure.

    Constrained layout makes room for the *height* of a title and the *width*
    of a y label only, so a long title (centred on its axes) or y label
    (centred on the axes' height) runs off the figure instead of wrapping.
    Call after a layout pass; returns True if a text changed (lay out again).
    """
    fig = ax.figure
    margin = _edge_margin(fig)
    fig_w, fig_h = fig.bbox.width, fig.bbox.height
    captions = [t for t in fig.texts if t.get_gid() == _CAPTION_GID and t.get_text()]
    floor = max((t.get_window_extent(renderer).y1 for t in captions), default=0.0)
    changed = False
    bb = ax.bbox
    cx, cy = (bb.x0 + bb.x1) / 2, (bb.y0 + bb.y1) / 2
    for text, room in ((ax.title, 2 * min(cx, fig_w - cx) - 2 * margin),
                       (ax.yaxis.label, 2 * min(cy - floor, fig_h - cy) - 2 * margin)):
        old = text.get_text()
        if not old or room <= 0:
            continue
        # Along the reading direction: a y label is rotated, its "width" is its height.
        if "\n" not in old and _text_width(renderer, old, text.get_fontproperties()) <= room:
            continue
        new = _wrap_to_width(old, text.get_fontproperties(), renderer, room, balance=True)
        if new != old:
            text.set_text(new)
            changed = True
    return changed


def _legend(ax: Axes, **kwargs: Any):
    kwargs.setdefault("fontsize", _FS_LEGEND)
    kwargs.setdefault("title_fontsize", _FS_LEGEND)
    kwargs.setdefault("framealpha", 0.92)
    kwargs.setdefault("edgecolor", "#cccccc")
    return ax.legend(**kwargs)


def _add_caption(fig: Figure, caption: str) -> None:
    """Write the caption at the bottom of ``fig`` and keep room for it.

    A second call on the same figure (several panels drawn into one figure
    by the caller) replaces the caption instead of stacking two of them.
    """
    if not caption:
        return
    height_in = fig.get_figheight()
    prop = FontProperties(size=_FS_CAPTION)
    wrapped = _wrap_to_width(caption, prop, fig._get_renderer(),
                             fig.bbox.width * (1 - 2 * 0.012) - _edge_margin(fig))
    n_lines = wrapped.count("\n") + 1
    frac = (n_lines * _FS_CAPTION * 1.3 + 10) / (height_in * 72)
    frac = min(frac, 0.4)

    existing = [t for t in fig.texts if t.get_gid() == _CAPTION_GID]
    if existing:
        existing[0].set_text(wrapped)
    else:
        fig.text(
            0.012,
            0.012,
            wrapped,
            ha="left",
            va="bottom",
            fontsize=_FS_CAPTION,
            color=_GREY,
            gid=_CAPTION_GID,
            wrap=False,
        )
    engine = fig.get_layout_engine()
    if isinstance(engine, ConstrainedLayoutEngine):
        engine.set(rect=(0.0, frac, 1.0, 1.0 - frac))
    elif engine is None:
        bottom = max(fig.subplotpars.bottom, frac + 0.1)
        fig.subplots_adjust(bottom=bottom)


_EPOCH_DAY = None  # matplotlib's date epoch as datetime64[D], set on first use
_MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
               "Dec")


def _epoch_day() -> np.datetime64:
    global _EPOCH_DAY
    if _EPOCH_DAY is None:
        _EPOCH_DAY = np.datetime64(mdates.get_epoch(), "D")
    return _EPOCH_DAY


class _MonthLocator(mticker.Locator):
    """Ticks on the first day of every ``step``-th month (aligned to January).

    Computed with numpy from the view interval: the same ticks as
    ``MonthLocator(bymonth=...)`` at a fraction of the cost (dateutil's rrule
    dominated the drawing time of the date axes).
    """

    MAXTICKS = 1000

    def __init__(self, step: int = 1) -> None:
        self.step = int(step)

    def __call__(self):
        vmin, vmax = self.axis.get_view_interval()
        return self.tick_values(vmin, vmax)

    def tick_values(self, vmin, vmax):
        if not (math.isfinite(vmin) and math.isfinite(vmax)):
            return np.array([])
        vmin, vmax = sorted((float(vmin), float(vmax)))
        epoch = _epoch_day()
        first = (epoch + np.timedelta64(math.floor(vmin), "D")).astype("datetime64[M]")
        last = (epoch + np.timedelta64(math.ceil(vmax), "D")).astype("datetime64[M]")
        if (last - first).astype(int) > self.MAXTICKS * self.step:
            return np.array([])
        months = np.arange(first, last + np.timedelta64(1, "M"))
        months = months[months.astype(int) % self.step == 0]
        locs = (months.astype("datetime64[D]") - epoch).astype(float)
        return self.raise_if_exceeds(locs[(locs >= vmin) & (locs <= vmax)])


class _MonthFormatter(mticker.Formatter):
    """The year at each January, the month's abbreviation otherwise."""

    def __call__(self, x, pos=None):
        if not math.isfinite(x):
            return ""
        m = int((_epoch_day() + np.timedelta64(round(x), "D")).astype("datetime64[M]")
                .astype(int))
        year, month = divmod(m, 12)
        return str(1970 + year) if month == 0 else _MONTH_ABBR[month]


def _date_axis(ax: Axes, dates: np.ndarray) -> None:
    """Readable date ticks: quarters labelled, years marked, months as minor ticks."""
    finite = dates[~np.isnat(dates)]
    if finite.size == 0:
        return
    months = finite.astype("datetime64[M]")
    span_months = int((months.max() - months.min()).astype(int))
    if span_months <= 66:
        major = _MonthLocator(1 if span_months <= 14 else 3)
        ax.xaxis.set_major_locator(major)
        ax.xaxis.set_major_formatter(_MonthFormatter())
    else:
        major = mdates.AutoDateLocator(minticks=4, maxticks=10)
        fmt = mdates.ConciseDateFormatter(major, show_offset=False)
        # Year at each January, month abbreviation otherwise.
        fmt.formats = ["%Y", "%b", "%d", "%H:%M", "%H:%M", "%S.%f"]
        fmt.zero_formats = ["", "%Y", "%b", "%b-%d", "%H:%M", "%H:%M"]
        ax.xaxis.set_major_locator(major)
        ax.xaxis.set_major_formatter(fmt)
    pad = np.timedelta64(15, "D")
    ax.set_xlim(finite.min() - pad, finite.max() + pad)
    if 14 < span_months <= 66:
        _month_marks(ax, major)


def _month_marks(ax: Axes, major: mticker.Locator) -> None:
    """Unlabelled monthly tick marks between the labelled (quarterly) ticks.

    Drawn as one line of tick-shaped markers below the x axis instead of
    matplotlib minor ticks: they look the same, but some 40 minor tick objects
    per axes made every layout and draw pass markedly slower.
    """
    lo, hi = ax.get_xlim()
    locs = _MonthLocator(1).tick_values(lo, hi)
    locs = locs[~np.isin(locs, major.tick_values(lo, hi))]
    if not locs.size:
        return
    (marks,) = ax.plot(locs, np.zeros_like(locs), transform=ax.get_xaxis_transform(),
                       linestyle="none", marker=mlines.TICKDOWN, markersize=_MINOR_TICK_LEN,
                       markeredgewidth=_MINOR_TICK_WIDTH, color=plt.rcParams["xtick.color"],
                       label="_month ticks", zorder=2.5, scalex=False, scaley=False)
    # Clip to the axes' width only, not to its height: the marks hang below it.
    marks.set_clip_box(TransformedBbox(Bbox.from_extents(0, -1, 1, 2), ax.transAxes))


#: ``(x, y_low, y_high)`` in data units (x as matplotlib numbers, dates via
#: ``date2num``): a region of the axes that a legend must not hide.
Occupancy = tuple


def _get_quantile(quantiles: Mapping[float, ArrayLike], level: float, n: int) -> np.ndarray | None:
    for key, values in quantiles.items():
        if abs(float(key) - level) < _QUANTILE_TOL:
            return _as_float_array(values, n, f"quantile {level:g}")
    return None


def _bands(
    ax: Axes,
    dates: np.ndarray,
    quantiles: Mapping[float, ArrayLike],
    color: str,
    *,
    median_label: str = "median",
    with_50: bool = True,
) -> list[Occupancy]:
    """Draw 90 % band, 50 % band and median; return what was drawn as occupancy."""
    n = len(dates)
    xnum = mdates.date2num(dates)
    drawn: list[Occupancy] = []
    q05, q95 = _get_quantile(quantiles, 0.05, n), _get_quantile(quantiles, 0.95, n)
    if q05 is not None and q95 is not None:
        ax.fill_between(dates, q05, q95, color=color, alpha=_ALPHA_90, linewidth=0,
                        label="90 % band")
        drawn.append((xnum, q05, q95))
    if with_50:
        q25, q75 = _get_quantile(quantiles, 0.25, n), _get_quantile(quantiles, 0.75, n)
        if q25 is not None and q75 is not None:
            ax.fill_between(dates, q25, q75, color=color, alpha=_ALPHA_50, linewidth=0,
                            label="50 % band")
            drawn.append((xnum, q25, q75))
    q50 = _get_quantile(quantiles, 0.5, n)
    if q50 is None:
        raise ValueError("quantiles must contain the median (0.5)")
    ax.plot(dates, q50, color=color, linewidth=_LW_MAIN, label=median_label, zorder=3)
    drawn.append((xnum, q50, q50))
    return drawn


def _floor_at_zero(ax: Axes, occupancy: Sequence[Occupancy]) -> None:
    """Start the y axis at 0 when everything drawn is non-negative."""
    arrays = [np.ravel(np.asarray(a, dtype=float)) for _, lo, hi in occupancy for a in (lo, hi)]
    vals = np.concatenate(arrays) if arrays else np.array([])
    vals = vals[np.isfinite(vals)]
    if vals.size and vals.min() >= 0:
        ax.set_ylim(bottom=0)


def _occupied(ax: Axes, occupancy: Sequence[Occupancy], bb, avoid: Sequence[Any] = ()) -> bool:
    """True if any occupied region or ``avoid`` artist intersects display bbox ``bb``."""
    ylo_lim, yhi_lim = ax.get_ylim()
    bb = bb.padded(_pixels(ax.figure, 6))  # markers and line widths stick out of the data
    if any(bb.overlaps(a.get_window_extent()) for a in avoid):
        return True
    grid = np.linspace(bb.x0, bb.x1, 60)
    for x, lo, hi in occupancy:
        x = np.atleast_1d(np.asarray(x, dtype=float))
        lo = np.nan_to_num(np.atleast_1d(np.asarray(lo, dtype=float)) * np.ones_like(x),
                           nan=np.nan, neginf=ylo_lim, posinf=yhi_lim)
        hi = np.nan_to_num(np.atleast_1d(np.asarray(hi, dtype=float)) * np.ones_like(x),
                           nan=np.nan, neginf=ylo_lim, posinf=yhi_lim)
        ok = np.isfinite(x) & np.isfinite(lo) & np.isfinite(hi)
        if not ok.any():
            continue
        pts_lo = ax.transData.transform(np.column_stack([x[ok], lo[ok]]))
        pts_hi = ax.transData.transform(np.column_stack([x[ok], hi[ok]]))
        xd = pts_lo[:, 0]
        order = np.argsort(xd)
        xd, yl, yh = xd[order], np.minimum(pts_lo[order, 1], pts_hi[order, 1]), \
            np.maximum(pts_lo[order, 1], pts_hi[order, 1])
        inside = (xd >= bb.x0) & (xd <= bb.x1)
        if np.any(inside & (yh >= bb.y0) & (yl <= bb.y1)):
            return True
        if xd.size > 1:
            g = grid[(grid >= xd[0]) & (grid <= xd[-1])]
            if g.size and np.any((np.interp(g, xd, yh) >= bb.y0)
                                 & (np.interp(g, xd, yl) <= bb.y1)):
                return True
    return False


def _layout_now(fig: Figure):
    """Run the figure's layout engine once, without drawing; return the renderer.

    Afterwards axes positions, tick labels and text sizes are those of the
    saved figure (a full ``draw_without_rendering`` would also draw every
    artist, and run the layout again, for nothing).
    """
    renderer = fig._get_renderer()
    engine = fig.get_layout_engine()
    if engine is not None:
        engine.execute(fig)
    return renderer


def _layout_done(fig: Figure) -> None:
    """Note that the layout just computed is final (a legend inside the axes, moved
    to another corner, does not change it).

    Clearing ``fig.stale`` lets :func:`save_figure` keep this layout instead of
    running the layout engine again; any later change to an artist of the figure
    sets ``stale`` again (matplotlib propagates it up to the figure), and the
    figure is then laid out anew when saved.
    """
    fig.stale = False


def _place_legend(
    ax: Axes,
    occupancy: Sequence[Occupancy],
    *,
    corners: Sequence[str] = ("upper left", "upper right"),
    max_headroom: float = 0.45,
    ncols_below: int = 2,
    avoid: Sequence[Any] = (),
    **kwargs: Any,
):
    """Put the legend where it hides no data.

    Tries each corner inside the axes; then each corner again after raising
    the top of the y axis (by at most ``max_headroom`` of its range); finally
    puts the legend below the x-axis label, outside the axes. ``occupancy``
    lists the data regions to keep clear, ``avoid`` artists (annotations)
    whose boxes must not be covered either.
    """
    fig = ax.figure
    if not ax.get_legend_handles_labels()[1]:
        if _fit_texts(ax, _layout_now(fig)):
            _layout_now(fig)
        _layout_done(fig)
        return None
    if corners:
        # One layout pass gives the legend's size; corners are then computed,
        # not drawn (a legend inside the axes does not change the layout).
        leg = _legend(ax, loc=corners[0], **kwargs)
        leg.set_in_layout(False)  # inside the axes it needs no room of its own
        if _fit_texts(ax, _layout_now(fig)):
            _layout_now(fig)
        for corner in corners:
            if not _occupied(ax, occupancy, _corner_bbox(ax, leg, corner), avoid):
                leg.set_loc(corner)
                _layout_done(fig)
                return leg
        if ax.get_yscale() == "linear" and max_headroom > 0:
            y0, y1 = ax.get_ylim()
            for corner in (c for c in corners if c.startswith("upper")):
                bb = _corner_bbox(ax, leg, corner)
                axbb = ax.get_window_extent()
                # Highest data under the legend's horizontal extent, with ylim as is.
                top_d = _highest(ax, occupancy, bb)
                frac_free = (bb.y0 - axbb.y0 - _pixels(fig, 6)) / axbb.height
                if top_d is None or frac_free <= 0.2:
                    continue
                new_y1 = y0 + (top_d - y0) / frac_free
                if new_y1 - y1 > max_headroom * (y1 - y0):
                    continue
                ax.set_ylim(y0, max(new_y1, y1))
                leg.set_loc(corner)
                _layout_now(fig)  # new y tick labels may change the axes' width
                if not _occupied(ax, occupancy, _corner_bbox(ax, leg, corner), avoid):
                    _layout_done(fig)
                    return leg
                ax.set_ylim(y0, y1)
    # Below the axes: anchored a fixed distance under the x-axis label.
    # The distance from the axes' bottom to the x-axis label does not depend on
    # the y limits: the layout from the corner test is good enough.
    renderer = fig._get_renderer()
    axbb = ax.get_window_extent()
    ax.xaxis.get_tightbbox(renderer)  # brings ticks and the label position up to date
    below = axbb.y0 - min(
        (t.get_window_extent(renderer).y0 for t in [ax.xaxis.label, *ax.get_xticklabels()]
         if t.get_visible() and t.get_text()),
        default=axbb.y0,
    )
    offset = ScaledTranslation(0, -(below + _pixels(fig, 4)) / fig.dpi, fig.dpi_scale_trans)
    kwargs.setdefault("frameon", False)
    return _legend(ax, loc="upper center", bbox_to_anchor=(0.5, 0.0),
                   bbox_transform=ax.transAxes + offset, ncols=ncols_below, **kwargs)


def _corner_bbox(ax: Axes, leg, corner: str) -> Bbox:
    """Display bbox the (already drawn) legend would take at ``corner`` of ``ax``."""
    bb = leg.get_window_extent()
    axbb = ax.get_window_extent()
    pad = leg.borderaxespad * leg.prop.get_size_in_points() * ax.figure.dpi / 72
    vert, horiz = corner.split()
    x0 = axbb.x0 + pad if horiz == "left" else axbb.x1 - pad - bb.width
    y0 = axbb.y1 - pad - bb.height if vert == "upper" else axbb.y0 + pad
    return Bbox.from_bounds(x0, y0, bb.width, bb.height)


def _highest(ax: Axes, occupancy: Sequence[Occupancy], bb) -> float | None:
    """Largest y (data units) of the occupied regions within the x extent of ``bb``."""
    inv = ax.transData.inverted()
    xl = inv.transform([(bb.x0, 0), (bb.x1, 0)])[:, 0]
    xmin, xmax = min(xl), max(xl)
    best = None
    for x, lo, hi in occupancy:
        x = np.atleast_1d(np.asarray(x, dtype=float))
        hi = np.atleast_1d(np.asarray(hi, dtype=float)) * np.ones_like(x)
        ok = np.isfinite(x) & np.isfinite(hi)
        x, hi = x[ok], hi[ok]
        if not x.size:
            continue
        order = np.argsort(x)
        x, hi = x[order], hi[order]
        vals = list(hi[(x >= xmin) & (x <= xmax)])
        if x.size > 1:
            for xe in (xmin, xmax):
                if x[0] <= xe <= x[-1]:
                    vals.append(float(np.interp(xe, x, hi)))
        if vals:
            m = max(vals)
            best = m if best is None else max(best, m)
    return best


# ---------------------------------------------------------------------------
# 1. Fan chart
# ---------------------------------------------------------------------------


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
        be None or missing. Each is a vermillion marker with an error bar and
        its own legend entry.
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
    fig, ax = _new_figure(ax)
    _style_axes(ax)
    drawn = _bands(ax, dates, quantiles, _MODEL)

    if prior_quantiles is not None:
        prior_med = _get_quantile(prior_quantiles, 0.5, len(dates))
        if prior_med is None:
            raise ValueError("prior_quantiles must contain the median (0.5)")
        ax.plot(dates, prior_med, color=_PRIOR, linestyle=(0, (5, 3)), linewidth=_LW_SECONDARY,
                label="prior median (uncalibrated)", zorder=3)
        drawn.append((mdates.date2num(dates), prior_med, prior_med))

    obs_dates = []
    for i, obs in enumerate(observations):
        d = _month(obs["month"])
        obs_dates.append(d)
        value = float(obs["value"])
        low, high = obs.get("low"), obs.get("high")
        err_lo = max(value - float(low), 0.0) if low is not None else 0.0
        err_hi = max(float(high) - value, 0.0) if high is not None else 0.0
        yerr = None if (low is None and high is None) else [[err_lo], [err_hi]]
        ax.errorbar(
            [d], [value], yerr=yerr,
            fmt=_MARKERS[i % len(_MARKERS)], color=_OBSERVED, markersize=9,
            markeredgecolor="black", markeredgewidth=0.8,
            ecolor=_OBSERVED, elinewidth=_LW_SECONDARY, capsize=5, capthick=_LW_SECONDARY,
            label=obs.get("label") or f"article figure {format_number(value)}", zorder=5,
        )
        drawn.append((mdates.date2num(np.array([d])), [value - err_lo], [value + err_hi]))

    _date_axis(ax, np.concatenate([dates, np.array(obs_dates, dtype="datetime64[D]")]))
    ax.yaxis.set_major_formatter(big_number_formatter(ax.yaxis))
    _floor_at_zero(ax, drawn)
    ax.set_xlabel("month", fontsize=_FS_LABEL)
    ax.set_ylabel(ylabel, fontsize=_FS_LABEL)
    _set_title(ax, title)

    # Legend order: median, bands (narrow first), prior, observations.
    handles, labels = ax.get_legend_handles_labels()
    order = sorted(range(len(labels)), key=lambda k: _FAN_LEGEND_RANK.get(labels[k], 4))
    legend_title = "\n".join(t for t in (series_label, weights_note) if t) or None
    _add_caption(fig, caption)
    _place_legend(ax, drawn, handles=[handles[k] for k in order],
                  labels=[labels[k] for k in order], title=legend_title, alignment="left")
    return fig


_FAN_LEGEND_RANK = {"median": 0, "50 % band": 1, "90 % band": 2,
                    "prior median (uncalibrated)": 3}


# ---------------------------------------------------------------------------
# 2. Histogram of a per-sample metric
# ---------------------------------------------------------------------------


def metric_histogram(
    prior: ArrayLike,
    *,
    posterior_weights: ArrayLike | None = None,
    title: str,
    xlabel: str,
    caption: str,
    observed: Mapping[str, Any] | None = None,
    ax: Axes | None = None,
    bins: int = 60,
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
        effective sample size ``(sum w)^2 / sum w^2``.
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
    values = _as_float_array(prior)
    n_total = values.size
    keep = np.isfinite(values)
    weights = None
    if posterior_weights is not None:
        weights = _as_float_array(posterior_weights, n_total, "posterior_weights")
        if np.any(weights[np.isfinite(weights)] < 0):
            raise ValueError("posterior_weights must be >= 0")
        keep &= np.isfinite(weights)
    n_dropped = int(n_total - keep.sum())
    values = values[keep]
    if weights is not None:
        weights = weights[keep]
        if values.size and not weights.sum() > 0:
            raise ValueError("posterior_weights sum to zero over the finite values")

    fig, ax = _new_figure(ax)
    _style_axes(ax)

    degenerate = False
    occupancy: list[Occupancy] = []
    if values.size:
        lo, hi = float(values.min()), float(values.max())
        if hi - lo <= 1e-12 * max(abs(lo), abs(hi), 1.0):
            degenerate = True
            half = max(abs(lo) * 0.05, 0.5)
            lo, hi = lo - half, hi + half
            bins = min(bins, 21)  # odd: the single value sits mid-bin
        edges = np.linspace(lo, hi, int(bins) + 1)

        n = values.size
        p_prior, _ = np.histogram(values, bins=edges, weights=np.full(n, 100.0 / n))
        prior_label = f"prior (equal weights, n = {n:,})"
        if degenerate:
            prior_label += f", all = {format_number(values[0])}"
        drawn_max = p_prior.max()
        if weights is not None:
            w = weights / weights.sum()
            ess = 1.0 / float(np.sum(w**2))
            p_post, _ = np.histogram(values, bins=edges, weights=100.0 * w)
            ax.stairs(p_post, edges, fill=True, color=_MODEL, alpha=_ALPHA_50 + 0.07,
                      label=f"calibrated (importance weights, ESS = {ess:,.0f})")
            ax.stairs(p_post, edges, color=_MODEL, linewidth=_LW_SECONDARY)
            drawn_max = max(drawn_max, p_post.max())
            occupancy.append((np.repeat(edges, 2)[1:-1], 0.0, np.repeat(p_post, 2)))
        occupancy.append((np.repeat(edges, 2)[1:-1], 0.0, np.repeat(p_prior, 2)))
        ax.stairs(p_prior, edges, color=_PRIOR, linewidth=_LW_SECONDARY, label=prior_label)
        ax.set_xlim(edges[0], edges[-1])
        ax.set_ylim(0, drawn_max * 1.15)
    else:
        ax.text(0.5, 0.5, "no finite values", transform=ax.transAxes, ha="center",
                va="center", fontsize=_FS_LABEL, color=_GREY)

    if observed is not None:
        v = observed.get("value")
        lo_o, hi_o = observed.get("low"), observed.get("high")
        label = observed.get("label") or "article figure"
        if lo_o is not None and hi_o is not None:
            ax.axvspan(float(lo_o), float(hi_o), color=_OBSERVED, alpha=0.13, linewidth=0,
                       label=f"range {format_number(lo_o)} \u2013 {format_number(hi_o)}")
            occupancy.append(([float(lo_o), float(hi_o)], -np.inf, np.inf))
        if v is not None:
            ax.axvline(float(v), color=_OBSERVED, linewidth=_LW_MAIN, linestyle=(0, (6, 2)),
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
                label=f"{n_dropped:,} non-finite sample{'s' if n_dropped != 1 else ''} dropped")

    ax.xaxis.set_major_formatter(big_number_formatter(ax.xaxis))
    ax.set_xlabel(xlabel, fontsize=_FS_LABEL)
    ax.set_ylabel("share of samples per bin (%)", fontsize=_FS_LABEL)
    _set_title(ax, title)
    _add_caption(fig, caption)
    _place_legend(ax, occupancy, corners=("upper right", "upper left"))
    return fig


# ---------------------------------------------------------------------------
# 3. Tornado chart
# ---------------------------------------------------------------------------


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

    Returns
    -------
    matplotlib.figure.Figure
        Sky-blue bars: input at its 5th percentile; orange bars: at its 95th.
    """
    names = [str(s) for s in names]
    n = len(names)
    low = _as_float_array(low_values, n, "low_values")
    high = _as_float_array(high_values, n, "high_values")
    baseline = float(baseline)
    swing = np.abs(high - low)
    key = np.where(np.isfinite(swing), swing, -np.inf)
    order = np.argsort(-key, kind="stable")[: max(int(top), 0)]
    k = order.size

    fig, ax = _new_figure(ax, figsize=(FIGSIZE[0], max(FIGSIZE[1], 1.6 + 0.38 * k)))
    _style_axes(ax)
    ax.grid(False, axis="y")
    y = np.arange(k)[::-1]  # largest swing at the top
    lo_sel, hi_sel = low[order], high[order]
    ax.barh(y + 0.19, np.nan_to_num(lo_sel - baseline), left=baseline, height=0.38,
            color=_LOW, edgecolor="black", linewidth=0.6, label="input at 5th percentile")
    ax.barh(y - 0.19, np.nan_to_num(hi_sel - baseline), left=baseline, height=0.38,
            color=_HIGH, edgecolor="black", linewidth=0.6, label="input at 95th percentile")
    ax.axvline(baseline, color="black", linewidth=_LW_SECONDARY,
               label=f"baseline ({format_number(baseline)})")
    ax.set_yticks(y, [names[i] for i in order], fontsize=_FS_TICK)
    ax.set_ylim(-0.7, k - 0.3)
    ax.xaxis.set_major_formatter(big_number_formatter(ax.xaxis))
    ax.set_xlabel(xlabel, fontsize=_FS_LABEL)
    shown = f"top {k} of {n}, " if k < n else ""
    ax.set_ylabel(f"input ({shown}sorted by swing)", fontsize=_FS_LABEL)
    # Leave room so the legend does not sit on the bars.
    finite = np.concatenate([lo_sel, hi_sel, [baseline]])
    finite = finite[np.isfinite(finite)]
    span = float(finite.max() - finite.min()) or max(abs(baseline), 1.0)
    ax.set_xlim(finite.min() - 0.05 * span, finite.max() + 0.05 * span)
    _set_title(ax, title)
    _add_caption(fig, caption)
    occupancy = [([baseline, v], yi + dy - 0.2, yi + dy + 0.2)
                 for vals, dy in ((lo_sel, 0.19), (hi_sel, -0.19))
                 for yi, v in zip(y, vals) if np.isfinite(v)]
    occupancy.append(([baseline], -np.inf, np.inf))
    _place_legend(ax, occupancy, corners=("lower right", "lower left"), max_headroom=0,
                  ncols_below=3)
    return fig


# ---------------------------------------------------------------------------
# 4. Sobol indices
# ---------------------------------------------------------------------------


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
    arrs = [_as_float_array(a, n, nm) for a, nm in
            ((S1, "S1"), (S1_low, "S1_low"), (S1_high, "S1_high"),
             (ST, "ST"), (ST_low, "ST_low"), (ST_high, "ST_high"))]
    s1, s1l, s1h, st, stl, sth = arrs
    key = np.where(np.isfinite(st), st, -np.inf)
    order = np.argsort(-key, kind="stable")[: max(int(top), 0)]
    k = order.size
    n_clipped = int(sum(np.sum((a[order] < 0) | (a[order] > 1)) for a in (s1, st)))

    fig, ax = _new_figure(ax, figsize=(FIGSIZE[0], max(FIGSIZE[1], 1.6 + 0.42 * k)))
    _style_axes(ax)
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
                ax.text(0.01, yi + offset, "n/a", va="center", ha="left",
                        fontsize=_FS_TICK, color=_GREY)

    _draw(st, stl, sth, 0.19, _MODEL, "total-order ST")
    _draw(s1, s1l, s1h, -0.19, _HIGH, "first-order S1")
    if n_clipped:
        ax.plot([], [], linestyle="none",
                label=f"{n_clipped} estimate{'s' if n_clipped != 1 else ''} outside [0, 1] "
                      "shown clipped")
    ax.set_yticks(y, [names[i] for i in order], fontsize=_FS_TICK)
    ax.set_ylim(-0.7, k - 0.3)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(mticker.FuncFormatter(lambda x, pos: f"{x:g}"))
    ax.set_xlabel("Sobol index (share of output variance)", fontsize=_FS_LABEL)
    shown = f"top {k} of {n}, " if k < n else ""
    ax.set_ylabel(f"input ({shown}sorted by ST)", fontsize=_FS_LABEL)
    _set_title(ax, title)
    _add_caption(fig, caption)
    handles, labels = ax.get_legend_handles_labels()
    order_leg = sorted(range(len(labels)), key=lambda i: ("ST" not in labels[i],
                                                          "S1" not in labels[i]))
    _place_legend(ax, occupancy, corners=("lower right", "upper right"), max_headroom=0,
                  ncols_below=3, handles=[handles[i] for i in order_leg],
                  labels=[labels[i] for i in order_leg])
    return fig


# ---------------------------------------------------------------------------
# 5. Convergence
# ---------------------------------------------------------------------------


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
    x = _as_float_array(n)
    m = x.size
    arrs = [_as_float_array(a, m, nm) for a, nm in
            ((mean, "mean"), (mean_low, "mean_low"), (mean_high, "mean_high"),
             (q_low, "q_low"), (q_high, "q_high"))]
    keep = np.isfinite(x) & (x > 0)
    x = x[keep]
    mu, mlo, mhi, qlo, qhi = (a[keep] for a in arrs)

    fig, ax = _new_figure(ax)
    _style_axes(ax)
    ax.fill_between(x, mlo, mhi, color=_MODEL, alpha=_ALPHA_50, linewidth=0,
                    label="interval of the mean")
    ax.plot(x, mu, color=_MODEL, linewidth=_LW_MAIN, label="running mean")
    ax.plot(x, qhi, color=_PRIOR, linewidth=_LW_SECONDARY, linestyle=(0, (5, 3)),
            label="running 95th percentile")
    ax.plot(x, qlo, color=_PRIOR, linewidth=_LW_SECONDARY, linestyle=(0, (1.5, 2)),
            label="running 5th percentile")
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(_count_formatter())
    ax.xaxis.set_minor_formatter(mticker.NullFormatter())
    if x.size:
        ax.set_xlim(x.min(), x.max())
    ax.yaxis.set_major_formatter(big_number_formatter(ax.yaxis))
    ax.set_xlabel("samples (number of model runs, log scale)", fontsize=_FS_LABEL)
    ax.set_ylabel(ylabel, fontsize=_FS_LABEL)
    _set_title(ax, title)
    _add_caption(fig, caption)
    occupancy = [(x, mlo, mhi), (x, mu, mu), (x, qlo, qlo), (x, qhi, qhi)]
    _place_legend(ax, occupancy, corners=("upper right", "lower right"), max_headroom=0.3,
                  handlelength=2.6)
    return fig


# ---------------------------------------------------------------------------
# 6. Scenario comparison
# ---------------------------------------------------------------------------


def _stat(d: Mapping[str, Any] | None, key: str) -> float:
    if d is None:
        return math.nan
    v = d.get(key)
    try:
        return math.nan if v is None else float(v)
    except (TypeError, ValueError):
        return math.nan


def scenario_comparison(
    scenario_names: Sequence[str],
    stats: Sequence[Mapping[str, Any] | None],
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

    fig, ax = _new_figure(ax, figsize=(max(FIGSIZE[0], 1.1 * len(names) + 2), FIGSIZE[1]))
    _style_axes(ax)
    ax.grid(False, axis="x")

    has_range = np.isfinite(p5) & np.isfinite(p95) & np.isfinite(p50)
    if has_range.any():
        ax.errorbar(x[has_range], p50[has_range],
                    yerr=[np.maximum(p50 - p5, 0)[has_range], np.maximum(p95 - p50, 0)[has_range]],
                    fmt="none", ecolor=_MODEL, elinewidth=_LW_MAIN + 1, capsize=7,
                    capthick=_LW_SECONDARY, alpha=0.55, label="5th\u201395th percentile")
    has_med = np.isfinite(p50)
    ax.plot(x[has_med], p50[has_med], "o", color=_MODEL, markersize=10,
            markeredgecolor="black", markeredgewidth=0.8, label="median", zorder=4)
    has_mean = np.isfinite(mean)
    ax.plot(x[has_mean], mean[has_mean], "_", color=_HIGH, markersize=26,
            markeredgewidth=3.0, label="mean", zorder=3.5)

    all_vals = np.concatenate([p5, p50, p95, mean])
    ref = float(np.nanmax(np.abs(all_vals))) if np.isfinite(all_vals).any() else None
    for xi, v in zip(x, p50):
        if np.isfinite(v):
            ax.annotate(format_number(v, reference=ref), (xi, v), xytext=(15, 0),
                        textcoords="offset points", va="center", ha="left",
                        fontsize=_FS_TICK, color=_GREY)

    missing = ~has_med
    ax.margins(y=0.08)
    _floor_at_zero(ax, [(x, np.concatenate([p5, p50, p95, mean]), np.nan)])
    if missing.any():
        trans = blended_transform_factory(ax.transData, ax.transAxes)
        for xi in x[missing]:
            ax.text(xi, 0.5, "n/a", transform=trans, ha="center", va="center",
                    fontsize=_FS_LABEL, color=_GREY, fontstyle="italic")

    long_labels = max((len(s) for s in names), default=0) > 12 or len(names) > 6
    ax.set_xticks(x, names, fontsize=_FS_TICK,
                  rotation=30 if long_labels else 0, ha="right" if long_labels else "center",
                  rotation_mode="anchor")
    ax.set_xlim(-0.6, len(names) - 0.4)
    ax.yaxis.set_major_formatter(big_number_formatter(ax.yaxis))
    ax.set_xlabel("scenario", fontsize=_FS_LABEL)
    ax.set_ylabel(ylabel, fontsize=_FS_LABEL)
    _set_title(ax, title)
    _add_caption(fig, caption)
    occupancy = [([xi - 0.2, xi + 0.55], lo, hi)
                 for xi, lo, hi in zip(x, np.fmin(np.fmin(p5, p50), mean),
                                       np.fmax(np.fmax(p95, p50), mean))]
    occupancy += [([xi - 0.2, xi + 0.2], -np.inf, np.inf) for xi in x[missing]]
    _place_legend(ax, occupancy, corners=("upper right", "upper left"), ncols_below=3)
    return fig


# ---------------------------------------------------------------------------
# 7. Cut-off chart (two panels)
# ---------------------------------------------------------------------------


def cutoff_chart(
    months: Sequence[str],
    stock_quantiles: Mapping[float, ArrayLike],
    shortfall_quantiles: Mapping[float, ArrayLike],
    *,
    cutoff_month: str,
    title: str,
    caption: str,
    ax: Sequence[Axes] | None = None,
) -> Figure:
    """Russia's shell stock and monthly shortfall when North Korean deliveries stop.

    Parameters
    ----------
    months : sequence of str
        Calendar months ``"YYYY-MM"``.
    stock_quantiles : mapping float -> array
        Quantiles (0.05, 0.5, 0.95 used) of Russia's usable shell stock per
        month, shells.
    shortfall_quantiles : mapping float -> array
        Quantiles (0.05, 0.5, 0.95 used) of the monthly shortfall (demand not
        met), shells/month.
    cutoff_month : str
        ``"YYYY-MM"`` from which North Korean deliveries stop; a vertical
        dashed line in both panels, labelled in the upper one.
    title, caption : str
        Figure title (``suptitle``) and caption line.
    ax : pair of Axes, optional
        ``(stock_ax, shortfall_ax)`` of one figure to draw into (they should
        share the x axis). None (default) creates an 8 x 6.5 in figure with
        two stacked panels sharing the x axis. A single Axes is rejected.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If ``ax`` is not None and not a pair of Axes.
    """
    dates = months_to_dates(months)
    if ax is None:
        fig, (ax_stock, ax_short) = plt.subplots(
            2, 1, sharex=True, figsize=(FIGSIZE[0], 6.5), layout="constrained", dpi=_DPI
        )
    else:
        if isinstance(ax, Axes) or len(ax) != 2 or not all(isinstance(a, Axes) for a in ax):
            raise ValueError("cutoff_chart needs ax=None or a pair of Axes (stock, shortfall)")
        ax_stock, ax_short = ax
        fig = ax_stock.figure

    cut = _month(cutoff_month)
    panels: list[tuple[Axes, list[Occupancy]]] = []
    for a, q, color, unit, panel in (
        (ax_stock, stock_quantiles, _MODEL, "usable shell stock (shells)",
         "Russia's usable shell stock"),
        (ax_short, shortfall_quantiles, _OBSERVED, "shortfall (shells/month)",
         "Monthly shortfall (demand not met)"),
    ):
        _style_axes(a)
        drawn = _bands(a, dates, q, color, with_50=False)
        a.axvline(cut, color="black", linewidth=_LW_SECONDARY, linestyle=(0, (5, 3)), zorder=4)
        a.yaxis.set_major_formatter(big_number_formatter(a.yaxis))
        _floor_at_zero(a, drawn)
        a.set_ylabel(unit, fontsize=_FS_LABEL)
        a.set_title(panel, fontsize=_FS_LABEL + 1, loc="left", y=1.0)
        _date_axis(a, np.concatenate([dates, [cut]]))
        drawn.append((mdates.date2num(np.array([cut])), -np.inf, np.inf))
        panels.append((a, drawn))
    # Label beside the line, on the side with more room.
    xmin, xmax = ax_stock.get_xlim()
    right_side = (mdates.date2num(cut) - xmin) < 0.65 * (xmax - xmin)
    label = ax_stock.annotate(
        "North Korean deliveries stop", xy=(cut, 1.0), xycoords=("data", "axes fraction"),
        xytext=(7 if right_side else -7, -4), textcoords="offset points",
        ha="left" if right_side else "right", va="top",
        fontsize=_FS_TICK, fontweight="bold",
        bbox={"boxstyle": "round,pad=0.25", "facecolor": "white", "edgecolor": "none",
              "alpha": 0.85},
    )
    ax_short.set_xlabel("month", fontsize=_FS_LABEL)
    sup = fig.suptitle(title, fontsize=_FS_TITLE, fontweight="bold")
    sup.set_text(_wrap_to_width(title, sup.get_fontproperties(), fig._get_renderer(),
                                fig.bbox.width - 2 * _edge_margin(fig), balance=True))
    _add_caption(fig, caption)
    for a, drawn in panels:
        _place_legend(a, drawn, corners=("upper right", "upper left", "lower left",
                                         "lower right"),
                      avoid=(label,) if a is ax_stock else (), ncols_below=3)
    return fig


# ---------------------------------------------------------------------------
# Saving
# ---------------------------------------------------------------------------


def _draw_rgba(fig: Figure) -> np.ndarray | None:
    """The figure drawn at :data:`_DPI` on white, as an (height, width, 4) uint8 array.

    None if the size of the pixel buffer is not the expected one.
    """
    buf = io.BytesIO()
    fig.savefig(buf, format="rgba", dpi=_DPI, facecolor="white")
    width = int(fig.get_figwidth() * _DPI)  # as the Agg renderer truncates it
    height = int(fig.get_figheight() * _DPI)
    raw = np.frombuffer(buf.getvalue(), dtype=np.uint8)
    if width <= 0 or raw.size != 4 * width * height:
        return None
    return raw.reshape(height, width, 4)


def _write_png(pixels: np.ndarray, path: Path) -> None:
    """Write RGBA pixels as PNG, as ``savefig`` would (dpi recorded, no metadata)."""
    PIL.Image.fromarray(pixels).save(path, format="png", dpi=(_DPI, _DPI), compress_level=3)


def save_figure(fig: Figure, path_without_suffix: str | Path) -> list[Path]:
    """Write ``fig`` as PNG (150 dpi) and SVG side by side, then close it.

    Parameters
    ----------
    fig : Figure
        The figure to save.
    path_without_suffix : str or Path
        Target path without extension, e.g. ``results/base/fan_deliveries``;
        ``.png`` and ``.svg`` are appended (a given ``.png``/``.svg`` suffix
        is replaced). Missing parent folders are created.

    Returns
    -------
    list of Path
        ``[png_path, svg_path]``.
    """
    base = Path(path_without_suffix)
    if base.suffix.lower() in (".png", ".svg"):
        base = base.with_suffix("")
    base.parent.mkdir(parents=True, exist_ok=True)
    png = base.parent / f"{base.name}.png"
    svg = base.parent / f"{base.name}.svg"
    engine = fig.get_layout_engine()
    try:
        with plt.rc_context({"svg.hashsalt": "nk-artillery-model",
                             "figure.autolayout": False,
                             "figure.constrained_layout.use": False}):
            # Lay the figure out once, without drawing: not at all if nothing changed
            # since the plotting function laid it out to place the legend. The layout
            # is in figure fractions, the same at any dpi, so both files keep it.
            # Without a layout engine ``savefig`` draws once per file; with one it
            # draws twice (a silent draw to run the layout, then the real one).
            if engine is not None and fig.stale:
                engine.execute(fig)
            fig.set_layout_engine(None)
            # PNG: draw to raw pixels, compress them in a thread (zlib releases the
            # GIL) while the SVG is drawn.
            pixels = _draw_rgba(fig)
            if pixels is None:  # pragma: no cover - the Agg canvas sizes as above
                fig.savefig(png, dpi=_DPI, facecolor="white", metadata={"Software": None})
                fig.savefig(svg, facecolor="white", metadata={"Date": None})
            else:
                with ThreadPoolExecutor(max_workers=1) as pool:
                    written = pool.submit(_write_png, pixels, png)
                    fig.savefig(svg, facecolor="white", metadata={"Date": None})
                    written.result()
    finally:
        if fig.get_layout_engine() is not engine:
            fig.set_layout_engine(engine)
        plt.close(fig)
    return [png, svg]
