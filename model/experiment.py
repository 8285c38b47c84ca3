"""One scenario from validated YAML to calibrated numbers, with no file I/O.

Steps: priors from the scenario and registry -> samples in fixed blocks -> the model on
each block -> calibration against the observed figures (importance weighting, or tempered
SMC whose particles are then run once more) -> which inputs drive the chosen metrics.
Blocks may be mapped over any executor (local processes, Dask); results do not depend on
how many, because each block's random stream comes from the scenario seed and the block
index alone, and SMC runs in this process from its own stream of the same seed.

Memory is bounded for the documented maximum (10,000,000 samples, up to 240 months): per
sample only the metrics (float32), the model values at the observed figures' dates (float32,
one per figure; an undated total's at a date drawn for the sample), each undated total's
log-likelihood over its possible dates (float32) and the structural choices (int8) are kept;
the trajectories of the first ``trajectory_samples(months)`` samples (32,768 up to 48 months,
fewer beyond) and the inputs of the first ``SAMPLES_KEPT``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np

from .analysis.calibration import (
    Calibration,
    ObservedFigure,
    Posterior,
    calibrate,
    date_draws,
    fill_drawn_dates,
    integrated_over_dates,
    log_likelihoods,
    observation_points,
    observed_figure,
    with_node_columns,
)
from .analysis.given_data import GivenDataIndices, first_order_given_data_many
from .analysis.outcome import Drivers, Ensemble, RunResult
from .analysis.series import series_correction, series_groups
from .analysis.smc import importance_weights, temper
from .analysis.structures import structure_mixture
from .analysis.value_of_information import value_of_information
from .core.catalogue import METRICS, TRAJECTORIES, applies
from .core.dynamics import Structure, simulate
from .core.months import month_range
from .core.structure import switch_of_parameter
from .core.timeline import Timeline
from .features.base import ComputeContext
from .features.registry import features
from .features.stopping.compute import Stopping, draw_until_precise, precision_target
from .inputs.dependence import Dependence, dependence_of
from .inputs.distributions import ParameterPrior
from .inputs.events import build_structure, build_timeline
from .inputs.priors import scenario_priors
from .inputs.registry import Registry
from .inputs.sampling import (
    BLOCK_SIZE,
    SampleSet,
    block_ranges,
    block_values,
    uncertain_count,
    unit_block,
    unit_to_values,
)
from .inputs.schema import SMC_MAX_PARTICLES, Scenario
from .inputs.units import conversion_factor
from .sensitivity import one_at_a_time_swings, rank_correlations, sobol_analysis
from .workers import return_freed_memory

__all__ = ["run_scenario", "analyse_drivers", "observed_figures", "observed_points", "trajectory_samples",
           "TRAJECTORY_SAMPLE_CAP", "TRAJECTORY_CELLS", "SAMPLES_KEPT"]

# Per-month trajectories are kept for the first samples (prior and calibrated), and parameter
# values for the first SAMPLES_KEPT samples; metrics and observed values for all.
TRAJECTORY_SAMPLE_CAP = 32_768  # quantile bands of 32,768 futures: error well below a line width
# Kept trajectories (29 of them, float32) cost samples x months x 116 bytes: 32,768 futures of 48 months
# are 174 MiB, and the same futures at 240 months would be 870 MiB (and as much again while gathered).
TRAJECTORY_CELLS = TRAJECTORY_SAMPLE_CAP * 48
SAMPLES_KEPT = BLOCK_SIZE  # 65,536: inputs per sample kept for files, ranks, discovery, trade-offs
# At most this many Metropolis steps per SMC stage: with acceptance near 0.25, 10 steps move 94 % of the
# particles at least once (the rest stay duplicates; summary.json reports the unique share), at half the cost of 20.
SMC_MOVES_PER_STAGE = 5  # Metropolis steps per stage at most: 71 % of the particles move at the usual 22 % acceptance
GIVEN_DATA_ROWS = 16_384  # calibrated first-order indices use the first samples (0.3 s a metric, measured)
_SMC_STREAM = 2**31 - 2  # spawn key of the SMC random stream (sampling uses block indices and 2**31-1)

MapFn = Callable[[Callable[..., Any], Iterable[Any]], Iterable[Any]]


def trajectory_samples(months: int) -> int:
    """How many futures keep their trajectories in a window of ``months``: ``TRAJECTORY_SAMPLE_CAP`` up to
    48 months, beyond that as many as keep samples x months within ``TRAJECTORY_CELLS`` (6,553 at 240)."""
    return min(TRAJECTORY_SAMPLE_CAP, TRAJECTORY_CELLS // max(months, 1))


def observed_figures(scenario: Scenario, registry: Registry) -> list[ObservedFigure]:
    """The scenario's observations as the calibration sees them."""
    out = []
    months = month_range(scenario.window.start, scenario.window.horizon_months)
    for fid, obs in scenario.observations.items():
        fig = registry.get(fid)
        factor = conversion_factor(fig.unit, TRAJECTORIES[obs.output].unit)
        out.append(observed_figure(fig, output=obs.output, month=obs.at or fig.as_of_month(), spread=obs.spread,
                                   factor=factor, window=(months[0], months[-1]),
                                   between=tuple(obs.between) if obs.between else None))  # type: ignore[arg-type]
    return with_node_columns(out)


def observed_points(observed: list[ObservedFigure], timeline: Timeline) -> list[tuple[str, int]]:
    """(trajectory, month index) of every column of ``observed_values``: each figure's date (an undated
    total's last possible month, replaced by a draw of them), then the undated totals' possible months."""
    return ([(o.output, timeline.index(o.month)) for o in observed]
            + [(name, timeline.index(m)) for name, m in observation_points(observed)])


@dataclass(frozen=True)
class _Block:
    """One block of samples to evaluate: drawn from the design, or given as design points."""

    priors: list[ParameterPrior]
    timeline: Timeline
    block: int
    start: int
    size: int
    method: Literal["mc", "lhs", "sobol"]
    seed: int
    threshold: float
    structure: Structure
    figures: tuple[ObservedFigure, ...]  # the observed figures, in the order of observed_values' columns
    observed: list[tuple[str, int]]  # (trajectory, month index) of each figure's date, then the undated totals' months
    draws: tuple[tuple[int, tuple[int, ...]], ...]  # undated totals: own column, columns of their months
    trajectory_rows: int  # the block's first samples that keep every trajectory
    keep_inputs: int  # rows of parameter values to return
    keep_unit: bool  # return the design points (SMC starts from them)
    unit: np.ndarray | None = None  # given design points (SMC particles)
    correlation: Dependence | None = None  # inputs that move together (model.inputs.dependence)


@dataclass(frozen=True)
class _BlockOut:
    metrics: dict[str, np.ndarray]
    observed_values: np.ndarray  # (size, figures)
    undated_log_likelihoods: dict[str, np.ndarray]  # figure id -> (size,) float32 (model.analysis.outcome.Ensemble)
    trajectories: dict[str, np.ndarray]
    inputs: np.ndarray
    unit: np.ndarray | None
    choices: dict[str, np.ndarray]  # each uncertain switch's choice index per sample (int8)


def _evaluate_block(task: _Block) -> _BlockOut:
    """Sample (or take) and simulate one block (a top-level function so process pools can pickle it)."""
    d = uncertain_count(task.priors)
    unit = task.unit if task.unit is not None else unit_block(d, task.block, task.size, method=task.method,
                                                              seed=task.seed)
    values, unit = block_values(task.priors, unit, correlation=task.correlation,  # SMC particles: no block
                                seed=None if task.unit is not None else task.seed, block=task.block)
    observed = {name for name, _ in task.observed}
    every_month = list(range(len(task.timeline)))
    observed_months = sorted({t for _, t in task.observed})  # the rest of the block: only the observed dates
    # every trajectory only for the first samples (trajectory_samples); a cheaper second call for the rest
    parts = [(0, task.trajectory_rows, observed | set(TRAJECTORIES), every_month),
             (task.trajectory_rows, task.size, observed, observed_months)]
    metrics = {name: np.empty(task.size, dtype=np.float32) for name in METRICS}
    obs = np.empty((task.size, len(task.observed)), dtype=np.float32)
    traj: dict[str, np.ndarray] = {}
    for a, b, keep, months in parts:
        if a == b:
            continue
        params = {p.name: values[a:b, j] for j, p in enumerate(task.priors)}
        with np.errstate(all="ignore"):
            outcome = simulate(params, task.timeline, shortage_threshold=task.threshold, structure=task.structure,
                               keep=keep, months=months, trajectory_dtype=np.float32)
        for name, v in outcome.metrics.items():
            metrics[name][a:b] = v
        for j, (name, t) in enumerate(task.observed):
            obs[a:b, j] = outcome.trajectories[name][:, months.index(t)]
        fill_drawn_dates(obs[a:b], task.draws, np.arange(task.start + a, task.start + b))
        if keep is not observed:  # sample-major copies, one at a time: each record is freed as it is copied
            records = outcome.trajectories
            traj = {k: np.ascontiguousarray(records.pop(k)) for k in sorted(records)}
    # an undated total's months are reduced to its log-likelihood here: n x 6 values would not be kept
    undated = integrated_over_dates(obs, list(task.figures))
    figure_values = np.ascontiguousarray(obs[:, :len(task.figures)])
    choices = {switch: np.rint(values[:, j]).astype(np.int8) for j, p in enumerate(task.priors)
               if (switch := switch_of_parameter(p.name)) is not None and p.is_uncertain}
    return _BlockOut(metrics, figure_values, undated, traj, values[:task.keep_inputs].copy(),
                     unit if task.keep_unit else None, choices)


def _ensemble(priors: list[ParameterPrior], timeline: Timeline, tasks: list[_Block], map_blocks: MapFn,
              on_block: Callable[[int], None] | None, weights: np.ndarray | None = None
              ) -> tuple[Ensemble, np.ndarray | None]:
    """Evaluate the blocks and gather their per-sample results (and the design, if kept)."""
    n = sum(t.size for t in tasks)
    # a metric that means nothing without a cut-off is nan for every sample: one nan seen n times (read-only)
    has_cutoff = timeline.cutoff is not None
    metrics = {m: np.empty(n, dtype=np.float32) if applies(m, has_cutoff=has_cutoff)
               else np.broadcast_to(np.float32(np.nan), (n,)) for m in METRICS}
    figures = tasks[0].figures
    obs = np.empty((n, len(figures)), dtype=np.float32)
    undated = {o.figure_id: np.empty(n, dtype=np.float32) for o in figures if o.node_columns}
    kept = min(n, SAMPLES_KEPT)
    inputs = np.empty((kept, len(priors)))
    unit = np.empty((n, uncertain_count(priors))) if tasks[0].keep_unit else None
    choices = {switch: np.empty(n, dtype=np.int8) for p in priors
               if (switch := switch_of_parameter(p.name)) is not None and p.is_uncertain}
    traj_parts: dict[str, list[np.ndarray]] = {}
    done = 0
    for task, out in zip(tasks, map_blocks(_evaluate_block, tasks)):
        a, b = task.start, task.start + task.size
        for m, values in metrics.items():
            if values.flags.writeable:
                values[a:b] = out.metrics[m]
            elif not np.isnan(out.metrics[m]).all():  # pragma: no cover - guards the catalogue's needs_cutoff
                raise RuntimeError(f"{m} has values without a cut-off: model.core.catalogue says it needs one")
        obs[a:b] = out.observed_values
        for fid, values in out.undated_log_likelihoods.items():
            undated[fid][a:b] = values
        if a < kept:
            inputs[a:min(b, kept)] = out.inputs[:min(b, kept) - a]
        if unit is not None and out.unit is not None:
            unit[a:b] = out.unit
        for switch, values in out.choices.items():
            choices[switch][a:b] = values
        for k, v in out.trajectories.items():
            traj_parts.setdefault(k, []).append(v)
        done += task.size
        if on_block is not None:
            on_block(done)
    trajectories = {k: v[0] if len(v) == 1 else np.concatenate(v) for k, v in traj_parts.items()}
    return_freed_memory()  # what the blocks' temporaries left in the heap, before calibration needs it
    # equal weights as one number seen n times (read-only): 80 MB less at ten million samples
    w = np.broadcast_to(np.float64(1.0 / n), (n,)) if weights is None else weights
    return Ensemble(metrics, w, obs, trajectories, SampleSet([p.name for p in priors], inputs), choices,
                    undated), unit


def _tasks(scenario: Scenario, priors: list[ParameterPrior], timeline: Timeline, observed: list[ObservedFigure],
           n: int, *, structure: Structure, keep_unit: bool, unit: np.ndarray | None = None) -> list[_Block]:
    points = observed_points(observed, timeline)
    dependence = dependence_of(scenario, priors)
    with_trajectories = trajectory_samples(len(timeline))
    return [_Block(priors, timeline, b, start, stop - start, scenario.sampling, scenario.seed,
                   scenario.shortage_threshold, structure, tuple(observed), points, date_draws(observed),
                   max(0, min(stop, with_trajectories) - start), max(0, min(stop, SAMPLES_KEPT) - start), keep_unit,
                   None if unit is None else unit[start:stop], correlation=dependence)
            for b, start, stop in block_ranges(n)]


def _smc_log_likelihood(priors: list[ParameterPrior], timeline: Timeline, threshold: float, structure: Structure,
                        observed: list[ObservedFigure], rho: float = 0.0,
                        correlation: Dependence | None = None) -> Callable[[np.ndarray], np.ndarray]:
    """The calibration target for SMC: design points (m, d) -> summed log-likelihood (m,)."""
    points = observed_points(observed, timeline)
    outputs = {name for name, _ in points}
    months = sorted({t for _, t in points})
    draws = date_draws(observed)

    def log_likelihood(unit: np.ndarray) -> np.ndarray:
        values = unit_to_values(priors, unit, correlation=correlation)
        params = {p.name: values[:, j] for j, p in enumerate(priors)}
        with np.errstate(all="ignore"):
            out = simulate(params, timeline, shortage_threshold=threshold, structure=structure,
                           keep=outputs, months=months).trajectories
        at = np.column_stack([out[name][:, months.index(t)] for name, t in points])
        fill_drawn_dates(at, draws, np.arange(at.shape[0]))
        return _joint_log_likelihood(at, observed, rho)

    return log_likelihood


def _joint_log_likelihood(values: np.ndarray, observed: list[ObservedFigure], rho: float,
                          integrated: dict[str, np.ndarray] | None = None) -> np.ndarray:
    """Summed log-likelihood of the figures, with the joint density of each series (one
    trajectory observed at several dates, ``model.analysis.series``) when ``rho`` > 0;
    ``integrated``: the undated totals' log-likelihoods, when ``values`` holds the figures' own columns only."""
    total = log_likelihoods(values, observed, integrated=integrated).sum(axis=1)
    if rho > 0 and series_groups(observed):
        return total + series_correction(values, observed, rho)
    return total


def _censored(values: np.ndarray, timeline: Timeline) -> np.ndarray:
    """Metric values with 'did not happen within the window' (nan) set to the months left after
    the cut-off, the smallest value it could take beyond the window (for rank-based analysis)."""
    return np.nan_to_num(values, nan=float(len(timeline) - (timeline.cutoff or 0)))


def _model_function(priors: list[ParameterPrior], timeline: Timeline, threshold: float, structure: Structure,
                    metric_names: list[str]) -> Callable[[np.ndarray], np.ndarray]:
    """The model as ``(m, d_uncertain) -> (m, k)`` for the sensitivity analysis."""
    uncertain = [p for p in priors if p.is_uncertain]

    def func(x: np.ndarray) -> np.ndarray:
        params = {p.name: x[:, j] for j, p in enumerate(uncertain)}
        for p in priors:
            if not p.is_uncertain:
                params[p.name] = np.full(x.shape[0], p.fixed_value)
        with np.errstate(all="ignore"):
            out = simulate(params, timeline, shortage_threshold=threshold, structure=structure).metrics
        return np.column_stack([_censored(out[m], timeline) for m in metric_names])

    return func


def analyse_drivers(run: RunResult, *, seed: int) -> list[Drivers]:
    """Sobol indices, tornado swings and rank correlations for the scenario's chosen metrics."""
    sc = run.scenario
    metric_names = list(dict.fromkeys(sc.sensitivity.metrics))
    if run.timeline.cutoff is None:
        metric_names = [m for m in metric_names if applies(m, has_cutoff=False)]
    uncertain = [p for p in run.priors if p.is_uncertain]
    names = [p.name for p in uncertain]
    if not metric_names or not uncertain:
        return []
    func = _model_function(run.priors, run.timeline, sc.shortage_threshold, build_structure(sc), metric_names)
    dists = [p.dist for p in uncertain]
    methods = set(sc.sensitivity.methods)
    sobol = sobol_analysis(func, dists, sc.sensitivity.sobol_samples, seed=seed, names=names) if "sobol" in methods else None
    oat = one_at_a_time_swings(func, dists, names=names) if "tornado" in methods else None
    if "rank" in methods:
        kept = run.calibrated.inputs
        m = len(kept)
        cols = [kept.names.index(n) for n in names]
        outputs = np.column_stack([_censored(run.metrics[name][:m].astype(float), run.timeline)
                                   for name in metric_names])
        ranks = np.atleast_2d(rank_correlations(kept.values[:, cols], outputs, weights=run.calibrated.head_weights(m)))
    else:
        ranks = None
    calibrated_s1 = _calibrated_first_order(run, names, metric_names, seed=seed) if sobol is not None else None
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
        if calibrated_s1 is not None:
            cal = calibrated_s1[k]
            result[-1].S1_calibrated, result[-1].S1_calibrated_low, result[-1].S1_calibrated_high = (
                cal.S1, cal.S1_low, cal.S1_high)
    return result


def _calibrated_first_order(run: RunResult, names: list[str], metric_names: list[str], *,
                            seed: int) -> list[GivenDataIndices] | None:
    """First-order indices on the calibrated samples (given-data estimator, weighted, with bootstrap
    intervals), one per metric; None when the run is not calibrated. The calibrated inputs are
    dependent, so these need not add up to at most 1 (see ``model.analysis.given_data``)."""
    if not run.calibration.calibrated:
        return None
    kept = run.calibrated.inputs
    m = min(len(kept), GIVEN_DATA_ROWS)  # the first samples: the bootstrap costs rows x 200
    x = kept.values[:m, [kept.names.index(n) for n in names]]
    weights = run.calibrated.head_weights(m)
    outputs = np.column_stack([_censored(run.metrics[name][:m].astype(float), run.timeline) for name in metric_names])
    return first_order_given_data_many(x, outputs, weights=weights, seed=seed, bootstrap=200)


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
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # extreme inputs: nan/inf are handled as values
        return _run(scenario, registry, n, seed, map_blocks, on_block)


def _calibrated(scenario: Scenario, priors: list[ParameterPrior], timeline: Timeline,
                observed: list[ObservedFigure], structure: Structure, n: int, seed: int, map_blocks: MapFn,
                on_block: Callable[[int], None] | None,
                drawn: tuple[Ensemble, np.ndarray | None] | None = None) -> tuple[Ensemble, Ensemble, Calibration]:
    """The prior futures under one structure, and the calibrated ones (importance or SMC).
    ``drawn``: the prior futures and their design points when already drawn (``samples: auto``)."""
    settings = scenario.calibration
    use_smc = bool(observed) and settings.method == "smc" and n <= SMC_MAX_PARTICLES and uncertain_count(priors) > 0
    tasks = _tasks(scenario, priors, timeline, observed, n, structure=structure, keep_unit=use_smc)
    prior, unit = _ensemble(priors, timeline, tasks, map_blocks, on_block) if drawn is None else drawn
    calibrated = prior
    posterior: Posterior | None = None
    moved = False  # the calibrated futures are SMC's particles, not the prior samples weighted
    if use_smc:
        assert unit is not None
        total = _joint_log_likelihood(prior.observed_values, observed, settings.series_correlation,
                                      prior.undated_log_likelihoods)
        # one importance-weighting step of every sample when it keeps enough of them effective; else SMC
        # moves the first `particles` of them (a balanced part of the design) through the stages
        p = n if importance_weights(total)[1] >= settings.target_ess * n else min(n, settings.particles)
        target = _smc_log_likelihood(priors, timeline, scenario.shortage_threshold, structure, observed,
                                     settings.series_correlation, tasks[0].correlation)
        result = temper(target, unit[:p], seed=np.random.SeedSequence(seed, spawn_key=(_SMC_STREAM,)),
                        target_ess_fraction=settings.target_ess, initial_log_likelihood=total[:p],
                        max_moves_per_stage=SMC_MOVES_PER_STAGE)
        # the calibrated futures are the particles (moved, or only weighted when one step kept enough of the
        # first p effective): they are run once more; all n samples only when one step weighted them all
        moved = result.method == "smc" or p < n
        if moved:
            tasks = _tasks(scenario, priors, timeline, observed, len(result.unit_samples), structure=structure,
                           keep_unit=False, unit=result.unit_samples)
            calibrated, _ = _ensemble(priors, timeline, tasks, map_blocks, None, weights=result.weights)
        posterior = Posterior(calibrated.observed_values, result.weights, result.method, result.log_evidence,
                              result.effective_sample_size, result.stages, result.evaluations,
                              result.acceptance_rates, result.temperatures, result.unique_fraction)
    calibration = calibrate(prior.observed_values, observed, posterior=posterior,
                            series_correlation=settings.series_correlation, integrated=prior.undated_log_likelihoods)
    if not moved:
        calibrated = replace(prior, weights=calibration.weights)
    return prior, calibrated, calibration


def _draw_auto(scenario: Scenario, priors: list[ParameterPrior], timeline: Timeline, observed: list[ObservedFigure],
               structure: Structure, map_blocks: MapFn, on_block: Callable[[int], None] | None
               ) -> tuple[tuple[Ensemble, np.ndarray | None], Stopping]:
    """``samples: auto``: the prior futures drawn block by block until ``precision`` holds
    (``model.features.stopping.compute``), with their design points for SMC when it will calibrate them."""
    target = precision_target(scenario, has_cutoff=timeline.cutoff is not None)
    tasks = _tasks(scenario, priors, timeline, observed, target.max_samples, structure=structure, keep_unit=True)
    tasks = [replace(t, keep_unit=t.start < SMC_MAX_PARTICLES) for t in tasks]
    rho = scenario.calibration.series_correlation
    outs, stopping = draw_until_precise(
        [t.size for t in tasks], lambda todo: list(map_blocks(_evaluate_block, [tasks[b] for b in todo])),
        target=target, metrics_of=lambda out: out.metrics, on_blocks=on_block,
        log_likelihood_of=(lambda out: _joint_log_likelihood(out.observed_values, observed, rho,
                                                             out.undated_log_likelihoods)) if observed else None)
    keep = stopping.samples <= SMC_MAX_PARTICLES
    used = [replace(t, keep_unit=keep) for t in tasks[:len(outs)]]
    return _ensemble(priors, timeline, used, lambda _f, _tasks: outs, None), stopping


def _run(scenario: Scenario, registry: Registry, n: int | str, seed: int, map_blocks: MapFn,
         on_block: Callable[[int], None] | None) -> RunResult:
    priors = scenario_priors(scenario, registry)
    timeline = build_timeline(scenario, registry)
    observed = observed_figures(scenario, registry)
    structure = build_structure(scenario)
    drawn, stopping = None, None
    if not isinstance(n, int):  # samples: auto -- the run is then as if it had asked for that many
        drawn, stopping = _draw_auto(scenario, priors, timeline, observed, structure, map_blocks, on_block)
        n = stopping.samples
        scenario = scenario.model_copy(update={"samples": n})
    prior, calibrated, calibration = _calibrated(scenario, priors, timeline, observed, structure, n, seed,
                                                 map_blocks, on_block, drawn)
    run = RunResult(scenario, priors, timeline, prior, calibrated, observed, calibration, [])
    run.structures = structure_mixture(
        calibrated.structure_choices, calibrated.weights, priors,
        calibration.log_evidence if calibration.calibrated else None,
        {m: calibrated.metrics[m] for m in METRICS if applies(m, has_cutoff=timeline.cutoff is not None)},
        never_value=float(len(timeline) - (timeline.cutoff or 0)))
    run.drivers = analyse_drivers(run, seed=seed)
    run.value_of_information = value_of_information(run, seed=seed)
    count = n  # the run's own count (samples: auto has decided it by now)
    context = ComputeContext(seed, map_blocks, extra={"stopping": stopping}, calibrate_under=lambda other: _calibrated(
        scenario, priors, timeline, observed, other, count, seed, map_blocks, None))
    for feature in features():  # each optional feature's numbers (model.features), in order
        if feature.compute is not None and feature.applies(scenario):
            result = feature.compute(run, context)
            if result is not None:
                run.features[feature.name] = result
    return run
