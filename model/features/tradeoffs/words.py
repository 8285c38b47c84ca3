"""What the corner plot shows, in a sentence."""

from __future__ import annotations

from ...presentation import texts
from ...presentation.numbers import format_correlation, format_percent
from ...presentation.words.common import join_words
from .compute import Tradeoffs

__all__ = ["tradeoff_sentence"]


def tradeoff_sentence(t: Tradeoffs, lang: str = "en") -> str:
    """The inputs the figures narrow most and the pair they tie together most."""
    label = [texts.parameter_label(n, lang) for n in t.names]
    ranked = sorted((float(v), k) for k, v in enumerate(t.narrowing))[::-1]
    narrowed = [texts.text("analyst.narrowed", lang, label=label[k], share=format_percent(v, lang))
                for v, k in ranked[:2] if v > 0.1]
    best: tuple[float, int, int] | None = None
    for i in range(len(t.names)):
        for j in range(i):
            change = abs(float(t.calibrated_rank[i][j]) - float(t.prior_rank[i][j]))
            if best is None or change > best[0]:
                best = (change, i, j)
    parts = []
    if narrowed:
        parts.append(texts.text("analyst.narrow", lang, list=join_words(narrowed, lang)))
    if best is not None and best[0] >= 0.1:
        _, i, j = best
        after, before = float(t.calibrated_rank[i][j]), float(t.prior_rank[i][j])
        way = texts.text("analyst.together" if after > 0 else "analyst.trade_off", lang)
        parts.append(texts.text("analyst.tie", lang, a=label[i], b=label[j], way=way,
                                after=format_correlation(after, lang), before=format_correlation(before, lang)))
    if not parts:
        return texts.text("analyst.barely", lang)
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."
