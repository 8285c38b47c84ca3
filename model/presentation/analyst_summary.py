"""``summary.json`` sections for the analyst's questions: ``discovery``, ``correlations``,
``stopping`` and ``tradeoffs`` (each only when the run has it), from ``run.analyst``.

- ``discovery.<name>``: ``condition`` (canonical text), ``weights`` ("calibrated", or "uncalibrated"),
  ``share`` (weighted share of futures that meet it), ``boxes`` (the PRIM peeling trajectory, each
  ``{"limits": {input: [low, high]}, "coverage", "density", "support"}``, ``null`` for no limit on a
  side), ``chosen`` (index of the chosen box in ``boxes``, after pasting and pruning), ``box`` (that
  box again, with its ``sentence``), ``rules`` (the classification tree's leaves, most dense first:
  ``limits`` with the lower end exclusive, ``density``, ``support``, ``predicts``), ``futures`` and
  ``effective_futures`` read; and ``prior``: the same on the prior futures, when the run is calibrated.
- ``correlations``: ``method``, ``samples`` measured on, ``pairs`` (``params``, ``target``,
  ``achieved`` on the prior samples, ``calibrated``, ``reason``) and the ``note`` on Sobol indices.
- ``stopping``: ``samples`` drawn, ``reason`` ("target_met" or "max_samples"), ``statement``,
  ``target``, ``weights``, ``precision`` (per metric and quantile, the half-width of its confidence
  interval as a share of the 90 % width) and every checkpoint in ``checks``.
- ``tradeoffs``: the inputs the calibration informs most (``inputs``, ``narrowing``) with their rank
  correlations before and after calibration (``prior_rank``, ``calibrated_rank``).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..analysis.analyst import ConditionFinding, CorrelationFinding, DiscoveryOn, Tradeoffs
from ..analysis.outcome import RunResult
from ..features.discovery.methods import Box, Rule
from ..features.stopping.compute import Stopping
from ..inputs.correlation import achieved_rank_correlation
from ..inputs.dependence import Dependence
from ..inputs.sampling import SampleSet
from .numbers import format_correlation
from .words import discovery_sentence, independence_note, limit_phrase, stopping_statement

__all__ = ["SENTENCE_LIMITS", "analyst_summary", "correlation_table", "quantile_key"]

#: The box sentence names at most this many inputs (the ones that matter most); the rest are counted.
SENTENCE_LIMITS = 3


def _num(x: Any) -> float | None:
    """A JSON-safe float: None for nan/inf, 6 significant digits (as in ``summary.json`` elsewhere)."""
    if x is None:
        return None
    x = float(x)
    return float(f"{x:.6g}") if math.isfinite(x) else None


def quantile_key(q: float) -> str:
    """``0.05`` -> ``"p5"``, ``0.5`` -> ``"p50"``, ``0.975`` -> ``"p97.5"``."""
    return f"p{round(100 * q, 6):g}"


def _limits(limits: dict) -> dict[str, list[float | None]]:
    return {name: [_num(lo), _num(hi)] for name, (lo, hi) in limits.items()}


def _box(box: Box) -> dict[str, Any]:
    return {"limits": _limits(box.limits), "coverage": _num(box.coverage), "density": _num(box.density),
            "support": _num(box.support)}


def _rule(rule: Rule) -> dict[str, Any]:
    return {"limits": _limits(rule.limits), "density": _num(rule.density), "support": _num(rule.support),
            "predicts": rule.predicts,
            "text": "; ".join(limit_phrase(n, lo, hi) for n, (lo, hi) in rule.limits.items()) or "all futures"}


def _on(name: str, condition: str, found: DiscoveryOn, weights: str) -> dict[str, Any]:
    box = found.prim.box
    ordered = [n for n, _, _ in found.without] or list(box.limits)
    shown = [(n, *box.limits[n]) for n in ordered[:SENTENCE_LIMITS]]
    sentence = discovery_sentence(name, condition, shown, density=box.density, coverage=box.coverage,
                                  share=found.share, more=max(0, len(ordered) - SENTENCE_LIMITS))
    return {
        "condition": condition,
        "weights": weights,
        "share": _num(found.share),
        "futures": found.futures,
        "effective_futures": _num(found.effective_futures),
        "boxes": [_box(b) for b in found.prim.boxes],
        "chosen": found.prim.chosen,
        "box": {**_box(box), "order": ordered,
                "without": {n: {"density": _num(d), "coverage": _num(c)} for n, d, c in found.without},
                "sentence": sentence},
        "sentence": sentence,
        "rules": [_rule(r) for r in found.rules],
    }


def _discovery(findings: tuple[ConditionFinding, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in findings:
        if f.calibrated is not None:
            out[f.name] = {**_on(f.name, f.condition, f.calibrated, "calibrated"),
                           "prior": _on(f.name, f.condition, f.prior, "prior")}
        else:  # not calibrated: the prior futures are all there is
            out[f.name] = _on(f.name, f.condition, f.prior, "uncalibrated")
    return out


def _correlations(c: CorrelationFinding) -> dict[str, Any]:
    pairs = []
    for k, p in enumerate(c.pairs):
        pairs.append({"params": [p.a, p.b], "target": _num(p.rho), "achieved": _num(c.achieved[k]),
                      "calibrated": _num(c.calibrated[k]) if c.calibrated is not None else None,
                      "reason": c.reasons[k]})
    return {"method": c.method, "samples": c.samples, "pairs": pairs, "note": independence_note(len(c.pairs))}


def _stopping(s: Stopping) -> dict[str, Any]:
    t = s.target

    def per_quantile(values: tuple[float, ...]) -> dict[str, float | None]:
        return {quantile_key(q): _num(v) for q, v in zip(t.quantiles, values)}

    out: dict[str, Any] = {
        "samples": s.samples,
        "reason": s.reason,
        "target": {"metrics": list(t.metrics), "quantiles": [_num(q) for q in t.quantiles],
                   "tolerance": _num(t.tolerance), "confidence": _num(t.confidence), "max_samples": t.max_samples},
        "weights": "calibration (importance weights of the futures drawn)" if s.weighted else "equal",
        "effective_samples": _num(s.final.effective_samples),
        "precision": {m: per_quantile(v) for m, v in s.final.precision.items()},
        "checks": [{"samples": c.samples, "effective_samples": _num(c.effective_samples), "met": c.met,
                    "precision": {m: _num(c.worst(m)) for m in c.precision}} for c in s.checks],
    }
    out["statement"] = stopping_statement(out)
    return out


def _tradeoffs(t: Tradeoffs) -> dict[str, Any]:
    return {"inputs": list(t.names), "narrowing": [_num(v) for v in t.narrowing],
            "prior_rank": [[_num(v) for v in row] for row in t.prior_rank],
            "calibrated_rank": [[_num(v) for v in row] for row in t.calibrated_rank]}


def analyst_summary(run: RunResult) -> dict[str, Any]:
    """The sections above that this run has (none for a run that asks for none of them)."""
    a = run.analyst
    if a is None:
        return {}
    out: dict[str, Any] = {}
    if a.discovery:
        out["discovery"] = _discovery(a.discovery)
    if a.correlations is not None:
        out["correlations"] = _correlations(a.correlations)
    if a.stopping is not None:
        out["stopping"] = _stopping(a.stopping)
    if a.tradeoffs is not None:
        out["tradeoffs"] = _tradeoffs(a.tradeoffs)
    return out


def correlation_table(dependence: Dependence, samples: SampleSet, lang: str = "en") -> list[str]:
    """Lines of ``run.py sample``'s table: each stated pair, its target and the achieved rank correlation."""
    names = sorted({nm for p in dependence.pairs for nm in (p.a, p.b)}, key=samples.names.index)
    where = {nm: k for k, nm in enumerate(names)}
    achieved = achieved_rank_correlation(np.column_stack([samples.column(nm) for nm in names]))
    how = "Gaussian copula" if dependence.method == "copula" else "Iman-Conover, per block"
    lines = [f"Inputs that move together ({how}): target and achieved Spearman rank correlation",
             f"{'parameter':34} {'with':34} {'target':>8} {'achieved':>9}"]
    for p in dependence.pairs:
        got = float(achieved[where[p.a], where[p.b]])
        lines.append(f"{p.a:34} {p.b:34} {format_correlation(p.rho, lang):>8} {format_correlation(got, lang):>9}")
    return lines
