"""The report's view objects, built from what ``render_report`` receives.

Inputs are untyped on purpose (``summary.json`` content, sensitivity rows, the article
figures used, the manifest): anything may be missing or None. Everything that leaves
this module is a typed :mod:`.views` object with its numbers already in words.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from ...core.catalogue import KEY_METRICS, METRICS, TRAJECTORIES
from ...features.alternatives.report import alternatives_section
from ...features.logistics.report import LOGISTICS_FIGURE_PREFIX, logistics_section
from .. import texts
from ..numbers import (
    as_float,
    format_correlation,
    format_count,
    format_index,
    format_index_range,
    format_interval,
    format_median_interval,
    format_percent,
    format_range,
    format_ratio,
    format_signed,
    format_value,
    unit_words,
)
from ..words import driver_statement_in, findings_in, series_in
from .analyst_views import analyst_section, is_analyst_figure
from .common import estimate, figure_rows, ident, never_words, pieces, question, reported_value, text, unit_of
from .views import (
    Calibration,
    ConflictRow,
    DriverRow,
    DriverSection,
    Estimate,
    IndexValue,
    KeyNumber,
    KeyNumbers,
    MetricRow,
    ObservationRow,
    ReportPage,
    RunFacts,
    SourceRow,
    YesNo,
)

__all__ = ["report_page", "ESS_WARNING", "TOP_DRIVERS"]

PREDICTIVE_CHECK_PREFIX = "ppc_"  # figure files shown in the calibration section
ESS_WARNING = 100  # fewer effective samples than this after calibration: a visible warning
TOP_DRIVERS = 5  # inputs shown per metric in the sensitivity tables

Row = Mapping[str, Any]


def _in_order(names: Any, first: Sequence[str]) -> list[str]:
    """``names`` with those in ``first`` first, in that order, then the rest as given.

    ``summary.json`` is written with sorted keys; this keeps the metrics table in the catalogue's
    order whether the summary comes from memory or from disk.
    """
    names = list(names)
    return [n for n in first if n in names] + [n for n in names if n not in first]


def _count_if_positive(x: Any, lang: str) -> str:
    return format_count(x, lang) if as_float(x) else ""


def key_numbers(summary: Row, lang: str = "en") -> KeyNumbers:
    metrics: Mapping[str, Any] = summary.get("metrics") or {}
    prior: Mapping[str, Any] = summary.get("prior_metrics") or {}
    calibrated = bool(summary.get("calibrated"))
    window = summary.get("window") or {}
    ess = as_float(summary.get("effective_sample_size"))

    items = []
    for m in KEY_METRICS:
        if m not in metrics:
            continue
        stats = metrics[m] or {}
        unit = unit_of(m, stats)
        share_never = as_float(stats.get("share_never"))
        prior_text = ""
        if calibrated and m in prior:
            p = prior[m] or {}
            prior_text = (
                format_median_interval(p.get("p50"), p.get("p5"), p.get("p95"), unit_of(m, p), lang)
                if p
                else texts.text("report.not_available", lang)
            )
        items.append(
            KeyNumber(
                label=texts.label(m, lang),
                value=format_value(stats.get("p50"), unit, lang),
                interval=format_interval(stats.get("p5"), stats.get("p95"), unit, lang),
                never=never_words(m, share_never, lang) if share_never is not None else "",
                prior=prior_text,
            )
        )

    rows = []
    for m in _in_order(metrics, tuple(METRICS)):
        stats = metrics[m]
        unit = unit_of(m, stats)
        prior_stats = prior.get(m)
        rows.append(
            MetricRow(
                label=texts.label(m, lang),
                model=estimate(stats, unit, m, lang),
                prior=estimate(prior_stats, unit_of(m, prior_stats) or unit, m, lang) if calibrated else None,
            )
        )
    return KeyNumbers(
        window_start=text(window.get("start", "?")),
        window_end=text(window.get("end", "?")),
        calibrated=calibrated,
        effective_samples=format_count(ess, lang) if calibrated else "",
        samples=_count_if_positive(summary.get("samples"), lang),
        items=tuple(items),
        rows=tuple(rows),
    )


def _yes_no(flag: Any, good: bool, lang: str = "en") -> YesNo:
    """``good`` is the reassuring answer."""
    if flag is None:
        return YesNo("–", "")
    return YesNo(texts.text("word.yes" if flag else "word.no", lang), "yes" if bool(flag) == good else "no")


def _model_at(obs: Row, prefix: str, unit: str, lang: str) -> Estimate:
    """Model median at an observation with its 5-95 % range (``prefix`` "prior_" or "")."""
    p50 = as_float(obs.get(f"{prefix}p50"))
    if p50 is None:
        return Estimate(available=False)
    lo, hi = as_float(obs.get(f"{prefix}p5")), as_float(obs.get(f"{prefix}p95"))
    rng = pieces(format_range(lo, hi, unit, lang), lang) if lo is not None and hi is not None else ()
    return Estimate(available=True, value=format_value(p50, unit, lang), interval=rng)


def _observation(o: Row, claimants: Mapping[str, str], lang: str) -> ObservationRow:
    output = text(o.get("output", ""))
    entry = TRAJECTORIES.get(output)
    unit = entry.unit if entry else ""
    err_lo, err_hi = ([as_float(x) for x in (o.get("error_range_90") or [])] + [None, None])[:2]
    fid = text(o.get("id", ""))
    return ObservationRow(
        figure=ident(fid),
        claimant=claimants.get(fid, ""),
        output=texts.trajectory_text(output, "description", lang) or entry.description if entry
        else output.replace("_", " "),
        month=text(o.get("month", "")),
        reported=format_value(o.get("reported"), unit, lang),
        error_range=(
            pieces(format_range(err_lo, err_hi, unit, lang), lang) if err_lo is not None and err_hi is not None else ()
        ),
        prior=_model_at(o, "prior_", unit, lang),
        posterior=_model_at(o, "", unit, lang),
        fits=_yes_no(o.get("fits"), good=True, lang=lang),
        in_tension=_yes_no(o.get("in_tension_with_others"), good=False, lang=lang),
    )


def _conflict(pair: Any, lang: str) -> ConflictRow:
    if isinstance(pair, Mapping):
        return ConflictRow((text(pair.get("a")), text(pair.get("b"))), format_ratio(pair.get("ratio"), lang))
    return ConflictRow(tuple(text(x) for x in pair), "")


def calibration(summary: Row, claimants: Mapping[str, str], lang: str = "en") -> Calibration:
    """The calibration section; in English its sentences are summary.json's own, in another
    language they are made again from the numbers there (:mod:`model.presentation.words`)."""
    calibrated = bool(summary.get("calibrated"))
    ess = as_float(summary.get("effective_sample_size")) if calibrated else None
    samples = as_float(summary.get("samples"))
    return Calibration(
        calibrated=calibrated,
        effective_samples=format_count(ess, lang),
        samples=_count_if_positive(samples, lang),
        effective_share=format_percent(ess / samples, lang) if ess is not None and samples else "",
        low_ess=ess is not None and ess < ESS_WARNING,
        ess_threshold=format_count(ESS_WARNING, lang),
        observations=tuple(_observation(o, claimants, lang) for o in summary.get("observations") or []),
        findings=tuple(text(f) for f in summary.get("calibration_findings") or []) if lang == "en"
        else tuple(findings_in(summary, claimants, lang)) if summary.get("calibration_findings") else (),
        conflicts=tuple(_conflict(p, lang) for p in summary.get("conflicting_pairs") or []),
        log_evidence=_log_evidence(summary) if calibrated else "",
        series=_series(summary) if lang == "en" else tuple(series_in(summary, lang)),
    )


def _log_evidence(summary: Row) -> str:
    z = as_float(summary.get("log_evidence"))
    return "" if z is None else f"{z:.2f}".replace("-", "\u2212")


def _series(summary: Row) -> tuple[str, ...]:
    cal = summary.get("calibration") or {}
    rho = as_float(cal.get("series_correlation"))
    out = []
    for ids in cal.get("series") or []:
        names = ", ".join(text(i) for i in ids)
        if rho:
            out.append(f"{names} observe the same model output at different dates and are calibrated as one series: "
                       f"their errors share one common part ({format_percent(rho, 'en')} of each figure's log-error "
                       "variance) and are independent otherwise, so together they weigh like "
                       f"{len(ids) / (1 + (len(ids) - 1) * rho):.2g} independent figures, not {len(ids)}.")
        else:
            out.append(f"{names} observe the same model output at different dates; their errors are treated as "
                       "independent (series_correlation 0).")
    return tuple(out)


def _sort_key(row: Row) -> tuple[int, float]:
    """Largest total-order index first, then largest swing, then the rest."""
    st = as_float(row.get("ST"))
    if st is not None:
        return (0, -st)
    swing = as_float(row.get("swing"))
    if swing is not None:
        return (1, -abs(swing))
    return (2, 0.0)


def _index_value(row: Row, key: str, lang: str) -> IndexValue:
    value = row.get(key)
    known = as_float(value) is not None
    interval = format_index_range(row.get(f"{key}_low"), row.get(f"{key}_high"), lang) if known else ""
    return IndexValue(format_index(value, lang), interval)


def drivers(
    summary: Row, sensitivity: Sequence[Row], top: int = TOP_DRIVERS, lang: str = "en"
) -> tuple[DriverSection, ...]:
    """One section per metric with a driver statement or sensitivity rows, statements' order first."""
    statements: Mapping[str, Any] = summary.get("drivers") or {}
    metrics: Mapping[str, Any] = summary.get("metrics") or {}
    by_metric: dict[str, list[Row]] = {}
    for row in sensitivity:
        by_metric.setdefault(text(row.get("metric", "")), []).append(row)
    # as the scenario lists them (summary.drivers keeps that order in memory; on disk it is sorted)
    order = list(statements) + [m for m in by_metric if m not in statements]
    sections = []
    for m in order:
        unit = unit_of(m, metrics.get(m))
        ranked = sorted(by_metric.get(m, []), key=_sort_key)
        rows = tuple(
            DriverRow(
                parameter=text(r.get("parameter")),
                st=_index_value(r, "ST", lang),
                s1=_index_value(r, "S1", lang),
                swing=format_signed(r.get("swing"), unit, lang),
                rank_correlation=format_correlation(r.get("rank_correlation"), lang),
                s1_calibrated=_index_value(r, "S1_calibrated", lang),
            )
            for r in ranked[:top]
        )
        hidden = len(ranked) - top
        statement = text(statements.get(m, "")) if lang == "en" else (
            driver_statement_in(m, by_metric.get(m, []), lang) if statements.get(m) else "")
        sections.append(
            DriverSection(texts.label(m, lang), statement, rows, format_count(hidden, lang) if hidden > 0 else "",
                          calibrated=any(as_float(r.get("S1_calibrated")) is not None for r in ranked))
        )
    return tuple(sections)


def figure_words(fid: str, part: str, lang: str, english: str) -> str:
    """An article figure's claimant, gloss or reliability reason in ``lang`` from the catalogue
    (``figure.<id>.<part>``); ``english`` (the registry's) where the catalogue has none."""
    key = f"figure.{fid}.{part}"
    return texts.text(key, lang) if lang != "en" and english and texts.has(key) else english


def _source(f: Row, lang: str) -> SourceRow:
    grade, sep, reason = text(f.get("reliability") or "").partition(":")
    unit = f.get("unit")
    fid = text(f.get("id"))
    grade = grade.strip()
    if lang != "en" and texts.has(f"reliability.{grade}"):
        grade = texts.text(f"reliability.{grade}", lang)
    return SourceRow(
        figure=ident(f.get("id")),
        role=ident(_role(text(f.get("role")), lang)) if f.get("role") else None,
        value=reported_value(f.get("value"), lang),
        unit=(texts.text(f"chartunit.{unit}", lang) if lang != "en" and texts.has(f"chartunit.{unit}")
              else unit_words(text(unit), lang)) if unit else "",
        claimant=figure_words(fid, "claimant", lang, text(f.get("claimant"))) if f.get("claimant") else "",
        as_of=text(f.get("as_of")),
        source=text(f.get("source")),
        quote=text(f.get("quote")),
        gloss=figure_words(fid, "gloss", lang, text(f.get("note"))) if f.get("note") else "",
        grade=grade,
        grade_reason=figure_words(fid, "reliability_reason", lang, reason.strip()) if sep else "",
        reason_lang=lang if lang == "en" or texts.has(f"figure.{fid}.reliability_reason") else "en",
        gloss_lang="en" if lang == "en" or not texts.has(f"figure.{fid}.gloss") else lang,
        translation=text(f.get("translation")),
        url=text(f.get("url")),
        published=text(f.get("published")),
        accessed=text(f.get("accessed")),
        figure_file=Path(text(f.get("origin"))).name if f.get("url") else "",
    )


def _role(role: str, lang: str) -> str:
    """``"input to nk_stockpile"`` (as batch writes it) in ``lang``."""
    for prefix, key in (("input to ", "report.role_input"), ("observation of ", "report.role_observation")):
        if lang != "en" and role.startswith(prefix):
            return texts.text(key, lang, name=role[len(prefix):])
    return role


def run_facts(summary: Row, manifest: Row | None, lang: str = "en") -> RunFacts:
    window = summary.get("window") or {}
    samples = summary.get("samples")
    facts = RunFacts(
        seed=text(summary.get("seed")),
        samples=format_count(samples, lang) if as_float(samples) is not None else text(samples),
        sampling=text(summary.get("sampling")),
        window_start=text(window.get("start")),
        window_end=text(window.get("end")),
    )
    if not manifest:
        return facts
    packages = manifest.get("packages") or manifest.get("package_versions")
    if isinstance(packages, Mapping):
        package_text = ", ".join(f"{k} {v}" for k, v in packages.items())
    else:
        package_text = text(packages)
    return RunFacts(
        seed=facts.seed,
        samples=facts.samples,
        sampling=facts.sampling,
        window_start=facts.window_start,
        window_end=facts.window_end,
        scenario_file=text(manifest.get("scenario_file")),
        scenario_hash=text(manifest.get("scenario_hash")),
        code_version=text(manifest.get("code_version")),
        packages=package_text,
        started=text(manifest.get("started")),
        finished=text(manifest.get("finished")),
    )


def report_page(
    summary: Row,
    *,
    figures: Sequence[tuple[str, str | Path]],
    figures_used: Sequence[Row],
    sensitivity: Sequence[Row],
    manifest: Row | None = None,
    lang: str = "en",
) -> ReportPage:
    """The whole report as one typed object (see :func:`.render.render_report` for the inputs)."""
    name = text(summary.get("scenario", "scenario"))
    claimants = {text(f.get("id")): figure_words(text(f.get("id")), "claimant", lang, text(f.get("claimant")))
                 for f in figures_used if f.get("claimant")}
    # predictive checks (files ppc_*) are shown beside the calibration table, the rest under Figures
    checks = [f for f in figures if Path(f[1]).name.startswith(PREDICTIVE_CHECK_PREFIX)]
    others = [f for f in figures if not Path(f[1]).name.startswith(PREDICTIVE_CHECK_PREFIX)]
    chain = [f for f in others if Path(f[1]).name.startswith(LOGISTICS_FIGURE_PREFIX)]  # in their own section
    others = [f for f in others if not Path(f[1]).name.startswith(LOGISTICS_FIGURE_PREFIX)]
    mine = [f for f in others if is_analyst_figure(f[1])]  # shown in the analyst's sections (analyst_views)
    others = [f for f in others if not is_analyst_figure(f[1])]
    return ReportPage(
        name=name,
        description=question(name, summary.get("description") or "", lang),
        key_numbers=key_numbers(summary, lang),
        calibration=replace(calibration(summary, claimants, lang), figures=figure_rows(checks)),
        figures=figure_rows(others),
        drivers=drivers(summary, sensitivity, lang=lang),
        sources=tuple(_source(f, lang) for f in figures_used),
        facts=run_facts(summary, manifest, lang),
        logistics=logistics_section(summary, figure_rows(chain), lang),
        analyst=analyst_section(summary, figure_rows(mine), lang),
        alternatives=alternatives_section(summary, lang),
        lang=texts.check_lang(lang),
    )
