"""The explorer's fast path: one fixed set of futures, re-mapped when a slider moves.

A lecture hall wants an answer within a blink after each move, so nothing is sampled again:
:class:`Explorer` draws the scenario's samples once (``model.inputs.sampling.sample_parameters``,
4,096 by default, the scenario's method and seed), and a move changes only the columns of the
parameters whose slider moved before ``model.simulate`` runs the equations again on all of them
(vectorized, a few milliseconds). A slider sets the *median* of its parameter; the spread around
it stays as the scenario says: quantities that cannot be negative (stocks, rates) are scaled,
``value × slider / median``; shares and growth rates are shifted, ``value + slider - median``,
and kept in the parameter's valid range. The cut-off month becomes a ``nk_deliveries_stop``
event of a copy of the scenario, turned into the timeline by ``model.inputs.events.build_timeline``;
the firing policy (``structure.firing``) goes to the equations the same way.

"Calibrated" shows the futures calibrated as a full run calibrates them (tempered SMC, under
each firing policy, once per server; ``model.teaching.futures``): at the defaults they are worth
about as many futures as there are (thousands; one importance-weighting step over 4,096 prior
futures was worth about a hundred), and after a move each is weighted by its likelihood after the
move over its likelihood before, which is the calibrated answer under the moved assumptions. The
effective number of futures is given with every calibrated result, so that a class sees when a
setting leaves too few (:data:`FEW_FUTURES`).

Numbers only: the words and their language are the app's (``model.teaching.app``).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal, get_args

import numpy as np

from ..analysis.calibration import ObservedFigure
from ..analysis.outcome import RunResult
from ..core.dynamics import Structure, simulate
from ..core.months import DAYS_PER_MONTH
from ..core.structure import SWITCHES, structure_parameter
from ..core.timeline import Timeline
from ..experiment import observed_figures, observed_points
from ..inputs.dependence import dependence_of
from ..inputs.distributions import ParameterPrior
from ..inputs.events import build_structure, build_timeline
from ..inputs.priors import scenario_priors
from ..inputs.registry import Registry, load_registry
from ..inputs.schema import PARAMETER_INFO, Event, Scenario
from ..summary.build import metric_stats, trajectory_quantiles
from .futures import Futures, calibrate_futures, draw_prior, joint_log_likelihood, reweight

__all__ = ["Explorer", "ExplorerResult", "Settings", "Slider", "SLIDER_PARAMETERS", "KEY_NUMBERS",
           "EXPLORER_SAMPLES", "CUTOFF_EVENT", "FAN_TRAJECTORY", "COMPARED_WITH", "FEW_FUTURES"]

EXPLORER_SAMPLES = 4096
# Below this many effective futures a calibrated number is said to rest on few: a share of 40 % is then
# uncertain by more than ±5 points (two standard errors) from the futures drawn alone.
FEW_FUTURES = 400
CUTOFF_EVENT = "explorer_cutoff"  # the event name the cut-off slider writes into the scenario copy
FAN_TRAJECTORY = "nk_share_of_fired"
# The key numbers the explorer shows, in order (metric names of the output catalogue).
KEY_NUMBERS: tuple[str, ...] = ("nk_share_of_fired", "nk_deliveries_total", "shortfall_total",
                                "months_to_shortage_after_cutoff")
AVERAGED = "averaged"  # the firing policy where the scenario averages over the policies by their evidence
# Which article figure a key number can be held against (shown beside it with its claimant).
COMPARED_WITH: dict[str, str] = {"nk_share_of_fired": "nk_share_of_munitions_2025",
                                 "nk_deliveries_total": "nk_shells_delivered_2024"}

Mode = Literal["scale", "shift"]


@dataclass(frozen=True)
class _Display:
    factor: float  # shown value = canonical value × factor
    step: float
    unit_key: str  # key of the unit's words in model.presentation.texts
    mode: Mode


# The assumptions a class argues about, in the order the sliders appear, and how each is shown.
_DISPLAY: dict[str, _Display] = {
    "nk_stockpile_start": _Display(1e-6, 0.1, "unit.million_shells", "scale"),
    "nk_shipping_capacity_per_month": _Display(1e-3, 5.0, "unit.thousand_shells_month", "scale"),
    "nk_dud_rate_old": _Display(100.0, 1.0, "unit.percent", "shift"),
    "ru_production_per_month": _Display(1e-3, 5.0, "unit.thousand_shells_month", "scale"),
    "ru_production_growth_per_year": _Display(100.0, 1.0, "unit.percent_year", "shift"),
    "shells_wanted_per_month": _Display(1e-3 / DAYS_PER_MONTH, 0.5, "unit.thousand_shells_day", "scale"),
}
SLIDER_PARAMETERS: tuple[str, ...] = tuple(_DISPLAY)


@dataclass(frozen=True)
class Slider:
    """One slider: a parameter's median in display units, over the scenario's 90 % range."""

    name: str  # the parameter (``model.inputs.schema.PARAMETER_INFO``)
    low: float
    high: float
    default: float  # the scenario's median, rounded to the step
    step: float
    unit_key: str
    mode: Mode
    origin: str  # the prior's origin: "figure <id> (claimant, date): ..." or "assumption: ..."
    figure_id: str | None
    factor: float = field(repr=False)  # display = canonical × factor
    median: float = field(repr=False)  # the prior's exact median, canonical units

    def to_canonical(self, shown: float) -> float:
        return float(shown) / self.factor

    def options(self) -> list[float]:
        """Every position of the slider, low to high in steps (the default is one of them)."""
        count = int(round((self.high - self.low) / self.step)) + 1
        return [round(self.low + i * self.step, 10) for i in range(count)]


@dataclass(frozen=True)
class Settings:
    """What the sliders say. Values in display units; a parameter not named keeps its default."""

    values: Mapping[str, float] = field(default_factory=dict)
    cutoff: str | None = None  # "YYYY-MM": North Korean deliveries stop from this month; None: no cut-off
    calibrated: bool = True
    firing: str | None = None  # a value of the scenario's ``structure.firing``; None: the scenario's own


@dataclass(frozen=True)
class ExplorerResult:
    """The numbers after one move: fan of North Korea's share of fire and the key numbers."""

    months: list[str]
    stats: dict[str, dict[str, float | None]]  # key number -> mean, p5, p50, p95 (and share_never)
    calibrated: bool
    effective_sample_size: float  # distinct futures the weighted ones are worth; = samples when not calibrated
    samples: int
    cutoff: str | None
    firing: str | None
    seconds: float  # time taken by this move (simulation, weights, the key numbers' quantiles)
    fan: np.ndarray = field(repr=False)  # (futures, months) of FAN_TRAJECTORY
    weights: np.ndarray = field(repr=False)  # (futures,), summing to 1

    @cached_property
    def bands(self) -> dict[float, np.ndarray]:
        """Quantile level -> per-month values of FAN_TRAJECTORY (computed when first asked for: the page
        shows the key numbers before the chart)."""
        return trajectory_quantiles(self.fan, self.weights)


def _round_to(x: float, step: float, how: str = "nearest") -> float:
    """``x`` rounded to a multiple of ``step`` (ignoring float noise: 4.0e6 × 1e-6 stays 4.0)."""
    ratio = x / step
    k = {"nearest": np.round(ratio), "down": np.floor(ratio + 1e-9), "up": np.ceil(ratio - 1e-9)}[how]
    return round(float(k * step), 10)


def _quantile(prior: ParameterPrior, q: float) -> float:
    if prior.dist is None:
        return float(prior.fixed_value)  # type: ignore[arg-type]
    return float(prior.dist.ppf(q))


def _slider(prior: ParameterPrior, display: _Display) -> Slider:
    median = prior.median()
    if prior.dist is None:  # a fixed value: half to one and a half times it
        lo, hi = 0.5 * median, 1.5 * median
        lo, hi = min(lo, hi), max(lo, hi)
    else:
        lo, hi = _quantile(prior, 0.05), _quantile(prior, 0.95)
    f, step = display.factor, display.step
    low = _round_to(lo * f, step, "down")
    high = _round_to(hi * f, step, "up")
    if high <= low:
        high = low + step
    default = min(max(_round_to(median * f, step), low), high)
    return Slider(prior.name, low, high, default, step, display.unit_key, display.mode, prior.origin,
                  prior.figure_id, f, median)


def firing_policies(scenario: Scenario) -> tuple[str, ...]:
    """The firing policies the scenario's schema allows (empty where it has none)."""
    structure = getattr(scenario, "structure", None)
    if structure is None or "firing" not in type(structure).model_fields:
        return ()
    return tuple(get_args(type(structure).model_fields["firing"].annotation))


class Explorer:
    """A scenario's futures held in memory, re-run after every slider move.

    ``Explorer(scenario).run(Settings(values={"nk_stockpile_start": 8.0}, cutoff="2025-10"))``
    gives the fan of North Korea's share of fire and the key numbers with the stockpile's
    median set to 8 million shells and deliveries stopping in October 2025.
    :meth:`from_run` takes the futures of a run already made (its calibrated ones included), so
    that at the defaults the explorer's numbers are that run's.
    """

    def __init__(self, scenario: Scenario, registry: Registry | None = None, *,
                 samples: int = EXPLORER_SAMPLES, seed: int | None = None):
        self.scenario = scenario
        self.registry = registry if registry is not None else load_registry()
        self.samples = samples
        self.seed = scenario.seed if seed is None else seed
        self.priors = scenario_priors(scenario, self.registry)
        by_name = {p.name: p for p in self.priors}
        self._dependence = dependence_of(scenario, self.priors)
        self._prior, self._unit = draw_prior(self.priors, samples, method=scenario.sampling, seed=self.seed,
                                             dependence=self._dependence)
        self.sliders: dict[str, Slider] = {name: _slider(by_name[name], d) for name, d in _DISPLAY.items()
                                           if name in by_name}
        self.observed: list[ObservedFigure] = observed_figures(scenario, self.registry)
        self.months: list[str] = build_timeline(scenario, self.registry).months
        stops = sorted(ev.month for ev in scenario.events.values() if ev.kind == "nk_deliveries_stop")
        self.default_cutoff: str | None = stops[0] if stops else None
        self.policies = firing_policies(scenario)
        # where the scenario averages over firing policies (structures:), its own choice is that average
        if self.policies and "firing" in scenario.structures.uncertain():
            self.policies = (AVERAGED, *self.policies)
        self.default_policy: str | None = (self.policies[0] if self.policies and self.policies[0] == AVERAGED
                                           else scenario.structure.firing if self.policies else None)  # type: ignore[attr-defined]
        self._timelines: dict[str | None, Timeline] = {}
        self._structures: dict[str | None, Structure] = {}
        self._calibrated: dict[str | None, Futures] = {}
        self._keep = {FAN_TRAJECTORY} | {o.output for o in self.observed}
        self._points = observed_points(self.observed, build_timeline(scenario, self.registry))

    @classmethod
    def from_run(cls, run: RunResult, registry: Registry | None = None) -> Explorer:
        """The explorer on a run's own futures: its prior samples, and its calibrated ones under the
        scenario's firing policy and each structural alternative's (other policies are calibrated
        here when first asked for). Needs a run small enough to keep every sample's inputs."""
        ex = cls(run.scenario, registry, samples=len(run.prior))
        names = run.prior.inputs.names
        ex._prior = Futures.from_ensemble(names, run.prior.inputs.values, run.prior.weights)
        if ex.observed and run.calibration.calibrated and ex.default_policy == AVERAGED:
            # averaged over the firing policies by their evidence: each policy's calibrated futures are the
            # run's calibrated futures that took it (Bayesian model averaging conditions on it that way)
            names = run.calibrated.inputs.names
            values = run.calibrated.inputs.values
            weights = run.calibrated.head_weights(values.shape[0])
            column = names.index(structure_parameter("firing"))
            for k, policy in enumerate(SWITCHES["firing"].choices):
                mask = np.rint(values[:, column]) == k
                if policy not in ex.policies or not mask.any():
                    continue
                futures = Futures.from_ensemble(names, values[mask], weights[mask])
                ll = ex._log_likelihood(futures.params, ex.default_cutoff, policy)
                ex._calibrated[policy] = Futures(futures.params, futures.weights, ll, futures.groups)
            futures = Futures.from_ensemble(names, values, weights)
            ll = ex._log_likelihood(futures.params, ex.default_cutoff, AVERAGED)
            ex._calibrated[AVERAGED] = Futures(futures.params, futures.weights, ll, futures.groups)
        elif ex.observed and run.calibration.calibrated:
            found: list[tuple[Any, Any]] = [(ex.default_policy, run.calibrated)]
            found += [(alt.structure.firing, alt.calibrated) for alt in run.features.get("alternatives") or ()
                      if alt.structure.supply_decline == run.structure.supply_decline]
            for policy, ensemble in found:
                if policy in ex._calibrated or (ex.policies and policy not in ex.policies):
                    continue
                futures = Futures.from_ensemble(ensemble.inputs.names, ensemble.inputs.values, ensemble.weights)
                ll = ex._log_likelihood(futures.params, ex.default_cutoff, policy)
                ex._calibrated[policy] = Futures(futures.params, futures.weights, ll, futures.groups)
        return ex

    @property
    def prior_params(self) -> dict[str, np.ndarray]:
        """The prior futures' parameter columns as drawn (canonical units)."""
        return self._prior.params

    # ----------------------------------------------------------------------------- inputs
    def cutoff_options(self) -> list[str | None]:
        """None (no cut-off) and every month of the window but the first."""
        return [None, *self.months[1:]]

    def defaults(self) -> Settings:
        return Settings({n: s.default for n, s in self.sliders.items()}, self.default_cutoff, True,
                        self.default_policy)

    def parameters(self, values: Mapping[str, float], base: Mapping[str, np.ndarray] | None = None
                   ) -> dict[str, np.ndarray]:
        """The futures' parameters (default: the prior ones) with the moved parameters re-mapped (canonical units)."""
        params = dict(self._prior.params if base is None else base)
        for name, shown in values.items():
            s = self.sliders.get(name)
            if s is None:
                raise KeyError(f"no slider for {name!r}; sliders: {', '.join(self.sliders)}")
            if shown is None or float(shown) == s.default:
                continue
            target = s.to_canonical(float(shown))
            info = PARAMETER_INFO[name]
            if s.mode == "scale" and s.median != 0:
                col = params[name] * (target / s.median)
            else:
                col = params[name] + (target - s.median)
            lo = -np.inf if info.low is None else info.low
            hi = np.inf if info.high is None else info.high
            params[name] = np.clip(col, lo, hi)
        return params

    def timeline(self, cutoff: str | None) -> Timeline:
        """The scenario's timeline with its cut-off replaced by ``cutoff`` (cached per month)."""
        if cutoff not in self._timelines:
            if cutoff is not None and cutoff not in self.months[1:]:
                raise ValueError(f"cut-off month {cutoff} is not within the window "
                                 f"{self.months[1]}..{self.months[-1]}")
            events: dict[str, Event] = {k: ev for k, ev in self.scenario.events.items()
                                        if ev.kind != "nk_deliveries_stop"}
            if cutoff is not None:
                events[CUTOFF_EVENT] = Event(kind="nk_deliveries_stop", month=cutoff, factor=None, soldiers=None,
                                             note="set in the explorer")
            self._timelines[cutoff] = build_timeline(self.scenario.model_copy(update={"events": events}), self.registry)
        return self._timelines[cutoff]

    def structure(self, firing: str | None) -> Structure:
        """The scenario's structure with its firing policy replaced by ``firing`` (None: its own)."""
        choice = firing or self.default_policy
        if choice not in self._structures:
            if not self.policies or choice == AVERAGED:
                self._structures[choice] = build_structure(self.scenario)
            elif choice not in self.policies:
                raise ValueError(f"firing policy {choice!r} is not one of {', '.join(self.policies)}")
            else:
                structure = self.scenario.structure.model_copy(update={"firing": choice})  # type: ignore[attr-defined]
                self._structures[choice] = build_structure(self.scenario.model_copy(update={"structure": structure}))
        return self._structures[choice]

    # ----------------------------------------------------------------------------- calibration
    def _simulate(self, params: Mapping[str, np.ndarray], cutoff: str | None, firing: str | None,
                  keep: set[str]) -> Any:
        if (firing or self.default_policy) not in (None, AVERAGED):  # one policy for every future
            params = {k: v for k, v in params.items() if k != structure_parameter("firing")}
        with np.errstate(all="ignore"):
            return simulate(params, self.timeline(cutoff), shortage_threshold=self.scenario.shortage_threshold,
                            keep=keep, structure=self.structure(firing))

    def _log_likelihood(self, params: Mapping[str, np.ndarray], cutoff: str | None, firing: str | None
                        ) -> np.ndarray:
        out = self._simulate(params, cutoff, firing, self._keep)
        return self._joint(out.trajectories)

    def _joint(self, trajectories: Mapping[str, np.ndarray]) -> np.ndarray:
        return joint_log_likelihood(trajectories, self._points, self.observed,
                                    self.scenario.calibration.series_correlation)

    def calibrated_futures(self, firing: str | None = None) -> Futures:
        """The futures calibrated under ``firing`` (None: the scenario's policy) at the default cut-off,
        computed once (tempered SMC from the prior futures, about a second at 4,096)."""
        policy = firing or self.default_policy
        if policy not in self._calibrated:
            self.structure(policy)  # refuses an unknown policy
            prior_ll = self._log_likelihood(self._prior.params, self.default_cutoff, policy)
            self._calibrated[policy] = calibrate_futures(
                self.priors, self._unit, prior_ll,
                lambda params: self._log_likelihood(params, self.default_cutoff, policy),
                seed=self.seed, target_ess=self.scenario.calibration.target_ess, dependence=self._dependence)
        return self._calibrated[policy]

    def warm(self) -> Explorer:
        """Calibrate under every firing policy now, so that no move waits for it (the app calls this once
        per server: a few seconds at 4,096 futures)."""
        if self.observed:
            for policy in self.policies or (None,):
                self.calibrated_futures(policy)
        return self

    # ----------------------------------------------------------------------------- one move
    def run(self, settings: Settings | None = None) -> ExplorerResult:
        """Re-run the futures under ``settings`` (the defaults when None)."""
        settings = settings if settings is not None else self.defaults()
        start = time.perf_counter()
        timeline = self.timeline(settings.cutoff)
        calibrated = bool(settings.calibrated and self.observed)
        futures = self.calibrated_futures(settings.firing) if calibrated else self._prior
        params = self.parameters(settings.values, futures.params)
        out = self._simulate(params, settings.cutoff, settings.firing, self._keep)
        n = futures.size
        if calibrated:
            weights, ess = reweight(futures, self._joint(out.trajectories))
        else:
            weights, ess = np.full(n, 1.0 / n), float(n)
        stats = {}
        for name in KEY_NUMBERS:
            if name == "months_to_shortage_after_cutoff" and timeline.cutoff is None:
                continue
            stats[name] = metric_stats(out.metrics[name], weights)
        return ExplorerResult(list(timeline.months), stats, calibrated, float(ess), n, settings.cutoff,
                              settings.firing or self.default_policy, time.perf_counter() - start,
                              out.trajectories[FAN_TRAJECTORY], weights)

    def observation(self, output: str = FAN_TRAJECTORY) -> ObservedFigure | None:
        """The scenario's observed figure on ``output`` (drawn on the fan), if any."""
        return next((o for o in self.observed if o.output == output), None)
