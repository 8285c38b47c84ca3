"""Every text a person reads, in English and German: one catalogue, ``texts.yaml`` beside this file.

``text(key, lang, **fields)`` returns one text: ``text("metric.nk_share_of_fired.label", "de")``
is ``"Nordkoreanischer Anteil an den verschossenen Granaten"``; fields fill ``{name}`` places
(numbers formatted by :mod:`model.presentation.numbers` first, in the same language).

Keys are dotted paths into ``texts.yaml``, whose leaves hold one text per language::

    metric:
      nk_share_of_fired:
        label: {en: North Korean share of fired shells, de: Nordkoreanischer Anteil an ...}

Sections: ``metric.<name>`` and ``trajectory.<name>`` (the output catalogue of
``model.core.catalogue``: ``description``, ``label``, ``short_label``, ``chart_title``,
``axis_label``, ``never``, where the catalogue has them), ``parameter.<name>`` (``label``,
``description`` of ``model.inputs.schema.PARAMETER_INFO``), ``figure.<id>`` (claimant, gloss of
article figures: the quotes themselves stay German and live in the registry), ``unit``,
``word``, ``month``, ``reliability``, ``scenario``, ``glossary``, ``guide``, ``explorer``,
``lesson1`` .. ``lesson5``, ``teach``, ``chart``; the run outputs (``python run.py --lang de``):
``page``, ``index``, ``report``, ``alternatives``, ``analyst``, ``chain`` (the report's and the
index's templates), ``sentence``, ``story`` (the sentences the report makes again from
``summary.json`` in another language), ``run``, ``runchart``, ``chartunit``, ``ppc``, ``lchart``,
``achart`` (the run charts) and ``scenario_question`` (the shipped scenarios' questions).

The English texts of the output and parameter sections are the catalogue's own (a test holds
them equal), so a page written in English today reads the same through :func:`label`,
:func:`header`, :func:`title` as through ``model.core.catalogue``; translating a page is
replacing ``catalogue.label(name)`` by ``texts.label(name, lang)``. :func:`problems` lists
every key that lacks a language and every catalogue text that has no key (``python -m
model.presentation.texts`` prints them).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["LANGS", "TEXTS_PATH", "text", "has", "keys", "check_lang", "label", "header", "title", "axis_label",
           "foreign_texts", "visible_text", "trajectory_text",
           "description", "never", "parameter_label", "parameter_description", "switch_label", "choice_words",
           "problems"]

LANGS: tuple[str, ...] = ("en", "de")
TEXTS_PATH = Path(__file__).resolve().with_name("texts.yaml")
_MAX_BYTES = 1024 * 1024
_FIELD = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_ABBREVIATION_END = re.compile(r"\b(Mio|Mrd|Tsd|Pp|Min)\.\.(?!\.)")


def check_lang(lang: str) -> str:
    """``lang`` if it is one of :data:`LANGS`, else a clear error."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; use one of: {', '.join(LANGS)}")
    return lang


def _flatten(data: Any, prefix: str, out: dict[str, dict[str, str]], bad: list[str]) -> None:
    if isinstance(data, dict) and data and all(k in LANGS for k in data):
        for lang, value in data.items():
            if not isinstance(value, str):
                bad.append(f"{prefix}.{lang}: must be text, got {type(value).__name__}")
        out[prefix] = {k: str(v) for k, v in data.items()}
        return
    if not isinstance(data, dict) or not data:
        bad.append(f"{prefix or '(top)'}: expected a mapping of keys or of languages ({', '.join(LANGS)})")
        return
    for key, value in data.items():
        _flatten(value, f"{prefix}.{key}" if prefix else str(key), out, bad)


@cache
def _catalogue(path: str = str(TEXTS_PATH)) -> dict[str, dict[str, str]]:
    from ..inputs.safe_yaml import load_yaml_file  # PyYAML only when a text is first asked for

    doc = load_yaml_file(path, max_bytes=_MAX_BYTES)
    out: dict[str, dict[str, str]] = {}
    bad: list[str] = []
    _flatten(doc.data, "", out, bad)
    if bad:
        raise ValueError(f"{path}: " + "; ".join(bad))
    return out


def keys(prefix: str = "") -> list[str]:
    """Every key (in file order) that starts with ``prefix``."""
    return [k for k in _catalogue() if k.startswith(prefix)]


def has(key: str) -> bool:
    return key in _catalogue()


def text(key: str, lang: str = "en", **fields: Any) -> str:
    """The text under ``key`` in ``lang`` with ``{field}`` places filled from ``fields``.

    Raises KeyError for an unknown key (naming the closest ones) and for a missing field;
    ValueError for an unknown language.
    """
    check_lang(lang)
    entry = _catalogue().get(key)
    if entry is None:
        close = difflib.get_close_matches(key, list(_catalogue()), n=3, cutoff=0.6)
        hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        raise KeyError(f"no text {key!r} in {TEXTS_PATH.name}{hint}")
    if lang not in entry:
        raise KeyError(f"text {key!r} has no {lang!r} version in {TEXTS_PATH.name}")
    value = entry[lang]
    if not fields and "{" not in value:
        return value
    try:
        filled = value.format(**fields)
    except KeyError as exc:
        raise KeyError(f"text {key!r} needs the field {exc.args[0]!r}") from None
    return _ABBREVIATION_END.sub(r"\1.", filled)  # "11,0 Mio." ending a sentence: one full stop


# ----------------------------------------------------------------------------------------------
# The output catalogue and the parameters, with the catalogue's fallbacks
# ----------------------------------------------------------------------------------------------


def _output_key(name: str, part: str) -> str | None:
    for section in ("metric", "trajectory"):  # a metric's words win, as in model.core.catalogue
        key = f"{section}.{name}.{part}"
        if has(key):
            return key
    return None


def trajectory_text(name: str, part: str, lang: str = "en") -> str:
    """A trajectory's own ``part`` (``description``, ``chart_title``, ``axis_label``, ...), "" where it
    has none: for a name that is a metric too (``nk_share_of_fired``), the trajectory's words, not the
    metric's."""
    key = f"trajectory.{name}.{part}"
    return text(key, lang) if has(key) else ""


def label(name: str, lang: str = "en") -> str:
    """An output's label (a table row); a readable fallback for an unknown name."""
    key = _output_key(name, "label")
    return text(key, lang) if key else name.replace("_", " ").capitalize()


def header(name: str, lang: str = "en") -> str:
    """An output's short label (a column header or a legend entry)."""
    key = _output_key(name, "short_label")
    return text(key, lang) if key else name.replace("_", " ")


def title(name: str, lang: str = "en") -> str:
    """An output's chart title, else its description (also the noun in a generated sentence)."""
    key = _output_key(name, "chart_title") or _output_key(name, "description")
    return text(key, lang) if key else name.replace("_", " ")


def axis_label(name: str, lang: str = "en") -> str:
    """The y axis of an output's fan chart; "" where the catalogue has none (the unit is used)."""
    key = _output_key(name, "axis_label")
    return text(key, lang) if key else ""


def description(name: str, lang: str = "en") -> str:
    key = _output_key(name, "description")
    return text(key, lang) if key else ""


def never(name: str, lang: str = "en") -> str:
    """What a missing value of the output means ("no shortage within the window"), or ""."""
    key = _output_key(name, "never")
    return text(key, lang) if key else ""


def parameter_label(name: str, lang: str = "en") -> str:
    """An input's short name: a parameter, a fire period's factor (``fire_factor_<period>``) or an uncertain
    structural switch (``structure_<switch>``)."""
    key = f"parameter.{name}.label"
    if has(key):
        return text(key, lang)
    if name.startswith("fire_factor_"):
        return text("fire_factor.label", lang, period=name.removeprefix("fire_factor_").replace("_", " "))
    if name.startswith("structure_") and has(f"switch.{name.removeprefix('structure_')}.label"):
        return text(f"switch.{name.removeprefix('structure_')}.label", lang)
    return name.replace("_", " ")


def switch_label(switch: str, lang: str = "en") -> str:
    """A structural switch in words ("how Russia fires")."""
    return text(f"switch.{switch}.label", lang)


def choice_words(switch: str, choice: str, lang: str = "en") -> str:
    """One choice of a structural switch in words ("holds a reserve, rations down to a floor")."""
    return text(f"switch.{switch}.{choice}", lang)


def parameter_description(name: str, lang: str = "en") -> str:
    key = f"parameter.{name}.description"
    return text(key, lang) if has(key) else ""


# ----------------------------------------------------------------------------------------------
# Completeness
# ----------------------------------------------------------------------------------------------

_OUTPUT_PARTS = ("description", "label", "short_label", "chart_title", "axis_label", "never")


def _catalogue_texts() -> Iterator[tuple[str, str]]:
    """(key, English text) of every text the output catalogue and the parameter table hold."""
    from ..core.catalogue import METRICS, TRAJECTORIES
    from ..inputs.schema import PARAMETER_INFO

    for section, entries in (("trajectory", TRAJECTORIES), ("metric", METRICS)):
        for name, entry in entries.items():
            for part in _OUTPUT_PARTS:
                value = getattr(entry, part, "")
                if value:
                    yield f"{section}.{name}.{part}", value
    for name, info in PARAMETER_INFO.items():
        yield f"parameter.{name}.label", info.label
        yield f"parameter.{name}.description", info.description


def problems() -> list[str]:
    """Everything wrong with the catalogue, one line each (empty when complete):

    a key without every language or with an empty text; a text whose ``{field}`` places differ
    between languages; a text of the output catalogue or the parameter table without a key, or
    whose English differs from it.
    """
    out = []
    cat = _catalogue()
    for key, entry in cat.items():
        missing = [lang for lang in LANGS if not entry.get(lang, "").strip()]
        if missing:
            out.append(f"{key}: no {' or '.join(missing)} text")
            continue
        places = {lang: sorted(set(_FIELD.findall(entry[lang]))) for lang in LANGS}
        if len({tuple(v) for v in places.values()}) > 1:
            out.append(f"{key}: the languages fill different fields: {places}")
    for key, english in _catalogue_texts():
        if key not in cat:
            out.append(f"{key}: in the catalogue ({english!r}) but not in {TEXTS_PATH.name}")
        elif cat[key].get("en") != english:
            out.append(f"{key}: English text {cat[key].get('en')!r} differs from the catalogue's {english!r}")
    return out


def _fragments(template: str) -> list[str]:
    """The literal pieces of a text between its ``{field}`` places and Markdown marks."""
    plain = re.sub(r"[*`#]", " ", template)
    return [" ".join(p.split()) for p in _FIELD.split(plain)[::2] if p.strip()]


@cache
def _foreign_fragments(lang: str) -> tuple[str, ...]:
    """Pieces of the other languages' texts (two words or more) that no ``lang`` text contains."""
    own = "\n".join(" ".join(re.sub(r"[*`#]", " ", e.get(lang, "")).split()) for e in _catalogue().values())
    found = set()
    for entry in _catalogue().values():
        for other, value in entry.items():
            if other == lang or value == entry.get(lang):
                continue
            for piece in _fragments(value):
                piece = piece.strip(" .,:;()–-\"'")
                if len(piece.split()) >= 2 and len(piece) >= 8 and piece not in own:
                    found.add(piece)
    return tuple(sorted(found, key=len, reverse=True))


def foreign_texts(page_text: str, lang: str) -> list[str]:
    """Catalogue texts of another language found in ``page_text`` (what a person reads on a
    ``lang`` page): a German page that still says "share of shells fired" is reported."""
    check_lang(lang)
    flat = " ".join(page_text.split())
    return [piece for piece in _foreign_fragments(lang) if piece in flat]


_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def visible_text(page: str, lang: str | None = None) -> str:
    """The text a person reads on an HTML page: no markup, styles or scripts. With ``lang``,
    parts marked as another language (``lang="de"`` on a quote, a glossary's second column)
    are left out too: they are meant to be in that language."""
    from html.parser import HTMLParser

    class _Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.parts: list[str] = []
            self.depth = 0  # open elements inside a skipped one (0: not skipping)

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag in _VOID:
                return
            marked = dict(attrs).get("lang")
            if self.depth:
                self.depth += 1
            elif tag in {"style", "script", "head"} or (lang and marked and marked != lang and tag != "html"):
                self.depth = 1

        def handle_endtag(self, tag: str) -> None:
            if self.depth and tag not in _VOID:
                self.depth -= 1

        def handle_data(self, data: str) -> None:
            if not self.depth:
                self.parts.append(data)

    parser = _Text()
    parser.feed(page)
    return " ".join(" ".join(parser.parts).split())


if __name__ == "__main__":  # python -m model.presentation.texts: what is missing
    found = problems()
    print("\n".join(found) if found else f"{TEXTS_PATH.name}: complete ({len(_catalogue())} texts in "
                                         f"{', '.join(LANGS)})")
    raise SystemExit(1 if found else 0)
