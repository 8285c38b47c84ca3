"""Scenario discovery as an optional feature: the scenario's ``discovery:`` conditions."""

from __future__ import annotations

from ..base import Feature
from . import codec
from .compute import compute
from .figures import discovery_figures
from .report import section
from .spec import conditions_of

FEATURE = Feature(
    name="discovery",
    applies=lambda scenario: bool(conditions_of(scenario)),
    compute=compute,
    summarise=lambda run: run.features.get("discovery"),  # numbers only: the boxes and rules as found
    to_json=codec.to_json,
    from_json=codec.from_json,
    figures=discovery_figures,
    section=section,
)
