"""The layout of the charts' own figures: constrained layout's result in one measuring pass.

Matplotlib's constrained layout measures every axes with all its decorations (tick
labels, axis labels, title, a legend outside the axes) twice per layout, and a chart is
laid out once or twice before it is saved; a measuring pass costs about as much as
drawing the figure without rendering. The charts here are simple grids (one axes, or two
stacked panels sharing the x axis), so :class:`GridLayout` places the axes from one
measurement: it starts them where such a chart's axes end up (margins for tick labels,
axis labels and a title), measures their decorations there, and sets each cell's axes so
that its decorations fit the cell with a pad of 3 points, as constrained layout does. A
second measurement is made only if an axes got other ticks at its new size (asking the
tick locators costs next to nothing; measuring the labels is what costs).

Figures made by others (``ax=``) keep their own layout engine; the charts' helpers work
with either.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import numpy as np
from matplotlib.figure import Figure
from matplotlib.layout_engine import LayoutEngine
from matplotlib.transforms import Bbox

__all__ = ["GridLayout"]

_PAD_PT = 3.0  # space around each cell's decorations and at the figure's edges, points
# Where the axes of a cell start before measuring, points beyond its edges (left,
# right, bottom, top): the room most charts here take for y tick labels and label,
# x tick labels and label, and a one-line title.
_START_PT = (48.0, 4.0, 34.0, 20.0)


def _tick_locations(ax) -> list[np.ndarray]:
    return [np.asarray(axis.get_majorticklocs()) for axis in (ax.xaxis, ax.yaxis)]


def _same(a: list[np.ndarray], b: list[np.ndarray]) -> bool:
    return all(x.shape == y.shape and np.array_equal(x, y) for x, y in zip(a, b))


class GridLayout(LayoutEngine):
    """Lay out the subplots of a figure's grid so their decorations just fit.

    ``rect`` (left, bottom, width, height in figure fractions) is the part of the
    figure the grid may use, as for constrained layout (the caption keeps the rest);
    a figure title (``suptitle``) takes its height off the top.
    """

    _adjust_compatible = False
    _colorbar_gridspec = False

    def __init__(self, *, rect: Sequence[float] = (0.0, 0.0, 1.0, 1.0), **kwargs) -> None:
        super().__init__(**kwargs)
        self._params = {"rect": tuple(rect)}

    def set(self, *, rect: Sequence[float] | None = None) -> None:
        if rect is not None:
            self._params["rect"] = tuple(rect)

    def execute(self, fig: Figure) -> None:
        renderer = cast(Any, fig)._get_renderer()  # private, not in matplotlib's stubs
        axes = [ax for ax in fig.axes if ax.get_subplotspec() is not None and ax.get_in_layout()]
        if not axes:
            return
        spec = axes[0].get_subplotspec()
        assert spec is not None  # axes without a subplotspec were filtered out above
        gs = spec.get_gridspec()
        nrows, ncols = gs.get_geometry()
        fw, fh = fig.bbox.width, fig.bbox.height
        pad = _PAD_PT * fig.dpi / 72
        x0, y0, w, h = self._params["rect"]
        box = [x0 * fw + pad, y0 * fh + pad, (x0 + w) * fw - pad, (y0 + h) * fh - pad]
        sup = cast(Any, fig)._suptitle  # private, not in matplotlib's stubs
        if sup is not None and sup.get_visible() and sup.get_text() and sup.get_in_layout():
            if getattr(sup, "_autopos", False):  # as constrained layout: at the top, less the pad
                sup.set_y((y0 + h) - pad / fh)
                sup.set_verticalalignment("top")
            box[3] = min(box[3], sup.get_window_extent(renderer).y0 - pad)
        cells = {ax: ax.get_subplotspec() for ax in axes}
        margins = {ax: np.array(_START_PT) * fig.dpi / 72 for ax in axes}
        self._place(fig, cells, margins, box, nrows, ncols)
        for _ in range(2):
            ticks = {ax: _tick_locations(ax) for ax in axes}
            margins = {ax: self._margins(ax, renderer) for ax in axes}
            self._place(fig, cells, margins, box, nrows, ncols)
            if all(_same(ticks[ax], _tick_locations(ax)) for ax in axes):
                break  # the same ticks at the new size: the measured margins hold

    @staticmethod
    def _margins(ax, renderer) -> np.ndarray:
        """Room the decorations of ``ax`` take beyond its edges: left, right, bottom, top."""
        pos = ax.get_window_extent(renderer)
        tight = ax.get_tightbbox(renderer, for_layout_only=True)
        if tight is None:
            return np.zeros(4)
        margins = np.maximum([pos.x0 - tight.x0, tight.x1 - pos.x1, pos.y0 - tight.y0, tight.y1 - pos.y1], 0.0)
        leg = ax.get_legend()
        if leg is not None and getattr(leg, "_nk_below_axes", False):  # room below it, not beside it
            margins[2] = max(margins[2], pos.y0 - leg.get_window_extent(renderer).y0)
        return margins

    @staticmethod
    def _place(fig: Figure, cells, margins, box, nrows: int, ncols: int) -> None:
        """Set each axes in its grid cell, columns and rows sharing their largest margins."""
        fw, fh = fig.bbox.width, fig.bbox.height
        pad = _PAD_PT * fig.dpi / 72
        left = np.zeros(ncols)
        right = np.zeros(ncols)
        bottom = np.zeros(nrows)
        top = np.zeros(nrows)
        for ax, spec in cells.items():
            m = margins[ax]
            left[spec.colspan.start] = max(left[spec.colspan.start], m[0])
            right[spec.colspan.stop - 1] = max(right[spec.colspan.stop - 1], m[1])
            bottom[spec.rowspan.stop - 1] = max(bottom[spec.rowspan.stop - 1], m[2])
            top[spec.rowspan.start] = max(top[spec.rowspan.start], m[3])
        gaps = 2 * pad
        width = (box[2] - box[0] - left.sum() - right.sum() - gaps * (ncols - 1)) / ncols
        height = (box[3] - box[1] - bottom.sum() - top.sum() - gaps * (nrows - 1)) / nrows
        width, height = max(width, 1.0), max(height, 1.0)
        col_x = [box[0] + left[: c + 1].sum() + right[:c].sum() + c * (width + gaps) for c in range(ncols)]
        row_top = [box[3] - top[: r + 1].sum() - bottom[:r].sum() - r * (height + gaps) for r in range(nrows)]
        for ax, spec in cells.items():
            c0, c1 = spec.colspan.start, spec.colspan.stop - 1
            r0, r1 = spec.rowspan.start, spec.rowspan.stop - 1
            x_left = col_x[c0]
            x_right = col_x[c1] + width
            y_top = row_top[r0]
            y_bottom = row_top[r1] - height
            ax._set_position(Bbox.from_extents(x_left / fw, y_bottom / fh, x_right / fw, y_top / fh))
