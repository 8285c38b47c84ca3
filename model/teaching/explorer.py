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

"Calibrated" weights the futures by how well they reproduce the scenario's observed figures:
one importance-weighting step over the fixed samples (``model.analysis.smc.importance_weights``),
not the tempered SMC of a full run, which would cost seconds per move; at 4,096 samples and
five figures this leaves a few hundred effective samples for the baseline, and the explorer
shows the effective sample size so that a class sees when a setting leaves too few.

Numbers only: the words and their language are the app's (``model.teaching.app``).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

import numpy as np

from ..analysis.calibration import ObservedFigure, date_draws, fill_drawn_dates, log_likelihoods
from ..analysis.smc import importance_weights
from ..core.dynamics import simulate
from ..core.months import DAYS_PER_MONTH
from ..core.timeline import Timeline
from ..core.structure import structure_parameter
from ..experiment import observed_figures, observed_points
from ..inputs.distributions import ParameterPrior
from ..inputs.events import build_timeline
from ..inputs.priors import scenario_priors
from ..inputs.registry import Registry, load_registry
from ..inputs.sampling import sample_parameters
from ..inputs.schema import PARAMETER_INFO, Event, Scenario
from ..presentation.summary import metric_stats, trajectory_quantiles

__all__ = ["Explorer", "ExplorerResult", "Settings", "Slider", "SLIDER_PARAMETERS", "KEY_NUMBERS",
           "EXPLORER_SAMPLES", "CUTOFF_EVENT", "FAN_TRAJECTORY", "COMPARED_WITH"]

EXPLORER_SAMPLES = 4096
CUTOFF_EVENT = "explorer_cutoff"  # the event name the cut-off slider writes into the scenario copy
FAN_TRAJECTORY = "nk_share_of_fired"
# The key numbers the explorer shows, in order (metric names of the output catalogue).
KEY_NUMBERS: tuple[str, ...] = ("nk_share_of_fired", "nk_deliveries_total", "shortfall_total",
                                "months_to_shortage_after_cutoff")
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
    bands: dict[float, np.ndarray]  # quantile level -> per-month values of FAN_TRAJECTORY
    stats: dict[str, dict[str, float | None]]  # key number -> mean, p5, p50, p95 (and share_never)
    calibrated: bool
    effective_sample_size: float  # = samples when not calibrated
    samples: int
    cutoff: str | None
    firing: str | None
    seconds: float  # time taken by this move (simulation, weights, quantiles)


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
    """

    def __init__(self, scenario: Scenario, registry: Registry | None = None, *,
                 samples: int = EXPLORER_SAMPLES, seed: int | None = None):
        self.scenario = scenario
        self.registry = registry if registry is not None else load_registry()
        self.samples = samples
        self.priors = scenario_priors(scenario, self.registry)
        by_name = {p.name: p for p in self.priors}
        drawn = sample_parameters(self.priors, samples, method=scenario.sampling,
                                  seed=scenario.seed if seed is None else seed)
        self._base = {name: np.ascontiguousarray(col) for name, col in drawn.as_dict().items()}
        self.sliders: dict[str, Slider] = {name: _slider(by_name[name], d) for name, d in _DISPLAY.items()
                                           if name in by_name}
        self.observed: list[ObservedFigure] = observed_figures(scenario, self.registry)
        self.months: list[str] = build_timeline(scenario, self.registry).months
        stops = sorted(ev.month for ev in scenario.events.values() if ev.kind == "nk_deliveries_stop")
        self.default_cutoff: str | None = stops[0] if stops else None
        self.policies = firing_policies(scenario)
        # where the scenario averages over firing policies (structures:), its own choice is that average
        averaged = "firing" in scenario.structures.uncertain()
        self.default_policy: str | None = (None if averaged or not self.policies
                                           else scenario.structure.firing)  # type: ignore[attr-defined]
        self._timelines: dict[str | None, Timeline] = {}
        self._keep = {FAN_TRAJECTORY} | {o.output for o in self.observed}
        self._points = observed_points(self.observed, build_timeline(scenario, self.registry))
        self._draws = date_draws(self.observed)

    # ----------------------------------------------------------------------------- inputs
    def cutoff_options(self) -> list[str | None]:
        """None (no cut-off) and every month of the window but the first."""
        return [None, *self.months[1:]]

    def defaults(self) -> Settings:
        return Settings({n: s.default for n, s in self.sliders.items()}, self.default_cutoff, True,
                        self.default_policy)

    def parameters(self, values: Mapping[str, float]) -> dict[str, np.ndarray]:
        """The fixed samples with the moved parameters re-mapped (canonical units)."""
        params = dict(self._base)
        for name, shown in values.items():
            s = self.sliders.get(name)
            if s is None:
                raise KeyError(f"no slider for {name!r}; sliders: {', '.join(self.sliders)}")
            if shown is None or float(shown) == s.default:
                continue
            target = s.to_canonical(float(shown))
            info = PARAMETER_INFO[name]  # (sliders are parameters of the schema)
            if s.mode == "scale" and s.median != 0:
                col = self._base[name] * (target / s.median)
            else:
                col = self._base[name] + (target - s.median)
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

    def _structure_kwargs(self, firing: str | None) -> dict[str, Any]:
        if not self.policies:
            return {}
        from ..inputs.events import build_structure  # present with the firing-policy field

        choice = firing or self.default_policy
        if choice is None:  # the scenario's own: averaged over the policies by their evidence
            return {"structure": build_structure(self.scenario)}
        if choice not in self.policies:
            raise ValueError(f"firing policy {choice!r} is not one of {', '.join(self.policies)}")
        structure = self.scenario.structure.model_copy(update={"firing": choice})  # type: ignore[attr-defined]
        return {"structure": build_structure(self.scenario.model_copy(update={"structure": structure}))}

    # ----------------------------------------------------------------------------- one move
    def run(self, settings: Settings | None = None) -> ExplorerResult:
        """Re-run the fixed futures under ``settings`` (the defaults when None)."""
        settings = settings if settings is not None else self.defaults()
        start = time.perf_counter()
        timeline = self.timeline(settings.cutoff)
        params = self.parameters(settings.values)
        chosen = settings.firing or self.default_policy
        if chosen is not None:  # one policy for every future: the per-sample draw gives way
            params.pop(structure_parameter("firing"), None)
        with np.errstate(all="ignore"):
            out = simulate(params, timeline,
                           shortage_threshold=self.scenario.shortage_threshold, keep=self._keep,
                           **self._structure_kwargs(settings.firing))
        n = self.samples
        calibrated = bool(settings.calibrated and self.observed)
        if calibrated:
            at = np.column_stack([out.trajectories[name][:, t] for name, t in self._points])
            fill_drawn_dates(at, self._draws, np.arange(at.shape[0]))
            weights, ess, _ = importance_weights(log_likelihoods(at, self.observed).sum(axis=1, dtype=np.float64))
        else:
            weights, ess = np.full(n, 1.0 / n), float(n)
        bands = trajectory_quantiles(out.trajectories[FAN_TRAJECTORY], weights)
        stats = {}
        for name in KEY_NUMBERS:
            if name == "months_to_shortage_after_cutoff" and timeline.cutoff is None:
                continue
            stats[name] = metric_stats(out.metrics[name], weights)
        return ExplorerResult(list(timeline.months), bands, stats, calibrated, float(ess), n, settings.cutoff,
                              settings.firing or self.default_policy, time.perf_counter() - start)

    def observation(self, output: str = FAN_TRAJECTORY) -> ObservedFigure | None:
        """The scenario's observed figure on ``output`` (drawn on the fan), if any."""
        return next((o for o in self.observed if o.output == output), None)
