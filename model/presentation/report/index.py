"""The batch index as typed views: a row per scenario with its question, its window and its own
headline answers; the comparisons of what is comparable; the evidence of scenarios calibrated on
the same figures."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from ...features.base import Feature
from ...summary.types import RunSummary
from .. import texts
from ..numbers import format_count
from ..words import month_words
from .common import question
from .evidence import evidence_groups
from .page import scenario_answers
from .views import IndexAnswer, IndexGroup, IndexPage, IndexRow

__all__ = ["IndexEntry", "index_page", "report_href", "guide_href"]


@dataclass(frozen=True)
class IndexEntry:
    """One scenario of the index: how its run ended and its summary (None: failed, no earlier result)."""

    name: str
    status: str  # "ok", "failed"
    message: str = ""
    summary: RunSummary | None = None
    description: str = ""  # the scenario's question when there is no summary


def report_href(name: str, folder: str | Path | None) -> str:
    """``"<name>/report.html"`` when that file exists under ``folder``, else "" (never a dead link)."""
    if folder is None or not name or name in {".", ".."} or Path(name).name != name:
        return ""
    return f"{quote(name)}/report.html" if (Path(folder) / name / "report.html").is_file() else ""


def guide_href(folder: str | Path | None) -> str:
    """``"teaching/guide.html"`` when the lecturer's guide is in ``folder``, else ""."""
    return "teaching/guide.html" if folder is not None and (Path(folder) / "teaching" / "guide.html").is_file() else ""


def _row(e: IndexEntry, folder: str | Path | None, lang: str, features: Sequence[Feature]) -> IndexRow:
    s = e.summary
    if s is None:
        return IndexRow(e.name, report_href(e.name, folder), question(e.name, e.description or "–", lang), "",
                        e.status, e.message, ())
    answers = tuple(IndexAnswer(a.label, a.median, a.interval, a.never) for a in scenario_answers(s, features, lang))
    window = texts.text("report.window_range", lang, start=month_words(s.window[0], lang),
                        end=month_words(s.window[1], lang))
    return IndexRow(e.name, report_href(e.name, folder), question(e.name, s.description, lang), window, e.status,
                    e.message, answers)


def index_page(entries: Sequence[IndexEntry], *, groups: Sequence[IndexGroup] = (), generated: str = "",
               folder: str | Path | None = None, lang: str = "en", features: Sequence[Feature] = ()) -> IndexPage:
    """The batch overview as one typed object; ``features`` (``model.features.registry.features()``) add
    their answers to a card as to the report's first screen."""
    texts.check_lang(lang)
    evidence, notes = evidence_groups([e.summary for e in entries if e.summary is not None], lang)
    return IndexPage(tuple(_row(e, folder, lang, features) for e in entries), tuple(groups), generated,
                     format_count(len(entries), lang), evidence, notes, guide_href(folder), lang)
