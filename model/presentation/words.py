"""Every generated sentence a person reads: calibration findings and driver statements.

Numbers come in from ``model.analysis`` (no sentences there); the words are made here,
in one place, so a second language has one module to follow.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ..analysis.calibration import MIN_HEALTHY_ESS, Calibration, ObservedFigure
from ..analysis.outcome import Drivers
from ..core.catalogue import title
from ..inputs.schema import PARAMETER_INFO
from ..sensitivity._checks import _as_int
from . import texts
from .numbers import format_count, format_interval, format_percent, format_plain, format_value

__all__ = ["rank_drivers", "calibration_findings", "driver_statement", "NO_OBSERVATIONS", "evidence_reading",
           "KASS_RAFTERY", "logistics_story", "discovery_sentence", "limit_phrase", "stopping_statement",
           "independence_note", "tradeoff_sentence"]

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


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


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
        sentence = f"{label[0].upper()}{label[1:]} depends mostly on {_join(parts)}"
    else:
        sentence = f"No listed input clearly drives {label}: every {index_label} is below {thr}"
        negligible = []  # already said
    if negligible:
        shown = [names_[i] for i in negligible[:max_negligible]]
        rest = len(negligible) - len(shown)
        if rest:
            shown.append(f"{rest} other input{'s' if rest > 1 else ''}")
        verb = "barely matters" if len(negligible) == 1 else "barely matter"
        sentence += f"; {_join(shown)} {verb} ({index_label} < {thr})"
    return sentence + "."


def driver_statement(drivers: Drivers) -> str:
    """Which inputs drive one metric, in a sentence: by total Sobol index, else by tornado swing."""
    label = f"the metric \u201c{title(drivers.metric)}\u201d"
    pretty = [PARAMETER_INFO[n].label for n in drivers.names]
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
    from .numbers import format_count, format_ratio

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


# --------------------------------------------------------------------------- the logistics study
def _p(stats: Mapping[str, Any] | None, key: str = "p50") -> float | None:
    value = (stats or {}).get(key)
    return None if value is None else float(value)


def logistics_story(disruption: Mapping[str, Any], monthly: Mapping[str, Any], example: Mapping[str, Any],
                    policy: str, lang: str = "en") -> list[str]:
    """How one disruption plays out, day by day, in sentences (from the summary's ``logistics`` key:
    one entry of ``disruptions``, ``monthly``, ``example`` and the firing ``policy``), in ``lang``."""
    d = disruption

    def t(key: str, **fields: Any) -> str:
        return texts.text(f"story.{key}", lang, **fields)

    def day(iso: Any) -> str:
        value = str(iso or "")
        if len(value) != 10:
            return value
        return t("day", day=int(value[8:]), month=texts.text(f"month_long.{int(value[5:7])}", lang), year=value[:4])

    def month(m: str) -> str:
        return t("month", month=texts.text(f"month_long.{int(m[5:7])}", lang), year=m[:4])

    def days_words(x: float | None) -> str:
        if x is None:
            return t("days_unknown")
        if x < 0.5:
            return t("less_than_day")
        return t("one_day") if round(x) == 1 else t("days", n=format_count(round(x), lang))

    def shells(x: Any) -> str:
        return format_value(x, "shells", lang)

    def pct(x: Any) -> str:
        return format_percent(x, lang)

    kind = d.get("kind")
    days = _p(d, "days")
    length = t("length", n=format_plain(days, lang)) if days is not None else ""
    if kind == "route_closed":
        route = str(d.get("route"))
        what = t("closed", route=t(f"route_{route}") if texts.has(f"story.route_{route}") else t("route_other"),
                 start=day(d.get("start")), length=length, end=day(d.get("end")))
    elif kind == "slower_inspections":
        what = t("inspections", factor=format_plain(float(d.get("factor") or 1), lang), start=day(d.get("start")),
                 length=length)
    elif kind == "depot_strike":
        depot = str(d.get("depot"))
        what = t("strike", share=pct(d.get("share")), depot=t(f"depot_{depot}") if texts.has(f"story.depot_{depot}")
                 else t("depot_other"), start=day(d.get("start")))
    else:
        month_names = [texts.text(f"month_long.{int(m)}", lang) for m in d.get("months") or []]
        # the English report has always listed them with commas only
        names = ", ".join(month_names) if lang == "en" else _join_in(month_names, lang)
        what = t("winter", factor=format_plain(float(d.get("factor") or 1), lang), months=names)
    out = [what]
    if not d.get("within_run", True):
        return out + [t("outside")]
    for closure in example.get("closures") or []:
        if closure.get("name") == d.get("name") and closure.get("first_train_after"):
            trains = _p(closure, "trains_first_week_after")
            out.append(t("example", last=day(closure.get("last_train_before")), first=day(closure["first_train_after"]))
                       + (t("backlog_trains", trains=f"{trains:.0f}") if trains else "."))
    months = list(monthly.get("months") or [])
    engine, model = (monthly.get(k) or {} for k in ("delivered_front_nk", "model_nk_usable_deliveries"))
    start = str(d.get("start") or "")[:7]
    end = str(d.get("end") or d.get("start") or "")[:7]
    moves = not (kind == "depot_strike" and d.get("depot") == "front")
    if moves and start in months and end in months and engine.get("p50") and model.get("p50"):
        i0 = months.index(start)
        span = range(i0, min(len(months), max(months.index(end) + 2, i0 + (3 if kind == "winter_slowdown" else 1))))
        gaps = [(engine["p50"][i] or 0.0) - (model["p50"][i] or 0.0) for i in span]
        low, high = span[int(np.argmin(gaps))], span[int(np.argmax(gaps))]
        if gaps[low - i0] < 0:
            sentence = t("front_falls", value=shells(engine["p50"][low]), month=month(months[low]),
                         interval=format_interval(engine["p5"][low], engine["p95"][low], "shells", lang),
                         model=shells(model["p50"][low]))
            if high > low and gaps[high - i0] > 0:
                sentence += t("backlog_later", value=shells(engine["p50"][high]), month=month(months[high]),
                              model=shells(model["p50"][high]))
            out.append(sentence + ".")
    share = _p(d, "share_with_dip")
    dip, part, fire = (d.get(k) or {} for k in ("dip_shells", "dip_share", "dip_days_of_fire"))
    if share is not None and dip:
        after = _p(d, "dip_window_days")
        window = t("window_after", days=days_words(after - (days or 0.0))) if after is not None else t("window_plain")
        typical = (t("typical", shells=shells(_p(dip)), share=pct(_p(part)), days=days_words(_p(fire)))
                   if (_p(part) or 0.0) >= 0.01 else t("typical_none"))
        out.append(t("dip", window=window, share=pct(share), typical=typical, shells=shells(_p(dip, "p95")),
                     part=pct(_p(part, "p95")), days=days_words(_p(fire, "p95")))
                   + (t("lowest", day=day(d["trough_date_p50"])) if d.get("trough_date_p50") else "."))
        below, recover = d.get("days_below"), d.get("days_to_recover")
        if below and recover:
            never = _p(recover, "share_never")
            out.append(t("below", days=days_words(_p(below)), worst=days_words(_p(below, "p95")),
                         recover=days_words(_p(recover)))
                       + (t("below_never", share=pct(never)) if never else t("below_end")))
    short, shorts = _p(d, "share_with_shortfall"), d.get("shortfall_shells")
    if short and shorts:
        out.append(t("shortfall", share=pct(short), shells=shells(_p(shorts)), worst=shells(_p(shorts, "p95"))))
    drop = d.get("fire_drop_share") or {}
    if policy == "stock_target" and drop:
        median, worst = max(_p(drop) or 0.0, 0.0), max(_p(drop, "p95") or 0.0, 0.0)
        out.append(t("stock_target", median=pct(median), worst=pct(worst)) if median >= 0.01
                   else t("stock_target_most", worst=pct(worst)))
    elif drop:
        out.append(t("demand"))
    out.append(t("monthly_none"))
    return out


# --------------------------------------------------------------------------- the analyst's questions


def limit_phrase(name: str, low: float | None, high: float | None, lang: str = "en") -> str:
    """One input's range in a box: ``"North Korean shipping capacity below 310,000 shells a month"``."""
    from .numbers import format_input

    info = PARAMETER_INFO.get(name)
    label, unit = (info.label, info.unit) if info is not None else (name.replace("_", " "), "")
    if lang != "en":
        label = texts.parameter_label(name, lang) if info is not None else label
        key = ("analyst.limit_anywhere" if high is None else "analyst.limit_below") if low is None else (
            "analyst.limit_above" if high is None else "analyst.limit_between")
        return texts.text(key, lang, label=label, low=format_input(low, unit, lang) if low is not None else "",
                          high=format_input(high, unit, lang) if high is not None else "")
    if low is None and high is None:
        return f"{label} anywhere"
    if low is None:
        return f"{label} below {format_input(high, unit, lang)}"
    if high is None:
        return f"{label} above {format_input(low, unit, lang)}"
    return f"{label} between {format_input(low, unit, lang)} and {format_input(high, unit, lang)}"


def discovery_sentence(name: str, condition: str, limits: Sequence[tuple[str, float | None, float | None]], *,
                       density: float, coverage: float, share: float, more: int = 0, lang: str = "en") -> str:
    """The chosen PRIM box as a sentence.

    ``"“long shortage” (months_short >= 3) follows in 19 % of the futures with Russian production
    at start below 285,000 shells a month and ...; these futures are 88 % of all futures where it
    holds (it holds in 1.7 % of all futures)."`` ``limits`` are ``(input, low, high)``, most
    important first; ``more`` counts the box's further, smaller restrictions (left out here).
    """
    what = f"{texts.text('analyst.quoted', lang, text=name.replace('_', ' '))} ({condition})"
    if share <= 0:
        return texts.text("analyst.none_hold", lang, what=what)
    if not limits:
        return texts.text("analyst.no_box", lang, what=what, share=format_percent(share, lang))
    phrases = [limit_phrase(n, lo, hi, lang) for n, lo, hi in limits]
    tail = texts.text("analyst.more_many" if more > 1 else "analyst.more_one", lang, more=more) if more else ""
    return texts.text("analyst.box_sentence", lang, what=what, density=format_percent(density, lang),
                      limits=_join_in(phrases, lang), tail=tail, coverage=format_percent(coverage, lang),
                      share=format_percent(share, lang))


def stopping_statement(stopping: Mapping[str, Any], lang: str = "en") -> str:
    """How ``samples: auto`` ended, from ``summary.json``'s ``stopping`` section."""
    target = stopping.get("target") or {}
    tol = format_percent(target.get("tolerance"), lang)
    conf = format_percent(target.get("confidence"), lang)
    qs = [texts.text("analyst.percentile_rank", lang, n=format_plain(100 * float(q), lang))
          for q in target.get("quantiles") or []]
    quantiles = texts.text("analyst.quantiles_many" if len(qs) > 1 else "analyst.quantiles_one", lang,
                           list=_join_in(qs, lang))
    precision: Mapping[str, Any] = stopping.get("precision") or {}
    worst = sorted(((max((v for v in qv.values() if v is not None), default=math.inf), m)
                    for m, qv in precision.items()), reverse=True)
    samples = format_count(stopping.get("samples"), lang)
    if stopping.get("reason") == "target_met":
        head = texts.text("analyst.stop_met", lang, samples=samples, quantiles=quantiles, tolerance=tol,
                          confidence=conf)
        if worst:
            value, metric = worst[0]
            head += texts.text("analyst.stop_least", lang, metric=texts.title(metric, lang),
                               value=format_percent(value, lang))
        return head + "."
    head = texts.text("analyst.stop_max", lang, samples=samples, tolerance=tol, confidence=conf)
    short = [(v, m) for v, m in worst if v > float(target.get("tolerance") or 0)]
    if short:
        unbounded = texts.text("analyst.unbounded", lang)
        listed = ", ".join(f"{texts.title(m, lang)} ±{format_percent(v, lang) if math.isfinite(v) else unbounded}"
                           for v, m in short[:3])
        head += texts.text("analyst.stop_short", lang, listed=listed)
    return head + texts.text("analyst.stop_raise", lang)


def independence_note(pairs: int, lang: str = "en") -> str:
    """Why the Sobol indices are read with care when inputs move together."""
    what = texts.text("analyst.independence_one", lang) if pairs == 1 else \
        texts.text("analyst.independence_many", lang, pairs=pairs)
    return texts.text("analyst.independence", lang, what=what)


def tradeoff_sentence(names: Sequence[str], narrowing: Sequence[float | None], prior_rank: Sequence[Sequence[Any]],
                      calibrated_rank: Sequence[Sequence[Any]], lang: str = "en") -> str:
    """What the corner plot shows, in words: the inputs the figures narrow most and the pair they tie together."""
    from .numbers import format_correlation

    label = [texts.parameter_label(n, lang) for n in names]
    ranked = sorted((float(v), k) for k, v in enumerate(narrowing) if v is not None)[::-1]
    narrowed = [texts.text("analyst.narrowed", lang, label=label[k], share=format_percent(v, lang))
                for v, k in ranked[:2] if v > 0.1]
    best: tuple[float, int, int] | None = None
    for i in range(len(names)):
        for j in range(i):
            after, before = calibrated_rank[i][j], prior_rank[i][j]
            if after is None or before is None:
                continue
            change = abs(float(after) - float(before))
            if best is None or change > best[0]:
                best = (change, i, j)
    parts = []
    if narrowed:
        parts.append(texts.text("analyst.narrow", lang, list=_join_in(narrowed, lang)))
    if best is not None and best[0] >= 0.1:
        _, i, j = best
        after, before = float(calibrated_rank[i][j]), float(prior_rank[i][j])
        way = texts.text("analyst.together" if after > 0 else "analyst.trade_off", lang)
        parts.append(texts.text("analyst.tie", lang, a=label[i], b=label[j], way=way,
                                after=format_correlation(after, lang), before=format_correlation(before, lang)))
    if not parts:
        return texts.text("analyst.barely", lang)
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."


# --------------------------------------------------------------------------- sentences in another language
# summary.json keeps its sentences in English (it is data, the same in every language); a page in
# another language makes them again from the numbers summary.json holds, with the same rules.


def _join_in(items: list[str], lang: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + texts.text("sentence.and", lang) + items[-1]


def findings_in(summary: Mapping[str, Any], labels: Mapping[str, str], lang: str) -> list[str]:
    """:func:`calibration_findings` in ``lang``, from ``summary.json``'s observations, conflicting
    pairs and effective sample size (``labels``: figure id -> how it is named beside its id)."""
    from .numbers import as_float, format_ratio

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
    from .numbers import as_float, format_ratio

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
    from .numbers import as_float, format_index

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
        sentence = texts.text("sentence.depends", lang, label=label[0].upper() + label[1:], parts=_join_in(parts, lang))
    else:
        sentence = texts.text("sentence.no_driver", lang, label=label, index=index, threshold=thr)
        negligible = []
    if negligible:
        shown = [pretty[i] for i in negligible[:max_negligible]]
        rest = len(negligible) - len(shown)
        if rest:
            shown.append(texts.text("sentence.other_inputs" if rest > 1 else "sentence.other_input", lang, count=rest))
        key = "sentence.barely_one" if len(negligible) == 1 else "sentence.barely_many"
        sentence += texts.text(key, lang, names=_join_in(shown, lang), index=index, threshold=thr)
    return sentence + "."


