"""Scenario discovery: which combinations of inputs lead to an outcome?

Given the sampled inputs of a Monte Carlo run, ``x`` (n futures by d inputs),
and a boolean outcome per future, ``y`` (for example from
`model.inputs.conditions.evaluate_condition`), these functions describe the
region of input space where the outcome happens as simple, readable ranges of
the inputs. Every future may carry a non-negative weight (calibration or
importance weights); all shares below are then weighted shares.

This module returns numbers only: no text, printing or plotting.

Functions
---------
prim
    Weighted Patient Rule Induction Method (Friedman & Fisher 1999): a
    trajectory of ever smaller, ever denser boxes; one is chosen by a
    one-standard-error rule on density among boxes with coverage >= 0.5,
    then pasted and pruned of limits that do not matter.
tree_rules
    The leaves of a shallow weighted classification tree as rules.

Terms (all weighted; "mass" is a sum of weights)
-------------------------------------------------
share
    Mass of futures with y, divided by the total mass: the base rate.
support
    Mass inside a box / total mass.
density
    Mass of futures with y inside a box / mass inside the box.
coverage
    Mass of futures with y inside a box / mass of futures with y.

References
----------
Friedman, J. H. and Fisher, N. I. (1999). Bump hunting in high-dimensional
data. Statistics and Computing 9, 123-143.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["PRUNE_SE", "Box", "PrimResult", "Rule", "prim", "tree_rules"]

Limits = dict[str, tuple[float | None, float | None]]

#: Pruning keeps a limit of the chosen box only if dropping it would lower
#: the box's density by more than this many standard errors (about a one-sided
#: 2 % test). Late peels are the best of 2d candidates, so their apparent
#: gains are biased upwards: with one SE, noise limits survived in 9 of 60
#: runs of the tilted-weights test problem (n = 4000, d = 5), with two in none.
PRUNE_SE = 2.0

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
        Weighted shares in [0, 1], see the module docstring. The whole space
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


# --------------------------------------------------------------------------- checks


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


def _limits(
    lo: NDArray[np.float64],
    hi: NDArray[np.float64],
    gmin: NDArray[np.float64],
    gmax: NDArray[np.float64],
    names: tuple[str, ...],
) -> Limits:
    # A side counts as restricted only if it excludes some sampled future.
    out: Limits = {}
    for j, name in enumerate(names):
        low = float(lo[j]) if lo[j] > gmin[j] else None
        high = float(hi[j]) if hi[j] < gmax[j] else None
        if low is not None or high is not None:
            out[name] = (low, high)
    return out


# --------------------------------------------------------------------------- PRIM


def prim(
    x: ArrayLike,
    y: ArrayLike,
    *,
    names: Sequence[str],
    weights: ArrayLike | None = None,
    alpha: float = 0.05,
    min_support: float = 0.05,
    paste: bool = True,
    prune: bool = True,
    min_coverage: float = 0.5,
    choose: int | None = None,
) -> PrimResult:
    """Weighted PRIM: peel the input space down to boxes dense in y.

    Peeling: at each step, for each input and each side, the candidate removes
    the points of the box below the weighted `alpha`-quantile of that input
    (above the ``1 - alpha`` quantile for the upper side). Where ties make that
    slice empty, the whole block of points at the extreme value is removed
    instead, so discrete inputs are peeled one value at a time and an input
    that is constant within the box is never peeled. The candidate giving the
    highest weighted density is taken (even if below the current density, as in
    Friedman & Fisher; ties go to the larger box). Peeling stops when every
    candidate would leave a box with support below `min_support`, or when the
    box holds only futures with y.

    Default choice (a one-standard-error rule): among boxes with coverage >=
    `min_coverage`, find the highest density ``D*``; choose the first, i.e.
    largest, of those boxes whose density is at least ``D* - SE``, where
    ``SE = sqrt(D* (1 - D*) / n_eff)`` and ``n_eff = (sum w)^2 / sum w^2`` over
    the densest box. Pass `choose` to take another index of the trajectory
    instead; the peeling does not depend on it, so a second call returns the
    same trajectory.

    Pasting (if `paste`): the chosen box is extended back, one `alpha` slice at
    a time, on the side and input whose slice gives the highest density, for
    as long as the density does not fall.

    Pruning (if `prune`, after pasting): one side of one input at a time, the
    limit whose removal costs least is dropped while the density stays within
    `PRUNE_SE` (2) standard errors of the pasted box's. This removes limits on
    inputs that do not matter, which late peels pick up from label noise.

    ``boxes[chosen]`` is the box after pasting and pruning; the other boxes are
    as peeled.

    Parameters
    ----------
    x : array (n, d)
        Inputs, each in its own units. Finite.
    y : array (n,) of bool
        Whether the outcome happens in each future.
    names : sequence of str, length d
        Input names, used as keys of the limits.
    weights : array (n,), optional
        Non-negative weights of the futures; equal weights when omitted.
    alpha : float
        Weighted share of the box removed by one peel, in (0, 0.5].
    min_support : float
        Smallest support a box may have, in (0, 1].
    paste : bool
        Whether to paste the chosen box.
    prune : bool
        Whether to drop the chosen box's limits that do not raise its density
        significantly.
    min_coverage : float
        Coverage a box needs to be the default choice, in [0, 1].
    choose : int, optional
        Index into the trajectory (negative counts from the end) to use
        instead of the default choice.

    Returns
    -------
    PrimResult
        When no weighted future has y, or every one does, the trajectory is the
        whole space alone, with share 0 or 1.

    Raises
    ------
    ValueError
        Bad shapes, non-finite inputs, negative weights or zero total weight,
        parameters out of range, `choose` outside the trajectory.
    """
    xa, ya, w, name_tuple = _check_data(x, y, names, weights)
    if not 0 < alpha <= 0.5:
        raise ValueError(f"alpha must be in (0, 0.5], got {alpha}")
    if not 0 < min_support <= 1:
        raise ValueError(f"min_support must be in (0, 1], got {min_support}")
    if not 0 <= min_coverage <= 1:
        raise ValueError(f"min_coverage must be in [0, 1], got {min_coverage}")
    n, d = xa.shape
    wy = np.where(ya, w, 0.0)
    total_w, total_y = float(w.sum()), float(wy.sum())
    share = total_y / total_w
    gmin, gmax = xa.min(axis=0), xa.max(axis=0)
    if _is_degenerate(ya, w):
        only = Box(limits={}, coverage=1.0, density=share, support=1.0)
        return PrimResult(boxes=(only,), chosen=_pick(1, choose, 0), share=share)

    lo = np.full(d, -np.inf)
    hi = np.full(d, np.inf)
    # order[j] lists the points inside the box sorted by input j, xs[j] their
    # values of input j and ws[j] their weights. Sorting once and compressing
    # after each peel keeps every step O(n d) with no re-sorting.
    order = np.argsort(xa, axis=0, kind="stable").T.copy()
    xs = np.take_along_axis(xa.T, order, axis=1)
    ws = w[order]
    box_w, box_y = total_w, total_y
    box_w2 = float(np.dot(w, w))
    trajectory = [(lo.copy(), hi.copy(), box_w, box_y, box_w2)]
    while True:
        inside = order[0]
        if box_y <= 0 or not np.any(~ya[inside] & (w[inside] > 0)):
            break  # pure (or empty of y): no peel can raise the density
        m = order.shape[1]
        target = alpha * box_w
        # A peel only looks at about an alpha share of each row from either
        # end, so cumulative masses are taken over that much (a row whose
        # heavy weights need more gets its full cumulative sum below).
        span = min(m, 2 * int(np.ceil(alpha * m)) + 8)
        head = np.cumsum(ws[:, :span], axis=1)
        tail = np.cumsum(ws[:, : m - span - 1 if m > span else None : -1], axis=1)
        # Candidates in the order (input 0 low, input 0 high, input 1 low, ...):
        # how many points each removes, and their mass and y-mass.
        count = np.zeros(2 * d, dtype=np.int64)
        rem_w = np.zeros(2 * d)
        rem_y = np.zeros(2 * d)
        for j in range(d):
            row = xs[j]
            if row[0] == row[-1]:
                continue  # constant inside the box: there is nothing to peel
            # Lower side: drop the values below q, the weighted alpha-quantile
            # (the first value at which the cumulative mass reaches the target).
            cum = head[j] if head[j, -1] >= target else np.cumsum(ws[j])
            q = row[min(int(np.searchsorted(cum, target, "left")), m - 1)]
            k = int(np.searchsorted(row, q, "left"))
            if k == 0:  # ties at the minimum carry that much mass: drop their block
                k = int(np.searchsorted(row, row[0], "right"))
            count[2 * j] = k
            rem_w[2 * j] = ws[j, :k].sum()
            rem_y[2 * j] = wy[order[j, :k]].sum()
            # Upper side: drop the values above q, the last value with at least
            # the target mass at or above it.
            cum = tail[j] if tail[j, -1] >= target else np.cumsum(ws[j, ::-1])
            q = row[m - 1 - min(int(np.searchsorted(cum, target, "left")), m - 1)]
            kept = int(np.searchsorted(row, q, "right"))
            if kept == m:  # ties at the maximum: drop their block
                kept = int(np.searchsorted(row, row[-1], "left"))
            count[2 * j + 1] = m - kept
            rem_w[2 * j + 1] = ws[j, kept:].sum()
            rem_y[2 * j + 1] = wy[order[j, kept:]].sum()

        new_w = box_w - rem_w
        ok = (count > 0) & (new_w >= (min_support - _EPS) * total_w) & (new_w > 0)
        if not ok.any():
            break
        with np.errstate(divide="ignore", invalid="ignore"):
            density = np.where(ok, (box_y - rem_y) / new_w, -np.inf)
        # Highest density; among equal densities the larger box, then the first.
        best = int(np.lexsort((np.arange(2 * d), -new_w, -density))[0])
        j, upper = divmod(best, 2)
        removed = np.zeros(n, dtype=bool)
        if upper:
            kept = m - int(count[best])
            removed[order[j, kept:]] = True
            hi[j] = xs[j, kept - 1]
        else:
            k = int(count[best])
            removed[order[j, :k]] = True
            lo[j] = xs[j, k]
        keep = ~removed[order]
        order = order[keep].reshape(d, -1)
        xs = xs[keep].reshape(d, -1)
        ws = ws[keep].reshape(d, -1)
        # Recompute the masses from the points rather than by subtraction, so
        # rounding does not build up along the trajectory.
        inside = order[0]
        box_w, box_y = float(w[inside].sum()), float(wy[inside].sum())
        box_w2 = float(np.dot(w[inside], w[inside]))
        trajectory.append((lo.copy(), hi.copy(), box_w, box_y, box_w2))

    boxes = [
        Box(
            limits=_limits(blo, bhi, gmin, gmax, name_tuple),
            coverage=by / total_y,
            density=by / bw,
            support=bw / total_w,
        )
        for blo, bhi, bw, by, _ in trajectory
    ]
    chosen = _pick(len(boxes), choose, _default_box(boxes, trajectory, min_coverage))
    if paste or prune:
        clo, chi = trajectory[chosen][0].copy(), trajectory[chosen][1].copy()
        if paste:
            clo, chi = _paste(xa, w, wy, clo, chi, alpha, gmin, gmax)
        if prune:
            clo, chi = _prune(xa, w, wy, clo, chi)
        inside = np.all((xa >= clo) & (xa <= chi), axis=1)
        bw, by = float(w[inside].sum()), float(wy[inside].sum())
        boxes[chosen] = Box(
            limits=_limits(clo, chi, gmin, gmax, name_tuple),
            coverage=by / total_y,
            density=by / bw,
            support=bw / total_w,
        )
    return PrimResult(boxes=tuple(boxes), chosen=chosen, share=share)


def _default_box(
    boxes: Sequence[Box],
    trajectory: Sequence[tuple[object, object, float, float, float]],
    min_coverage: float,
) -> int:
    """Index of the default box: the one-standard-error rule on density.

    Among boxes with coverage >= `min_coverage`, take the densest, ``D*``; then
    return the first (largest) of them whose density is at least
    ``D* - SE``, with ``SE = sqrt(D* (1 - D*) / n_eff)`` and ``n_eff`` the
    effective number of futures (Kish: (sum w)^2 / sum w^2) in the densest box.
    Late peels mostly chase label noise, raising the density by less than its
    own sampling error while restricting inputs that do not matter; the rule
    stops before them (the same idea as CART's one-SE pruning rule).
    """
    eligible = [i for i, b in enumerate(boxes) if b.coverage >= min_coverage - _EPS]
    densest = max(eligible, key=lambda i: (boxes[i].density, -i))
    top = boxes[densest].density
    _, _, bw, _, bw2 = trajectory[densest]
    se = float(np.sqrt(top * (1.0 - top) * bw2)) / bw  # sqrt(D(1-D)/n_eff)
    return next(i for i in eligible if boxes[i].density >= top - se - _EPS)


def _pick(length: int, choose: int | None, default: int) -> int:
    if choose is None:
        return default
    if not isinstance(choose, (int, np.integer)) or isinstance(choose, bool):
        raise TypeError(f"choose must be an int, got {type(choose).__name__}")
    if not -length <= choose < length:
        raise ValueError(f"choose={choose} is outside the trajectory of {length} boxes")
    return int(choose) % length


def _paste(
    x: NDArray[np.float64],
    w: NDArray[np.float64],
    wy: NDArray[np.float64],
    lo: NDArray[np.float64],
    hi: NDArray[np.float64],
    alpha: float,
    gmin: NDArray[np.float64],
    gmax: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Extend the box's limits back while the weighted density does not fall."""
    d = x.shape[1]
    while True:
        below, above = x < lo, x > hi
        outside_by = below.sum(axis=1) + above.sum(axis=1)
        inside = outside_by == 0
        box_w, box_y = float(w[inside].sum()), float(wy[inside].sum())
        density = box_y / box_w
        # Only points outside the box on exactly one side of one input can be
        # brought in by moving that one limit.
        single = outside_by == 1
        target = alpha * box_w
        best: tuple[float, float, int, bool, float] | None = None
        for j in range(d):
            for upper in (False, True):
                if (hi[j] if upper else -lo[j]) == np.inf:
                    continue  # side already unrestricted
                cand = single & (above[:, j] if upper else below[:, j])
                if not cand.any():
                    continue
                xc, wc, wyc = x[cand, j], w[cand], wy[cand]
                # Nearest to the box first.
                order = np.argsort(xc if upper else -xc, kind="stable")
                cum = np.cumsum(wc[order])
                t = min(int(np.searchsorted(cum, target, side="left")), len(order) - 1)
                q = xc[order[t]]
                take = xc <= q if upper else xc >= q  # whole tie blocks
                add_w, add_y = float(wc[take].sum()), float(wyc[take].sum())
                new_density = (box_y + add_y) / (box_w + add_w) if box_w + add_w > 0 else 0.0
                key = (new_density, add_w, -(2 * j + upper))
                if best is None or key > best[:3]:
                    best = (new_density, add_w, -(2 * j + upper), upper, float(q))
        if best is None or best[0] < density - _EPS * max(1.0, density):
            return lo, hi
        j, side = divmod(-best[2], 2)
        q = best[4]
        if side:
            hi[j] = np.inf if q >= gmax[j] else q
        else:
            lo[j] = -np.inf if q <= gmin[j] else q


def _prune(
    x: NDArray[np.float64],
    w: NDArray[np.float64],
    wy: NDArray[np.float64],
    lo: NDArray[np.float64],
    hi: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Drop limits whose removal costs less than `PRUNE_SE` standard errors.

    The reference is the box as given: density ``D0`` and
    ``SE0 = sqrt(D0 (1 - D0) / n_eff)``. One side of one input at a time, the
    limit whose removal leaves the highest density is dropped, as long as that
    density stays >= ``D0 - PRUNE_SE * SE0``; a fixed reference bounds the
    total loss however many limits go.
    """
    d = x.shape[1]
    inside = np.all((x >= lo) & (x <= hi), axis=1)
    box_w = float(w[inside].sum())
    d0 = float(wy[inside].sum()) / box_w
    n_eff = box_w**2 / float(np.dot(w[inside], w[inside]))
    floor = d0 - PRUNE_SE * float(np.sqrt(d0 * (1.0 - d0) / n_eff)) - _EPS * max(1.0, d0)
    while True:
        below, above = x < lo, x > hi
        outside_by = below.sum(axis=1) + above.sum(axis=1)
        inside = outside_by == 0
        box_w, box_y = float(w[inside].sum()), float(wy[inside].sum())
        single = outside_by == 1
        best: tuple[float, float, int] | None = None
        for j in range(d):
            for upper in (False, True):
                if (hi[j] if upper else -lo[j]) == np.inf:
                    continue
                add = single & (above[:, j] if upper else below[:, j])
                add_w, add_y = float(w[add].sum()), float(wy[add].sum())
                key = ((box_y + add_y) / (box_w + add_w), add_w, -(2 * j + upper))
                if best is None or key > best:
                    best = key
        if best is None or best[0] < floor:
            return lo, hi
        j, side = divmod(-best[2], 2)
        if side:
            hi[j] = np.inf
        else:
            lo[j] = -np.inf


# --------------------------------------------------------------------------- tree


def tree_rules(
    x: ArrayLike,
    y: ArrayLike,
    *,
    names: Sequence[str],
    weights: ArrayLike | None = None,
    max_depth: int = 3,
    min_weight_fraction_leaf: float = 0.05,
) -> tuple[Rule, ...]:
    """Leaves of a shallow weighted classification tree, as rules.

    Fits scikit-learn's ``DecisionTreeClassifier(max_depth, min_weight_fraction_leaf,
    random_state=0)`` with the weights as ``sample_weight``, and turns each
    leaf's path into ranges of the inputs (several splits on one input merged).
    Density and support are recomputed in float64 from the stated limits, so
    they describe the rules exactly as written (the tree itself compares in
    float32).

    Parameters
    ----------
    x : array (n, d)
        Inputs, each in its own units. Finite.
    y : array (n,) of bool
        Whether the outcome happens in each future.
    names : sequence of str, length d
        Input names, used as keys of the limits.
    weights : array (n,), optional
        Non-negative weights of the futures; equal weights when omitted.
    max_depth : int
        Depth of the tree, >= 1 (at most ``2**max_depth`` rules).
    min_weight_fraction_leaf : float
        Smallest weighted share of the futures in a leaf, in (0, 0.5].

    Returns
    -------
    tuple of Rule
        The leaves, which partition the input space, by decreasing density
        (then decreasing support). One rule without limits when no weighted
        future has y, or every one does.

    Raises
    ------
    ValueError
        Bad shapes, non-finite inputs, negative weights or zero total weight,
        parameters out of range.
    """
    # Imported here so that PRIM and the rest of the package work without scikit-learn.
    from sklearn.tree import DecisionTreeClassifier

    xa, ya, w, name_tuple = _check_data(x, y, names, weights)
    if isinstance(max_depth, bool) or not isinstance(max_depth, (int, np.integer)) or max_depth < 1:
        raise ValueError(f"max_depth must be an int >= 1, got {max_depth!r}")
    if not 0 < min_weight_fraction_leaf <= 0.5:
        raise ValueError(
            f"min_weight_fraction_leaf must be in (0, 0.5], got {min_weight_fraction_leaf}"
        )
    total_w = float(w.sum())
    wy = np.where(ya, w, 0.0)
    if _is_degenerate(ya, w):
        share = float(wy.sum()) / total_w
        return (Rule(limits={}, density=share, support=1.0, predicts=share > 0.5),)

    clf = DecisionTreeClassifier(
        max_depth=int(max_depth),
        min_weight_fraction_leaf=min_weight_fraction_leaf,
        random_state=0,
    )
    clf.fit(xa, ya.astype(np.int8), sample_weight=w)
    tree = clf.tree_
    left, right = tree.children_left, tree.children_right
    feature, threshold = tree.feature, tree.threshold
    d = xa.shape[1]
    rules: list[Rule] = []
    # Depth-first walk carrying each input's (low, high] bounds down the path.
    stack: list[tuple[int, NDArray[np.float64], NDArray[np.float64]]] = [
        (0, np.full(d, -np.inf), np.full(d, np.inf))
    ]
    while stack:
        node, lo, hi = stack.pop()
        if left[node] == right[node]:  # a leaf (both -1)
            member = np.all((xa > lo) & (xa <= hi), axis=1)
            leaf_w = float(w[member].sum())
            density = float(wy[member].sum()) / leaf_w if leaf_w > 0 else 0.0
            limits: Limits = {}
            for j, name in enumerate(name_tuple):
                low = float(lo[j]) if np.isfinite(lo[j]) else None
                high = float(hi[j]) if np.isfinite(hi[j]) else None
                if low is not None or high is not None:
                    limits[name] = (low, high)
            rules.append(
                Rule(limits=limits, density=density, support=leaf_w / total_w,
                     predicts=density > 0.5)
            )
            continue
        f, t = int(feature[node]), float(threshold[node])
        lo_r, hi_l = lo.copy(), hi.copy()
        hi_l[f] = min(hi_l[f], t)  # left child: x <= t
        lo_r[f] = max(lo_r[f], t)  # right child: x > t
        stack.append((int(right[node]), lo_r, hi))
        stack.append((int(left[node]), lo, hi_l))
    rules.sort(key=lambda r: (-r.density, -r.support))
    return tuple(rules)
