"""Checks of the ``alternatives:`` and ``intensity_profile:`` sections that the types cannot
express, reported like every other problem: ``FILE:LINE: FIELD: message``.

An alternative is another structure run on the same samples: it has a name a report section can
carry, changes at least one structural choice, and differs from the scenario's own structure and
from every other alternative (otherwise the report shows the same run twice under two names).
An intensity profile's months lie inside the scenario's window, each once, as events' and
observations' do.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from ..core.months import month_index
from .problems import shorten
from .schema import Alternative, IntensityPoint, StructureSettings, Window

__all__ = ["ALTERNATIVE_NAME", "structure_problems"]

#: An alternative's name: it heads a section of the report and is a key of ``summary.json``.
ALTERNATIVE_NAME = r"^[A-Za-z][A-Za-z0-9_]{0,63}$"

Add = Callable[[tuple, str], None]


def _alternatives(data: dict[str, Any], add: Add) -> None:
    alternatives = data.get("alternatives")
    if not isinstance(alternatives, dict):
        return
    try:
        own = StructureSettings.model_validate(data.get("structure") or {})
    except ValidationError:
        return  # reported by the schema
    seen: dict[tuple[str, str], str] = {(own.firing, own.supply_decline): "the scenario's own structure"}
    for name, raw in alternatives.items():
        if not re.match(ALTERNATIVE_NAME, str(name)):
            add(("alternatives", name), f"'{shorten(str(name))}' is not usable as an alternative's name: 1-64 "
                                        "letters, digits or '_', starting with a letter (it heads a report section)")
            continue
        try:
            alt = Alternative.model_validate(raw if raw is not None else {})
        except ValidationError:
            continue  # reported by the schema
        if alt.firing is None and alt.supply_decline is None:
            add(("alternatives", name), "changes nothing: an alternative sets firing or supply_decline (or both) to "
                                        "another choice than the scenario's structure")
            continue
        structure = (alt.firing or own.firing, alt.supply_decline or own.supply_decline)
        if structure in seen:
            add(("alternatives", name), f"firing: {structure[0]}, supply_decline: {structure[1]} is {seen[structure]}; "
                                        "an alternative must differ from it")
            continue
        seen[structure] = f"already alternative '{name}'"


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


def structure_problems(data: dict[str, Any], window: Window | None, add: Add) -> None:
    """Add every problem with the scenario's structural alternatives and intensity profile."""
    _alternatives(data, add)
    _intensity_profile(data, window, add)
