"""Screening from runs already made or cheap to make: one-at-a-time swings, rank correlations."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike

from ..analysis.stats import _show, weighted_corr, weighted_ranks
from ..analysis.stats import check_weights as _check_weights
from ._checks import _as_fraction, _check_distributions, _check_names, _evaluate

__all__ = ["one_at_a_time_swings", "rank_correlations"]

# --------------------------------------------------------------------------
# One-at-a-time swings
# --------------------------------------------------------------------------


def _ppf(dist: Any, q: float, i: int) -> float:
    value = float(np.asarray(dist.ppf(q), dtype=float))
    if not math.isfinite(value):
        raise ValueError(
            f"distributions[{i}].ppf({q}) is {value!r}; choose quantiles where every "
            "input is finite (e.g. low_q > 0 for unbounded distributions)"
        )
    return value


def one_at_a_time_swings(
    func: Callable[[np.ndarray], ArrayLike],
    distributions: Sequence[Any],
    *,
    low_q: float = 0.05,
    high_q: float = 0.95,
    names: Sequence[str] | None = None,
) -> dict[str, Any]:
    """One-at-a-time (tornado) swings of each input between two percentiles.

    Each input in turn is set to its `low_q` and then its `high_q` quantile
    while all other inputs stay at their medians. `func` is called once, on
    a ``(2d + 1, d)`` matrix: row 0 is the baseline (all medians), rows
    ``1..d`` the low settings, rows ``d+1..2d`` the high settings.

    Parameters
    ----------
    func : callable
        Vectorized model ``(m, d) -> (m,)`` or ``(m, k)``.
    distributions : sequence of frozen scipy.stats distributions
        One per input (anything with ``.ppf``).
    low_q, high_q : float, default 0.05 and 0.95
        Quantiles with ``0 <= low_q < high_q <= 1``; the corresponding input
        values must be finite.
    names : sequence of str, optional
        Input names (default ``x1 .. xd``).

    Returns
    -------
    dict
        ``"baseline"`` : float or ndarray (k,)
            Output with every input at its median.
        ``"low_value"``, ``"high_value"`` : ndarray (d,) or (k, d)
            Output with input ``i`` at its low / high quantile.
        ``"swing"`` : ndarray (d,) or (k, d)
            ``high_value - low_value`` (signed: negative if raising the input
            lowers the output).
        ``"order"`` : ndarray of int, (d,) or (k, d)
            Input indices sorted by decreasing ``abs(swing)``.
        ``"low_input"``, ``"median_input"``, ``"high_input"`` : ndarray (d,)
            The input values used.
        ``"names"``, ``"low_q"``, ``"high_q"``
            As used.
    """
    dists = _check_distributions(distributions)
    d = len(dists)
    low_q = _as_fraction(low_q, "low_q", closed=True)
    high_q = _as_fraction(high_q, "high_q", closed=True)
    if not low_q < high_q:
        raise ValueError(f"low_q must be < high_q, got low_q={low_q!r}, high_q={high_q!r}")
    names_ = _check_names(names, d)
    if not callable(func):
        raise ValueError(f"func must be callable, got {func!r}")

    med = np.array([_ppf(dist, 0.5, i) for i, dist in enumerate(dists)])
    low = np.array([_ppf(dist, low_q, i) for i, dist in enumerate(dists)])
    high = np.array([_ppf(dist, high_q, i) for i, dist in enumerate(dists)])

    X = np.tile(med, (2 * d + 1, 1))
    i = np.arange(d)
    X[1 + i, i] = low
    X[1 + d + i, i] = high
    Y, one_d = _evaluate(func, X)  # (2d + 1, k)

    baseline = Y[0]
    low_value = Y[1 : d + 1].T  # (k, d)
    high_value = Y[d + 1 :].T
    swing = high_value - low_value
    order = np.argsort(-np.abs(swing), axis=-1, kind="stable")
    if one_d:
        baseline, low_value, high_value, swing, order = (
            float(baseline[0]),
            low_value[0],
            high_value[0],
            swing[0],
            order[0],
        )
    return {
        "baseline": baseline,
        "low_value": low_value,
        "high_value": high_value,
        "swing": swing,
        "order": order,
        "low_input": low,
        "median_input": med,
        "high_input": high,
        "names": names_,
        "low_q": low_q,
        "high_q": high_q,
    }



# --------------------------------------------------------------------------
# Rank correlations
# --------------------------------------------------------------------------


def rank_correlations(
    inputs: ArrayLike,
    outputs: ArrayLike,
    *,
    method: Literal["spearman", "prcc"] = "spearman",
    weights: ArrayLike | None = None,
) -> np.ndarray:
    """Rank correlations of outputs with inputs from an ordinary Monte Carlo run.

    Needs no extra model evaluations.

    Parameters
    ----------
    inputs : array_like, shape (n, d)
        Sampled inputs.
    outputs : array_like, shape (n,) or (n, k)
        Corresponding model outputs.
    method : {"spearman", "prcc"}, default "spearman"
        ``"spearman"``: Pearson correlation of the ranks. ``"prcc"``: partial
        rank correlation: rank-transform everything, regress each input's
        ranks and the output's ranks on the ranks of all *other* inputs (least
        squares with intercept) and correlate the residuals. PRCC measures an
        input's monotone effect with the others' linear-in-rank effects
        removed.
    weights : array_like, shape (n,), optional
        Importance weights (>= 0, need not sum to 1). Ranks become weighted
        mid-ranks (weight of smaller values + half the weight of ties), and
        correlations and regressions are weighted. Integer weights are
        equivalent to repeating rows; zero-weight rows are ignored.

    Returns
    -------
    ndarray
        Shape ``(d,)`` for 1-D `outputs`, ``(k, d)`` otherwise, values in
        [-1, 1]. Constant inputs or outputs give 0, not nan.

    Raises
    ------
    ValueError
        For mismatched shapes, non-finite values, too few samples (at least 3;
        PRCC needs at least ``d + 2``), bad weights or an unknown method.
    """
    if method not in ("spearman", "prcc"):
        raise ValueError(f"method must be 'spearman' or 'prcc', got {method!r}")
    X = np.asarray(inputs, dtype=float)
    Y = np.asarray(outputs, dtype=float)
    if X.ndim != 2:
        raise ValueError(f"inputs must have shape (n, d), got {X.shape}")
    if Y.ndim not in (1, 2) or Y.shape[0] != X.shape[0]:
        raise ValueError(
            f"outputs must have shape ({X.shape[0]},) or ({X.shape[0]}, k) to match "
            f"inputs {X.shape}, got {Y.shape}"
        )
    one_d = Y.ndim == 1
    Y2 = Y[:, None] if one_d else Y
    for label, arr in (("inputs", X), ("outputs", Y2)):
        bad = ~np.isfinite(arr)
        if bad.any():
            raise ValueError(
                f"{label} must be finite, got {int(bad.sum())} non-finite value(s), "
                f"e.g. {_show(arr[bad][0])} in row {int(np.argwhere(bad)[0][0])}"
            )
    w = _check_weights(weights, X.shape[0])
    if w is not None:  # zero-weight rows carry no information
        keep = w > 0
        X, Y2, w = X[keep], Y2[keep], w[keep]
    n, d = X.shape
    if n < 3:
        raise ValueError(f"need at least 3 samples (with positive weight), got {n}")
    if method == "prcc" and n < d + 2:
        raise ValueError(f"prcc needs at least d + 2 = {d + 2} samples, got {n}")

    RX = weighted_ranks(X, w)
    RY = weighted_ranks(Y2, w)
    const_x = np.ptp(X, axis=0) == 0
    const_y = np.ptp(Y2, axis=0) == 0

    if method == "spearman":
        rho = weighted_corr(RX, RY, w)
    else:
        rho = np.zeros((Y2.shape[1], d))
        sqw = np.ones(n) if w is None else np.sqrt(w)
        for i in range(d):
            if const_x[i]:
                continue
            Z = np.column_stack([np.ones(n), np.delete(RX, i, axis=1)])
            target = np.column_stack([RX[:, i], RY])
            beta, *_ = np.linalg.lstsq(Z * sqw[:, None], target * sqw[:, None], rcond=None)
            resid = target - Z @ beta
            # An input that the others determine exactly leaves only rounding
            # noise; treat residuals below 1e-9 of the rank spread as zero.
            spread = np.sqrt(np.sum((target - target.mean(axis=0)) ** 2, axis=0))
            size = np.sqrt(np.sum(resid**2, axis=0))
            resid[:, size <= 1e-9 * spread] = 0.0
            rho[:, i] = weighted_corr(resid[:, :1], resid[:, 1:], w)[:, 0]
    rho[:, const_x] = 0.0
    rho[const_y, :] = 0.0
    return rho[0] if one_d else rho


