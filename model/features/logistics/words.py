"""How one disruption of the delivery chain plays out, day by day, in sentences."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ...presentation import texts
from ...presentation.numbers import format_count, format_interval, format_percent, format_plain, format_value
from ...presentation.words.common import join_words, median_of

__all__ = ["logistics_story"]

def logistics_story(disruption: Mapping[str, Any], monthly: Mapping[str, Any], example: Mapping[str, Any],
                    policy: str, lang: str = "en") -> list[str]:
    """How one disruption plays out, day by day, in sentences (from the summary's ``logistics`` key:
    one entry of ``disruptions``, ``monthly``, ``example`` and the firing ``policy``), in ``lang``."""
    d = disruption

    def t(key: str, **fields: Any) -> str:
        return texts.text(f"story.{key}", lang, **fields)

    def day(iso: Any) -> str:
        value = str(iso or "")
        if len(value) != 10:
            return value
        return t("day", day=int(value[8:]), month=texts.text(f"month_long.{int(value[5:7])}", lang), year=value[:4])

    def month(m: str) -> str:
        return t("month", month=texts.text(f"month_long.{int(m[5:7])}", lang), year=m[:4])

    def days_words(x: float | None) -> str:
        if x is None:
            return t("days_unknown")
        if x < 0.5:
            return t("less_than_day")
        return t("one_day") if round(x) == 1 else t("days", n=format_count(round(x), lang))

    def shells(x: Any) -> str:
        return format_value(x, "shells", lang)

    def pct(x: Any) -> str:
        return format_percent(x, lang)

    kind = d.get("kind")
    days = median_of(d, "days")
    length = t("length", n=format_plain(days, lang)) if days is not None else ""
    if kind == "route_closed":
        route = str(d.get("route"))
        what = t("closed", route=t(f"route_{route}") if texts.has(f"story.route_{route}") else t("route_other"),
                 start=day(d.get("start")), length=length, end=day(d.get("end")))
    elif kind == "slower_inspections":
        what = t("inspections", factor=format_plain(float(d.get("factor") or 1), lang), start=day(d.get("start")),
                 length=length)
    elif kind == "depot_strike":
        depot = str(d.get("depot"))
        what = t("strike", share=pct(d.get("share")), depot=t(f"depot_{depot}") if texts.has(f"story.depot_{depot}")
                 else t("depot_other"), start=day(d.get("start")))
    else:
        month_names = [texts.text(f"month_long.{int(m)}", lang) for m in d.get("months") or []]
        # the English report has always listed them with commas only
        names = ", ".join(month_names) if lang == "en" else join_words(month_names, lang)
        what = t("winter", factor=format_plain(float(d.get("factor") or 1), lang), months=names)
    out = [what]
    if not d.get("within_run", True):
        return out + [t("outside")]
    for closure in example.get("closures") or []:
        if closure.get("name") == d.get("name") and closure.get("first_train_after"):
            trains = median_of(closure, "trains_first_week_after")
            out.append(t("example", last=day(closure.get("last_train_before")), first=day(closure["first_train_after"]))
                       + (t("backlog_trains", trains=f"{trains:.0f}") if trains else "."))
    months = list(monthly.get("months") or [])
    engine, model = (monthly.get(k) or {} for k in ("delivered_front_nk", "model_nk_usable_deliveries"))
    start = str(d.get("start") or "")[:7]
    end = str(d.get("end") or d.get("start") or "")[:7]
    moves = not (kind == "depot_strike" and d.get("depot") == "front")
    if moves and start in months and end in months and engine.get("p50") and model.get("p50"):
        i0 = months.index(start)
        span = range(i0, min(len(months), max(months.index(end) + 2, i0 + (3 if kind == "winter_slowdown" else 1))))
        gaps = [(engine["p50"][i] or 0.0) - (model["p50"][i] or 0.0) for i in span]
        low, high = span[int(np.argmin(gaps))], span[int(np.argmax(gaps))]
        if gaps[low - i0] < 0:
            sentence = t("front_falls", value=shells(engine["p50"][low]), month=month(months[low]),
                         interval=format_interval(engine["p5"][low], engine["p95"][low], "shells", lang),
                         model=shells(model["p50"][low]))
            if high > low and gaps[high - i0] > 0:
                sentence += t("backlog_later", value=shells(engine["p50"][high]), month=month(months[high]),
                              model=shells(model["p50"][high]))
            out.append(sentence + ".")
    share = median_of(d, "share_with_dip")
    dip, part, fire = (d.get(k) or {} for k in ("dip_shells", "dip_share", "dip_days_of_fire"))
    if share is not None and dip:
        after = median_of(d, "dip_window_days")
        window = t("window_after", days=days_words(after - (days or 0.0))) if after is not None else t("window_plain")
        typical = (t("typical", shells=shells(median_of(dip)), share=pct(median_of(part)), days=days_words(median_of(fire)))
                   if (median_of(part) or 0.0) >= 0.01 else t("typical_none"))
        out.append(t("dip", window=window, share=pct(share), typical=typical, shells=shells(median_of(dip, "p95")),
                     part=pct(median_of(part, "p95")), days=days_words(median_of(fire, "p95")))
                   + (t("lowest", day=day(d["trough_date_p50"])) if d.get("trough_date_p50") else "."))
        below, recover = d.get("days_below"), d.get("days_to_recover")
        if below and recover:
            never = median_of(recover, "share_never")
            out.append(t("below", days=days_words(median_of(below)), worst=days_words(median_of(below, "p95")),
                         recover=days_words(median_of(recover)))
                       + (t("below_never", share=pct(never)) if never else t("below_end")))
    short, shorts = median_of(d, "share_with_shortfall"), d.get("shortfall_shells")
    if short and shorts:
        out.append(t("shortfall", share=pct(short), shells=shells(median_of(shorts)), worst=shells(median_of(shorts, "p95"))))
    drop = d.get("fire_drop_share") or {}
    if policy == "stock_target" and drop:
        median, worst = max(median_of(drop) or 0.0, 0.0), max(median_of(drop, "p95") or 0.0, 0.0)
        out.append(t("stock_target", median=pct(median), worst=pct(worst)) if median >= 0.01
                   else t("stock_target_most", worst=pct(worst)))
    elif drop:
        out.append(t("demand"))
    out.append(t("monthly_none"))
    return out
