"""How likely a reported claim is, given a future's model value: one function per kind of claim.

All work on the log scale (``x``: the model value, ``r``: the reported value, ``σ``: the claim's
log-error standard deviation, from its 90 % error range or its reliability) and return log
densities (or log probabilities for claims in words), one per sample:

``count``          a central estimate:  ln r ~ N(ln x, σ²)
``capacity``       a bound from transport counts: ln r = ln x − ln f + ε, the fill and calibre-mix
                   factor ``f`` log-uniform on [f_low, f_high] (≤ 1), ε ~ N(0, σ²): the normal
                   convolved with a uniform, in closed form
                   ``[Φ((y − c₁)/σ) − Φ((y − c₂)/σ)] / (c₂ − c₁)``, ``y = ln r − ln x``,
                   ``c₁ = −ln f_high``, ``c₂ = −ln f_low``
``words``          the interval [L, H] the words mean, its edges known up to the same error:
                   ``P(L ≤ x e^ε ≤ H) = Φ((ln x − ln L)/σ) − Φ((ln x − ln H)/σ)``; one-sided
                   ("schon Hunderte": at least) ``Φ((ln x − ln L)/σ)`` (a censored likelihood)
``total_undated``  a total whose date is uniform over K months: the mean of the count density
                   over the model values at those months (quadrature over the date)
``share``          as a count, of the model share that counts the same things

Numbers only; ``model.analysis.calibration`` builds the figures and sums the logs.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import log_ndtr, logsumexp

__all__ = ["log_count", "log_capacity", "log_words", "log_undated", "log_diff_ndtr"]

_LOG_SQRT_2PI = 0.5 * math.log(2 * math.pi)
_TINY = 1e-300


def _log(x: np.ndarray) -> np.ndarray:
    return np.log(np.maximum(np.asarray(x, dtype=float), _TINY))


def log_count(model_values: np.ndarray, centre_log: float, sigma: float) -> np.ndarray:
    """Log density of ``ln r = centre_log`` given each model value: ``N(ln x, σ²)``."""
    z = (_log(model_values) - centre_log) / sigma
    return -0.5 * z * z - math.log(sigma) - _LOG_SQRT_2PI


def log_diff_ndtr(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``log(Φ(a) − Φ(b))`` for ``a ≥ b``, without cancellation in either tail."""
    a, b = np.broadcast_arrays(np.asarray(a, dtype=float), np.asarray(b, dtype=float))
    upper = b > 0  # both in the upper tail: Φ(a) − Φ(b) = Φ(−b) − Φ(−a)
    hi = np.where(upper, log_ndtr(-b), log_ndtr(a))
    lo = np.where(upper, log_ndtr(-a), log_ndtr(b))
    with np.errstate(divide="ignore", invalid="ignore"):
        out = hi + np.log1p(-np.exp(lo - hi))
    return np.where(np.isnan(out), -np.inf, out)


def log_capacity(model_values: np.ndarray, reported_log: float, sigma: float, fill_low: float,
                 fill_high: float) -> np.ndarray:
    """Log density of a capacity claim ``ln r`` given each model value (see the module docstring)."""
    y = reported_log - _log(model_values)
    c1, c2 = -math.log(fill_high), -math.log(fill_low)
    if c2 - c1 < 1e-9:  # a known fill: a count shifted by it
        z = (y - c1) / sigma
        return -0.5 * z * z - math.log(sigma) - _LOG_SQRT_2PI
    return log_diff_ndtr((y - c1) / sigma, (y - c2) / sigma) - math.log(c2 - c1)


def log_words(model_values: np.ndarray, low: float, high: float, sigma: float, bound: str) -> np.ndarray:
    """Log probability that words meaning [low, high] describe each model value (see the module docstring);
    ``bound``: ``interval``, ``at_least`` (only the lower edge) or ``at_most`` (only the upper)."""
    lx = _log(model_values)
    if bound == "at_least" or (bound == "interval" and not math.isfinite(high)):
        return log_ndtr((lx - math.log(max(low, _TINY))) / sigma)
    if bound == "at_most" or low <= 0:
        return log_ndtr((math.log(high) - lx) / sigma)
    return log_diff_ndtr((lx - math.log(low)) / sigma, (lx - math.log(high)) / sigma)


def log_undated(model_values_at_dates: np.ndarray, centre_log: float, sigma: float) -> np.ndarray:
    """Log density of a total reported at an unknown date: the count density averaged over the dates
    (``model_values_at_dates``: (n, K), the model value at each of the K equally likely months)."""
    values = np.asarray(model_values_at_dates, dtype=float)
    k = values.shape[1]
    return logsumexp(log_count(values, centre_log, sigma), axis=1) - math.log(k)
