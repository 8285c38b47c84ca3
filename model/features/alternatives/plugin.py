"""Structural alternatives as an optional feature: the scenario's ``alternatives:`` section."""

from __future__ import annotations

from ..base import Feature
from .compute import compute
from .report import section
from .spec import alternatives_of
from .summary import from_json, summarise, to_json

FEATURE = Feature(
    name="alternatives",
    applies=lambda scenario: bool(alternatives_of(scenario)),
    compute=compute,
    summarise=summarise,
    to_json=to_json,
    from_json=from_json,
    section=section,
)
