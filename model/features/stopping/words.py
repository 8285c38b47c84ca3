"""How ``samples: auto`` ended, in a sentence."""

from __future__ import annotations

import math

from ...presentation import texts
from ...presentation.numbers import format_count, format_percent, format_plain
from ...presentation.words.common import join_words
from .compute import Stopping

__all__ = ["stopping_statement"]


def stopping_statement(s: Stopping, lang: str = "en") -> str:
    """"Sampling stopped after 98,304 samples, when the 5th, 50th and 95th percentiles of every chosen
    metric were known to within ±1 % of their 90 % width ..." (or why it stopped at the maximum)."""
    target = s.target
    tol = format_percent(target.tolerance, lang)
    conf = format_percent(target.confidence, lang)
    qs = [texts.text("analyst.percentile_rank", lang, n=format_plain(100 * float(q), lang)) for q in target.quantiles]
    quantiles = texts.text("analyst.quantiles_many" if len(qs) > 1 else "analyst.quantiles_one", lang,
                           list=join_words(qs, lang))
    precision = s.final.precision
    # an unbounded quantile (inf) is the least precise of all: it keeps the target from holding
    worst = sorted(((max(values, default=math.inf), m) for m, values in precision.items()), reverse=True)
    samples = format_count(s.samples, lang)
    if s.reason == "target_met":
        head = texts.text("analyst.stop_met", lang, samples=samples, quantiles=quantiles, tolerance=tol,
                          confidence=conf)
        if worst:
            value, metric = worst[0]
            head += texts.text("analyst.stop_least", lang, metric=texts.title(metric, lang),
                               value=format_percent(value, lang))
        return head + "."
    head = texts.text("analyst.stop_max", lang, samples=samples, tolerance=tol, confidence=conf)
    short = [(v, m) for v, m in worst if v > target.tolerance]
    if short:
        unbounded = texts.text("analyst.unbounded", lang)
        listed = ", ".join(f"{texts.title(m, lang)} ±{format_percent(v, lang) if math.isfinite(v) else unbounded}"
                           for v, m in short[:3])
        head += texts.text("analyst.stop_short", lang, listed=listed)
    return head + texts.text("analyst.stop_raise", lang)
