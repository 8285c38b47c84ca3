"""Inputs that move together as an optional feature: the scenario's ``correlations:`` section (the sampling
itself imposes them, ``model.inputs.dependence``; this feature reports what the samples achieve)."""

from __future__ import annotations

from ..base import Feature
from . import codec
from .compute import compute
from .report import section
from .spec import correlations_of

FEATURE = Feature(
    name="correlations",
    applies=lambda scenario: bool(correlations_of(scenario)),
    compute=compute,
    summarise=lambda run: run.features.get("correlations"),
    to_json=codec.to_json,
    from_json=codec.from_json,
    section=section,
)
