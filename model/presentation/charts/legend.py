"""Where the legend goes: in a corner of the plot where it hides no data (raising the
top of the y axis a little if that makes room), otherwise below the x-axis label.

Every chart lists what it drew as *occupancy*: ``(x, y_low, y_high)`` regions in
data units that a legend must not cover. Placing the legend needs the figure laid
out once; :func:`layout_now` runs the layout without drawing and :func:`layout_done`
marks it final, so that saving reuses it instead of laying the figure out again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure, SubFigure
from matplotlib.transforms import Bbox, ScaledTranslation, blended_transform_factory

from .layout import GridLayout
from .style import fit_texts, make_legend, pixels

__all__ = ["Occupancy", "corner_bbox", "floor_at_zero", "highest", "layout_done", "layout_now", "occupied",
           "place_legend"]

#: ``(x, y_low, y_high)`` in data units (x as matplotlib numbers, dates via
#: ``date2num``): a region of the axes that a legend must not hide.
Occupancy = tuple


def floor_at_zero(ax: Axes, occupancy: Sequence[Occupancy]) -> None:
    """Start the y axis at 0 when everything drawn is non-negative."""
    arrays = [np.ravel(np.asarray(a, dtype=float)) for _, lo, hi in occupancy for a in (lo, hi)]
    vals = np.concatenate(arrays) if arrays else np.array([])
    vals = vals[np.isfinite(vals)]
    if vals.size and vals.min() >= 0:
        ax.set_ylim(bottom=0)


def occupied(ax: Axes, occupancy: Sequence[Occupancy], bb, avoid: Sequence[Any] = ()) -> bool:
    """True if any occupied region or ``avoid`` artist intersects display bbox ``bb``."""
    ylo_lim, yhi_lim = ax.get_ylim()
    bb = bb.padded(pixels(ax.figure, 6))  # markers and line widths stick out of the data
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


def layout_now(fig: Figure | SubFigure):
    """Run the figure's layout engine once, without drawing; return the renderer.

    Afterwards axes positions, tick labels and text sizes are those of the
    saved figure (a full ``draw_without_rendering`` would also draw every
    artist, and run the layout again, for nothing).
    """
    renderer = cast(Any, fig)._get_renderer()  # private, not in matplotlib's stubs
    engine = fig.get_layout_engine()
    if engine is not None:
        engine.execute(cast(Figure, fig))  # the stubs type execute() for Figures only
    return renderer


def layout_done(fig: Figure | SubFigure) -> None:
    """Note that the layout just computed is final (a legend inside the axes, moved
    to another corner, does not change it).

    Clearing ``fig.stale`` lets :func:`save_figure` keep this layout instead of
    running the layout engine again; any later change to an artist of the figure
    sets ``stale`` again (matplotlib propagates it up to the figure), and the
    figure is then laid out anew when saved.
    """
    fig.stale = False


def place_legend(
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
        if fit_texts(ax, layout_now(fig)):
            layout_now(fig)
        layout_done(fig)
        return None
    if corners:
        # One layout pass gives the legend's size; corners are then computed,
        # not drawn (a legend inside the axes does not change the layout).
        leg = make_legend(ax, loc=corners[0], **kwargs)
        leg.set_in_layout(False)  # inside the axes it needs no room of its own
        if fit_texts(ax, layout_now(fig)):
            layout_now(fig)
        for corner in corners:
            if not occupied(ax, occupancy, corner_bbox(ax, leg, corner), avoid):
                leg.set_loc(corner)
                layout_done(fig)
                return leg
        if ax.get_yscale() == "linear" and max_headroom > 0:
            y0, y1 = ax.get_ylim()
            for corner in (c for c in corners if c.startswith("upper")):
                bb = corner_bbox(ax, leg, corner)
                axbb = ax.get_window_extent()
                # Highest data under the legend's horizontal extent, with ylim as is.
                top_d = highest(ax, occupancy, bb)
                frac_free = (bb.y0 - axbb.y0 - pixels(fig, 6)) / axbb.height
                if top_d is None or frac_free <= 0.2:
                    continue
                new_y1 = y0 + (top_d - y0) / frac_free
                if new_y1 - y1 > max_headroom * (y1 - y0):
                    continue
                ax.set_ylim(y0, max(new_y1, y1))
                leg.set_loc(corner)
                layout_now(fig)  # new y tick labels may change the axes' width
                if not occupied(ax, occupancy, corner_bbox(ax, leg, corner), avoid):
                    layout_done(fig)
                    return leg
                ax.set_ylim(y0, y1)
    # Below the axes: anchored a fixed distance under the x-axis label.
    # The distance from the axes' bottom to the x-axis label does not depend on
    # the y limits: the layout from the corner test is good enough.
    renderer = cast(Any, fig)._get_renderer()
    axbb = ax.get_window_extent()
    ax.xaxis.get_tightbbox(renderer)  # brings ticks and the label position up to date
    below = axbb.y0 - min(
        (t.get_window_extent(renderer).y0 for t in [ax.xaxis.label, *ax.get_xticklabels()]
         if t.get_visible() and t.get_text()),
        default=axbb.y0,
    )
    offset = ScaledTranslation(0, -(below + pixels(fig, 4)) / fig.dpi, fig.dpi_scale_trans)
    kwargs.setdefault("frameon", False)
    leg = make_legend(ax, loc="upper center", bbox_to_anchor=(0.5, 0.0),
                      bbox_transform=ax.transAxes + offset, ncols=ncols_below, **kwargs)
    if isinstance(fig.get_layout_engine(), GridLayout):
        # Centred under the axes, or under the figure when wider than the axes (tick
        # labels pushed the axes right); the layout keeps room below for it, not beside.
        if leg.get_window_extent(renderer).width > axbb.width:
            leg.set_bbox_to_anchor((0.5, 0.0), blended_transform_factory(fig.transFigure, ax.transAxes) + offset)
        leg.set_in_layout(False)
        leg._nk_below_axes = True  # read by GridLayout
    return leg


def corner_bbox(ax: Axes, leg, corner: str) -> Bbox:
    """Display bbox the (already drawn) legend would take at ``corner`` of ``ax``."""
    bb = leg.get_window_extent()
    axbb = ax.get_window_extent()
    pad = leg.borderaxespad * leg.prop.get_size_in_points() * ax.figure.dpi / 72
    vert, horiz = corner.split()
    x0 = axbb.x0 + pad if horiz == "left" else axbb.x1 - pad - bb.width
    y0 = axbb.y1 - pad - bb.height if vert == "upper" else axbb.y0 + pad
    return Bbox.from_bounds(x0, y0, bb.width, bb.height)


def highest(ax: Axes, occupancy: Sequence[Occupancy], bb) -> float | None:
    """Largest y (data units) of the occupied regions within the x extent of ``bb``."""
    inv = ax.transData.inverted()
    xl = inv.transform([(bb.x0, 0), (bb.x1, 0)])[:, 0]
    xmin, xmax = min(xl), max(xl)
    best = None
    for x, _lo, hi in occupancy:
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


