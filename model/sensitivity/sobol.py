"""Variance-based Sobol' indices (first and total order) with seeded BCa bootstrap intervals."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy import special, stats

from ._checks import _as_fraction, _as_int, _check_distributions, _check_names, _evaluate

__all__ = ["sobol_analysis", "DEFAULT_N_RESAMPLES"]

DEFAULT_N_RESAMPLES = 1000

# Upper bound on the number of elements in one (resamples x n) block of
# bootstrap counts, to bound memory use (2**22 float64 = 32 MiB).
_BOOT_BLOCK_ELEMENTS = 2**22

# scipy renamed `random_state` to `rng` in 1.15; support both.
_SOBOL_RNG_KEYWORD = (
    "rng" if "rng" in inspect.signature(stats.sobol_indices).parameters else "random_state"
)



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
    out: dict[str, Any] = {
        "S1_conf": (s1_low, s1_high),
        "ST_conf": (st_low, st_high),
        "S1_se": s1_b.std(axis=0, ddof=1) if n_resamples > 1 else np.zeros((k, d)),
        "ST_se": st_b.std(axis=0, ddof=1) if n_resamples > 1 else np.zeros((k, d)),
    }
    return out


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


