"""Months on the x axis: ``"YYYY-MM"`` strings to dates, yearly / quarterly ticks.

Months are strings ``"YYYY-MM"``; they are drawn on a date axis (first day of the
month) with yearly or quarterly labels and unlabelled monthly marks. Tick positions
are computed with numpy (dateutil's rrule dominated the drawing time of date axes).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import matplotlib.dates as mdates
import matplotlib.ticker as mticker
import numpy as np
from matplotlib.axes import Axes
from numpy.typing import ArrayLike

from .style import minor_marks

__all__ = ["MonthFormatter", "MonthLocator", "date_axis", "month_date", "months_to_dates"]

_EPOCH_DAY = None  # matplotlib's date epoch as datetime64[D], set on first use
_MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
               "Dec")


def _epoch_day() -> np.datetime64:
    global _EPOCH_DAY
    if _EPOCH_DAY is None:
        _EPOCH_DAY = np.datetime64(mdates.get_epoch(), "D")
    return _EPOCH_DAY


class MonthLocator(mticker.Locator):
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


class MonthFormatter(mticker.Formatter):
    """The year at each January, the month's abbreviation otherwise (in the charts' language when made)."""

    def __init__(self) -> None:
        from .. import texts
        from .words import current

        lang = current()
        self._abbr = _MONTH_ABBR if lang == "en" else tuple(texts.text(f"month.{i}", lang) for i in range(1, 13))

    def __call__(self, x, pos=None):
        if not math.isfinite(x):
            return ""
        m = int((_epoch_day() + np.timedelta64(round(x), "D")).astype("datetime64[M]")
                .astype(int))
        year, month = divmod(m, 12)
        return str(1970 + year) if month == 0 else self._abbr[month]


def date_axis(ax: Axes, dates: np.ndarray) -> None:
    """Readable date ticks: quarters labelled, years marked, months as minor ticks."""
    finite = dates[~np.isnat(dates)]
    if finite.size == 0:
        return
    months = finite.astype("datetime64[M]")
    span_months = int((months.max() - months.min()).astype(int))
    major: mticker.Locator
    if span_months <= 66:
        major = MonthLocator(1 if span_months <= 14 else 3)
        ax.xaxis.set_major_locator(major)
        ax.xaxis.set_major_formatter(MonthFormatter())
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
        month_marks(ax, major)


def month_marks(ax: Axes, major: mticker.Locator) -> None:
    """Unlabelled monthly tick marks between the labelled (quarterly) ticks."""
    lo, hi = ax.get_xlim()
    locs = MonthLocator(1).tick_values(lo, hi)
    minor_marks(ax, locs[~np.isin(locs, major.tick_values(lo, hi))], label="_month ticks")


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


def month_date(m: str) -> np.datetime64:
    return months_to_dates([m])[0]

