"""Typed view objects: everything the report and index templates read, already in words.

The templates read only attributes of these frozen dataclasses; every number in them is already
formatted (:mod:`model.presentation.numbers`), every sentence written (:mod:`model.presentation.words`),
every text plain (the templates escape it). Empty strings and tuples mean "nothing to show";
``StrictUndefined`` turns a misspelt name into an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = [
    "Piece", "Ident", "Estimate", "FigureRow", "AnswerCard", "FirstScreen", "Details", "ObservationRow",
    "CalibrationView", "DriverRow", "MetricDetail", "StructureRow", "StructuresView", "CandidateRow",
    "ValueView", "DriversView", "MechanismsView", "MetricRow", "NumbersView", "SourceRow", "RunFacts",
    "ReportPage", "IndexAnswer", "IndexRow", "IndexGroup", "IndexPage",
]


@dataclass(frozen=True)
class Piece:
    """A piece of a range; ``nowrap`` keeps a short end with its unit on one line."""

    text: str
    nowrap: bool


@dataclass(frozen=True)
class Ident:
    """An identifier (``nk_shells_delivered_2024``) that may wrap after its underscores."""

    name: str
    parts: tuple[str, ...]


@dataclass(frozen=True)
class Estimate:
    """A model median with its bare 90 % interval below it (a table cell); ``available`` False: "–"."""

    available: bool
    value: str = ""
    interval: tuple[Piece, ...] = ()
    never: str = ""


@dataclass(frozen=True)
class FigureRow:
    """An embedded figure; ``data_uri`` is "" when the file could not be read."""

    caption: str
    filename: str
    data_uri: str


@dataclass(frozen=True)
class AnswerCard:
    """One headline answer on the first screen (see :class:`model.presentation.words.answers.Answer`)."""

    label: str
    median: str
    interval: str
    never: str
    definition: str
    depends: str
    caveat: str
    before: str


@dataclass(frozen=True)
class FirstScreen:
    """The answer to the scenario's question: what the numbers rest on, each headline answer, the story."""

    basis: str  # "Calibrated on 5 reported figures ... window Sep 2023 to Aug 2026"
    answers: tuple[AnswerCard, ...]
    story: FigureRow | None  # the reported figures against the projection
    warning: str  # "" unless the calibrated numbers rest on few effective futures


@dataclass(frozen=True)
class Details:
    """A section a reader opens: its heading, its answer in one line (shown while closed), its template
    (path relative to ``model/``) and the view that template reads."""

    key: str
    heading: str
    lead: str
    template: str
    view: Any


@dataclass(frozen=True)
class ObservationRow:
    """One reported figure as the claim it is, and how the model meets it."""

    figure: Ident
    claimant: str
    output: str  # which model output, in words
    month: str
    claim: str  # the reported value as the claim it is: "at most about 3.5 M, counted from transport images"
    allowed: str  # what the model may show for it: "2.8–4.4 million"
    prior: Estimate
    posterior: Estimate
    fits: str  # "yes" / "no" in words
    fits_css: str
    in_tension: str
    in_tension_css: str


@dataclass(frozen=True)
class CalibrationView:
    calibrated: bool
    statement: str  # how the futures were calibrated, with the effective sample size
    observations: tuple[ObservationRow, ...]
    findings: tuple[str, ...]
    conflicts: tuple[str, ...]
    series: tuple[str, ...]
    figures: tuple[FigureRow, ...]  # predictive checks (--figures all)


@dataclass(frozen=True)
class DriverRow:
    input: str
    total: str  # total Sobol index with its interval, "" without
    first: str
    swing: str
    rank: str


@dataclass(frozen=True)
class MetricDetail:
    """One headline answer in detail: what drives it, its distribution and its charts."""

    label: str
    statement: str
    rows: tuple[DriverRow, ...]
    not_shown: str  # how many further inputs there are, "" when all are shown
    figures: tuple[FigureRow, ...]


@dataclass(frozen=True)
class StructureRow:
    """One choice of an uncertain structural switch: prior and posterior, and the answers under it."""

    switch: str
    choice: str
    prior: str
    posterior: str
    cells: tuple[str, ...]  # the headline answers' medians under this choice


@dataclass(frozen=True)
class StructuresView:
    sentences: tuple[str, ...]
    headers: tuple[str, ...]
    rows: tuple[StructureRow, ...]
    shares: tuple[tuple[str, str], ...]  # (answer, share of its variance from the structure)


@dataclass(frozen=True)
class CandidateRow:
    report: str
    reliability: str
    narrowing: str


@dataclass(frozen=True)
class ValueView:
    """For one headline answer: which report that may come would narrow it most."""

    label: str
    sentence: str
    rows: tuple[CandidateRow, ...]


@dataclass(frozen=True)
class DriversView:
    details: tuple[MetricDetail, ...]
    structures: StructuresView | None
    values: tuple[ValueView, ...]


@dataclass(frozen=True)
class MechanismsView:
    figures: tuple[FigureRow, ...]


@dataclass(frozen=True)
class MetricRow:
    label: str
    model: Estimate
    prior: Estimate | None  # None: the table has no "before calibration" column


@dataclass(frozen=True)
class NumbersView:
    calibrated: bool
    rows: tuple[MetricRow, ...]
    figures: tuple[FigureRow, ...]  # charts of other metrics (--figures all)


@dataclass(frozen=True)
class SourceRow:
    """One article figure used by the scenario: a claim, shown as reported by its claimant."""

    figure: Ident
    role: str
    value: str
    unit: str
    claimant: str
    as_of: str
    source: str
    quote: str  # German, verbatim
    gloss: str
    grade: str
    grade_reason: str
    translation: str = ""
    url: str = ""
    published: str = ""
    accessed: str = ""
    figure_file: str = ""
    gloss_lang: str = "en"
    reason_lang: str = "en"


@dataclass(frozen=True)
class RunFacts:
    """The footer: how the numbers were made; each field "" when unknown."""

    seed: str
    samples: str
    sampling: str
    window: str
    scenario_file: str = ""
    scenario_hash: str = ""
    code_version: str = ""
    packages: str = ""
    started: str = ""
    finished: str = ""


@dataclass(frozen=True)
class ReportPage:
    name: str
    question: str
    first: FirstScreen
    sections: tuple[Details, ...]
    facts: RunFacts
    lang: str = "en"


@dataclass(frozen=True)
class IndexAnswer:
    label: str
    median: str
    interval: str
    never: str


@dataclass(frozen=True)
class IndexRow:
    name: str
    href: str  # "<name>/report.html" when that file exists, else ""
    question: str
    window: str
    status: str  # "ok", "failed" or another word
    message: str
    answers: tuple[IndexAnswer, ...]


@dataclass(frozen=True)
class IndexGroup:
    """Comparison charts of scenarios that can be compared, and why they can."""

    heading: str
    note: str
    figures: tuple[FigureRow, ...]


@dataclass(frozen=True)
class IndexPage:
    rows: tuple[IndexRow, ...]
    groups: tuple[IndexGroup, ...]
    generated: str
    scenario_count: str
    evidence: tuple[Any, ...] = ()  # evidence.EvidenceGroup
    evidence_notes: tuple[str, ...] = ()
    guide_href: str = ""
    lang: str = "en"
