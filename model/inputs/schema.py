"""The scenario schema: every field an analyst may write, with type, unit and meaning.

This module is the single place where scenario fields, defaults, units and
descriptions are defined (pydantic models with unknown keys forbidden). It also
reads a scenario file, resolves ``extends:`` onto its parent and reports *every*
problem as ``FILE:LINE: FIELD: message``.

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

import difflib
import re
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, ValidationError

from ..core.catalogue import SENSITIVITY_METRICS, TRAJECTORIES, MetricName, TrajectoryName
from .registry import Registry, load_registry
from .safe_yaml import Problem, YamlDocument, YamlProblems, dotted_path, load_yaml_file
from .units import UnitError, conversion_factor

__all__ = [
    "Scenario",
    "Parameters",
    "ParameterInfo",
    "PARAMETER_INFO",
    "DistributionSpec",
    "Event",
    "Observation",
    "Sensitivity",
    "Window",
    "ScenarioError",
    "ResolvedScenario",
    "load_scenario",
    "MAX_SAMPLES",
    "MIN_SAMPLES",
    "SMC_MAX_PARTICLES",
    "CalibrationSettings",
    "RESERVED_NAMES",
]

MIN_SAMPLES = 64
MAX_SAMPLES = 10_000_000
Month = Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="a month, YYYY-MM")]
NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"
# Folders the batch writes itself beside the scenarios' folders: no scenario may take these names.
RESERVED_NAMES = ("comparison", "teaching")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


# --------------------------------------------------------------------------- distributions
class _Spec(_Strict):
    unit: str | None = Field(None, description="unit of the numbers written; converted to the parameter's unit")
    assumption: str | None = Field(
        None, description="why this value is assumed; required when no article figure backs it"
    )
    note: str | None = None


class FixedSpec(_Spec):
    """A value held fixed (not uncertain)."""

    dist: Literal["fixed"]
    value: float = Field(strict=True)  # strict: `value: true` is not 1.0


class UniformSpec(_Spec):
    """Every value between low and high equally likely."""

    dist: Literal["uniform"]
    low: float
    high: float


class TriangularSpec(_Spec):
    """Triangular distribution between low and high, peaking at mode."""

    dist: Literal["triangular"]
    low: float
    mode: float
    high: float


class PertSpec(_Spec):
    """Beta-PERT: smooth, between low and high, most likely value mode."""

    dist: Literal["pert"]
    low: float
    mode: float
    high: float


class NormalSpec(_Spec):
    """Normal distribution, truncated to the parameter's valid range (and to low/high if given)."""

    dist: Literal["normal"]
    mean: float
    sd: float = Field(gt=0)
    low: float | None = None
    high: float | None = None


class LognormalSpec(_Spec):
    """Lognormal: median and sigma, the standard deviation of the logarithm."""

    dist: Literal["lognormal"]
    median: float = Field(gt=0)
    sigma: float = Field(gt=0, le=5, description="sd of the logarithm; 5 already spans a factor of 150 per sd")


class RangeSpec(_Spec):
    """A ``ci`` range (default 90 %): low and high are its quantiles; a distribution is fitted."""

    dist: Literal["range"]
    low: float
    high: float
    ci: float = Field(0.9, ge=0.5, le=0.999, description="how sure: low-high holds this share (0.5-0.999)")
    shape: Literal["normal", "lognormal"] = "lognormal"


class FigureSpec(_Spec):
    """A registry figure, with its uncertainty.

    ``spread`` is the relative half-width of the 90 % range around the figure's value
    (0.3: from 0.7x to 1.3x); without it, the figure's reliability sets the spread.
    Or give ``low``/``high`` explicitly (in the figure's unit) as the 90 % range.
    """

    figure: str = Field(description="registry id (see `python run.py sources`)")
    spread: float | None = Field(None, ge=0.01, le=5)
    low: float | None = None
    high: float | None = None
    ci: float = Field(0.9, ge=0.5, le=0.999)
    shape: Literal["normal", "lognormal", "uniform"] = "normal"


SPEC_CLASSES: dict[str, type[_Spec]] = {
    "fixed": FixedSpec,
    "uniform": UniformSpec,
    "triangular": TriangularSpec,
    "pert": PertSpec,
    "normal": NormalSpec,
    "lognormal": LognormalSpec,
    "range": RangeSpec,
    "figure": FigureSpec,
}


def _spec_tag(value: Any) -> str | None:
    if isinstance(value, dict):
        if "figure" in value:
            return "figure"
        dist = value.get("dist")
        return dist if isinstance(dist, str) and dist in SPEC_CLASSES else None
    if isinstance(value, BaseModel):
        return "figure" if isinstance(value, FigureSpec) else getattr(value, "dist", None)
    return None


DistributionSpec = Annotated[
    Union[tuple(Annotated[cls, Tag(tag)] for tag, cls in SPEC_CLASSES.items())],  # type: ignore[misc]  # noqa: UP007
    Discriminator(
        _spec_tag,
        custom_error_type="distribution",
        custom_error_message=(
            "say what this parameter is: 'figure: <registry id>' or 'dist:' one of "
            + ", ".join(t for t in SPEC_CLASSES if t != "figure")
        ),
    ),
]


# --------------------------------------------------------------------------- parameters
@dataclass(frozen=True)
class ParameterInfo:
    """What a model parameter is: its canonical unit, valid range and meaning."""

    name: str
    unit: str
    low: float | None
    high: float | None
    description: str
    label: str  # short name for charts and tables


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


# --------------------------------------------------------------------------- loading
class ScenarioError(YamlProblems):
    """A scenario is invalid; ``problems`` lists every problem found."""


@dataclass
class ResolvedScenario:
    """A valid scenario and where its values came from."""

    scenario: Scenario
    path: Path
    chain: list[Path]  # the file, then its parents
    data: dict[str, Any]  # resolved plain data, as validated
    origins: dict[tuple, tuple[str, int]] = field(default_factory=dict)


# How a child's mapping combines with its parent's: fields merge one level, named
# entries (a parameter, an event, an observation) are replaced whole; null removes one.
_MERGE_FIELDS = {"window", "sensitivity", "calibration"}
_MERGE_ENTRIES = {"parameters", "events", "observations"}
_NOT_INHERITED = {"name", "description", "extends"}


def _merge(parent: dict, child: dict) -> dict:
    out = {k: v for k, v in parent.items() if k not in _NOT_INHERITED}
    for key, value in child.items():
        if key in _MERGE_FIELDS and isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = {**out[key], **value}
        elif key in _MERGE_ENTRIES and isinstance(value, dict) and isinstance(out.get(key), dict):
            merged = dict(out[key])
            for name, entry in value.items():
                if entry is None and key != "parameters":
                    merged.pop(name, None)
                else:
                    merged[name] = entry
            out[key] = merged
        else:
            out[key] = value
    return out


def _replaced_by(key: tuple, child: dict[str, Any]) -> bool:
    """Whether the child's data replaces (or, for names, never inherits) the value at ``key``."""
    if not key:
        return False
    top = key[0]
    if top in _NOT_INHERITED:
        return True
    if top not in child:
        return False
    section = child[top]
    if top in _MERGE_FIELDS | _MERGE_ENTRIES and isinstance(section, dict):
        return len(key) > 1 and key[1] in section
    return True


def _origins(doc: YamlDocument) -> dict[tuple, tuple[str, int]]:
    return {path: (doc.path, line) for path, line in doc.lines.items()}


def _unwrap(tp: Any) -> list[Any]:
    """The concrete types behind Annotated/Optional/Union."""
    origin = typing.get_origin(tp)
    if origin is Annotated:
        return _unwrap(typing.get_args(tp)[0])
    if origin in (Union, types.UnionType):
        out = []
        for arg in typing.get_args(tp):
            out.extend(_unwrap(arg))
        return [t for t in out if t is not type(None)]
    return [tp]


def _fields_at(loc: tuple) -> list[str]:
    """Valid keys of the schema object at ``loc`` (for 'did you mean')."""
    candidates: list[Any] = [Scenario]
    for part in loc:
        nxt: list[Any] = []
        for tp in candidates:
            if isinstance(tp, type) and issubclass(tp, BaseModel):
                if part in tp.model_fields:
                    nxt.extend(_unwrap(tp.model_fields[part].annotation))
                elif part in SPEC_CLASSES and tp is not Scenario:
                    nxt.append(SPEC_CLASSES[part])
            elif typing.get_origin(tp) in (dict, list):
                nxt.extend(_unwrap(typing.get_args(tp)[-1]))
            elif part in SPEC_CLASSES:
                nxt.append(SPEC_CLASSES[part])
        candidates = nxt
    names: list[str] = []
    for tp in candidates:
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            names.extend(n for n in tp.model_fields if n not in names)
    return names


def _suggest(word: str, options: list[str]) -> str:
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if close:
        return f"; did you mean '{close[0]}'?"
    return f"; valid keys here: {', '.join(options)}" if options else ""


class _Collector:
    def __init__(self, origins: dict[tuple, tuple[str, int]], default_file: str):
        self.origins = origins
        self.default_file = default_file
        self.problems: list[Problem] = []

    def add(self, loc: tuple, message: str) -> None:
        file, line = self.default_file, None
        for cut in range(len(loc), -1, -1):
            if loc[:cut] in self.origins:
                file, line = self.origins[loc[:cut]]
                break
        self.problems.append(Problem(file, line, dotted_path(loc), message))


def _schema_loc(loc: tuple) -> tuple:
    """Drop pydantic's union-tag elements so a loc matches the YAML keys."""
    if len(loc) > 2 and loc[0] == "parameters" and loc[2] in SPEC_CLASSES:
        return loc[:2] + loc[3:]
    return loc


def _pydantic_problems(err: ValidationError, sink: _Collector) -> None:
    for e in err.errors(include_url=False):
        raw_loc = tuple(e["loc"])
        loc = _schema_loc(raw_loc)
        kind = e["type"]
        if kind == "extra_forbidden":
            options = _fields_at(raw_loc[:-1])
            sink.add(loc, f"unknown key{_suggest(str(raw_loc[-1]), options)}")
        elif kind == "missing":
            sink.add(loc, "required field is missing")
        elif kind == "literal_error":
            expected = e.get("ctx", {}).get("expected", "")
            word = str(e.get("input"))
            opts = re.findall(r"'([^']+)'", expected)
            hint = _suggest(word, opts).replace("valid keys here", "choose one of") if opts else ""
            sink.add(loc, f"'{word}' is not allowed{hint or ': expected ' + expected}")
        elif kind == "distribution":
            sink.add(loc, e["msg"])
        elif kind == "string_pattern_mismatch" and loc and loc[-1] == "name":
            sink.add(loc, "a name is 1-64 letters, digits, '_' or '-' (it becomes a folder name under results/)")
        elif kind == "string_pattern_mismatch" and loc and loc[-1] == "description":
            sink.add(loc, "say in words what question the scenario answers (it is blank)")
        elif kind == "string_pattern_mismatch":
            sink.add(loc, f"'{e.get('input')}' should be a month written YYYY-MM")
        else:
            sink.add(loc, e["msg"][0].lower() + e["msg"][1:] + (f" (got {e['input']!r})" if "input" in e and not isinstance(e["input"], (dict, list)) else ""))


# --------------------------------------------------------------------------- semantic checks
def _bound_msgs(info: ParameterInfo, values: dict[str, float]) -> list[tuple[str, str]]:
    out = []
    for key, v in values.items():
        if info.low is not None and v < info.low:
            out.append((key, f"must be ≥ {info.low:g} ({info.unit}); got {v:g}"))
        if info.high is not None and v > info.high:
            out.append((key, f"must be ≤ {info.high:g} ({info.unit}); got {v:g}"))
    return out


def _check_spec(name: str, spec: _Spec, registry: Registry) -> list[tuple[str, str]]:
    """Problems with one parameter's distribution, as (field, message)."""
    info = PARAMETER_INFO[name]
    problems: list[tuple[str, str]] = []
    if isinstance(spec, FigureSpec):
        if spec.figure not in registry:
            close = difflib.get_close_matches(spec.figure, list(registry.ids), n=1, cutoff=0.5)
            hint = f"; did you mean '{close[0]}'?" if close else "; see `python run.py sources`"
            return [("figure", f"unknown figure id '{spec.figure}'{hint}")]
        fig = registry.get(spec.figure)
        try:
            factor = conversion_factor(fig.unit, info.unit)
        except UnitError as exc:
            return [("figure", f"figure '{spec.figure}' is in {fig.unit}, which cannot feed this parameter: {exc}")]
        if spec.unit is not None and spec.unit != fig.unit:
            problems.append(("unit", f"a figure's numbers are in its own unit '{fig.unit}'; drop 'unit' or write '{fig.unit}'"))
        if (spec.low is None) != (spec.high is None):
            problems.append(("low" if spec.low is None else "high", "give both low and high, or neither"))
        if spec.low is not None and spec.high is not None:
            if spec.low >= spec.high:
                problems.append(("low", f"low ({spec.low:g}) must be < high ({spec.high:g}); "
                                        "for a value held fixed use dist: fixed"))
            problems += _bound_msgs(info, {"low": spec.low * factor, "high": spec.high * factor})
            if spec.spread is not None:
                problems.append(("spread", "give either spread or low/high, not both"))
        elif fig.value is None and (fig.low is None or fig.high is None):
            problems.append(("figure", f"figure '{spec.figure}' is only a bound ({fig.display_value}); give low and high"))
        elif fig.value is None and spec.spread is not None:
            problems.append(("spread", f"figure '{spec.figure}' is a range ({fig.display_value}); spread needs a single value, give low and high instead"))
        if spec.shape == "lognormal" and fig.central <= 0:
            problems.append(("shape", "lognormal needs a positive value"))
        return problems
    if spec.unit is None:
        problems.append(("unit", f"required: the unit of these numbers (this parameter is in {info.unit})"))
        factor = 1.0
    else:
        try:
            factor = conversion_factor(spec.unit, info.unit)
        except UnitError as exc:
            problems.append(("unit", str(exc)))
            factor = 1.0
    if not spec.assumption:
        problems.append(("assumption", "required: say why this value is assumed (no article figure backs it)"))
    if isinstance(spec, FixedSpec):
        problems += _bound_msgs(info, {"value": spec.value * factor})
    elif isinstance(spec, (UniformSpec, RangeSpec)):
        if spec.low >= spec.high:
            problems.append(("low", f"low ({spec.low:g}) must be < high ({spec.high:g})"))
        problems += _bound_msgs(info, {"low": spec.low * factor, "high": spec.high * factor})
        if isinstance(spec, RangeSpec) and spec.shape == "lognormal" and spec.low <= 0:
            problems.append(("low", "a lognormal range needs low > 0 (or use shape: normal)"))
    elif isinstance(spec, (TriangularSpec, PertSpec)):
        if not spec.low <= spec.mode <= spec.high or spec.low == spec.high:
            problems.append(("mode", f"need low ≤ mode ≤ high and low < high; got {spec.low:g}, {spec.mode:g}, {spec.high:g}"))
        problems += _bound_msgs(info, {"low": spec.low * factor, "high": spec.high * factor})
    elif isinstance(spec, NormalSpec):
        lo = spec.low if spec.low is not None else info.low / factor if info.low is not None else None
        hi = spec.high if spec.high is not None else info.high / factor if info.high is not None else None
        if lo is not None and hi is not None and lo >= hi:
            problems.append(("low", f"truncation low ({lo:g}) must be < high ({hi:g})"))
        problems += _bound_msgs(info, {k: v * factor for k, v in (("low", spec.low), ("high", spec.high)) if v is not None})
        if lo is None or hi is None or lo < hi:
            from scipy.stats import norm

            upper = 1.0 if hi is None else norm.cdf((hi - spec.mean) / spec.sd)
            lower = 0.0 if lo is None else norm.cdf((lo - spec.mean) / spec.sd)
            if upper - lower < 1e-6:
                shown = f"[{'-inf' if lo is None else f'{lo:g}'}, {'inf' if hi is None else f'{hi:g}'}]"
                problems.append(("mean", f"almost none of this normal lies in the valid range {shown}"))
    elif isinstance(spec, LognormalSpec):
        problems += _bound_msgs(info, {"median": spec.median * factor})
    return problems


def _month_index(month: str) -> int:
    y, m = month.split("-")
    return int(y) * 12 + int(m) - 1


def _semantic_problems(data: dict, registry: Registry, sink: _Collector) -> None:
    """Checks the schema types cannot express, run on every part that parsed."""
    if isinstance(data.get("name"), str) and data["name"].lower() in RESERVED_NAMES:
        sink.add(("name",), f"'{data['name']}' is the name of a folder the batch writes itself "
                           f"({', '.join(RESERVED_NAMES)}); choose another name")
    params = data.get("parameters")
    if isinstance(params, dict):
        for name, raw in params.items():
            if name not in PARAMETER_INFO:
                continue  # reported as an unknown key
            tag = _spec_tag(raw)
            if tag is None:
                continue
            try:
                spec = SPEC_CLASSES[tag].model_validate(raw)
            except ValidationError:
                continue  # reported by the schema
            for fld, msg in _check_spec(name, spec, registry):
                sink.add(("parameters", name, fld), msg)
    window = data.get("window")
    try:
        win = Window.model_validate(window) if isinstance(window, dict) else None
    except ValidationError:
        win = None
    events = data.get("events")
    if isinstance(events, dict):
        for name, raw in events.items():
            try:
                ev = Event.model_validate(raw)
            except ValidationError:
                continue
            need = EVENT_NEEDS[ev.kind]
            for extra in ("factor", "soldiers"):
                if extra == need and getattr(ev, extra) is None:
                    sink.add(("events", name, extra), f"required for an event of kind {ev.kind}")
                elif extra != need and getattr(ev, extra) is not None:
                    sink.add(("events", name, extra), f"not used by an event of kind {ev.kind}")
            if win is not None:
                first = _month_index(win.start)
                last = first + win.horizon_months - 1
                if not first <= _month_index(ev.month) <= last:
                    sink.add(("events", name, "month"),
                             f"{ev.month} is outside the scenario window ({win.start} + {win.horizon_months} months)")
    observations = data.get("observations")
    if isinstance(observations, dict):
        for fid, raw in observations.items():
            if fid not in registry:
                close = difflib.get_close_matches(fid, list(registry.ids), n=1, cutoff=0.5)
                hint = f"; did you mean '{close[0]}'?" if close else "; see `python run.py sources`"
                sink.add(("observations", fid), f"unknown figure id '{fid}'{hint}")
                continue
            try:
                obs = Observation.model_validate(raw)
            except ValidationError:
                continue
            fig = registry.get(fid)
            unit = TRAJECTORIES[obs.output].unit
            try:
                conversion_factor(fig.unit, unit)
            except UnitError:
                sink.add(("observations", fid, "output"),
                         f"figure '{fid}' is in {fig.unit} but '{obs.output}' is in {unit}")
            if win is not None:
                month = obs.at or fig.as_of_month()
                first = _month_index(win.start)
                if not first <= _month_index(month) < first + win.horizon_months:
                    sink.add(("observations", fid, "at"),
                             f"{month} is outside the scenario window ({win.start} + {win.horizon_months} months)")
    sens = data.get("sensitivity")
    if isinstance(sens, dict) and isinstance(sens.get("sobol_samples"), int):
        n = sens["sobol_samples"]
        if n > 0 and n & (n - 1):
            sink.add(("sensitivity", "sobol_samples"), f"must be a power of 2 (e.g. {1 << (n.bit_length() - 1)} or {1 << n.bit_length()})")


def _read_chain(path: Path) -> tuple[list[YamlDocument], list[Problem]]:
    """The file and its ``extends`` ancestors, child first."""
    docs: list[YamlDocument] = []
    seen: list[Path] = []
    current = path
    while True:
        resolved = current.resolve()
        if resolved in seen:
            names = " -> ".join(p.name for p in seen + [resolved])
            child = docs[-1]
            return docs, [Problem(child.path, child.lines.get(("extends",)), "extends", f"extends cycle: {names}")]
        seen.append(resolved)
        doc = load_yaml_file(current)
        docs.append(doc)
        parent = doc.data.get("extends")
        if parent is None:
            return docs, []
        line = doc.lines.get(("extends",))
        if not isinstance(parent, str) or not re.match(NAME_PATTERN + r"|^[A-Za-z0-9][A-Za-z0-9_-]{0,63}\.ya?ml$", parent):
            return docs, [Problem(doc.path, line, "extends",
                                  "must name a scenario file in the same folder, e.g. 'baseline'")]
        stem = parent[:-5] if parent.endswith(".yaml") else parent.removesuffix(".yml")
        candidates = [current.parent / f"{stem}.yaml", current.parent / f"{stem}.yml"]
        found = next((c for c in candidates if c.is_file()), None)
        if found is None:
            others = sorted(p.stem for p in current.parent.glob("*.y*ml"))
            hint = _suggest(stem, others).replace("valid keys here", "scenarios here")
            return docs, [Problem(doc.path, line, "extends", f"parent scenario '{parent}' not found next to this file{hint}")]
        current = found


def load_scenario(path: str | Path, *, registry: Registry | None = None) -> ResolvedScenario:
    """Read, resolve and validate one scenario file.

    Raises
    ------
    ScenarioError
        Listing every problem found, each naming file, line and field.
    """
    registry = registry if registry is not None else load_registry()
    path = Path(path)
    try:
        docs, problems = _read_chain(path)
    except YamlProblems as exc:
        raise ScenarioError(exc.problems) from None
    if problems:
        raise ScenarioError(problems)
    data: dict[str, Any] = {}
    origins: dict[tuple, tuple[str, int]] = {}
    for doc in reversed(docs):
        data = _merge(data, doc.data)
        origins = {key: where for key, where in origins.items() if not _replaced_by(key, doc.data)}
        origins.update(_origins(doc))
    sink = _Collector(origins, str(path))
    scenario = None
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as err:
        _pydantic_problems(err, sink)
    _semantic_problems(data, registry, sink)
    if sink.problems:
        raise ScenarioError(sorted(sink.problems, key=lambda p: (p.file != str(path), p.file, p.line or 0)))
    assert scenario is not None
    return ResolvedScenario(scenario, path, [Path(d.path) for d in docs], data, origins)
