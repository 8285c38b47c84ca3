"""Argument checks shared by the sensitivity functions (clear errors, never asserts)."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from numbers import Integral, Real
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ..analysis.stats import _show

__all__: list[str] = []  # private helpers


# --------------------------------------------------------------------------
# Validation helpers
# --------------------------------------------------------------------------




def _as_int(value: Any, name: str, *, minimum: int) -> int:
    """Return ``value`` as an int >= ``minimum`` or raise ValueError."""
    ok = False
    if isinstance(value, Integral) and not isinstance(value, bool):
        ok = True
    elif isinstance(value, Real) and not isinstance(value, bool):
        ok = math.isfinite(float(value)) and float(value).is_integer()
    if not ok or int(value) < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {_show(value)}")
    return int(value)


def _as_fraction(value: Any, name: str, *, closed: bool = False) -> float:
    """Return ``value`` as a float in (0, 1) (or [0, 1] if ``closed``)."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number in (0, 1), got {_show(value)}") from None
    inside = (0.0 <= v <= 1.0) if closed else (0.0 < v < 1.0)
    if not inside:
        interval = "[0, 1]" if closed else "(0, 1)"
        raise ValueError(f"{name} must be in {interval}, got {_show(value)}")
    return v


def _check_distributions(distributions: Any) -> list[Any]:
    if isinstance(distributions, (str, bytes, Mapping)) or not isinstance(distributions, Iterable):
        raise ValueError(
            "distributions must be a sequence of frozen scipy.stats distributions, "
            f"got {type(distributions).__name__}: {distributions!r}"
        )
    dists = list(distributions)
    if not dists:
        raise ValueError("distributions must contain at least one distribution, got []")
    for i, dist in enumerate(dists):
        if not callable(getattr(dist, "ppf", None)):
            raise ValueError(
                f"distributions[{i}] has no callable .ppf method (got {dist!r}); "
                "pass frozen scipy.stats distributions such as scipy.stats.norm(0, 1)"
            )
    return dists


def _check_names(names: Sequence[str] | None, d: int) -> list[str]:
    if names is None:
        return [f"x{i + 1}" for i in range(d)]
    if isinstance(names, (str, bytes)):
        raise ValueError(f"names must be a sequence of {d} strings, got the string {names!r}")
    out = [str(nm) for nm in names]
    if len(out) != d:
        raise ValueError(f"names must have one entry per input ({d}), got {len(out)}: {out!r}")
    dupes = sorted({nm for nm in out if out.count(nm) > 1})
    if dupes:
        raise ValueError(f"names must be unique, got duplicates {dupes!r}")
    return out




def _evaluate(func: Callable[[np.ndarray], ArrayLike], x: np.ndarray) -> tuple[np.ndarray, bool]:
    """Call ``func`` once on ``x`` (m, d); return outputs as (m, k) and 1-D flag."""
    m = x.shape[0]
    raw = func(x)
    try:
        y = np.asarray(raw, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"func output could not be converted to a float array: {exc}") from exc
    if y.ndim == 1 and y.shape[0] == m:
        one_d = True
        y = y[:, None]
    elif y.ndim == 2 and y.shape[0] == m and y.shape[1] >= 1:
        one_d = False
    else:
        raise ValueError(
            f"func must map an input array of shape {x.shape} to shape ({m},) or "
            f"({m}, k); got shape {y.shape}"
        )
    bad = ~np.isfinite(y)
    if bad.any():
        row, col = (int(v) for v in np.argwhere(bad)[0])
        raise ValueError(
            f"func returned {int(bad.sum())} non-finite value(s); e.g. output[{row}, {col}] = "
            f"{_show(y[row, col])} for input row {x[row].tolist()!r}"
        )
    return y, one_d


