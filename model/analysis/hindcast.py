"""Hindcast numbers: how a run calibrated on the earlier figures predicts the later ones.

Given a run calibrated on the *fitted* figures only, each *withheld* figure's predictive
distribution is the calibrated futures' model values at its date, each with the figure's
lognormal error (``model.analysis.predictive``). A withheld figure of a trajectory that also
has fitted figures (a series, ``model.analysis.series``) has its error conditioned on theirs:
each future's location moves by the conditional mean error and the spread shrinks to the
conditional one. The prior predictive (no calibration, no conditioning) is computed beside it.

The model values come from the calibrated trajectories (the first ``TRAJECTORY_SAMPLE_CAP``
futures of a run, weights renormalised), so memory stays bounded for any sample count.
Running the model and writing files is ``model.hindcast``'s job; this module only computes.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..inputs.schema import Scenario
from .calibration import ObservedFigure
from .outcome import RunResult
from .predictive import PredictiveCheck, check, predictive
from .series import conditional_error, standardised_residuals

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
            t = run.timeline.index(o.month)
            values = cal.trajectories[o.output][:, t].astype(float)
            same = [f for f in fitted if f.output == o.output]
            shift, sd = None, 1.0
            if same and rho > 0:
                at = np.column_stack([cal.trajectories[f.output][:, run.timeline.index(f.month)] for f in same])
                shift, sd = conditional_error(standardised_residuals(at, same), rho)
            stream = np.random.SeedSequence(seed, spawn_key=(_CRPS_STREAM, j))
            calibrated = check(predictive(values, o.sigma_log, weights, shift=shift, scale_factor=sd), o.reported,
                               seed=stream)
            before = prior.trajectories[o.output][:, t].astype(float)
            prior_check = check(predictive(before, o.sigma_log), o.reported, seed=stream)
            points.append(HindcastPoint(o, calibrated, prior_check, shift is not None))
    ess = float(1.0 / np.sum(weights * weights))
    return Hindcast(scenario, until, tuple(fitted), tuple(points), run, m, ess)
