"""Typed view objects: everything the report and index templates read, already in words.

The templates read only attributes of these frozen dataclasses; every number in them is
already formatted by :mod:`model.presentation.numbers`, every text is plain (the templates
escape it). Empty strings and empty tuples mean "nothing to show"; no field is optional
in a way a template could trip over (``StrictUndefined`` turns a misspelt name into an error).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the delivery-chain section's views import FigureRow from here
    from ...features.alternatives.report import AlternativesSection
    from ...features.logistics.views import LogisticsSection
    from .analyst_views import AnalystSection

__all__ = [
    "Piece", "Ident", "Estimate", "KeyNumber", "MetricRow", "KeyNumbers", "YesNo", "ObservationRow",
    "ConflictRow", "Calibration", "IndexValue", "DriverRow", "DriverSection", "FigureRow", "SourceRow",
    "RunFacts", "ReportPage", "IndexRow", "IndexPage",
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
    """A model median with its bare 90 % interval below it (a table cell).

    ``available`` is False when there are no statistics at all (the cell reads "–");
    ``never`` says how often the metric did not happen within the window, or is "".
    """

    available: bool
    value: str = ""
    interval: tuple[Piece, ...] = ()
    never: str = ""


@dataclass(frozen=True)
class KeyNumber:
    """One headline metric: ``North Korean share of fired shells: 41 % (90 % interval 33–50 %)``."""

    label: str
    value: str
    interval: str
    never: str  # "" unless the metric may not happen within the window
    prior: str  # "Before calibration" median and interval, "" when not calibrated


@dataclass(frozen=True)
class MetricRow:
    """A row of the "All metrics" table: calibrated (or only) model and, if calibrated, the prior."""

    label: str
    model: Estimate
    prior: Estimate | None  # None: the table has no "Before calibration" column


@dataclass(frozen=True)
class KeyNumbers:
    window_start: str
    window_end: str
    calibrated: bool
    effective_samples: str  # "" when unknown
    samples: str  # "" when unknown
    items: tuple[KeyNumber, ...]
    rows: tuple[MetricRow, ...]


@dataclass(frozen=True)
class YesNo:
    """A yes/no cell; ``css`` is "yes" for the reassuring answer, "no" otherwise, "" when unknown."""

    word: str
    css: str


@dataclass(frozen=True)
class ObservationRow:
    """One reported figure the model is compared with (or calibrated on)."""

    figure: Ident
    claimant: str  # "" when not recorded
    output: str  # which model output, in words
    month: str
    reported: str
    error_range: tuple[Piece, ...]  # "range 2.8–4.4 million", () when unknown
    prior: Estimate  # model before calibration at that month
    posterior: Estimate  # model after calibration
    fits: YesNo
    in_tension: YesNo


@dataclass(frozen=True)
class ConflictRow:
    """Reported figures that pull against each other, with the likelihood ratio if known."""

    ids: tuple[str, ...]
    ratio: str  # "" when unknown


@dataclass(frozen=True)
class Calibration:
    calibrated: bool
    effective_samples: str  # "" when unknown
    samples: str  # "" when unknown
    effective_share: str  # "3.0 %", "" when unknown
    low_ess: bool  # show the warning
    ess_threshold: str  # the warning's threshold, in words
    observations: tuple[ObservationRow, ...]
    findings: tuple[str, ...]
    conflicts: tuple[ConflictRow, ...]
    log_evidence: str = ""  # ln Z, "" when unknown
    series: tuple[str, ...] = ()  # one sentence per trajectory observed at several dates
    figures: tuple[FigureRow, ...] = ()  # predictive checks, one per reported figure


@dataclass(frozen=True)
class IndexValue:
    """A sensitivity index and its bootstrap interval: ``0.56`` ``(0.50–0.62)``."""

    value: str
    interval: str  # "" when unknown


@dataclass(frozen=True)
class DriverRow:
    parameter: str
    st: IndexValue
    s1: IndexValue
    swing: str
    rank_correlation: str
    s1_calibrated: IndexValue = IndexValue("–", "")  # first-order index on the calibrated samples


@dataclass(frozen=True)
class DriverSection:
    """What drives one metric: the sentence and the top inputs."""

    label: str
    statement: str  # "" when there is none
    rows: tuple[DriverRow, ...]
    not_shown: str  # how many further inputs are not shown, "" when all are
    calibrated: bool = False  # the rows have first-order indices on the calibrated samples


@dataclass(frozen=True)
class FigureRow:
    """An embedded figure; ``data_uri`` is "" when the file could not be read."""

    caption: str
    filename: str
    data_uri: str


@dataclass(frozen=True)
class SourceRow:
    """One article figure used by the scenario: a claim, shown as reported by its claimant."""

    figure: Ident
    role: Ident | None
    value: str
    unit: str  # in words, "" when none
    claimant: str  # "" when not recorded
    as_of: str
    source: str
    quote: str  # German, verbatim
    gloss: str  # English, "" when none
    grade: str
    grade_reason: str
    translation: str = ""  # the quote in English (figures from later reports)
    url: str = ""  # web address of a later report ("" for seed articles)
    published: str = ""
    accessed: str = ""
    figure_file: str = ""  # the scenario's figure file it comes from, "" for the registry
    gloss_lang: str = "en"  # the gloss's language: English, or the page's where the catalogue has it
    reason_lang: str = "en"  # the grade reason's language: the page's, or English where the catalogue has none


@dataclass(frozen=True)
class RunFacts:
    """The footer: how the numbers were made (from the summary and the run's manifest).

    Each field is "" when unknown; the footer shows only the known ones.
    """

    seed: str
    samples: str
    sampling: str
    window_start: str
    window_end: str
    scenario_file: str = ""
    scenario_hash: str = ""
    code_version: str = ""
    packages: str = ""  # "python 3.12.0, numpy 2.1.0"
    started: str = ""
    finished: str = ""


@dataclass(frozen=True)
class ReportPage:
    name: str
    description: str
    key_numbers: KeyNumbers
    calibration: Calibration
    figures: tuple[FigureRow, ...]
    drivers: tuple[DriverSection, ...]
    sources: tuple[SourceRow, ...]
    facts: RunFacts
    logistics: LogisticsSection | None = None  # the discrete-event study, when the scenario has one
    analyst: AnalystSection | None = None  # discovery, correlations, trade-offs, stopping (analyst_views)
    alternatives: AlternativesSection | None = None  # structural alternatives side by side (alternatives_views)
    lang: str = "en"  # the page's language: its words, its numbers and <html lang>


@dataclass(frozen=True)
class IndexRow:
    name: str
    href: str  # "<name>/report.html" when that file exists, else ""
    question: str
    status: str  # "ok", "failed" or another word
    message: str
    cells: tuple[Estimate, ...]


@dataclass(frozen=True)
class IndexPage:
    headers: tuple[str, ...]
    rows: tuple[IndexRow, ...]
    figures: tuple[FigureRow, ...]
    generated: str
    scenario_count: str
    evidence: tuple[Any, ...] = ()  # evidence.EvidenceGroup: scenarios compared by log Bayes factor
    evidence_notes: tuple[str, ...] = ()  # scenarios whose evidence cannot be compared, and why
    guide_href: str = ""  # "teaching/guide.html" when the lecturer's guide is there, else ""
    lang: str = "en"  # the page's language
