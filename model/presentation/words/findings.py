"""The calibration's findings and the drivers' statements, in any language, from the typed summary.

One writer per sentence: ``summary.json`` gets them in English (its contract keeps a few sentences),
a page in German gets the same sentences from the same numbers through the text catalogue.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from ...sensitivity._checks import _as_int
from ...summary.types import Drivers, RunSummary
from .. import texts
from ..numbers import format_count, format_index, format_percent, format_ratio
from .common import join_words

__all__ = ["MIN_HEALTHY_ESS", "calibration_findings", "series_sentences", "rank_drivers", "driver_sentence",
           "KASS_RAFTERY", "evidence_reading", "claimant_short"]

MIN_HEALTHY_ESS = 100.0  # fewer effective samples than this: calibrated results rest on few samples


def claimant_short(claimant: str) -> str:
    """Who made a claim, short: the first part before a comma."""
    return claimant.split(",")[0]


def calibration_findings(summary: RunSummary, lang: str = "en", labels: dict[str, str] | None = None) -> list[str]:
    """What the calibration says about the figures, most important first: too few effective samples;
    each figure in tension with the rest; each pair that pulls against each other; figures not
    reproduced; or that all fit jointly. ``labels``: figure id -> how it is named beside its id."""
    cal = summary.calibration
    if not summary.observations:
        return [texts.text("sentence.no_observations", lang)]
    labels = labels or {}
    out: list[str] = []
    for o in summary.observations:
        if o.in_tension:
            q = o.leave_one_out_quantile
            out.append(texts.text("sentence.tension", lang, id=o.id, label=labels.get(o.id, o.claim),
                                  quantile=format_percent(q, lang),
                                  direction=texts.text("sentence.above" if q > 0.95 else "sentence.below", lang)))
    for a, b, ratio in cal.conflicting_pairs:
        times = 1 / ratio if ratio > 0 else math.inf
        out.append(texts.text("sentence.pull", lang, a=a, b=b,
                              times=format_ratio(times, lang) if times < 100 else format_count(times, lang)))
    if cal.calibrated and cal.effective_sample_size < MIN_HEALTHY_ESS:
        share = cal.effective_sample_size / summary.samples
        out.insert(0, texts.text("sentence.few_ess", lang, ess=format_count(cal.effective_sample_size, lang),
                                 samples=format_count(summary.samples, lang), share=format_percent(share, lang))
                   + (texts.text("sentence.hard", lang) if share < 0.01 else ""))
    misfits = [o.id for o in summary.observations if not o.fits]
    if misfits:
        out.append(texts.text("sentence.misfits", lang, ids=", ".join(misfits)))
    if not out:
        out.append(texts.text("sentence.all_fit", lang))
    return out


def series_sentences(summary: RunSummary, lang: str = "en") -> list[str]:
    """One sentence per trajectory observed at several dates (calibrated as one series)."""
    rho = summary.calibration.series_correlation
    out = []
    for ids in summary.calibration.series:
        names = ", ".join(ids)
        if rho:
            out.append(texts.text("sentence.series", lang, names=names, share=format_percent(rho, lang),
                                  weight=format_ratio(len(ids) / (1 + (len(ids) - 1) * rho), lang), count=len(ids)))
        else:
            out.append(texts.text("sentence.series_independent", lang, names=names))
    return out


def rank_drivers(indices: ArrayLike, names: Sequence[str], *, metric_label: str, top: int = 3,
                 threshold: float = 0.05, index_label: str = "ST", max_negligible: int = 4, lang: str = "en") -> str:
    """A short ranked statement of which inputs drive a metric: ``"The output depends mostly on a (ST
    0.52) and b (0.31); c barely matters (ST < 0.05)."`` (``indices``: one per input, larger matters more;
    ``names`` as they should appear; at most ``top`` named, those below ``threshold`` barely matter)."""
    vals = np.asarray(indices, dtype=float)
    if vals.ndim != 1 or vals.size == 0:
        raise ValueError(f"indices must be a non-empty 1-D array, got shape {vals.shape}")
    if not np.isfinite(vals).all():
        raise ValueError(f"indices must be finite, got {vals.tolist()!r}")
    if isinstance(names, (str, bytes)) or len(names) != vals.size:
        raise ValueError(f"names must be a sequence of {vals.size} names, got {names!r}")
    if not isinstance(metric_label, str) or not metric_label.strip():
        raise ValueError(f"metric_label must be a non-empty string, got {metric_label!r}")
    top = _as_int(top, "top", minimum=1)
    max_negligible = _as_int(max_negligible, "max_negligible", minimum=0)
    try:
        threshold = float(threshold)
    except (TypeError, ValueError):
        raise ValueError(f"threshold must be a finite number >= 0, got {threshold!r}") from None
    if not (math.isfinite(threshold) and threshold >= 0):
        raise ValueError(f"threshold must be a finite number >= 0, got {threshold!r}")
    label = metric_label.strip()
    order = np.argsort(-vals, kind="stable")
    drivers = [int(i) for i in order[:top] if vals[i] >= threshold]
    negligible = [int(i) for i in order if vals[i] < threshold]
    thr = f"{threshold:g}" if lang == "en" else format_index(threshold, lang).rstrip("0").rstrip(",.")
    if drivers:
        parts = [f"{names[drivers[0]]} ({index_label} {format_index(vals[drivers[0]], lang)})"]
        parts += [f"{names[i]} ({format_index(vals[i], lang)})" for i in drivers[1:]]
        sentence = texts.text("sentence.depends", lang, label=label[0].upper() + label[1:],
                              parts=join_words(parts, lang))
    else:
        sentence = texts.text("sentence.no_driver", lang, label=label, index=index_label, threshold=thr)
        negligible = []
    if negligible:
        shown = [names[i] for i in negligible[:max_negligible]]
        rest = len(negligible) - len(shown)
        if rest:
            shown.append(texts.text("sentence.other_inputs" if rest > 1 else "sentence.other_input", lang, count=rest))
        key = "sentence.barely_one" if len(negligible) == 1 else "sentence.barely_many"
        sentence += texts.text(key, lang, names=join_words(shown, lang), index=index_label, threshold=thr)
    return sentence + "."


def driver_sentence(drivers: Drivers, lang: str = "en") -> str:
    """Which inputs drive one metric: by total Sobol index, else by share of the tornado's swing."""
    label = texts.text("sentence.the_metric", lang, title=texts.title(drivers.metric, lang))
    names = [texts.parameter_label(d.name, lang) for d in drivers.inputs]
    if drivers.inputs and all(d.ST is not None for d in drivers.inputs):
        return rank_drivers(np.array([d.ST for d in drivers.inputs], dtype=float), names, metric_label=label, lang=lang)
    if drivers.inputs and all(d.swing is not None for d in drivers.inputs):
        swing = np.array([d.swing for d in drivers.inputs], dtype=float)
        return rank_drivers(swing / max(swing.sum(), 1e-300), names, metric_label=label, lang=lang,
                            index_label=texts.text("sentence.share_of_swing", lang))
    return ""


#: Kass & Raftery (1995), on the scale of 2 ln B: upper bound -> the strength of the evidence.
KASS_RAFTERY: tuple[tuple[float, str], ...] = (
    (2.0, "index.strength_bare"),
    (6.0, "index.strength_positive"),
    (10.0, "index.strength_strong"),
    (math.inf, "index.strength_very_strong"),
)


def evidence_reading(log_bayes_factor: float, *, name: str, reference: str, lang: str = "en") -> str:
    """How to read ``ln B`` of scenario ``name`` against ``reference`` on the same reported figures,
    on the Kass & Raftery scale (of ``2 ln B``: below 2 not worth more than a bare mention, 2-6
    positive, 6-10 strong, above 10 very strong)."""
    two = 2.0 * abs(log_bayes_factor)
    step = next(i for i, (bound, _) in enumerate(KASS_RAFTERY) if two < bound)
    strength = texts.text(KASS_RAFTERY[step][1], lang)
    if two < KASS_RAFTERY[0][0]:
        return texts.text("index.no_difference", lang, name=name, reference=reference, strength=strength)
    better, worse = (name, reference) if log_bayes_factor > 0 else (reference, name)
    ratio = math.exp(min(abs(log_bayes_factor), 700.0))
    times = texts.text("index.million_times", lang) if ratio > 1e6 else (
        format_count(ratio, lang) if ratio >= 100 else format_ratio(ratio, lang))
    return texts.text("index.evidence_for", lang, strength=strength, better=better, worse=worse, times=times)
