"""Discovery's report section: for each condition, the chosen box of input ranges in a sentence and a
table, and the tree's densest rules, on the calibrated futures and on the prior ones."""

from __future__ import annotations

from dataclasses import dataclass

from ...inputs.priors import info_of
from ...presentation import texts
from ...presentation.numbers import format_count, format_input, format_percent
from ..base import Section, SectionContext
from .codec import sentence_of
from .compute import ConditionFinding, DiscoveryOn
from .words import condition_words, limit_phrase

__all__ = ["BoxLimitRow", "RuleRow", "DiscoverySide", "DiscoveryItem", "DiscoveryView", "section"]

RULES_SHOWN = 4  # the densest leaves of the tree


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
    boxes: str
    futures: str


@dataclass(frozen=True)
class DiscoveryItem:
    name: str
    condition: str  # in words
    sides: tuple[DiscoverySide, ...]
    figure: object | None  # the chart's FigureRow


@dataclass(frozen=True)
class DiscoveryView:
    items: tuple[DiscoveryItem, ...]


def _label(name: str, lang: str) -> str:
    return texts.parameter_label(name, lang) if info_of(name) is not None else name.replace("_", " ")


def _unit(name: str) -> str:
    info = info_of(name)
    return info.unit if info is not None else ""


def _side(f: ConditionFinding, d: DiscoveryOn, key: str, lang: str) -> DiscoverySide:
    box = d.prim.box
    given = [n for n, _, _ in d.without if n in box.limits]
    order = given + [n for n in box.limits if n not in given]
    without = {n: density for n, density, _ in d.without}
    rows = tuple(BoxLimitRow(
        _label(n, lang), n,
        format_input(box.limits[n][0], _unit(n), lang) if box.limits[n][0] is not None else "–",
        format_input(box.limits[n][1], _unit(n), lang) if box.limits[n][1] is not None else "–",
        format_percent(without.get(n), lang)) for n in order)
    rules = sorted(d.rules, key=lambda r: -r.density)[:RULES_SHOWN]
    return DiscoverySide(
        texts.text(key, lang), format_percent(d.share, lang), sentence_of(f.name, f.condition, d, lang),
        format_percent(box.density, lang), format_percent(box.coverage, lang), format_percent(box.support, lang),
        rows, tuple(RuleRow("; ".join(limit_phrase(n, lo, hi, lang) for n, (lo, hi) in r.limits.items())
                            or texts.text("analyst.all_futures", lang),
                            format_percent(r.density, lang), format_percent(r.support, lang)) for r in rules),
        format_count(len(d.prim.boxes), lang), format_count(d.futures, lang))


def section(ctx: SectionContext, block: tuple[ConditionFinding, ...]) -> Section:
    lang = ctx.lang
    items = []
    for f in block:
        sides = [_side(f, f.calibrated, "analyst.side_calibrated", lang), _side(f, f.prior, "analyst.side_prior", lang)] \
            if f.calibrated is not None else [_side(f, f.prior, "analyst.side_uncalibrated", lang)]
        items.append(DiscoveryItem(f.name.replace("_", " "), condition_words(f.condition, lang), tuple(sides),
                                   ctx.figures.get(f"discovery_{f.name}")))
    lead = items[0].sides[0].sentence if items else ""
    return Section("discovery", texts.text("analyst.discovery_heading", lang), "features/discovery/section.html.j2",
                   DiscoveryView(tuple(items)), lead)
