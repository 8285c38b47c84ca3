"""The ``discovery`` key of ``summary.json``, written from the feature's block and read back into it.

``discovery.<name>``: ``condition`` (canonical text), ``weights`` ("calibrated", or "uncalibrated"),
``share`` (weighted share of futures that meet it), ``boxes`` (the peeling trajectory, each
``{"limits": {input: [low, high]}, "coverage", "density", "support"}``, ``null`` for no limit on a
side), ``chosen`` (index of the chosen box in ``boxes``), ``box`` (that box again, with ``order``,
``without`` and its ``sentence``), ``rules`` (the classification tree's leaves: ``limits`` with the
lower end exclusive, ``density``, ``support``, ``predicts``, ``text``), ``futures`` and
``effective_futures`` read; and ``prior``: the same on the prior futures, when the run is calibrated.
The sentences are English, from the one sentence writer (``words``); reading skips them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...summary.codec import num
from .compute import ConditionFinding, DiscoveryOn
from .methods import Box, PrimResult, Rule
from .words import SENTENCE_LIMITS, discovery_sentence, limit_phrase

__all__ = ["to_json", "from_json", "sentence_of"]


def sentence_of(name: str, condition: str, found: DiscoveryOn, lang: str = "en") -> str:
    """The chosen box of one side as a sentence (its most important limits first)."""
    box = found.prim.box
    ordered = [n for n, _, _ in found.without] or list(box.limits)
    shown = [(n, *box.limits[n]) for n in ordered[:SENTENCE_LIMITS]]
    return discovery_sentence(name, condition, shown, density=box.density, coverage=box.coverage,
                              share=found.share, more=max(0, len(ordered) - SENTENCE_LIMITS), lang=lang)


def _limits(limits: Mapping[str, tuple[float | None, float | None]]) -> dict[str, list[float | None]]:
    return {name: [num(lo), num(hi)] for name, (lo, hi) in limits.items()}


def _box(box: Box) -> dict[str, Any]:
    return {"limits": _limits(box.limits), "coverage": num(box.coverage), "density": num(box.density),
            "support": num(box.support)}


def _on(name: str, condition: str, found: DiscoveryOn, weights: str) -> dict[str, Any]:
    sentence = sentence_of(name, condition, found)
    return {
        "condition": condition, "weights": weights, "share": num(found.share), "futures": found.futures,
        "effective_futures": num(found.effective_futures), "boxes": [_box(b) for b in found.prim.boxes],
        "chosen": found.prim.chosen,
        "box": {**_box(found.prim.box), "order": [n for n, _, _ in found.without] or list(found.prim.box.limits),
                "without": {n: {"density": num(d), "coverage": num(c)} for n, d, c in found.without},
                "sentence": sentence},
        "sentence": sentence,
        "rules": [{"limits": _limits(r.limits), "density": num(r.density), "support": num(r.support),
                   "predicts": r.predicts,
                   "text": "; ".join(limit_phrase(n, lo, hi) for n, (lo, hi) in r.limits.items()) or "all futures"}
                  for r in found.rules],
    }


def to_json(block: tuple[ConditionFinding, ...] | None) -> dict[str, Any]:
    if not block:
        return {}
    out: dict[str, Any] = {}
    for f in block:
        if f.calibrated is not None:
            out[f.name] = {**_on(f.name, f.condition, f.calibrated, "calibrated"),
                           "prior": _on(f.name, f.condition, f.prior, "prior")}
        else:  # not calibrated: the prior futures are all there is
            out[f.name] = _on(f.name, f.condition, f.prior, "uncalibrated")
    return {"discovery": out}


def _limits_from(d: Mapping[str, Any]) -> dict[str, tuple[float | None, float | None]]:
    return {n: (v[0], v[1]) for n, v in d.items()}


def _box_from(d: Mapping[str, Any]) -> Box:
    return Box(_limits_from(d["limits"]), float(d["coverage"]), float(d["density"]), float(d["support"]))


def _on_from(d: Mapping[str, Any]) -> DiscoveryOn:
    boxes = tuple(_box_from(b) for b in d["boxes"])
    without = tuple((n, float(w["density"] or 0.0), float(w["coverage"] or 0.0))
                    for n, w in ((n, d["box"]["without"][n]) for n in d["box"].get("order", ())
                                 if n in d["box"].get("without", {})))
    rules = tuple(Rule(_limits_from(r["limits"]), float(r["density"]), float(r["support"]), bool(r["predicts"]))
                  for r in d.get("rules", ()))
    return DiscoveryOn(float(d["share"]), int(d["futures"]), float(d["effective_futures"] or 0.0),
                       PrimResult(boxes, int(d["chosen"]), float(d["share"])), rules, without)


def from_json(d: Mapping[str, Any]) -> tuple[ConditionFinding, ...] | None:
    found = d.get("discovery")
    if not found:
        return None
    out = []
    for name, entry in found.items():
        calibrated = "prior" in entry
        out.append(ConditionFinding(name, entry["condition"], (), _on_from(entry) if calibrated else None,
                                    _on_from(entry["prior"] if calibrated else entry)))
    return tuple(out)
