"""The language the run charts are drawn in, and their words from the text catalogue.

Chart functions read their fixed words (legend entries, axis labels) through :func:`w` and their
numbers through :func:`..style.format_number`, both in the language of :func:`language`'s block
(English outside any block). The callers that choose the charts (:mod:`.for_run`) draw each chart
inside ``with language(lang):``; tick formatters remember the language they were made in, since
they run when the figure is saved, after the block.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from .. import texts

__all__ = ["language", "current", "w", "wt", "unit", "fit_label"]

_LANG: ContextVar[str] = ContextVar("chart_language", default="en")


@contextmanager
def language(lang: str) -> Iterator[None]:
    """Draw the charts made inside this block in ``lang``."""
    token = _LANG.set(texts.check_lang(lang))
    try:
        yield
    finally:
        _LANG.reset(token)


def current() -> str:
    return _LANG.get()


def w(key: str, **fields: Any) -> str:
    """The chart text ``runchart.<key>`` in the current language."""
    return texts.text(f"runchart.{key}", _LANG.get(), **fields)


def unit(name: str) -> str:
    """A catalogue unit (``shells/month``) as an axis shows it, in the current language."""
    key = f"chartunit.{name}"
    return texts.text(key, _LANG.get()) if texts.has(key) else name


def wt(key: str, **fields: Any) -> str:
    """Any catalogue text (``section.key``) in the current language."""
    return texts.text(key, _LANG.get(), **fields)


def fit_label(label: str, width: int = 36) -> str:
    """A long vertical axis label on two lines in another language (German words run longer than the
    panel is high); English labels as written."""
    import textwrap

    if _LANG.get() == "en" or len(label) <= width:
        return label
    return "\n".join(textwrap.wrap(label, width=(len(label) + 1) // 2 + 6))
