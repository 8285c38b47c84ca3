"""Using a condition: evaluate it on metric arrays, list its metrics, write it back as text."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from .terms import AllOf, AnyOf, Comparison, Condition

__all__ = ["condition_metrics", "condition_text", "evaluate_condition"]

# --------------------------------------------------------------------------- use


def evaluate_condition(
    condition: Condition, metrics: Mapping[str, NDArray[np.generic]]
) -> NDArray[np.bool_]:
    """Evaluate a condition on metric values, one per future.

    Parameters
    ----------
    condition : Condition
    metrics : mapping of str to array (n,)
        Values of each metric used by the condition, in the metric's own units.

    Returns
    -------
    ndarray of bool, shape (n,)
        True where the condition holds. A NaN value makes its comparison False,
        ``!=`` included (a missing value is not evidence of anything).

    Raises
    ------
    KeyError
        A metric used by the condition is not in `metrics`.
    ValueError
        Metric arrays that are not 1-D or differ in length.
    """
    values: dict[str, NDArray[np.float64]] = {}
    n: int | None = None
    for name in condition_metrics(condition):
        if name not in metrics:
            raise KeyError(f"metric {name!r} used by the condition is not among the values")
        array = np.asarray(metrics[name], dtype=float)
        if array.ndim != 1:
            raise ValueError(f"metric {name!r} must be 1-D, got shape {array.shape}")
        if n is not None and array.shape[0] != n:
            raise ValueError(f"metric {name!r} has {array.shape[0]} values, expected {n}")
        n = array.shape[0]
        values[name] = array
    return _evaluate(condition, values)


def _evaluate(condition: Condition, values: Mapping[str, NDArray[np.float64]]) -> NDArray[np.bool_]:
    if isinstance(condition, Comparison):
        v, t = values[condition.metric], condition.threshold
        op = condition.op
        if op == "<":
            return v < t
        if op == "<=":
            return v <= t
        if op == ">":
            return v > t
        if op == ">=":
            return v >= t
        if op == "==":
            return v == t
        # IEEE says NaN != t is True; here a NaN never satisfies a comparison.
        return (v != t) & ~np.isnan(v)
    parts = [_evaluate(term, values) for term in condition.terms]
    if isinstance(condition, AllOf):
        return np.logical_and.reduce(parts)
    return np.logical_or.reduce(parts)


def condition_metrics(condition: Condition) -> tuple[str, ...]:
    """Metric names used by `condition`, each once, in order of first appearance."""
    seen: dict[str, None] = {}

    def walk(node: Condition) -> None:
        if isinstance(node, Comparison):
            seen.setdefault(node.metric, None)
        else:
            for term in node.terms:
                walk(term)

    walk(condition)
    return tuple(seen)


def _number_text(value: float) -> str:
    # Whole numbers print without ".0" (3, 3000000); others use repr, which is
    # the shortest text that reads back to the same float (0.1, 1e-07, 1e+16).
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


def condition_text(condition: Condition) -> str:
    """Canonical text: single spaces, ``or`` groups inside ``and`` parenthesized.

    ``parse_condition(condition_text(c), metrics)`` gives a condition equal to
    ``c`` for every parsed ``c`` (nested groups of the same kind come back
    flattened).
    """
    if isinstance(condition, Comparison):
        return f"{condition.metric} {condition.op} {_number_text(condition.threshold)}"
    if isinstance(condition, AllOf):
        # An "or" inside an "and" needs parentheses because "and" binds tighter;
        # a nested "and" gets them too so that the printed grouping is the tree's.
        return " and ".join(
            f"({condition_text(t)})" if not isinstance(t, Comparison) else condition_text(t)
            for t in condition.terms
        )
    return " or ".join(
        f"({condition_text(t)})" if isinstance(t, AnyOf) else condition_text(t)
        for t in condition.terms
    )
