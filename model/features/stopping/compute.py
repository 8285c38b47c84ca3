"""Enough samples, decided for you: draw blocks until the chosen quantiles are known well enough.

``samples: auto`` draws the scenario's fixed blocks of samples (``BLOCK_SIZE``, each seeded
from the seed and its index) in order and, at fixed checkpoints, asks whether every chosen
quantile of every chosen metric is known to within the tolerance. It stops at the first
checkpoint where it is, or at the maximum. The decision reads only whole blocks, in block order,
at checkpoints that depend on nothing but the block size and the maximum (1, 2, 3, 4, 6, 8, 12,
16, 24 ... blocks: powers of two and one and a half times them), never on wall time or on which
worker finished first, so the same seed gives the same stopping point whatever the workers.

Precision of a quantile. For the p-quantile of futures with weights ``w`` (Kish effective
sample size ``n_eff = (sum w)^2 / sum w^2``), the distribution-free confidence interval at
level ``c`` is the interval between the weighted quantiles at ``p -+ z sqrt(p (1 - p) / n_eff)``,
``z = Phi^-1((1 + c) / 2)`` (with equal weights: the order-statistics interval). Its half-width
divided by the metric's 90 % width (p95 - p5) is the *relative precision*; the target holds when
every one is at most the tolerance. The weights are those calibration by importance weighting
gives the futures drawn so far (equal weights when the scenario has no observations): the
calibrated numbers' own sampling error when the calibration is importance weighting (always
above 65,536 samples), an approximation of it when SMC moves the particles afterwards.

A metric value that is NaN (the event did not happen within the window) counts as +inf, as
in the summary: a quantile whose interval lies wholly beyond the window is known exactly; the
90 % width is then taken over the values within the window.

Numbers only; the words are in ``model.presentation.words``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from scipy import special

from ...analysis.stats import normalise_log_weights
from ...core.catalogue import applies

if TYPE_CHECKING:
    from ...inputs.schema import Scenario

__all__ = ["PrecisionCheck", "PrecisionTarget", "Stopping", "checkpoints", "draw_until_precise", "precision_target",
           "quantile_intervals", "relative_precision"]

StopReason = Literal["target_met", "max_samples"]


@dataclass(frozen=True)
class PrecisionTarget:
    """What ``samples: auto`` aims for (from the scenario's ``precision:`` section)."""

    metrics: tuple[str, ...]
    quantiles: tuple[float, ...] = (0.05, 0.5, 0.95)
    tolerance: float = 0.01
    confidence: float = 0.95
    max_samples: int = 1_048_576


def precision_target(scenario: Scenario, *, has_cutoff: bool) -> PrecisionTarget:
    """The scenario's ``precision:`` section as a target; its metrics default to the sensitivity
    metrics (those that mean something in this run: cut-off metrics need a cut-off)."""
    from .spec import precision_of

    p = precision_of(scenario)
    chosen = p.metrics if p.metrics is not None else scenario.sensitivity.metrics
    metrics = tuple(m for m in dict.fromkeys(chosen) if applies(m, has_cutoff=has_cutoff))
    return PrecisionTarget(metrics, tuple(p.quantiles), p.tolerance, p.confidence, p.max_samples)


@dataclass(frozen=True)
class PrecisionCheck:
    """The precision at one checkpoint.

    ``precision[metric][k]`` is the relative precision of quantile ``k`` (half-width of its
    confidence interval / the metric's 90 % width); ``estimates[metric][k]`` is
    ``(quantile, interval low, interval high)`` in the metric's units (inf: beyond the window).
    """

    samples: int
    effective_samples: float
    precision: dict[str, tuple[float, ...]]
    estimates: dict[str, tuple[tuple[float, float, float], ...]]
    met: bool

    def worst(self, metric: str) -> float:
        """The largest relative precision over the metric's quantiles."""
        return max(self.precision[metric])


@dataclass(frozen=True)
class Stopping:
    """How ``samples: auto`` ended: ``samples`` drawn, the ``reason`` and every checkpoint's precision."""

    samples: int
    reason: StopReason
    target: PrecisionTarget
    weighted: bool  # assessed on calibration weights (the scenario has observations)
    checks: tuple[PrecisionCheck, ...]

    @property
    def final(self) -> PrecisionCheck:
        return self.checks[-1]


def checkpoints(max_samples: int, block_size: int) -> list[int]:
    """Sample counts at which ``samples: auto`` checks the precision: 1, 2, 3, 4, 6, 8, 12, ...
    blocks (powers of two and 1.5 times them), then ``max_samples`` itself."""
    if max_samples < 1 or block_size < 1:
        raise ValueError("max_samples and block_size must be positive")
    counts: list[int] = []
    power = 1
    while True:
        for blocks in (power, power + power // 2) if power >= 2 else (power,):
            n = blocks * block_size
            if n >= max_samples:
                return counts + [max_samples]
            if not counts or n > counts[-1]:
                counts.append(n)
        power *= 2


def _sorted(values: np.ndarray, weights: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Values (NaN as +inf) sorted, with their Hazen plotting positions (zero weights dropped)."""
    v = np.where(np.isnan(values), np.inf, values.astype(float))
    if weights is None:
        v = np.sort(v)
        return v, (np.arange(v.size) + 0.5) / v.size
    keep = weights > 0
    v, w = v[keep], weights[keep]
    order = np.argsort(v, kind="stable")
    v, w = v[order], w[order]
    cw = np.cumsum(w)
    return v, (cw - 0.5 * w) / cw[-1]


def _quantile(v: np.ndarray, p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Interpolated quantiles at probabilities ``q``; +inf where an end of the step is +inf."""
    i = np.clip(np.searchsorted(p, q, side="right") - 1, 0, v.size - 1)
    j = np.minimum(i + 1, v.size - 1)
    lo, hi = v[i], v[j]
    with np.errstate(invalid="ignore"):
        t = np.where(p[j] > p[i], (q - p[i]) / np.where(p[j] > p[i], p[j] - p[i], 1.0), 0.0)
        t = np.clip(t, 0.0, 1.0)
        inside = np.where(np.isfinite(lo) & np.isfinite(hi), lo + t * (hi - lo), np.where(t > 0, hi, lo))
    out = np.where(q <= p[0], v[0], np.where(q >= p[-1], v[-1], inside))
    return np.asarray(out, dtype=float)


def quantile_intervals(values: np.ndarray, weights: np.ndarray | None, quantiles: Sequence[float],
                       confidence: float) -> tuple[np.ndarray, float]:
    """``(k, 3)`` array of (quantile, interval low, interval high) for each of ``quantiles``, and
    the 90 % width (p95 - p5, over values within the window when p95 is beyond it)."""
    values = np.asarray(values)
    w = None if weights is None else np.asarray(weights, dtype=float)
    if w is not None and w.min() == w.max():
        w = None
    v, p = _sorted(values, w)
    n_eff = float(v.size) if w is None else float(w.sum() ** 2 / np.dot(w, w))
    z = float(special.ndtri(0.5 + confidence / 2))
    q = np.asarray(quantiles, dtype=float)
    delta = z * np.sqrt(q * (1 - q) / max(n_eff, 1.0))
    est = _quantile(v, p, q)
    low = _quantile(v, p, np.clip(q - delta, 0.0, 1.0))
    high = _quantile(v, p, np.clip(q + delta, 0.0, 1.0))
    p5, p95 = _quantile(v, p, np.array([0.05, 0.95]))
    width = float(p95 - p5)
    if not math.isfinite(width):
        finite = np.isfinite(v)
        if finite.sum() >= 2:
            f5, f95 = _quantile(v[finite], (np.arange(finite.sum()) + 0.5) / finite.sum(), np.array([0.05, 0.95]))
            width = float(f95 - f5)
        else:
            width = 0.0
    return np.column_stack([est, low, high]), width


def relative_precision(intervals: np.ndarray, width: float) -> np.ndarray:
    """Half-width of each interval over the 90 % width: 0 for an interval wholly beyond the window,
    inf for one with only its upper end beyond it (or a positive half-width over a zero width)."""
    low, high = intervals[:, 1], intervals[:, 2]
    beyond = np.isinf(low) & np.isinf(high)
    with np.errstate(invalid="ignore"):
        half = np.where(beyond, 0.0, (high - low) / 2)
    if width > 0:
        return np.asarray(half / width, dtype=float)
    return np.where(half > 0, np.inf, 0.0)


def _check(samples: int, metrics: Mapping[str, np.ndarray], log_likelihood: np.ndarray | None,
           target: PrecisionTarget) -> PrecisionCheck:
    weights = None if log_likelihood is None else normalise_log_weights(np.asarray(log_likelihood, dtype=float))
    n_eff = float(samples) if weights is None else float(weights.sum() ** 2 / np.dot(weights, weights))
    precision: dict[str, tuple[float, ...]] = {}
    estimates: dict[str, tuple[tuple[float, float, float], ...]] = {}
    for m in target.metrics:
        intervals, width = quantile_intervals(metrics[m], weights, target.quantiles, target.confidence)
        rel = relative_precision(intervals, width)
        precision[m] = tuple(float(r) for r in rel)
        estimates[m] = tuple((float(a), float(b), float(c)) for a, b, c in intervals)
    met = all(r <= target.tolerance for rs in precision.values() for r in rs)
    return PrecisionCheck(samples, n_eff, precision, estimates, met)


def draw_until_precise(
    block_sizes: Sequence[int],
    run_blocks: Callable[[Sequence[int]], Sequence[Any]],
    *,
    target: PrecisionTarget,
    metrics_of: Callable[[Any], Mapping[str, np.ndarray]],
    log_likelihood_of: Callable[[Any], np.ndarray] | None = None,
    on_blocks: Callable[[int], None] | None = None,
) -> tuple[list[Any], Stopping]:
    """Evaluate blocks in order, checkpoint by checkpoint, until the target holds or the maximum is reached.

    Parameters
    ----------
    block_sizes
        Sizes of the blocks of a ``target.max_samples`` run, in order (all but the last full).
    run_blocks
        Evaluates the blocks with the given indices (one checkpoint's worth, in order) and returns
        their results in that order; may run them in parallel.
    metrics_of
        A block result's metric values, one array per metric (at least ``target.metrics``).
    log_likelihood_of
        A block result's per-sample calibration log-likelihood; None: equal weights.
    on_blocks
        Called with the number of samples drawn after each checkpoint (progress).

    Returns
    -------
    (results, stopping)
        The block results up to the stopping checkpoint, in order, and how it ended.
    """
    total = sum(block_sizes)
    if total != target.max_samples:
        raise ValueError(f"blocks hold {total} samples, the target's maximum is {target.max_samples}")
    size = block_sizes[0]
    starts = np.concatenate([[0], np.cumsum(block_sizes)])
    results: list[Any] = []
    parts: dict[str, list[np.ndarray]] = {m: [] for m in target.metrics}
    logliks: list[np.ndarray] = []
    checks: list[PrecisionCheck] = []
    for stop in checkpoints(target.max_samples, size):
        todo = [b for b in range(len(results), len(block_sizes)) if starts[b] < stop]
        outs = list(run_blocks(todo))
        if len(outs) != len(todo):
            raise RuntimeError(f"run_blocks returned {len(outs)} results for {len(todo)} blocks")
        for out in outs:
            values = metrics_of(out)
            for m in target.metrics:
                parts[m].append(np.asarray(values[m]))
            if log_likelihood_of is not None:
                logliks.append(np.asarray(log_likelihood_of(out), dtype=float))
        results.extend(outs)
        drawn = int(starts[len(results)])
        if on_blocks is not None:
            on_blocks(drawn)
        metrics = {m: np.concatenate(parts[m]) for m in target.metrics}
        check = _check(drawn, metrics, np.concatenate(logliks) if logliks else None, target)
        checks.append(check)
        if check.met or drawn >= target.max_samples:
            reason: StopReason = "target_met" if check.met else "max_samples"
            return results, Stopping(drawn, reason, target, log_likelihood_of is not None, tuple(checks))
    raise AssertionError("the last checkpoint is the maximum")  # pragma: no cover
