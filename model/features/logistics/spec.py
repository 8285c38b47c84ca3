"""The scenario's ``logistics:`` section: the discrete-event delivery chain, for depth.

A scenario that has this section also runs the SimPy engine (``model.features.logistics``) on
``replications`` samples drawn from the calibrated result (see ``model.features.logistics.run``)::

    logistics:
      replications: 300
      parameters:                 # any LogisticsParameters field; omitted ones keep their default
        ships: {value: 4, unit: ships, assumption: "a handful of vessels were photographed"}
        transit_days_mean: {value: 2, unit: weeks, assumption: "Khasan to the front by rail"}
      disruptions:                # scenario events of the chain, by name
        rail_bridge_closed:
          kind: route_closed      # route_closed | slower_inspections | depot_strike | winter_slowdown
          route: rail             # ship | rail | longhaul
          start: 2024-11-01       # a day inside the scenario window, YYYY-MM-DD
          days: 42

Every parameter is ``{value, unit, assumption}`` (``note`` optional): the unit is converted to the
parameter's own unit through ``model.inputs.units`` and the value checked against its range
(:data:`LOGISTICS_PARAMETERS`, which follows ``LogisticsParameters``' own rules: whole numbers
where the engine counts things, positive durations, shares within 0..1). A parameter not written
keeps the engine's documented default (its assumption is listed here and in the summary).

Days: the engine runs months of exactly 30 days from the window's start, so a date becomes the
engine day ``30 x (months since the window's start) + day of the month - 1`` (the 31st counts as
the 30th): a date stays in its own month, whose monthly inputs it shares.

How ``extends`` combines a child's section with its parent's: fields merge; each named
parameter and each named disruption is replaced whole; ``null`` removes a disruption, and
``logistics: null`` removes the whole section. This module checks and converts (numbers only);
the engine's objects are built in ``model.features.logistics.run``.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, ValidationError, create_model

from ...core.months import month_index
from ...inputs.number_rule import INPUT_MODEL_CONFIG, WholeNumber
from ...inputs.problems import outside_window
from ...inputs.units import UnitError, conversion_factor

__all__ = [
    "SCENARIO_FIELDS",
    "MERGE",
    "REPLACED_BY",
    "problems",
    "logistics_of",
    "DISRUPTION_KINDS",
    "DISRUPTION_NEEDS",
    "ENGINE_DAYS_PER_MONTH",
    "LOGISTICS_PARAMETERS",
    "DisruptionSpec",
    "LogisticsParameterInfo",
    "LogisticsParametersSpec",
    "LogisticsSettings",
    "LogisticsValue",
    "MAX_DISRUPTIONS",
    "MAX_REPLICATIONS",
    "MIN_REPLICATIONS",
    "engine_date",
    "engine_day",
    "logistics_problems",
    "logistics_replaced_by",
    "merge_logistics",
    "parameter_values",
]

ENGINE_DAYS_PER_MONTH = 30  # the engine's months (model.features.logistics.params.DAYS_PER_MONTH)
MIN_REPLICATIONS = 10
MAX_REPLICATIONS = 5000
MAX_DISRUPTIONS = 20  # every one is checked by every replication, every simulated day
DEFAULT_REPLICATIONS = 300


class _Strict(BaseModel):
    model_config = INPUT_MODEL_CONFIG  # one number rule for every field (model.inputs.number_rule)


@dataclass(frozen=True)
class LogisticsParameterInfo:
    """One parameter of the chain: unit, valid range, default and the default's assumption.

    ``low_open``: the value must be greater than ``low`` (not equal); ``whole``: a count.
    """

    name: str
    unit: str
    low: float
    high: float
    default: float
    assumption: str
    description: str
    whole: bool = False
    low_open: bool = False

    def where(self) -> str:
        """The valid range in words."""
        left = "(" if self.low_open else "["
        return f"{left}{self.low:g}, {self.high:g}] {self.unit}" + (", a whole number" if self.whole else "")


def _info(name: str, unit: str, low: float, high: float, default: float, description: str, assumption: str,
          *, whole: bool = False, low_open: bool = False) -> LogisticsParameterInfo:
    return LogisticsParameterInfo(name, unit, low, high, default, assumption, description, whole, low_open)


# Bounds: the dataclass's own rules (whole >= 1, durations > 0, waits >= 0, shares in 0..1) and an upper
# end that keeps a replication a chain of ships and trains (an order of magnitude beyond the default).
LOGISTICS_PARAMETERS: dict[str, LogisticsParameterInfo] = {p.name: p for p in (
    _info("ship_share", "fraction", 0.0, 1.0, 0.5, "share of North Korean supply sent by sea (rest: by rail)",
          "no article figure; the articles show both routes in use (ships at Rajin, trains at Tumangang)"),
    _info("ships", "ships", 1, 40, 4, "vessels shuttling Rajin <-> the Russian port",
          "a handful of cargo ships were photographed on the Rajin-Dunai/Vostochny run", whole=True),
    _info("ship_capacity_containers", "containers", 1, 2000, 100, "containers per full ship load",
          "small feeder vessels of ~100 TEU, as photographed", whole=True),
    _info("shells_per_container", "shells/container", 0, 5000, 450, "shells per 20-ft container",
          "about 3 million shells were reported in about 6,700 containers", low_open=True),
    _info("nk_berths", "berths", 1, 20, 1, "berths for these ships at Rajin",
          "one berth used for the munitions ships in the images", whole=True),
    _info("load_hours", "hours", 0, 720, 24, "hours a ship holds a North Korean berth to load",
          "no article figure; a day to load a small container ship", low_open=True),
    _info("sailing_hours", "hours", 0, 2000, 30, "hours Rajin -> Russian port (and the same back)",
          "about 300 nautical miles at 10 knots", low_open=True),
    _info("ru_berths", "berths", 1, 20, 1, "berths at the Russian port", "one berth for these ships", whole=True),
    _info("unload_hours", "hours", 0, 720, 24, "hours a ship holds a Russian berth to unload",
          "no article figure; a day to unload a small container ship", low_open=True),
    _info("max_wait_hours", "hours", 0, 720, 72, "hours at the NK berth waiting for a full load, then sail part-full",
          "no article figure; ships do not wait more than three days for cargo",
          low_open=True),  # 0 would let a ship with no cargo re-check at the same instant forever
    _info("port_train_paths_per_day", "trains/day", 1, 100, 4, "container-train departures a day from the port",
          "no article figure; a few trains a day leave the port's railhead", whole=True),
    _info("containers_per_port_train", "containers", 1, 400, 60, "containers per port train (one per flatcar)",
          "a usual Russian container train of 60 flatcars", whole=True),
    _info("train_paths_per_day", "trains/day", 1, 100, 2, "train departures a day from Tumangang",
          "no article figure; the single-track Tumangang-Khasan link carries a few trains a day", whole=True),
    _info("wagons_per_train", "wagons", 1, 400, 30, "wagons per border train",
          "short trains over the Friendship Bridge", whole=True),
    _info("shells_per_wagon", "shells/wagon", 0, 100_000, 1000, "shells per wagon",
          "about 50 t of crated 152-mm rounds per wagon", low_open=True),
    _info("train_max_wait_hours", "hours", 0, 720, 48, "hours since the last border train before a part train runs",
          "no article figure; a train runs part-full after two days"),
    _info("crossing_tracks", "tracks", 1, 20, 1, "tracks through the border inspection",
          "one bridge, one track", whole=True),
    _info("inspection_hours", "hours", 0, 240, 4, "hours a train holds a crossing track for inspection",
          "no article figure; a few hours of border formalities", low_open=True),
    _info("transit_days_mean", "days", 0, 120, 14, "days from Khasan or the port to the depots behind the front",
          "no article figure; about 9,000 km of rail to the front at a few hundred km a day", low_open=True),
    _info("transit_days_cv", "ratio", 0, 3, 0.25, "coefficient of variation of transit days (gamma; 0 = fixed)",
          "no article figure; military trains are held and rerouted, so transit varies by a quarter"),
    _info("front_stock_start_days", "days", 0, 365, 30, "opening front stock, in days of the first month's fire",
          "no article figure; a month of fire behind the front at the window's start"),
)}

LogisticsValue = create_model(  # type: ignore[call-overload]
    "LogisticsValue",
    __base__=_Strict,
    __doc__="One parameter of the chain: its value, the unit it is written in, and why it is assumed.",
    value=(float, Field(description="the number, in `unit`")),
    unit=(str, Field(description="unit of the value; converted to the parameter's unit")),
    assumption=(str, Field(description="why this value is assumed (no article gives it)")),
    note=(str | None, None),
)

LogisticsParametersSpec = create_model(  # type: ignore[call-overload]
    "LogisticsParametersSpec",
    __base__=_Strict,
    __doc__="The chain's parameters; one not written keeps the engine's default.",
    **{name: (LogisticsValue | None, Field(None, description=f"{p.description} ({p.where()})"))
       for name, p in LOGISTICS_PARAMETERS.items()},
)

DISRUPTION_KINDS = ("route_closed", "slower_inspections", "depot_strike", "winter_slowdown")
DisruptionKind = Literal["route_closed", "slower_inspections", "depot_strike", "winter_slowdown"]
# the fields each kind needs; every other optional field is refused for that kind
DISRUPTION_NEEDS: dict[str, tuple[str, ...]] = {
    "route_closed": ("route", "start", "days"),
    "slower_inspections": ("factor", "start", "days"),
    "depot_strike": ("depot", "share", "date"),
    "winter_slowdown": ("factor", "months"),
}
_OPTIONAL = ("route", "depot", "start", "date", "days", "factor", "share", "months")
CalendarMonth = Annotated[WholeNumber, Field(ge=1, le=12)]


class DisruptionSpec(_Strict):
    """A scenario event of the delivery chain.

    kinds: ``route_closed`` (route, start, days): no departures on the route; ``slower_inspections``
    (factor, start, days): border inspections take factor x as long; ``depot_strike`` (depot,
    share, date): a share of a depot's stock destroyed at noon; ``winter_slowdown`` (factor,
    months): sailing and long-haul transit x factor in these calendar months, every year.
    """

    kind: DisruptionKind
    route: Literal["ship", "rail", "longhaul"] | None = Field(
        None, description="ship: Rajin -> port; rail: Tumangang -> Khasan; longhaul: rail across Russia")
    depot: Literal["nk", "port", "front"] | None = Field(
        None, description="nk: both North Korean depots; port: the Russian port's stock; front: the front depot")
    start: str | None = Field(None, description="first day, YYYY-MM-DD, inside the scenario window")
    date: str | None = Field(None, description="day of a strike, YYYY-MM-DD, inside the scenario window")
    days: float | None = Field(None, gt=0, le=3650, description="how many days it lasts")
    factor: float | None = Field(None, gt=0, le=20, description="multiplier on inspection or travel times")
    share: float | None = Field(None, ge=0, le=1, description="share of the depot's stock destroyed")
    months: list[CalendarMonth] | None = Field(None, min_length=1, max_length=12,
                                               description="calendar months 1..12 of the slow-down")
    note: str | None = None


class LogisticsSettings(_Strict):
    """The discrete-event engine for depth: replications on samples of the calibrated result."""

    replications: WholeNumber = Field(DEFAULT_REPLICATIONS, ge=MIN_REPLICATIONS, le=MAX_REPLICATIONS,
                              description="replications of the chain, each on one calibrated sample")
    parameters: LogisticsParametersSpec = Field(default_factory=LogisticsParametersSpec)  # type: ignore[valid-type]
    disruptions: dict[str, DisruptionSpec] = Field(default_factory=dict, max_length=MAX_DISRUPTIONS)
    note: str | None = None


# --------------------------------------------------------------------------- dates
def _parse_day(text: Any) -> _dt.date | None:
    if not isinstance(text, str) or len(text) != 10:
        return None
    try:
        return _dt.date.fromisoformat(text)
    except ValueError:
        return None


def engine_day(day: str, window_start: str) -> int:
    """Engine day of ``YYYY-MM-DD`` in a run starting ``window_start`` (``YYYY-MM``).

    ``30 x months since the start + day of the month - 1``, the 31st counting as the 30th.
    """
    parsed = _parse_day(day)
    if parsed is None:
        raise ValueError(f"not a day written YYYY-MM-DD: {day!r}")
    months = month_index(day[:7]) - month_index(window_start)
    return ENGINE_DAYS_PER_MONTH * months + min(parsed.day, ENGINE_DAYS_PER_MONTH) - 1


# --------------------------------------------------------------------------- checks
Loc = tuple[str | int, ...]


def _parameter_problems(raw: dict[str, Any]) -> list[tuple[Loc, str]]:
    out: list[tuple[Loc, str]] = []
    for name, entry in raw.items():
        info = LOGISTICS_PARAMETERS.get(name)
        if info is None or not isinstance(entry, dict):
            continue  # an unknown key or a wrong type: the schema reports it
        try:
            spec: Any = LogisticsValue.model_validate(entry)
        except ValidationError:
            continue
        if not spec.assumption.strip():
            out.append(((name, "assumption"), "say why this value is assumed (it is blank)"))
        try:
            factor = conversion_factor(spec.unit, info.unit)
        except UnitError as exc:
            out.append(((name, "unit"), str(exc)))
            continue
        value = spec.value * factor
        shown = f"{value:g} {info.unit}" + (f" (= {spec.value:g} {spec.unit})" if spec.unit != info.unit else "")
        if value < info.low or (info.low_open and value == info.low) or value > info.high:
            out.append(((name, "value"), f"must lie in {info.where()}; got {shown}"))
        elif info.whole and abs(value - round(value)) > 1e-9:
            out.append(((name, "value"), f"must be a whole number of {info.unit}; got {shown}"))
    return out


def _window_days(window: Any) -> tuple[str, int] | None:
    start, horizon = getattr(window, "start", None), getattr(window, "horizon_months", None)
    return (start, horizon) if isinstance(start, str) and isinstance(horizon, int) else None


def _disruption_problems(name: str, raw: Any, window: Any) -> list[tuple[Loc, str]]:
    out: list[tuple[Loc, str]] = []
    try:
        d = DisruptionSpec.model_validate(raw)
    except ValidationError:
        return out  # reported by the schema
    need = DISRUPTION_NEEDS[d.kind]
    for fld in _OPTIONAL:
        given = getattr(d, fld) is not None
        if fld in need and not given:
            out.append(((name, fld), f"required for a disruption of kind {d.kind}"))
        elif fld not in need and given:
            out.append(((name, fld), f"not used by a disruption of kind {d.kind} (it needs {', '.join(need)})"))
    if d.months is not None and len(set(d.months)) != len(d.months):
        out.append(((name, "months"), "a calendar month is listed twice"))
    span = _window_days(window)
    for fld in ("start", "date"):
        text = getattr(d, fld)
        if text is None or fld not in need:
            continue
        if _parse_day(text) is None:
            out.append(((name, fld), f"'{text}' should be a day written YYYY-MM-DD, e.g. 2024-11-01"))
        elif span is not None:
            outside = outside_window(text, span[0], span[1])
            if outside:
                out.append(((name, fld), outside))
    return out


def logistics_problems(raw: Any, window: Any) -> list[tuple[Loc, str]]:
    """Problems of a ``logistics:`` section the schema's types cannot express, as ``(loc, message)``.

    ``loc`` is relative to the section; ``window`` is the scenario's validated ``Window`` (or None
    when it did not validate: dates are then checked for their form only).
    """
    if not isinstance(raw, dict):
        return []
    out: list[tuple[Loc, str]] = []
    params = raw.get("parameters")
    if isinstance(params, dict):
        out += [(("parameters", *loc), msg) for loc, msg in _parameter_problems(params)]
    disruptions = raw.get("disruptions")
    if isinstance(disruptions, dict):
        for name, entry in disruptions.items():
            out += [(("disruptions", *loc), msg) for loc, msg in _disruption_problems(str(name), entry, window)]
    return out


def parameter_values(settings: LogisticsSettings) -> dict[str, tuple[float, str]]:
    """Every chain parameter in its own unit with its assumption (``(value, assumption)``); one not
    written has the default and the default's assumption. Call on a validated scenario only."""
    out = {}
    for name, info in LOGISTICS_PARAMETERS.items():
        spec = getattr(settings.parameters, name)
        if spec is None:
            out[name] = (float(info.default), f"default: {info.assumption}")
        else:
            value = spec.value * conversion_factor(spec.unit, info.unit)
            out[name] = (float(round(value)) if info.whole else float(value), spec.assumption)
    return out


# --------------------------------------------------------------------------- extends
def merge_logistics(parent: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    """A child's ``logistics:`` onto its parent's: fields merge; each named parameter and
    disruption is replaced whole; a disruption set to ``null`` is removed."""
    out = dict(parent)
    for key, value in child.items():
        if key in ("parameters", "disruptions") and isinstance(value, dict) and isinstance(out.get(key), dict):
            merged = dict(out[key])
            for name, entry in value.items():
                if entry is None and key == "disruptions":
                    merged.pop(name, None)
                else:
                    merged[name] = entry
            out[key] = merged
        else:
            out[key] = value
    return out


def logistics_replaced_by(key: tuple, child_section: Any) -> bool:
    """Whether a child's ``logistics:`` section replaces the parent's value at ``key``
    (``key[0] == "logistics"``), so that the parent's line marks are dropped."""
    if not isinstance(child_section, dict):
        return True
    if len(key) < 2 or key[1] not in child_section:
        return False
    part = child_section[key[1]]
    if key[1] in ("parameters", "disruptions") and isinstance(part, dict):
        return len(key) > 2 and key[2] in part
    return True


def engine_date(day: int, window_start: str) -> str:
    """The calendar day (``YYYY-MM-DD``) of engine day ``day`` of a run starting ``window_start``.

    Day ``k`` of an engine month starts at the share ``k/30`` of its calendar month: the inverse of
    :func:`engine_day` in months of 30 and 31 days, within a day in February.
    """
    month, k = divmod(int(day), ENGINE_DAYS_PER_MONTH)
    index = month_index(window_start) + month
    year, mon = divmod(index, 12)
    first = _dt.date(year, mon + 1, 1)
    length = ((first.replace(day=28) + _dt.timedelta(days=4)).replace(day=1) - first).days
    return (first + _dt.timedelta(days=k * length // ENGINE_DAYS_PER_MONTH)).isoformat()


SCENARIO_FIELDS: dict[str, tuple[Any, Any]] = {
    "logistics": (LogisticsSettings | None, Field(
        None, description="the discrete-event delivery chain for depth (model.features.logistics); none: off")),
}
MERGE = {"logistics": merge_logistics}  # merged field by field, each named parameter and disruption whole
REPLACED_BY = {"logistics": logistics_replaced_by}


def problems(data: dict[str, Any], window: Any, registry: Any, add: Any) -> None:
    """The logistics section's checks (parameters, disruptions inside the window)."""
    for loc, msg in logistics_problems(data.get("logistics"), window):
        add(("logistics", *loc), msg)


def logistics_of(scenario: Any) -> LogisticsSettings | None:
    return getattr(scenario, "logistics", None)
