"""The look shared by every chart: colours, fonts, line widths, number formats,
figure creation, titles, captions and text wrapping.

Conventions
-----------
* Colours come from the Okabe-Ito palette (:data:`PALETTE`), readable by
  colour-blind readers; model output is blue, article figures vermillion with
  a distinct marker, comparison lines black and dashed. Uncertainty bands are
  told apart by transparency *and* by their legend entry, never by red/green.
* Text is at least 10 pt, lines at least 1.5 pt, the default size 8 x 4.5 in,
  so a figure reads both in print and on a projector.
* Each figure has a title, axis labels with units and a caption line at the
  bottom (grey, 10 pt) given by the caller. Titles, long y labels and the
  caption are wrapped to the width they have (measured, not guessed from the
  number of characters), so none runs off the figure.
* Big numbers are printed readably ("3.5 M", "20 bn", "12,000").
* Figures are built with the object-oriented API (:class:`~matplotlib.figure.Figure`
  on an Agg canvas, see :mod:`.render`): no pyplot state, so charts can be
  drawn in threads or worker processes, and nothing is kept after saving.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, cast

import matplotlib as mpl
import matplotlib.markers as mmarkers
import matplotlib.ticker as mticker
import numpy as np
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.figure import Figure, SubFigure
from matplotlib.font_manager import FontProperties
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.transforms import Bbox, TransformedBbox
from numpy.typing import ArrayLike

from .layout import GridLayout
from .render import ChartCanvas
from .words import current as current_language

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
DPI = 150

# Roles -> colours, so every figure uses the same meaning for the same colour.
MODEL = PALETTE["blue"]
OBSERVED = PALETTE["vermillion"]
PRIOR = PALETTE["black"]
LOW = PALETTE["sky_blue"]
HIGH = PALETTE["orange"]
GREY = "#555555"  # caption and annotations (contrast 7.5:1 on white)

# Font sizes, points. Nothing below 10 pt.
FS_TITLE = 13.0
FS_LABEL = 11.0
FS_TICK = 10.0
FS_LEGEND = 10.0
FS_CAPTION = 10.0

# Line widths, points.
LW_MAIN = 2.4
LW_SECONDARY = 1.8

# Minor tick marks, points.
MINOR_TICK_LEN = 3.0
MINOR_TICK_WIDTH = 0.8

# Transparency of uncertainty bands (the wider band is the lighter one).
ALPHA_90 = 0.18
ALPHA_50 = 0.38

CAPTION_GID = "nk-plots-caption"
MARKERS = ("D", "s", "^", "v", "P", "X", "o", "*")


# ---------------------------------------------------------------------------
# Formatting helpers
# ---------------------------------------------------------------------------


def _trim(v: float, decimals: int | None = None, lang: str = "en") -> str:
    """Format ``v`` with ``decimals`` places, or up to 3 significant digits."""
    if decimals is not None:
        s = f"{v:,.{decimals}f}"
    elif abs(v) >= 100:
        s = f"{v:,.0f}"
    else:
        s = f"{v:.3g}"
    if lang == "de":  # 1.234,5
        s = s.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return s.replace("-", "\u2212")


_SCALE_WORDS = {"en": (" bn", " M"), "de": (" Mrd.", " Mio.")}


def _scale(ref: float, lang: str = "en") -> tuple[float, str]:
    """Divisor and suffix for numbers of magnitude ``ref``."""
    billion, million = _SCALE_WORDS.get(lang, _SCALE_WORDS["en"])
    if ref >= 1e9:
        return 1e9, billion
    if ref >= 1e6:
        return 1e6, million
    return 1.0, ""


def format_number(
    x: float, reference: float | None = None, decimals: int | None = None, lang: str | None = None
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

    lang : str, optional
        ``"en"`` or ``"de"`` (``1,5 Mio.``, ``12.000``); by default the language the charts are
        being drawn in (:func:`.words.language`).

    Returns
    -------
    str
        ``"n/a"`` for None, nan or inf.
    """
    lang = lang or current_language()
    if x is None:
        return "n/a" if lang == "en" else "k. A."
    x = float(x)
    if not math.isfinite(x):
        return "n/a" if lang == "en" else "k. A."
    ref = abs(x) if reference is None else abs(float(reference))
    if x == 0:
        return "0"
    div, suffix = _scale(ref, lang)
    if div > 1:
        return f"{_trim(x / div, decimals, lang)}{suffix}"
    if decimals is None and (ref >= 1e4 or abs(x) >= 1000):
        decimals = 0
    return _trim(x, decimals, lang)


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
        self._lang = current_language()  # formatting runs at drawing time, after the chart's block
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
            return format_number(x, lang=self._lang)
        return format_number(x, reference=ref, decimals=self._decimals, lang=self._lang)


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


def panel_title(fig: Figure, ax: Axes, title: str, *, panels: int) -> None:
    """One panel: the axes' title; several: one title over the figure."""
    if panels == 1:
        set_title(ax, title)
    else:
        fig.suptitle(title, fontsize=FS_TITLE, fontweight="bold")


def percent_formatter() -> mticker.FuncFormatter:
    """Tick labels of a share (0-1) in per cent, in the charts' language: ``0.4`` -> ``"40 %"``."""
    from .words import current

    lang = current()  # remembered: the ticks are drawn when the figure is saved, after the language block
    step = {"en": ".", "de": ","}.get(lang, ".")

    def fmt(v: float, _pos: object) -> str:
        text = f"{100 * v:.1f}".rstrip("0").rstrip(".") if abs(100 * v - round(100 * v)) > 1e-9 else f"{100 * v:.0f}"
        return text.replace(".", step) + " %"

    return mticker.FuncFormatter(fmt)


def count_formatter() -> mticker.FuncFormatter:
    """Formatter for sample counts on a log axis: ``100``, ``1,000``, ``10,000``."""

    lang = current_language()

    def _fmt(x: float, pos: int | None = None) -> str:
        if x <= 0 or not math.isfinite(x):
            return ""
        text = f"{x:,.0f}" if x >= 1 else f"{x:g}"
        return text.replace(",", ".") if lang == "de" else text

    return mticker.FuncFormatter(_fmt)



def as_float_array(values: ArrayLike | None, n: int | None = None, what: str = "") -> np.ndarray:
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


def new_figure(ax: Axes | None, figsize: tuple[float, float] = FIGSIZE) -> tuple[Figure, Axes]:
    """``ax``'s figure and ``ax``, or a new figure (:func:`figure`) with one axes."""
    if ax is not None:
        return ax.figure, ax  # type: ignore[return-value]
    fig = figure(figsize)
    return fig, fig.add_subplot()


def figure(figsize: tuple[float, float] = FIGSIZE) -> Figure:
    """A new figure at :data:`DPI` laid out by :class:`.layout.GridLayout` on the charts' Agg canvas.

    Not registered with pyplot: it is freed when the last reference goes.
    """
    fig = Figure(figsize=figsize, dpi=DPI, layout=GridLayout())
    ChartCanvas(fig)
    return fig


def style_axes(ax: Axes) -> None:
    """Tick sizes, a light grid below the data, no top and right spines."""
    ax.tick_params(axis="both", which="major", labelsize=FS_TICK, width=1.0, length=5)
    ax.tick_params(axis="both", which="minor", labelsize=FS_TICK, width=MINOR_TICK_WIDTH,
                   length=MINOR_TICK_LEN)
    ax.grid(True, which="major", color="#dddddd", linewidth=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_in_layout(False)


def minor_marks(ax: Axes, locs: np.ndarray, label: str = "_minor ticks") -> None:
    """Unlabelled minor tick marks below the x axis at ``locs`` (data units).

    Drawn as one line of tick-shaped markers instead of matplotlib minor ticks:
    they look the same, but each minor tick is an object with a label, a grid
    line and two marks that every layout and draw pass goes through.
    """
    locs = np.asarray(locs, dtype=float)
    if not locs.size:
        return
    (marks,) = ax.plot(locs, np.zeros_like(locs), transform=ax.get_xaxis_transform(),
                       linestyle="none", marker=mmarkers.TICKDOWN, markersize=MINOR_TICK_LEN,
                       markeredgewidth=MINOR_TICK_WIDTH, color=mpl.rcParams["xtick.color"],
                       label=label, zorder=2.5, scalex=False, scaley=False)
    # Clip to the axes' width only, not to its height: the marks hang below it.
    marks.set_clip_box(TransformedBbox(Bbox.from_extents(0, -1, 1, 2), ax.transAxes))


def text_width(renderer, text: str, prop: FontProperties) -> float:
    """Width in display units of the widest line of ``text``."""
    return max(renderer.get_text_width_height_descent(line, prop, ismath=False)[0]
               for line in text.split("\n"))


def _fill(text: str, chars: int) -> str:
    """``textwrap.fill`` that may also break after an underscore (``metric_names``)."""
    return textwrap.fill(text.replace("_", "_ "), chars, break_long_words=False).replace(
        "_ ", "_")


def wrap_to_width(text: str, prop: FontProperties, renderer, max_width: float,
                   balance: bool = False) -> str:
    """``text`` wrapped at word boundaries so no line is wider than ``max_width``.

    Widths are measured with the renderer (display units), not guessed from
    the number of characters. Lines break at spaces, or after an underscore
    in a long identifier; a single word wider than ``max_width`` is not
    broken. ``balance``: lines of similar length (for titles) instead of full
    lines and a short last one (for paragraphs).
    """
    flat = " ".join(text.split())
    full = text_width(renderer, flat, prop)
    if full <= max_width or not (" " in flat or "_" in flat):
        return flat
    chars = max(8, int(len(flat) * max_width / full))
    while True:
        wrapped = _fill(flat, chars)
        if chars <= 8 or text_width(renderer, wrapped, prop) <= max_width:
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


def set_title(ax: Axes, title: str) -> None:
    """Bold title, wrapped to the figure's width (to the axes' once laid out).

    y=1.0 fixes its position: matplotlib's automatic one only moves the title
    for tick labels or an offset text above the axes (never used here) and
    costs a full pass over the y-axis ticks at every draw and layout.
    """
    text = ax.set_title(title, fontsize=FS_TITLE, fontweight="bold", pad=10, y=1.0)
    fig = ax.figure
    text.set_text(wrap_to_width(title, text.get_fontproperties(), cast(Any, fig)._get_renderer(),
                                 fig.bbox.width - 2 * edge_margin(fig), balance=True))


def pixels(fig: Figure | SubFigure, n: float) -> float:
    """``n`` pixels of a 100 dpi figure in display units of ``fig`` (whatever its dpi)."""
    return n * fig.dpi / 100


def edge_margin(fig: Figure | SubFigure) -> float:
    """Space kept free at the figure's edges by :func:`fit_texts`, display units."""
    return 6 * fig.dpi / 72


def fit_texts(ax: Axes, renderer) -> bool:
    """Re-wrap the title and y-axis label of ``ax`` if they would stick out of the figure.

    A layout engine (constrained layout, :class:`.layout.GridLayout`) makes room
    for the *height* of a title and the *width* of a y label only, so a long title
    (centred on its axes) or y label (centred on the axes' height) runs off the
    figure instead of wrapping.
    Call after a layout pass; returns True if a text changed (lay out again).
    """
    fig = ax.figure
    margin = edge_margin(fig)
    fig_w, fig_h = fig.bbox.width, fig.bbox.height
    captions = [t for t in fig.texts if t.get_gid() == CAPTION_GID and t.get_text()]
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
        if "\n" not in old and text_width(renderer, old, text.get_fontproperties()) <= room:
            continue
        new = wrap_to_width(old, text.get_fontproperties(), renderer, room, balance=True)
        if new != old:
            text.set_text(new)
            changed = True
    return changed


def make_legend(ax: Axes, **kwargs: Any):
    """``ax.legend`` in the charts' font size and frame."""
    kwargs.setdefault("fontsize", FS_LEGEND)
    kwargs.setdefault("title_fontsize", FS_LEGEND)
    kwargs.setdefault("framealpha", 0.92)
    kwargs.setdefault("edgecolor", "#cccccc")
    return ax.legend(**kwargs)


def add_caption(fig: Figure, caption: str) -> None:
    """Write the caption at the bottom of ``fig`` and keep room for it.

    A second call on the same figure (several panels drawn into one figure
    by the caller) replaces the caption instead of stacking two of them.
    """
    if not caption:
        return
    height_in = fig.get_figheight()
    prop = FontProperties(size=FS_CAPTION)
    wrapped = wrap_to_width(caption, prop, cast(Any, fig)._get_renderer(),
                             fig.bbox.width * (1 - 2 * 0.012) - edge_margin(fig))
    n_lines = wrapped.count("\n") + 1
    frac = (n_lines * FS_CAPTION * 1.3 + 10) / (height_in * 72)
    frac = min(frac, 0.4)

    existing = [t for t in fig.texts if t.get_gid() == CAPTION_GID]
    if existing:
        existing[0].set_text(wrapped)
    else:
        fig.text(
            0.012,
            0.012,
            wrapped,
            ha="left",
            va="bottom",
            fontsize=FS_CAPTION,
            color=GREY,
            gid=CAPTION_GID,
            wrap=False,
        )
    engine = fig.get_layout_engine()
    if isinstance(engine, (ConstrainedLayoutEngine, GridLayout)):
        engine.set(rect=(0.0, frac, 1.0, 1.0 - frac))
    elif engine is None:
        bottom = max(fig.subplotpars.bottom, frac + 0.1)
        fig.subplots_adjust(bottom=bottom)

