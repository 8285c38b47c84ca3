"""Generic, vectorized sensitivity analysis.

This module knows nothing about the domain model. Every function takes either
a *vectorized* model ``func`` that maps an ``(n, d)`` float array of inputs to
an ``(n,)`` or ``(n, k)`` array of outputs, or the inputs and outputs of a
Monte Carlo run that has already been done. All functions are pure: no file
I/O, printing or plotting.

Functions
---------
sobol_analysis
    Variance-based first-order (S1) and total-order (ST) Sobol' indices with
    seeded bootstrap confidence intervals (wraps `scipy.stats.sobol_indices`).
one_at_a_time_swings
    Tornado-style swings: each input moved from a low to a high percentile
    with all others at their medians.
rank_correlations
    Spearman or partial rank correlation coefficients (PRCC) from an ordinary
    Monte Carlo sample, optionally with importance weights.
convergence
    How a metric's (weighted) mean, its interval and its quantiles settle as
    the sample grows.
weighted_quantile
    Quantiles of importance-weighted samples (vectorized over ``q``).
rank_drivers
    A short ranked English statement generated from sensitivity indices.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from numbers import Integral, Real
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special, stats

__all__ = [
    "convergence",
    "one_at_a_time_swings",
    "rank_correlations",
    "rank_drivers",
    "sobol_analysis",
    "weighted_quantile",
]

#: Default number of bootstrap resamples for the Sobol' intervals. The
#: bootstrap here is a couple of matrix products, so 1000 costs little.
DEFAULT_N_RESAMPLES = 1000

# Upper bound on the number of elements in one (resamples x n) block of
# bootstrap counts, to bound memory use (2**22 float64 = 32 MiB).
_BOOT_BLOCK_ELEMENTS = 2**22

# scipy renamed `random_state` to `rng` in 1.15; support both.
_SOBOL_RNG_KEYWORD = (
    "rng" if "rng" in inspect.signature(stats.sobol_indices).parameters else "random_state"
)


# --------------------------------------------------------------------------
# Validation helpers
# --------------------------------------------------------------------------


def _show(value: Any) -> str:
    """repr of a value for error messages, numpy scalars shown as plain numbers."""
    return repr(value.item() if isinstance(value, np.generic) else value)


def _as_int(value: Any, name: str, *, minimum: int) -> int:
    """Return ``value`` as an int >= ``minimum`` or raise ValueError."""
    ok = False
    if isinstance(value, Integral) and not isinstance(value, bool):
        ok = True
    elif isinstance(value, Real) and not isinstance(value, bool):
        ok = math.isfinite(float(value)) and float(value).is_integer()
    if not ok or int(value) < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {_show(value)}")
    return int(value)


def _as_fraction(value: Any, name: str, *, closed: bool = False) -> float:
    """Return ``value`` as a float in (0, 1) (or [0, 1] if ``closed``)."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number in (0, 1), got {_show(value)}") from None
    inside = (0.0 <= v <= 1.0) if closed else (0.0 < v < 1.0)
    if not inside:
        interval = "[0, 1]" if closed else "(0, 1)"
        raise ValueError(f"{name} must be in {interval}, got {_show(value)}")
    return v


def _check_distributions(distributions: Any) -> list[Any]:
    if isinstance(distributions, (str, bytes, Mapping)) or not isinstance(distributions, Iterable):
        raise ValueError(
            "distributions must be a sequence of frozen scipy.stats distributions, "
            f"got {type(distributions).__name__}: {distributions!r}"
        )
    dists = list(distributions)
    if not dists:
        raise ValueError("distributions must contain at least one distribution, got []")
    for i, dist in enumerate(dists):
        if not callable(getattr(dist, "ppf", None)):
            raise ValueError(
                f"distributions[{i}] has no callable .ppf method (got {dist!r}); "
                "pass frozen scipy.stats distributions such as scipy.stats.norm(0, 1)"
            )
    return dists


def _check_names(names: Sequence[str] | None, d: int) -> list[str]:
    if names is None:
        return [f"x{i + 1}" for i in range(d)]
    if isinstance(names, (str, bytes)):
        raise ValueError(f"names must be a sequence of {d} strings, got the string {names!r}")
    out = [str(nm) for nm in names]
    if len(out) != d:
        raise ValueError(f"names must have one entry per input ({d}), got {len(out)}: {out!r}")
    dupes = sorted({nm for nm in out if out.count(nm) > 1})
    if dupes:
        raise ValueError(f"names must be unique, got duplicates {dupes!r}")
    return out


def _require_finite(values: np.ndarray, what: str) -> None:
    bad = ~np.isfinite(values)
    if bad.any():
        raise ValueError(
            f"{what} must be finite, got {int(bad.sum())} non-finite value(s), "
            f"e.g. {_show(values[bad][0])} at index {int(np.flatnonzero(bad)[0])}"
        )


def _check_weights(weights: ArrayLike | None, n: int) -> NDArray[np.float64] | None:
    """Validate importance weights: shape (n,), finite, >= 0, not all zero."""
    if weights is None:
        return None
    w = np.asarray(weights, dtype=float)
    if w.shape != (n,):
        raise ValueError(f"weights must have shape ({n},), got {w.shape}")
    _require_finite(w, "weights")
    if (w < 0).any():
        i = int(np.flatnonzero(w < 0)[0])
        raise ValueError(f"weights must be >= 0, got {_show(w[i])} at index {i}")
    if not (w > 0).any():
        raise ValueError("weights must not all be zero")
    return w


def _evaluate(func: Callable[[np.ndarray], ArrayLike], x: np.ndarray) -> tuple[np.ndarray, bool]:
    """Call ``func`` once on ``x`` (m, d); return outputs as (m, k) and 1-D flag."""
    m = x.shape[0]
    raw = func(x)
    try:
        y = np.asarray(raw, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"func output could not be converted to a float array: {exc}") from exc
    if y.ndim == 1 and y.shape[0] == m:
        one_d = True
        y = y[:, None]
    elif y.ndim == 2 and y.shape[0] == m and y.shape[1] >= 1:
        one_d = False
    else:
        raise ValueError(
            f"func must map an input array of shape {x.shape} to shape ({m},) or "
            f"({m}, k); got shape {y.shape}"
        )
    bad = ~np.isfinite(y)
    if bad.any():
        row, col = (int(v) for v in np.argwhere(bad)[0])
        raise ValueError(
            f"func returned {int(bad.sum())} non-finite value(s); e.g. output[{row}, {col}] = "
            f"{_show(y[row, col])} for input row {x[row].tolist()!r}"
        )
    return y, one_d


# --------------------------------------------------------------------------
# Sobol' indices
# --------------------------------------------------------------------------


def _sobol_design_moments(f_A: np.ndarray, f_B: np.ndarray, f_AB: np.ndarray) -> np.ndarray:
    """Per-sample terms whose means give the Saltelli-2010/Jansen estimators.

    Parameters are scipy's layout: ``f_A``, ``f_B`` (k, n) and ``f_AB``
    (d, k, n). Returns ``M`` of shape (n, 2kd + 2k) whose column means are, in
    order: ``f_B (f_AB - f_A)`` (k, d), ``0.5 (f_A - f_AB)**2`` (k, d),
    ``f_A + f_B`` (k,) and ``f_A**2 + f_B**2`` (k,). Any resample of the rows
    (a bootstrap, a jackknife) only changes the weights of this mean.
    """
    fA = f_A.T  # (n, k)
    fB = f_B.T
    fAB = np.moveaxis(f_AB, -1, 0).transpose(0, 2, 1)  # (n, k, d)
    n, k, d = fAB.shape
    P = fB[:, :, None] * (fAB - fA[:, :, None])
    Q = 0.5 * (fA[:, :, None] - fAB) ** 2
    return np.concatenate(
        [P.reshape(n, k * d), Q.reshape(n, k * d), fA + fB, fA**2 + fB**2], axis=1
    )


def _sobol_from_means(T: np.ndarray, k: int, d: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices (r, k, d) from rows of (weighted) column means of the moments."""
    kd = k * d
    mP = T[:, :kd].reshape(-1, k, d)
    mQ = T[:, kd : 2 * kd].reshape(-1, k, d)
    mS = T[:, 2 * kd : 2 * kd + k]
    mSS = T[:, 2 * kd + k :]
    # Variance of the pooled A and B outputs (ddof=0), as scipy computes it.
    var = (0.5 * mSS - (0.5 * mS) ** 2)[:, :, None]
    ok = var > 0
    safe = np.where(ok, var, 1.0)
    return np.where(ok, mP / safe, 0.0), np.where(ok, mQ / safe, 0.0)


def _interp_sorted(sorted_b: np.ndarray, frac: np.ndarray) -> np.ndarray:
    """Linear-interpolated quantile ``frac`` (per element) of presorted axis 0."""
    r = sorted_b.shape[0]
    pos = np.clip(frac, 0.0, 1.0) * (r - 1)
    lo = np.clip(np.floor(pos).astype(np.intp), 0, r - 1)
    hi = np.minimum(lo + 1, r - 1)
    t = pos - lo
    v_lo = np.take_along_axis(sorted_b, lo[None], axis=0)[0]
    v_hi = np.take_along_axis(sorted_b, hi[None], axis=0)[0]
    return v_lo + t * (v_hi - v_lo)


def _bca_interval(
    theta_hat: np.ndarray,
    theta_b: np.ndarray,
    theta_jack: np.ndarray,
    confidence_level: float,
) -> tuple[np.ndarray, np.ndarray]:
    """BCa bounds, following `scipy.stats.bootstrap` (Efron & Tibshirani 14.3).

    ``theta_b`` is the bootstrap distribution (R, ...), ``theta_jack`` the
    leave-one-out values (n, ...). Where the BCa correction is undefined the
    plain percentile interval is used.
    """
    alpha = 0.5 * (1.0 - confidence_level)
    r = theta_b.shape[0]
    below = np.count_nonzero(theta_b < theta_hat, axis=0)
    at_or_below = np.count_nonzero(theta_b <= theta_hat, axis=0)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        z0 = special.ndtri((below + at_or_below) / (2.0 * r))
        m = theta_jack.shape[0]
        u = (m - 1) * (theta_jack.mean(axis=0) - theta_jack)
        num = np.sum(u**3, axis=0)
        den = np.sum(u**2, axis=0)
        a_hat = np.where(den > 0, num / (6.0 * np.where(den > 0, den, 1.0) ** 1.5), 0.0)
        z_alpha = special.ndtri(alpha)
        n1 = z0 + z_alpha
        n2 = z0 - z_alpha
        alpha_1 = special.ndtr(z0 + n1 / (1.0 - a_hat * n1))
        alpha_2 = special.ndtr(z0 + n2 / (1.0 - a_hat * n2))
    alpha_1 = np.where(np.isnan(alpha_1), alpha, alpha_1)
    alpha_2 = np.where(np.isnan(alpha_2), 1.0 - alpha, alpha_2)
    sorted_b = np.sort(theta_b, axis=0)
    return _interp_sorted(sorted_b, alpha_1), _interp_sorted(sorted_b, alpha_2)


def _sobol_bootstrap(
    f_A: np.ndarray,
    f_B: np.ndarray,
    f_AB: np.ndarray,
    theta_hat: tuple[np.ndarray, np.ndarray],
    *,
    confidence_level: float,
    n_resamples: int,
    rng: np.random.Generator,
) -> dict[str, np.ndarray]:
    """Seeded, vectorized BCa bootstrap of the Saltelli-2010 Sobol' estimators.

    Statistically identical to ``SobolResult.bootstrap`` in scipy (same
    estimator, same resampling of sample rows, same BCa interval), but every
    resample is a row of multinomial counts so the whole bootstrap is a matrix
    product, the jackknife is closed-form (leave-one-out means), and the
    random numbers come from ``rng``. When all resamples fit one block the
    resampling indices are drawn exactly as `scipy.stats.bootstrap` draws
    them, so both give the same numbers from the same generator.
    """
    k, n = f_A.shape
    d = f_AB.shape[0]
    M = _sobol_design_moments(f_A, f_B, f_AB)  # (n, c)

    block = max(1, min(n_resamples, _BOOT_BLOCK_ELEMENTS // n))
    s1_b = np.empty((n_resamples, k, d))
    st_b = np.empty((n_resamples, k, d))
    for start in range(0, n_resamples, block):
        r = min(block, n_resamples - start)
        idx = rng.integers(0, n, size=(r, n))
        flat = (idx + (np.arange(r) * n)[:, None]).ravel()
        counts = np.bincount(flat, minlength=r * n).reshape(r, n).astype(float)
        s1, st = _sobol_from_means(counts @ M / n, k, d)
        s1_b[start : start + r] = s1
        st_b[start : start + r] = st

    # Jackknife (leave one sample row out): closed-form means.
    T_jack = (M.sum(axis=0) - M) / (n - 1)
    s1_j, st_j = _sobol_from_means(T_jack, k, d)

    s1_hat, st_hat = theta_hat
    s1_low, s1_high = _bca_interval(s1_hat, s1_b, s1_j, confidence_level)
    st_low, st_high = _bca_interval(st_hat, st_b, st_j, confidence_level)
    return {
        "S1_conf": (s1_low, s1_high),
        "ST_conf": (st_low, st_high),
        "S1_se": s1_b.std(axis=0, ddof=1) if n_resamples > 1 else np.zeros((k, d)),
        "ST_se": st_b.std(axis=0, ddof=1) if n_resamples > 1 else np.zeros((k, d)),
    }


def sobol_analysis(
    func: Callable[[np.ndarray], ArrayLike],
    distributions: Sequence[Any],
    n: int,
    *,
    seed: int | np.random.SeedSequence | np.random.Generator | None,
    confidence_level: float = 0.95,
    n_resamples: int = DEFAULT_N_RESAMPLES,
    names: Sequence[str] | None = None,
) -> dict[str, Any]:
    """First- and total-order Sobol' indices with bootstrap confidence intervals.

    Wraps `scipy.stats.sobol_indices` (scrambled Sobol' design, Saltelli 2010
    first-order and Jansen total-order estimators). ``func`` is evaluated
    ``n * (d + 2)`` times, in three vectorized calls: on the ``A`` and ``B``
    matrices (``n`` rows each) and on all ``d`` ``AB`` matrices stacked
    (``n * d`` rows).

    Parameters
    ----------
    func : callable
        Vectorized model: maps a float array of shape ``(m, d)`` (one row per
        sample, one column per input, in the order of `distributions`) to an
        array of shape ``(m,)`` or ``(m, k)``. Outputs must be finite.
    distributions : sequence of frozen scipy.stats distributions
        One independent marginal per input; anything with a ``.ppf`` method.
    n : int
        Base sample size (rows of ``A`` and ``B``). The Sobol' design needs a
        power of two, so `n` is **rounded up** to the next power of two (e.g.
        5000 -> 8192); the value used is returned as ``"n"`` and the requested
        one as ``"n_requested"``. Must be >= 2.
    seed : int, SeedSequence, Generator or None
        Seeds one `numpy.random.Generator` that scrambles the Sobol' design and
        then draws the bootstrap resamples: the same seed gives identical
        indices and intervals. ``None`` draws fresh OS entropy (not
        reproducible).
    confidence_level : float, default 0.95
        Two-sided confidence level of the bootstrap intervals, in (0, 1).
    n_resamples : int, default 1000
        Number of bootstrap resamples (>= 1).
    names : sequence of str, optional
        Input names, one per distribution (default ``x1 .. xd``).

    Returns
    -------
    dict
        ``"S1"``, ``"ST"`` : ndarray
            First- and total-order indices; shape ``(d,)`` when `func` returns
            ``(m,)``, shape ``(k, d)`` when it returns ``(m, k)`` (also for
            ``k == 1``). An output with zero variance gets indices 0.
        ``"S1_conf"``, ``"ST_conf"`` : tuple (low, high) of ndarray
            Bounds of the bootstrap confidence intervals, each the same shape
            as ``"S1"``. Returned as a ``(low, high)`` pair of arrays (not a
            stacked array) so ``low, high = res["ST_conf"]`` works for any
            output shape.
        ``"S1_se"``, ``"ST_se"`` : ndarray
            Bootstrap standard errors, same shape as ``"S1"``.
        ``"n"``, ``"n_requested"``, ``"n_evaluations"`` : int
            Power-of-two base sample size used, the value asked for, and the
            number of model evaluations ``n * (d + 2)``.
        ``"d"``, ``"k"`` : int
            Number of inputs and of outputs (``k = 1`` for 1-D output).
        ``"confidence_level"``, ``"n_resamples"``, ``"names"``
            As used.

    Raises
    ------
    ValueError
        For invalid arguments, or if `func` returns the wrong shape or
        non-finite values.

    Notes
    -----
    Confidence intervals are bias-corrected and accelerated (BCa) bootstrap
    intervals, the method `SobolResult.bootstrap` uses, computed here
    with numpy (resampling counts times a moment matrix; closed-form
    jackknife) and seeded, which scipy's ``SobolResult.bootstrap`` is not. The
    bootstrap resamples rows of the (scrambled quasi-random) design as if they
    were independent draws; QMC estimates are usually more accurate than that,
    so the intervals tend to be conservative. Negative or > 1 estimates are
    sampling error; increase `n`.
    """
    dists = _check_distributions(distributions)
    d = len(dists)
    n_requested = _as_int(n, "n", minimum=2)
    n_used = 1 << (n_requested - 1).bit_length()
    confidence_level = _as_fraction(confidence_level, "confidence_level")
    n_resamples = _as_int(n_resamples, "n_resamples", minimum=1)
    names_ = _check_names(names, d)
    if not callable(func):
        raise ValueError(f"func must be callable, got {func!r}")
    try:
        rng = np.random.default_rng(seed)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"seed must be an int, SeedSequence, Generator or None, got {seed!r}"
        ) from exc

    shape_info: dict[str, Any] = {}

    def scipy_func(x: np.ndarray) -> np.ndarray:
        # scipy passes (d, m) and wants (k, m); our contract is (m, d) -> (m, k).
        y, one_d = _evaluate(func, np.ascontiguousarray(x.T))
        if not shape_info:
            shape_info.update(one_d=one_d, k=y.shape[1])
        elif (one_d, y.shape[1]) != (shape_info["one_d"], shape_info["k"]):
            raise ValueError(
                "func returned inconsistent output shapes between calls: "
                f"(m, {y.shape[1]}) after (m, {shape_info['k']}) (or 1-D vs 2-D)"
            )
        if d == 1 and y.shape[1] == 1:
            # scipy squeezes a (1, 1) result to a 0-d value and then fails on
            # item assignment; a duplicated output row sidesteps that.
            return np.vstack([y.T, y.T])
        return y.T

    res = stats.sobol_indices(func=scipy_func, n=n_used, dists=dists, **{_SOBOL_RNG_KEYWORD: rng})
    k = shape_info["k"]
    k_scipy = 2 if (d == 1 and k == 1) else k  # see the duplicated row above
    # scipy squeezes its (k, d) result; restore the shape.
    s1 = np.asarray(res.first_order, dtype=float).reshape(k_scipy, d)[:k]
    st = np.asarray(res.total_order, dtype=float).reshape(k_scipy, d)[:k]

    try:
        f_A, f_B, f_AB = res._f_A[:k], res._f_B[:k], res._f_AB[:, :k]
    except AttributeError as exc:  # pragma: no cover - depends on scipy internals
        raise RuntimeError(
            "this scipy version's SobolResult does not expose the function "
            "evaluations (_f_A, _f_B, _f_AB) needed for the bootstrap"
        ) from exc
    boot = _sobol_bootstrap(
        np.asarray(f_A, dtype=float),
        np.asarray(f_B, dtype=float),
        np.asarray(f_AB, dtype=float),
        (s1, st),
        confidence_level=confidence_level,
        n_resamples=n_resamples,
        rng=rng,
    )

    def shaped(a: np.ndarray) -> np.ndarray:
        return a[0].copy() if shape_info["one_d"] else a

    return {
        "S1": shaped(s1),
        "ST": shaped(st),
        "S1_conf": tuple(shaped(b) for b in boot["S1_conf"]),
        "ST_conf": tuple(shaped(b) for b in boot["ST_conf"]),
        "S1_se": shaped(boot["S1_se"]),
        "ST_se": shaped(boot["ST_se"]),
        "n": n_used,
        "n_requested": n_requested,
        "n_evaluations": n_used * (d + 2),
        "d": d,
        "k": k,
        "confidence_level": confidence_level,
        "n_resamples": n_resamples,
        "names": names_,
    }


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


def _weighted_ranks(a: np.ndarray, w: np.ndarray | None) -> np.ndarray:
    """Column-wise mid-ranks of ``a`` (n, p); with weights, weighted mid-ranks.

    The weighted mid-rank of a value is the total weight of smaller values
    plus half the weight of equal values (ties share one rank). With unit
    weights it equals the usual average rank minus 1/2.
    """
    if w is None:
        return stats.rankdata(a, axis=0)
    out = np.empty_like(a, dtype=float)
    for j in range(a.shape[1]):
        uniq, inverse = np.unique(a[:, j], return_inverse=True)
        group_w = np.bincount(inverse.ravel(), weights=w, minlength=uniq.size)
        before = np.cumsum(group_w) - group_w
        out[:, j] = (before + 0.5 * group_w)[inverse.ravel()]
    return out


def _weighted_corr(a: np.ndarray, b: np.ndarray, w: np.ndarray | None) -> np.ndarray:
    """Pearson correlations between columns of ``b`` (n, k) and ``a`` (n, d): (k, d).

    Columns with (numerically) zero spread give correlation 0.
    """
    ww = np.ones(a.shape[0]) if w is None else w
    sw = ww.sum()
    ac = a - (ww @ a) / sw
    bc = b - (ww @ b) / sw
    cov = (bc * ww[:, None]).T @ ac  # (k, d)
    va = ww @ ac**2
    vb = ww @ bc**2
    # Spread that is only rounding error counts as zero.
    tiny_a = (np.finfo(float).eps * a.shape[0]) ** 2 * (ww @ a**2)
    tiny_b = (np.finfo(float).eps * b.shape[0]) ** 2 * (ww @ b**2)
    ok = (vb > tiny_b)[:, None] & (va > tiny_a)[None, :]
    denom = np.sqrt(np.where(ok, np.outer(vb, va), 1.0))
    return np.where(ok, np.clip(cov / denom, -1.0, 1.0), 0.0)


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

    RX = _weighted_ranks(X, w)
    RY = _weighted_ranks(Y2, w)
    const_x = np.ptp(X, axis=0) == 0
    const_y = np.ptp(Y2, axis=0) == 0

    if method == "spearman":
        rho = _weighted_corr(RX, RY, w)
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
            rho[:, i] = _weighted_corr(resid[:, :1], resid[:, 1:], w)[:, 0]
    rho[:, const_x] = 0.0
    rho[const_y, :] = 0.0
    return rho[0] if one_d else rho


# --------------------------------------------------------------------------
# Weighted quantiles and convergence
# --------------------------------------------------------------------------


def _weighted_quantile_1d(v: np.ndarray, w: np.ndarray, q: np.ndarray) -> np.ndarray:
    keep = ~np.isnan(v) & (w > 0)
    v, w = v[keep], w[keep]
    if v.size == 0:
        return np.full(q.shape, np.nan)
    order = np.argsort(v)  # ties hold equal values, so their order cannot change a quantile
    v, w = v[order], w[order]
    cw = np.cumsum(w)
    p = (cw - 0.5 * w) / cw[-1]
    with np.errstate(invalid="ignore"):
        return np.interp(q, p, v)


def weighted_quantile(
    values: ArrayLike, q: ArrayLike, weights: ArrayLike | None = None
) -> np.ndarray | float:
    """Quantiles of (importance-)weighted samples, vectorized over `q`.

    Sorted values ``v_i`` with weights ``w_i`` are placed at plotting
    positions ``p_i = (W_i - w_i / 2) / W`` (``W_i`` cumulative weight, ``W``
    total: the weighted Hazen rule) and the quantile is linearly interpolated
    in ``p``; below ``p_1`` / above ``p_n`` it is the min / max. With equal
    weights this is ``np.quantile(..., method="hazen")``, which is within one
    plotting step (1/n in probability) of the default ``np.quantile``.

    Parameters
    ----------
    values : array_like, shape (n,) or (n, ...)
        Samples; quantiles are taken along axis 0 (each column separately).
    q : float or array_like
        Probabilities in [0, 1].
    weights : array_like, shape (n,), optional
        Importance weights, >= 0 and finite; they need not sum to 1. Samples
        with zero weight are ignored. Default: equal weights.

    Returns
    -------
    float or ndarray
        Shape ``np.shape(q) + values.shape[1:]`` (a float for scalar `q` and
        1-D `values`).

    Notes
    -----
    NaN in `values` marks a missing sample: it is dropped (with its weight),
    like `numpy.nanquantile`. A column with no non-NaN, positive-weight sample
    gives NaN. Infinite values are kept; quantiles interpolated next to one
    are infinite (or NaN).

    Raises
    ------
    ValueError
        If `values` is empty, `q` is outside [0, 1] or NaN, or `weights` has the
        wrong shape, negative, non-finite or all-zero entries.
    """
    v = np.asarray(values, dtype=float)
    if v.ndim == 0 or v.shape[0] == 0:
        raise ValueError(f"values must be a non-empty array of samples, got shape {v.shape}")
    qa = np.asarray(q, dtype=float)
    if np.isnan(qa).any() or (qa < 0).any() or (qa > 1).any():
        raise ValueError(f"q must be in [0, 1], got {q!r}")
    n = v.shape[0]
    w = _check_weights(weights, n)
    if w is None:
        w = np.ones(n)
    flat = v.reshape(n, -1)
    out = np.stack([_weighted_quantile_1d(flat[:, j], w, qa) for j in range(flat.shape[1])], -1)
    out = out.reshape(qa.shape + v.shape[1:])
    return float(out) if out.ndim == 0 else out


def _default_checkpoints(n: int) -> np.ndarray:
    start = min(100, n)
    if n <= start:
        return np.array([n])
    num = int(min(20, max(2, np.ceil(4 * np.log10(n / start))) + 1))
    return np.unique(np.round(np.geomspace(start, n, num=num)).astype(int))


def convergence(
    samples: ArrayLike,
    *,
    weights: ArrayLike | None = None,
    checkpoints: ArrayLike | None = None,
    ci: float = 0.9,
    n_boot: int = 0,
    seed: int | None = 0,
) -> dict[str, np.ndarray]:
    """How a metric's mean, its interval and its quantiles settle as samples grow.

    For each checkpoint ``m``, the first ``m`` samples (in the order given,
    i.e. the order of the Monte Carlo run) are summarised.

    Parameters
    ----------
    samples : array_like, shape (n,)
        Metric values, finite.
    weights : array_like, shape (n,), optional
        Importance weights (>= 0, need not sum to 1); the mean becomes the
        self-normalised weighted mean and the quantiles weighted quantiles.
    checkpoints : array_like of int, optional
        Sample counts in ``[1, n]`` (sorted and de-duplicated). Default:
        about 4 per decade, geometrically spaced from ``min(100, n)`` to ``n``.
    ci : float, default 0.9
        Central probability used both for the quantile band (0.9 -> p5/p95)
        and for the interval of the mean.
    n_boot : int, default 0
        0: the interval of the mean is ``mean -/+ z * se`` with the normal
        quantile ``z`` and the standard error ``se`` below. > 0: percentile
        bootstrap band of the (weighted) mean from `n_boot` resamples of the
        first ``m`` samples (seeded by `seed`).
    seed : int or None, default 0
        Seed for the bootstrap (ignored when ``n_boot == 0``).

    Returns
    -------
    dict of ndarray, one entry per checkpoint
        ``"n"`` (checkpoints, increasing), ``"mean"``, ``"mean_low"``,
        ``"mean_high"``, ``"q_low"``, ``"q_high"``, ``"se"`` (standard error of
        the mean: ``sqrt(sum w^2 (x - mean)^2) / sum w`` times
        ``sqrt(m+ / (m+ - 1))`` with ``m+`` the number of positive weights,
        i.e. ``std(ddof=1) / sqrt(m)`` for equal weights; NaN if ``m+ < 2``)
        and ``"ess"`` (Kish effective sample size ``(sum w)^2 / sum w^2``).
        Checkpoints whose samples all have zero weight give NaN.
    """
    x = np.asarray(samples, dtype=float)
    if x.ndim != 1 or x.size == 0:
        raise ValueError(f"samples must be a non-empty 1-D array, got shape {x.shape}")
    _require_finite(x, "samples")
    n = x.size
    w = _check_weights(weights, n)
    if w is None:
        w = np.ones(n)
    ci = _as_fraction(ci, "ci")
    n_boot = _as_int(n_boot, "n_boot", minimum=0)
    if checkpoints is None:
        cps = _default_checkpoints(n)
    else:
        raw = np.atleast_1d(np.asarray(checkpoints))
        if raw.ndim != 1 or raw.size == 0:
            raise ValueError(f"checkpoints must be a non-empty 1-D sequence, got {checkpoints!r}")
        cps = np.array([_as_int(c, "each checkpoint", minimum=1) for c in raw])
        if (cps > n).any():
            raise ValueError(
                f"checkpoints must be <= the number of samples {n}, got {int(cps.max())}"
            )
        cps = np.unique(cps)
    rng = np.random.default_rng(seed) if n_boot else None

    lo_p, hi_p = 0.5 * (1.0 - ci), 0.5 * (1.0 + ci)
    z = special.ndtri(hi_p)
    out = {
        key: np.full(cps.size, np.nan)
        for key in ("mean", "mean_low", "mean_high", "q_low", "q_high", "se", "ess")
    }
    for j, m in enumerate(cps):
        xs, ws = x[:m], w[:m]
        sw = ws.sum()
        if sw <= 0:
            continue
        mean = ws @ xs / sw
        m_pos = int(np.count_nonzero(ws))
        if m_pos >= 2:
            se = math.sqrt((ws**2 @ (xs - mean) ** 2) / sw**2 * m_pos / (m_pos - 1))
        else:
            se = math.nan
        out["mean"][j] = mean
        out["se"][j] = se
        out["ess"][j] = sw**2 / (ws @ ws)
        out["q_low"][j], out["q_high"][j] = _weighted_quantile_1d(xs, ws, np.array([lo_p, hi_p]))
        if rng is None:
            out["mean_low"][j], out["mean_high"][j] = mean - z * se, mean + z * se
        else:
            boot = np.empty(n_boot)
            block = max(1, min(n_boot, _BOOT_BLOCK_ELEMENTS // int(m)))
            for s in range(0, n_boot, block):
                r = min(block, n_boot - s)
                idx = rng.integers(0, m, size=(r, m))
                bw = ws[idx]
                tot = bw.sum(axis=1)
                with np.errstate(invalid="ignore", divide="ignore"):
                    boot[s : s + r] = np.where(tot > 0, (bw * xs[idx]).sum(axis=1) / tot, np.nan)
            boot = boot[~np.isnan(boot)]
            if boot.size:
                out["mean_low"][j], out["mean_high"][j] = np.quantile(boot, [lo_p, hi_p])
    return {"n": cps, **out}


# --------------------------------------------------------------------------
# Plain-English ranking
# --------------------------------------------------------------------------


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def rank_drivers(
    indices: ArrayLike,
    names: Sequence[str],
    *,
    metric_label: str,
    top: int = 3,
    threshold: float = 0.05,
    index_label: str = "ST",
    max_negligible: int = 4,
) -> str:
    """A short ranked English statement of which inputs drive a metric.

    Parameters
    ----------
    indices : array_like, shape (d,)
        One sensitivity index per input (e.g. total-order ``ST``); larger
        means more important.
    names : sequence of str
        Input names as they should appear in the sentence (humanise them
        before calling).
    metric_label : str
        What the indices describe, as a noun phrase used as the sentence's
        subject, e.g. ``"the share of shells from abroad"``; its first letter
        is capitalised.
    top : int, default 3
        At most this many drivers are named (only those at or above
        `threshold`).
    threshold : float, default 0.05
        Inputs whose index is below this "barely matter".
    index_label : str, default "ST"
        Label printed with the first value, e.g. ``"(ST 0.52)"``.
    max_negligible : int, default 4
        At most this many negligible inputs are named; the rest are counted.

    Returns
    -------
    str
        e.g. ``"The output depends mostly on a (ST 0.52) and b (0.31); c barely
        matters (ST < 0.05)."``
    """
    vals = np.asarray(indices, dtype=float)
    if vals.ndim != 1 or vals.size == 0:
        raise ValueError(f"indices must be a non-empty 1-D array, got shape {vals.shape}")
    if not np.isfinite(vals).all():
        raise ValueError(f"indices must be finite, got {vals.tolist()!r}")
    if isinstance(names, (str, bytes)) or len(names) != vals.size:
        raise ValueError(f"names must be a sequence of {vals.size} names, got {names!r}")
    if not isinstance(metric_label, str) or not metric_label.strip():
        raise ValueError(f"metric_label must be a non-empty string, got {metric_label!r}")
    top = _as_int(top, "top", minimum=1)
    max_negligible = _as_int(max_negligible, "max_negligible", minimum=0)
    try:
        threshold = float(threshold)
    except (TypeError, ValueError):
        raise ValueError(f"threshold must be a finite number >= 0, got {threshold!r}") from None
    if not (math.isfinite(threshold) and threshold >= 0):
        raise ValueError(f"threshold must be a finite number >= 0, got {threshold!r}")

    label = metric_label.strip()
    names_ = [str(nm) for nm in names]
    order = np.argsort(-vals, kind="stable")
    drivers = [int(i) for i in order[:top] if vals[i] >= threshold]
    negligible = [int(i) for i in order if vals[i] < threshold]
    thr = f"{threshold:g}"

    if drivers:
        parts = [f"{names_[drivers[0]]} ({index_label} {vals[drivers[0]]:.2f})"]
        parts += [f"{names_[i]} ({vals[i]:.2f})" for i in drivers[1:]]
        sentence = f"{label[0].upper()}{label[1:]} depends mostly on {_join(parts)}"
    else:
        sentence = f"No listed input clearly drives {label}: every {index_label} is below {thr}"
        negligible = []  # already said
    if negligible:
        shown = [names_[i] for i in negligible[:max_negligible]]
        rest = len(negligible) - len(shown)
        if rest:
            shown.append(f"{rest} other input{'s' if rest > 1 else ''}")
        verb = "barely matters" if len(negligible) == 1 else "barely matter"
        sentence += f"; {_join(shown)} {verb} ({index_label} < {thr})"
    return sentence + "."
