"""The ``logistics`` key of ``summary.json``, written from the delivery chain's block and read back into it.

Contract (other tools read it; keys are added, never renamed or dropped):

- ``engine`` ("simpy"), ``replications``, ``events_per_replication`` (mean SimPy events) and
  ``events_per_replication_range``; ``policy``; ``samples_pool`` and ``unique_samples``;
  ``capacity_per_month`` (shells/month, every shell shipped: the chain's bottlenecks by hand);
  ``usable_share`` of the shells shipped; ``parameters`` (``value``, ``unit``, ``assumption``);
  ``days_per_month`` (30);
- ``monthly``: ``months`` and per series (:data:`.summary.MONTHLY_SERIES`) ``p5``/``p50``/``p95`` lists;
- ``daily``: ``first_day``, ``front_stock`` and ``days_of_supply`` with ``p5``/``p25``/``p50``/``p75``/``p95``;
- ``disruptions``: ``name``, ``kind``, ``start``, ``start_day``, ``days``, the kind's own ``route`` /
  ``factor`` / ``depot`` / ``share`` / ``months``, ``end``, ``within_run`` and, within the run, the dip
  (``dip_window_days``, ``share_with_shortfall``, ``shortfall_shells``, ``share_with_dip``,
  ``reference_shells``, ``dip_shells``, ``dip_share``, ``dip_days_of_fire``, ``trough_day_p50``,
  ``trough_date_p50``, ``days_below``, ``days_to_recover``, ``fire_drop_share``, ``around``) and (added
  with the typed block) ``replications_with_stock``;
- ``example``: ``replication``, ``sample``, ``why``, ``ship_port_calls``, ``border_trains``, ``closures``.

A spread across replications is ``{"p5", "p50", "p95"}`` with ``share_never`` where some did not
happen. Numbers follow the one rounding rule (:func:`model.summary.codec.num`); a disruption's
``factor`` and ``share`` are written as the scenario gave them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...summary.codec import num
from .summary import (
    MONTHLY_SERIES,
    Band,
    Capacity,
    Closure,
    Daily,
    DipEffect,
    DisruptionSummary,
    Example,
    LogisticsSummary,
    Monthly,
    Parameter,
    Spread,
    WeekRow,
)

__all__ = ["to_json", "from_json", "WHY_DIP", "WHY_FIRST"]

WHY_DIP = "the median dip after the first disruption"
WHY_FIRST = "the first replication"
_QUANTILES = ("p5", "p25", "p50", "p75", "p95")


# --------------------------------------------------------------------------- writing
def _spread(s: Spread) -> dict[str, Any]:
    out = {"p5": num(s.p5), "p50": num(s.p50), "p95": num(s.p95)}
    if s.share_never is not None:
        out["share_never"] = num(s.share_never)
    return out


def _maybe(s: Spread | None) -> dict[str, Any] | None:
    return None if s is None else _spread(s)


def _list(values: tuple[float | None, ...]) -> list[float | None]:
    return [num(v) for v in values]


def _band(b: Band) -> dict[str, list[float | None]]:
    return {q: _list(values) for q in _QUANTILES if (values := getattr(b, q)) is not None}


def _week(w: WeekRow) -> dict[str, Any]:
    return {
        "day": w.day, "date": w.date, "days_from_start": w.days_from_start,
        "front_stock": _spread(w.front_stock), "relative_to_day_before": _spread(w.relative_to_day_before),
        "days_of_supply_p50": num(w.days_of_supply_p50), "fired_per_day_p50": num(w.fired_per_day_p50),
        "nk_arriving_per_day_p50": num(w.nk_arriving_per_day_p50),
        "border_trains_week_p50": num(w.border_trains_week_p50),
    }


_DETAILS = {"route_closed": ("route",), "slower_inspections": ("factor",), "depot_strike": ("depot", "share"),
            "winter_slowdown": ("factor", "months")}


def _disruption(d: DisruptionSummary) -> dict[str, Any]:
    out: dict[str, Any] = {"name": d.name, "kind": d.kind, "start": d.start, "start_day": d.start_day,
                           "days": num(d.days)}
    for key in _DETAILS.get(d.kind, ()):
        value = getattr(d, key)
        out[key] = list(value) if isinstance(value, tuple) else value
    if d.end is not None:
        out["end"] = d.end
    out["within_run"] = d.effect is not None
    e = d.effect
    if e is None:
        return out
    out.update({
        "dip_window_days": num(e.window_days),
        "share_with_shortfall": num(e.share_with_shortfall),
        "shortfall_shells": _maybe(e.shortfall_shells),
        "share_with_dip": num(e.share_with_dip),
        "reference_shells": _spread(e.reference_shells),
        "dip_shells": _spread(e.dip_shells),
        "dip_share": _spread(e.dip_share),
        "dip_days_of_fire": _spread(e.dip_days_of_fire),
        "trough_day_p50": num(e.trough_day_p50),
        "days_below": _maybe(e.days_below),
        "days_to_recover": _maybe(e.days_to_recover),
        "fire_drop_share": _spread(e.fire_drop_share),
        "around": [_week(w) for w in e.around],
        "replications_with_stock": e.stocked,
    })
    if e.trough_date_p50 is not None:
        out["trough_date_p50"] = e.trough_date_p50
    return out


def _example(x: Example) -> dict[str, Any]:
    return {
        "replication": x.replication, "sample": x.sample, "why": WHY_DIP if x.by_dip else WHY_FIRST,
        "ship_port_calls": _list(x.ship_port_calls), "border_trains": _list(x.border_trains),
        "closures": [{"name": c.name, "last_train_before": c.last_train_before, "first_train_after": c.first_train_after,
                      "trains_first_week_after": num(c.trains_first_week_after)} for c in x.closures],
    }


def to_json(block: LogisticsSummary | None) -> dict[str, Any]:
    """``{"logistics": ...}``, or ``{}`` when the run has no delivery chain."""
    if block is None:
        return {}
    b = block
    return {"logistics": {
        "engine": b.engine,
        "replications": b.replications,
        "events_per_replication": num(b.events_per_replication),
        "events_per_replication_range": list(b.events_range),
        "policy": b.policy,
        "samples_pool": b.samples_pool,
        "unique_samples": b.unique_samples,
        "days_per_month": b.days_per_month,
        "usable_share": _spread(b.usable_share),
        "capacity_per_month": {k: num(getattr(b.capacity, k)) for k in Capacity.__dataclass_fields__},
        "parameters": {p.name: {"value": num(p.value), "unit": p.unit, "assumption": p.assumption}
                       for p in b.parameters},
        "monthly": {"months": list(b.monthly.months),
                    **{name: _band(getattr(b.monthly, name)) for name in MONTHLY_SERIES}},
        "daily": {"first_day": b.daily.first_day, "front_stock": _band(b.daily.front_stock),
                  "days_of_supply": _band(b.daily.days_of_supply)},
        "disruptions": [_disruption(d) for d in b.disruptions],
        "example": _example(b.example),
    }}


# --------------------------------------------------------------------------- reading
def _f(x: Any) -> float | None:
    return None if x is None else float(x)


def _spread_from(d: Mapping[str, Any]) -> Spread:
    return Spread(_f(d.get("p5")), _f(d.get("p50")), _f(d.get("p95")), _f(d.get("share_never")))


def _maybe_from(d: Mapping[str, Any] | None) -> Spread | None:
    return None if d is None else _spread_from(d)


def _values(v: Any) -> tuple[float | None, ...]:
    return tuple(_f(x) for x in v)


def _band_from(d: Mapping[str, Any]) -> Band:
    return Band(_values(d["p5"]), _values(d["p50"]), _values(d["p95"]),
                _values(d["p25"]) if "p25" in d else None, _values(d["p75"]) if "p75" in d else None)


def _week_from(w: Mapping[str, Any]) -> WeekRow:
    return WeekRow(int(w["day"]), str(w["date"]), int(w["days_from_start"]), _spread_from(w["front_stock"]),
                   _spread_from(w["relative_to_day_before"]), _f(w["days_of_supply_p50"]),
                   _f(w["fired_per_day_p50"]), _f(w["nk_arriving_per_day_p50"]), _f(w["border_trains_week_p50"]))


def _effect_from(d: Mapping[str, Any]) -> DipEffect:
    return DipEffect(
        window_days=float(d["dip_window_days"]), share_with_shortfall=float(d["share_with_shortfall"]),
        shortfall_shells=_maybe_from(d.get("shortfall_shells")), share_with_dip=float(d["share_with_dip"]),
        reference_shells=_spread_from(d["reference_shells"]), dip_shells=_spread_from(d["dip_shells"]),
        dip_share=_spread_from(d["dip_share"]), dip_days_of_fire=_spread_from(d["dip_days_of_fire"]),
        trough_day_p50=_f(d.get("trough_day_p50")), trough_date_p50=d.get("trough_date_p50"),
        days_below=_maybe_from(d.get("days_below")), days_to_recover=_maybe_from(d.get("days_to_recover")),
        fire_drop_share=_spread_from(d["fire_drop_share"]), around=tuple(_week_from(w) for w in d["around"]),
        stocked=int(d.get("replications_with_stock", 0)))  # 0: a file written before the key was added


def _disruption_from(d: Mapping[str, Any]) -> DisruptionSummary:
    months = d.get("months")
    return DisruptionSummary(
        name=str(d["name"]), kind=str(d["kind"]), start=d.get("start"), start_day=int(d["start_day"]),
        days=_f(d.get("days")), end=d.get("end"), effect=_effect_from(d) if d.get("within_run") else None,
        route=d.get("route"), factor=_f(d.get("factor")), depot=d.get("depot"), share=_f(d.get("share")),
        months=None if months is None else tuple(int(m) for m in months))


def _example_from(x: Mapping[str, Any]) -> Example:
    return Example(
        replication=int(x["replication"]), sample=int(x["sample"]), by_dip=x.get("why") == WHY_DIP,
        ship_port_calls=_values(x["ship_port_calls"]), border_trains=_values(x["border_trains"]),
        closures=tuple(Closure(str(c["name"]), c.get("last_train_before"), c.get("first_train_after"),
                               _f(c.get("trains_first_week_after"))) for c in x.get("closures", ())))


def from_json(d: Mapping[str, Any]) -> LogisticsSummary | None:
    """The block again from ``summary.json`` (None when it has no ``logistics`` key)."""
    b = d.get("logistics")
    if not b:
        return None
    monthly, daily = b["monthly"], b["daily"]
    lo, hi = b["events_per_replication_range"]
    return LogisticsSummary(
        engine=str(b["engine"]), replications=int(b["replications"]),
        events_per_replication=float(b["events_per_replication"]), events_range=(int(lo), int(hi)),
        policy=str(b["policy"]), samples_pool=int(b["samples_pool"]), unique_samples=int(b["unique_samples"]),
        days_per_month=int(b["days_per_month"]), usable_share=_spread_from(b["usable_share"]),
        capacity=Capacity(**{k: float(b["capacity_per_month"][k]) for k in Capacity.__dataclass_fields__}),
        parameters=tuple(Parameter(name, float(p["value"]), str(p["unit"]), str(p["assumption"]))
                         for name, p in b["parameters"].items()),
        monthly=Monthly(months=tuple(monthly["months"]),
                        **{name: _band_from(monthly[name]) for name in MONTHLY_SERIES}),
        daily=Daily(str(daily["first_day"]), _band_from(daily["front_stock"]), _band_from(daily["days_of_supply"])),
        disruptions=tuple(_disruption_from(x) for x in b["disruptions"]),
        example=_example_from(b["example"]),
    )
