"""Condense a run into its :class:`~model.summary.types.RunSummary` (numbers only, built once).

Quantiles of every metric under the calibrated weights and before calibration (a value that may
not happen in the window counts as +inf and is reported as ``share_never``), each reported figure
with how the model meets it, the calibration's diagnostics, the drivers' indices, the structures
averaged over, the value of information, and the trajectories' monthly bands; each optional
feature adds its own block (``model.features``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from ..analysis.outcome import RunResult
from ..analysis.stats import quantiles_under, weighted_quantile
from ..core.catalogue import KEY_METRICS, METRICS, TRAJECTORIES, applies
from ..core.threads import default_threads
from .types import (
    QUANTILES,
    Bands,
    Calibration,
    Candidate,
    DriverInput,
    Drivers,
    Observation,
    RunSummary,
    Stats,
    StructureChoice,
    StructureCombination,
    Structures,
    ValueOfInformation,
)

__all__ = ["summarise", "stats_sets", "stats_of", "metric_stats", "trajectory_quantiles", "trajectory_bands"]

FeatureBlocks = Callable[[RunResult], Mapping[str, Any]]


def stats_sets(values: np.ndarray, weight_sets: list[np.ndarray | None], unit: str) -> list[Stats]:
    """:func:`stats_of` for one metric under several weightings (None: equal), sorting once."""
    values = np.asarray(values)
    never = np.isnan(values)
    # Where every future sees it happen (most metrics), the values themselves: no copy of n values (80 MB
    # at ten million samples), and the same sums in the same order as over the finite ones
    some_never = bool(never.any())
    ranked = np.where(never, np.float32(np.inf) if values.dtype == np.float32 else np.inf, values) if some_never \
        else values
    quantiles = quantiles_under(ranked, weight_sets, [0.05, 0.5, 0.95])
    del ranked
    # the means in float64 over a float64 copy, made only now that the sort's memory is free
    happens = ~never if some_never else slice(None)  # a slice: a view, no copy
    finite_values = values[happens].astype(np.float64, copy=False)
    out = []
    for weights, qs in zip(weight_sets, quantiles):
        if weights is None:
            mean = float(np.mean(finite_values, dtype=np.float64)) if finite_values.size else None
            share = float(never.mean()) if some_never else None
        else:
            w = np.asarray(weights, dtype=float)
            w_finite = w[happens]
            finite_w = w_finite.sum()
            mean = float(np.dot(finite_values, w_finite) / finite_w) if finite_w > 0 else None
            share = float(w[never].sum() / w.sum()) if some_never else None
        q5, q50, q95 = (float(q) if math.isfinite(float(q)) else None for q in qs)
        out.append(Stats(mean, q5, q50, q95, unit, share))
    return out


def stats_of(values: np.ndarray, weights: np.ndarray | None, unit: str) -> Stats:
    """Mean and p5/p50/p95 of one metric; nan means 'did not happen' and counts as +inf.

    The values stay in their own type (float32 for the per-sample metrics: sorted by packed keys, half the
    memory of a float64 copy and faster); quantiles are interpolated and means summed in float64, so the
    numbers are those of a float64 copy."""
    return stats_sets(np.asarray(values), [None if weights is None else np.asarray(weights, float)], unit)[0]


def metric_stats(values: np.ndarray, weights: np.ndarray | None = None) -> dict[str, float | None]:
    """:func:`stats_of` as a mapping (``mean``, ``p5``, ``p50``, ``p95``, ``share_never`` where some do
    not happen), for the explorer and the lessons."""
    s = stats_of(values, weights, "")
    out: dict[str, float | None] = {"mean": s.mean, "p5": s.p5, "p50": s.p50, "p95": s.p95}
    if s.share_never is not None:
        out["share_never"] = s.share_never
    return out


def trajectory_quantiles(values: np.ndarray, weights: np.ndarray | None = None) -> dict[float, np.ndarray]:
    """Per-month quantiles (keys ``QUANTILES``) of a (samples, months) trajectory."""
    q = np.asarray(QUANTILES)
    out = np.asarray(weighted_quantile(np.asarray(values, dtype=float), q, weights))
    return {level: out[i] for i, level in enumerate(QUANTILES)}


def trajectory_bands(run: RunResult) -> dict[str, Bands]:
    """Quantile bands of every trajectory (the first futures a run keeps them for)."""
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


def _metrics(run: RunResult, names: list[str]) -> tuple[dict[str, Stats], dict[str, Stats]]:
    def both(m: str) -> tuple[Stats, Stats]:
        unit = METRICS[m].unit
        if run.calibrated.metrics[m] is run.prior.metrics[m]:  # the same samples, re-weighted: sort once
            post, before = stats_sets(run.prior.metrics[m], [run.weights, None], unit)
        else:
            post = stats_of(run.calibrated.metrics[m], run.weights, unit)
            before = stats_of(run.prior.metrics[m], None, unit)
        return post, before

    # sorting dominates for millions of samples; numpy sorts without the GIL, so threads share the cores
    with ThreadPoolExecutor(max_workers=default_threads()) as pool:
        pairs = list(pool.map(both, names))
    return {m: p for m, (p, _) in zip(names, pairs)}, {m: b for m, (_, b) in zip(names, pairs)}


def _observations(run: RunResult) -> tuple[Observation, ...]:
    out = []
    for obs, fit in zip(run.observed, run.calibration.fits):
        out.append(Observation(
            obs.figure_id, obs.output, obs.month, obs.kind, obs.reported, obs.allowed, (obs.low, obs.high),
            fit.calibrated, fit.prior, bool(fit.fits), float(fit.loo_quantile), bool(fit.in_tension),
            words=obs.words, bound=obs.bound, fill=obs.fill if obs.kind == "capacity" else None, months=obs.months))
    return tuple(out)


def _calibration(run: RunResult) -> Calibration:
    cal = run.calibration
    return Calibration(cal.calibrated, cal.method, float(cal.effective_sample_size), cal.log_evidence, cal.stages,
                       cal.evaluations, tuple(cal.acceptance_rates), tuple(cal.temperatures), float(cal.unique_fraction),
                       tuple(cal.series), float(cal.series_correlation),
                       tuple((a, b, float(r)) for a, b, r in cal.conflicts), len(run.calibrated.weights))


def _value(arr: np.ndarray | None, j: int) -> float | None:
    return None if arr is None else float(arr[j])


def _drivers(run: RunResult) -> tuple[Drivers, ...]:
    out = []
    for d in run.drivers:
        inputs = tuple(DriverInput(
            name, _value(d.S1, j), _value(d.S1_low, j), _value(d.S1_high, j), _value(d.ST, j), _value(d.ST_low, j),
            _value(d.ST_high, j), _value(d.swing_low, j), _value(d.swing_high, j), _value(d.rank_correlation, j),
            _value(d.S1_calibrated, j), _value(d.S1_calibrated_low, j), _value(d.S1_calibrated_high, j))
            for j, name in enumerate(d.names))
        out.append(Drivers(d.metric, inputs, d.swing_baseline))
    return tuple(out)


def _stats_where(run: RunResult, metric: str, mask: np.ndarray) -> Stats:
    w = np.asarray(run.weights, dtype=float)[mask]
    unit = METRICS[metric].unit
    total = w.sum()
    if not total > 0:
        return Stats(None, None, None, None, unit)
    w /= total  # in place: a structure's futures may be half of ten million
    return stats_of(run.metrics[metric][mask], w, unit)


def _structures(run: RunResult, names: list[str]) -> Structures | None:
    mix = run.structures
    if mix is None:
        return None
    from ..core.structure import SWITCHES

    combos = tuple(StructureCombination(
        c.choices, c.prior_weight, c.log_evidence, c.posterior_probability, c.effective_sample_size,
        {m: _stats_where(run, m, mix.mask(c)) for m in names}) for c in mix.combinations)
    switches = {}
    for switch, rows in mix.marginals.items():
        index = run.calibrated.structure_choices[switch]
        switches[switch] = tuple(StructureChoice(
            switch, choice, prior_weight, posterior,
            {m: _stats_where(run, m, index == SWITCHES[switch].choices.index(choice)) for m in names})
            for choice, prior_weight, posterior in rows)
    return Structures(combos, switches, dict(mix.variance_share), mix.distinguishable(),
                      {s: dict(v) for s, v in mix.switch_variance_share.items()})


def _value_of_information(run: RunResult) -> tuple[ValueOfInformation, ...]:
    from ..analysis.value_of_information import interval_cannot_narrow

    out = []
    for metric, ranked in run.value_of_information.items():
        by_spread = interval_cannot_narrow(ranked)
        if by_spread:
            ranked = sorted(ranked, key=lambda r: -r.sd_narrowing)
        out.append(ValueOfInformation(metric, METRICS[metric].unit, "standard_deviation" if by_spread else "interval_90",
                                      tuple(Candidate(r.candidate.quantity, r.candidate.label, r.candidate.reliability,
                                                      r.width_before, r.width_after, r.sd_before, r.sd_after,
                                                      r.narrowing, r.sd_narrowing)
                                            for r in ranked)))
    return tuple(out)


def summarise(run: RunResult, features: FeatureBlocks | None = None) -> RunSummary:
    """The run's summary (deterministic for the same scenario and seed). ``features(run)`` gives the
    optional features' blocks by name (``model.features.registry.feature_blocks``)."""
    sc = run.scenario
    has_cutoff = run.timeline.cutoff is not None
    names = [m for m in METRICS if applies(m, has_cutoff=has_cutoff)]
    metrics, prior_metrics = _metrics(run, names)
    uncertain = run.structures.switches if run.structures else ()
    structure = {s: ("averaged" if s in uncertain else c) for s, c in run.structure.all_choices().items()}
    key = [m for m in KEY_METRICS if m in names]
    return RunSummary(
        scenario=sc.name, description=sc.description, seed=sc.seed, samples=int(sc.samples),  # type: ignore[arg-type]
        sampling=sc.sampling, months=tuple(run.timeline.months),
        cutoff=None if run.timeline.cutoff is None else run.timeline.months[run.timeline.cutoff],
        headline=tuple(m for m in sc.headline if m in names), structure=structure,
        fire_drop_threshold=run.structure.fire_drop_threshold, shortage_threshold=sc.shortage_threshold,
        samples_kept=len(run.samples), calibration=_calibration(run), observations=_observations(run),
        metrics=metrics, prior_metrics=prior_metrics, drivers=_drivers(run),
        structures=_structures(run, list(dict.fromkeys([*sc.headline, *key]))) if run.structures else None,
        value_of_information=_value_of_information(run),
        figure_inputs={p.name: p.figure_id for p in run.priors if p.figure_id is not None},
        features=dict(features(run)) if features is not None else {},
        bands=trajectory_bands(run) if run.calibrated.trajectories else {},
    )
