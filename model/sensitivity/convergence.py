"""How a metric's mean, interval and quantiles settle as the sample grows."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from ..analysis.stats import _require_finite, _weighted_quantile_1d
from ..analysis.stats import check_weights as _check_weights
from ._checks import _as_fraction, _as_int
from .sobol import _BOOT_BLOCK_ELEMENTS

__all__ = ["convergence"]

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


