"""``summary.json``: the one serialiser of a :class:`~model.summary.types.RunSummary`, and its reader.

One rounding rule (six significant digits, None for nan and inf) makes the bytes the same for the
same scenario and seed. The keys other tools read stay as they were (``scenario``, ``seed``,
``samples``, ``effective_sample_size``, ``observations``, ``metrics`` with ``mean``/``p5``/``p50``/
``p95``/``unit`` and ``share_never`` ...); what the typed summary added is added beside them. The
few English sentences the contract has (``calibration_findings``, ``drivers``) are written by the
one sentence writer from the same numbers (``model.presentation.words``); reading the file back
skips them and rebuilds the types from the numbers. Each optional feature writes and reads its own
keys (``model.features``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..summary.codec import num, stats_from, stats_json
from ..summary.types import (
    Calibration,
    Candidate,
    DriverInput,
    Drivers,
    Observation,
    RunSummary,
    StructureChoice,
    StructureCombination,
    Structures,
    ValueOfInformation,
)

__all__ = ["num", "to_json", "from_json", "stats_json", "stats_from"]

FeatureCodec = tuple[Callable[[Any], dict[str, Any]], Callable[[Mapping[str, Any]], Any]]


def _f(x: Any) -> float:
    return float("nan") if x is None else float(x)


def _observation_json(o: Observation) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": o.id, "output": o.output, "month": o.month, "reported": num(o.reported), "claim": o.claim,
        "allowed": [num(o.allowed[0]), num(o.allowed[1])],
    }
    if o.claim == "words":
        out.update(words=o.words, interval=[num(o.error_range[0]), num(o.error_range[1])], bound=o.bound)
    elif o.claim == "capacity" and o.fill is not None:
        out["fill"] = [num(o.fill[0]), num(o.fill[1])]
    elif o.claim == "total_undated":
        out["months"] = list(o.months)
    out.update({
        "error_range_90": [num(o.error_range[0]), num(o.error_range[1])],
        "p5": num(o.calibrated[0]), "p50": num(o.calibrated[1]), "p95": num(o.calibrated[2]),
        "prior_p5": num(o.prior[0]), "prior_p50": num(o.prior[1]), "prior_p95": num(o.prior[2]),
        "fits": o.fits, "leave_one_out_quantile": num(o.leave_one_out_quantile),
        "in_tension_with_others": o.in_tension,
    })
    return out


def _observation_from(d: Mapping[str, Any]) -> Observation:
    fill = d.get("fill")
    return Observation(
        str(d["id"]), str(d["output"]), str(d["month"]), str(d.get("claim", "count")), d.get("reported"),
        (_f(d["allowed"][0]), _f(d["allowed"][1])) if d.get("allowed") else (_f(d.get("reported")), _f(d.get("reported"))),
        (_f(d["error_range_90"][0]), _f(d["error_range_90"][1])),
        (d.get("p5"), d.get("p50"), d.get("p95")), (d.get("prior_p5"), d.get("prior_p50"), d.get("prior_p95")),
        bool(d.get("fits")), _f(d.get("leave_one_out_quantile")), bool(d.get("in_tension_with_others")),
        words=str(d.get("words", "")), bound=str(d.get("bound", "interval")),
        fill=(float(fill[0]), float(fill[1])) if fill else None, months=tuple(d.get("months", ())))


def _driver_input_json(d: DriverInput) -> dict[str, Any]:
    return {"name": d.name, **{k: num(getattr(d, k)) for k in (
        "S1", "S1_low", "S1_high", "ST", "ST_low", "ST_high", "swing_low", "swing_high", "rank_correlation",
        "S1_calibrated", "S1_calibrated_low", "S1_calibrated_high")}}


def _structures_json(s: Structures) -> dict[str, Any]:
    return {
        "structures": [{
            "choices": c.choices, "prior_weight": num(c.prior_weight),
            "log_evidence": num(c.log_evidence), "posterior_probability": num(c.posterior_probability),
            "effective_sample_size": num(c.effective_sample_size),
            "metrics": {m: stats_json(v) for m, v in c.metrics.items()},
        } for c in s.combinations],
        "structure_switches": {switch: [{
            "choice": c.choice, "prior_weight": num(c.prior_weight), "posterior_probability": num(c.posterior_probability),
            "metrics": {m: stats_json(v) for m, v in c.metrics.items()},
        } for c in choices] for switch, choices in s.switches.items()},
        "structure_share_of_variance": {m: num(v) for m, v in s.share_of_variance.items()},
        "structure_switch_share_of_variance": {sw: {m: num(v) for m, v in shares.items()}
                                               for sw, shares in s.switch_share_of_variance.items()},
        "structures_distinguishable": s.distinguishable,
    }


def _structures_from(d: Mapping[str, Any]) -> Structures | None:
    if not d.get("structures"):
        return None
    combos = tuple(StructureCombination(
        dict(c["choices"]), float(c["prior_weight"]), c.get("log_evidence"), float(c["posterior_probability"]),
        float(c.get("effective_sample_size") or 0.0), {m: stats_from(v) for m, v in c.get("metrics", {}).items()})
        for c in d["structures"])
    from ..core.structure import SWITCHES

    order = {s: i for i, s in enumerate(SWITCHES)}  # the catalogue's order, as the run made it (the file's is sorted)
    switches = {switch: tuple(StructureChoice(
        switch, str(c["choice"]), float(c["prior_weight"]), float(c["posterior_probability"]),
        {m: stats_from(v) for m, v in c.get("metrics", {}).items()}) for c in rows)
        for switch, rows in sorted(d.get("structure_switches", {}).items(), key=lambda x: order.get(x[0], len(order)))}
    return Structures(combos, switches, {m: float(v) for m, v in d.get("structure_share_of_variance", {}).items()
                                         if v is not None}, bool(d.get("structures_distinguishable")),
                      {sw: {m: float(v) for m, v in shares.items() if v is not None}
                       for sw, shares in d.get("structure_switch_share_of_variance", {}).items()})


def _voi_json(v: ValueOfInformation) -> dict[str, Any]:
    from ..core.catalogue import TRAJECTORIES

    def words(c: Candidate) -> str:
        what = TRAJECTORIES[c.quantity].description if c.quantity in TRAJECTORIES else c.quantity
        return f"{what} in {c.date}" if c.summed else f"{what} at {c.date}"

    return {"metric": v.metric, "unit": v.unit, "ranked_by": v.ranked_by, "candidates": [{
        "candidate": words(c), "quantity": c.quantity, "date": c.date, "reliability": c.reliability,
        "width_before": num(c.width_before), "width_after": num(c.width_after),
        "narrowing_percent": num(100 * c.narrowing), "sd_before": num(c.sd_before), "sd_after": num(c.sd_after),
        "sd_narrowing_percent": num(100 * c.sd_narrowing),
    } for c in v.candidates]}


def _voi_from(d: Mapping[str, Any]) -> ValueOfInformation:
    return ValueOfInformation(str(d["metric"]), str(d.get("unit", "")), str(d.get("ranked_by", "interval_90")), tuple(
        Candidate(str(c["quantity"]), str(c["date"]), str(c["reliability"]), _f(c["width_before"]),
                  _f(c["width_after"]), _f(c.get("sd_before")), _f(c.get("sd_after")),
                  _f(c.get("narrowing_percent")) / 100, _f(c.get("sd_narrowing_percent")) / 100)
        for c in d.get("candidates", ())))


def to_json(s: RunSummary, features: Mapping[str, FeatureCodec] | None = None) -> dict[str, Any]:
    """The ``summary.json`` document (deterministic for the same scenario and seed). ``features``: each
    feature's (to_json, from_json) by name (``model.features.registry.codecs()``)."""
    from .words import calibration_findings, driver_sentence

    cal = s.calibration
    out: dict[str, Any] = {
        "scenario": s.scenario, "description": s.description, "seed": s.seed, "samples": s.samples,
        "sampling": s.sampling, "window": {"start": s.window[0], "end": s.window[1]},
        "cutoff": s.cutoff, "headline": list(s.headline),
        "calibrated": cal.calibrated, "effective_sample_size": num(cal.effective_sample_size),
        "log_evidence": num(cal.log_evidence),
        "calibration": {
            "method": cal.method, "stages": cal.stages, "model_evaluations": cal.model_evaluations,
            "acceptance_rates": [num(a) for a in cal.acceptance_rates],
            "temperatures": [num(t) for t in cal.temperatures], "unique_fraction": num(cal.unique_fraction),
            "series": [list(ids) for ids in cal.series], "series_correlation": num(cal.series_correlation),
            "futures": cal.futures,
        },
        "samples_kept": s.samples_kept,
        "observations": [_observation_json(o) for o in s.observations],
        "calibration_findings": calibration_findings(s, "en"),
        "conflicting_pairs": [{"a": a, "b": b, "ratio": num(r)} for a, b, r in cal.conflicting_pairs],
        "metrics": {m: stats_json(v) for m, v in s.metrics.items()},
        "prior_metrics": {m: stats_json(v) for m, v in s.prior_metrics.items()},
        "drivers": {d.metric: driver_sentence(d, "en") for d in s.drivers},
        "driver_indices": {d.metric: {"swing_baseline": num(d.swing_baseline),
                                      "inputs": [_driver_input_json(i) for i in d.inputs]} for d in s.drivers},
        "structure": dict(s.structure),
        "fire_drop_threshold": num(s.fire_drop_threshold),
        "shortage_threshold": num(s.shortage_threshold),
        "value_of_information": [_voi_json(v) for v in s.value_of_information],
        "figure_inputs": dict(s.figure_inputs),
    }
    if s.structures is not None:
        out.update(_structures_json(s.structures))
    for name, (write, _) in (features or {}).items():  # each feature its own keys (None: the run has no block)
        if write is not None:
            out.update(write(s.features.get(name)))
    return out


def _in_catalogue_order(stats: Mapping[str, Any]) -> dict[str, Any]:
    """A metrics mapping of the file (its keys sorted) in the catalogue's order, as the run made it."""
    from ..core.catalogue import METRICS

    order = {m: i for i, m in enumerate(METRICS)}
    return {m: stats_from(stats[m]) for m in sorted(stats, key=lambda m: order.get(m, len(order)))}


def from_json(d: Mapping[str, Any], features: Mapping[str, FeatureCodec] | None = None) -> RunSummary:
    """A ``summary.json`` read back into the types (no bands: they are in ``trajectories.csv``)."""
    from ..core.months import month_index, month_range

    cal = d.get("calibration", {})
    start, end = d["window"]["start"], d["window"]["end"]
    months = tuple(month_range(start, month_index(end) - month_index(start) + 1))
    calibration = Calibration(
        bool(d.get("calibrated")), str(cal.get("method", "none")), _f(d.get("effective_sample_size")),
        d.get("log_evidence"), int(cal.get("stages", 0)), int(cal.get("model_evaluations", 0)),
        tuple(cal.get("acceptance_rates", ())), tuple(cal.get("temperatures", ())), _f(cal.get("unique_fraction")),
        tuple(tuple(ids) for ids in cal.get("series", ())), _f(cal.get("series_correlation")),
        tuple((p["a"], p["b"], _f(p["ratio"])) for p in d.get("conflicting_pairs", ())),
        int(cal.get("futures", d.get("samples_kept", 0))))
    drivers = tuple(Drivers(metric, tuple(DriverInput(**{k: v for k, v in i.items()}) for i in entry["inputs"]),
                            entry.get("swing_baseline")) for metric, entry in d.get("driver_indices", {}).items())
    blocks = {}
    for name, (_, read) in (features or {}).items():
        block = read(d) if read is not None else None
        if block is not None:
            blocks[name] = block
    return RunSummary(
        scenario=str(d["scenario"]), description=str(d.get("description", "")), seed=int(d["seed"]),
        samples=int(d["samples"]), sampling=str(d.get("sampling", "")), months=months, cutoff=d.get("cutoff"),
        headline=tuple(d.get("headline", ())), structure=dict(d.get("structure", {})),
        fire_drop_threshold=_f(d.get("fire_drop_threshold")), shortage_threshold=_f(d.get("shortage_threshold")),
        samples_kept=int(d.get("samples_kept", 0)), calibration=calibration,
        observations=tuple(_observation_from(o) for o in d.get("observations", ())),
        metrics=_in_catalogue_order(d.get("metrics", {})),
        prior_metrics=_in_catalogue_order(d.get("prior_metrics", {})),
        drivers=drivers, structures=_structures_from(d),
        value_of_information=tuple(_voi_from(v) for v in d.get("value_of_information", ())),
        figure_inputs=dict(d.get("figure_inputs", {})), features=blocks)
