"""The correlations' report section: each stated pair's target, what the samples achieve and what
calibration makes of it."""

from __future__ import annotations

from dataclasses import dataclass

from ...presentation import texts
from ...presentation.numbers import format_correlation, format_count
from ..base import Section, SectionContext
from .compute import CorrelationFinding
from .words import independence_note

__all__ = ["CorrelationRow", "CorrelationsView", "section"]


@dataclass(frozen=True)
class CorrelationRow:
    a: str
    b: str
    target: str
    achieved: str
    calibrated: str  # "" when not calibrated
    reason: str


@dataclass(frozen=True)
class CorrelationsView:
    method: str
    samples: str
    calibrated: bool
    rows: tuple[CorrelationRow, ...]
    note: str


def section(ctx: SectionContext, c: CorrelationFinding) -> Section:
    lang = ctx.lang
    rows = tuple(CorrelationRow(
        texts.parameter_label(p.a, lang), texts.parameter_label(p.b, lang), format_correlation(p.rho, lang),
        format_correlation(c.achieved[k], lang),
        format_correlation(c.calibrated[k], lang) if c.calibrated is not None else "", c.reasons[k])
        for k, p in enumerate(c.pairs))
    method = texts.text("analyst.copula" if c.method == "copula" else "analyst.iman_conover", lang)
    note = independence_note(len(rows), lang)
    view = CorrelationsView(method, format_count(c.samples, lang), c.calibrated is not None, rows, note)
    return Section("correlations", texts.text("analyst.correlations_heading", lang),
                   "features/correlations/section.html.j2", view, note)
