"""Render the typed views through the Jinja2 templates (autoescaped, strict about names)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from .. import texts
from .build_index import index_page
from .build_report import report_page
from .views import IndexPage, ReportPage

__all__ = ["environment", "render_index", "render_index_page", "render_report", "render_report_page"]

PACKAGE_DIR = Path(__file__).resolve().parent
REPORT_TEMPLATE = "templates/report.html.j2"
INDEX_TEMPLATE = "templates/index.html.j2"


@cache
def environment() -> jinja2.Environment:
    """The one template environment.

    The loader's root is this package folder, so templates are ``templates/*.j2`` and the
    style sheet ``report.css`` can be included into the page as written. Autoescaping is on
    for every template (``.j2`` and ``.html`` explicitly, and by default), and a name a
    template reads that the view objects do not have is an error, not an empty string.
    """
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(PACKAGE_DIR),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "j2"), default_for_string=True, default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _words(lang: str) -> dict[str, Any]:
    """The templates' words in ``lang``: ``t(key, **fields)`` and ``tm(key, **fields)``, the catalogue's
    text with its fields escaped here. The catalogue's own words are template source like the words a
    template writes itself (copied as written: "Sobol' index", not "Sobol&#39; index"); ``tm`` marks the
    texts that hold our own markup (``<strong>``, ``<sub>``), ``t`` those that hold none."""
    texts.check_lang(lang)

    def tm(key: str, **fields: Any) -> Markup:
        return Markup(texts.text(key, lang, **{k: escape(v) for k, v in fields.items()}))  # noqa: S704

    return {"t": tm, "tm": tm, "lang": lang}


def render_report_page(page: ReportPage) -> str:
    return environment().get_template(REPORT_TEMPLATE).render(page=page, **_words(page.lang))


def render_index_page(page: IndexPage) -> str:
    return environment().get_template(INDEX_TEMPLATE).render(page=page, **_words(page.lang))


def render_report(
    summary: Mapping[str, Any],
    *,
    figures: Sequence[tuple[str, str | Path]],
    figures_used: Sequence[Mapping[str, Any]],
    sensitivity: Sequence[Mapping[str, Any]],
    manifest: Mapping[str, Any] | None = None,
    lang: str = "en",
) -> str:
    """One scenario's report as a single self-contained HTML document.

    Parameters
    ----------
    summary : mapping
        The scenario's ``summary.json`` content (see :mod:`model.presentation.summary`).
    figures : sequence of (caption, path)
        Image files (PNG) to embed, in order; an unreadable file shows a "figure missing" note.
    figures_used : sequence of mappings
        Article figures used by the scenario: ``id, value, unit, claimant, as_of, source, quote,
        note, reliability, role``.
    sensitivity : sequence of mappings
        Rows ``metric, parameter, S1, S1_low, S1_high, ST, ST_low, ST_high, swing,
        rank_correlation`` (values may be None).
    manifest : mapping, optional
        The run's manifest: ``scenario_file``, ``scenario_hash``, ``code_version``, ``packages``,
        ``started``, ``finished`` (shown in the footer).
    lang : str
        The page's language, ``"en"`` or ``"de"`` (words, numbers and ``<html lang>``).

    Returns
    -------
    str
        The HTML document (UTF-8 text, no external resources).
    """
    return render_report_page(
        report_page(summary, figures=figures, figures_used=figures_used, sensitivity=sensitivity, manifest=manifest,
                    lang=lang)
    )


def render_index(
    entries: Sequence[Mapping[str, Any]],
    *,
    figures: Sequence[tuple[str, str | Path]] = (),
    generated: str | None = None,
    folder: str | Path | None = None,
    lang: str = "en",
) -> str:
    """The batch overview: one row per scenario, linking to ``<name>/report.html``.

    Parameters
    ----------
    entries : sequence of mappings
        ``{name, status, message, summary}``; ``summary`` is the scenario's ``summary.json``
        content or None (a failed scenario without an earlier result).
    figures : sequence of (caption, path)
        Comparison figures to embed.
    generated : str, optional
        Timestamp shown in the footer.
    folder : path, optional
        The folder the index is written to. A scenario links to its report only when
        ``folder/<name>/report.html`` exists; without a folder nothing is linked.
    """
    return render_index_page(index_page(entries, figures=figures, generated=generated, folder=folder, lang=lang))
