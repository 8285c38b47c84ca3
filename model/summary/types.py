"""The typed run summary: every number an output shows, built once from a run, numbers only.

``summary.json``, the report, the index, the comparison and the charts are all made from a
:class:`RunSummary` (the JSON by ``model.presentation.summary_json``, which also reads it back into
these types); every sentence and caption is written from these numbers through the text catalogue,
in English or German. Nothing here is words: a value that may not happen within the window is
``None`` in its quantiles, with the share that does not happen in ``share_never``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["Stats", "Observation", "Calibration", "DriverInput", "Drivers", "StructureChoice",
           "StructureCombination", "Structures", "Candidate", "ValueOfInformation", "Bands", "RunSummary",
           "QUANTILES"]

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)  # the quantile bands of trajectories


@dataclass(frozen=True)
class Stats:
    """A metric's distribution: mean, p5, p50, p95 (None where the value lies beyond the window)."""

    mean: float | None
    p5: float | None
    p50: float | None
    p95: float | None
    unit: str
    share_never: float | None = None  # the share of futures where it does not happen within the window


@dataclass(frozen=True)
class Observation:
    """A reported figure as calibrated: the claim it is and how the model meets it."""

    id: str
    output: str
    month: str
    claim: str  # count, capacity, words, total_undated, share
    reported: float | None  # None: words, no number was reported
    allowed: tuple[float, float]  # the model values the claim allows (a count: its value twice)
    error_range: tuple[float, float]  # 90 % error range (words: the interval they mean)
    calibrated: tuple[float | None, float | None, float | None]  # p5, p50, p95 of the model at its date
    prior: tuple[float | None, float | None, float | None]
    fits: bool
    leave_one_out_quantile: float
    in_tension: bool
    words: str = ""  # words: as the quote has them
    bound: str = "interval"  # words: interval, at_least, at_most
    fill: tuple[float, float] | None = None  # capacity: the fill and calibre-mix factor range
    months: tuple[str, ...] = ()  # an undated total's possible months


@dataclass(frozen=True)
class Calibration:
    """How the futures were calibrated to the reported figures."""

    calibrated: bool
    method: str  # none, importance, smc
    effective_sample_size: float
    log_evidence: float | None
    stages: int
    model_evaluations: int
    acceptance_rates: tuple[float, ...]
    temperatures: tuple[float, ...]
    unique_fraction: float
    series: tuple[tuple[str, ...], ...]
    series_correlation: float
    conflicting_pairs: tuple[tuple[str, str, float], ...]  # (figure a, figure b, ratio)
    futures: int = 0  # the calibrated futures (SMC: its particles, the first samples drawn; else every sample)


@dataclass(frozen=True)
class DriverInput:
    """One input's sensitivity indices for one metric (None: not computed)."""

    name: str
    S1: float | None = None
    S1_low: float | None = None
    S1_high: float | None = None
    ST: float | None = None
    ST_low: float | None = None
    ST_high: float | None = None
    swing_low: float | None = None  # the metric with the input at its 5th percentile (the rest at their medians)
    swing_high: float | None = None
    rank_correlation: float | None = None
    S1_calibrated: float | None = None
    S1_calibrated_low: float | None = None
    S1_calibrated_high: float | None = None

    @property
    def swing(self) -> float | None:
        return None if self.swing_low is None or self.swing_high is None else abs(self.swing_high - self.swing_low)


@dataclass(frozen=True)
class Drivers:
    """Which inputs move one metric (over the prior ranges; the calibrated first-order indices beside)."""

    metric: str
    inputs: tuple[DriverInput, ...]
    swing_baseline: float | None = None

    def ranked(self) -> list[DriverInput]:
        """Inputs by total Sobol index, else by the tornado's swing, largest first."""
        def key(d: DriverInput) -> float:
            if d.ST is not None:
                return d.ST
            return d.swing if d.swing is not None else 0.0
        return sorted(self.inputs, key=key, reverse=True)

    @property
    def method(self) -> str:
        """``sobol`` when total indices are there, ``tornado`` when only swings, else ``none``."""
        if any(d.ST is not None for d in self.inputs):
            return "sobol"
        return "tornado" if any(d.swing is not None for d in self.inputs) else "none"


@dataclass(frozen=True)
class StructureChoice:
    """One choice of an uncertain structural switch: its prior and posterior, and the answers under it."""

    switch: str
    choice: str
    prior_weight: float
    posterior_probability: float
    metrics: dict[str, Stats]


@dataclass(frozen=True)
class StructureCombination:
    """One structure (a choice for every uncertain switch) with its evidence and its answers."""

    choices: dict[str, str]
    prior_weight: float
    log_evidence: float | None
    posterior_probability: float
    effective_sample_size: float
    metrics: dict[str, Stats]


@dataclass(frozen=True)
class Structures:
    """The structures averaged over by their evidence (``model.analysis.structures``)."""

    combinations: tuple[StructureCombination, ...]
    switches: dict[str, tuple[StructureChoice, ...]]
    share_of_variance: dict[str, float]  # per metric: the share of its calibrated variance from the structure
    distinguishable: bool  # the figures favour some structure over another by more than a bare mention
    switch_share_of_variance: dict[str, dict[str, float]] = field(default_factory=dict)  # switch -> metric -> share

    def main_switch(self, metric: str) -> tuple[str, float] | None:
        """The switch whose choices spread the metric most, with its share of the variance."""
        shares = [(s, v[metric]) for s, v in self.switch_share_of_variance.items() if metric in v]
        return max(shares, key=lambda x: x[1]) if shares else None

    def bayes_factor(self, switch: str) -> float:
        """Largest over smallest posterior-to-prior ratio among one switch's choices (1: no preference)."""
        ratios = [c.posterior_probability / c.prior_weight for c in self.switches[switch] if c.prior_weight > 0]
        low = min(ratios) if ratios else 0.0
        return max(ratios) / low if low > 0 else float("inf")


@dataclass(frozen=True)
class Candidate:
    """A report that may come and how much it would narrow one answer."""

    quantity: str
    date: str  # a month, or a year for a quantity summed over it
    reliability: str
    width_before: float
    width_after: float
    sd_before: float
    sd_after: float
    narrowing: float  # 1 - after / before of the 90 % interval's width (0: no narrowing)
    sd_narrowing: float  # 1 - after / before of the standard deviation

    @property
    def summed(self) -> bool:
        """A quantity summed over a year (the date is a year), not read at a month."""
        return len(self.date) == 4


@dataclass(frozen=True)
class ValueOfInformation:
    """For one headline answer, the candidate reports ranked by how much each would narrow it."""

    metric: str
    unit: str
    ranked_by: str  # interval_90, or standard_deviation where no report narrows the 90 % interval
    candidates: tuple[Candidate, ...]


@dataclass(frozen=True)
class Bands:
    """Per-month quantiles of one trajectory, calibrated and before calibration, and the mean."""

    calibrated: dict[float, np.ndarray]
    prior: dict[float, np.ndarray]
    mean: np.ndarray


@dataclass(frozen=True)
class RunSummary:
    """Everything one run shows, numbers only (see the module docstring).

    ``features`` holds each optional feature's own block (``model.features``), by feature name;
    ``bands`` the trajectories' monthly quantiles (for the charts and ``trajectories.csv``, not JSON).
    """

    scenario: str
    description: str
    seed: int
    samples: int
    sampling: str
    months: tuple[str, ...]  # the window, month by month
    cutoff: str | None  # the month North Korean deliveries stop, if they do
    headline: tuple[str, ...]  # the answers the scenario's question asks for
    structure: dict[str, str]  # each switch's choice ("averaged" where it is uncertain)
    fire_drop_threshold: float
    shortage_threshold: float
    samples_kept: int
    calibration: Calibration
    observations: tuple[Observation, ...]
    metrics: dict[str, Stats]  # calibrated where the scenario calibrates
    prior_metrics: dict[str, Stats]
    drivers: tuple[Drivers, ...]
    structures: Structures | None = None
    value_of_information: tuple[ValueOfInformation, ...] = ()
    figure_inputs: dict[str, str] = field(default_factory=dict)  # parameter -> the article figure that feeds it
    features: dict[str, Any] = field(default_factory=dict)
    bands: dict[str, Bands] = field(default_factory=dict, compare=False, repr=False)

    @property
    def window(self) -> tuple[str, str]:
        return self.months[0], self.months[-1]

    @property
    def last_reported(self) -> str | None:
        """The latest month a reported figure refers to (an undated total: its first possible month)."""
        months = [o.months[0] if o.months else o.month for o in self.observations]
        return max(months) if months else None

    def drivers_of(self, metric: str) -> Drivers | None:
        return next((d for d in self.drivers if d.metric == metric), None)

    def value_of(self, metric: str) -> ValueOfInformation | None:
        return next((v for v in self.value_of_information if v.metric == metric), None)
