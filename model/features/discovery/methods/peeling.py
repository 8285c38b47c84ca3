"""Weighted PRIM (Friedman & Fisher 1999): peeling, the one-standard-error choice, pasting, pruning.

`prim` peels the input space down to ever smaller, ever denser boxes, chooses one by a
one-standard-error rule on density, then pastes it back out and prunes the limits that do not
matter. The result types and the data checks are in ``results``; the terms in
`model.features.discovery.methods`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .results import _EPS, Box, Limits, PrimResult, _check_data, _is_degenerate

__all__ = ["PRUNE_SE", "prim"]

#: Pruning keeps a limit of the chosen box only if dropping it would lower
#: the box's density by more than this many standard errors (about a one-sided
#: 2 % test). Late peels are the best of 2d candidates, so their apparent
#: gains are biased upwards: with one SE, noise limits survived in 9 of 60
#: runs of the tilted-weights test problem (n = 4000, d = 5), with two in none.
PRUNE_SE = 2.0


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
