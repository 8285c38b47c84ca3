"""Hindcast numbers: how a run calibrated on the earlier figures predicts the later ones.

Given a run calibrated on the *fitted* figures only, each *withheld* figure's predictive
distribution is the calibrated futures' model values at its date, each with the figure's
lognormal error (``model.analysis.predictive``). A withheld figure of a trajectory that also
has fitted figures (a series, ``model.analysis.series``) has its error conditioned on theirs:
each future's location moves by the conditional mean error and the spread shrinks to the
conditional one. The prior predictive (no calibration, no conditioning) is computed beside it.

The model values come from the calibrated trajectories (the first ``trajectory_samples(months)``
futures of a run, weights renormalised), so memory stays bounded for any sample count and horizon.
Running the model and writing files is ``model.features.hindcast.run``'s job; this module only computes.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from ...analysis.calibration import ObservedFigure
from ...analysis.outcome import RunResult
from ...analysis.predictive import PredictiveCheck, check, predictive
from ...analysis.series import conditional_error, standardised_residuals
from ...inputs.schema import Scenario

__all__ = ["HindcastPoint", "Hindcast", "predict_withheld"]

_CRPS_STREAM = 2**31 - 3  # spawn key of the CRPS sampling stream (SMC uses 2**31 - 2, sampling 2**31 - 1)


@dataclass(frozen=True)
class HindcastPoint:
    """One withheld figure and how the model calibrated on the earlier ones predicted it."""

    observed: ObservedFigure
    calibrated: PredictiveCheck  # predictive from the futures calibrated on the fitted figures
    prior: PredictiveCheck  # predictive before any calibration, for comparison
    series_conditioned: bool  # its error was conditioned on fitted figures of the same trajectory


@dataclass(frozen=True)
class Hindcast:
    scenario: Scenario  # the full scenario
    until: str
    fitted: tuple[ObservedFigure, ...]
    points: tuple[HindcastPoint, ...]
    run: RunResult  # the run calibrated on the fitted figures only
    futures: int  # futures whose trajectories give the predictions
    effective_futures: float  # their Kish effective size under the calibrated weights


def predict_withheld(run: RunResult, scenario: Scenario, until: str, fitted: Sequence[ObservedFigure],
                     withheld: Sequence[ObservedFigure]) -> Hindcast:
    """Predictive checks of the ``withheld`` figures from ``run`` (calibrated on ``fitted``)."""
    cal, prior = run.calibrated, run.prior
    m = next(iter(cal.trajectories.values())).shape[0]
    weights = cal.head_weights(m)
    rho = scenario.calibration.series_correlation
    seed = run.scenario.seed
    points = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for j, o in enumerate(withheld):
            values = _values_at_claim(cal.trajectories[o.output], o, run)
            same = [f for f in fitted if f.output == o.output and f.kind in ("count", "share") and not f.months]
            shift, sd = None, 1.0
            if same and rho > 0:
                at = np.column_stack([cal.trajectories[f.output][:, run.timeline.index(f.month)] for f in same])
                shift, sd = conditional_error(standardised_residuals(at, same), rho)
            stream = np.random.SeedSequence(seed, spawn_key=(_CRPS_STREAM, j))
            point = _point_of(o)
            calibrated = _claim_check(check(predictive(values, o.sigma_log, weights, shift=shift, scale_factor=sd),
                                            point, seed=stream), o, values, weights)
            before = _values_at_claim(prior.trajectories[o.output], o, run)
            prior_check = _claim_check(check(predictive(before, o.sigma_log), point, seed=stream), o, before, None)
            points.append(HindcastPoint(o, calibrated, prior_check, shift is not None))
    ess = float(1.0 / np.sum(weights * weights))
    return Hindcast(scenario, until, tuple(fitted), tuple(points), run, m, ess)


def _values_at_claim(trajectory: np.ndarray, o: ObservedFigure, run: RunResult) -> np.ndarray:
    """Each future's model value at the claim's date (an undated total: at one of its months in turn)."""
    if not o.months:
        return trajectory[:, run.timeline.index(o.month)].astype(float)
    cols = np.array([run.timeline.index(m) for m in o.months])
    rows = np.arange(trajectory.shape[0])
    return trajectory[rows, cols[rows % len(cols)]].astype(float)


def _point_of(o: ObservedFigure) -> float:
    """The value a claim is scored at: the value reported, else (words) the middle of what they mean, or
    the lower edge of an open interval."""
    if o.reported is not None:
        return o.reported
    low, high = o.allowed
    return low if not np.isfinite(high) else float(np.sqrt(max(low, 1e-300) * high))


def _claim_check(base: PredictiveCheck, o: ObservedFigure, values: np.ndarray,
                 weights: np.ndarray | None) -> PredictiveCheck:
    """A count's check as it is; a bound, words or an undated total scored as the claim it is: ``inside``
    when what the claim allows meets the 90 % predictive interval, the log score from its likelihood."""
    if o.kind in ("count", "share"):
        return base
    w = np.full(len(values), 1.0 / len(values)) if weights is None else weights / weights.sum()
    ll = o.log_likelihood(values)
    top = float(np.max(ll))
    log_score = top + float(np.log(np.dot(w, np.exp(ll - top)))) if np.isfinite(top) else -np.inf
    low, high = o.allowed
    return replace(base, inside=bool(low <= base.p95 and high >= base.p5), log_score=log_score)
