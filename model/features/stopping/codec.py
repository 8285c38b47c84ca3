"""The ``stopping`` key of ``summary.json``: ``samples`` drawn, ``reason`` ("target_met" or "max_samples"),
``statement``, ``target``, ``weights``, ``effective_samples``, ``precision`` (per metric and quantile, the
half-width of its confidence interval as a share of the 90 % width) and every checkpoint in ``checks``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...summary.codec import num
from .compute import PrecisionCheck, PrecisionTarget, Stopping
from .words import stopping_statement

__all__ = ["to_json", "from_json", "quantile_key"]


def quantile_key(q: float) -> str:
    """``0.05`` -> ``"p5"``, ``0.5`` -> ``"p50"``, ``0.975`` -> ``"p97.5"``."""
    return f"p{round(100 * q, 6):g}"


def to_json(s: Stopping | None) -> dict[str, Any]:
    if s is None:
        return {}
    t = s.target
    return {"stopping": {
        "samples": s.samples,
        "reason": s.reason,
        "target": {"metrics": list(t.metrics), "quantiles": [num(q) for q in t.quantiles],
                   "tolerance": num(t.tolerance), "confidence": num(t.confidence), "max_samples": t.max_samples},
        "weights": "calibration (importance weights of the futures drawn)" if s.weighted else "equal",
        "effective_samples": num(s.final.effective_samples),
        "precision": {m: {quantile_key(q): num(v) for q, v in zip(t.quantiles, values)}
                      for m, values in s.final.precision.items()},
        "checks": [{"samples": c.samples, "effective_samples": num(c.effective_samples), "met": c.met,
                    "precision": {m: num(c.worst(m)) for m in c.precision}} for c in s.checks],
        "statement": stopping_statement(s, "en"),
    }}


def _f(x: Any) -> float:
    return float("inf") if x is None else float(x)


def from_json(d: Mapping[str, Any]) -> Stopping | None:
    """The block again; a checkpoint before the last keeps only its least precise quantile per metric (what
    the file holds), the last every quantile."""
    s = d.get("stopping")
    if not s:
        return None
    t = s["target"]
    target = PrecisionTarget(tuple(t["metrics"]), tuple(float(q) for q in t["quantiles"]), float(t["tolerance"]),
                             float(t["confidence"]), int(t["max_samples"]))
    checks = [PrecisionCheck(int(c["samples"]), float(c["effective_samples"] or 0.0),
                             {m: (_f(v),) for m, v in c["precision"].items()}, {}, bool(c["met"])) for c in s["checks"]]
    last = checks[-1]
    checks[-1] = PrecisionCheck(last.samples, last.effective_samples, {
        m: tuple(_f(per.get(quantile_key(q))) for q in target.quantiles) for m, per in s["precision"].items()},
        {}, last.met)
    return Stopping(int(s["samples"]), s["reason"], target, s["weights"] != "equal", tuple(checks))
