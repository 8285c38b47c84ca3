"""What an optional feature is to the pipeline: the points at which the run calls it.

A feature owns one folder (``model/features/<name>/``): its scenario section's spec (``spec.py``,
read by the schema), its computation, its block of the run summary with that block's JSON keys,
its figures and its report section (``plugin.py`` wires them into a :class:`Feature`). The run
calls, in order: ``compute`` after calibration (numbers, kept in ``RunResult.features``),
``summarise`` when the summary is built, ``to_json``/``from_json`` when ``summary.json`` is written
and read, ``figures`` when the charts are drawn and ``section`` when the report is written.
Registering a feature is one line in ``model/features/__init__.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ..analysis.outcome import RunResult
    from ..inputs.registry import Registry
    from ..summary.types import RunSummary

__all__ = ["Feature", "ComputeContext", "Chart", "Section"]

Chart = tuple[str, str, "Figure"]  # (file stem, title, figure)


@dataclass(frozen=True)
class ComputeContext:
    """What a feature's computation may use besides the run: the seed, the executor's map and the
    run's own calibration under another structure (for alternatives)."""

    seed: int
    map_blocks: Callable[..., Any]
    calibrate_under: Callable[[Any], Any] | None = None  # Structure -> (prior, calibrated, calibration)
    extra: Mapping[str, Any] = field(default_factory=dict)  # what the draw left (the stopping record)


@dataclass(frozen=True)
class Section:
    """A feature's section of the report: its heading, a Jinja template (in the feature's folder) and
    the typed view the template reads, with the figures the section shows."""

    key: str  # the anchor and the name of the section
    heading: str
    template: str  # path of the template, relative to model/
    view: Any
    figures: tuple[Any, ...] = ()


@dataclass(frozen=True)
class Feature:
    """One optional feature's hooks (see the module docstring); a hook that is None is not called."""

    name: str
    applies: Callable[[Any], bool]  # scenario -> whether the feature runs for it
    summarise: Callable[[RunResult], Any]  # -> the feature's summary block, or None
    to_json: Callable[[Any], dict[str, Any]]  # block -> the keys it adds to summary.json
    from_json: Callable[[Mapping[str, Any]], Any]  # summary.json -> its block, or None
    compute: Callable[[RunResult, ComputeContext], Any] | None = None  # -> kept in run.features[name]
    figures: Callable[[RunSummary, Any, RunResult | None, str], Iterator[Chart]] | None = None
    section: Callable[[RunSummary, Any, Sequence[Any], str, Registry | None], Section | None] | None = None
    chart_prefixes: tuple[str, ...] = ()  # file stems of its figures start so (the report finds them by these)
