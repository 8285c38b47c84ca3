"""The alternatives' block of the run summary: each structure's answers and evidence, the scenario's own first."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ...analysis.outcome import RunResult
from ...core.catalogue import KEY_METRICS, METRICS, applies
from ...summary.build import stats_of
from ...summary.codec import num, stats_from, stats_json
from ...summary.types import Stats

__all__ = ["AlternativeSummary", "summarise", "to_json", "from_json"]


@dataclass(frozen=True)
class AlternativeSummary:
    """One structure (``name``: ``scenario`` for the scenario's own) on the scenario's samples."""

    name: str
    choices: dict[str, str]  # the switches it sets, with their choices (the scenario's own: every switch)
    metrics: dict[str, Stats]  # calibrated
    prior_metrics: dict[str, Stats]
    log_evidence: float | None
    effective_sample_size: float
    observations_fit: int
    observations: int
    in_tension: tuple[str, ...]


def _entry(name: str, choices: dict[str, str], prior: Any, calibrated: Any, cal: Any, names: list[str]
           ) -> AlternativeSummary:
    uniform = np.full(len(prior), 1.0 / len(prior))
    return AlternativeSummary(
        name, choices, {m: stats_of(calibrated.metrics[m], calibrated.weights, METRICS[m].unit) for m in names},
        {m: stats_of(prior.metrics[m], uniform, METRICS[m].unit) for m in names},
        cal.log_evidence, float(cal.effective_sample_size), sum(1 for f in cal.fits if f.fits), len(cal.fits),
        tuple(f.figure_id for f in cal.fits if f.in_tension))


def summarise(run: RunResult) -> tuple[AlternativeSummary, ...] | None:
    """The scenario's own structure first, then each alternative on the same samples."""
    results = run.features.get("alternatives")
    if not results:
        return None
    names = [m for m in dict.fromkeys([*run.scenario.headline, *KEY_METRICS])
             if applies(m, has_cutoff=run.timeline.cutoff is not None)]
    averaged = run.structures.switches if run.structures is not None else ()  # uncertain: averaged by evidence
    own = {s: ("averaged" if s in averaged else c) for s, c in run.structure.all_choices().items()}
    out = [_entry("scenario", own, run.prior, run.calibrated, run.calibration, names)]
    for alt in results:
        out.append(_entry(alt.name, {s: alt.structure.choice(s) for s in sorted(alt.structure.forced)}, alt.prior,
                          alt.calibrated, alt.calibration, names))
    return tuple(out)


def to_json(block: tuple[AlternativeSummary, ...] | None) -> dict[str, Any]:
    """``alternatives``: the scenario's own structure first, then each alternative (``[]`` without any)."""
    return {"alternatives": [{
        "name": a.name, "choices": a.choices,
        "metrics": {m: stats_json(s) for m, s in a.metrics.items()},
        "prior_metrics": {m: stats_json(s) for m, s in a.prior_metrics.items()},
        "log_evidence": num(a.log_evidence), "effective_sample_size": num(a.effective_sample_size),
        "observations_fit": a.observations_fit, "observations": a.observations, "in_tension": list(a.in_tension),
    } for a in block or ()]}


def from_json(d: Mapping[str, Any]) -> tuple[AlternativeSummary, ...] | None:
    entries = d.get("alternatives") or []
    return tuple(AlternativeSummary(
        str(e["name"]), dict(e["choices"]), {m: stats_from(s) for m, s in e["metrics"].items()},
        {m: stats_from(s) for m, s in e.get("prior_metrics", {}).items()}, e.get("log_evidence"),
        float(e.get("effective_sample_size") or 0.0), int(e.get("observations_fit", 0)), int(e.get("observations", 0)),
        tuple(e.get("in_tension", ()))) for e in entries) or None
