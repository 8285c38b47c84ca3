"""What one scenario run produced, in memory: typed results the presentation layer reads."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..core.timeline import Timeline
from ..inputs.priors import ParameterPrior
from ..inputs.sampling import SampleSet
from ..inputs.schema import Scenario
from .calibration import Calibration, ObservedFigure

__all__ = ["Drivers", "RunResult"]


@dataclass
class Drivers:
    """Which inputs matter for one metric."""

    metric: str
    names: list[str]  # uncertain inputs, in schema order
    S1: np.ndarray | None
    S1_low: np.ndarray | None
    S1_high: np.ndarray | None
    ST: np.ndarray | None
    ST_low: np.ndarray | None
    ST_high: np.ndarray | None
    swing_low: np.ndarray | None  # metric with the input at its 5th percentile
    swing_high: np.ndarray | None  # ... at its 95th percentile
    swing_baseline: float | None
    rank_correlation: np.ndarray | None  # Spearman, calibrated weights


@dataclass
class RunResult:
    """Everything one scenario run produced, in memory."""

    scenario: Scenario
    priors: list[ParameterPrior]
    timeline: Timeline
    samples: SampleSet
    metrics: dict[str, np.ndarray]
    trajectories: dict[str, np.ndarray]  # (min(n, cap), months) float32
    observed: list[ObservedFigure]
    observed_values: np.ndarray  # (n, k) model value at each figure's date
    calibration: Calibration
    drivers: list[Drivers]

    @property
    def weights(self) -> np.ndarray:
        return self.calibration.weights
