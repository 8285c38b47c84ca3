"""The delivery chain in words, from its typed block: how each disruption plays out (one writer per
sentence, :func:`logistics_story` puts them in order), the section's one-line answer and the first
screen's answer cards (how far the front stock falls, how long until it is back). English and German
through the text catalogue (``story.*``, ``chain_answer.*``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...presentation import texts
from ...presentation.numbers import format_count, format_interval, format_percent, format_plain, format_value
from ...presentation.words.answers import Answer, month_words
from ...presentation.words.common import join_words
from ...summary.types import RunSummary
from .summary import DIP_TOLERANCE, Closure, DipEffect, DisruptionSummary, LogisticsSummary, Monthly

__all__ = ["below_sentence", "chain_answers", "chain_lead", "day_words", "days_words", "deliveries_sentence",
           "dip_sentence", "disruption_sentence", "example_sentence", "fire_sentence", "logistics_story",
           "short_label", "shortfall_sentence"]

MAX_ANSWERS = 2  # answer cards the chain adds to the first screen


def _t(key: str, lang: str, **fields: Any) -> str:
    return texts.text(f"story.{key}", lang, **fields)


def _a(key: str, lang: str, **fields: Any) -> str:
    return texts.text(f"chain_answer.{key}", lang, **fields)


# --------------------------------------------------------------------------- small pieces
def day_words(iso: str | None, lang: str) -> str:
    """``2024-11-01`` -> ``1 November 2024`` / ``1. November 2024``."""
    value = str(iso or "")
    if len(value) != 10:
        return value
    return _t("day", lang, day=int(value[8:]), month=texts.text(f"month_long.{int(value[5:7])}", lang), year=value[:4])


def _month_words(month: str, lang: str) -> str:
    return _t("month", lang, month=texts.text(f"month_long.{int(month[5:7])}", lang), year=month[:4])


def days_words(x: float | None, lang: str) -> str:
    """Whole days in words: ``less than a day``, ``1 day``, ``12 days``."""
    if x is None:
        return _t("days_unknown", lang)
    if x < 0.5:
        return _t("less_than_day", lang)
    return _t("one_day", lang) if round(x) == 1 else _t("days", lang, n=format_count(round(x), lang))


def _shells(x: float | None, lang: str) -> str:
    return format_value(x, "shells", lang)


def _pct(x: float | None, lang: str) -> str:
    return format_percent(x, lang)


def short_label(d: DisruptionSummary, lang: str) -> str:
    """A disruption in a few words (``rail crossing closed``), as the charts' legends say it."""
    def w(key: str, **fields: Any) -> str:
        return texts.text(f"lchart.{key}", lang, **fields)

    if d.kind == "route_closed":
        return w(f"route_{d.route}") if texts.has(f"lchart.route_{d.route}") else w("route_other")
    if d.kind == "slower_inspections":
        return w("inspections", factor=format_plain(d.factor or 1.0, lang))
    if d.kind == "depot_strike":
        return w("strike", depot=w(f"depot_{d.depot}") if texts.has(f"lchart.depot_{d.depot}") else w("depot_other"))
    return w("winter")


# --------------------------------------------------------------------------- the story, sentence by sentence
def disruption_sentence(d: DisruptionSummary, lang: str = "en") -> str:
    """What the disruption is: ``The rail crossing (Tumangang-Khasan) is closed from 1 November 2024 for 42 days, ...``."""
    length = _t("length", lang, n=format_plain(d.days, lang)) if d.days is not None else ""
    if d.kind == "route_closed":
        route = _t(f"route_{d.route}", lang) if texts.has(f"story.route_{d.route}") else _t("route_other", lang)
        return _t("closed", lang, route=route, start=day_words(d.start, lang), length=length, end=day_words(d.end, lang))
    if d.kind == "slower_inspections":
        return _t("inspections", lang, factor=format_plain(d.factor or 1.0, lang), start=day_words(d.start, lang),
                  length=length)
    if d.kind == "depot_strike":
        depot = _t(f"depot_{d.depot}", lang) if texts.has(f"story.depot_{d.depot}") else _t("depot_other", lang)
        return _t("strike", lang, share=_pct(d.share, lang), depot=depot, start=day_words(d.start, lang))
    names = [texts.text(f"month_long.{m}", lang) for m in d.months or ()]
    # the English report has always listed them with commas only
    return _t("winter", lang, factor=format_plain(d.factor or 1.0, lang),
              months=", ".join(names) if lang == "en" else join_words(names, lang))


def example_sentence(c: Closure, lang: str = "en") -> str | None:
    """The example replication's last border train before a rail closure and its first after it."""
    if c.first_train_after is None:
        return None
    trains = c.trains_first_week_after
    return _t("example", lang, last=day_words(c.last_train_before, lang), first=day_words(c.first_train_after, lang)) \
        + (_t("backlog_trains", lang, trains=f"{trains:.0f}") if trains else ".")


def deliveries_sentence(d: DisruptionSummary, monthly: Monthly, lang: str = "en") -> str | None:
    """The month North Korean shells reaching the front fall furthest below the monthly model's, and the
    month the backlog arrives (medians across replications); None when they do not fall below it."""
    months = list(monthly.months)
    start = (d.start or "")[:7]
    end = (d.end or d.start or "")[:7]
    if (d.kind == "depot_strike" and d.depot == "front") or start not in months or end not in months:
        return None  # a strike on the front depot moves no shell; a disruption outside the months
    engine, model = monthly.delivered_front_nk, monthly.model_nk_usable_deliveries
    i0 = months.index(start)
    span = range(i0, min(len(months), max(months.index(end) + 2, i0 + (3 if d.kind == "winter_slowdown" else 1))))
    gaps = [(engine.p50[i] or 0.0) - (model.p50[i] or 0.0) for i in span]
    low, high = span[int(np.argmin(gaps))], span[int(np.argmax(gaps))]
    if gaps[low - i0] >= 0:
        return None
    sentence = _t("front_falls", lang, value=_shells(engine.p50[low], lang), month=_month_words(months[low], lang),
                  interval=format_interval(engine.p5[low], engine.p95[low], "shells", lang),
                  model=_shells(model.p50[low], lang))
    if high > low and gaps[high - i0] > 0:
        sentence += _t("backlog_later", lang, value=_shells(engine.p50[high], lang),
                       month=_month_words(months[high], lang), model=_shells(model.p50[high], lang))
    return sentence + "."


def dip_sentence(d: DisruptionSummary, e: DipEffect, lang: str = "en") -> str:
    """How often and how far the front stock falls below its level of the day before (median, worst 5 %)."""
    window = _t("window_after", lang, days=days_words(e.window_days - (d.days or 0.0), lang))
    typical = _t("typical", lang, shells=_shells(e.dip_shells.p50, lang), share=_pct(e.dip_share.p50, lang),
                 days=days_words(e.dip_days_of_fire.p50, lang)) if (e.dip_share.p50 or 0.0) >= DIP_TOLERANCE \
        else _t("typical_none", lang)
    return _t("dip", lang, window=window, share=_pct(e.share_with_dip, lang), typical=typical,
              shells=_shells(e.dip_shells.p95, lang), part=_pct(e.dip_share.p95, lang),
              days=days_words(e.dip_days_of_fire.p95, lang)) \
        + (_t("lowest", lang, day=day_words(e.trough_date_p50, lang)) if e.trough_date_p50 else ".")


def below_sentence(e: DipEffect, lang: str = "en") -> str | None:
    """Where it falls: how long it stays below and when it is back (and how often not within the run)."""
    below, recover = e.days_below, e.days_to_recover
    if below is None or recover is None:
        return None
    return _t("below", lang, days=days_words(below.p50, lang), worst=days_words(below.p95, lang),
              recover=days_words(recover.p50, lang)) \
        + (_t("below_never", lang, share=_pct(recover.share_never, lang)) if recover.share_never
           else _t("below_end", lang))


def shortfall_sentence(e: DipEffect, lang: str = "en") -> str | None:
    """How often the front fires less than its rule wants, and by how much."""
    s = e.shortfall_shells
    if not e.share_with_shortfall or s is None:
        return None
    return _t("shortfall", lang, share=_pct(e.share_with_shortfall, lang), shells=_shells(s.p50, lang),
              worst=_shells(s.p95, lang))


def fire_sentence(e: DipEffect, policy: str, lang: str = "en") -> str:
    """What the firing rule makes of it: less fire (stock target), a falling stock (demand), or either
    (the rule differs by sample)."""
    median, worst = max(e.fire_drop_share.p50 or 0.0, 0.0), max(e.fire_drop_share.p95 or 0.0, 0.0)
    if policy == "by sample":
        return _t("by_sample", lang, median=_pct(median, lang), worst=_pct(worst, lang))
    if policy != "stock_target":
        return _t("demand", lang)
    return _t("stock_target", lang, median=_pct(median, lang), worst=_pct(worst, lang)) if median >= 0.01 \
        else _t("stock_target_most", lang, worst=_pct(worst, lang))


def logistics_story(block: LogisticsSummary, d: DisruptionSummary, lang: str = "en") -> list[str]:
    """How one disruption plays out, day by day, in sentences (``lang``)."""
    out = [disruption_sentence(d, lang)]
    e = d.effect
    if e is None:
        return out + [_t("outside", lang)]
    out += [s for c in block.example.closures if c.name == d.name and (s := example_sentence(c, lang))]
    parts = (deliveries_sentence(d, block.monthly, lang), dip_sentence(d, e, lang), below_sentence(e, lang),
             shortfall_sentence(e, lang), fire_sentence(e, block.policy, lang), _t("monthly_none", lang))
    return out + [s for s in parts if s]


# --------------------------------------------------------------------------- the answer
def _dip_interval(e: DipEffect, lang: str) -> str:
    return format_interval(e.dip_shells.p5, e.dip_shells.p95, "shells", lang)


def _back(e: DipEffect, lang: str) -> str:
    """``61 days after the start`` (the median of the replications that fall), or why there is none."""
    r = e.days_to_recover
    if r is None:
        return _a("no_fall", lang)
    if r.p50 is None:
        return format_value(None, "days", lang)  # not within the window
    return _a("back_median", lang, days=days_words(r.p50, lang))


def _back_interval(e: DipEffect, lang: str) -> str:
    r = e.days_to_recover
    if r is None:
        return ""
    whole = [None if x is None else float(round(x)) for x in (r.p5, r.p95)]
    return format_interval(whole[0], whole[1], "days", lang)


def _back_never(e: DipEffect, end: str, lang: str) -> str:
    r = e.days_to_recover
    if r is None or not r.share_never:
        return ""
    return _a("back_never", lang, share=_pct(r.share_never, lang), end=end)


def chain_lead(block: LogisticsSummary, lang: str = "en") -> str:
    """The section's answer in one sentence: the first dated disruption's dip and the time until it is back."""
    if not block.dated:
        return texts.text("chain.no_disruptions", lang) if not block.disruptions else \
            disruption_sentence(block.disruptions[0], lang)
    d = block.dated[0]
    e = d.effect
    assert e is not None
    what = short_label(d, lang)
    lead = _a("lead", lang, what=what[:1].upper() + what[1:], start=day_words(d.start, lang),
              median=_shells(e.dip_shells.p50, lang), interval=_dip_interval(e, lang),
              days=days_words(e.dip_days_of_fire.p50, lang))
    r = e.days_to_recover
    if r is None:
        return lead + "."
    if r.p50 is None:
        return lead + _a("lead_not_back", lang)
    never = _a("lead_never", lang, share=_pct(r.share_never, lang)) if r.share_never else ""
    return lead + _a("lead_back", lang, back=_back(e, lang), never=never)


def _dip_answer(summary: RunSummary, d: DisruptionSummary, e: DipEffect, lang: str, *, with_back: bool) -> Answer:
    what, start = short_label(d, lang), day_words(d.start, lang)
    end = month_words(summary.window[1], lang)
    never = ""
    r = e.days_to_recover
    if with_back and r is not None:
        back = _a("back_short", lang, back=_back(e, lang), interval=_back_interval(e, lang)) if r.p50 is not None \
            else _a("back_short_none", lang)
        never = back + (" " + _back_never(e, end, lang) if r.share_never else "")
    definition = _a("dip_definition", lang, after=days_words(e.window_days - (d.days or 0.0), lang),
                    share=_pct(e.dip_share.p50, lang), days=days_words(e.dip_days_of_fire.p50, lang),
                    worst_share=_pct(e.dip_share.p95, lang), worst_days=days_words(e.dip_days_of_fire.p95, lang))
    depends = _a("dip_depends", lang, share=_pct(e.share_with_dip, lang)) + (
        _a("dip_lowest", lang, day=day_words(e.trough_date_p50, lang)) if e.trough_date_p50 else ".")
    return Answer(f"logistics:{d.name}:dip", _a("dip_label", lang, what=what, start=start), _shells(e.dip_shells.p50, lang),
                  _dip_interval(e, lang), never, definition, depends, _a("caveat", lang), "")


def _back_answer(summary: RunSummary, d: DisruptionSummary, e: DipEffect, lang: str) -> Answer:
    what, start = short_label(d, lang), day_words(d.start, lang)
    end = month_words(summary.window[1], lang)
    below = e.days_below
    depends = _a("back_depends", lang, days=days_words(below.p50, lang), worst=days_words(below.p95, lang)) \
        if below is not None else ""
    definition = _a("back_definition", lang, share=_pct(e.share_with_dip, lang))
    r = e.days_to_recover
    median = days_words(r.p50, lang) if r is not None and r.p50 is not None else _back(e, lang)
    return Answer(f"logistics:{d.name}:back", _a("back_label", lang, what=what, start=start), median,
                  _back_interval(e, lang), _back_never(e, end, lang), definition, depends, _a("back_caveat", lang), "")


def chain_answers(summary: RunSummary, block: LogisticsSummary, lang: str = "en") -> list[Answer]:
    """The chain's answer cards for the first screen (at most :data:`MAX_ANSWERS`): one dated disruption
    gets how far the front stock falls and how long until it is back; several get one card each (the
    first two), the time until it is back in a line of it."""
    dated = block.dated
    if len(dated) == 1:
        d = dated[0]
        assert d.effect is not None
        return [_dip_answer(summary, d, d.effect, lang, with_back=False), _back_answer(summary, d, d.effect, lang)]
    return [_dip_answer(summary, d, d.effect, lang, with_back=True) for d in dated[:MAX_ANSWERS]
            if d.effect is not None]
