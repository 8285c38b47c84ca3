"""Several reported figures of one model trajectory: one series with correlated errors.

When a scenario observes the same trajectory at several dates (a series of cumulative
deliveries reported in 2024, 2025 and 2026, say), the reports are not independent
confirmations: they usually come from the same kind of source and method, and an error
that makes one too high tends to make the others too high as well. The calibration
therefore treats the figures of one trajectory as **one series** whose errors share a
common component.

The error model. Each figure ``k`` alone is the model value at its date times a lognormal
error whose log has standard deviation ``σ_k`` (its 90 % error range, see
``model.analysis.calibration``). Within a series the standardised log errors
``e_k = (log reported_k - log model_k) / σ_k`` are::

    e_k = √ρ · z + √(1 - ρ) · u_k,        z, u_1, ..., u_K independent N(0, 1)

so every figure keeps its own error range, a share ``ρ`` (``calibration.series_correlation``,
default 0.5) of each figure's log-error variance is one multiplicative error common to the
whole series (``z``: the source counts consistently too high or too low), and the rest is
independent from date to date (``u_k``). Any two figures of a series then have correlation
``ρ``; ``K`` figures carry the information of ``K / (1 + (K - 1) ρ)`` independent ones
(at ``ρ = 0.5``: 1.33 for two, 1.6 for four, never more than 2), so a cumulative series
cannot count as ``K`` independent confirmations. ``ρ = 0`` gives independent errors;
figures of different trajectories are always independent.

The joint density of a series is the multivariate normal with that equicorrelation
matrix ``R = (1 - ρ) I + ρ 11ᵀ``; it has a closed-form inverse and determinant::

    eᵀR⁻¹e = (Σ e² - c (Σ e)²) / (1 - ρ),   c = ρ / (1 + (K - 1) ρ)
    log det R = (K - 1) log(1 - ρ) + log(1 + (K - 1) ρ)

This module computes the **correction** ``log N_R(e) - Σ_k log N(e_k)`` to add to the sum
of the figures' independent log-likelihoods, for any subset of the figures (all of them
for the calibration, all but one for leave-one-out, two for a pair). A series of one
figure has no correction, so scenarios without repeated trajectories are unaffected.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

import numpy as np

__all__ = ["series_groups", "standardised_residuals", "series_correction", "conditional_error",
           "effective_figures"]


class _Observed(Protocol):
    @property
    def figure_id(self) -> str: ...

    @property
    def output(self) -> str: ...

    @property
    def sigma_log(self) -> float: ...

    @property
    def centre_log(self) -> float: ...


def series_groups(observed: Sequence[_Observed]) -> list[list[int]]:
    """Column indices of the figures that share a trajectory, for every trajectory observed
    at least twice (in the order the figures come). Only central estimates (counts and shares at a
    date) form series: a bound, words or an undated total has no lognormal error to share."""
    by_output: dict[str, list[int]] = {}
    for j, o in enumerate(observed):
        if getattr(o, "kind", "count") in ("count", "share") and not getattr(o, "node_columns", ()):
            by_output.setdefault(o.output, []).append(j)
    return [cols for cols in by_output.values() if len(cols) > 1]


def standardised_residuals(model_values: np.ndarray, observed: Sequence[_Observed],
                           columns: Iterable[int] | None = None) -> np.ndarray:
    """``(n, k)`` standardised log errors ``(log reported - log model) / σ`` (float64).

    ``columns`` restricts the result to those figures (default: all)."""
    values = np.asarray(model_values)
    cols = list(range(len(observed))) if columns is None else list(columns)
    out = np.empty((values.shape[0], len(cols)))
    for a, j in enumerate(cols):
        o = observed[j]
        safe = np.log(np.maximum(values[:, j].astype(float), 1e-300))
        out[:, a] = (o.centre_log - safe) / o.sigma_log
    return out


def _correction(e: np.ndarray, rho: float) -> np.ndarray:
    """``log N_R(e) - Σ log N(e_k)`` for the (n, K) standardised errors of one series."""
    k = e.shape[1]
    if k < 2 or rho <= 0.0:
        return np.zeros(e.shape[0])
    c = rho / (1.0 + (k - 1) * rho)
    sq = np.einsum("ij,ij->i", e, e)
    total = e.sum(axis=1)
    quad = (sq - c * total * total) / (1.0 - rho)
    log_det = (k - 1) * np.log1p(-rho) + np.log1p((k - 1) * rho)
    return -0.5 * (quad - sq) - 0.5 * log_det


def series_correction(model_values: np.ndarray, observed: Sequence[_Observed], rho: float, *,
                      present: Iterable[int] | None = None) -> np.ndarray:
    """``(n,)`` amount to add to the summed independent log-likelihoods of the ``present``
    figures (default: all) so that each series among them gets its joint density.

    Zero when no trajectory is observed twice among them or ``rho`` is 0.
    """
    n = np.asarray(model_values).shape[0]
    out = np.zeros(n)
    if rho <= 0.0:
        return out
    keep = set(range(len(observed)) if present is None else present)
    for group in series_groups(observed):
        cols = [j for j in group if j in keep]
        if len(cols) > 1:
            out += _correction(standardised_residuals(model_values, observed, cols), rho)
    return out


def conditional_error(known: np.ndarray, rho: float) -> tuple[np.ndarray, float]:
    """Distribution of one more figure's standardised error given ``K`` known ones of its series.

    Parameters
    ----------
    known
        ``(n, K)`` standardised errors of the series' other figures, per sample (``K`` may be 0).
    rho
        The series correlation.

    Returns
    -------
    mean : (n,) conditional mean, ``ρ Σ e / (1 + (K - 1) ρ)``
    sd : conditional standard deviation, ``sqrt(1 - K ρ² / (1 + (K - 1) ρ))`` (1 when K is 0)
    """
    k = known.shape[1]
    if k == 0 or rho <= 0.0:
        return np.zeros(known.shape[0]), 1.0
    denom = 1.0 + (k - 1) * rho
    return rho * known.sum(axis=1) / denom, float(np.sqrt(1.0 - k * rho * rho / denom))


def effective_figures(k: int, rho: float) -> float:
    """How many independent figures a series of ``k`` is worth: ``k / (1 + (k - 1) ρ)``."""
    return k / (1.0 + (k - 1) * rho) if k > 0 else 0.0
