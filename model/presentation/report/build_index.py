"""The batch index's view objects, built from what ``render_index`` receives."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ...core.catalogue import INDEX_METRICS
from .. import texts
from ..numbers import format_count
from .common import estimate, figure_rows, question, text, unit_of
from .evidence import evidence_groups
from .views import IndexPage, IndexRow

__all__ = ["index_page", "report_href"]


def report_href(name: str, folder: str | Path | None) -> str:
    """``"<name>/report.html"`` when that file exists under ``folder``, else "".

    Without a folder nothing can be checked, so nothing is linked: the index never points
    at a report that is not there. ``name`` must be one plain folder name.
    """
    if folder is None or not name or name in {".", ".."} or Path(name).name != name:
        return ""
    return f"{quote(name)}/report.html" if (Path(folder) / name / "report.html").is_file() else ""


def _row(entry: Mapping[str, Any], present: Sequence[str], folder: str | Path | None, lang: str) -> IndexRow:
    name = text(entry.get("name", ""))
    summary: Mapping[str, Any] = entry.get("summary") or {}
    metrics: Mapping[str, Any] = summary.get("metrics") or {}
    return IndexRow(
        name=name,
        href=report_href(name, folder),
        question=question(name, summary.get("description") or entry.get("description") or "–", lang),
        status=text(entry.get("status") or ""),
        message=text(entry.get("message") or ""),
        cells=tuple(estimate(metrics.get(m), unit_of(m, metrics.get(m)), m, lang) for m in present),
    )


def index_page(
    entries: Sequence[Mapping[str, Any]],
    *,
    figures: Sequence[tuple[str, str | Path]] = (),
    generated: str | None = None,
    folder: str | Path | None = None,
    lang: str = "en",
) -> IndexPage:
    """The batch overview as one typed object (see :func:`.render.render_index` for the inputs)."""
    present = [m for m in INDEX_METRICS if any(m in ((e.get("summary") or {}).get("metrics") or {}) for e in entries)]
    evidence, evidence_notes = evidence_groups([e["summary"] for e in entries if e.get("summary")], lang)
    return IndexPage(
        headers=tuple(texts.header(m, lang) for m in present),
        rows=tuple(_row(e, present, folder, lang) for e in entries),
        figures=figure_rows(figures),
        generated=text(generated),
        scenario_count=format_count(len(entries), lang),
        evidence=evidence,
        evidence_notes=evidence_notes,
        guide_href=guide_href(folder),
        lang=texts.check_lang(lang),
    )


def guide_href(folder: str | Path | None) -> str:
    """``"teaching/guide.html"`` when the lecturer's guide is in ``folder``, else "" (never a dead link)."""
    return "teaching/guide.html" if folder is not None and (Path(folder) / "teaching" / "guide.html").is_file() else ""
