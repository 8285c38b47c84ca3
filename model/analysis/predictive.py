"""Predictive distributions of reported figures: what a report at a date is expected to say.

The calibration's observation model (``model.analysis.calibration``) says a reported figure
is the model value at its date times a lognormal error: ``log reported = log model + σ ε``,
``ε ~ N(0, 1)``, ``σ`` from the figure's 90 % error range. Over a weighted ensemble of futures
(prior samples, or calibrated ones) the predictive distribution of the report is therefore a
weighted mixture of lognormals, one per future::

    p(log y) = Σ_i w_i N(log y; log m_i, σ²)

This module works with that mixture on the log scale (numbers only):

- :func:`mixture_cdf` and :func:`mixture_quantiles` exactly (bisection on the mixture CDF);
- :func:`log_score`: the log predictive density of the reported value's log, ``log p(log y)``
  (natural log, higher is better; the same density the calibration's likelihood uses, so the
  sum over figures predicted one after the other is a difference of log evidences);
- :func:`crps`: the continuous ranked probability score of the log value (lower is better,
  in natural-log units: 0.1 is about a typical miss of 10 %), from the closed form for a
  weighted ensemble (:func:`weighted_crps`) over a stratified sample of the mixture;
- :func:`mixture_density`: the density on a grid, for figures (weights binned first, so it
  stays fast for millions of futures).

A figure of a series (its trajectory observed at other dates too, see
``model.analysis.series``) may have an error correlated with the others': then
``shift`` moves each future's location by its conditional mean error and
``scale_factor`` narrows the error to its conditional spread.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import logsumexp, ndtr, ndtri

__all__ = ["Predictive", "PredictiveCheck", "predictive", "mixture_cdf", "mixture_quantiles", "log_score", "crps",
           "weighted_crps", "mixture_density", "compressed", "check"]

_LOG_FLOOR = 1e-300
_BISECTIONS = 64
_CRPS_POINTS = 2**20  # stratified draws of the mixture for the CRPS, at most
_LOG_SQRT_2PI = 0.5 * math.log(2 * math.pi)


@dataclass(frozen=True)
class Predictive:
    """A weighted mixture of normals on the log scale: ``Σ w_i N(loc_i, scale²)``."""

    locations: np.ndarray  # (n,) log of each future's model value (plus any series shift)
    weights: np.ndarray  # (n,) summing to 1, all > 0
    scale: float  # standard deviation of the log error


@dataclass(frozen=True)
class PredictiveCheck:
    """How one reported value sits in its predictive distribution (values in the figure's unit)."""

    p5: float
    p50: float
    p95: float
    inside: bool  # the reported value lies in the 90 % predictive interval
    percentile: float  # predictive probability of a report at or below the reported value, 0-1
    crps: float  # of the log value; lower is better
    log_score: float  # log p(log reported); higher is better


def predictive(model_values: np.ndarray, sigma_log: float, weights: np.ndarray | None = None, *,
               shift: np.ndarray | None = None, scale_factor: float = 1.0) -> Predictive:
    """The predictive mixture of a figure from each future's model value at its date.

    Parameters
    ----------
    model_values
        ``(n,)`` model value of each future at the figure's date, in the figure's unit
        (values <= 0 count as a vanishing report, as in the likelihood).
    sigma_log
        The figure's log-error standard deviation (``ObservedFigure.sigma_log``).
    weights
        ``(n,)`` weights (any scale); ``None``: equal. Futures of weight 0 or with a non-finite
        value are dropped.
    shift, scale_factor
        Series conditioning: each future's conditional mean error in units of ``sigma_log``,
        and the conditional standard deviation as a share of ``sigma_log``.
    """
    v = np.asarray(model_values, dtype=float)
    w = np.full(v.shape, 1.0) if weights is None else np.asarray(weights, dtype=float)
    if w.shape != v.shape:
        raise ValueError(f"weights have shape {w.shape}, model values {v.shape}")
    if not sigma_log > 0 or not scale_factor > 0:
        raise ValueError("sigma_log and scale_factor must be positive")
    loc = np.log(np.maximum(v, _LOG_FLOOR))
    if shift is not None:
        loc = loc + sigma_log * np.asarray(shift, dtype=float)
    keep = (w > 0) & np.isfinite(loc) & np.isfinite(w)
    if not keep.any():
        raise ValueError("no future with a positive weight and a finite value")
    w = w[keep]
    return Predictive(loc[keep], w / w.sum(), float(sigma_log * scale_factor))


def mixture_cdf(p: Predictive, x_log: np.ndarray | float) -> np.ndarray:
    """``P(log y <= x)`` for each ``x`` (log scale)."""
    x = np.atleast_1d(np.asarray(x_log, dtype=float))
    out = np.empty(x.shape)
    for k, xk in enumerate(x.ravel()):
        out.flat[k] = float(p.weights @ ndtr((xk - p.locations) / p.scale))
    return out


def mixture_quantiles(p: Predictive, q: np.ndarray | list[float]) -> np.ndarray:
    """Quantiles (log scale) of the mixture at levels ``q`` in (0, 1), by bisection."""
    levels = np.asarray(q, dtype=float)
    if np.any((levels <= 0) | (levels >= 1)):
        raise ValueError("quantile levels must be in (0, 1)")
    lo = np.full(levels.shape, p.locations.min() + p.scale * float(ndtri(levels.min())) - 1e-9)
    hi = np.full(levels.shape, p.locations.max() + p.scale * float(ndtri(levels.max())) + 1e-9)
    for _ in range(_BISECTIONS):
        mid = 0.5 * (lo + hi)
        below = mixture_cdf(p, mid) < levels
        lo = np.where(below, mid, lo)
        hi = np.where(below, hi, mid)
    return 0.5 * (lo + hi)


def log_score(p: Predictive, x_log: float) -> float:
    """``log p(x)``: the mixture's log density at ``x`` (log scale), natural log."""
    z = (x_log - p.locations) / p.scale
    return float(logsumexp(-0.5 * z * z, b=p.weights) - math.log(p.scale) - _LOG_SQRT_2PI)


def weighted_crps(values: np.ndarray, weights: np.ndarray, y: float) -> float:
    """CRPS of a weighted ensemble against ``y``: ``E|X - y| - E|X - X'| / 2``, closed form.

    With the values sorted and ``C_i`` the cumulative weight up to and including ``i``,
    ``E|X - X'| = 2 Σ_i w_i x_i (2 C_i - w_i - 1)``, so the score costs one sort.
    """
    x = np.asarray(values, dtype=float)
    w = np.asarray(weights, dtype=float)
    order = np.argsort(x, kind="stable")
    x, w = x[order], w[order] / w.sum()
    c = np.cumsum(w)
    spread = 2.0 * float(np.sum(w * x * (2.0 * c - w - 1.0)))
    return float(np.sum(w * np.abs(x - y)) - 0.5 * spread)


def crps(p: Predictive, x_log: float, *, seed: int | np.random.SeedSequence) -> float:
    """CRPS of the mixture against ``x`` (log scale), from a stratified sample of it.

    Each future contributes ``K`` draws ``loc_i + scale Φ⁻¹((k + u_i) / K)``, ``k = 0..K-1``,
    ``u_i`` uniform (seeded), each of weight ``w_i / K``: an unbiased, low-noise stand-in for the
    mixture with at most ``2**20`` points (``K`` = 16 for 65,536 futures, up to 1,024 for few).
    """
    n = p.locations.size
    k = int(max(1, min(1024, _CRPS_POINTS // n)))
    rng = np.random.default_rng(seed)
    u = (np.arange(k)[None, :] + rng.random((n, 1))) / k
    draws = p.locations[:, None] + p.scale * ndtri(u)
    return weighted_crps(draws.ravel(), np.repeat(p.weights / k, k), float(x_log))


def compressed(p: Predictive, *, bins: int = 4096) -> Predictive:
    """The mixture with its futures' weights summed into ``bins`` equal bins of their locations
    (for quantiles and densities of figures over millions of futures; the bin width is far below
    ``scale`` for any sensible ensemble). Unchanged when it has at most ``bins`` futures."""
    if p.locations.size <= bins:
        return p
    lo, hi = float(p.locations.min()), float(p.locations.max())
    if hi - lo < 1e-12:
        return Predictive(np.array([lo]), np.array([1.0]), p.scale)
    mass, edges = np.histogram(p.locations, bins=bins, range=(lo, hi), weights=p.weights)
    centres = 0.5 * (edges[:-1] + edges[1:])
    keep = mass > 0
    return Predictive(centres[keep], mass[keep] / mass[keep].sum(), p.scale)


def mixture_density(p: Predictive, grid_log: np.ndarray, *, bins: int = 4096) -> np.ndarray:
    """The mixture's density (per unit of log value) on ``grid_log``.

    The futures' weights are first summed into ``bins`` equal bins of their locations (the
    bin width is far below ``scale`` for any sensible ensemble), so the cost does not grow with
    the number of futures.
    """
    grid = np.asarray(grid_log, dtype=float)
    lo, hi = float(p.locations.min()), float(p.locations.max())
    if hi - lo < 1e-12:
        centres, mass = np.array([lo]), np.array([1.0])
    else:
        mass, edges = np.histogram(p.locations, bins=bins, range=(lo, hi), weights=p.weights)
        centres = 0.5 * (edges[:-1] + edges[1:])
        keep = mass > 0
        centres, mass = centres[keep], mass[keep]
    z = (grid[:, None] - centres[None, :]) / p.scale
    return np.exp(-0.5 * z * z - _LOG_SQRT_2PI) @ mass / p.scale


def check(p: Predictive, reported: float, *, seed: int | np.random.SeedSequence) -> PredictiveCheck:
    """Median and 90 % interval of the predictive distribution (in the figure's unit), and how the
    reported value scores in it."""
    x = math.log(max(float(reported), _LOG_FLOOR))
    q5, q50, q95 = (float(np.exp(v)) for v in mixture_quantiles(p, [0.05, 0.5, 0.95]))
    return PredictiveCheck(q5, q50, q95, bool(q5 <= reported <= q95), float(mixture_cdf(p, x)[0]),
                           crps(p, x, seed=seed), log_score(p, x))
