"""One scenario from validated YAML to calibrated numbers, with no file I/O.

Steps: priors from the scenario and registry -> samples in fixed blocks -> the
model on each block -> calibration against the observed figures -> which inputs
drive the chosen metrics. Blocks may be mapped over any executor (local processes,
Dask); results do not depend on how many, because each block's random stream
comes from the scenario seed and the block index alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from .analysis.calibration import ObservedFigure, calibrate, observed_figure
from .analysis.outcome import Drivers, RunResult
from .core.catalogue import METRICS, TRAJECTORIES
from .core.dynamics import simulate
from .core.timeline import Timeline
from .inputs.events import build_timeline
from .inputs.priors import ParameterPrior, build_priors
from .inputs.registry import Registry
from .inputs.sampling import BLOCK_SIZE, SampleSet, block_ranges, sample_block
from .inputs.schema import Scenario
from .inputs.units import conversion_factor
from .sensitivity import one_at_a_time_swings, rank_correlations, sobol_analysis

__all__ = ["run_scenario", "analyse_drivers", "observed_figures", "TRAJECTORY_SAMPLE_CAP"]

# Per-month trajectories are kept for at most this many samples (the first blocks);
# metrics and observed values are kept for every sample.
TRAJECTORY_SAMPLE_CAP = 2 * BLOCK_SIZE

MapFn = Callable[[Callable[..., Any], Iterable[Any]], Iterable[Any]]


def observed_figures(scenario: Scenario, registry: Registry) -> list[ObservedFigure]:
    """The scenario's observations as the calibration sees them."""
    out = []
    for fid, obs in scenario.observations.items():
        fig = registry.get(fid)
        factor = conversion_factor(fig.unit, TRAJECTORIES[obs.output].unit)
        out.append(observed_figure(fig, output=obs.output, month=obs.at or fig.as_of_month(),
                                   spread=obs.spread, factor=factor))
    return out


def _evaluate_block(task: tuple) -> tuple[np.ndarray, dict[str, np.ndarray], np.ndarray, dict[str, np.ndarray]]:
    """Sample and simulate one block (a top-level function so process pools can pickle it)."""
    priors, timeline, block, size, method, seed, threshold, observed, keep_trajectories = task
    values = sample_block(priors, block, size, method=method, seed=seed)
    params = {p.name: values[:, j] for j, p in enumerate(priors)}
    wanted = {o.output for o in observed} | (set(TRAJECTORIES) if keep_trajectories else set())
    outcome = simulate(params, timeline, shortage_threshold=threshold, keep=wanted)
    obs = np.column_stack(
        [outcome.trajectories[o.output][:, timeline.index(o.month)] for o in observed]
    ) if observed else np.empty((size, 0))
    traj = {k: v.astype(np.float32) for k, v in outcome.trajectories.items()} if keep_trajectories else {}
    return values, outcome.metrics, obs, traj


def _censored(values: np.ndarray, timeline: Timeline) -> np.ndarray:
    """Metric values with 'did not happen within the window' (nan) set to the months left after
    the cut-off, the smallest value it could take beyond the window (for rank-based analysis)."""
    return np.nan_to_num(values, nan=float(len(timeline) - (timeline.cutoff or 0)))


def _model_function(priors: list[ParameterPrior], timeline: Timeline, threshold: float,
                    metric_names: list[str]) -> Callable[[np.ndarray], np.ndarray]:
    """The model as ``(m, d_uncertain) -> (m, k)`` for the sensitivity analysis."""
    uncertain = [p for p in priors if p.is_uncertain]

    def func(x: np.ndarray) -> np.ndarray:
        params = {p.name: x[:, j] for j, p in enumerate(uncertain)}
        for p in priors:
            if not p.is_uncertain:
                params[p.name] = np.full(x.shape[0], p.fixed_value)
        out = simulate(params, timeline, shortage_threshold=threshold).metrics
        return np.column_stack([_censored(out[m], timeline) for m in metric_names])

    return func


def analyse_drivers(run: RunResult, *, seed: int) -> list[Drivers]:
    """Sobol indices, tornado swings and rank correlations for the scenario's chosen metrics."""
    sc = run.scenario
    metric_names = list(dict.fromkeys(sc.sensitivity.metrics))
    if run.timeline.cutoff is None:
        metric_names = [m for m in metric_names if m != "months_to_shortage_after_cutoff"]
    uncertain = [p for p in run.priors if p.is_uncertain]
    names = [p.name for p in uncertain]
    if not metric_names or not uncertain:
        return []
    func = _model_function(run.priors, run.timeline, sc.shortage_threshold, metric_names)
    dists = [p.dist for p in uncertain]
    methods = set(sc.sensitivity.methods)
    sobol = sobol_analysis(func, dists, sc.sensitivity.sobol_samples, seed=seed, names=names) if "sobol" in methods else None
    oat = one_at_a_time_swings(func, dists, names=names) if "tornado" in methods else None
    if "rank" in methods:
        cols = [run.samples.names.index(n) for n in names]
        outputs = np.column_stack([_censored(run.metrics[m], run.timeline) for m in metric_names])
        ranks = np.atleast_2d(rank_correlations(run.samples.values[:, cols], outputs, weights=run.weights))
    else:
        ranks = None
    result = []
    for k, metric in enumerate(metric_names):
        if sobol is not None:
            s1, st = np.atleast_2d(sobol["S1"])[k], np.atleast_2d(sobol["ST"])[k]
            s1_lo, s1_hi = (np.atleast_2d(b)[k] for b in sobol["S1_conf"])
            st_lo, st_hi = (np.atleast_2d(b)[k] for b in sobol["ST_conf"])
        else:
            s1 = st = s1_lo = s1_hi = st_lo = st_hi = None
        if oat is not None:
            lo = np.atleast_2d(oat["low_value"])[k]
            hi = np.atleast_2d(oat["high_value"])[k]
            base = float(np.atleast_1d(oat["baseline"])[k])
        else:
            lo = hi = None
            base = None
        rc = ranks[k] if ranks is not None else None
        result.append(Drivers(metric, names, s1, s1_lo, s1_hi, st, st_lo, st_hi, lo, hi, base, rc))
    return result


def run_scenario(
    scenario: Scenario,
    registry: Registry,
    *,
    samples: int | None = None,
    seed: int | None = None,
    map_blocks: MapFn = map,
    on_block: Callable[[int], None] | None = None,
) -> RunResult:
    """Run one validated scenario: sample, simulate, calibrate, analyse.

    ``samples`` and ``seed`` override the scenario's; ``map_blocks`` is a ``map``-like
    callable (the builtin, an executor's ``map`` or a Dask equivalent) over blocks.
    ``on_block(samples_done)`` is called as blocks finish (for progress bars).
    """
    n = samples if samples is not None else scenario.samples
    seed = seed if seed is not None else scenario.seed
    if samples is not None or seed is not None:
        scenario = scenario.model_copy(update={"samples": n, "seed": seed})
    priors = build_priors(scenario.parameters, registry)
    timeline = build_timeline(scenario)
    observed = observed_figures(scenario, registry)
    tasks = [
        (priors, timeline, b, stop - start, scenario.sampling, seed, scenario.shortage_threshold, observed,
         start < TRAJECTORY_SAMPLE_CAP)
        for b, start, stop in block_ranges(n)
    ]
    values = np.empty((n, len(priors)))
    metrics = {m: np.empty(n) for m in METRICS}
    obs_values = np.empty((n, len(observed)))
    traj_parts: dict[str, list[np.ndarray]] = {}
    done = 0
    for (b, start, stop), (vals, mets, obs, traj) in zip(block_ranges(n), map_blocks(_evaluate_block, tasks)):
        values[start:stop] = vals
        for m in METRICS:
            metrics[m][start:stop] = mets[m]
        obs_values[start:stop] = obs
        for k, v in traj.items():
            traj_parts.setdefault(k, []).append(v)
        done += stop - start
        if on_block is not None:
            on_block(done)
    trajectories = {k: np.concatenate(v)[:TRAJECTORY_SAMPLE_CAP] for k, v in traj_parts.items()}
    calibration = calibrate(obs_values, observed)
    run = RunResult(scenario, priors, timeline, SampleSet([p.name for p in priors], values), metrics,
                    trajectories, observed, obs_values, calibration, [])
    run.drivers = analyse_drivers(run, seed=seed)
    return run
