"""The report's sections for the analyst's questions, built from the summary's ``discovery``,
``correlations``, ``stopping`` and ``tradeoffs`` keys (``model.presentation.analyst_summary``).

Untyped input on purpose (``summary.json`` content: anything may be missing); out come frozen
view objects with every number already in words, read by ``templates/analyst.html.j2``. Charts
whose files start with :data:`ANALYST_FIGURE_PREFIXES` are shown in these sections, not under
Figures.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...inputs.priors import info_of
from .. import texts
from ..numbers import as_float, format_correlation, format_count, format_input, format_percent
from ..words import discovery_sentence, independence_note, limit_phrase, stopping_statement, tradeoff_sentence
from .common import text
from .views import FigureRow

__all__ = ["ANALYST_FIGURE_PREFIXES", "AnalystSection", "BoxLimitRow", "CorrelationRow", "CorrelationsView",
           "DiscoveryItem", "DiscoverySide", "PrecisionCell", "PrecisionRow", "RuleRow", "StoppingView",
           "TradeoffsView", "analyst_section", "is_analyst_figure"]

ANALYST_FIGURE_PREFIXES = ("discovery_", "convergence_stopping", "corner_inputs")
RULES_SHOWN = 4  # the densest leaves of the tree

Row = Mapping[str, Any]


@dataclass(frozen=True)
class BoxLimitRow:
    """One input the chosen box restricts; ``without``: the box's density with this limit dropped."""

    input: str
    name: str
    low: str
    high: str
    without: str


@dataclass(frozen=True)
class RuleRow:
    text: str
    density: str
    support: str


@dataclass(frozen=True)
class DiscoverySide:
    """One condition on one set of futures (calibrated or prior)."""

    label: str
    share: str
    sentence: str
    density: str
    coverage: str
    support: str
    limits: tuple[BoxLimitRow, ...]
    rules: tuple[RuleRow, ...]
    boxes: str  # length of the peeling trajectory
    futures: str


@dataclass(frozen=True)
class DiscoveryItem:
    name: str
    condition: str
    sides: tuple[DiscoverySide, ...]
    figure: FigureRow | None


@dataclass(frozen=True)
class CorrelationRow:
    a: str
    a_name: str
    b: str
    b_name: str
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
    figure: FigureRow | None


@dataclass(frozen=True)
class TradeoffsView:
    sentence: str
    inputs: tuple[str, ...]
    figure: FigureRow | None


@dataclass(frozen=True)
class AnalystSection:
    discovery: tuple[DiscoveryItem, ...]
    correlations: CorrelationsView | None
    stopping: StoppingView | None
    tradeoffs: TradeoffsView | None
    independence_note: str  # "" unless inputs move together


def is_analyst_figure(path: str | Path) -> bool:
    return Path(path).name.startswith(ANALYST_FIGURE_PREFIXES)


def _figure(figures: Sequence[FigureRow], stem: str) -> FigureRow | None:
    return next((f for f in figures if Path(f.filename).stem == stem), None)


def _label(name: str, lang: str = "en") -> str:
    info = info_of(name)
    return texts.parameter_label(name, lang) if info is not None else name.replace("_", " ")

SENTENCE_LIMITS = 3  # as model.presentation.analyst_summary: the box's limits named in its sentence


def _sentence(name: str, d: Row, order: Sequence[str], lang: str) -> str:
    """The discovery sentence: summary.json's own in English, made again from its numbers otherwise."""
    if lang == "en":
        return text(d.get("sentence"))
    box = d.get("box") or {}
    limits: Mapping[str, Any] = box.get("limits") or {}
    shown = [(n, *(list(limits.get(n) or []) + [None, None])[:2]) for n in order[:SENTENCE_LIMITS]]
    return discovery_sentence(name, text(d.get("condition")), shown, density=as_float(box.get("density")) or 0.0,
                              coverage=as_float(box.get("coverage")) or 0.0, share=as_float(d.get("share")) or 0.0,
                              more=max(0, len(order) - SENTENCE_LIMITS), lang=lang)


def _rule_text(r: Row, lang: str) -> str:
    if lang == "en":
        return text(r.get("text"))
    limits: Mapping[str, Any] = r.get("limits") or {}
    phrases = []
    for n, v in limits.items():
        low, high = (list(v or []) + [None, None])[:2]
        phrases.append(limit_phrase(n, as_float(low), as_float(high), lang))
    return "; ".join(phrases) or texts.text("analyst.all_futures", lang)


def _unit(name: str) -> str:
    info = info_of(name)
    return info.unit if info is not None else ""


def _side(d: Row, lang: str, condition_name: str = "") -> DiscoverySide:
    box = d.get("box") or {}
    limits: Mapping[str, Any] = box.get("limits") or {}
    without: Mapping[str, Any] = box.get("without") or {}
    given = [n for n in box.get("order") or [] if n in limits]
    order = given + [n for n in limits if n not in given]
    rows = []
    for name in order:
        low, high = (list(limits.get(name) or []) + [None, None])[:2]
        rows.append(BoxLimitRow(
            input=_label(name, lang), name=name,
            low=format_input(low, _unit(name), lang) if low is not None else "–",
            high=format_input(high, _unit(name), lang) if high is not None else "–",
            without=format_percent((without.get(name) or {}).get("density"), lang)))
    rules = sorted(d.get("rules") or [], key=lambda r: -(as_float(r.get("density")) or 0.0))[:RULES_SHOWN]
    weights = text(d.get("weights"))
    return DiscoverySide(
        label=texts.text({"calibrated": "analyst.side_calibrated", "uncalibrated": "analyst.side_uncalibrated"}.get(
            weights, "analyst.side_prior"), lang),
        share=format_percent(d.get("share"), lang),
        sentence=_sentence(condition_name, d, order, lang),
        density=format_percent(box.get("density"), lang),
        coverage=format_percent(box.get("coverage"), lang),
        support=format_percent(box.get("support"), lang),
        limits=tuple(rows),
        rules=tuple(RuleRow(_rule_text(r, lang), format_percent(r.get("density"), lang),
                            format_percent(r.get("support"), lang)) for r in rules),
        boxes=format_count(len(d.get("boxes") or []), lang),
        futures=format_count(d.get("futures"), lang),
    )


def _discovery(summary: Row, figures: Sequence[FigureRow], lang: str) -> tuple[DiscoveryItem, ...]:
    items = []
    for name, d in (summary.get("discovery") or {}).items():
        if not isinstance(d, Mapping):
            continue
        sides = [_side(d, lang, text(name))]
        if isinstance(d.get("prior"), Mapping):
            sides.append(_side(d["prior"], lang, text(name)))
        items.append(DiscoveryItem(text(name), text(d.get("condition")), tuple(sides),
                                   _figure(figures, f"discovery_{name}")))
    return tuple(items)


def _correlations(summary: Row, lang: str) -> CorrelationsView | None:
    c = summary.get("correlations")
    if not isinstance(c, Mapping):
        return None
    rows = []
    calibrated = False
    for p in c.get("pairs") or []:
        a, b = (list(p.get("params") or []) + ["", ""])[:2]
        cal = p.get("calibrated")
        calibrated = calibrated or cal is not None
        rows.append(CorrelationRow(_label(a, lang), text(a), _label(b, lang), text(b), format_correlation(p.get("target"), lang),
                                   format_correlation(p.get("achieved"), lang),
                                   format_correlation(cal, lang) if cal is not None else "", text(p.get("reason"))))
    method = texts.text("analyst.copula" if c.get("method") == "copula" else "analyst.iman_conover", lang)
    note = text(c.get("note")) if lang == "en" or not c.get("note") else independence_note(len(rows), lang)
    return CorrelationsView(method, format_count(c.get("samples"), lang), calibrated, tuple(rows), note)


def _quantile_label(key: str, lang: str = "en") -> str:
    return texts.text("analyst.percentile", lang, n=key[1:]) if key.startswith("p") else key


def _stopping(summary: Row, figures: Sequence[FigureRow], lang: str) -> StoppingView | None:
    s = summary.get("stopping")
    if not isinstance(s, Mapping):
        return None
    target = s.get("target") or {}
    tol = as_float(target.get("tolerance"))
    precision: Mapping[str, Any] = s.get("precision") or {}
    keys: list[str] = []
    for per in precision.values():
        keys += [k for k in (per or {}) if k not in keys]
    rows = []
    for metric, per in precision.items():
        values = [as_float((per or {}).get(k)) for k in keys]
        cells = tuple(PrecisionCell(texts.text("analyst.unbounded", lang) if v is None else f"±{format_percent(v, lang)}",
                                    tol is not None and v is not None and v <= tol) for v in values)
        rows.append(PrecisionRow(texts.label(metric, lang), cells))
    checks = s.get("checks") or []
    return StoppingView(
        statement=text(s.get("statement")) if lang == "en" else stopping_statement(s, lang),
        samples=format_count(s.get("samples"), lang),
        reason=texts.text("analyst.target_met" if s.get("reason") == "target_met" else "analyst.maximum", lang),
        target=texts.text("analyst.target_words", lang, tolerance=format_percent(tol, lang),
                          confidence=format_percent(target.get("confidence"), lang),
                          max=format_count(target.get("max_samples"), lang)),
        confidence=format_percent(target.get("confidence"), lang),
        weights=text(s.get("weights")) if lang == "en" else texts.text(
            "analyst.weights_equal" if s.get("weights") == "equal" else "analyst.weights_calibration", lang),
        headers=tuple(_quantile_label(k, lang) for k in keys),
        rows=tuple(rows),
        checkpoints=", ".join(format_count(c.get("samples"), lang) for c in checks if isinstance(c, Mapping)),
        figure=_figure(figures, "convergence_stopping"),
    )


def _tradeoffs(summary: Row, figures: Sequence[FigureRow], lang: str) -> TradeoffsView | None:
    t = summary.get("tradeoffs")
    if not isinstance(t, Mapping) or not t.get("inputs"):
        return None
    names = [text(n) for n in t.get("inputs") or []]
    sentence = tradeoff_sentence(names, t.get("narrowing") or [], t.get("prior_rank") or [],
                                 t.get("calibrated_rank") or [], lang)
    return TradeoffsView(sentence, tuple(_label(n, lang) for n in names), _figure(figures, "corner_inputs"))


def analyst_section(summary: Row, figures: Sequence[FigureRow], lang: str = "en") -> AnalystSection | None:
    """The sections above (None when the summary has none of their keys)."""
    discovery = _discovery(summary, figures, lang)
    correlations = _correlations(summary, lang)
    stopping = _stopping(summary, figures, lang)
    tradeoffs = _tradeoffs(summary, figures, lang)
    if not (discovery or correlations or stopping or tradeoffs):
        return None
    note = correlations.note if correlations is not None else ""
    return AnalystSection(discovery, correlations, stopping, tradeoffs, note)
