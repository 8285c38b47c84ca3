"""Checks of the ``intensity_profile:`` section that the types cannot express, reported like every
other problem: ``FILE:LINE: FIELD: message``. An intensity profile's months lie inside the scenario's
window, each once, as events' and observations' do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from ..core.months import month_index
from .schema import IntensityPoint, Window

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


def structure_problems(data: dict[str, Any], window: Window | None, add: Add) -> None:
    """Add every problem with the scenario's intensity profile (alternatives: model.features.alternatives)."""
    _intensity_profile(data, window, add)
