"""One scenario's report as typed views, built from its :class:`~model.summary.types.RunSummary`.

The first screen answers the scenario's question (:mod:`model.presentation.words.answers`); the rest
is in sections a reader opens, in the order an analyst asks: the calibration and the reported
figures, what matters, the mechanisms over time, each optional feature's own section, every number,
and the sources. Each section says its answer in one line while it is closed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ...core.catalogue import METRICS, TRAJECTORIES
from ...features.base import Feature, SectionContext
from ...summary.types import Drivers, Observation, RunSummary, Structures, ValueOfInformation
from .. import texts
from ..numbers import (
    format_correlation,
    format_count,
    format_index,
    format_index_range,
    format_percent,
    format_range,
    format_signed,
    format_stats,
    format_value,
)
from ..words import answer, calibration_findings, driver_sentence, month_words, series_sentences, structure_sentence
from ..words.findings import MIN_HEALTHY_ESS
from .common import estimate, figure_row, ident, question, reported_value
from .sources import figure_words, run_facts, source_row
from .views import (
    AnswerCard,
    CalibrationView,
    CandidateRow,
    Details,
    DriverRow,
    DriversView,
    FigureRow,
    FirstScreen,
    MechanismsView,
    MetricDetail,
    MetricRow,
    NumbersView,
    ObservationRow,
    ReportPage,
    StructureRow,
    StructuresView,
    ValueView,
)

__all__ = ["report_page", "TOP_DRIVERS", "TOP_CANDIDATES"]

TOP_DRIVERS = 5  # inputs shown per answer
TOP_CANDIDATES = 5  # reports that may come, shown per answer
TEMPLATES = "presentation/report/templates/sections"
_PER_METRIC = ("hist_", "tornado_", "sobol_", "convergence_")  # a headline answer's own charts
_MECHANISMS = ("cutoff_stock_shortfall", "mechanisms", "payments")


def _t(key: str, lang: str, **fields: Any) -> str:
    return texts.text(f"report.{key}", lang, **fields)


def _basis(s: RunSummary, lang: str) -> str:
    window = _t("window_words", lang, start=month_words(s.window[0], lang), end=month_words(s.window[1], lang))
    cal = s.calibration
    if cal.calibrated:
        how = _t("basis_calibrated", lang, figures=format_count(len(s.observations), lang),
                 ess=format_count(cal.effective_sample_size, lang), samples=format_count(s.samples, lang))
    else:
        how = _t("basis_prior", lang, samples=format_count(s.samples, lang))
    return f"{how} {window}"


def scenario_answers(s: RunSummary, features: Sequence[Feature], lang: str) -> list[Any]:
    """The scenario's answers, as its report's first screen and its index card give them: each headline
    metric's, then those of the features that answer part of the question (the chain's stock dip)."""
    cards = [answer(s, m, lang) for m in s.headline]
    for f in features:
        block = s.features.get(f.name)
        if f.answers is not None and block is not None:
            cards += list(f.answers(s, block, lang))
    return cards


def _first_screen(s: RunSummary, figures: Mapping[str, FigureRow], features: Sequence[Feature], lang: str
                  ) -> FirstScreen:
    cards = scenario_answers(s, features, lang)
    warning = ""
    if s.calibration.calibrated and s.calibration.effective_sample_size < MIN_HEALTHY_ESS:
        warning = _t("low_ess", lang, ess=format_count(s.calibration.effective_sample_size, lang),
                     threshold=format_count(MIN_HEALTHY_ESS, lang))
    return FirstScreen(_basis(s, lang), tuple(AnswerCard(a.label, a.median, a.interval, a.never, a.definition,
                                                         a.depends, a.caveat, a.before) for a in cards),
                       figures.get("story"), warning)


def _claim(o: Observation, display: str, lang: str) -> str:
    unit = TRAJECTORIES[o.output].unit if o.output in TRAJECTORIES else ""
    value = format_value(o.reported, unit, lang) if o.reported is not None else reported_value(display, lang)
    if o.claim == "words":
        return _t("claim_words", lang, words=o.words)
    return _t(f"claim_{o.claim}", lang, value=value) if texts.has(f"report.claim_{o.claim}") else value


def _observation(o: Observation, display: str, claimant: str, lang: str) -> ObservationRow:
    unit = TRAJECTORIES[o.output].unit if o.output in TRAJECTORIES else ""
    low, high = o.allowed if o.claim in ("words", "capacity") else o.error_range
    if not math.isfinite(high):  # one-sided: "at least", "more than"
        allowed = _t("at_least", lang, value=format_value(low, unit, lang))
    else:
        allowed = format_range(low, high, unit, lang)
    month = _t("open_date", lang, first=o.months[0], last=o.months[-1]) if o.months else o.month

    def model(q: tuple[float | None, float | None, float | None]) -> Any:
        return estimate(None if q[1] is None else _stats(q, unit), unit, "", lang)

    yes, no = texts.text("word.yes", lang), texts.text("word.no", lang)
    return ObservationRow(
        ident(o.id), claimant, texts.trajectory_text(o.output, "description", lang) or o.output.replace("_", " "),
        month, _claim(o, display, lang), allowed, model(o.prior), model(o.calibrated),
        yes if o.fits else no, "yes" if o.fits else "no", yes if o.in_tension else no, "no" if o.in_tension else "yes")


def _stats(q: tuple[float | None, float | None, float | None], unit: str) -> Any:
    from ...summary.types import Stats

    return Stats(None, q[0], q[1], q[2], unit)


def _calibration(s: RunSummary, sources: Mapping[str, Mapping[str, Any]], figures: Mapping[str, FigureRow],
                 lang: str) -> Details:
    cal = s.calibration
    rows = tuple(_observation(o, str(sources.get(o.id, {}).get("value", o.reported)),
                              str(sources.get(o.id, {}).get("claimant_short", "")), lang) for o in s.observations)
    labels = {o.id: r.claim for o, r in zip(s.observations, rows)}
    findings = tuple(calibration_findings(s, lang, labels))
    ess = format_count(cal.effective_sample_size, lang)
    if not cal.calibrated:
        statement = _t("not_calibrated", lang)
    elif cal.method == "smc":
        statement = _t("calibrated_smc", lang, futures=format_count(cal.futures, lang), samples=format_count(s.samples, lang),
                       stages=cal.stages, ess=ess)
    else:
        statement = _t("calibrated_importance", lang, samples=format_count(s.samples, lang), ess=ess)
    conflicts = tuple(_t("conflict", lang, a=a, b=b) for a, b, _ in cal.conflicting_pairs)
    checks = tuple(f for stem, f in figures.items() if stem.startswith("ppc_"))
    fit = sum(o.fits for o in s.observations)
    lead = _t("calibration_lead", lang, fit=fit, total=len(s.observations), ess=ess) if s.observations else \
        _t("no_observations", lang)
    view = CalibrationView(cal.calibrated, statement, rows, findings, conflicts, tuple(series_sentences(s, lang)), checks)
    return Details("calibration", _t("calibration", lang), lead, f"{TEMPLATES}/calibration.html.j2", view)


def _driver_rows(d: Drivers, lang: str) -> tuple[DriverRow, ...]:
    unit = METRICS[d.metric].unit

    def index(value: float | None, low: float | None, high: float | None) -> str:
        if value is None:
            return ""
        bounds = format_index_range(low, high, lang)
        return f"{format_index(value, lang)} {bounds}" if bounds else format_index(value, lang)

    return tuple(DriverRow(texts.parameter_label(i.name, lang), index(i.ST, i.ST_low, i.ST_high),
                           index(i.S1, i.S1_low, i.S1_high),
                           format_signed(None if i.swing_low is None or i.swing_high is None else i.swing_high - i.swing_low,
                                         unit, lang) if i.swing_low is not None else "",
                           format_correlation(i.rank_correlation, lang) if i.rank_correlation is not None else "")
                 for i in d.ranked()[:TOP_DRIVERS])


def _structures(st: Structures, s: RunSummary, lang: str) -> StructuresView:
    sentences = tuple(dict.fromkeys(x for x in (structure_sentence(s, m, lang) for m in s.headline) if x))
    metrics = [m for m in s.headline if any(m in c.metrics for cs in st.switches.values() for c in cs)]
    rows = tuple(StructureRow(texts.switch_label(c.switch, lang), texts.choice_words(c.switch, c.choice, lang),
                              format_percent(c.prior_weight, lang), format_percent(c.posterior_probability, lang),
                              tuple(format_stats(c.metrics.get(m), lang, interval=False) for m in metrics))
                 for choices in st.switches.values() for c in choices)
    shares = tuple((texts.label(m, lang), format_percent(st.share_of_variance[m], lang))
                   for m in s.headline if m in st.share_of_variance)
    if not sentences:
        sentences = (_t("structures_settled" if st.distinguishable else "structures_little", lang),)
    return StructuresView(sentences, tuple(texts.label(m, lang) for m in metrics), rows, shares)


def _candidate(quantity: str, date: str, summed: bool, lang: str) -> str:
    what = texts.trajectory_text(quantity, "description", lang) or quantity.replace("_", " ")
    return _t("candidate_in" if summed else "candidate_at", lang, what=what, date=date)


def _value(v: ValueOfInformation, lang: str) -> ValueView:
    by_spread = v.ranked_by == "standard_deviation"
    label = texts.label(v.metric, lang)
    rows = tuple(CandidateRow(_candidate(c.quantity, c.date, c.summed, lang),
                              texts.text(f"reliability.{c.reliability}", lang) if texts.has(f"reliability.{c.reliability}")
                              else c.reliability, format_percent(c.sd_narrowing if by_spread else c.narrowing, lang))
                 for c in v.candidates[:TOP_CANDIDATES])
    if not v.candidates:
        return ValueView(label, _t("value_none", lang, label=label), ())
    best = v.candidates[0]
    sentence = _t("value_spread" if by_spread else "value_interval", lang, label=label,
                  report=_candidate(best.quantity, best.date, best.summed, lang),
                  share=format_percent(best.sd_narrowing if by_spread else best.narrowing, lang))
    return ValueView(label, sentence, rows)


def _drivers(s: RunSummary, figures: Mapping[str, FigureRow], lang: str) -> Details:
    details = []
    for m in s.headline:
        d = s.drivers_of(m)
        charts = tuple(figures[f"{p}{m}"] for p in _PER_METRIC if f"{p}{m}" in figures)
        statement = driver_sentence(d, lang) if d is not None else ""
        hidden = len(d.inputs) - TOP_DRIVERS if d is not None else 0
        details.append(MetricDetail(texts.label(m, lang), statement, _driver_rows(d, lang) if d is not None else (),
                                    format_count(hidden, lang) if hidden > 0 else "", charts))
    structures = _structures(s.structures, s, lang) if s.structures is not None else None
    values = tuple(_value(v, lang) for v in s.value_of_information if v.metric in s.headline)
    lead = answer(s, s.headline[0], lang).depends if s.headline else ""
    return Details("drivers", _t("drivers", lang), lead, f"{TEMPLATES}/drivers.html.j2",
                   DriversView(tuple(details), structures, values))


def _mechanisms(figures: Mapping[str, FigureRow], every: Sequence[FigureRow], lang: str) -> Details | None:
    shown = tuple(figures[k] for k in _MECHANISMS if k in figures) + tuple(every)
    if not shown:
        return None
    return Details("mechanisms", _t("mechanisms", lang), _t("mechanisms_lead", lang),
                   f"{TEMPLATES}/figures.html.j2", MechanismsView(shown))


def _numbers(s: RunSummary, other: Sequence[FigureRow], lang: str) -> Details:
    calibrated = s.calibration.calibrated
    rows = tuple(MetricRow(texts.label(m, lang), estimate(st, st.unit, m, lang),
                           estimate(s.prior_metrics.get(m), st.unit, m, lang) if calibrated else None)
                 for m, st in s.metrics.items())
    return Details("numbers", _t("all_numbers", lang), _t("numbers_lead", lang, count=len(rows)),
                   f"{TEMPLATES}/numbers.html.j2", NumbersView(calibrated, rows, tuple(other)))


def report_page(summary: RunSummary, *, features: Sequence[Feature] = (),
                figures: Mapping[str, tuple[str, str | Path]] = {},  # noqa: B006 - read only
                sources: Sequence[Mapping[str, Any]] = (), manifest: Mapping[str, Any] | None = None,
                lang: str = "en") -> ReportPage:
    """The whole report as one typed object.

    ``figures``: the charts written, by file stem: (title, path of the PNG); ``sources``: the article
    figures the scenario uses (``model.storage.scenario_files.figures_used``); ``manifest``: the run's,
    for the footer.
    """
    texts.check_lang(lang)
    rows = {stem: figure_row(title, path) for stem, (title, path) in figures.items()}
    by_id = {str(f["id"]): {**f, "claimant_short": figure_words(str(f["id"]), "claimant", lang,
                                                                 str(f.get("claimant") or "")).split(",")[0]}
             for f in sources}
    used: set[str] = {"story", *_MECHANISMS, *(k for k in rows if k.startswith("ppc_"))}
    used |= {f"{p}{m}" for p in _PER_METRIC for m in summary.headline}
    sections: list[Details] = [_calibration(summary, by_id, rows, lang), _drivers(summary, rows, lang)]
    fans = [rows[k] for k in rows if k.startswith("fan_")]
    used |= {k for k in rows if k.startswith("fan_")}
    mechanisms = _mechanisms(rows, fans, lang)
    if mechanisms is not None:
        sections.append(mechanisms)
    context = SectionContext(summary, rows, lang)
    for f in features:
        block = summary.features.get(f.name)
        if f.section is None or block is None:
            continue
        section = f.section(context, block)
        if section is not None:
            sections.append(Details(section.key, section.heading, section.lead, section.template, section.view))
    # the other metrics' charts (--figures all); a feature's charts are in its own section
    other = [row for stem, row in rows.items() if stem not in used
             and any(stem.startswith(p) and stem[len(p):] in METRICS for p in _PER_METRIC)]
    sections.append(_numbers(summary, other, lang))
    sections.append(Details("sources", _t("article_figures", lang),
                            _t("sources_lead", lang, count=len(sources)), f"{TEMPLATES}/sources.html.j2",
                            tuple(source_row(f, lang) for f in sources)))
    return ReportPage(summary.scenario, question(summary.scenario, summary.description, lang),
                      _first_screen(summary, rows, features, lang), tuple(sections),
                      run_facts(summary, manifest, lang), lang)
