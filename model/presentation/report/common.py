"""Pieces both pages build: plain texts, identifiers, model estimates and embedded figures."""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Any

from .. import texts
from ..numbers import format_bare_interval, format_percent, format_value, interval_ends, style
from .views import Estimate, FigureRow, Ident, Piece

__all__ = ["text", "question", "reported_value", "ident", "pieces", "estimate", "never_words", "figure_row",
           "NOWRAP_CHARS"]

NOWRAP_CHARS = 18  # a range end up to this long (with its unit) never breaks over two lines

_MIME = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".svg": "image/svg+xml",
    ".gif": "image/gif",
    ".webp": "image/webp",
}


def text(x: Any) -> str:
    """Any value as plain text (None -> "")."""
    return "" if x is None else str(x)


def ident(name: Any) -> Ident:
    """An identifier that may wrap after its underscores."""
    s = text(name)
    return Ident(s, tuple(s.split("_")))


def pieces(interval: str, lang: str = "en") -> tuple[Piece, ...]:
    """A range split where it may break: ``"796,000 – 3.0 million"`` may wrap after the dash
    but never inside ``3.0 million``; a long phrase ("not within the window") wraps normally."""
    return tuple(Piece(end + joiner, len(end) <= NOWRAP_CHARS) for end, joiner in interval_ends(interval, lang))


def question(name: Any, description: Any, lang: str = "en") -> str:
    """A scenario's question (its ``description``) in ``lang``: a shipped scenario's, from the catalogue
    (``scenario_question.<name>``), while its file still says the catalogue's English; else as written."""
    words, key = text(description), f"scenario_question.{text(name)}"
    if lang != "en" and texts.has(key) and texts.text(key, "en") == words:
        return texts.text(key, lang)
    return words


_PLAIN_NUMBER = re.compile(r"[≤≥ ]*[0-9][0-9.,]*( ?– ?[0-9][0-9.,]*)?")  # "23,000,000,000", "≥ 20,000", "200–900"


def reported_value(value: Any, lang: str = "en") -> str:
    """A reported figure's value as the registry writes it (``"23,000,000,000"``, ``"0.4"``), its
    separators in ``lang``'s style when it is a plain number; other text as written."""
    words = text(value)
    if lang == "en" or not _PLAIN_NUMBER.fullmatch(words):
        return words
    s = style(lang)
    return words.replace(",", "\0").replace(".", s.decimal).replace("\0", s.group)


def never_words(metric: str, share_never: float, lang: str = "en") -> str:
    """``"no shortage within the window in 23 % of samples"``."""
    words = texts.never(metric, lang) or texts.text("page.not_reached", lang)
    return texts.text("page.never_in", lang, never=words, share=format_percent(share_never, lang))


def estimate(stats: Any, unit: str, metric: str = "", lang: str = "en") -> Estimate:
    """The median, the bare 90 % interval below it and, for metrics that may not happen within the
    window, how often they do not (``stats``: a :class:`model.summary.types.Stats`, or None)."""
    if stats is None:
        return Estimate(available=False)
    return Estimate(
        available=True,
        value=format_value(stats.p50, unit, lang),
        interval=pieces(format_bare_interval(stats.p5, stats.p95, unit, lang), lang),
        never=never_words(metric, stats.share_never, lang) if stats.share_never is not None else "",
    )


def figure_row(caption: str, path: str | Path) -> FigureRow:
    """One figure embedded as a ``data:`` URI; an unreadable or empty file has no URI."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError:
        data = b""
    if not data:
        return FigureRow(caption=text(caption), filename=p.name, data_uri="")
    mime = _MIME.get(p.suffix.lower(), "image/png")
    return FigureRow(
        caption=text(caption), filename=p.name, data_uri=f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
    )
