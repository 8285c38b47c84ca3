"""The report's sources table (the article figures a scenario uses, each a claim) and its footer."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ...summary.types import RunSummary
from .. import texts
from ..numbers import format_count, unit_words
from ..words import month_words
from .common import ident, reported_value
from .views import RunFacts, SourceRow

__all__ = ["source_row", "run_facts", "figure_words"]


def figure_words(fid: str, part: str, lang: str, english: str) -> str:
    """An article figure's claimant, gloss or reliability reason in ``lang`` from the catalogue
    (``figure.<id>.<part>``); ``english`` (the registry's) where the catalogue has none."""
    key = f"figure.{fid}.{part}"
    return texts.text(key, lang) if lang != "en" and english and texts.has(key) else english


def _role(role: str, lang: str) -> str:
    """``"input to nk_stockpile"`` (as the batch writes it), in words in ``lang``."""
    for prefix, key in (("input to ", "report.role_input"), ("observation of ", "report.role_observation")):
        if role.startswith(prefix):
            name = role[len(prefix):]
            label = texts.parameter_label(name, lang) if prefix == "input to " else (
                texts.trajectory_text(name, "description", lang) or name)
            return texts.text(key, lang, name=label)
    return role


def source_row(f: Mapping[str, Any], lang: str) -> SourceRow:
    """One row of ``model.storage.scenario_files.figures_used``, in words."""
    fid = str(f["id"])
    grade, sep, reason = str(f.get("reliability") or "").partition(":")
    grade = grade.strip()
    if texts.has(f"reliability.{grade}"):
        grade = texts.text(f"reliability.{grade}", lang)
    unit = f.get("unit")
    return SourceRow(
        figure=ident(fid),
        role=_role(str(f.get("role") or ""), lang),
        value=reported_value(f.get("value"), lang),
        unit=(texts.text(f"chartunit.{unit}", lang) if lang != "en" and texts.has(f"chartunit.{unit}")
              else unit_words(str(unit), lang)) if unit else "",
        claimant=figure_words(fid, "claimant", lang, str(f.get("claimant") or "")),
        as_of=str(f.get("as_of") or ""),
        source=str(f.get("source") or ""),
        quote=str(f.get("quote") or ""),
        gloss=figure_words(fid, "gloss", lang, str(f.get("note") or "")),
        grade=grade,
        grade_reason=figure_words(fid, "reliability_reason", lang, reason.strip()) if sep else "",
        translation=str(f.get("translation") or ""),
        url=str(f.get("url") or ""),
        published=str(f.get("published") or ""),
        accessed=str(f.get("accessed") or ""),
        figure_file=Path(str(f.get("origin"))).name if f.get("url") else "",
        gloss_lang="en" if lang == "en" or not texts.has(f"figure.{fid}.gloss") else lang,
        reason_lang=lang if lang == "en" or texts.has(f"figure.{fid}.reliability_reason") else "en",
    )


def run_facts(s: RunSummary, manifest: Mapping[str, Any] | None, lang: str = "en") -> RunFacts:
    """How the numbers were made: from the summary, and the run's manifest where there is one."""
    window = texts.text("report.window_range", lang, start=month_words(s.window[0], lang),
                        end=month_words(s.window[1], lang))
    m = manifest or {}
    packages = m.get("packages")
    return RunFacts(
        seed=str(s.seed), samples=format_count(s.samples, lang), sampling=s.sampling, window=window,
        scenario_file=str(m.get("scenario_file") or ""), scenario_hash=str(m.get("scenario_hash") or ""),
        code_version=str(m.get("code_version") or ""),
        packages=", ".join(f"{k} {v}" for k, v in packages.items()) if isinstance(packages, Mapping) else "",
        started=str(m.get("started") or ""), finished=str(m.get("finished") or ""))
