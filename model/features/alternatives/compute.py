"""Each alternative's structure run on the scenario's samples and calibrated on the same figures."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...analysis.calibration import Calibration
from ...analysis.outcome import Ensemble, RunResult
from ...core.structure import Structure
from ...inputs.events import build_structure
from .spec import alternatives_of

__all__ = ["AlternativeResult", "compute"]


@dataclass(frozen=True)
class AlternativeResult:
    """The same samples under a structural alternative: its futures before and after calibration."""

    name: str
    structure: Structure
    prior: Ensemble
    calibrated: Ensemble
    calibration: Calibration


def compute(run: RunResult, context: Any) -> list[AlternativeResult] | None:
    """Every alternative of the scenario, in the order written (None when it has none)."""
    alternatives = alternatives_of(run.scenario)
    if not alternatives:
        return None
    out = []
    for name, alt in alternatives.items():
        structure = build_structure(run.scenario, alt)
        prior, calibrated, calibration = context.calibrate_under(structure)
        out.append(AlternativeResult(name, structure, prior, calibrated, calibration))
    return out
