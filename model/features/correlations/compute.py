"""Inputs that move together, on a finished run: each stated pair's target with the rank correlation
the prior samples achieve, and what calibration makes of it (numbers only)."""

from __future__ import annotations

from dataclasses import dataclass

from ...analysis.outcome import Ensemble, RunResult
from ...analysis.stats import weighted_spearman
from ...inputs.correlation import RankPair
from ...inputs.dependence import Dependence, dependence_of

__all__ = ["CorrelationFinding", "correlation_finding", "compute"]


@dataclass(frozen=True)
class CorrelationFinding:
    """The stated pairs, their targets and the achieved rank correlations."""

    method: str
    pairs: tuple[RankPair, ...]
    reasons: tuple[str, ...]
    achieved: tuple[float, ...]  # prior samples (Spearman)
    calibrated: tuple[float, ...] | None  # weighted, after calibration; None when not calibrated
    samples: int  # samples the achieved values are measured on


def correlation_finding(dependence: Dependence, *, prior: Ensemble, calibrated: Ensemble,
                        is_calibrated: bool) -> CorrelationFinding:
    """Targets beside the rank correlations achieved by the kept prior samples (and after calibration)."""
    names = sorted({nm for p in dependence.pairs for nm in (p.a, p.b)}, key=list(dependence.names).index)
    where = {nm: k for k, nm in enumerate(names)}
    achieved = weighted_spearman(prior.input_columns(names), None)
    cal: tuple[float, ...] | None = None
    if is_calibrated:
        m = len(calibrated.inputs)
        corr = weighted_spearman(calibrated.input_columns(names), calibrated.head_weights(m))
        cal = tuple(float(corr[where[p.a], where[p.b]]) for p in dependence.pairs)
    return CorrelationFinding(
        dependence.method, dependence.pairs, dependence.reasons,
        tuple(float(achieved[where[p.a], where[p.b]]) for p in dependence.pairs), cal, len(prior.inputs))




def compute(run: RunResult, context: object) -> CorrelationFinding | None:
    """The scenario's stated pairs (None when it states none)."""
    dependence = dependence_of(run.scenario, run.priors)
    if dependence is None:
        return None
    return correlation_finding(dependence, prior=run.prior, calibrated=run.calibrated,
                               is_calibrated=run.calibration.calibrated)
