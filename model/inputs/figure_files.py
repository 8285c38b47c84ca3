"""Figure files: figures from reports after the seed articles, added by a scenario.

A scenario may list extra figure files under ``figure_files:`` (paths relative to the
scenario file). Each is a YAML file in the registry's format, ``figures:`` and a list::

    figures:
      - id: my_deliveries_2025          # must not clash with the registry or another file
        value: 5000000
        unit: shells
        as_of: "2025-03"
        claimant: Who estimated it, as reported by whom
        source: {publisher: "...", title: "...", published: 2025-04-01,
                 url: "https://...", accessed: 2026-11-30}
        quote: "the sentence in its original language"
        translation: "the sentence in English"
        reliability: low
        reliability_reason: "..."
        used_as: observation

Rules (see :class:`model.inputs.registry.Figure` for every field):

- ``source`` is a mapping for a later report; ``translation`` is then required (``note``,
  the gloss, is optional). A figure may also name a seed file as its ``source`` (a
  sentence of the five articles the registry does not hold yet): then ``note`` is required
  as in the registry, and its quote must stand verbatim in that seed article (checked like
  ``../shared/tools/check_quotes.py`` does, when the seed articles are in ``../shared/seeds``
  beside the project).
- ids are new: a clash with the shipped registry, another figure file or the same file is
  refused.
- With ``extends``, a child's figure files add to its parent's (a file listed by both is
  read once); files are read parent first.

Every mistake is reported as ``FILE:LINE: FIELD: message`` with the figure file's own
line, all at once, like a scenario's.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .problems import Problem, YamlProblems, did_you_mean, dotted_path, shorten
from .registry import Figure, Registry, Source
from .safe_yaml import (
    MAX_FILE_BYTES,
    TOP_LEVEL_MESSAGES,
    YamlDocument,
    file_problem,
    load_yaml_file,
    resolved_path,
)

__all__ = ["FigureFile", "FIGURE_FILE_SUFFIXES", "SEEDS_DIR", "figure_provenance", "load_figure_files",
           "normalise_quote", "registry_with_files"]

#: A figure file is YAML text named so; anything else a scenario names is refused unread.
FIGURE_FILE_SUFFIXES = (".yaml", ".yml")

#: Where the seed articles are, when the project sits beside ``shared/`` (as in development and CI).
SEEDS_DIR: Path = Path(__file__).resolve().parents[3] / "shared" / "seeds"

_FIGURE_KEYS = tuple(Figure.model_fields)
_SOURCE_KEYS = tuple(Source.model_fields)


@dataclass(frozen=True)
class FigureFile:
    """A figure file to read, and where a scenario named it (for 'no such file')."""

    path: Path
    named_in: str  # the scenario file
    line: int | None
    field: str  # e.g. "figure_files[0]"


def normalise_quote(text: str) -> str:
    """The same normalisation as ``check_quotes.py``: quote marks, dashes and whitespace."""
    text = re.sub(r"[\u201c\u201d\u201e\u00ab\u00bb\"]", '"', text)
    text = re.sub(r"[\u2018\u2019\u201a']", "'", text)
    text = text.replace("\u2013", "-").replace("\u2014", "-")
    return re.sub(r"\s+", " ", text).strip()


def _field_of(loc: tuple, message: str, entry: dict) -> tuple:
    """The YAML path of a pydantic error inside one figure (``source``'s union tag removed)."""
    if _branch(loc) is not None:
        loc = ("source",) + loc[2:]
    if loc == ("source",) and "published (" in message:
        return ("source", "published")
    if loc:
        return loc
    # a check on the whole figure: point at the field it is about
    if "needs a translation" in message:
        return ("translation",)
    if "needs a note" in message:
        return ("note",)
    for name in ("value", "low", "high"):
        if name in entry:
            return (name,)
    return ()


def _branch(loc: tuple) -> str | None:
    """``"Source"`` or ``"str"`` when ``loc`` runs through a branch of ``source: str | Source``."""
    if len(loc) > 1 and loc[0] == "source" and isinstance(loc[1], str) and loc[1] not in _SOURCE_KEYS:
        return "Source" if "Source" in loc[1] else "str"
    return None


def _keep(loc: tuple, entry: dict) -> bool:
    """Of the two branches of ``source: str | Source``, keep the errors of the one written."""
    branch = _branch(loc)
    return branch is None or (branch == "Source") == isinstance(entry.get("source"), dict)


def _message(err: Any) -> str:
    kind = err["type"]
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "required field is missing"
    msg = str(err["msg"])
    msg = msg.removeprefix("Value error, ")
    if kind == "literal_error":
        return f"'{err.get('input')}' is not allowed: {msg[0].lower() + msg[1:]}"
    return msg[0].lower() + msg[1:] if msg else kind


def _figure_problems(doc: YamlDocument, index: int, entry: dict, err: ValidationError) -> list[Problem]:
    out = []
    seen: set[tuple[tuple, str]] = set()
    for e in err.errors(include_url=False):
        raw = tuple(e["loc"])
        if not _keep(raw, entry):
            continue
        message = _message(e)
        if e["type"] == "extra_forbidden":
            word = str(raw[-1])
            options = _FIGURE_KEYS if len(raw) == 1 else _SOURCE_KEYS
            message += did_you_mean(word, options, otherwise=f"; valid keys here: {', '.join(options)}")
        loc = _field_of(raw, message, entry)
        key = (loc, message)
        if key in seen:
            continue
        seen.add(key)
        path = ("figures", index) + loc
        out.append(Problem(doc.path, doc.line_of(path), dotted_path(path), message))
    return out


def _seed_texts(seeds_dir: Path | None) -> dict[str, str] | None:
    if seeds_dir is None or not seeds_dir.is_dir():
        return None
    return {p.name: normalise_quote(p.read_text(encoding="utf-8")) for p in sorted(seeds_dir.glob("*.txt"))}


def load_figure_files(files: Sequence[FigureFile], registry: Registry, *,
                      seeds_dir: Path | None = SEEDS_DIR) -> tuple[Registry, list[Problem]]:
    """Read and check figure files; return the registry with their figures added and every problem.

    Parameters
    ----------
    files
        The files in the order they are read (parent scenario's first).
    registry
        The shipped registry (its ids are taken; its seed file names are the valid seed sources).
    seeds_dir
        Folder of the seed articles for the verbatim check of figures that name a seed file
        (skipped when the folder is not there).

    Returns
    -------
    (registry, problems)
        The registry holds the figures that passed their checks (so that a scenario's own checks
        can still run); the scenario is invalid when ``problems`` is not empty.
    """
    problems: list[Problem] = []
    figures: dict[str, Figure] = {}
    origin: dict[str, Path] = {}
    where: dict[str, str] = {}  # id -> "file:line" of its first definition
    seeds = {f.source for f in registry if isinstance(f.source, str)}
    texts = None
    for ff in files:
        why = file_problem(ff.path, kind="figure file", suffixes=FIGURE_FILE_SUFFIXES, max_bytes=MAX_FILE_BYTES)
        if why is not None:  # reported at the scenario's line that names it; nothing of it is read or shown
            message = (f"no such figure file: {shorten(str(ff.path))} (paths are relative to the scenario file)"
                       if why == "no such figure file" else f"{shorten(str(ff.path))}: {why}")
            problems.append(Problem(ff.named_in, ff.line, ff.field, message))
            continue
        try:  # a file that is not figure YAML may be anything readable: no message repeats its content
            doc = load_yaml_file(ff.path, kind="figure file", quote_content=False)
        except YamlProblems as exc:
            problems.extend(exc.problems)
            continue
        data = doc.data
        if "figures" not in data:
            problems.append(Problem(doc.path, 1, "", TOP_LEVEL_MESSAGES["figure file"]))
            continue
        for key in data:
            if key != "figures":
                problems.append(Problem(doc.path, doc.line_of((key,)), key,
                                        "unknown key; a figure file holds one key, figures:, with a list of figures"))
        entries = data.get("figures")
        if not isinstance(entries, list) or not entries:
            problems.append(Problem(doc.path, doc.line_of(("figures",)) or 1, "figures",
                                    "expected a list of figures under figures: (see model/figures.yaml)"))
            continue
        for i, entry in enumerate(entries):
            path = ("figures", i)
            if not isinstance(entry, dict):
                problems.append(Problem(doc.path, doc.line_of(path), dotted_path(path),
                                        "each figure is a mapping of keys (id:, value:, unit:, ...)"))
                continue
            fid = entry.get("id")
            if isinstance(fid, str):
                line = doc.line_of(path + ("id",))
                if fid in registry:
                    problems.append(Problem(doc.path, line, dotted_path(path + ("id",)),
                                            f"'{fid}' is already a figure of the shipped registry "
                                            "(model/figures.yaml); give this figure a new id"))
                    continue
                if fid in where:
                    problems.append(Problem(doc.path, line, dotted_path(path + ("id",)),
                                            f"'{fid}' is defined twice (first at {where[fid]}); ids must be unique"))
                    continue
                where[fid] = f"{doc.path}:{line}"
            try:
                figure = Figure.model_validate(entry)
            except ValidationError as err:
                problems.extend(_figure_problems(doc, i, entry, err))
                continue
            if isinstance(figure.source, str):
                if figure.source not in seeds:
                    problems.append(Problem(
                        doc.path, doc.line_of(path + ("source",)), dotted_path(path + ("source",)),
                        f"'{figure.source}' is not a seed article ({', '.join(sorted(seeds))}); a later report's "
                        "source is a mapping: {publisher, title, published, url, accessed}"))
                    continue
                if texts is None:
                    texts = _seed_texts(seeds_dir) or {}
                if texts and figure.source in texts and normalise_quote(figure.quote) not in texts[figure.source]:
                    problems.append(Problem(doc.path, doc.line_of(path + ("quote",)), dotted_path(path + ("quote",)),
                                            f"not found verbatim in the seed article {figure.source}"))
                    continue
            figures[figure.id] = figure
            origin[figure.id] = ff.path
    return registry.with_figures(figures, origin), problems


def figure_provenance(figure: Figure, registry: Registry) -> dict[str, str]:
    """Where a figure comes from, as plain fields for tables: ``origin`` ("seed article" or the
    figure file), and for a later report its ``publisher``, ``title``, ``published``, ``url``,
    ``accessed`` and ``translation``."""
    if isinstance(figure.source, str):
        return {"origin": "seed article"}
    src = figure.source
    file = registry.files.get(figure.id)
    return {"origin": str(file) if file is not None else "figure file", "publisher": src.publisher,
            "title": src.title, "published": src.published, "url": src.url, "accessed": src.accessed,
            "translation": figure.translation or ""}


def registry_with_files(paths: Sequence[str | Path], registry: Registry) -> Registry:
    """``registry`` plus the figures of ``paths`` (a resolved scenario's ``figure_files``, absolute).

    For callers that hold a :class:`~model.inputs.schema.Scenario` but not the registry its
    loading built; figures already in ``registry`` are not read again.

    Raises
    ------
    YamlProblems
        With every problem, when a file is missing or invalid.
    """
    files = [FigureFile(Path(p), "figure_files", None, f"figure_files[{k}]") for k, p in enumerate(paths)
             if resolved_path(p) not in {resolved_path(f) for f in registry.files.values()}]
    if not files:
        return registry
    merged, problems = load_figure_files(files, registry)
    if problems:
        raise YamlProblems(problems)
    return merged
