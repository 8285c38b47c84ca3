"""The futures the explorer re-runs: drawn as a run draws them, calibrated as a run calibrates them.

**Prior futures** are the scenario's first design points (its sampling method, seed and
correlations, block by block), the same as the first samples of a full run.

**Calibrated futures** are what a run's calibration ends with: the tempered SMC of
``model.analysis.smc.temper`` (the scenario's target ESS, a run's moves per stage) started from
those points, under one firing policy, so that at the explorer's defaults they are the posterior
with (nearly) equal weights and worth about as many futures as there are: thousands, where one
importance-weighting step over 4,096 prior futures left about a hundred. Or they are taken from a
run that has already been made (:meth:`Futures.from_ensemble`).

After a slider move the same futures are re-mapped (the slider's transformation ``T`` of its
parameter's column) and run again. Calibrated, each is then weighted by ``L(T θ) / L(θ)``, its
likelihood after the move over its likelihood at the defaults: the particles ``θ`` follow
``prior(θ) L(θ)``, so the moved ones ``T θ`` follow ``prior_T(θ') L(T⁻¹ θ')``, and that ratio
turns them into ``prior_T(θ') L(θ')``, the calibrated answer under the moved prior (exact where
``T`` is one-to-one; a shift clipped to a parameter's range is not, at its edge). A cut-off month
or firing policy that changes how well the futures reproduce the reported figures changes ``L``
the same way. At the defaults every ratio is one.

The effective number of futures counts a future that resampling duplicated once, with the
duplicates' summed weight (Kish ``1 / Σ w²`` over distinct futures): equal weights on 4,096
particles of which 3,000 differ are worth fewer than 4,096.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ..analysis.calibration import ObservedFigure, date_draws, fill_drawn_dates, log_likelihoods
from ..analysis.series import series_correction, series_groups
from ..analysis.smc import importance_weights, temper
from ..experiment import SMC_MOVES_PER_STAGE
from ..inputs.dependence import Dependence
from ..inputs.distributions import ParameterPrior
from ..inputs.sampling import block_ranges, block_values, uncertain_count, unit_block, unit_to_values
from ..inputs.schema import SMC_MAX_PARTICLES

__all__ = ["Futures", "draw_prior", "calibrate_futures", "joint_log_likelihood", "effective_futures", "reweight",
           "EXPLORER_SMC_STREAM"]

EXPLORER_SMC_STREAM = 2**31 - 3  # spawn key of the explorer's SMC stream (runs use 2**31 - 2 and below)

Params = dict[str, np.ndarray]


@dataclass(frozen=True)
class Futures:
    """One set of futures: parameter columns (canonical units) and the weights they start with."""

    params: Params
    weights: np.ndarray  # (n,), summing to 1
    log_likelihood: np.ndarray | None = None  # at the explorer's defaults; None: prior futures (not weighted)
    groups: np.ndarray | None = None  # (n,) index of each future's distinct row; None: all distinct

    @property
    def size(self) -> int:
        return int(self.weights.shape[0])

    @classmethod
    def from_ensemble(cls, names: Sequence[str], values: np.ndarray, weights: np.ndarray) -> Futures:
        """Futures from a run's samples (``Ensemble.inputs``) and weights, duplicates grouped."""
        values = np.asarray(values, dtype=float)
        if values.shape[0] != weights.shape[0]:
            raise ValueError(f"{values.shape[0]} samples kept but {weights.shape[0]} weights: the run kept only "
                             "the first samples' inputs")
        return cls({n: np.ascontiguousarray(values[:, j]) for j, n in enumerate(names)},
                   np.asarray(weights, dtype=float) / float(np.sum(weights)), None, _groups(values))


def _groups(rows: np.ndarray) -> np.ndarray | None:
    """Index of each row among the distinct rows; None when every row is distinct."""
    _, first, inverse = np.unique(rows, axis=0, return_index=True, return_inverse=True)
    return None if first.size == rows.shape[0] else inverse.reshape(-1)


def draw_prior(priors: Sequence[ParameterPrior], n: int, *, method: str, seed: int,
               dependence: Dependence | None) -> tuple[Futures, np.ndarray]:
    """The first ``n`` futures of a run (its design, block by block) and their independent design points."""
    d = uncertain_count(priors)
    values, units = [], []
    for block, start, stop in block_ranges(n):
        unit = unit_block(d, block, stop - start, method=method, seed=seed)  # type: ignore[arg-type]
        v, u = block_values(priors, unit, correlation=dependence, seed=seed, block=block)
        values.append(v)
        units.append(u)
    all_values = np.concatenate(values)
    params = {p.name: np.ascontiguousarray(all_values[:, j]) for j, p in enumerate(priors)}
    return Futures(params, np.full(n, 1.0 / n)), np.concatenate(units)


def joint_log_likelihood(trajectories: Mapping[str, np.ndarray], points: Sequence[tuple[str, int]],
                         observed: Sequence[ObservedFigure], rho: float) -> np.ndarray:
    """``(n,)`` log-likelihood of the observed figures, each series with its joint density, as a run
    calibrates (``model.analysis.calibration``, ``model.analysis.series``)."""
    at = np.column_stack([trajectories[name][:, t] for name, t in points]).astype(float)
    fill_drawn_dates(at, date_draws(list(observed)), np.arange(at.shape[0]))  # an undated total's date
    total = log_likelihoods(at, list(observed)).sum(axis=1, dtype=np.float64)
    if rho > 0 and series_groups(list(observed)):
        total = total + series_correction(at, list(observed), rho)
    return total


def calibrate_futures(priors: Sequence[ParameterPrior], unit: np.ndarray, prior_ll: np.ndarray,
                      log_likelihood: Callable[[Params], np.ndarray], *, seed: int, target_ess: float,
                      dependence: Dependence | None) -> Futures:
    """The calibrated futures: tempered SMC from the prior points (one importance-weighting step when that
    already keeps ``target_ess`` of them, or when there are too many for SMC, as in a run).

    ``log_likelihood(params)`` scores parameter columns at the explorer's defaults; ``prior_ll`` is its
    value on the prior futures."""
    n = unit.shape[0]
    if n > SMC_MAX_PARTICLES or unit.shape[1] == 0:
        weights, _, _ = importance_weights(prior_ll)
        values = unit_to_values(priors, unit, correlation=dependence)
        params = {p.name: np.ascontiguousarray(values[:, j]) for j, p in enumerate(priors)}
        return Futures(params, weights, np.asarray(prior_ll, dtype=float), None)

    def target(points: np.ndarray) -> np.ndarray:
        values = unit_to_values(priors, points, correlation=dependence)
        return log_likelihood({p.name: values[:, j] for j, p in enumerate(priors)})

    result = temper(target, unit, seed=np.random.SeedSequence(seed, spawn_key=(EXPLORER_SMC_STREAM,)),
                    target_ess_fraction=target_ess, initial_log_likelihood=prior_ll,
                    max_moves_per_stage=SMC_MOVES_PER_STAGE)
    values = unit_to_values(priors, result.unit_samples, correlation=dependence)
    params = {p.name: np.ascontiguousarray(values[:, j]) for j, p in enumerate(priors)}
    return Futures(params, result.weights, np.asarray(result.log_likelihood, dtype=float),
                   _groups(result.unit_samples))


def effective_futures(weights: np.ndarray, groups: np.ndarray | None = None) -> float:
    """How many equally weighted distinct futures the weighted ones are worth (Kish, over distinct futures)."""
    w = np.bincount(groups, weights=weights) if groups is not None else weights
    total = float(np.sum(w))
    return 0.0 if total <= 0 else total * total / float(np.sum(w * w))


def reweight(futures: Futures, log_likelihood: np.ndarray) -> tuple[np.ndarray, float]:
    """Weights of the (moved) calibrated futures and the effective number of futures they are worth:
    the base weights times ``L(moved) / L(defaults)``. Equal weights and zero when no future can
    reproduce the figures any more."""
    if futures.log_likelihood is None:
        raise ValueError("prior futures carry no likelihood to weight by")
    base = futures.weights
    with np.errstate(divide="ignore", invalid="ignore"):
        log_w = np.where(base > 0, np.log(base) + log_likelihood - futures.log_likelihood, -np.inf)
    log_w = np.where(np.isnan(log_w), -np.inf, log_w)
    if not np.isfinite(log_w).any():
        return np.full(futures.size, 1.0 / futures.size), 0.0
    weights, _, _ = importance_weights(log_w)
    return weights, effective_futures(weights, futures.groups)
