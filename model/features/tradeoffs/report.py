"""The trade-offs' report section: the sentence and the corner plot."""

from __future__ import annotations

from dataclasses import dataclass

from ...presentation import texts
from ..base import Section, SectionContext
from .compute import Tradeoffs
from .words import tradeoff_sentence

__all__ = ["TradeoffsView", "section"]


@dataclass(frozen=True)
class TradeoffsView:
    sentence: str
    inputs: tuple[str, ...]
    figure: object | None


def section(ctx: SectionContext, t: Tradeoffs) -> Section:
    sentence = tradeoff_sentence(t, ctx.lang)
    view = TradeoffsView(sentence, tuple(texts.parameter_label(n, ctx.lang) for n in t.names),
                         ctx.figures.get("corner_inputs"))
    return Section("tradeoffs", texts.text("analyst.tradeoffs_heading", ctx.lang), "features/tradeoffs/section.html.j2",
                   view, sentence)
