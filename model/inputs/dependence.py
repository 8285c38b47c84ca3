"""A scenario's inputs that move together, ready for the sampler.

``build_dependence`` turns the scenario's ``correlations:`` (pairs of parameters with a target
Spearman rank correlation) into a :class:`Dependence` over the design's columns (the uncertain
parameters, in schema order). The sampler applies it to the uniform design *before* the inverse
CDFs (``model.inputs.sampling.unit_to_values(priors, unit, correlation=...)``), so every marginal
stays exactly as the scenario writes it and Monte Carlo, Latin hypercube, Sobol designs and the
SMC particles (which move in the independent unit hypercube) all get the same dependence.

Two methods (``correlation_method:``):

``copula`` (default)
    A Gaussian copula, a map of one point at a time (``model.inputs.correlation.gaussian_copula``):
    the population Spearman matrix is exactly the target.
``iman_conover``
    Iman-Conover rearrangement of each block of the design (seeded from the block's own random
    stream), which keeps each column's stratification exact (LHS, Sobol) and changes only how
    values are paired. It is not a map of single points, so SMC particles move through the
    Gaussian copula with the same target; the block's rearranged points are handed to SMC in
    the copula's independent coordinates (:meth:`Dependence.to_independent`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from scipy import linalg, special

from .correlation import (
    RankPair,
    correlated_columns,
    gaussian_copula,
    iman_conover,
    rank_matrix,
    spearman_to_pearson,
)
from .distributions import ParameterPrior

__all__ = ["CorrelationMethod", "Dependence", "block_seed", "build_dependence", "dependence_of"]

CorrelationMethod = Literal["copula", "iman_conover"]

_TINY = float(np.finfo(float).eps)  # the sampler's clipping of the unit design
_IC_STREAM = 1  # spawn_key (block, 1): the block's Iman-Conover stream, apart from its design stream


def block_seed(seed: int, block: int) -> int:
    """The Iman-Conover seed of one block: drawn from the block's stream ``SeedSequence(seed,
    spawn_key=(block, 1))``, so it depends on the scenario seed and the block index alone."""
    state = np.random.SeedSequence(seed, spawn_key=(block, _IC_STREAM)).generate_state(1, np.uint64)
    return int(state[0])


@dataclass(frozen=True, eq=False)
class Dependence:
    """Target rank correlations over the design's columns.

    Attributes
    ----------
    names : tuple of str
        The uncertain parameters, in design-column order.
    matrix : ndarray (d, d)
        Target Spearman matrix (1 on the diagonal, 0 for unstated pairs).
    method : "copula" or "iman_conover"
    pairs : tuple of RankPair
        The stated pairs, as written.
    reasons : tuple of str
        Why each pair moves together ("" when not given), in the order of ``pairs``.
    """

    names: tuple[str, ...]
    matrix: np.ndarray
    method: CorrelationMethod
    pairs: tuple[RankPair, ...]
    reasons: tuple[str, ...]

    @property
    def columns(self) -> np.ndarray:
        """Indices of the design columns in at least one stated pair."""
        return correlated_columns(self.matrix)

    def correlate(self, unit: np.ndarray) -> np.ndarray:
        """The Gaussian copula: independent design points ``(n, d)`` -> correlated ones."""
        return gaussian_copula(unit, self.matrix)

    def rearrange(self, unit: np.ndarray, *, seed: int) -> np.ndarray:
        """Iman-Conover: each correlated column of a block reordered, its values unchanged."""
        if unit.shape[0] <= self.columns.size:  # too few rows to rearrange: fall back to the copula
            return self.correlate(unit)
        return iman_conover(unit, self.matrix, seed=seed)

    def to_independent(self, unit: np.ndarray) -> np.ndarray:
        """The inverse of :meth:`correlate`: correlated design points -> the independent points the
        copula maps onto them (to within rounding), clipped to the open unit cube like the design."""
        u = np.array(unit, dtype=float, copy=True)
        cols = self.columns
        if cols.size == 0:
            return u
        chol = np.linalg.cholesky(spearman_to_pearson(self.matrix[np.ix_(cols, cols)]))
        z = special.ndtri(u[:, cols])
        # the copula maps rows as z' = z L^T, so z = z' L^-T, i.e. solve L z^T = z'^T
        independent = linalg.solve_triangular(chol, z.T, lower=True).T
        u[:, cols] = np.clip(special.ndtr(independent), _TINY, 1.0 - _TINY)
        return u


def build_dependence(correlations: Sequence[Any], method: CorrelationMethod,
                     priors: Sequence[ParameterPrior]) -> Dependence | None:
    """The scenario's correlations over the uncertain priors' design columns; None when none are given.

    ``correlations`` are the scenario's validated entries (``params``, ``rank``, ``reason``).

    Raises
    ------
    ValueError
        A pair names a fixed or unknown parameter, or the pairs cannot hold together (the
        scenario's validation reports both with file and line before a run gets here).
    """
    if not correlations:
        return None
    names = tuple(p.name for p in priors if p.is_uncertain)
    pairs = tuple(RankPair(c.params[0], c.params[1], float(c.rank)) for c in correlations)
    matrix = rank_matrix(names, pairs)
    reasons = tuple((c.reason or "").strip() for c in correlations)
    return Dependence(names, matrix, method, pairs, reasons)


def dependence_of(scenario: Any, priors: Sequence[ParameterPrior]) -> Dependence | None:
    """The scenario's inputs that move together (its ``correlations:``, model.features.correlations)."""
    from ..features.correlations.spec import correlations_of, method_of

    return build_dependence(correlations_of(scenario), method_of(scenario), priors)  # type: ignore[arg-type]
