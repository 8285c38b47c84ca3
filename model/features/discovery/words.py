"""Scenario discovery in words: a condition, an input's range in a box, the chosen box as a sentence."""

from __future__ import annotations

from collections.abc import Sequence

from ...core.catalogue import METRICS
from ...inputs.conditions import AllOf, AnyOf, Comparison, Condition, parse_condition
from ...inputs.priors import info_of
from ...presentation import texts
from ...presentation.numbers import format_input, format_percent, format_value
from ...presentation.words.common import join_words

__all__ = ["condition_words", "limit_phrase", "discovery_sentence", "SENTENCE_LIMITS"]

#: The box sentence names at most this many inputs (those that matter most); the rest are counted.
SENTENCE_LIMITS = 3

_OPS = {">=": "at_least", ">": "above", "<=": "at_most", "<": "below", "==": "exactly", "!=": "not"}


def _comparison(c: Comparison, lang: str) -> str:
    entry = METRICS[c.metric]
    value = format_value(c.threshold, entry.unit, lang)
    return texts.text(f"condition.{_OPS[c.op]}", lang, label=texts.label(c.metric, lang), value=value)


def _words(c: Condition, lang: str, inner: bool = False) -> str:
    if isinstance(c, Comparison):
        return _comparison(c, lang)
    joiner = texts.text("condition.and" if isinstance(c, AllOf) else "condition.or", lang)
    text = joiner.join(_words(t, lang, inner=True) for t in c.terms)
    return f"({text})" if inner and isinstance(c, (AllOf, AnyOf)) else text


def condition_words(condition: str, lang: str = "en") -> str:
    """A condition in words: ``months_short >= 3`` -> "months with a shortfall: 3 or more"."""
    return _words(parse_condition(condition, METRICS), lang)


def limit_phrase(name: str, low: float | None, high: float | None, lang: str = "en") -> str:
    """One input's range in a box: "North Korean shipping capacity below 310,000 shells a month"."""
    info = info_of(name)
    label = texts.parameter_label(name, lang) if info is not None else name.replace("_", " ")
    unit = info.unit if info is not None else ""
    key = ("analyst.limit_anywhere" if high is None else "analyst.limit_below") if low is None else (
        "analyst.limit_above" if high is None else "analyst.limit_between")
    return texts.text(key, lang, label=label, low=format_input(low, unit, lang) if low is not None else "",
                      high=format_input(high, unit, lang) if high is not None else "")


def discovery_sentence(name: str, condition: str, limits: Sequence[tuple[str, float | None, float | None]], *,
                       density: float, coverage: float, share: float, more: int = 0, lang: str = "en") -> str:
    """The chosen box as a sentence: "“long shortage” (months with a shortfall: 3 or more) follows in 19 % of
    the futures with ...; these futures are 88 % of all futures where it holds (it holds in 1.7 % of all
    futures)." ``limits``: ``(input, low, high)``, most important first; ``more`` counts the box's further,
    smaller restrictions."""
    what = f"{texts.text('analyst.quoted', lang, text=name.replace('_', ' '))} ({condition_words(condition, lang)})"
    if share <= 0:
        return texts.text("analyst.none_hold", lang, what=what)
    if not limits:
        return texts.text("analyst.no_box", lang, what=what, share=format_percent(share, lang))
    phrases = [limit_phrase(n, lo, hi, lang) for n, lo, hi in limits]
    tail = texts.text("analyst.more_many" if more > 1 else "analyst.more_one", lang, more=more) if more else ""
    return texts.text("analyst.box_sentence", lang, what=what, density=format_percent(density, lang),
                      limits=join_words(phrases, lang), tail=tail, coverage=format_percent(coverage, lang),
                      share=format_percent(share, lang))
