"""First-order Sobol indices from given data: no special design, weights and dependence allowed.

``scipy.stats.sobol_indices`` needs its own Saltelli design drawn from independent inputs.
A calibrated run has neither: its samples carry importance weights (see the calibration
step), and the weighted inputs need not be independent. The first-order index only needs
the variance of the conditional mean, ``S1_i = Var(E[y | x_i]) / Var(y)``, and that can be
estimated from any (weighted) sample by binning ``x_i`` (the "given data" estimator of
Plischke, Borgonovo & Smith 2013):

* sort the rows by ``x_i`` and cut them into ``M`` bins of equal weight (weighted
  quantiles; rows with the same ``x_i`` always share a bin);
* ``S1_i`` = weighted variance of the bin means of ``y`` / weighted variance of ``y``,
  minus the part of the bin means' variance that is only noise (see
  ``first_order_given_data``).

With dependent inputs the index keeps its meaning ("share of the variance of ``y`` that
knowing ``x_i`` alone removes") but includes what ``x_i`` carries of the inputs it is
correlated with, so indices need not sum to at most 1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from .stats import check_weights

__all__ = ["GivenDataIndices", "default_bins", "first_order_given_data", "first_order_given_data_many"]

# Default bin count: M = round(ESS^(1/3)) clipped to [8, 64] (see ``default_bins``).
_MIN_BINS, _MAX_BINS = 8, 64

# Largest (rows x 4 x resamples) block of bootstrap sums held at once (2**22 float64 = 32 MiB).
_BOOT_BLOCK_ELEMENTS = 2**22


@dataclass(frozen=True)
class GivenDataIndices:
    """First-order Sobol indices estimated from given (possibly weighted) data.

    Attributes
    ----------
    S1
        ``(d,)`` estimated ``Var(E[y | x_i]) / Var(y)`` per input, bias-corrected, in [0, 1]:
        the share of the (weighted) variance of ``y`` that would go if ``x_i`` alone were
        known exactly.
    S1_low, S1_high
        ``(d,)`` bootstrap percentile interval at level ``confidence`` (NaN when
        ``bootstrap=0``).
    bins
        Number of equal-weight bins each input was cut into.
    confidence
        Level of the interval, e.g. 0.9.
    ess
        Kish effective sample size ``(sum w)^2 / sum w^2`` of the weights (``n`` unweighted).
    """

    S1: np.ndarray
    S1_low: np.ndarray
    S1_high: np.ndarray
    bins: int
    confidence: float
    ess: float


def default_bins(ess: float) -> int:
    """Default number of bins, ``round(ess ** (1/3))`` clipped to [8, 64].

    More bins cut the smoothing bias (a bin averages ``E[y | x_i]`` over its width, ~1/M^2
    for a smooth response) but leave fewer effective samples per bin, ``ess / M``; once that
    is small the noise correction itself gets noisy and indices near 0 come out high and
    scattered. The Kish effective sample size stands in for ``n`` because with weights it is
    what a bin's noise depends on (equal to ``n`` unweighted). 16,384 equal weights -> 25
    bins; 65,536 -> 40; ESS 2,048 -> 13.
    """
    return int(np.clip(round(ess ** (1.0 / 3.0)), _MIN_BINS, _MAX_BINS))


def _as_int(value: object, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def _bin_of_rows(x: np.ndarray, w: np.ndarray, bins: int) -> np.ndarray:
    """``(d, n)``: the equal-weight bin (0 .. bins-1) of each row, for each input.

    A row goes to the bin holding the midpoint of its cumulative weight in ``x_i`` order;
    a run of tied ``x_i`` values uses the midpoint of the whole run, so ties never straddle
    bins (a constant input is one bin; a discrete input gets at most one bin per value).
    """
    n, d = x.shape
    order = np.argsort(x, axis=0, kind="stable").T  # (d, n)
    xs = np.take_along_axis(x.T, order, axis=1)
    ws = w[order]
    end = np.cumsum(ws, axis=1)
    total = end[:, -1:]
    first = np.ones((d, n), dtype=bool)
    first[:, 1:] = xs[:, 1:] != xs[:, :-1]
    last = np.ones((d, n), dtype=bool)
    last[:, :-1] = first[:, 1:]
    run = np.cumsum(first.ravel()) - 1  # run ids; every input starts a new run
    mid = 0.5 * ((end - ws)[first] + end[last])
    pos = mid[run].reshape(d, n) / total
    sorted_bins = np.minimum((pos * bins).astype(np.int64), bins - 1)
    out = np.empty((d, n), dtype=np.int64)
    np.put_along_axis(out, order, sorted_bins, axis=1)
    return out


def _indices(membership: sparse.csc_array, ys: np.ndarray, v: np.ndarray, d: int,
             bins: int) -> np.ndarray:
    """``(k, d, R)`` bias-corrected S1 of ``k`` outputs ``ys`` (n, k) for ``R`` sets of row
    weights ``v`` (n, R): one sparse product gives every input's bin sums of every output."""
    n, r = v.shape
    k = ys.shape[1]
    # columns: v | v^2 | v*y_j | v*y_j^2 for each output j (bin sums that do not depend on
    # the output are made once; each column of the product is summed on its own, so sharing
    # the product across outputs changes no number)
    q = np.empty((n, (2 + 2 * k) * r))
    q[:, :r] = v
    np.multiply(v, v, out=q[:, r:2 * r])
    for j in range(k):
        vy = q[:, (2 + 2 * j) * r:(3 + 2 * j) * r]
        np.multiply(v, ys[:, j:j + 1], out=vy)
        np.multiply(vy, ys[:, j:j + 1], out=q[:, (3 + 2 * j) * r:(4 + 2 * j) * r])
    sums = (membership @ q).reshape(d, bins, 2 + 2 * k, r)
    a, e = sums[:, :, 0], sums[:, :, 1]
    out = np.empty((k, d, r))
    with np.errstate(invalid="ignore", divide="ignore"):
        # every row is in exactly one bin of input 0, so its bins add up to the totals
        total = a[0].sum(axis=0)
        share = a / total  # P_m
        neff = np.where(e > 0, a**2 / e, 0.0)  # Kish effective size of bin m
        spread = (share * (1 - share))
        occupied = (a > 0).sum(axis=1) > 1
        for j in range(k):
            b, c = sums[:, :, 2 + 2 * j], sums[:, :, 3 + 2 * j]
            mu = b[0].sum(axis=0) / total
            var = c[0].sum(axis=0) / total - mu**2
            mean = np.where(a > 0, b / a, 0.0)
            within = np.where(a > 0, np.maximum(c / a - mean**2, 0.0), 0.0)  # s_m^2
            noise = np.where(neff > 1, within / (neff - 1), 0.0)  # ~ Var(bin mean)
            between = (share * (mean - mu) ** 2).sum(axis=1)
            bias = (spread * noise).sum(axis=1)
            s1 = (between - bias) / var
            # y arrives standardised (variance 1), so a resample whose variance is at rounding
            # level has effectively constant y; an input whose weight sits in one bin (a
            # constant input) explains nothing, exactly rather than up to rounding
            informative = (var > 1e-12) & occupied
            out[j] = np.clip(np.where(informative, s1, 0.0), 0.0, 1.0)
    return out


def first_order_given_data(
    x: np.ndarray,
    y: np.ndarray,
    *,
    weights: np.ndarray | None = None,
    bins: int | None = None,
    bootstrap: int = 200,
    seed: int,
    confidence: float = 0.9,
) -> GivenDataIndices:
    """First-order Sobol indices of ``y`` with respect to each column of ``x``, from given data.

    Parameters
    ----------
    x
        ``(n, d)`` inputs, one row per sample (any distribution, any dependence).
    y
        ``(n,)`` output.
    weights
        ``(n,)`` importance weights (>= 0, not all 0; any scale), e.g. calibration weights;
        the indices then refer to the weighted (calibrated) distribution. ``None``: equal.
    bins
        Equal-weight bins per input; default ``default_bins(ess)``: ``round(ess^(1/3))``
        clipped to [8, 64], ``ess`` the Kish effective sample size.
    bootstrap
        Number of bootstrap resamples for the interval (0: no interval).
    seed
        Seeds the bootstrap; the point estimate does not depend on it.
    confidence
        Level of the percentile interval, in (0, 1).

    Returns
    -------
    GivenDataIndices

    Notes
    -----
    With normalised weights ``p_k``, bin shares ``P_m = sum_{k in m} p_k``, bin means
    ``ybar_m``, overall mean ``ybar`` and variance ``s_y^2``::

        S1_i = [ sum_m P_m (ybar_m - ybar)^2  -  sum_m P_m (1 - P_m) s_m^2 / (n_m - 1) ] / s_y^2

    clipped to [0, 1], where ``s_m^2`` is the weighted (plug-in) variance of ``y`` within bin
    ``m`` and ``n_m = (sum_{k in m} w_k)^2 / sum_{k in m} w_k^2`` its Kish effective size. The
    subtracted term is the expected between-bin variance produced by noise alone: the
    error of ``ybar_m`` has variance ``s_m^2 / (n_m - 1)``, and the weighted deviation from
    the overall mean keeps ``P_m (1 - P_m)`` of it. Unweighted with equal bins it is the
    familiar ``(M - 1) s_w^2 / (n - M)``; it centres the estimate for an input that does
    nothing on 0 (before clipping) instead of about ``(M - 1) / n``. Constant ``y`` (over the
    rows with weight) gives 0 for every input, and an input whose weight all falls in one
    bin (a constant input) gives exactly 0.

    Bootstrap: rows are resampled uniformly with replacement, each drawn row keeping its
    weight (multinomial counts times the weights), and ``S1`` is recomputed on the bins of
    the full sample; the interval is the percentile interval of the resampled values. (With
    weights, resampling rows with probability proportional to weight and then treating them
    as equal would give intervals about ``sqrt(ess / n)`` as wide as they should be: it
    measures the noise of a sample of ``n``, not of the ``ess`` the weighted estimate rests on.)
    The resamples are evaluated in blocks, each block one sparse (bin membership) times
    dense (rows x resamples) product for all inputs at once.
    """
    y = np.asarray(y, dtype=float)
    if y.ndim != 1:
        raise ValueError(f"y must be 1-D, got shape {y.shape}")
    return first_order_given_data_many(x, y[:, None], weights=weights, bins=bins, bootstrap=bootstrap,
                                       seed=seed, confidence=confidence)[0]


def first_order_given_data_many(
    x: np.ndarray,
    ys: np.ndarray,
    *,
    weights: np.ndarray | None = None,
    bins: int | None = None,
    bootstrap: int = 200,
    seed: int,
    confidence: float = 0.9,
) -> list[GivenDataIndices]:
    """:func:`first_order_given_data` of each column of ``ys`` (n, k), in one pass.

    The bins, the bootstrap resamples and the bin sums that do not depend on the output are
    shared, so ``k`` outputs cost far less than ``k`` calls; each result is the one
    ``first_order_given_data(x, ys[:, j], ...)`` gives, number for number.
    """
    x = np.asarray(x, dtype=float)
    ys = np.asarray(ys, dtype=float)
    if x.ndim != 2:
        raise ValueError(f"x must be a 2-D (n, d) array, got shape {x.shape}")
    n, d = x.shape
    if ys.ndim != 2 or ys.shape[0] != n:
        raise ValueError(f"y must have shape ({n},) to match x, got {ys.shape[:1] if ys.ndim else ys.shape}")
    if n < 2:
        raise ValueError(f"need at least 2 samples, got {n}")
    if not (np.isfinite(x).all() and np.isfinite(ys).all()):
        raise ValueError("x and y must be finite")
    checked = check_weights(weights, n)
    w = np.ones(n) if checked is None else checked
    w = w / w.sum()
    ess = float(1.0 / np.sum(w * w))
    m = default_bins(ess) if bins is None else _as_int(bins, "bins", 2)
    resamples = _as_int(bootstrap, "bootstrap", 0)
    if not 0.0 < float(confidence) < 1.0:
        raise ValueError(f"confidence must be in (0, 1), got {confidence!r}")

    conf = float(confidence)
    no_interval = np.full(d, np.nan)
    live = ys[w > 0]
    # constant y: there is no variance to explain
    varying = [j for j in range(ys.shape[1]) if live[:, j].min() != live[:, j].max()]
    zero = np.zeros(d)
    results = [GivenDataIndices(zero.copy(), no_interval.copy(), no_interval.copy(), m, conf, ess) if not resamples
               else GivenDataIndices(zero.copy(), zero.copy(), zero.copy(), m, conf, ess)
               for _ in range(ys.shape[1])]
    if not varying:
        return results

    # S1 is scale free; standardising y keeps the bin sums of y^2 well conditioned
    yz = np.empty((n, len(varying)))
    for col, j in enumerate(varying):
        y = ys[:, j]
        mean = float(w @ y)
        yz[:, col] = (y - mean) / math.sqrt(float(w @ (y - mean) ** 2))

    # membership[i * m + bin, k] = 1: one sparse product gives every input's bin sums. Stored by
    # column (sample), so the product reads each row of the dense factor once and adds it to its
    # d bins (by row it re-read the whole factor d times: five times slower, measured); both
    # add a bin's rows in sample order, so the numbers are the same bit for bit.
    rows = (_bin_of_rows(x, w, m) + (np.arange(d) * m)[:, None]).ravel()
    cols = np.tile(np.arange(n), d)
    membership = sparse.csc_array((np.ones(n * d), (rows, cols)), shape=(d * m, n))

    s1 = _indices(membership, yz, w[:, None], d, m)[:, :, 0]
    if not resamples:
        for col, j in enumerate(varying):
            results[j] = GivenDataIndices(s1[col], no_interval.copy(), no_interval.copy(), m, conf, ess)
        return results

    rng = np.random.default_rng(seed)
    boot = np.empty((len(varying), d, resamples))
    # the resamples are drawn in blocks of this many whatever the number of outputs (the
    # draws, and so the numbers, are those of one output alone)
    chunk = max(1, _BOOT_BLOCK_ELEMENTS // (4 * n))
    for start in range(0, resamples, chunk):
        k = min(chunk, resamples - start)
        # multinomial counts of n uniform draws per resample, laid out (n, k) directly
        draws = rng.integers(0, n, size=(k, n)) * k + np.arange(k)[:, None]
        counts = np.bincount(draws.ravel(), minlength=n * k).reshape(n, k)
        boot[:, :, start:start + k] = _indices(membership, yz, counts * w[:, None], d, m)
    alpha = 1.0 - conf
    for col, j in enumerate(varying):
        low, high = np.quantile(boot[col], [alpha / 2, 1 - alpha / 2], axis=1)
        results[j] = GivenDataIndices(s1[col], low, high, m, conf, ess)
    return results
