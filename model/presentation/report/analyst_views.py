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

from ...core.catalogue import label as output_label
from ...inputs.schema import PARAMETER_INFO
from ..numbers import as_float, format_correlation, format_count, format_input, format_percent
from ..words import tradeoff_sentence
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


def _label(name: str) -> str:
    info = PARAMETER_INFO.get(name)
    return info.label if info is not None else name.replace("_", " ")


def _unit(name: str) -> str:
    info = PARAMETER_INFO.get(name)
    return info.unit if info is not None else ""


def _side(d: Row, lang: str) -> DiscoverySide:
    box = d.get("box") or {}
    limits: Mapping[str, Any] = box.get("limits") or {}
    without: Mapping[str, Any] = box.get("without") or {}
    given = [n for n in box.get("order") or [] if n in limits]
    order = given + [n for n in limits if n not in given]
    rows = []
    for name in order:
        low, high = (list(limits.get(name) or []) + [None, None])[:2]
        rows.append(BoxLimitRow(
            input=_label(name), name=name,
            low=format_input(low, _unit(name), lang) if low is not None else "–",
            high=format_input(high, _unit(name), lang) if high is not None else "–",
            without=format_percent((without.get(name) or {}).get("density"), lang)))
    rules = sorted(d.get("rules") or [], key=lambda r: -(as_float(r.get("density")) or 0.0))[:RULES_SHOWN]
    weights = text(d.get("weights"))
    return DiscoverySide(
        label={"calibrated": "Calibrated futures", "uncalibrated": "All futures (not calibrated)"}.get(
            weights, "Prior futures (before calibration)"),
        share=format_percent(d.get("share"), lang),
        sentence=text(d.get("sentence")),
        density=format_percent(box.get("density"), lang),
        coverage=format_percent(box.get("coverage"), lang),
        support=format_percent(box.get("support"), lang),
        limits=tuple(rows),
        rules=tuple(RuleRow(text(r.get("text")), format_percent(r.get("density"), lang),
                            format_percent(r.get("support"), lang)) for r in rules),
        boxes=format_count(len(d.get("boxes") or []), lang),
        futures=format_count(d.get("futures"), lang),
    )


def _discovery(summary: Row, figures: Sequence[FigureRow], lang: str) -> tuple[DiscoveryItem, ...]:
    items = []
    for name, d in (summary.get("discovery") or {}).items():
        if not isinstance(d, Mapping):
            continue
        sides = [_side(d, lang)]
        if isinstance(d.get("prior"), Mapping):
            sides.append(_side(d["prior"], lang))
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
        rows.append(CorrelationRow(_label(a), text(a), _label(b), text(b), format_correlation(p.get("target"), lang),
                                   format_correlation(p.get("achieved"), lang),
                                   format_correlation(cal, lang) if cal is not None else "", text(p.get("reason"))))
    method = ("Gaussian copula on the uniform design" if c.get("method") == "copula"
              else "Iman-Conover rearrangement of each block (each input's stratification kept exact)")
    return CorrelationsView(method, format_count(c.get("samples"), lang), calibrated, tuple(rows), text(c.get("note")))


def _quantile_label(key: str) -> str:
    return f"{key[1:]}th percentile" if key.startswith("p") else key


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
        cells = tuple(PrecisionCell("unbounded" if v is None else f"±{format_percent(v, lang)}",
                                    tol is not None and v is not None and v <= tol) for v in values)
        rows.append(PrecisionRow(output_label(metric), cells))
    checks = s.get("checks") or []
    return StoppingView(
        statement=text(s.get("statement")),
        samples=format_count(s.get("samples"), lang),
        reason="target met" if s.get("reason") == "target_met" else "maximum reached",
        target=(f"±{format_percent(tol, lang)} of the 90 % width at {format_percent(target.get('confidence'), lang)} "
                f"confidence, at most {format_count(target.get('max_samples'), lang)} samples"),
        confidence=format_percent(target.get("confidence"), lang),
        weights=text(s.get("weights")),
        headers=tuple(_quantile_label(k) for k in keys),
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
    return TradeoffsView(sentence, tuple(_label(n) for n in names), _figure(figures, "corner_inputs"))


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
