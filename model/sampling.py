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
from dataclasses import dataclass
from typing import Literal, Sequence

import numpy as np
from scipy.stats import qmc

from .distributions import ParameterPrior

__all__ = ["BLOCK_SIZE", "SampleSet", "unit_block", "sample_block", "sample_parameters", "block_ranges"]

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


def sample_block(
    priors: Sequence[ParameterPrior], block: int, size: int, *, method: Method, seed: int
) -> np.ndarray:
    """``(size, len(priors))`` parameter values for one block, fixed parameters included."""
    uncertain = [p for p in priors if p.is_uncertain]
    u = unit_block(len(uncertain), block, size, method=method, seed=seed)
    out = np.empty((size, len(priors)))
    k = 0
    for j, prior in enumerate(priors):
        if prior.is_uncertain:
            out[:, j] = prior.dist.ppf(u[:, k])  # type: ignore[attr-defined]
            k += 1
        else:
            out[:, j] = prior.fixed_value
    return out


def sample_parameters(
    priors: Sequence[ParameterPrior], n: int, *, method: Method, seed: int
) -> SampleSet:
    """``n`` samples of every parameter; the same seed always gives the same array."""
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    values = np.empty((n, len(priors)))
    for block, start, stop in block_ranges(n):
        values[start:stop] = sample_block(priors, block, stop - start, method=method, seed=seed)
    return SampleSet([p.name for p in priors], values)
