"""Checks of the ``intensity_profile:``, ``headline:`` and ``value_of_information:`` sections that the
types cannot express, reported like every other problem: ``FILE:LINE: FIELD: message``. An intensity
profile's months lie inside the scenario's window, each once, as events' and observations' do; a
headline answer means something in the scenario (a cut-off metric needs a cut-off); a candidate
report refers to a month, or a calendar year, inside the window.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from ..core.catalogue import applies
from ..core.months import month_index
from .problems import outside_window
from .schema import IntensityPoint, ReportCandidate, Window

__all__ = ["structure_problems"]


Add = Callable[[tuple, str], None]


def _intensity_profile(data: dict[str, Any], window: Window | None, add: Add) -> None:
    points = data.get("intensity_profile")
    if not isinstance(points, list) or window is None:
        return
    first = month_index(window.start)
    given: dict[str, int] = {}
    for i, raw in enumerate(points):
        try:
            point = IntensityPoint.model_validate(raw)
        except ValidationError:
            continue  # reported by the schema
        if not first <= month_index(point.month) < first + window.horizon_months:
            add(("intensity_profile", i, "month"),
                f"{point.month} is outside the scenario window ({window.start} + {window.horizon_months} months)")
        elif point.month in given:
            add(("intensity_profile", i, "month"), f"{point.month} is given twice (first in entry {given[point.month]}); "
                                                   "each month once")
        else:
            given[point.month] = i


def _has_cutoff(data: dict[str, Any]) -> bool:
    events = data.get("events")
    return isinstance(events, dict) and any(
        isinstance(ev, dict) and ev.get("kind") == "nk_deliveries_stop" for ev in events.values())


def _headline(data: dict[str, Any], add: Add) -> None:
    headline = data.get("headline")
    if not isinstance(headline, list):
        return
    cutoff = _has_cutoff(data)
    for i, metric in enumerate(headline):
        if isinstance(metric, str) and not applies(metric, has_cutoff=cutoff):
            add(("headline", i), f"{metric} counts months from a North Korean cut-off, and this scenario has none: add "
                                 "an event of kind nk_deliveries_stop, or name another answer")


def _candidates(data: dict[str, Any], window: Window | None, add: Add) -> None:
    section = data.get("value_of_information")
    candidates = section.get("candidates") if isinstance(section, dict) else None
    if not isinstance(candidates, list) or window is None:
        return
    first = month_index(window.start)
    last = first + window.horizon_months - 1
    for i, raw in enumerate(candidates):
        try:
            c = ReportCandidate.model_validate(raw)
        except ValidationError:
            continue  # reported by the schema
        where = ("value_of_information", "candidates", i)
        if (c.at is None) == (c.year is None):
            add(where, "give either at: (the month the report would refer to) or year: (a monthly quantity "
                       "summed over a calendar year), not " + ("both" if c.at is not None else "neither"))
        elif c.at is not None and (why := outside_window(c.at, window.start, window.horizon_months)):
            add((*where, "at"), why)
        elif c.year is not None and not (first <= month_index(f"{c.year}-01") and month_index(f"{c.year}-12") <= last):
            add((*where, "year"), f"{c.year} is not a whole calendar year inside the scenario window ({window.start} + "
                                  f"{window.horizon_months} months): a report summed over part of a year would be "
                                  "read as a whole year's")


def structure_problems(data: dict[str, Any], window: Window | None, add: Add) -> None:
    """Add every problem with the scenario's intensity profile, headline and candidate reports
    (alternatives: model.features.alternatives)."""
    _intensity_profile(data, window, add)
    _headline(data, add)
    _candidates(data, window, add)
