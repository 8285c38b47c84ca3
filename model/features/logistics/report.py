"""The report's delivery-chain section, built from the chain's typed block.

Out come the :mod:`.views` objects with their numbers in words; the sentences come from
:mod:`.words`. Charts whose files start with :data:`LOGISTICS_FIGURE_PREFIX` are shown in this
section, not under Figures.
"""

from __future__ import annotations

from collections.abc import Sequence

from ...presentation import texts
from ...presentation.numbers import format_count, format_percent, format_range, format_ratio, format_value
from ...presentation.report.views import FigureRow
from ..base import Section, SectionContext
from .summary import DisruptionSummary, LogisticsSummary, Spread, WeekRow
from .views import ChainDisruption, ChainFact, ChainMonthRow, ChainParameter, ChainWeekRow, LogisticsSection
from .words import chain_lead, logistics_story

__all__ = ["LOGISTICS_FIGURE_PREFIX", "logistics_section", "section"]

LOGISTICS_FIGURE_PREFIX = "logistics_"
TEMPLATE = "features/logistics/section.html.j2"
NONE = "–"  # a cell without a value (a month without requests)


def _shells(x: float | None, lang: str) -> str:
    return NONE if x is None else format_value(x, "shells", lang)


def _range(s: Spread, unit: str, lang: str) -> str:
    return "" if s.p5 is None or s.p95 is None else format_range(s.p5, s.p95, unit, lang)


def _hours(x: float | None, lang: str) -> str:
    return NONE if x is None else format_value(round(x, 1), "hours", lang)


def _count(x: float | None, lang: str) -> str:
    return format_count(x, lang) or NONE


def _plain(x: float, lang: str) -> str:
    """A parameter's value as written: whole numbers with separators, others to two significant digits."""
    return format_count(x, lang) if x == round(x) else format_ratio(x, lang)


def _title(d: DisruptionSummary, lang: str) -> str:
    key = f"chain.kind_{d.kind}"
    kind = texts.text(key, lang) if texts.has(key) else d.kind
    return f"{d.name}: {kind}" + (texts.text("chain.title_from", lang, start=d.start) if d.start else "")


def _week(w: WeekRow, length: float, lang: str) -> ChainWeekRow:
    offset = w.days_from_start
    rel = w.relative_to_day_before
    return ChainWeekRow(
        date=w.date,
        offset=("+" if offset > 0 else ("−" if offset < 0 else "")) + str(abs(offset)),
        stock=_shells(w.front_stock.p50, lang),
        stock_range=_range(w.front_stock, "shells", lang),
        relative=format_percent(rel.p50, lang) or NONE,
        relative_range=_range(rel, "fraction", lang),
        days_of_supply=_count(w.days_of_supply_p50, lang),
        fired=_shells(w.fired_per_day_p50, lang),
        arriving=_shells(w.nk_arriving_per_day_p50, lang),
        trains=_count(w.border_trains_week_p50, lang),
        inside=0 <= offset < max(length, 1.0),
    )


def _weeks(d: DisruptionSummary, lang: str) -> tuple[ChainWeekRow, ...]:
    return () if d.effect is None else tuple(_week(w, d.days or 0.0, lang) for w in d.effect.around)


def _months(block: LogisticsSummary, lang: str) -> tuple[ChainMonthRow, ...]:
    m = block.monthly
    disrupted = {day[:7] for d in block.disruptions for day in (d.start, d.end) if day}
    nk = m.delivered_front_nk
    return tuple(ChainMonthRow(
        month=month,
        engine=_shells(nk.p50[i], lang),
        engine_range=_range(Spread(nk.p5[i], nk.p50[i], nk.p95[i]), "shells", lang),
        model=_shells(m.model_nk_usable_deliveries.p50[i], lang),
        ship_calls=_count(m.ship_port_calls.p50[i], lang),
        containers=_count(m.containers_by_ship.p50[i], lang),
        border_trains=_count(m.border_trains.p50[i], lang),
        crossing_wait=_hours(m.crossing_wait_mean_hours.p50[i], lang),
        berth_wait=_hours(m.nk_berth_wait_mean_hours.p50[i], lang),
        disrupted=month in disrupted,
    ) for i, month in enumerate(m.months))


def _facts(b: LogisticsSummary, lang: str) -> tuple[ChainFact, ...]:
    def t(key: str, **fields: object) -> str:
        return texts.text(f"chain.{key}", lang, **fields)

    lo, hi = b.events_range
    policy = "policy_" + b.policy.replace(" ", "_")
    cap = b.capacity
    facts = [
        ChainFact(t("engine"), t("engine_value", engine=b.engine, days=b.days_per_month)),
        ChainFact(t("replications"), t("replications_value", n=_count(b.replications, lang),
                                       unique=_count(b.unique_samples, lang), pool=_count(b.samples_pool, lang))),
        ChainFact(t("events"), f"{_count(b.events_per_replication, lang)} ({_count(lo, lang)}–{_count(hi, lang)})"),
        ChainFact(t("firing_rule"), t("firing_value", policy=t(policy) if texts.has(f"chain.{policy}") else b.policy)),
        ChainFact(t("capacity"), t("capacity_value", total=_shells(cap.total, lang), ship=_shells(cap.ship, lang),
                                   rail=_shells(cap.rail, lang))),
    ]
    if b.usable_share.p50 is not None:
        facts.append(ChainFact(t("usable"), t("usable_value", share=format_value(b.usable_share.p50, "fraction", lang))))
    return tuple(facts)


def logistics_section(block: LogisticsSummary, figures: Sequence[FigureRow] = (), lang: str = "en") -> LogisticsSection:
    """The section's view of a run's delivery chain (``figures``: its charts, in order)."""
    disruptions = tuple(ChainDisruption(_title(d, lang), tuple(logistics_story(block, d, lang)), _weeks(d, lang))
                        for d in block.disruptions)
    parameters = tuple(ChainParameter(p.name, _plain(p.value, lang), p.unit, p.assumption) for p in block.parameters)
    return LogisticsSection(_facts(block, lang), disruptions, tuple(figures), _months(block, lang), parameters)


def section(ctx: SectionContext, block: LogisticsSummary) -> Section:
    """The feature's section: its charts, the view and its answer in one line (the first disruption's dip)."""
    figures = [row for stem, row in ctx.figures.items() if stem.startswith(LOGISTICS_FIGURE_PREFIX)]
    return Section("logistics", texts.text("chain.heading", ctx.lang), TEMPLATE,
                   logistics_section(block, figures, ctx.lang), chain_lead(block, ctx.lang))
