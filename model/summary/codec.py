"""The one rounding rule of ``summary.json`` and the metric statistics' JSON form (used by the serialiser
``model.presentation.summary_json`` and by every feature's block)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from .types import Stats

__all__ = ["num", "stats_json", "stats_from"]


def num(x: Any) -> float | None:
    """A JSON-safe float: None for nan/inf/None, six significant digits otherwise (stable bytes)."""
    if x is None:
        return None
    x = float(x)
    return float(f"{x:.6g}") if math.isfinite(x) else None


def stats_json(s: Stats) -> dict[str, Any]:
    out: dict[str, Any] = {"mean": num(s.mean), "p5": num(s.p5), "p50": num(s.p50), "p95": num(s.p95)}
    if s.share_never is not None:
        out["share_never"] = num(s.share_never)
    out["unit"] = s.unit
    return out


def stats_from(d: Mapping[str, Any]) -> Stats:
    return Stats(d.get("mean"), d.get("p5"), d.get("p50"), d.get("p95"), str(d.get("unit", "")), d.get("share_never"))


