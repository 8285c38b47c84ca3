"""The report's side-by-side table of structural alternatives (firing policy, supply decline)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ...core.catalogue import KEY_METRICS
from ...presentation import texts
from ...presentation.numbers import format_median_interval, format_value

__all__ = ["AlternativeRow", "AlternativesSection", "alternatives_section"]

_WORDS = ("demand", "stock_target", "constant", "proportional")  # alternatives.<choice> in texts.yaml


def _choice(choice: Any, lang: str) -> str:
    return f"{choice}: {texts.text(f'alternatives.{choice}', lang) if choice in _WORDS else ''}"


@dataclass(frozen=True)
class AlternativeRow:
    name: str
    firing: str
    decline: str
    cells: tuple[str, ...]  # one per metric: "median (90 % interval)"
    evidence: str  # ln Z
    fit: str  # "5 of 5"


@dataclass(frozen=True)
class AlternativesSection:
    headers: tuple[str, ...]
    rows: tuple[AlternativeRow, ...]


def _cell(stats: Mapping[str, Any] | None, unit: str, lang: str) -> str:
    if not stats or stats.get("p5") is None:
        if stats and stats.get("share_never") is not None:
            return texts.text("alternatives.never_window", lang, share=format_value(stats["share_never"], "fraction", lang))
        return "–"
    text = format_median_interval(stats.get("p50"), stats.get("p5"), stats.get("p95"), unit, lang) \
        if stats.get("p50") is not None else texts.text("alternatives.or_more", lang, value=format_value(stats["p5"], unit, lang))
    never = stats.get("share_never")
    return text + (texts.text("alternatives.never_in", lang, share=format_value(never, "fraction", lang)) if never else "")


def alternatives_section(summary: Mapping[str, Any], lang: str = "en") -> AlternativesSection | None:
    """The scenario's structure and each alternative on the same samples, or None when there are none."""
    entries = summary.get("alternatives") or []
    if not entries:
        return None
    metrics = [m for m in KEY_METRICS if m in entries[0].get("metrics", {})]
    rows = []
    for e in entries:
        ch = e.get("choices", {})
        rows.append(AlternativeRow(
            name=texts.text("alternatives.as_scenario", lang) if e.get("name") == "scenario" else str(e.get("name")),
            firing=_choice(ch.get("firing"), lang),
            decline=_choice(ch.get("supply_decline"), lang),
            cells=tuple(_cell(e["metrics"].get(m), e["metrics"].get(m, {}).get("unit", ""), lang) for m in metrics),
            evidence="–" if e.get("log_evidence") is None else format_value(e["log_evidence"], "", lang),
            fit=texts.text("alternatives.of", lang, fit=e.get("observations_fit", 0), total=e.get("observations", 0)),
        ))
    return AlternativesSection(tuple(texts.label(m, lang) for m in metrics), tuple(rows))
