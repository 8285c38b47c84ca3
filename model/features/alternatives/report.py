"""The alternatives' report section: the scenario's structure and each alternative on the same samples,
side by side on the scenario's headline answers, with their evidence."""

from __future__ import annotations

from dataclasses import dataclass

from ...presentation import texts
from ...presentation.numbers import format_log_evidence, format_stats
from ..base import Section, SectionContext
from .summary import AlternativeSummary

__all__ = ["AlternativeRow", "AlternativesView", "section"]


@dataclass(frozen=True)
class AlternativeRow:
    name: str
    changes: str  # the switches it sets differently from the scenario, in words
    cells: tuple[str, ...]  # one per headline answer: "median (90 % interval)"
    evidence: str  # ln Z
    fit: str  # "5 of 5"


@dataclass(frozen=True)
class AlternativesView:
    headers: tuple[str, ...]
    rows: tuple[AlternativeRow, ...]


def _changes(own: dict[str, str], alt: AlternativeSummary, lang: str) -> str:
    if alt.name == "scenario":
        return texts.text("alternatives.as_scenario", lang)
    changed = [f"{texts.switch_label(s, lang)}: {texts.choice_words(s, c, lang)}"
               for s, c in alt.choices.items() if own.get(s) != c]
    return "; ".join(changed) or texts.text("alternatives.as_scenario", lang)


def section(ctx: SectionContext, block: tuple[AlternativeSummary, ...]) -> Section:
    lang = ctx.lang
    metrics = [m for m in ctx.summary.headline if m in block[0].metrics]
    own = block[0].choices
    rows = tuple(AlternativeRow(
        texts.text("alternatives.scenario_row", lang) if a.name == "scenario" else a.name.replace("_", " "),
        _changes(own, a, lang), tuple(format_stats(a.metrics[m], lang) for m in metrics),
        format_log_evidence(a.log_evidence, lang),
        texts.text("alternatives.of", lang, fit=a.observations_fit, total=a.observations)) for a in block)
    # the lead: how far the first headline answer moves across the structures
    lead = ""
    if metrics:
        m = metrics[0]
        medians = [a.metrics[m].p50 for a in block if a.metrics[m].p50 is not None]
        if len(medians) > 1:
            lead = texts.text("alternatives.lead", lang, label=texts.label(m, lang), count=len(block),
                              low=format_stats(min(block, key=lambda a: a.metrics[m].p50 or 0).metrics[m], lang,
                                               interval=False),
                              high=format_stats(max(block, key=lambda a: a.metrics[m].p50 or 0).metrics[m], lang,
                                                interval=False))
    return Section("alternatives", texts.text("alternatives.heading", lang), "features/alternatives/section.html.j2",
                   AlternativesView(tuple(texts.label(m, lang) for m in metrics), rows), lead)
