"""The ``correlations`` key of ``summary.json``: ``method``, ``samples`` measured on, ``pairs``
(``params``, ``target``, ``achieved`` on the prior samples, ``calibrated``, ``reason``) and the ``note``
on reading Sobol indices when inputs move together."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...inputs.correlation import RankPair
from ...summary.codec import num
from .compute import CorrelationFinding
from .words import independence_note

__all__ = ["to_json", "from_json"]


def to_json(c: CorrelationFinding | None) -> dict[str, Any]:
    if c is None:
        return {}
    pairs = [{"params": [p.a, p.b], "target": num(p.rho), "achieved": num(c.achieved[k]),
              "calibrated": num(c.calibrated[k]) if c.calibrated is not None else None, "reason": c.reasons[k]}
             for k, p in enumerate(c.pairs)]
    return {"correlations": {"method": c.method, "samples": c.samples, "pairs": pairs,
                             "note": independence_note(len(c.pairs))}}


def from_json(d: Mapping[str, Any]) -> CorrelationFinding | None:
    c = d.get("correlations")
    if not c:
        return None
    pairs = c["pairs"]
    calibrated = None if any(p.get("calibrated") is None for p in pairs) else tuple(float(p["calibrated"]) for p in pairs)
    return CorrelationFinding(
        str(c["method"]), tuple(RankPair(p["params"][0], p["params"][1], float(p["target"])) for p in pairs),
        tuple(str(p.get("reason") or "") for p in pairs), tuple(float(p["achieved"]) for p in pairs), calibrated,
        int(c["samples"]))
