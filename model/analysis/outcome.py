"""What one scenario run produced, in memory: typed results the presentation layer reads."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ..core.dynamics import Structure
from ..core.timeline import Timeline
from ..inputs.distributions import ParameterPrior
from ..inputs.events import build_structure
from ..inputs.sampling import SampleSet
from ..inputs.schema import Scenario
from .calibration import Calibration, ObservedFigure

if TYPE_CHECKING:
    from .structures import StructureMixture
    from .value_of_information import Narrowing

__all__ = ["Drivers", "Ensemble", "RunResult"]


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
    # first-order indices on the calibrated samples (given-data estimator, bootstrap interval); the
    # calibrated inputs are dependent, so an input's index includes what it carries of those it moves with
    S1_calibrated: np.ndarray | None = None
    S1_calibrated_low: np.ndarray | None = None
    S1_calibrated_high: np.ndarray | None = None


@dataclass(frozen=True)
class Ensemble:
    """Per-sample results of one set of futures: the prior samples, or the calibrated ones.

    ``metrics[name]`` has one value per sample (float32: 7 significant digits, half the memory
    of a ten-million-sample run); ``trajectories`` and ``inputs`` hold only the first samples
    (``model.experiment.trajectory_samples``, ``SAMPLES_KEPT``), which is what the charts, the CSV
    files and the rank correlations use; every metric and every calibration number uses all samples.
    ``weights`` of the prior futures are one number seen n times (``np.broadcast_to``: read-only).
    """

    metrics: dict[str, np.ndarray]
    weights: np.ndarray  # (n,), summing to 1
    observed_values: np.ndarray  # (n, k) float32 model value at each observed figure's date (an undated total: a drawn one)
    trajectories: dict[str, np.ndarray]  # (m, months) float32, the first m samples
    inputs: SampleSet  # the first samples' parameter values
    structure_choices: dict[str, np.ndarray] = field(default_factory=dict)  # uncertain switch -> choice index (n,) int8
    # figure id of each undated total -> (n,) float32 log-likelihood integrated over its possible dates
    # (model.analysis.calibration.integrated_over_dates): n x 4 bytes, where its dates' values took n x 24
    undated_log_likelihoods: dict[str, np.ndarray] = field(default_factory=dict)

    def __len__(self) -> int:
        return int(self.weights.shape[0])

    def input_columns(self, names: Sequence[str]) -> np.ndarray:
        """The kept samples' values of the named inputs, one column each."""
        return self.inputs.values[:, [self.inputs.names.index(n) for n in names]]

    def head_weights(self, m: int) -> np.ndarray:
        """Weights of the first ``m`` samples, renormalised to sum 1 (equal if they carry none)."""
        w = self.weights[:m]
        total = w.sum()
        return w / total if total > 0 else np.full(m, 1.0 / m)


@dataclass
class RunResult:
    """Everything one scenario run produced, in memory.

    ``prior`` holds the futures drawn from the priors (equal weights); ``calibrated`` the
    calibrated ones: the same samples re-weighted (importance weighting) or the SMC particles.
    """

    scenario: Scenario
    priors: list[ParameterPrior]
    timeline: Timeline
    prior: Ensemble
    calibrated: Ensemble
    observed: list[ObservedFigure]
    calibration: Calibration
    drivers: list[Drivers]
    structures: StructureMixture | None = None  # the answers by structure and their evidence (uncertain switches)
    value_of_information: dict[str, list[Narrowing]] = field(default_factory=dict)  # headline metric -> ranked reports
    features: dict[str, Any] = field(default_factory=dict)  # each optional feature's numbers, by name (model.features)

    @property
    def structure(self) -> Structure:
        return build_structure(self.scenario)

    @property
    def metrics(self) -> dict[str, np.ndarray]:
        return self.calibrated.metrics

    @property
    def weights(self) -> np.ndarray:
        return self.calibrated.weights

    @property
    def samples(self) -> SampleSet:
        return self.calibrated.inputs

    @property
    def trajectories(self) -> dict[str, np.ndarray]:
        return self.calibrated.trajectories
