"""Scenario discovery's result types and the checks of its data, shared by PRIM and the tree.

- `Box` (one PRIM box), `PrimResult` (the peeling trajectory and the chosen box), `Rule`
  (one tree leaf), and ``Limits``, the ranges they hold;
- ``_check_data`` (shapes, finiteness, 0/1 outcome, names, weights) and ``_is_degenerate``
  (no weighted future has the outcome, or every one does).

The terms (share, support, density, coverage) are defined in `model.features.discovery.methods`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["Box", "Limits", "PrimResult", "Rule"]

Limits = dict[str, tuple[float | None, float | None]]


# Relative slack when comparing shares that are equal in exact arithmetic but
# were reached by different sums (so may differ in the last bits).
_EPS = 1e-12


@dataclass(frozen=True)
class Box:
    """One PRIM box: ``low <= x[name] <= high`` for every restricted input.

    Attributes
    ----------
    limits : dict of str to (low, high)
        Only restricted inputs appear, in input order. Limits are inclusive, in
        the input's own units, and are values of the sample; ``None`` means no
        limit on that side.
    coverage, density, support : float
        Weighted shares in [0, 1], see `model.features.discovery.methods`. The whole space
        has coverage 1 by convention even when no future has y.
    """

    limits: Limits
    coverage: float
    density: float
    support: float

    @property
    def n_restricted(self) -> int:
        """Number of inputs the box restricts."""
        return len(self.limits)


@dataclass(frozen=True)
class PrimResult:
    """The outcome of `prim`.

    Attributes
    ----------
    boxes : tuple of Box
        The peeling trajectory; ``boxes[0]`` is the whole space. When pasting
        or pruning was asked for, ``boxes[chosen]`` is the peeled box after them.
    chosen : int
        Index of the chosen box in `boxes`.
    share : float
        Weighted share of futures with y (the density of the whole space).
    """

    boxes: tuple[Box, ...]
    chosen: int
    share: float

    @property
    def box(self) -> Box:
        """The chosen box, ``boxes[chosen]``."""
        return self.boxes[self.chosen]


@dataclass(frozen=True)
class Rule:
    """One leaf of the classification tree: ``low < x[name] <= high``.

    Attributes
    ----------
    limits : dict of str to (low, high)
        Only restricted inputs appear, in input order. ``low`` is exclusive and
        ``high`` inclusive, as in the tree's splits; thresholds lie halfway
        between sample values; ``None`` means no limit on that side.
    density : float
        Weighted share of futures with y among those in the leaf.
    support : float
        Weighted share of all futures that fall in the leaf.
    predicts : bool
        Whether the leaf's weighted majority has y (``density > 0.5``).
    """

    limits: Limits
    density: float
    support: float
    predicts: bool




def _check_data(
    x: ArrayLike, y: ArrayLike, names: Sequence[str], weights: ArrayLike | None
) -> tuple[NDArray[np.float64], NDArray[np.bool_], NDArray[np.float64], tuple[str, ...]]:
    xa = np.asarray(x, dtype=float)
    if xa.ndim != 2 or xa.shape[0] == 0 or xa.shape[1] == 0:
        raise ValueError(f"x must be a non-empty 2-D array (n, d), got shape {xa.shape}")
    if not np.all(np.isfinite(xa)):
        raise ValueError("x holds NaN or infinite values")
    n, d = xa.shape
    ya = np.asarray(y)
    if ya.shape != (n,):
        raise ValueError(f"y must have shape ({n},), got {ya.shape}")
    if ya.dtype != np.bool_:
        if not np.all((ya == 0) | (ya == 1)):
            raise ValueError("y must be boolean (or 0/1)")
        ya = ya.astype(bool)
    if isinstance(names, str):
        raise TypeError("names must be a sequence of input names, not one string")
    name_tuple = tuple(names)
    if len(name_tuple) != d:
        raise ValueError(f"names has {len(name_tuple)} entries, x has {d} columns")
    if len(set(name_tuple)) != d or not all(isinstance(s, str) for s in name_tuple):
        raise ValueError("names must be distinct strings")
    if weights is None:
        wa = np.ones(n)
    else:
        wa = np.asarray(weights, dtype=float)
        if wa.shape != (n,):
            raise ValueError(f"weights must have shape ({n},), got {wa.shape}")
        if not np.all(np.isfinite(wa)) or np.any(wa < 0):
            raise ValueError("weights must be finite and non-negative")
        if not wa.sum() > 0:
            raise ValueError("weights sum to zero: no future carries any weight")
    return xa, ya, wa, name_tuple


def _is_degenerate(y: NDArray[np.bool_], w: NDArray[np.float64]) -> bool:
    # Exact test on the futures that carry weight, not a float comparison of sums.
    carried = y[w > 0]
    return bool(carried.all() or not carried.any())
