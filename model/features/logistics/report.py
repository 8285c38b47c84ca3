"""The report's delivery-chain section, built from the summary's ``logistics`` key.

Untyped input on purpose (``summary.json`` content: anything may be missing); out come the
typed :mod:`.logistics_views` objects with their numbers in words. Charts whose files start with
:data:`LOGISTICS_FIGURE_PREFIX` are shown in this section, not under Figures.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ...presentation import texts
from ...presentation.numbers import as_float, format_count, format_percent, format_range, format_ratio, format_value
from ...presentation.report.common import text
from ...presentation.report.views import FigureRow
from .views import (
    ChainDisruption,
    ChainFact,
    ChainMonthRow,
    ChainParameter,
    ChainWeekRow,
    LogisticsSection,
)
from .words import logistics_story

__all__ = ["LOGISTICS_FIGURE_PREFIX", "logistics_section"]

LOGISTICS_FIGURE_PREFIX = "logistics_"
_KINDS = {"route_closed": "closed", "slower_inspections": "slower inspections", "depot_strike": "strike",
          "winter_slowdown": "winter slow-down"}

Row = Mapping[str, Any]


def _at(bands: Any, key: str, i: int) -> Any:
    values = (bands or {}).get(key) or []
    return values[i] if i < len(values) else None


def _shells(x: Any, lang: str) -> str:
    return format_value(x, "shells", lang) if as_float(x) is not None else "–"


def _range(lo: Any, hi: Any, unit: str, lang: str) -> str:
    a, b = as_float(lo), as_float(hi)
    return format_range(a, b, unit, lang) if a is not None and b is not None else ""


def _hours(x: Any, lang: str) -> str:
    v = as_float(x)
    return "–" if v is None else format_value(round(v, 1), "hours", lang)


def _count(x: Any, lang: str) -> str:
    return format_count(x, lang) or "–"


def _plain(x: Any, lang: str) -> str:
    """A parameter's value as written: whole numbers with separators, others to two significant digits."""
    v = as_float(x)
    if v is None:
        return "–"
    return format_count(v, lang) if v == round(v) else format_ratio(v, lang)


def _title(d: Row, lang: str = "en") -> str:
    name = text(d.get("name"))
    raw = text(d.get("kind"))
    kind = texts.text(f"chain.kind_{raw}", lang) if raw in _KINDS else raw
    start = text(d.get("start"))
    return f"{name}: {kind}" + (texts.text("chain.title_from", lang, start=start) if start else "")


def _weeks(d: Row, lang: str) -> tuple[ChainWeekRow, ...]:
    days = as_float(d.get("days")) or 0.0
    rows = []
    for w in d.get("around") or []:
        offset = int(as_float(w.get("days_from_start")) or 0)
        stock = w.get("front_stock") or {}
        supply = as_float(w.get("days_of_supply_p50"))
        rel = w.get("relative_to_day_before") or {}
        rows.append(ChainWeekRow(
            date=text(w.get("date")),
            offset=("+" if offset > 0 else ("−" if offset < 0 else "")) + str(abs(offset)),
            stock=_shells(stock.get("p50"), lang),
            stock_range=_range(stock.get("p5"), stock.get("p95"), "shells", lang),
            relative=format_percent(rel.get("p50"), lang) or "–",
            relative_range=_range(rel.get("p5"), rel.get("p95"), "fraction", lang),
            days_of_supply=format_count(supply, lang) if supply is not None else "–",
            fired=_shells(w.get("fired_per_day_p50"), lang),
            arriving=_shells(w.get("nk_arriving_per_day_p50"), lang),
            trains=_count(w.get("border_trains_week_p50"), lang),
            inside=0 <= offset < max(days, 1.0),
        ))
    return tuple(rows)


def _months(entry: Row, lang: str) -> tuple[ChainMonthRow, ...]:
    monthly = entry.get("monthly") or {}
    disrupted = {text(d.get("start"))[:7] for d in entry.get("disruptions") or [] if d.get("start")}
    for d in entry.get("disruptions") or []:
        if d.get("end"):
            disrupted.add(text(d.get("end"))[:7])
    rows = []
    for i, month in enumerate(monthly.get("months") or []):
        nk = monthly.get("delivered_front_nk")
        rows.append(ChainMonthRow(
            month=text(month),
            engine=_shells(_at(nk, "p50", i), lang),
            engine_range=_range(_at(nk, "p5", i), _at(nk, "p95", i), "shells", lang),
            model=_shells(_at(monthly.get("model_nk_usable_deliveries"), "p50", i), lang),
            ship_calls=_count(_at(monthly.get("ship_port_calls"), "p50", i), lang),
            containers=_count(_at(monthly.get("containers_by_ship"), "p50", i), lang),
            border_trains=_count(_at(monthly.get("border_trains"), "p50", i), lang),
            crossing_wait=_hours(_at(monthly.get("crossing_wait_mean_hours"), "p50", i), lang),
            berth_wait=_hours(_at(monthly.get("nk_berth_wait_mean_hours"), "p50", i), lang),
            disrupted=text(month) in disrupted,
        ))
    return tuple(rows)


def _facts(entry: Row, lang: str) -> tuple[ChainFact, ...]:
    events = entry.get("events_per_replication")
    spread = entry.get("events_per_replication_range") or []
    capacity = entry.get("capacity_per_month") or {}
    usable = entry.get("usable_share") or {}
    def t(key: str, **fields: Any) -> str:
        return texts.text(f"chain.{key}", lang, **fields)

    facts = [
        ChainFact(t("engine"), t("engine_value", engine=text(entry.get("engine")),
                                 days=text(entry.get("days_per_month")))),
        ChainFact(t("replications"), t("replications_value", n=_count(entry.get("replications"), lang),
                                       unique=_count(entry.get("unique_samples"), lang),
                                       pool=_count(entry.get("samples_pool"), lang))),
        ChainFact(t("events"), _count(events, lang) + (
            f" ({_count(spread[0], lang)}–{_count(spread[1], lang)})" if len(spread) == 2 else "")),
        ChainFact(t("firing_rule"), t("firing_value", policy=text(entry.get("policy")))),
        ChainFact(t("capacity"), t("capacity_value", total=_shells(capacity.get("total"), lang),
                                   ship=_shells(capacity.get("ship"), lang), rail=_shells(capacity.get("rail"), lang))),
    ]
    if usable.get("p50") is not None:
        facts.append(ChainFact(t("usable"), t("usable_value", share=format_value(usable.get("p50"), "fraction", lang))))
    return tuple(facts)


def logistics_section(summary: Row, figures: Sequence[FigureRow] = (), lang: str = "en") -> LogisticsSection | None:
    """The section, or None when the summary has no ``logistics`` key."""
    entry = summary.get("logistics")
    if not isinstance(entry, Mapping):
        return None
    monthly = entry.get("monthly") or {}
    example = entry.get("example") or {}
    policy = text(entry.get("policy"))
    disruptions = tuple(
        ChainDisruption(_title(d, lang), tuple(logistics_story(d, monthly, example, policy, lang)), _weeks(d, lang))
        for d in entry.get("disruptions") or [] if isinstance(d, Mapping))
    parameters = tuple(
        ChainParameter(text(name), _plain(p.get("value"), lang), text(p.get("unit")), text(p.get("assumption")))
        for name, p in (entry.get("parameters") or {}).items() if isinstance(p, Mapping))
    return LogisticsSection(_facts(entry, lang), disruptions, tuple(figures), _months(entry, lang), parameters)
