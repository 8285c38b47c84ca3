"""The analyst's questions in sentences: discovery boxes, stopping, correlated inputs, trade-offs."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from ...inputs.priors import info_of
from .. import texts
from ..numbers import format_correlation, format_count, format_input, format_percent, format_plain
from .common import join_words

__all__ = ["limit_phrase", "discovery_sentence", "stopping_statement", "independence_note",
           "tradeoff_sentence"]

def limit_phrase(name: str, low: float | None, high: float | None, lang: str = "en") -> str:
    """One input's range in a box: ``"North Korean shipping capacity below 310,000 shells a month"``."""
    info = info_of(name)
    label, unit = (texts.parameter_label(name), info.unit) if info is not None else (name.replace("_", " "), "")
    if lang != "en":
        label = texts.parameter_label(name, lang) if info is not None else label
        key = ("analyst.limit_anywhere" if high is None else "analyst.limit_below") if low is None else (
            "analyst.limit_above" if high is None else "analyst.limit_between")
        return texts.text(key, lang, label=label, low=format_input(low, unit, lang) if low is not None else "",
                          high=format_input(high, unit, lang) if high is not None else "")
    if low is None and high is None:
        return f"{label} anywhere"
    if low is None:
        return f"{label} below {format_input(high, unit, lang)}"
    if high is None:
        return f"{label} above {format_input(low, unit, lang)}"
    return f"{label} between {format_input(low, unit, lang)} and {format_input(high, unit, lang)}"


def discovery_sentence(name: str, condition: str, limits: Sequence[tuple[str, float | None, float | None]], *,
                       density: float, coverage: float, share: float, more: int = 0, lang: str = "en") -> str:
    """The chosen PRIM box as a sentence.

    ``"“long shortage” (months_short >= 3) follows in 19 % of the futures with Russian production
    at start below 285,000 shells a month and ...; these futures are 88 % of all futures where it
    holds (it holds in 1.7 % of all futures)."`` ``limits`` are ``(input, low, high)``, most
    important first; ``more`` counts the box's further, smaller restrictions (left out here).
    """
    what = f"{texts.text('analyst.quoted', lang, text=name.replace('_', ' '))} ({condition})"
    if share <= 0:
        return texts.text("analyst.none_hold", lang, what=what)
    if not limits:
        return texts.text("analyst.no_box", lang, what=what, share=format_percent(share, lang))
    phrases = [limit_phrase(n, lo, hi, lang) for n, lo, hi in limits]
    tail = texts.text("analyst.more_many" if more > 1 else "analyst.more_one", lang, more=more) if more else ""
    return texts.text("analyst.box_sentence", lang, what=what, density=format_percent(density, lang),
                      limits=join_words(phrases, lang), tail=tail, coverage=format_percent(coverage, lang),
                      share=format_percent(share, lang))


def stopping_statement(stopping: Mapping[str, Any], lang: str = "en") -> str:
    """How ``samples: auto`` ended, from ``summary.json``'s ``stopping`` section."""
    target = stopping.get("target") or {}
    tol = format_percent(target.get("tolerance"), lang)
    conf = format_percent(target.get("confidence"), lang)
    qs = [texts.text("analyst.percentile_rank", lang, n=format_plain(100 * float(q), lang))
          for q in target.get("quantiles") or []]
    quantiles = texts.text("analyst.quantiles_many" if len(qs) > 1 else "analyst.quantiles_one", lang,
                           list=join_words(qs, lang))
    precision: Mapping[str, Any] = stopping.get("precision") or {}
    worst = sorted(((max((v for v in qv.values() if v is not None), default=math.inf), m)
                    for m, qv in precision.items()), reverse=True)
    samples = format_count(stopping.get("samples"), lang)
    if stopping.get("reason") == "target_met":
        head = texts.text("analyst.stop_met", lang, samples=samples, quantiles=quantiles, tolerance=tol,
                          confidence=conf)
        if worst:
            value, metric = worst[0]
            head += texts.text("analyst.stop_least", lang, metric=texts.title(metric, lang),
                               value=format_percent(value, lang))
        return head + "."
    head = texts.text("analyst.stop_max", lang, samples=samples, tolerance=tol, confidence=conf)
    short = [(v, m) for v, m in worst if v > float(target.get("tolerance") or 0)]
    if short:
        unbounded = texts.text("analyst.unbounded", lang)
        listed = ", ".join(f"{texts.title(m, lang)} ±{format_percent(v, lang) if math.isfinite(v) else unbounded}"
                           for v, m in short[:3])
        head += texts.text("analyst.stop_short", lang, listed=listed)
    return head + texts.text("analyst.stop_raise", lang)


def independence_note(pairs: int, lang: str = "en") -> str:
    """Why the Sobol indices are read with care when inputs move together."""
    what = texts.text("analyst.independence_one", lang) if pairs == 1 else \
        texts.text("analyst.independence_many", lang, pairs=pairs)
    return texts.text("analyst.independence", lang, what=what)


def tradeoff_sentence(names: Sequence[str], narrowing: Sequence[float | None], prior_rank: Sequence[Sequence[Any]],
                      calibrated_rank: Sequence[Sequence[Any]], lang: str = "en") -> str:
    """What the corner plot shows, in words: the inputs the figures narrow most and the pair they tie together."""
    label = [texts.parameter_label(n, lang) for n in names]
    ranked = sorted((float(v), k) for k, v in enumerate(narrowing) if v is not None)[::-1]
    narrowed = [texts.text("analyst.narrowed", lang, label=label[k], share=format_percent(v, lang))
                for v, k in ranked[:2] if v > 0.1]
    best: tuple[float, int, int] | None = None
    for i in range(len(names)):
        for j in range(i):
            after, before = calibrated_rank[i][j], prior_rank[i][j]
            if after is None or before is None:
                continue
            change = abs(float(after) - float(before))
            if best is None or change > best[0]:
                best = (change, i, j)
    parts = []
    if narrowed:
        parts.append(texts.text("analyst.narrow", lang, list=join_words(narrowed, lang)))
    if best is not None and best[0] >= 0.1:
        _, i, j = best
        after, before = float(calibrated_rank[i][j]), float(prior_rank[i][j])
        way = texts.text("analyst.together" if after > 0 else "analyst.trade_off", lang)
        parts.append(texts.text("analyst.tie", lang, a=label[i], b=label[j], way=way,
                                after=format_correlation(after, lang), before=format_correlation(before, lang)))
    if not parts:
        return texts.text("analyst.barely", lang)
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."
