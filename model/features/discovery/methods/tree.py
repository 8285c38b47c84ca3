"""Scenario discovery by a shallow weighted classification tree (CART): `tree_rules`.

The leaves of scikit-learn's tree, fitted with the futures' weights, as `Rule` ranges of the
inputs. scikit-learn is imported only when `tree_rules` runs.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .results import Limits, Rule, _check_data, _is_degenerate

__all__ = ["tree_rules"]


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
