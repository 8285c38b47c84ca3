"""The scenario schema: every field an analyst may write, with type, unit and meaning.

This module is the single place where scenario fields, defaults, units and
descriptions are defined (pydantic models with unknown keys forbidden); the distribution
specs live in ``model.inputs.specs``, reading a file and ``extends:`` in
``model.inputs.loading``.

A scenario in short::

    name: baseline
    description: What question this scenario answers.
    window: {start: 2023-09, horizon_months: 36}
    seed: 20230913
    samples: 20000
    sampling: sobol            # mc | lhs | sobol
    parameters:                # every model input, each a distribution
      ru_production_per_month:
        figure: ru_shell_production_per_year   # 3 million a year (NATO) -> /12
        spread: 0.3
      nk_dud_rate_old:
        dist: pert
        low: 0.05
        mode: 0.2
        high: 0.4
        unit: fraction
        assumption: "why this range"
    events:                    # things that happen at a month, by name
      cut: {kind: nk_deliveries_stop, month: 2025-01}
    observations:              # article figures the model should reproduce
      nk_shells_delivered_2024: {output: nk_deliveries_cumulative}
"""


from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, create_model

from ..core.catalogue import SENSITIVITY_METRICS, MetricName, TrajectoryName
from ..core.structure import SWITCHES
from .distributions import ParameterInfo
from .feature_specs import scenario_fields
from .number_rule import INPUT_MODEL_CONFIG, WholeNumber
from .sample_count import MAX_SAMPLES, MIN_SAMPLES, SampleCount
from .specs import DistributionSpec
from .structure_specs import (
    DeclineChoice,
    DepotChoice,
    FirePeriod,
    FireProfileChoice,
    FiringChoice,
    FiringOrderChoice,
    NkProductionChoice,
    NkStockChoice,
    NkSupplyStartChoice,
    RefurbishmentChoice,
    RuProductionChoice,
    TroopLossChoice,
    TroopPhase,
)

__all__ = [
    "Scenario",
    "Parameters",
    "ParameterInfo",
    "PARAMETER_INFO",
    "DistributionSpec",
    "Event",
    "EVENT_NEEDS",
    "Observation",
    "Sensitivity",
    "CalibrationSettings",
    "StructureSettings",
    "StructurePriors",
    "FirePeriod",
    "TroopPhase",
    "IntensityPoint",
    "Window",
    "MAX_SAMPLES",
    "MIN_SAMPLES",
    "NAME_PATTERN",
    "RESERVED_NAMES",
    "SMC_MAX_PARTICLES",
    "DEFAULT_HEADLINE",
    "ReportCandidate",
    "ValueOfInformation",
    "MAX_EVENTS",
    "MAX_FIGURE_FILES",
]


Month = Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="a month, YYYY-MM")]
NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"
# Folders the batch writes itself beside the scenarios' folders: no scenario may take these names.
RESERVED_NAMES = ("comparison", "teaching")
# Counts with a maximum (the README's Limits lists them all): each alternative runs the model and its
# calibration again on the same samples
MAX_EVENTS = 100  # a month-by-month story, not a data feed
MAX_FIGURE_FILES = 20  # after extends: the parent's and the child's together


class _Strict(BaseModel):
    model_config = INPUT_MODEL_CONFIG  # one number rule for every field (model.inputs.number_rule)


# --------------------------------------------------------------------------- parameters
def _param(label: str, description: str, unit: str, low: float | None = 0.0, high: float | None = None) -> Any:
    return Field(description=description, json_schema_extra={"label": label, "unit": unit, "low": low, "high": high})


class Parameters(_Strict):
    """Every input of the model, in the order the story runs. Each is a distribution."""

    # Russian production -- NATO: ≈3 million shells a year (registry: ru_shell_production_per_year)
    ru_production_per_month: DistributionSpec = _param(
        "Russian production at its anchor", "Russian artillery-shell production at the figure's date (ru_production: "
        "anchored) or in the window's first month (compound)", "shells/month")
    ru_production_growth_per_year: DistributionSpec = _param(
        "Russian production growth", "yearly growth of Russian production while far below its plateau (compound: "
        "compounded monthly up to the ceiling)", "fraction/year", -0.9, 3.0)
    ru_production_ceiling_per_month: DistributionSpec = _param(
        "Russian production plateau", "most Russian industry can produce, however long the war", "shells/month")
    ru_reserve_stock_start: DistributionSpec = _param(
        "Russian old reserves", "usable old (Soviet-era) shells left in Russian reserves at the start", "shells")
    ru_reserve_release_max_per_month: DistributionSpec = _param(
        "Russian refurbishment capacity", "most old shells Russian plants can refurbish in a month (Russian reserves "
        "and North Korean old stock share it)", "shells/month")
    shells_wanted_per_month: DistributionSpec = _param(
        "shells Russia wants to fire", "shells Russia wants to fire in a month at the base level (fire periods "
        "multiply it)", "shells/month")
    # Russian depot (structure.depot: limited)
    ru_depot_limit_days: DistributionSpec = _param(
        "Russian depot limit", "most fire Russia holds near the front and in depots, in days of wanted fire; beyond it "
        "no shells are ordered", "days", 1.0, 730.0)
    ru_depot_loss_per_month: DistributionSpec = _param(
        "depot losses", "share of the depot stock lost each month (strikes, attrition, spoilage)", "fraction/month",
        0.0, 0.5)
    # Russian firing under the stock-target policy (structure.firing: stock_target; unused under demand)
    fire_target_stock_days: DistributionSpec = _param(
        "reserve Russia aims to hold", "days of base fire Russia aims to keep in its depots", "days", 0.0, 365.0)
    fire_max_factor: DistributionSpec = _param(
        "most fire when supply allows", "fire when stock exceeds the target, as a multiple of base fire", "ratio",
        1.0, 5.0)
    fire_floor_factor: DistributionSpec = _param(
        "rationing floor", "least fire when stock runs low, as a share of base fire", "ratio", 0.0, 1.0)
    # North Korean supply
    nk_stockpile_start: DistributionSpec = _param(
        "North Korean stockpile", "North Korean artillery shells in stock at the start", "shells")
    nk_exportable_share: DistributionSpec = _param(
        "NK exportable share", "share of the stockpile North Korea lets go (it keeps the rest for its own defence)",
        "fraction", 0.0, 1.0)
    nk_production_per_month: DistributionSpec = _param(
        "North Korean new production", "new North Korean shell production available for export", "shells/month")
    nk_production_growth_per_year: DistributionSpec = _param(
        "NK production growth", "yearly growth of North Korean new production (compound: compounded monthly; "
        "saturating: while far below its ceiling)", "fraction/year", -0.9, 3.0)
    nk_production_ceiling_per_month: DistributionSpec = _param(
        "NK production ceiling", "most new shells North Korea can make for export in a month (nk_production: "
        "saturating)", "shells/month")
    nk_old_stock_share: DistributionSpec = _param(
        "NK old-stock share", "share of North Korea's exportable stock that needs refurbishing before use "
        "(nk_stock: tiers)", "fraction", 0.0, 1.0)
    nk_refurbishment_delay_months: DistributionSpec = _param(
        "NK refurbishment delay", "months North Korean old shells spend in Russian plants on average", "months", 1.0,
        36.0)
    nk_refurbishment_loss: DistributionSpec = _param(
        "NK refurbishment loss", "share of North Korean old shells scrapped in refurbishment", "fraction", 0.0, 1.0)
    nk_shipping_capacity_per_month: DistributionSpec = _param(
        "North Korean shipping capacity", "most shells that can be moved to Russia in a month (rail and ships)", "shells/month")
    nk_ramp_months: DistributionSpec = _param(
        "NK start-up ramp", "months from the window's start until shipping runs at full capacity (1: at once)",
        "months", 1.0, 36.0)
    nk_initial_pulse_shells: DistributionSpec = _param(
        "NK initial pulse", "serviceable shells ready before the window that arrive in its first month "
        "(nk_supply_start: pulse)", "shells")
    nk_ramp_start_share: DistributionSpec = _param(
        "NK ramp start", "share of shipping capacity in use in the first month (nk_supply_start: pulse)", "fraction",
        0.0, 1.0)
    nk_dud_rate_old: DistributionSpec = _param(
        "NK old-stock dud rate", "share of old-stock North Korean shells that fail", "fraction", 0.0, 1.0)
    nk_dud_rate_new: DistributionSpec = _param(
        "NK new-shell dud rate", "share of newly produced North Korean shells that fail", "fraction", 0.0, 1.0)
    # North Korean troops
    troop_ceiling: DistributionSpec = _param(
        "NK troop ceiling", "North Korean troop strength Russia and North Korea aim for in theatre", "soldiers")
    troop_buildup_per_month: DistributionSpec = _param(
        "NK troop build-up rate", "most North Korean soldiers that can arrive in a month", "soldiers/month")
    troop_killed_rate_per_month: DistributionSpec = _param(
        "NK killed per soldier-month in combat", "share of deployed soldiers killed each month in combat (troop_losses: "
        "constant: every month)", "fraction/month", 0.0, 1.0)
    troop_killed_rate_reserve_per_month: DistributionSpec = _param(
        "NK killed per soldier-month in reserve", "share of soldiers held in reserve killed each month (troop_losses: "
        "phases)", "fraction/month", 0.0, 1.0)
    troop_wounded_per_killed: DistributionSpec = _param(
        "wounded per killed", "soldiers wounded (and withdrawn) for each one killed", "ratio", 0.0, 50.0)
    troop_tour_months: DistributionSpec = _param(
        "tour length", "months a unit serves before it is rotated out and replaced", "months", 1.0, 120.0)
    # Payments
    price_per_shell_usd: DistributionSpec = _param(
        "price per shell", "value Russia transfers per shell delivered", "usd/shell")
    payment_per_soldier_month_usd: DistributionSpec = _param(
        "pay per soldier-month", "value Russia transfers per North Korean soldier per month", "usd/soldier/month")
    missile_value_per_month_usd: DistributionSpec = _param(
        "missiles per month", "value transferred for North Korean missiles each month of deliveries", "usd/month")
    technology_value_per_month_usd: DistributionSpec = _param(
        "technology per month", "value of Russian technology and know-how transferred each month of deliveries",
        "usd/month")
    other_support_per_month_usd: DistributionSpec = _param(
        "other support per month", "value of other support (oil, food, equipment) each month of deliveries",
        "usd/month")
    nk_gdp_usd: DistributionSpec = _param(  # low 1 usd: payments are divided by it (0 gave inf, 1e-300 overflow)
        "North Korean GDP", "North Korea's yearly GDP in its reference year, the yardstick for payments", "usd", 1.0)
    nk_gdp_growth_per_year: DistributionSpec = _param(
        "NK GDP growth", "yearly growth of North Korean GDP from its reference year", "fraction/year", -0.5, 1.0)
    # What the Ukrainian 40 % counts: all munitions, of which artillery shells are a share
    artillery_share_of_munitions: DistributionSpec = _param(
        "shells' share of munitions", "share of artillery shells among all munitions Russia uses against Ukraine "
        "(by count; the rest: rockets, mortar bombs, missiles)", "fraction", 0.0, 1.0)
    nk_share_of_other_munitions: DistributionSpec = _param(
        "NK share of other munitions", "North Korea's share of the munitions other than artillery shells",
        "fraction", 0.0, 1.0)


def _extra(f: Any) -> dict[str, Any]:
    """The unit, range and label a parameter field carries (set by ``_param``)."""
    return dict(f.json_schema_extra)


PARAMETER_INFO: dict[str, ParameterInfo] = {
    name: ParameterInfo(
        name=name,
        unit=str(_extra(f)["unit"]),
        low=_extra(f)["low"],
        high=_extra(f)["high"],
        description=f.description or "",
        label=str(_extra(f)["label"]),
    )
    for name, f in Parameters.model_fields.items()
}


# --------------------------------------------------------------------------- events, observations
EventKind = Literal[
    "nk_deliveries_stop",
    "nk_deliveries_scale",
    "ru_production_scale",
    "troops_deploy",
    "troops_withdraw",
    "troop_ceiling",
    "fighting_intensity",
]
EVENT_NEEDS: dict[str, str | None] = {
    "nk_deliveries_stop": None,
    "nk_deliveries_scale": "factor",
    "ru_production_scale": "factor",
    "troops_deploy": None,
    "troops_withdraw": None,
    "troop_ceiling": "soldiers",
    "fighting_intensity": "factor",
}


class Event(_Strict):
    """Something that changes from a month on, for every sample.

    kinds: ``nk_deliveries_stop``; ``nk_deliveries_scale`` (factor); ``ru_production_scale``
    (factor); ``troops_deploy``; ``troops_withdraw``; ``troop_ceiling`` (soldiers);
    ``fighting_intensity`` (factor on shells wanted).
    """

    kind: EventKind
    month: Month
    factor: float | None = Field(None, ge=0, le=100, description="multiplier from this month on")
    soldiers: float | None = Field(None, ge=0, le=1_000_000, description="new troop ceiling")
    note: str | None = None


class Observation(_Strict):
    """An article figure the model should reproduce (key: the registry id)."""

    output: TrajectoryName = Field(description="the model trajectory it measures")
    at: Month | None = Field(None, description="month it refers to; default: the figure's as_of")
    spread: float | None = Field(
        None, ge=0.01, le=5,
        description="relative half-width of the figure's 90 % error range; default from its reliability",
    )
    between: list[Month] | None = Field(
        None, min_length=2, max_length=2,
        description="an undated total (claim total_undated): the first and last month its date may be; default: "
        "from the claim's period_from to its period_to or the window's last month")
    note: str | None = None


class Window(_Strict):
    start: Month = Field(description="first simulated month")
    horizon_months: WholeNumber = Field(ge=1, le=240, description="number of months simulated")


SensitivityMethod = Literal["sobol", "tornado", "rank"]
SENSITIVITY_METHODS: tuple[SensitivityMethod, ...] = ("sobol", "tornado", "rank")


class Sensitivity(_Strict):
    metrics: list[MetricName] = Field(
        default_factory=lambda: list(SENSITIVITY_METRICS),
        description="metrics whose drivers are analysed",
    )
    methods: list[SensitivityMethod] = Field(default_factory=lambda: list(SENSITIVITY_METHODS))
    sobol_samples: WholeNumber = Field(1024, ge=64, le=65536, description="base samples of the Sobol design (power of 2)")


def _switch(default: str, name: str) -> Any:
    return Field(default, description=SWITCHES[name].description)


class StructureSettings(_Strict):
    """The structural assumptions, as much assumptions as the numbers are (see ``model.core.structure``).
    A switch that ``structures:`` makes uncertain takes its choice per sample instead."""

    firing: FiringChoice = _switch("demand", "firing")
    supply_decline: DeclineChoice = _switch("constant", "supply_decline")
    firing_order: FiringOrderChoice = _switch("mixed", "firing_order")
    depot: DepotChoice = _switch("unlimited", "depot")
    fire_profile: FireProfileChoice = _switch("flat", "fire_profile")
    nk_stock: NkStockChoice = _switch("single", "nk_stock")
    nk_supply_start: NkSupplyStartChoice = _switch("ramp", "nk_supply_start")
    nk_production: NkProductionChoice = _switch("compound", "nk_production")
    ru_production: RuProductionChoice = _switch("compound", "ru_production")
    ru_refurbishment: RefurbishmentChoice = _switch("flat", "ru_refurbishment")
    troop_losses: TroopLossChoice = _switch("constant", "troop_losses")
    fire_drop_threshold: float = Field(
        0.8, gt=0, lt=1, description="fire 'drops' below this share of its level in the three months before a cut-off "
        "(relative to the fire wanted)")
    assumption: str | None = Field(None, description="why these structural choices")


Weights = dict[str, float] | list[str] | None


class StructurePriors(_Strict):
    """Prior weights of the switches whose choice is uncertain (``choice: weight``, or a list of choices for
    equal weights); the run averages over them by their evidence."""

    firing: Weights = None
    supply_decline: Weights = None
    firing_order: Weights = None
    depot: Weights = None
    fire_profile: Weights = None
    nk_stock: Weights = None
    nk_supply_start: Weights = None
    nk_production: Weights = None
    ru_production: Weights = None
    ru_refurbishment: Weights = None
    troop_losses: Weights = None
    assumption: str | None = Field(None, description="why these weights")

    def uncertain(self) -> list[str]:
        """The switches listed here with more than one choice of positive weight."""
        from .structure_specs import structure_weights

        out = []
        for name in SWITCHES:
            weights = structure_weights(getattr(self, name))
            if weights and sum(1 for w in weights.values() if w > 0) > 1:
                out.append(name)
        return out


class IntensityPoint(_Strict):
    """Russia's fire relative to base in a month; the profile is linear between points, flat beyond."""

    month: Month
    factor: float = Field(ge=0, le=10)


class ReportCandidate(_Strict):
    """A report that may come (for the value of information): a model quantity at a month, or a monthly
    quantity summed over a calendar year, with the reliability such a report would have."""

    quantity: TrajectoryName = Field(description="the model quantity the report would give")
    at: Month | None = Field(None, description="the month it would refer to")
    year: int | None = Field(None, ge=1900, le=2200, strict=True,
                             description="a monthly quantity summed over this calendar year (within the window)")
    reliability: Literal["high", "medium", "low"] = "medium"


class ValueOfInformation(_Strict):
    """Which next report would narrow the headline answers most (model.analysis.value_of_information)."""

    candidates: list[ReportCandidate] = Field(
        default_factory=list, max_length=64, description="the reports to rank; empty: each observable quantity "
        "at a few dates after the last reported figure, at medium reliability")


#: What a scenario's report leads with when it names no headline: the baseline's answers to its three
#: questions (how much of Russia's fire, how many killed, what Russia paid).
DEFAULT_HEADLINE: tuple[str, ...] = ("nk_share_of_fired", "killed_total", "payments_share_of_nk_gdp")

SMC_MAX_PARTICLES = 65_536  # above this many samples importance weighting: its ESS is large, SMC would cost minutes


class CalibrationSettings(_Strict):
    """How the samples are calibrated to the observed figures."""

    method: Literal["smc", "importance"] = Field(
        "smc", description="smc: tempered Sequential Monte Carlo (keeps its effective sample size as "
        "figures are added); importance: weight the prior samples once")
    target_ess: float = Field(0.5, ge=0.1, le=0.95, description="share of samples each SMC stage keeps effective; "
                              "also the threshold above which one importance-weighting step is enough")
    particles: WholeNumber = Field(
        4096, ge=256, le=SMC_MAX_PARTICLES,
        description="SMC moves at most this many futures (the first samples drawn) to the figures; the "
        "calibrated answers rest on them (as many effective futures once every stage is done). 4,096 keep the "
        "answers' quantiles to about a percentage point at a quarter of 16,384's time")
    series_correlation: float = Field(
        0.5, ge=0.0, le=0.95,
        description="figures observing the same trajectory at different dates form one series: this share of "
        "each figure's log-error variance is one error common to the series (0: independent errors)")


class ScenarioCore(_Strict):
    """One scenario file after ``extends`` is resolved: the model's own sections (the optional features add
    theirs, ``Scenario`` below)."""

    name: str = Field(pattern=NAME_PATTERN, description="also the results folder name")
    description: str = Field(pattern=r"\S", description="the question the scenario answers")
    extends: str | None = Field(None, description="parent scenario (file name in the same folder)")
    window: Window
    seed: WholeNumber = Field(ge=0, le=2**63 - 1)
    samples: SampleCount = Field(description="number of samples, or auto: draw blocks until `precision` holds")
    sampling: Literal["mc", "lhs", "sobol"] = "sobol"
    shortage_threshold: float = Field(
        0.1, gt=0, le=1, description="a month counts as short when this share of wanted shells is missing"
    )
    parameters: Parameters
    events: dict[str, Event] = Field(default_factory=dict, max_length=MAX_EVENTS)
    observations: dict[str, Observation] = Field(default_factory=dict)
    sensitivity: Sensitivity = Field(default_factory=Sensitivity)
    calibration: CalibrationSettings = Field(default_factory=CalibrationSettings)
    figure_files: list[str] = Field(
        default_factory=list, max_length=MAX_FIGURE_FILES,
        description="extra figure files in the registry's format, relative to the scenario file; a child's "
        "list adds to its parent's (see model.inputs.figure_files)")
    structure: StructureSettings = Field(default_factory=StructureSettings)
    structures: StructurePriors = Field(
        default_factory=StructurePriors, description="switches whose choice is uncertain, with prior weights: the "
        "answer averages over them by their evidence")
    fire_periods: dict[str, FirePeriod] = Field(
        default_factory=dict, description="named month ranges in which wanted fire is the base times an uncertain "
        "factor (structure.fire_profile: periods)")
    troop_phases: dict[str, TroopPhase] = Field(
        default_factory=dict, description="named month ranges in which troops are committed to combat or held in "
        "reserve (structure.troop_losses: phases); outside them the combat rate applies")
    intensity_profile: list[IntensityPoint] = Field(
        default_factory=list, description="Russian fire over time relative to base (multiplies the intensity events)")
    headline: list[MetricName] = Field(
        default_factory=lambda: list(DEFAULT_HEADLINE), min_length=1, max_length=6,
        description="the answers the scenario's question asks for, first on its report (and for the value of information)")
    value_of_information: ValueOfInformation = Field(default_factory=ValueOfInformation)


#: A scenario: the model's own sections and those of every registered feature (``model.features``,
#: ``model.inputs.feature_specs``): a feature's section is read where the feature reads it.
Scenario: type[ScenarioCore] = create_model(  # type: ignore[call-overload]
    "Scenario", __base__=ScenarioCore, __module__=__name__, __doc__=ScenarioCore.__doc__, **scenario_fields())
