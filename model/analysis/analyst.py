"""The analyst's questions after "how uncertain?", answered on a finished run (numbers only).

- **Scenario discovery** (``discovery:``): for each condition, the weighted share of futures
  that meet it, a PRIM peeling trajectory with its chosen box and a shallow classification
  tree's rules (``model.analysis.discovery``), on the calibrated futures and on the prior ones.
- **Inputs that move together** (``correlations:``): each stated pair's target with the rank
  correlation the prior samples achieve, and what calibration makes of it.
- **Inputs that trade off after calibration**: the inputs the reported figures inform most, with
  their rank correlations before and after calibration (for the corner plot).
- **Enough samples** (``samples: auto``): the stopping record (``model.analysis.stopping``).

Everything uses the first ``SAMPLES_KEPT`` samples' inputs (what the run keeps) with their
calibration weights renormalised (``Ensemble.head_weights``), and the uncertain inputs only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..core.catalogue import METRICS
from ..inputs.conditions import condition_text, evaluate_condition, parse_condition
from ..inputs.correlation import RankPair
from ..inputs.dependence import Dependence, build_dependence
from .discovery import PrimResult, Rule, prim, tree_rules
from .outcome import Ensemble, RunResult
from .stats import effective_sample_size, weighted_corr, weighted_quantile, weighted_ranks
from .stopping import Stopping

__all__ = ["AnalystResults", "ConditionFinding", "CorrelationFinding", "DISCOVERY_ROWS", "DiscoveryOn",
           "Tradeoffs", "TRADEOFF_INPUTS", "analyst_results", "correlation_finding", "discover", "tradeoffs"]

#: PRIM and the tree read at most this many prior futures (the first ones): enough for boxes whose
#: shares are known to a fraction of a percentage point, and a few seconds per condition. The
#: calibrated futures are read in full (every kept one): their weights leave fewer effective ones.
DISCOVERY_ROWS = 100_000
#: Inputs shown in the corner plot.
TRADEOFF_INPUTS = 5


@dataclass(frozen=True)
class DiscoveryOn:
    """One condition on one set of futures (calibrated or prior)."""

    share: float  # weighted share of the futures that meet the condition
    futures: int  # futures read
    effective_futures: float  # Kish effective number of them
    prim: PrimResult
    rules: tuple[Rule, ...]
    # the chosen box's inputs, most important first: (name, density, coverage) of the box without that input's limits
    without: tuple[tuple[str, float, float], ...] = ()


@dataclass(frozen=True)
class ConditionFinding:
    """Which input regions lead to one condition; ``calibrated`` is None for an uncalibrated run."""

    name: str
    condition: str  # canonical text
    inputs: tuple[str, ...]  # the uncertain inputs PRIM and the tree read
    calibrated: DiscoveryOn | None
    prior: DiscoveryOn


@dataclass(frozen=True)
class CorrelationFinding:
    """The stated pairs, their targets and the achieved rank correlations."""

    method: str
    pairs: tuple[RankPair, ...]
    reasons: tuple[str, ...]
    achieved: tuple[float, ...]  # prior samples (Spearman)
    calibrated: tuple[float, ...] | None  # weighted, after calibration; None when not calibrated
    samples: int  # samples the achieved values are measured on


@dataclass(frozen=True)
class Tradeoffs:
    """The inputs the calibration informs most, for the corner plot.

    ``narrowing[k]``: 1 - (calibrated interquartile range / prior interquartile range) of input
    k on its prior's probability scale (0: not informed; 1: pinned down). ``prior_rank`` and
    ``calibrated_rank`` are their (k, k) Spearman matrices before and after calibration.
    """

    names: tuple[str, ...]
    narrowing: tuple[float, ...]
    prior_rank: np.ndarray
    calibrated_rank: np.ndarray


@dataclass
class AnalystResults:
    """Discovery, correlations, trade-offs and the stopping record of one run (empty when not asked for)."""

    discovery: tuple[ConditionFinding, ...] = ()
    correlations: CorrelationFinding | None = None
    tradeoffs: Tradeoffs | None = None
    stopping: Stopping | None = None
    notes: list[str] = field(default_factory=list)


def _uncertain_columns(ensemble: Ensemble, names: Sequence[str]) -> np.ndarray:
    cols = [ensemble.inputs.names.index(n) for n in names]
    return ensemble.inputs.values[:, cols]


def _without(x: np.ndarray, y: np.ndarray, w: np.ndarray, limits: dict, names: Sequence[str]
             ) -> tuple[tuple[str, float, float], ...]:
    """For each input the box restricts: the box's density and coverage with that input's limits
    dropped; sorted by the density lost, largest first (the limit that matters most first)."""
    inside = {}
    for name, (low, high) in limits.items():
        col = x[:, list(names).index(name)]
        ok = np.ones(len(col), dtype=bool)
        if low is not None:
            ok &= col >= low
        if high is not None:
            ok &= col <= high
        inside[name] = ok
    wy_total = float(w[y].sum())
    out = []
    for name in limits:
        member = np.logical_and.reduce([v for k, v in inside.items() if k != name]) if len(inside) > 1 \
            else np.ones(len(y), dtype=bool)
        mass = float(w[member].sum())
        hit = float(w[member & y].sum())
        out.append((name, hit / mass if mass > 0 else 0.0, hit / wy_total if wy_total > 0 else 0.0))
    out.sort(key=lambda t: (t[1], -t[2]))
    return tuple(out)


def _on(ensemble: Ensemble, condition_text_: str, names: Sequence[str], weighted: bool,
        rows: int) -> DiscoveryOn:
    m = min(len(ensemble.inputs), rows)
    x = _uncertain_columns(ensemble, names)[:m]
    cond = parse_condition(condition_text_, METRICS)
    y = evaluate_condition(cond, {k: v[:m] for k, v in ensemble.metrics.items()})
    w = ensemble.head_weights(m) if weighted else np.full(m, 1.0 / m)
    result = prim(x, y, names=names, weights=w)
    rules = tree_rules(x, y, names=names, weights=w)
    return DiscoveryOn(result.share, m, effective_sample_size(w), result, rules,
                       _without(x, y, w, result.box.limits, names))


def discover(conditions: dict[str, str], *, names: Sequence[str], calibrated: Ensemble, prior: Ensemble,
             is_calibrated: bool, rows: int = DISCOVERY_ROWS) -> tuple[ConditionFinding, ...]:
    """PRIM and tree rules for each condition, on the calibrated futures (weighted) and the prior ones."""
    out = []
    for name, text in conditions.items():
        canonical = condition_text(parse_condition(text, METRICS))
        cal = _on(calibrated, text, names, True, len(calibrated.inputs)) if is_calibrated else None
        out.append(ConditionFinding(name, canonical, tuple(names), cal, _on(prior, text, names, False, rows)))
    return tuple(out)


def _weighted_spearman(x: np.ndarray, w: np.ndarray | None) -> np.ndarray:
    r = weighted_ranks(x, w)
    return np.atleast_2d(weighted_corr(r, r, w))


def correlation_finding(dependence: Dependence, *, prior: Ensemble, calibrated: Ensemble,
                        is_calibrated: bool) -> CorrelationFinding:
    """Targets beside the rank correlations achieved by the kept prior samples (and after calibration)."""
    names = sorted({nm for p in dependence.pairs for nm in (p.a, p.b)}, key=list(dependence.names).index)
    where = {nm: k for k, nm in enumerate(names)}
    achieved = _weighted_spearman(_uncertain_columns(prior, names), None)
    cal: tuple[float, ...] | None = None
    if is_calibrated:
        m = len(calibrated.inputs)
        corr = _weighted_spearman(_uncertain_columns(calibrated, names), calibrated.head_weights(m))
        cal = tuple(float(corr[where[p.a], where[p.b]]) for p in dependence.pairs)
    return CorrelationFinding(
        dependence.method, dependence.pairs, dependence.reasons,
        tuple(float(achieved[where[p.a], where[p.b]]) for p in dependence.pairs), cal, len(prior.inputs))


def tradeoffs(priors: Sequence, *, prior: Ensemble, calibrated: Ensemble, top: int = TRADEOFF_INPUTS) -> Tradeoffs:
    """The ``top`` uncertain inputs the calibration informs most.

    Each input is put on its prior's probability scale (its prior CDF, estimated by the prior
    samples: uniform before calibration);
    its score is how much calibration narrows its interquartile range there, plus how far it moves
    its median (both as shares of the prior's range). The inputs of the pair whose rank correlation
    calibration changes most are always included: that is the trade-off the figures impose.
    """
    uncertain = [p for p in priors if p.is_uncertain]
    names = [p.name for p in uncertain]
    m = len(calibrated.inputs)
    w = calibrated.head_weights(m)
    x_cal = _uncertain_columns(calibrated, names)
    x_prior = np.sort(_uncertain_columns(prior, names), axis=0)
    # the prior CDF, estimated by the prior samples (exact CDFs of beta or truncated normals are slow)
    u_cal = np.column_stack([np.searchsorted(x_prior[:, j], x_cal[:, j]) / x_prior.shape[0]
                             for j in range(len(names))])
    q = np.asarray(weighted_quantile(u_cal, [0.25, 0.5, 0.75], w))
    narrowing = 1.0 - (q[2] - q[0]) / 0.5
    score = narrowing + 2.0 * np.abs(q[1] - 0.5)
    before = _weighted_spearman(_uncertain_columns(prior, names), None)
    after = _weighted_spearman(x_cal, w)
    change = np.abs(after - before)
    np.fill_diagonal(change, 0.0)
    i, j = np.unravel_index(int(np.argmax(change)), change.shape)
    chosen = [int(i), int(j)] if change[i, j] > 0 else []
    for k in np.argsort(-score, kind="stable"):
        if len(chosen) >= min(top, len(names)):
            break
        if int(k) not in chosen:
            chosen.append(int(k))
    chosen.sort()
    idx = np.ix_(chosen, chosen)
    return Tradeoffs(tuple(names[k] for k in chosen), tuple(float(narrowing[k]) for k in chosen),
                     before[idx], after[idx])


def analyst_results(run: RunResult, *, stopping: Stopping | None = None) -> AnalystResults:
    """Everything above that the run's scenario asks for (the trade-offs whenever it is calibrated)."""
    sc = run.scenario
    names = [p.name for p in run.priors if p.is_uncertain]
    calibrated = run.calibration.calibrated
    out = AnalystResults(stopping=stopping)
    if not names:
        return out
    if sc.discovery:
        out.discovery = discover(dict(sc.discovery), names=names, calibrated=run.calibrated, prior=run.prior,
                                 is_calibrated=calibrated)
    dependence = build_dependence(sc.correlations, sc.correlation_method, run.priors)
    if dependence is not None:
        out.correlations = correlation_finding(dependence, prior=run.prior, calibrated=run.calibrated,
                                               is_calibrated=calibrated)
    if calibrated and len(names) >= 2:
        out.tradeoffs = tradeoffs(run.priors, prior=run.prior, calibrated=run.calibrated)
    return out
