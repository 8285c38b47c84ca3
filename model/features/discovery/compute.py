"""Scenario discovery on a finished run: for each condition, the weighted share of futures that meet it,
a PRIM peeling trajectory with its chosen box and a shallow classification tree's rules
(``methods``), on the calibrated futures and on the prior ones (numbers only)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ...analysis.outcome import Ensemble, RunResult
from ...analysis.stats import effective_sample_size
from ...core.catalogue import METRICS
from ...inputs.conditions import condition_text, evaluate_condition, parse_condition
from .methods import PrimResult, Rule, prim, tree_rules
from .spec import conditions_of

__all__ = ["ConditionFinding", "DiscoveryOn", "DISCOVERY_ROWS", "discover", "compute"]

#: PRIM and the tree read at most this many prior futures (the first ones): on correlated_inputs the same
#: boxes as 100,000 (their densities and coverages within half a point) in half the time. The
#: calibrated futures are read in full (every kept one): their weights leave fewer effective ones.
DISCOVERY_ROWS = 32_768
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
    x = ensemble.input_columns(names)[:m]
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




def compute(run: RunResult, context: object) -> tuple[ConditionFinding, ...] | None:
    """Each of the scenario's conditions, on the uncertain inputs (None when it names none)."""
    conditions = conditions_of(run.scenario)
    names = [p.name for p in run.priors if p.is_uncertain]
    if not conditions or not names:
        return None
    return discover(conditions, names=names, calibrated=run.calibrated, prior=run.prior,
                    is_calibrated=run.calibration.calibrated)
