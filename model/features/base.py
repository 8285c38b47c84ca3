"""What an optional feature is to the pipeline: the points at which the run calls it.

A feature owns one folder (``model/features/<name>/``): its scenario section's spec (``spec.py``,
read by the schema), its computation, its block of the run summary with that block's JSON keys,
its figures and its report section; ``plugin.py`` wires them into one :class:`Feature`. The
pipeline calls, in order: ``compute`` after calibration (numbers, kept in ``RunResult.features``),
``summarise`` when the summary is built (the block kept in ``RunSummary.features``), ``to_json``
and ``from_json`` when ``summary.json`` is written and read, ``answers`` for the report's first
screen, ``figures`` when the charts are drawn and ``section`` when the report is written. Every
hook is optional. Registering a feature is one line in ``model/features/__init__.py``.

This module declares types only (it imports nothing of the package at run time), so every layer
may name them; the registry that loads the plugins sits on top (``model.features.registry``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ..analysis.outcome import RunResult
    from ..summary.types import RunSummary

__all__ = ["Feature", "ComputeContext", "Chart", "Section", "FigureContext", "SectionContext"]

Chart = tuple[str, str, "Figure"]  # (file stem, title, figure)


@dataclass(frozen=True)
class ComputeContext:
    """What a feature's computation may use besides the run: the seed, the executor's map, the run's
    own calibration under another structure (for alternatives) and what the draw left (``extra``:
    the stopping record of ``samples: auto``)."""

    seed: int
    map_blocks: Callable[..., Any]
    calibrate_under: Callable[[Any], Any] | None = None  # Structure -> (prior, calibrated, calibration)
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class FigureContext:
    """What a feature's charts may read: the summary (every number a chart shows comes from it), the
    run's arrays where it is at hand (None when a report is made again from ``summary.json``), and
    the caption every chart of the run ends with."""

    summary: RunSummary
    run: RunResult | None
    caption: Callable[..., str]  # caption(claimants=()) -> the run's caption line, in the charts' language
    lang: str
    every: bool = False  # every chart asked for (--figures all), not only those the report leads with


@dataclass(frozen=True)
class SectionContext:
    """What a feature's report section may read: the summary, its figures (``FigureRow`` objects of
    the charts it drew, by file stem) and the page's language."""

    summary: RunSummary
    figures: Mapping[str, Any]
    lang: str


@dataclass(frozen=True)
class Section:
    """A feature's section of the report: its anchor, heading and one-line answer (shown on the closed
    section), a Jinja template (path relative to ``model/``) and the typed view the template reads."""

    key: str
    heading: str
    template: str
    view: Any
    lead: str = ""  # one sentence: the section's answer, shown beside its heading while it is closed


@dataclass(frozen=True)
class Feature:
    """One optional feature's hooks (see the module docstring); a hook that is None is not called."""

    name: str
    applies: Callable[[Any], bool] = field(default=lambda scenario: False)  # scenario -> does it run
    compute: Callable[[RunResult, ComputeContext], Any] | None = None  # -> run.features[name]
    summarise: Callable[[RunResult], Any] | None = None  # -> the summary block, or None
    to_json: Callable[[Any], dict[str, Any]] | None = None  # block (None: the run has none) -> its keys
    from_json: Callable[[Mapping[str, Any]], Any] | None = None  # summary.json -> its block, or None
    answers: Callable[[RunSummary, Any, str], Sequence[Any]] | None = None  # -> words.answers.Answer rows
    figures: Callable[[FigureContext, Any], Iterator[Chart]] | None = None
    section: Callable[[SectionContext, Any], Section | None] | None = None
