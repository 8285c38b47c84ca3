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
      ru_production_start_per_month:
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

from pydantic import BaseModel, ConfigDict, Field

from ..core.catalogue import SENSITIVITY_METRICS, MetricName, TrajectoryName
from .distributions import ParameterInfo
from .specs import DistributionSpec

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
    "Window",
    "MAX_SAMPLES",
    "MIN_SAMPLES",
    "NAME_PATTERN",
    "RESERVED_NAMES",
    "SMC_MAX_PARTICLES",
]

MIN_SAMPLES = 64
MAX_SAMPLES = 10_000_000
Month = Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="a month, YYYY-MM")]
NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"
# Folders the batch writes itself beside the scenarios' folders: no scenario may take these names.
RESERVED_NAMES = ("comparison", "teaching")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


# --------------------------------------------------------------------------- parameters
def _param(label: str, description: str, unit: str, low: float | None = 0.0, high: float | None = None) -> Any:
    return Field(description=description, json_schema_extra={"label": label, "unit": unit, "low": low, "high": high})


class Parameters(_Strict):
    """Every input of the model, in the order the story runs. Each is a distribution."""

    # Russian production -- NATO: ≈3 million shells a year (registry: ru_shell_production_per_year)
    ru_production_start_per_month: DistributionSpec = _param(
        "Russian production at start", "Russian artillery-shell production at the window's start", "shells/month")
    ru_production_growth_per_year: DistributionSpec = _param(
        "Russian production growth", "yearly growth of Russian production (compounded monthly)", "fraction/year", -0.9, 3.0)
    ru_production_ceiling_per_month: DistributionSpec = _param(
        "Russian production ceiling", "most Russian industry can produce, however long the war", "shells/month")
    ru_reserve_stock_start: DistributionSpec = _param(
        "Russian old reserves", "usable old (Soviet-era) shells left in Russian reserves at the start", "shells")
    ru_reserve_release_max_per_month: DistributionSpec = _param(
        "Russian reserve release rate", "most shells that can be drawn from reserves and refurbished in a month", "shells/month")
    shells_wanted_per_month: DistributionSpec = _param(
        "shells Russia wants to fire", "shells Russia wants to fire in a month at normal intensity", "shells/month")
    # North Korean supply
    nk_stockpile_start: DistributionSpec = _param(
        "North Korean stockpile", "North Korean artillery shells available for export at the start", "shells")
    nk_production_per_month: DistributionSpec = _param(
        "North Korean new production", "new North Korean shell production available for export", "shells/month")
    nk_shipping_capacity_per_month: DistributionSpec = _param(
        "North Korean shipping capacity", "most shells that can be moved to Russia in a month (rail and ships)", "shells/month")
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
        "NK killed per soldier-month", "share of deployed soldiers killed each month", "fraction/month", 0.0, 1.0)
    troop_wounded_per_killed: DistributionSpec = _param(
        "wounded per killed", "soldiers wounded (and withdrawn) for each one killed", "ratio", 0.0, 50.0)
    troop_tour_months: DistributionSpec = _param(
        "tour length", "months a unit serves before it is rotated out and replaced", "months", 1.0, 120.0)
    # Payments
    price_per_shell_usd: DistributionSpec = _param(
        "price per shell", "value Russia transfers per shell delivered", "usd/shell")
    payment_per_soldier_month_usd: DistributionSpec = _param(
        "pay per soldier-month", "value Russia transfers per North Korean soldier per month", "usd/soldier/month")
    other_support_per_month_usd: DistributionSpec = _param(
        "other support per month", "value transferred for missiles, other arms and services each month of deliveries", "usd/month")
    nk_gdp_usd: DistributionSpec = _param(
        "North Korean GDP", "North Korea's yearly GDP, the yardstick for payments", "usd")


PARAMETER_INFO: dict[str, ParameterInfo] = {
    name: ParameterInfo(
        name=name,
        unit=f.json_schema_extra["unit"],  # type: ignore[index]
        low=f.json_schema_extra["low"],  # type: ignore[index]
        high=f.json_schema_extra["high"],  # type: ignore[index]
        description=f.description or "",
        label=f.json_schema_extra["label"],  # type: ignore[index]
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
    note: str | None = None


class Window(_Strict):
    start: Month = Field(description="first simulated month")
    horizon_months: int = Field(ge=1, le=240, strict=True, description="number of months simulated")


class Sensitivity(_Strict):
    metrics: list[MetricName] = Field(
        default_factory=lambda: list(SENSITIVITY_METRICS),
        description="metrics whose drivers are analysed",
    )
    methods: list[Literal["sobol", "tornado", "rank"]] = Field(
        default_factory=lambda: ["sobol", "tornado", "rank"]
    )
    sobol_samples: int = Field(1024, ge=64, le=65536, strict=True, description="base samples of the Sobol design (power of 2)")


SMC_MAX_PARTICLES = 262_144  # above this many samples, SMC's repeated model runs cost too much


class CalibrationSettings(_Strict):
    """How the samples are calibrated to the observed figures."""

    method: Literal["smc", "importance"] = Field(
        "smc", description="smc: tempered Sequential Monte Carlo (keeps its effective sample size as "
        "figures are added); importance: weight the prior samples once")
    target_ess: float = Field(0.5, ge=0.1, le=0.95, description="share of samples each SMC stage keeps effective; "
                              "also the threshold above which one importance-weighting step is enough")


class Scenario(_Strict):
    """One scenario file after ``extends`` is resolved."""

    name: str = Field(pattern=NAME_PATTERN, description="also the results folder name")
    description: str = Field(pattern=r"\S", description="the question the scenario answers")
    extends: str | None = Field(None, description="parent scenario (file name in the same folder)")
    window: Window
    seed: int = Field(ge=0, le=2**63 - 1, strict=True)
    samples: int = Field(ge=MIN_SAMPLES, le=MAX_SAMPLES, strict=True)
    sampling: Literal["mc", "lhs", "sobol"] = "sobol"
    shortage_threshold: float = Field(
        0.1, gt=0, le=1, description="a month counts as short when this share of wanted shells is missing"
    )
    parameters: Parameters
    events: dict[str, Event] = Field(default_factory=dict)
    observations: dict[str, Observation] = Field(default_factory=dict)
    sensitivity: Sensitivity = Field(default_factory=Sensitivity)
    calibration: CalibrationSettings = Field(default_factory=CalibrationSettings)


