"""Weight the Monte Carlo samples by how well they reproduce the article figures.

Method: importance weighting of the prior samples (a likelihood-weighted, i.e.
"sampling-importance" form of Bayesian updating). Each observed figure is treated
as the model quantity at its date times a lognormal error: the figure's 90 % error
range is ``value / (1 + spread)`` to ``value × (1 + spread)`` (spread from the
scenario, else from the figure's reliability), or the figure's own low-high range
("hundreds" is 200-900). A sample's weight is the product of these likelihoods.

Diagnostics, all from the same samples:

- effective sample size ``ESS = 1 / sum(w²)`` (weights summing to 1): how many
  equally weighted samples the calibrated result is worth;
- per figure, the model's p5/p50/p95 at its date before and after calibration and
  whether the reported value (or range) meets the calibrated 90 % band;
- leave-one-out: where the reported value falls in the model calibrated on all
  *other* figures; outside the 5-95 % band means the figure disagrees with the rest;
- pairs that pull against each other: ``r_ij = mean(L_i L_j) / (mean(L_i) mean(L_j))``
  over the prior samples, the factor by which fitting one figure changes how well the
  model can fit the other (1: unrelated, above 1: they support each other, below
  ``CONFLICT_RATIO``: they pull against each other; a ratio of marginal likelihoods).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import stats
from scipy.special import logsumexp

from ..inputs.registry import DEFAULT_RELATIVE_SPREAD, Figure
from .stats import weighted_quantile

__all__ = ["ObservedFigure", "ObservationFit", "Calibration", "observed_figure", "calibrate", "MIN_HEALTHY_ESS"]

Z90 = float(stats.norm.ppf(0.95))
MIN_HEALTHY_ESS = 100.0
CONFLICT_RATIO = 0.5


@dataclass(frozen=True)
class ObservedFigure:
    """An article figure as the calibration uses it (values in the output's unit)."""

    figure_id: str
    output: str
    month: str
    reported: float  # the value stated, or the geometric middle of a range
    low: float  # 90 % error range
    high: float
    label: str
    is_range: bool = False  # the article gives a range ("hundreds"), not a value

    @property
    def sigma_log(self) -> float:
        return float(np.log(self.high / self.low) / (2 * Z90))

    @property
    def centre_log(self) -> float:
        return float((np.log(self.high) + np.log(self.low)) / 2)

    def log_likelihood(self, model_values: np.ndarray) -> np.ndarray:
        """Log-likelihood of the figure given each sample's model value (same unit)."""
        safe = np.log(np.maximum(model_values, 1e-300))
        return -0.5 * ((safe - self.centre_log) / self.sigma_log) ** 2


def observed_figure(figure: Figure, *, output: str, month: str, spread: float | None, factor: float = 1.0) -> ObservedFigure:
    """Build the calibration's view of a registry figure (``factor`` converts its unit)."""
    has_range = figure.low is not None and figure.high is not None
    # a value with a spread; the figure's own range when it has one and no spread is given
    if figure.value is not None and (spread is not None or not has_range):
        s = spread if spread is not None else DEFAULT_RELATIVE_SPREAD[figure.reliability]
        value = figure.value * factor
        low, high = value / (1 + s), value * (1 + s)
        reported = value
    else:
        low, high = figure.low * factor, figure.high * factor  # type: ignore[operator]
        if spread is not None:
            low, high = low / (1 + spread), high * (1 + spread)
        reported = float(np.sqrt(low * high)) if figure.value is None else figure.value * factor
    label = f"{figure.display_value} ({figure.claimant.split(',')[0]}, {figure.as_of})"
    return ObservedFigure(figure.id, output, month, float(reported), float(low), float(high), label,
                          is_range=figure.value is None)


@dataclass(frozen=True)
class ObservationFit:
    figure_id: str
    reported: float
    low: float
    high: float
    month: str
    prior: tuple[float, float, float]  # p5, p50, p95 of the model at the figure's date
    calibrated: tuple[float, float, float]
    fits: bool  # reported range meets the calibrated 90 % band
    loo_quantile: float  # where the reported value falls in the model calibrated on the others
    in_tension: bool


@dataclass
class Calibration:
    """Importance weights (summing to 1) and how each figure fits (numbers only; the
    sentences a person reads are made by ``model.presentation.words``)."""

    weights: np.ndarray
    effective_sample_size: float
    fits: list[ObservationFit]
    conflicts: list[tuple[str, str, float]] = field(default_factory=list)  # (figure a, figure b, ratio)

    @property
    def calibrated(self) -> bool:
        return bool(self.fits)


def _normalise(log_w: np.ndarray) -> np.ndarray:
    finite = np.isfinite(log_w)
    if not finite.any():
        return np.full(log_w.shape, 1.0 / log_w.size)
    w = np.exp(log_w - log_w[finite].max())
    w[~finite] = 0.0
    return w / w.sum()


def _ess(w: np.ndarray) -> float:
    return float(1.0 / np.sum(w * w))


def _weighted_cdf(values: np.ndarray, weights: np.ndarray, x: float) -> float:
    return float(np.sum(weights[values <= x]))


def calibrate(model_values: np.ndarray, observed: list[ObservedFigure]) -> Calibration:
    """Weight samples by the likelihood of every observed figure.

    Parameters
    ----------
    model_values
        (n, k): sample i's model value for figure j at its date, in the figure's unit.
    observed
        The k figures, in the same order as the columns.
    """
    model_values = np.asarray(model_values, dtype=float)
    n = model_values.shape[0]
    if not observed:
        w = np.full(n, 1.0 / n)
        return Calibration(w, float(n), [], [])
    if model_values.shape != (n, len(observed)):
        raise ValueError(f"model_values has shape {model_values.shape}, expected ({n}, {len(observed)})")
    loglik = np.column_stack([o.log_likelihood(model_values[:, j]) for j, o in enumerate(observed)])
    total = loglik.sum(axis=1)
    weights = _normalise(total)
    ess = _ess(weights)
    uniform = np.full(n, 1.0 / n)
    q = np.array([0.05, 0.5, 0.95])
    fits: list[ObservationFit] = []
    for j, o in enumerate(observed):
        v = model_values[:, j]
        prior = tuple(float(x) for x in weighted_quantile(v, q, uniform))
        post = tuple(float(x) for x in weighted_quantile(v, q, weights))
        if o.is_range:
            fit = o.low <= post[2] and o.high >= post[0]
        else:
            fit = post[0] <= o.reported <= post[2]
        others = _normalise(total - loglik[:, j]) if len(observed) > 1 else uniform
        loo = _weighted_cdf(v, others, o.reported)
        tension = loo < 0.05 or loo > 0.95
        fits.append(ObservationFit(o.figure_id, o.reported, o.low, o.high, o.month, prior, post, bool(fit), loo, tension))  # type: ignore[arg-type]
    conflicts: list[tuple[str, str, float]] = []
    log_mean = [logsumexp(loglik[:, j]) - np.log(n) for j in range(len(observed))]
    for i in range(len(observed)):
        for j in range(i + 1, len(observed)):
            joint = logsumexp(loglik[:, i] + loglik[:, j]) - np.log(n)
            ratio = float(np.exp(joint - log_mean[i] - log_mean[j]))
            if ratio < CONFLICT_RATIO:
                conflicts.append((observed[i].figure_id, observed[j].figure_id, float(ratio)))
    return Calibration(weights, ess, fits, conflicts)
