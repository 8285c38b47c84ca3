"""Sentences about the calibration, the drivers and the evidence (English ones go into
summary.json; pages in another language make them again from summary.json's numbers)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ...analysis.calibration import MIN_HEALTHY_ESS, Calibration, ObservedFigure
from ...analysis.outcome import Drivers
from ...core.catalogue import title
from ...sensitivity._checks import _as_int
from .. import texts
from ..numbers import as_float, format_count, format_index, format_percent, format_ratio
from .common import join_words

__all__ = ["NO_OBSERVATIONS", "calibration_findings", "rank_drivers", "driver_statement", "KASS_RAFTERY",
           "evidence_reading", "findings_in", "series_in", "driver_statement_in"]

NO_OBSERVATIONS = "No observations: results are the uncalibrated Monte Carlo spread."


def calibration_findings(calibration: Calibration, observed: Sequence[ObservedFigure], *, samples: int) -> list[str]:
    """What the calibration says about the figures, most important first.

    Order: too few effective samples; each figure in tension with the rest; each pair that
    pulls against each other; figures not reproduced; or that all fit jointly.
    """
    if not observed:
        return [NO_OBSERVATIONS]
    findings: list[str] = []
    labels = {o.figure_id: o.label for o in observed}
    for fit in calibration.fits:
        if fit.in_tension:
            direction = "above" if fit.loo_quantile > 0.95 else "below"
            findings.append(
                f"{fit.figure_id} ({labels[fit.figure_id]}) is in tension with the other figures: calibrated on "
                f"them, the model puts {fit.loo_quantile:.0%} of its weight below the reported value, so the report "
                f"lies {direction} what the rest implies."
            )
    for a, b, ratio in calibration.conflicts:
        findings.append(
            f"{a} and {b} pull against each other: the samples "
            f"that fit one mostly miss the other (fitting one makes the other {1 / ratio:.3g} times less likely)."
        )
    ess = calibration.effective_sample_size
    if ess < MIN_HEALTHY_ESS:
        share = ess / samples
        hard = (" The reported figures are hard to reconcile under this model's assumptions (fewer than 1 % of "
                "the samples carry the weight).") if share < 0.01 else ""
        findings.insert(0, (
            f"Only {ess:.0f} effective samples of {samples:,} survive the weighting ({share:.1%}), so calibrated "
            f"results rest on few samples: run more samples (--samples).{hard}"
        ))
    misfits = [f.figure_id for f in calibration.fits if not f.fits]
    if misfits:
        findings.append("Not reproduced within the calibrated 90 % band: " + ", ".join(misfits) + ".")
    if not findings:
        findings.append("All observed figures are reproduced jointly; none pulls against the others.")
    return findings


def rank_drivers(
    indices: ArrayLike,
    names: Sequence[str],
    *,
    metric_label: str,
    top: int = 3,
    threshold: float = 0.05,
    index_label: str = "ST",
    max_negligible: int = 4,
) -> str:
    """A short ranked English statement of which inputs drive a metric.

    Parameters
    ----------
    indices : array_like, shape (d,)
        One sensitivity index per input (e.g. total-order ``ST``); larger
        means more important.
    names : sequence of str
        Input names as they should appear in the sentence (humanise them
        before calling).
    metric_label : str
        What the indices describe, as a noun phrase used as the sentence's
        subject, e.g. ``"the share of shells from abroad"``; its first letter
        is capitalised.
    top : int, default 3
        At most this many drivers are named (only those at or above
        `threshold`).
    threshold : float, default 0.05
        Inputs whose index is below this "barely matter".
    index_label : str, default "ST"
        Label printed with the first value, e.g. ``"(ST 0.52)"``.
    max_negligible : int, default 4
        At most this many negligible inputs are named; the rest are counted.

    Returns
    -------
    str
        e.g. ``"The output depends mostly on a (ST 0.52) and b (0.31); c barely
        matters (ST < 0.05)."``
    """
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
    names_ = [str(nm) for nm in names]
    order = np.argsort(-vals, kind="stable")
    drivers = [int(i) for i in order[:top] if vals[i] >= threshold]
    negligible = [int(i) for i in order if vals[i] < threshold]
    thr = f"{threshold:g}"

    if drivers:
        parts = [f"{names_[drivers[0]]} ({index_label} {vals[drivers[0]]:.2f})"]
        parts += [f"{names_[i]} ({vals[i]:.2f})" for i in drivers[1:]]
        sentence = f"{label[0].upper()}{label[1:]} depends mostly on {join_words(parts)}"
    else:
        sentence = f"No listed input clearly drives {label}: every {index_label} is below {thr}"
        negligible = []  # already said
    if negligible:
        shown = [names_[i] for i in negligible[:max_negligible]]
        rest = len(negligible) - len(shown)
        if rest:
            shown.append(f"{rest} other input{'s' if rest > 1 else ''}")
        verb = "barely matters" if len(negligible) == 1 else "barely matter"
        sentence += f"; {join_words(shown)} {verb} ({index_label} < {thr})"
    return sentence + "."


def driver_statement(drivers: Drivers) -> str:
    """Which inputs drive one metric, in a sentence: by total Sobol index, else by tornado swing."""
    label = f"the metric \u201c{title(drivers.metric)}\u201d"
    pretty = [texts.parameter_label(n) for n in drivers.names]
    if drivers.ST is not None:
        return rank_drivers(drivers.ST, pretty, metric_label=label)
    if drivers.swing_low is not None and drivers.swing_high is not None:
        swing = np.abs(drivers.swing_high - drivers.swing_low)
        return rank_drivers(swing / max(swing.sum(), 1e-300), pretty, metric_label=label, index_label="share of swing")
    return ""


#: Kass & Raftery (1995), Table on the scale of 2 ln B: upper bound -> the strength of the evidence.
KASS_RAFTERY: tuple[tuple[float, str], ...] = (
    (2.0, "not worth more than a bare mention"),
    (6.0, "positive"),
    (10.0, "strong"),
    (math.inf, "very strong"),
)


_STRENGTH_KEYS = ("index.strength_bare", "index.strength_positive", "index.strength_strong", "index.strength_very_strong")


def evidence_reading(log_bayes_factor: float, *, name: str, reference: str, lang: str = "en") -> str:
    """How to read ``ln B`` of scenario ``name`` against ``reference`` on the same reported figures,
    on the Kass & Raftery scale (of ``2 ln B``: below 2 not worth more than a bare mention, 2-6
    positive, 6-10 strong, above 10 very strong); in ``lang``."""
    two = 2.0 * abs(log_bayes_factor)
    step = next(i for i, (bound, _) in enumerate(KASS_RAFTERY) if two < bound)
    strength = KASS_RAFTERY[step][1] if lang == "en" else texts.text(_STRENGTH_KEYS[step], lang)
    if two < KASS_RAFTERY[0][0]:
        return texts.text("index.no_difference", lang, name=name, reference=reference, strength=strength)
    better, worse = (name, reference) if log_bayes_factor > 0 else (reference, name)
    ratio = math.exp(min(abs(log_bayes_factor), 700.0))
    times = texts.text("index.million_times", lang) if ratio > 1e6 else (
        format_count(ratio, lang) if ratio >= 100 else format_ratio(ratio, lang))
    return texts.text("index.evidence_for", lang, strength=strength, better=better, worse=worse, times=times)


# --------------------------------------------------------------------------- sentences in another language
# summary.json keeps its sentences in English (it is data, the same in every language); a page in
# another language makes them again from the numbers summary.json holds, with the same rules.


def findings_in(summary: Mapping[str, Any], labels: Mapping[str, str], lang: str) -> list[str]:
    """:func:`calibration_findings` in ``lang``, from ``summary.json``'s observations, conflicting
    pairs and effective sample size (``labels``: figure id -> how it is named beside its id)."""
    observations = list(summary.get("observations") or [])
    if not observations:
        return [texts.text("sentence.no_observations", lang)]
    out: list[str] = []
    for o in observations:
        q = as_float(o.get("leave_one_out_quantile"))
        if o.get("in_tension_with_others") and q is not None:
            out.append(texts.text("sentence.tension", lang, id=o.get("id"), label=labels.get(str(o.get("id")), ""),
                                  quantile=format_percent(q, lang),
                                  direction=texts.text("sentence.above" if q > 0.95 else "sentence.below", lang)))
    for pair in summary.get("conflicting_pairs") or []:
        ratio = as_float(pair.get("ratio")) if isinstance(pair, Mapping) else None
        if ratio:
            out.append(texts.text("sentence.pull", lang, a=pair.get("a"), b=pair.get("b"),
                                  times=format_ratio(1 / ratio, lang) if 1 / ratio < 100 else format_count(1 / ratio,
                                                                                                            lang)))
    ess, samples = as_float(summary.get("effective_sample_size")), as_float(summary.get("samples"))
    if summary.get("calibrated") and ess is not None and samples and ess < MIN_HEALTHY_ESS:
        share = ess / samples
        out.insert(0, texts.text("sentence.few_ess", lang, ess=format_count(ess, lang),
                                 samples=format_count(samples, lang), share=format_percent(share, lang))
                   + (texts.text("sentence.hard", lang) if share < 0.01 else ""))
    misfits = [str(o.get("id")) for o in observations if o.get("fits") is False]
    if misfits:
        out.append(texts.text("sentence.misfits", lang, ids=", ".join(misfits)))
    if not out:
        out.append(texts.text("sentence.all_fit", lang))
    return out


def series_in(summary: Mapping[str, Any], lang: str) -> list[str]:
    """One sentence per trajectory observed at several dates (calibrated as one series), in ``lang``."""
    cal = summary.get("calibration") or {}
    rho = as_float(cal.get("series_correlation"))
    out = []
    for ids in cal.get("series") or []:
        names = ", ".join(str(i) for i in ids)
        if rho:
            out.append(texts.text("sentence.series", lang, names=names, share=format_percent(rho, lang),
                                  weight=format_ratio(len(ids) / (1 + (len(ids) - 1) * rho), lang), count=len(ids)))
        else:
            out.append(texts.text("sentence.series_independent", lang, names=names))
    return out


def driver_statement_in(metric: str, rows: Sequence[Mapping[str, Any]], lang: str, *, top: int = 3,
                        threshold: float = 0.05, max_negligible: int = 4) -> str:
    """:func:`driver_statement` in ``lang`` from the sensitivity rows of one metric (``parameter``,
    ``ST``, ``swing``): by total Sobol index, else by share of the tornado swing."""
    names = [str(r.get("parameter")) for r in rows]
    st = [as_float(r.get("ST")) for r in rows]
    swing = [as_float(r.get("swing")) for r in rows]
    if names and all(v is not None for v in st):
        vals, index = np.array(st, dtype=float), "ST"
    elif names and all(v is not None for v in swing):
        raw = np.abs(np.array(swing, dtype=float))
        vals, index = raw / max(raw.sum(), 1e-300), texts.text("sentence.share_of_swing", lang)
    else:
        return ""
    label = texts.text("sentence.the_metric", lang, title=texts.title(metric, lang))
    pretty = [texts.parameter_label(n, lang) for n in names]
    order = np.argsort(-vals, kind="stable")
    drivers = [int(i) for i in order[:top] if vals[i] >= threshold]
    negligible = [int(i) for i in order if vals[i] < threshold]
    thr = format_index(threshold, lang).rstrip("0").rstrip(",.") if lang != "en" else f"{threshold:g}"
    if drivers:
        parts = [f"{pretty[drivers[0]]} ({index} {format_index(vals[drivers[0]], lang)})"]
        parts += [f"{pretty[i]} ({format_index(vals[i], lang)})" for i in drivers[1:]]
        sentence = texts.text("sentence.depends", lang, label=label[0].upper() + label[1:], parts=join_words(parts, lang))
    else:
        sentence = texts.text("sentence.no_driver", lang, label=label, index=index, threshold=thr)
        negligible = []
    if negligible:
        shown = [pretty[i] for i in negligible[:max_negligible]]
        rest = len(negligible) - len(shown)
        if rest:
            shown.append(texts.text("sentence.other_inputs" if rest > 1 else "sentence.other_input", lang, count=rest))
        key = "sentence.barely_one" if len(negligible) == 1 else "sentence.barely_many"
        sentence += texts.text(key, lang, names=join_words(shown, lang), index=index, threshold=thr)
    return sentence + "."
