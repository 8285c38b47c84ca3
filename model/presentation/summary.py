"""Condense a run into the numbers people read: quantiles, metrics, observation fits.

Pure functions from a :class:`model.experiment.RunResult` to plain data (dicts and
arrays); writing them to files is ``model.batch``'s job. ``summary.json`` follows a
contract other tools read:

- ``scenario``, ``seed``, ``samples``, ``effective_sample_size``;
- ``observations``: per observed figure its registry id, reported value, the model's
  p5/p50/p95 at that date (calibrated) and whether it ``fits``;
- ``metrics``: each metric name -> ``{"mean", "p5", "p50", "p95", "unit"}``, calibrated
  where the scenario calibrates. A metric that may not happen in the window
  (``months_to_shortage_after_cutoff``) also gives ``share_never`` and its quantiles
  are ``null`` where they fall beyond the window.
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..analysis.calibration import Calibration, ObservedFigure
from ..analysis.outcome import Ensemble, RunResult
from ..analysis.stats import quantiles_under, weighted_quantile
from ..analysis.value_of_information import candidate_words, interval_cannot_narrow
from ..core.catalogue import KEY_METRICS, METRICS, TRAJECTORIES, applies
from ..core.dynamics import Structure
from ..core.structure import SWITCHES
from ..core.threads import default_threads
from ..features.logistics.summary import logistics_entry
from .analyst_summary import analyst_summary
from .words import calibration_findings, driver_statement

__all__ = ["QUANTILES", "Bands", "metric_stats", "metric_stats_sets", "trajectory_quantiles", "trajectory_bands", "build_summary",
           "trajectory_rows", "metric_columns", "sensitivity_rows"]

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


def _num(x: float) -> float | None:
    """A JSON-safe float: None for nan/inf, 6 significant digits otherwise (stable bytes)."""
    x = float(x)
    if not math.isfinite(x):
        return None
    return float(f"{x:.6g}")


def metric_stats_sets(values: np.ndarray, weight_sets: list[np.ndarray | None]) -> list[dict[str, float | None]]:
    """:func:`metric_stats` for one metric under several weightings (None: equal), sorting once."""
    values = np.asarray(values)
    never = np.isnan(values)
    ranked = np.where(never, np.float32(np.inf) if values.dtype == np.float32 else np.inf, values)
    quantiles = quantiles_under(ranked, weight_sets, [0.05, 0.5, 0.95])
    out = []
    for weights, qs in zip(weight_sets, quantiles):
        stats: dict[str, float | None] = {}
        if weights is None:
            finite = int((~never).sum())
            stats["mean"] = _num(np.mean(values[~never], dtype=np.float64)) if finite else None
        else:
            w = np.asarray(weights, dtype=float)
            finite_w = w[~never].sum()
            stats["mean"] = _num(np.dot(values[~never].astype(float), w[~never]) / finite_w) if finite_w > 0 else None
        stats.update({"p5": _num(qs[0]), "p50": _num(qs[1]), "p95": _num(qs[2])})
        if never.any():
            share = never.mean() if weights is None else np.asarray(weights)[never].sum() / np.asarray(weights).sum()
            stats["share_never"] = _num(share)
        out.append(stats)
    return out


def metric_stats(values: np.ndarray, weights: np.ndarray | None = None) -> dict[str, float | None]:
    """Mean and p5/p50/p95 of one metric; nan means 'did not happen' and counts as +inf."""
    values = np.asarray(values, dtype=float)
    return metric_stats_sets(values, [None if weights is None else np.asarray(weights, dtype=float)])[0]


def trajectory_quantiles(values: np.ndarray, weights: np.ndarray | None = None) -> dict[float, np.ndarray]:
    """Per-month quantiles (keys ``QUANTILES``) of a (samples, months) trajectory."""
    q = np.asarray(QUANTILES)
    out = np.asarray(weighted_quantile(np.asarray(values, dtype=float), q, weights))
    return {level: out[i] for i, level in enumerate(QUANTILES)}


@dataclass(frozen=True)
class Bands:
    """Per-month quantiles of one trajectory: calibrated, before calibration, and the mean."""

    calibrated: dict[float, np.ndarray]
    prior: dict[float, np.ndarray]
    mean: np.ndarray


def trajectory_bands(run: RunResult) -> dict[str, Bands]:
    """Quantile bands of every trajectory, computed once for the CSV and the figures."""
    cal, prior = run.calibrated, run.prior
    w = cal.head_weights(next(iter(cal.trajectories.values())).shape[0])
    out = {}
    for name in TRAJECTORIES:
        values = cal.trajectories[name].astype(float)
        calibrated = trajectory_quantiles(values, w)
        if not run.calibration.calibrated:
            before = calibrated
        elif prior.trajectories[name] is cal.trajectories[name]:
            before = trajectory_quantiles(values)
        else:
            before = trajectory_quantiles(prior.trajectories[name].astype(float))
        out[name] = Bands(calibrated, before, w @ values)
    return out


def _claim_entry(obs: ObservedFigure) -> dict[str, Any]:
    """What a figure's kind of claim adds: the words and the interval they mean (and which side bounds
    it), a capacity claim's fill range, an undated total's possible months; the model values the claim
    allows (``allowed``, a value twice for a count)."""
    out: dict[str, Any] = {"allowed": [_num(obs.allowed[0]), _num(obs.allowed[1])]}
    if obs.kind == "words":
        out.update(words=obs.words, interval=[_num(obs.low), _num(obs.high)], bound=obs.bound)
    elif obs.kind == "capacity":
        out.update(fill=[_num(obs.fill[0]), _num(obs.fill[1])])
    elif obs.kind == "total_undated":
        out.update(months=list(obs.months))
    return out


def _choices(structure: Structure, uncertain: tuple[str, ...] = ()) -> dict[str, Any]:
    """Every switch's choice; an uncertain one (averaged over by its evidence) is ``"averaged"``."""
    return {s: ("averaged" if s in uncertain else c) for s, c in structure.all_choices().items()}


def _stats_where(values: np.ndarray, weights: np.ndarray, mask: np.ndarray, unit: str) -> dict[str, Any]:
    w = weights[mask]
    if not w.sum() > 0:
        return {"mean": None, "p5": None, "p50": None, "p95": None, "unit": unit}
    return {**metric_stats(values[mask], w / w.sum()), "unit": unit}


def value_of_information_summary(run: RunResult) -> list[dict[str, Any]]:
    """Per headline metric, the candidate reports ranked by how much each would narrow its 90 % interval
    (``candidate``, ``quantity``, ``date``, ``reliability``, expected widths before and after, narrowing in %)."""
    out = []
    for metric, ranked in run.value_of_information.items():
        by_spread = interval_cannot_narrow(ranked)
        if by_spread:
            ranked = sorted(ranked, key=lambda r: -r.sd_narrowing)
        out.append({"metric": metric, "unit": METRICS[metric].unit,
                    "ranked_by": "standard_deviation" if by_spread else "interval_90", "candidates": [{
                        "candidate": candidate_words(r.candidate),
                        "quantity": r.candidate.quantity,
                        "date": r.candidate.label,
                        "reliability": r.candidate.reliability,
                        "width_before": _num(r.width_before),
                        "width_after": _num(r.width_after),
                        "narrowing_percent": _num(100 * r.narrowing),
                        "sd_before": _num(r.sd_before),
                        "sd_after": _num(r.sd_after),
                        "sd_narrowing_percent": _num(100 * r.sd_narrowing),
                    } for r in ranked]})
    return out


def structures_summary(run: RunResult) -> dict[str, Any]:
    """``structures`` (each combination of the uncertain switches: its choices, prior weight, log evidence,
    posterior probability and calibrated key metrics), ``structure_switches`` (each switch's choices with
    their prior and posterior) and ``structure_share_of_variance`` (per metric, the share of its calibrated
    variance that comes from the structure); empty when no switch is uncertain."""
    mix = run.structures
    if mix is None:
        return {}
    names = [m for m in KEY_METRICS if applies(m, has_cutoff=run.timeline.cutoff is not None)]
    weights = np.asarray(run.weights, dtype=float)
    combos = []
    for c in mix.combinations:
        mask = mix.mask(c)
        combos.append({
            "choices": c.choices,
            "prior_weight": _num(c.prior_weight),
            "log_evidence": None if c.log_evidence is None else _num(c.log_evidence),
            "posterior_probability": _num(c.posterior_probability),
            "effective_sample_size": _num(c.effective_sample_size),
            "metrics": {m: _stats_where(run.metrics[m], weights, mask, METRICS[m].unit) for m in names},
        })
    switches = {}
    for switch, rows in mix.marginals.items():
        index = run.calibrated.structure_choices[switch]
        entries = []
        for choice, prior_weight, posterior in rows:
            mask = index == SWITCHES[switch].choices.index(choice)
            entries.append({"choice": choice, "prior_weight": _num(prior_weight), "posterior_probability": _num(posterior),
                            "metrics": {m: _stats_where(run.metrics[m], weights, mask, METRICS[m].unit) for m in names}})
        switches[switch] = entries
    return {
        "structures": combos,
        "structure_switches": switches,
        "structure_share_of_variance": {m: _num(v) for m, v in mix.variance_share.items()},
        "structures_distinguishable": mix.distinguishable(),
    }


def _alternative_entry(name: str, structure: Structure, prior: Ensemble, calibrated: Ensemble,
                       cal: Calibration, metric_names: list[str]) -> dict[str, Any]:
    uniform = np.full(len(prior), 1.0 / len(prior))
    metrics = {}
    for m in metric_names:
        metrics[m] = {**metric_stats(calibrated.metrics[m], calibrated.weights), "unit": METRICS[m].unit}
    return {
        "name": name,
        "choices": _choices(structure),
        "metrics": metrics,
        "prior_metrics": {m: {**metric_stats(prior.metrics[m], uniform), "unit": METRICS[m].unit}
                          for m in metric_names},
        "log_evidence": _num(cal.log_evidence) if cal.log_evidence is not None else None,
        "effective_sample_size": _num(cal.effective_sample_size),
        "observations_fit": sum(1 for f in cal.fits if f.fits),
        "observations": len(cal.fits),
        "in_tension": [f.figure_id for f in cal.fits if f.in_tension],
    }


def alternatives_summary(run: RunResult) -> list[dict[str, Any]]:
    """The scenario's own structure first, then each alternative on the same samples (empty if none)."""
    if not run.alternatives:
        return []
    names = [m for m in KEY_METRICS if applies(m, has_cutoff=run.timeline.cutoff is not None)]
    out = [_alternative_entry("scenario", run.structure, run.prior, run.calibrated, run.calibration, names)]
    # (an alternative fixes the switches it names for every sample; the rest stay as the scenario has them)
    for alt in run.alternatives:
        out.append(_alternative_entry(alt.name, alt.structure, alt.prior, alt.calibrated, alt.calibration, names))
    return out


def build_summary(run: RunResult) -> dict[str, Any]:
    """The ``summary.json`` document (deterministic for the same scenario and seed)."""
    sc = run.scenario
    cal = run.calibration
    metric_names = [m for m in METRICS if applies(m, has_cutoff=run.timeline.cutoff is not None)]
    metrics = {}
    prior_metrics = {}
    def both(m: str) -> tuple[dict[str, float | None], dict[str, float | None]]:
        if run.calibrated.metrics[m] is run.prior.metrics[m]:  # the same samples, re-weighted: sort once
            post, before = metric_stats_sets(run.prior.metrics[m], [run.weights, None])
        else:
            post = metric_stats(run.calibrated.metrics[m], run.weights)
            before = metric_stats(run.prior.metrics[m])
        return post, before

    # sorting dominates for millions of samples; numpy sorts without the GIL, so threads share the cores
    with ThreadPoolExecutor(max_workers=default_threads()) as pool:
        for m, (post, before) in zip(metric_names, pool.map(both, metric_names)):
            metrics[m] = {**post, "unit": METRICS[m].unit}
            prior_metrics[m] = {**before, "unit": METRICS[m].unit}
    observations = []
    for obs, fit in zip(run.observed, cal.fits):
        observations.append({
            "id": obs.figure_id,
            "output": obs.output,
            "month": obs.month,
            "reported": None if obs.reported is None else _num(obs.reported),
            "claim": obs.kind,
            **_claim_entry(obs),
            "error_range_90": [_num(obs.low), _num(obs.high)],
            "p5": _num(fit.calibrated[0]),
            "p50": _num(fit.calibrated[1]),
            "p95": _num(fit.calibrated[2]),
            "prior_p5": _num(fit.prior[0]),
            "prior_p50": _num(fit.prior[1]),
            "prior_p95": _num(fit.prior[2]),
            "fits": fit.fits,
            "leave_one_out_quantile": _num(fit.loo_quantile),
            "in_tension_with_others": fit.in_tension,
        })
    return {
        "scenario": sc.name,
        "description": sc.description,
        "seed": sc.seed,
        "samples": sc.samples,
        "sampling": sc.sampling,
        "window": {"start": run.timeline.months[0], "end": run.timeline.months[-1]},
        "calibrated": cal.calibrated,
        "effective_sample_size": _num(cal.effective_sample_size),
        "log_evidence": _num(cal.log_evidence) if cal.log_evidence is not None else None,
        "calibration": {
            "method": cal.method,
            "stages": cal.stages,
            "model_evaluations": cal.evaluations,
            "acceptance_rates": [_num(a) for a in cal.acceptance_rates],
            "temperatures": [_num(t) for t in cal.temperatures],
            "unique_fraction": _num(cal.unique_fraction),
            "series": [list(ids) for ids in cal.series],
            "series_correlation": _num(cal.series_correlation),
        },
        "samples_kept": len(run.samples),
        "observations": observations,
        "calibration_findings": calibration_findings(cal, run.observed, samples=len(run.prior)),
        "conflicting_pairs": [{"a": a, "b": b, "ratio": _num(r)} for a, b, r in cal.conflicts],
        "metrics": metrics,
        "prior_metrics": prior_metrics,
        "drivers": {d.metric: driver_statement(d) for d in run.drivers},
        "structure": _choices(run.structure, run.structures.switches if run.structures else ()),
        **structures_summary(run),  # the answers by structure and their evidence (model.analysis.structures)
        "headline": list(run.scenario.headline),
        "value_of_information": value_of_information_summary(run),
        "alternatives": alternatives_summary(run),
        **logistics_entry(run),  # the discrete-event study, when the scenario has a logistics: section
        **analyst_summary(run),  # discovery, correlations, stopping, tradeoffs (model.presentation.analyst_summary)
    }


def trajectory_rows(run: RunResult, bands: dict[str, Bands]) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of ``trajectories.csv``: one row per month and trajectory."""
    header = ["month", "trajectory", "unit"] + [f"p{round(q * 100)}" for q in QUANTILES] + ["mean"]
    rows = []
    for name, entry in TRAJECTORIES.items():
        unit = entry.unit
        qs, mean = bands[name].calibrated, bands[name].mean
        for t, month in enumerate(run.timeline.months):
            rows.append([month, name, unit] + [_num(qs[q][t]) for q in QUANTILES] + [_num(mean[t])])
    return header, rows


def metric_columns(run: RunResult) -> tuple[list[str], np.ndarray]:
    """Header and (samples, columns) values of ``samples.csv``: sample index, inputs, metrics, weight."""
    m = len(run.samples)
    header = ["sample"] + run.samples.names + list(METRICS) + ["weight"]
    columns = [np.arange(m, dtype=float), *run.samples.values.T,
               *(run.metrics[name][:m].astype(float) for name in METRICS), run.weights[:m]]
    return header, np.column_stack(columns)


def sensitivity_rows(run: RunResult) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of ``sensitivity.csv``: one row per metric and input."""
    header = ["metric", "parameter", "S1", "S1_low", "S1_high", "ST", "ST_low", "ST_high",
              "swing_low", "swing_high", "swing", "rank_correlation",
              "S1_calibrated", "S1_calibrated_low", "S1_calibrated_high"]
    rows = []

    def at(arr: np.ndarray | None, j: int) -> float | None:
        return None if arr is None else _num(arr[j])

    for d in run.drivers:
        for j, name in enumerate(d.names):
            swing = None if d.swing_low is None else _num(d.swing_high[j] - d.swing_low[j])  # type: ignore[index]
            rows.append([d.metric, name, at(d.S1, j), at(d.S1_low, j), at(d.S1_high, j), at(d.ST, j),
                         at(d.ST_low, j), at(d.ST_high, j), at(d.swing_low, j), at(d.swing_high, j), swing,
                         at(d.rank_correlation, j), at(d.S1_calibrated, j), at(d.S1_calibrated_low, j),
                         at(d.S1_calibrated_high, j)])
    return header, rows
