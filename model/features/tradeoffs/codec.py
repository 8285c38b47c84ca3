"""The ``tradeoffs`` key of ``summary.json``: the inputs the calibration informs most (``inputs``,
``narrowing``) with their rank correlations before and after calibration (``prior_rank``,
``calibrated_rank``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ...summary.codec import num
from .compute import Tradeoffs

__all__ = ["to_json", "from_json"]


def to_json(t: Tradeoffs | None) -> dict[str, Any]:
    if t is None:
        return {}
    return {"tradeoffs": {"inputs": list(t.names), "narrowing": [num(v) for v in t.narrowing],
                          "prior_rank": [[num(v) for v in row] for row in t.prior_rank],
                          "calibrated_rank": [[num(v) for v in row] for row in t.calibrated_rank]}}


def from_json(d: Mapping[str, Any]) -> Tradeoffs | None:
    t = d.get("tradeoffs")
    if not t or not t.get("inputs"):
        return None

    def matrix(rows: Any) -> np.ndarray:
        return np.array([[np.nan if v is None else float(v) for v in row] for row in rows], dtype=float)

    return Tradeoffs(tuple(t["inputs"]), tuple(float(v or 0.0) for v in t["narrowing"]), matrix(t["prior_rank"]),
                     matrix(t["calibrated_rank"]))
