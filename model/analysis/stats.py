"""Weighted statistics shared by calibration, sensitivity and the summary.

Weights are importance (calibration) weights: non-negative, finite, not necessarily
summing to one.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from ..core.threads import default_threads

__all__ = ["weighted_spearman", "column_percentiles", "quantiles_under", "sort_order", "check_weights", "weighted_quantile",
           "weighted_ranks", "weighted_corr", "effective_sample_size", "normalise_log_weights"]

def _show(value: object) -> str:
    """repr of a value for error messages, numpy scalars shown as plain numbers."""
    return repr(value.item() if isinstance(value, np.generic) else value)


def _require_finite(values: np.ndarray, what: str) -> None:
    bad = ~np.isfinite(values)
    if bad.any():
        raise ValueError(
            f"{what} must be finite, got {int(bad.sum())} non-finite value(s), "
            f"e.g. {_show(values[bad][0])} at index {int(np.flatnonzero(bad)[0])}"
        )



def check_weights(weights: ArrayLike | None, n: int) -> NDArray[np.float64] | None:
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



def effective_sample_size(weights: np.ndarray) -> float:
    """Kish's effective sample size ``(sum w)^2 / sum w^2``: how many equal samples the weights are worth."""
    w = np.asarray(weights, dtype=float)
    total = w.sum()
    return float(total * total / np.sum(w * w)) if total > 0 else 0.0


def normalise_log_weights(log_w: np.ndarray) -> np.ndarray:
    """Weights summing to 1 from log weights, computed stably (no finite weight at all: equal weights)."""
    finite = np.isfinite(log_w)
    if not finite.any():
        return np.full(log_w.shape, 1.0 / log_w.size)
    w = np.exp(log_w - log_w[finite].max())
    w[~finite] = 0.0
    return w / w.sum()


def weighted_ranks(a: np.ndarray, w: np.ndarray | None) -> np.ndarray:
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


def weighted_corr(a: np.ndarray, b: np.ndarray, w: np.ndarray | None) -> np.ndarray:
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



_PACK_CHUNK = 1 << 20  # elements packed at a time (bounds the temporaries of sort_order)


def sort_order(v: np.ndarray) -> np.ndarray:
    """Indices that sort ``v`` (no NaN), ties in index order: ``np.argsort(v, kind="stable")``.

    For float32 values (the per-sample metrics) each value's bits, made sortable as unsigned
    integers, and its index are packed into one uint64 key and the keys sorted: numpy's
    vectorised sort of plain numbers is about twice as fast as an argsort and five times
    as fast as a stable one (measured for 1e7 values: 0.31 s, 0.70 s, 1.81 s). Memory: the
    keys (8 bytes a value), turned into the indices in place.
    """
    v = np.asarray(v)
    n = v.size
    if v.dtype != np.float32 or v.ndim != 1 or n >= 2**32:
        return np.argsort(v, kind="stable")
    keys = np.empty(n, dtype=np.uint64)
    for start in range(0, n, _PACK_CHUNK):
        part = (v[start:start + _PACK_CHUNK] + np.float32(0.0)).view(np.uint32)  # -0.0 ties with 0.0
        # IEEE order as unsigned integers: negatives have all bits flipped, others the sign bit set
        sortable = np.where(part >> 31, ~part, part | np.uint32(0x8000_0000)).astype(np.uint64)
        sortable <<= np.uint64(32)
        sortable |= np.arange(start, start + part.size, dtype=np.uint64)
        keys[start:start + part.size] = sortable
    keys.sort()
    keys &= np.uint64(0xFFFF_FFFF)
    return keys.view(np.int64)


def _weighted_quantile_1d(v: np.ndarray, w: np.ndarray, q: np.ndarray) -> np.ndarray:
    keep = ~np.isnan(v) & (w > 0)
    v, w = v[keep], w[keep]
    if v.size == 0:
        return np.full(q.shape, np.nan)
    if w.min() == w.max():
        # equal weights: p_i = (i + 1/2) / n needs only the sorted values, and a plain sort is
        # an order of magnitude faster than an argsort (measured: 0.05 s against 0.5 s for 1e7)
        v = np.sort(v)
        p = (np.arange(v.size) + 0.5) / v.size
    else:
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
    w = check_weights(weights, n)
    if w is None:
        w = np.ones(n)
    flat = v.reshape(n, -1)
    out = np.stack([_weighted_quantile_1d(flat[:, j], w, qa) for j in range(flat.shape[1])], -1)
    out = out.reshape(qa.shape + v.shape[1:])
    return float(out) if out.ndim == 0 else out

def _hazen_equal(n: int, q: np.ndarray, sorted_at: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """Equal-weight Hazen quantiles of ``n`` sorted values: p_i = (i + 1/2) / n, linear between, ends
    held; ``sorted_at(i)`` gives the sorted values at positions ``i`` (only the few needed are read)."""
    pos = np.clip(q * n - 0.5, 0.0, n - 1.0)
    lo = np.floor(pos).astype(np.int64)
    hi = np.minimum(lo + 1, n - 1)
    frac = pos - lo
    v_lo, v_hi = sorted_at(lo).astype(float), sorted_at(hi).astype(float)
    with np.errstate(invalid="ignore"):
        return np.where(frac > 0, v_lo + frac * (v_hi - v_lo), v_lo)


_CUMULATIVE_CHUNK = 1 << 20  # sorted positions whose cumulative weights are made at once


class _SortedCumulative:
    """The cumulative weights in sorted order, ``C_i = C_{i-1} + w_order[i]``, without an array of n of
    them: one pass keeps each chunk's last sum, and a sum is made again from its chunk's start when
    asked for (the same additions in the same order: the same numbers as one cumulative sum)."""

    def __init__(self, weights: np.ndarray, order: np.ndarray):
        self.weights, self.order, self.n = weights, order, order.size
        self.ends: list[float] = []  # C at each chunk's last position
        carry = 0.0
        for a in range(0, self.n, _CUMULATIVE_CHUNK):
            carry = float(self._chunk(a, carry)[-1])
            self.ends.append(carry)
        self.total = np.float64(carry)
        self._cached: tuple[int, np.ndarray] | None = None

    def _chunk(self, a: int, carry: float) -> np.ndarray:
        part = np.take(self.weights, self.order[a:a + _CUMULATIVE_CHUNK])
        part[0] += carry  # C_a = C_{a-1} + w_a, then on as one cumulative sum
        return np.cumsum(part, out=part)

    def _start(self, i: int) -> float:
        k = i // _CUMULATIVE_CHUNK
        return 0.0 if k == 0 else self.ends[k - 1]

    def _sums(self, i: int) -> tuple[int, np.ndarray]:
        """The first position of ``i``'s chunk and the chunk's cumulative weights."""
        a = i // _CUMULATIVE_CHUNK * _CUMULATIVE_CHUNK
        if self._cached is None or self._cached[0] != a:
            self._cached = (a, self._chunk(a, self._start(i)))
        return self._cached

    def __getitem__(self, i: int) -> np.float64:
        a, sums = self._sums(i)
        return sums[i - a]

    def first_at_least(self, target: float) -> int:
        """``np.searchsorted(C, target)``: the first position whose cumulative weight is ``target`` or more (n if none)."""
        k = bisect.bisect_left(self.ends, target)
        if k == len(self.ends):
            return self.n
        a, sums = self._sums(k * _CUMULATIVE_CHUNK)
        return a + int(np.searchsorted(sums, target))


def _hazen_weighted(values: np.ndarray, order: np.ndarray, weights: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Weighted Hazen quantiles of ``values`` (sorted by ``order``) under ``weights``.

    Zero weights drop out: among the positive ones, p_i = (W_i - w_i / 2) / W = (W_{i-1} + W_i) / (2 W)
    (W_{i-1}: the cumulative weight up to the previous positive one, the same number as the sum just
    before i, as zeros add nothing); each quantile is interpolated between the two positions around it,
    found by one binary search and a look at the neighbours, so no sorted copy of the values, of the
    weights, of the positive ones or of their cumulative sums is made (each would be as long as the samples).
    """
    n = order.size
    cumulative = _SortedCumulative(weights, order)
    total = cumulative.total

    def positive(i: int, step: int) -> int:
        """The first sorted position from ``i`` on (``step`` 1) or back (-1) whose weight is positive;
        n or -1 if there is none (zero weights come in runs: windows of growing length are looked at)."""
        span = 64
        while 0 <= i < n:
            lo, hi = (i, min(i + span, n)) if step > 0 else (max(i - span + 1, 0), i + 1)
            found = np.flatnonzero(weights[order[lo:hi]][::step] > 0)
            if found.size:
                return i + step * int(found[0])
            i, span = (hi if step > 0 else lo - 1), span * 4
        return i

    def position(i: int) -> float:
        return (cumulative[i] + (cumulative[i - 1] if i > 0 else 0.0)) / 2.0

    first, last = positive(0, 1), positive(n - 1, -1)
    out = np.empty(q.shape)
    for k, qk in enumerate(q.ravel()):
        target = qk * total
        j = max(positive(min(cumulative.first_at_least(target), n - 1), 1), first)  # first W_j >= target
        j = min(j, last)
        if position(j) < target:
            j = positive(j + 1, 1)
        if j <= first:
            out.flat[k] = float(values[order[first]])
        elif j >= n:
            out.flat[k] = float(values[order[last]])
        else:
            before = positive(j - 1, -1)
            p0, p1 = position(before), position(j)
            v0, v1 = float(values[order[before]]), float(values[order[j]])
            out.flat[k] = v0 + (target - p0) / (p1 - p0) * (v1 - v0) if p1 > p0 else v1
    return out


def quantiles_under(values: np.ndarray, weight_sets: list[np.ndarray | None], q: ArrayLike) -> list[np.ndarray]:
    """Weighted Hazen quantiles (as :func:`weighted_quantile`) of one column under several
    weightings (None: equal weights), sorting the values once.

    NaN values and zero weights are dropped. Memory beyond the input: one sort index (8 bytes a
    value) and chunks of a million, whatever the sample count (what lets ten million samples be
    summarised in bounded memory: no sorted copy of the values, the weights or their cumulative
    sums is made); equal weights alone need only a plain sort.
    """
    qa = np.asarray(q, dtype=float)
    v = np.asarray(values)
    nan = np.isnan(v)
    if nan.any():
        v = v[~nan]
        weight_sets = [None if w is None else np.asarray(w)[~nan] for w in weight_sets]
    del nan
    if v.size == 0:
        return [np.full(qa.shape, np.nan) for _ in weight_sets]
    unequal = [w is not None and np.asarray(w).min() != np.asarray(w).max() for w in weight_sets]
    # ties in index order (their order moves the weighted positions a little)
    order = sort_order(v) if any(unequal) else None
    v_sorted = np.sort(v) if order is None else None

    def sorted_at(i: np.ndarray) -> np.ndarray:
        return v_sorted[i] if order is None else v[order[i]]  # type: ignore[index]

    out = []
    for w, flat in zip(weight_sets, unequal):
        if not flat:
            positive = w is None or np.asarray(w)[0] > 0
            out.append(_hazen_equal(v.size, qa, sorted_at) if positive else np.full(qa.shape, np.nan))
            continue
        assert order is not None  # unequal weights always sort by index
        out.append(_hazen_weighted(v, order, np.asarray(w, dtype=float), qa))
    return out


def column_percentiles(values: np.ndarray, percentiles: ArrayLike, *, threads: int | None = None) -> np.ndarray:
    """Unweighted percentiles (``np.percentile``, linear) of each column of a (samples, columns)
    array, as a (columns, len(percentiles)) array; the same numbers as one column at a time.

    Each thread copies a column into a buffer of its own and selects in it in place, so memory
    grows by one column a thread, not by the array. For ten million samples of 26 inputs the
    selection is the cost (0.15 s a column; ``run.py sample``): two threads halve it.
    """
    columns = np.asarray(values, dtype=float)
    if columns.ndim != 2:
        raise ValueError(f"values must be (samples, columns), got shape {columns.shape}")
    q = np.asarray(percentiles, dtype=float)
    n, k = columns.shape
    workers = max(1, min(threads or default_threads(), k))
    buffers = [np.empty(n) for _ in range(workers)]
    out = np.empty((k, q.size))

    def one_thread(t: int) -> None:
        for j in range(t, k, workers):  # column j always on thread j % workers: its own buffer
            np.copyto(buffers[t], columns[:, j])
            out[j] = np.percentile(buffers[t], q, overwrite_input=True)

    if workers == 1:
        one_thread(0)
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for _ in pool.map(one_thread, range(workers)):
                pass
    return out


def weighted_spearman(x: np.ndarray, w: np.ndarray | None) -> np.ndarray:
    """(k, k) Spearman rank correlations of the columns of ``x`` under weights ``w`` (None: equal)."""
    r = weighted_ranks(x, w)
    return np.atleast_2d(weighted_corr(r, r, w))
