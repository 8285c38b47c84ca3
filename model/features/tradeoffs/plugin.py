"""The inputs the reported figures tie together, for every calibrated run with two uncertain inputs or more."""

from __future__ import annotations

from ..base import Feature
from . import codec
from .compute import compute
from .figures import tradeoff_figures
from .report import section

FEATURE = Feature(
    name="tradeoffs",
    applies=lambda scenario: True,  # compute says None when the run is not calibrated
    compute=compute,
    summarise=lambda run: run.features.get("tradeoffs"),
    to_json=codec.to_json,
    from_json=codec.from_json,
    figures=tradeoff_figures,
    section=section,
)
