"""Stopping's report section: how many samples ``samples: auto`` drew and how precise each quantile is."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ...presentation import texts
from ...presentation.numbers import format_count, format_percent
from ..base import Section, SectionContext
from .compute import Stopping
from .figures import quantile_label
from .words import stopping_statement

__all__ = ["PrecisionCell", "PrecisionRow", "StoppingView", "section"]


@dataclass(frozen=True)
class PrecisionCell:
    text: str
    met: bool  # within the target


@dataclass(frozen=True)
class PrecisionRow:
    metric: str
    cells: tuple[PrecisionCell, ...]


@dataclass(frozen=True)
class StoppingView:
    statement: str
    samples: str
    reason: str  # "target met" or "maximum reached"
    target: str
    confidence: str
    weights: str
    headers: tuple[str, ...]
    rows: tuple[PrecisionRow, ...]
    checkpoints: str
    figure: object | None


def section(ctx: SectionContext, s: Stopping) -> Section:
    lang = ctx.lang
    t = s.target
    rows = tuple(PrecisionRow(texts.label(m, lang), tuple(
        PrecisionCell(f"±{format_percent(v, lang)}" if math.isfinite(v) else texts.text("analyst.unbounded", lang),
                      v <= t.tolerance) for v in values)) for m, values in s.final.precision.items())
    statement = stopping_statement(s, lang)
    view = StoppingView(
        statement=statement, samples=format_count(s.samples, lang),
        reason=texts.text("analyst.target_met" if s.reason == "target_met" else "analyst.maximum", lang),
        target=texts.text("analyst.target_words", lang, tolerance=format_percent(t.tolerance, lang),
                          confidence=format_percent(t.confidence, lang), max=format_count(t.max_samples, lang)),
        confidence=format_percent(t.confidence, lang),
        weights=texts.text("analyst.weights_calibration" if s.weighted else "analyst.weights_equal", lang),
        headers=tuple(quantile_label(q, lang) for q in t.quantiles), rows=rows,
        checkpoints=", ".join(format_count(c.samples, lang) for c in s.checks),
        figure=ctx.figures.get("convergence_stopping"))
    return Section("stopping", texts.text("analyst.stopping_heading", lang), "features/stopping/section.html.j2",
                   view, statement)
