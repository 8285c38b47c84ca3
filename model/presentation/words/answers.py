"""The answer to a scenario's question in words: each headline metric's median and interval, the share
of futures where it does not happen within the window, what it depends on most, and one caveat.

Made from the typed summary only, in English or German through the text catalogue; the report's
first screen, the index and the printable brief all use these.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...core.structure import switch_of_parameter
from ...summary.types import RunSummary
from .. import texts
from ..numbers import format_index, format_interval, format_median_interval, format_percent, format_value
from .common import join_words

__all__ = ["Answer", "answer", "month_words", "structure_sentence", "DRIVER_THRESHOLD", "STRUCTURE_THRESHOLD"]

DRIVER_THRESHOLD = 0.05  # an input "matters" from this total Sobol index (or share of the tornado's swing) on
STRUCTURE_THRESHOLD = 0.05  # a structural choice matters from this share of an answer's calibrated variance on
STRUCTURE_SAYS = 0.2  # from this share the caveat says the answer rests on a choice the figures cannot settle


@dataclass(frozen=True)
class Answer:
    """One headline answer, in words."""

    metric: str
    label: str
    median: str  # the calibrated median ("40 %", "beyond the window")
    interval: str  # "90 % interval 32–49 %"
    never: str  # the share of futures where it does not happen within the window, said so; "" where it always does
    definition: str  # what the metric counts, where a threshold defines it ("fire has dropped" ...); "" otherwise
    depends: str  # the inputs and structural choice it depends on most
    caveat: str  # one sentence: what to keep in mind
    before: str  # before calibration, for comparison; "" when not calibrated


def month_words(month: str, lang: str = "en") -> str:
    """'2027-08' -> 'Aug 2027' / 'Aug. 2027'."""
    year, mon = month.split("-")
    return texts.text(f"month.{int(mon)}", lang) + " " + year


def _depends(summary: RunSummary, metric: str, lang: str) -> tuple[str, str | None]:
    """What the metric depends on most (words), and the first of those inputs (a parameter name) if any."""
    parts: list[str] = []
    first_input: str | None = None
    drivers = summary.drivers_of(metric)
    if drivers is not None and drivers.method != "none":
        ranked = [d for d in drivers.ranked() if switch_of_parameter(d.name) is None]
        total_swing = sum(d.swing or 0.0 for d in drivers.inputs) or 1.0
        for d in ranked[:2]:
            value = d.ST if drivers.method == "sobol" else (d.swing or 0.0) / total_swing
            if value is None or value < DRIVER_THRESHOLD:
                continue
            first_input = first_input or d.name
            key = "answer.input_sobol" if drivers.method == "sobol" else "answer.input_swing"
            parts.append(texts.text(key, lang, input=texts.parameter_label(d.name, lang), index=format_index(value, lang)))
    if summary.structures is not None:
        main = summary.structures.main_switch(metric)
        if main is not None and main[1] >= STRUCTURE_THRESHOLD:
            parts.append(texts.text("answer.switch_share", lang, switch=texts.switch_label(main[0], lang),
                                    share=format_percent(main[1], lang)))
    if not parts:
        return texts.text("answer.depends_nothing", lang), None
    return texts.text("answer.depends", lang, parts=join_words(parts, lang)), first_input


def structure_sentence(summary: RunSummary, metric: str, lang: str) -> str:
    """Where the figures cannot tell the structures apart and the structure moves the answer, one sentence
    that says so; "" otherwise."""
    s = summary.structures
    if s is None:
        return ""
    main = s.main_switch(metric)
    if main is None or main[1] < STRUCTURE_SAYS:
        return ""
    share = main[1]  # that switch's own share of the answer's spread (not the structure's as a whole)
    switch = texts.switch_label(main[0], lang)
    if s.bayes_factor(main[0]) < 3.0:
        return texts.text("answer.cannot_tell", lang, switch=switch, share=format_percent(share, lang))
    best = max(s.switches[main[0]], key=lambda c: c.posterior_probability / max(c.prior_weight, 1e-300))
    return texts.text("answer.favoured", lang, switch=switch, choice=texts.choice_words(main[0], best.choice, lang),
                      probability=format_percent(best.posterior_probability, lang), share=format_percent(share, lang))


def _definition(summary: RunSummary, metric: str, lang: str) -> str:
    if metric == "months_to_fire_drop_after_cutoff":
        return texts.text("answer.define_fire_drop", lang, threshold=format_percent(summary.fire_drop_threshold, lang))
    if metric in ("months_to_shortage_after_cutoff", "months_short"):
        return texts.text("answer.define_short", lang, threshold=format_percent(summary.shortage_threshold, lang))
    if metric == "payments_share_of_nk_gdp":
        return texts.text("answer.define_peak_year", lang)
    return ""


def answer(summary: RunSummary, metric: str, lang: str = "en") -> Answer:
    """The headline answer ``metric`` of a run, in words (``lang``)."""
    stats = summary.metrics[metric]
    unit = stats.unit
    end = month_words(summary.window[1], lang)
    never = ""
    if stats.share_never is not None and stats.share_never > 0:
        never = texts.text("answer.never", lang, share=format_percent(stats.share_never, lang),
                           what=texts.never(metric, lang), end=end)
    depends, first_input = _depends(summary, metric, lang)
    caveat = structure_sentence(summary, metric, lang)
    if not caveat and first_input is not None and first_input not in summary.figure_inputs:
        caveat = texts.text("answer.assumption", lang, input=texts.parameter_label(first_input, lang))
    if not caveat:
        caveat = texts.text("answer.claims", lang)
    before = ""
    prior = summary.prior_metrics.get(metric)
    if summary.calibration.calibrated and prior is not None:
        before = texts.text("answer.before", lang,
                            value=format_median_interval(prior.p50, prior.p5, prior.p95, unit, lang))
    return Answer(metric, texts.label(metric, lang), format_value(stats.p50, unit, lang),
                  format_interval(stats.p5, stats.p95, unit, lang), never, _definition(summary, metric, lang),
                  depends, caveat, before)
