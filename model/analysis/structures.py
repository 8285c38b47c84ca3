"""Answers averaged over the structures the figures cannot tell apart (Bayesian model averaging).

Each uncertain structural switch (``structures:`` in a scenario) is drawn per sample from its prior
weights, like any number, and calibration weighs the samples by how well they reproduce the
figures. So the calibrated sample *is* the evidence-weighted mixture: the posterior probability of
a structure ``s`` is the calibrated weight on the samples that took it,

    P(s | figures) = Σ_{i: s_i = s} w_i,

and its evidence follows from Bayes' rule, ``Z_s = Z · P(s | figures) / P(s)`` (``Z`` the run's
evidence). The headline answer over all samples is the mixture ``Σ_s P(s | figures) · answer_s``;
each structure's own answer is the calibrated distribution restricted to its samples. How much of
an answer's spread comes from the structure and how much from the numbers is the law of total
variance over the structures: ``Var = Σ_s p_s Var_s + Σ_s p_s (mean_s − mean)²``, the second term
the structure's share. Numbers only; the words are ``model.presentation``'s.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..core.structure import SWITCHES, switch_of_parameter
from ..inputs.distributions import ParameterPrior

__all__ = ["Combination", "StructureMixture", "structure_mixture", "prior_choice_weights", "variance_share",
           "INDISTINGUISHABLE_BAYES_FACTOR"]

#: Bayes factors between 1/3 and 3 are "not worth more than a bare mention" (Kass & Raftery 1995):
#: within that band the figures cannot tell two structures apart.
INDISTINGUISHABLE_BAYES_FACTOR = 3.0


@dataclass(frozen=True)
class Combination:
    """One structure: a choice for each uncertain switch, with its prior and its evidence."""

    choices: dict[str, str]
    prior_weight: float
    posterior_probability: float
    log_evidence: float | None  # None when no calibrated weight falls on it
    effective_sample_size: float  # of the calibrated samples that took it
    index: int  # its number in ``StructureMixture.combination_of_sample``


@dataclass(frozen=True)
class StructureMixture:
    """The uncertain switches of a run and what the calibration made of them."""

    switches: tuple[str, ...]
    combinations: list[Combination]
    marginals: dict[str, list[tuple[str, float, float]]]  # switch -> (choice, prior weight, posterior probability)
    variance_share: dict[str, float]  # metric -> share of its calibrated variance from the structure
    combination_of_sample: np.ndarray  # (n,) int16: which combination each calibrated sample took
    switch_variance_share: dict[str, dict[str, float]] = field(default_factory=dict)  # switch -> metric -> share

    def mask(self, combination: Combination) -> np.ndarray:
        """The calibrated samples that took one combination."""
        return self.combination_of_sample == combination.index

    def most_and_least_likely(self) -> tuple[Combination, Combination]:
        ordered = sorted(self.combinations, key=lambda c: c.posterior_probability / max(c.prior_weight, 1e-300))
        return ordered[-1], ordered[0]

    def distinguishable(self) -> bool:
        """Whether the figures favour some structure over another by more than a bare mention."""
        ratios = [c.posterior_probability / c.prior_weight for c in self.combinations if c.prior_weight > 0]
        if not ratios or min(ratios) <= 0:
            return bool(ratios)
        return max(ratios) / min(ratios) > INDISTINGUISHABLE_BAYES_FACTOR


def prior_choice_weights(priors: Sequence[ParameterPrior]) -> dict[str, np.ndarray]:
    """Each uncertain switch's prior weight per choice (in the order of its choices)."""
    out = {}
    for prior in priors:
        switch = switch_of_parameter(prior.name)
        if switch is None or prior.dist is None:
            continue
        k = len(SWITCHES[switch].choices)
        out[switch] = np.asarray(prior.dist.pmf(np.arange(k)), dtype=float)  # type: ignore[attr-defined]
    return out


def variance_share(values: np.ndarray, weights: np.ndarray, group_of_sample: np.ndarray) -> float:
    """Share of the weighted variance of ``values`` that lies between the groups (``group_of_sample``:
    each sample's group number): ``Σ_g p_g (mean_g − mean)² / Var``; 0 when the values do not vary."""
    values = np.asarray(values, dtype=float)
    weights = np.asarray(weights, dtype=float)
    total_w = weights.sum()
    if total_w <= 0:
        return 0.0
    mean = float(np.dot(weights, values) / total_w)
    sums = np.bincount(group_of_sample, weights=weights * values)
    squares = values - mean  # one work array of n at a time: ten million samples, 80 MB each
    np.square(squares, out=squares)
    variance = float(np.dot(weights, squares) / total_w)
    del squares
    if not variance > 0:
        return 0.0
    p = np.bincount(group_of_sample, weights=weights)
    present = p > 0
    group_means = sums[present] / p[present]
    between = float(np.dot(p[present] / total_w, (group_means - mean) ** 2))
    return min(max(between / variance, 0.0), 1.0)


def structure_mixture(choices: Mapping[str, np.ndarray], weights: np.ndarray, priors: Sequence[ParameterPrior],
                      log_evidence: float | None, metrics: Mapping[str, np.ndarray], *,
                      never_value: float = 0.0) -> StructureMixture | None:
    """The mixture over the uncertain switches; None when no switch is uncertain.

    ``choices``: each uncertain switch's choice index per calibrated sample; ``weights``: the
    calibrated weights (summing to 1); ``log_evidence``: the run's ``ln Z`` (None: uncalibrated, the
    posterior is the prior); ``metrics``: the values whose spread is split (never-happened values
    already replaced by a number, e.g. the months left in the window).
    """
    prior_weights = prior_choice_weights(priors)
    switches = tuple(s for s in SWITCHES if s in choices and s in prior_weights)
    if not switches:
        return None
    weights = np.asarray(weights, dtype=float)
    index = {s: np.asarray(choices[s]) for s in switches}
    sizes = [len(SWITCHES[s].choices) for s in switches]
    combination_of_sample = np.zeros(len(weights), dtype=np.int16)  # mixed-radix number of the choices
    for s, size in zip(switches, sizes):
        combination_of_sample *= size
        combination_of_sample += index[s].astype(np.int16)
    posterior_of = np.bincount(combination_of_sample, weights=weights, minlength=math.prod(sizes))
    squares_of = np.bincount(combination_of_sample, weights=weights * weights, minlength=math.prod(sizes))
    combinations: list[Combination] = []
    for number, combo in enumerate(itertools.product(*(range(size) for size in sizes))):
        prior_weight = math.prod(float(prior_weights[s][c]) for s, c in zip(switches, combo))
        if prior_weight <= 0:
            continue
        posterior = float(posterior_of[number])
        log_z = (None if log_evidence is None or posterior <= 0
                 else log_evidence + math.log(posterior) - math.log(prior_weight))
        ess = posterior * posterior / float(squares_of[number]) if squares_of[number] > 0 else 0.0
        combinations.append(Combination({s: SWITCHES[s].choices[c] for s, c in zip(switches, combo)},
                                        prior_weight, posterior, log_z, ess, number))
    marginals = {}
    for s in switches:
        rows = []
        for c, choice in enumerate(SWITCHES[s].choices):
            if prior_weights[s][c] > 0:
                rows.append((choice, float(prior_weights[s][c]), float(weights[index[s] == c].sum())))
        marginals[s] = rows
    shares: dict[str, float] = {}
    by_switch: dict[str, dict[str, float]] = {s: {} for s in switches}
    for m, v in metrics.items():
        values = np.nan_to_num(np.array(v, dtype=float), copy=False, nan=never_value)  # one copy at a time
        shares[m] = variance_share(values, weights, combination_of_sample)
        for s in switches:  # each switch's own part: the spread between its choices
            by_switch[s][m] = variance_share(values, weights, index[s].astype(np.int64))
    return StructureMixture(switches, combinations, marginals, shares, combination_of_sample, by_switch)
