"""Draw parameter samples: points on the unit hypercube mapped through each inverse CDF.

Samples are produced in fixed blocks of ``BLOCK_SIZE`` so that a run split over any
number of workers or chunks gives the same numbers: block ``b`` draws from a random
stream derived from the scenario seed and ``b`` alone (``SeedSequence(seed,
spawn_key=(b,))``). Plain Monte Carlo and Latin hypercube use that stream directly
(Latin hypercube is stratified within each block); scrambled Sobol uses one
scrambling for the whole run and fast-forwards to the block's first point.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np
from scipy import special
from scipy.interpolate import CubicSpline
from scipy.stats import qmc

from .distributions import ParameterPrior

__all__ = ["BLOCK_SIZE", "SampleSet", "unit_block", "unit_to_values", "uncertain_count", "sample_block", "sample_parameters", "block_ranges", "inverse_cdf"]

BLOCK_SIZE = 65_536
Method = Literal["mc", "lhs", "sobol"]
_SOBOL_STREAM = 2**31 - 1  # spawn key reserved for the Sobol scrambling


@dataclass(frozen=True)
class SampleSet:
    """Parameter samples: ``values[i, j]`` is sample i of parameter ``names[j]`` (canonical units)."""

    names: list[str]
    values: np.ndarray

    def column(self, name: str) -> np.ndarray:
        return self.values[:, self.names.index(name)]

    def as_dict(self) -> dict[str, np.ndarray]:
        return {name: self.values[:, j] for j, name in enumerate(self.names)}

    def __len__(self) -> int:
        return self.values.shape[0]


def block_ranges(n: int) -> list[tuple[int, int, int]]:
    """``(block_index, start, stop)`` for each block of an ``n``-sample run."""
    return [(b, s, min(s + BLOCK_SIZE, n)) for b, s in enumerate(range(0, n, BLOCK_SIZE))]


def unit_block(d: int, block: int, size: int, *, method: Method, seed: int) -> np.ndarray:
    """``(size, d)`` points in the open unit hypercube for one block."""
    if d == 0:
        return np.empty((size, 0))
    if method == "mc":
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(block,)))
        u = rng.random((size, d))
    elif method == "lhs":
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(block,)))
        u = qmc.LatinHypercube(d, rng=rng).random(size)
    elif method == "sobol":
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(_SOBOL_STREAM,)))
        engine = qmc.Sobol(d, scramble=True, rng=rng)
        if block:
            engine.fast_forward(block * BLOCK_SIZE)
        with warnings.catch_warnings():
            # balance properties need powers of two; a block is one unless it is the last
            warnings.simplefilter("ignore", UserWarning)
            u = engine.random(size)
    else:
        raise ValueError(f"unknown sampling method {method!r}; use 'mc', 'lhs' or 'sobol'")
    # ppf(0) and ppf(1) are infinite for unbounded distributions
    tiny = np.finfo(float).eps
    return np.clip(u, tiny, 1 - tiny)


# Inverse CDFs that scipy computes slowly (beta for PERT, truncated normal: ~2 µs a value)
# are tabulated once per distribution: a cubic spline through 65,537 exact values between
# the 0.1 % and 99.9 % quantiles (largest error ~1e-9 of the 90 % width, measured), with
# the tails beyond computed exactly. This is what lets a million samples of twenty
# parameters be drawn in well under a second.
_TABLED = {"beta", "truncnorm"}
_TABLE_KNOTS = 65_537
_TABLE_TAIL = 1e-3


class _InverseCdfTable:
    def __init__(self, dist: object):
        grid = np.linspace(_TABLE_TAIL, 1 - _TABLE_TAIL, _TABLE_KNOTS)
        self.step = grid[1] - grid[0]
        self.coef = CubicSpline(grid, dist.ppf(grid)).c  # type: ignore[attr-defined]
        self.dist = dist

    def __call__(self, u: np.ndarray) -> np.ndarray:
        pos = (u - _TABLE_TAIL) / self.step
        i = np.clip(pos.astype(np.int64), 0, _TABLE_KNOTS - 2)
        t = (pos - i) * self.step
        c = self.coef
        out = ((c[0, i] * t + c[1, i]) * t + c[2, i]) * t + c[3, i]
        tail = (u < _TABLE_TAIL) | (u > 1 - _TABLE_TAIL)
        out[tail] = self.dist.ppf(u[tail])  # type: ignore[attr-defined]
        return out


@lru_cache(maxsize=64)
def _table(name: str, args: tuple, kwds: tuple) -> _InverseCdfTable:
    from scipy import stats

    return _InverseCdfTable(getattr(stats, name)(*args, **dict(kwds)))


def inverse_cdf(dist: object, u: np.ndarray) -> np.ndarray:
    """``dist.ppf(u)`` for a frozen scipy distribution: closed forms for the common families
    (skipping scipy's per-call argument handling), a table where scipy is slow."""
    family = getattr(dist, "dist", None)
    name = getattr(family, "name", None)
    if name in _TABLED:
        return _table(name, tuple(float(a) for a in dist.args),  # type: ignore[attr-defined]
                      tuple(sorted((k, float(v)) for k, v in dist.kwds.items())))(u)  # type: ignore[attr-defined]
    if name in ("lognorm", "norm", "uniform"):
        shapes, loc, scale = family._parse_args(*dist.args, **dist.kwds)  # type: ignore[union-attr, attr-defined]
        if name == "lognorm":
            return loc + scale * np.exp(shapes[0] * special.ndtri(u))
        if name == "norm":
            return loc + scale * special.ndtri(u)
        return loc + scale * u
    return dist.ppf(u)  # type: ignore[attr-defined]


def uncertain_count(priors: Sequence[ParameterPrior]) -> int:
    """How many of the priors are uncertain: the dimension of the unit hypercube design."""
    return sum(1 for p in priors if p.is_uncertain)


def unit_to_values(priors: Sequence[ParameterPrior], unit: np.ndarray) -> np.ndarray:
    """``(size, len(priors))`` parameter values from ``(size, d)`` design points, one column per
    uncertain prior in order, fixed parameters filled in.

    The array is a transposed view of a parameter-major array, so each parameter's column is
    contiguous (what the model reads).
    """
    u = np.ascontiguousarray(np.asarray(unit, dtype=float).T)
    out = np.empty((len(priors), u.shape[1]))
    k = 0
    for j, prior in enumerate(priors):
        if prior.is_uncertain:
            out[j] = inverse_cdf(prior.dist, u[k])
            k += 1
        else:
            out[j] = prior.fixed_value
    return out.T


def sample_block(
    priors: Sequence[ParameterPrior], block: int, size: int, *, method: Method, seed: int
) -> np.ndarray:
    """``(size, len(priors))`` parameter values for one block, fixed parameters included."""
    return unit_to_values(priors, unit_block(uncertain_count(priors), block, size, method=method, seed=seed))


def sample_parameters(
    priors: Sequence[ParameterPrior], n: int, *, method: Method, seed: int
) -> SampleSet:
    """``n`` samples of every parameter; the same seed always gives the same array."""
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    values = np.empty((len(priors), n))
    for block, start, stop in block_ranges(n):
        values[:, start:stop] = sample_block(priors, block, stop - start, method=method, seed=seed).T
    return SampleSet([p.name for p in priors], values.T)
