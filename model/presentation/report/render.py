"""Render the typed views through the Jinja2 templates (autoescaped, strict about names)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from .. import texts
from .views import IndexPage, ReportPage

__all__ = ["environment", "render_index", "render_report", "MODEL_DIR"]

MODEL_DIR = Path(__file__).resolve().parents[2]  # the loader's root: model/
REPORT_TEMPLATE = "presentation/report/templates/report.html.j2"
INDEX_TEMPLATE = "presentation/report/templates/index.html.j2"


@cache
def environment() -> jinja2.Environment:
    """The one template environment.

    The loader's root is the package folder ``model/``, so the core templates
    (``presentation/report/templates/``) and each feature's section (``features/<name>/section.html.j2``)
    are found by their paths from there, and the style sheet is included into the page as written.
    Autoescaping is on for every template, and a name a template reads that the view objects do not
    have is an error, not an empty string.
    """
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(MODEL_DIR),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "j2"), default_for_string=True, default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _words(lang: str) -> dict[str, Any]:
    """The templates' words in ``lang``: ``t(key, **fields)`` and ``tm(key, **fields)``, the catalogue's
    text with its fields escaped here. The catalogue's own words are template source like the words a
    template writes itself (copied as written); ``tm`` marks the texts that hold our own markup
    (``<strong>``, ``<sub>``), ``t`` those that hold none."""
    texts.check_lang(lang)

    def tm(key: str, **fields: Any) -> Markup:
        return Markup(texts.text(key, lang, **{k: escape(v) for k, v in fields.items()}))  # noqa: S704

    return {"t": tm, "tm": tm, "lang": lang}


def render_report(page: ReportPage) -> str:
    """One scenario's report as a single self-contained HTML document (no external resources)."""
    return environment().get_template(REPORT_TEMPLATE).render(page=page, **_words(page.lang))


def render_index(page: IndexPage) -> str:
    """The batch overview as a single self-contained HTML document."""
    return environment().get_template(INDEX_TEMPLATE).render(page=page, **_words(page.lang))
