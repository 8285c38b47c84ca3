"""Typed loader for the article-figure registry (``model/figures.yaml``).

Every quantitative claim the model starts from lives in ``figures.yaml`` with its claimant,
the date it refers to, the seed article it comes from and a verbatim German quote. Figures are
*claims* by named bodies (South Korean intelligence, NATO, Ukrainian intelligence, ...), never
facts; this module only loads and validates them, it does not judge them.

Each figure carries either a point ``value`` or a ``low``/``high`` bound (or both), a unit from
a fixed vocabulary (:data:`UNITS`), a ``reliability`` grade and a ``used_as`` role:

``input``
    feeds a model parameter;
``observation``
    the model must reproduce it (calibration target);
``context``
    the reader can check the model against it; not used directly.

Figures from later reports
--------------------------
The shipped registry holds the five seed articles only. Scenarios may add figures from
other reports in their own figure files (``figure_files:``, loaded by
``model.inputs.figure_files``): same format, but ``source`` is then a mapping
(:class:`Source`: publisher, title, publication date, URL, access date) and ``translation``
(the quote in English) is required. ``note`` is the gloss: required for seed figures, where
it holds the English translation in quotation marks plus method and caveats, optional for
other sources, where the translation has its own field and ``note`` adds caveats only.

Reliability and distribution width
----------------------------------
:data:`DEFAULT_RELATIVE_SPREAD` is how a figure's ``reliability`` turns into uncertainty: when
a scenario points at a figure without stating its own spread, the figure's central value is
taken as the centre of a 90 % range whose relative half-width is ``0.1`` (``high``), ``0.25``
(``medium``) or ``0.5`` (``low``). For example a ``medium`` figure of 3,000,000 becomes the
90 % range 2,250,000-3,750,000. Scenarios that state a spread explicitly override this.

Examples
--------
>>> reg = load_registry()
>>> reg.get("nk_shells_delivered_2024").central
3500000.0
>>> reg.get("nk_soldiers_killed_kursk").display_value
'200–900'
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .claims import Claim
from .report_source import Source

__all__ = [
    "DEFAULT_FIGURES_PATH",
    "DEFAULT_RELATIVE_SPREAD",
    "RELIABILITIES",
    "UNITS",
    "USES",
    "Figure",
    "Registry",
    "Source",
    "load_registry",
]

#: Path of the registry shipped with the package.
DEFAULT_FIGURES_PATH: Path = Path(__file__).resolve().parent.parent / "figures.yaml"  # model/figures.yaml

#: Relative half-width of the 90 % range used for a figure whose scenario states no spread,
#: by reliability grade (see the module docstring).
DEFAULT_RELATIVE_SPREAD: dict[str, float] = {"high": 0.1, "medium": 0.25, "low": 0.5}

Unit = Literal[
    "shells",
    "shells/year",
    "shells/month",
    "fraction",
    "soldiers",
    "usd",
    "people",
    "pieces",
    "year",
    "kg",
    "km",
    "mm",
    "flights/week",
    "launches",
    "years",
    "count",
]
Reliability = Literal["high", "medium", "low"]
Use = Literal["input", "observation", "context"]

#: Allowed units (``fraction`` for percentages, plain ``usd`` for dollars).
UNITS: tuple[str, ...] = get_args(Unit)
#: Allowed reliability grades.
RELIABILITIES: tuple[str, ...] = get_args(Reliability)
#: Allowed roles of a figure in the model.
USES: tuple[str, ...] = get_args(Use)

_ID_RE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
_AS_OF_RE = re.compile(r"^(\d{4})(?:-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01]))?)?$")


def _format_number(x: float, unit: str) -> str:
    """Format ``x`` for display: thousands separators, no trailing zeros, years plain."""
    if unit == "year" and float(x).is_integer():
        return str(int(x))
    if float(x).is_integer():
        return f"{int(x):,}"
    return f"{x:,.6f}".rstrip("0").rstrip(".")


class Figure(BaseModel):
    """One quantitative claim from a seed article.

    Parameters
    ----------
    id : str
        Stable snake_case identifier.
    value, low, high : float or None
        Point value and/or bounds; at least one must be given, and
        ``low <= value <= high`` where given.
    unit : str
        One of :data:`UNITS`.
    as_of : str
        Date the claim refers to: ``"YYYY"``, ``"YYYY-MM"`` or ``"YYYY-MM-DD"``.
    claimant : str
        Who made the estimate, as the article says.
    source : str or Source
        Seed file name (e.g. ``"000_e163d328edb36f81.txt"``), or, for a figure from a later
        report in a scenario's figure file, a :class:`Source` mapping.
    quote : str
        Verbatim sentence from the source, in its original language (German for the seeds).
    note : str or None
        English gloss, method and caveats; required for seed figures.
    translation : str or None
        The quote in English; required when ``source`` is a mapping (repeat the quote if it
        is in English already).
    reliability : {"high", "medium", "low"}
        Grade of the evidence; see :data:`DEFAULT_RELATIVE_SPREAD`.
    reliability_reason : str
        One line justifying the grade.
    used_as : {"input", "observation", "context"}
        Role of the figure in the model.
    claim : Claim or None
        What kind of claim the figure is (``model.inputs.claims``): how the calibration reads it
        when it is observed. None: a ``count`` (a central estimate).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    value: float | None = Field(None, strict=True)  # text is not a number (model.inputs.number_rule)
    low: float | None = Field(None, strict=True)
    high: float | None = Field(None, strict=True)
    unit: Unit
    as_of: str
    claimant: str
    source: str | Source
    quote: str
    note: str | None = None
    translation: str | None = None
    reliability: Reliability
    reliability_reason: str
    used_as: Use
    claim: Claim | None = None

    @field_validator("id")
    @classmethod
    def _check_id(cls, v: str) -> str:
        if not _ID_RE.match(v):
            raise ValueError(f"id {v!r} is not snake_case")
        return v

    @field_validator("as_of", mode="before")
    @classmethod
    def _check_as_of(cls, v: Any) -> str:
        # YAML turns unquoted 2012 into int and 2025-07-27 into a date; accept both.
        if isinstance(v, date):
            v = v.isoformat()
        elif isinstance(v, int) and not isinstance(v, bool):
            v = str(v)
        if not isinstance(v, str) or not _AS_OF_RE.match(v):
            raise ValueError(f"as_of {v!r} must be 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD'")
        return v

    @field_validator("claimant", "quote", "reliability_reason")
    @classmethod
    def _check_not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("must not be blank")
        return v

    @field_validator("source", "note", "translation")
    @classmethod
    def _check_not_blank_text(cls, v: Any) -> Any:
        if isinstance(v, str) and not v.strip():
            raise ValueError("must not be blank")
        return v

    @model_validator(mode="after")
    def _check_provenance(self) -> Figure:
        if isinstance(self.source, str) and self.note is None:
            raise ValueError(f"figure {self.id!r} from seed file {self.source!r} needs a note (its English gloss)")
        if isinstance(self.source, Source) and self.translation is None:
            raise ValueError(f"figure {self.id!r} needs a translation: the quote in English "
                             "(repeat the quote if it is in English already)")
        return self

    @model_validator(mode="after")
    def _check_claim(self) -> Figure:
        if self.claim is not None:
            problems = self.claim.check_against(self)
            if problems:
                raise ValueError(f"figure {self.id!r}: claim: " + "; ".join(problems))
        return self

    @property
    def claim_kind(self) -> str:
        """The kind of claim (``count`` unless the figure says otherwise)."""
        return self.claim.kind if self.claim is not None else "count"

    @property
    def from_seed(self) -> bool:
        """True when the figure comes from one of the seed articles (``source`` is a file name)."""
        return isinstance(self.source, str)

    @property
    def source_label(self) -> str:
        """The seed file name, or the publisher, title, dates and URL of a later report."""
        return self.source if isinstance(self.source, str) else self.source.label

    @property
    def english(self) -> str:
        """What an English reader is shown beside the quote: the translation and/or the gloss."""
        return "\n".join(t.strip() for t in (self.translation, self.note) if t)

    @model_validator(mode="after")
    def _check_bounds(self) -> Figure:
        if self.value is None and self.low is None and self.high is None:
            raise ValueError(f"figure {self.id!r} requires value or at least one of low/high")
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError(
                f"figure {self.id!r}: low ({self.low}) must not exceed high ({self.high})"
            )
        if self.value is not None:
            if self.low is not None and self.value < self.low:
                raise ValueError(
                    f"figure {self.id!r}: value ({self.value}) is below low ({self.low})"
                )
            if self.high is not None and self.value > self.high:
                raise ValueError(
                    f"figure {self.id!r}: value ({self.value}) is above high ({self.high})"
                )
        return self

    @property
    def central(self) -> float:
        """Central value: ``value``, else the midpoint of ``low``/``high``, else the single bound.

        Returns
        -------
        float
        """
        if self.value is not None:
            return float(self.value)
        if self.low is not None and self.high is not None:
            return (self.low + self.high) / 2.0
        bound = self.low if self.low is not None else self.high
        assert bound is not None  # guaranteed by the validator
        return float(bound)

    @property
    def display_value(self) -> str:
        """Human-readable value: ``"3,500,000"``, ``"200–900"``, ``"≥ 20,000"``, ``"≤ 500"``.

        A point value with bounds is shown as ``"value (low–high)"``. Years are printed without
        thousands separators.

        Returns
        -------
        str
        """

        def fmt(x: float) -> str:
            return _format_number(x, self.unit)

        if self.low is not None and self.high is not None:
            bounds = f"{fmt(self.low)}–{fmt(self.high)}"
        elif self.low is not None:
            bounds = f"≥ {fmt(self.low)}"
        elif self.high is not None:
            bounds = f"≤ {fmt(self.high)}"
        else:
            bounds = ""
        if self.value is None:
            return bounds
        return f"{fmt(self.value)} ({bounds})" if bounds else fmt(self.value)

    def as_of_month(self) -> str:
        """Month the claim refers to, as ``"YYYY-MM"``.

        ``"YYYY-MM-DD"`` is truncated to ``"YYYY-MM"``; a bare year ``"YYYY"`` maps to
        ``"YYYY-01"`` (January, by convention - the claim gives no month).

        Returns
        -------
        str
        """
        match = _AS_OF_RE.match(self.as_of)
        assert match is not None  # guaranteed by the validator
        year, month, _ = match.groups()
        return f"{year}-{month or '01'}"


@dataclass(frozen=True)
class Registry:
    """Read-only collection of :class:`Figure` objects keyed by id, in file order.

    Parameters
    ----------
    figures : Mapping[str, Figure]
        Figures by id.
    path : Path or None
        File the registry was loaded from, if any.
    files : Mapping[str, Path]
        For figures added from a scenario's figure files: id -> the file it came from
        (empty for the shipped registry).
    """

    figures: Mapping[str, Figure]
    path: Path | None = field(default=None, compare=False)
    files: Mapping[str, Path] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "figures", MappingProxyType(dict(self.figures)))
        object.__setattr__(self, "files", MappingProxyType(dict(self.files)))

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as plain dicts (a batch hands the registry to its worker processes, read once)."""
        return (Registry, (dict(self.figures), self.path, dict(self.files)))

    def with_figures(self, figures: Mapping[str, Figure], files: Mapping[str, Path]) -> Registry:
        """This registry plus ``figures`` (ids must be new), each from the file in ``files``."""
        clash = sorted(set(figures) & set(self.figures))
        if clash:
            raise ValueError(f"figure ids already in the registry: {', '.join(clash)}")
        return Registry({**self.figures, **figures}, path=self.path, files={**self.files, **files})

    def get(self, figure_id: str) -> Figure:
        """Return the figure with id ``figure_id``.

        Parameters
        ----------
        figure_id : str

        Returns
        -------
        Figure

        Raises
        ------
        KeyError
            If there is no such id; the message lists close matches.
        """
        try:
            return self.figures[figure_id]
        except KeyError:
            close = difflib.get_close_matches(figure_id, list(self.figures), n=3, cutoff=0.6)
            hint = f"; did you mean: {', '.join(close)}?" if close else ""
            raise KeyError(f"unknown figure id {figure_id!r}{hint}") from None

    def __getitem__(self, figure_id: str) -> Figure:
        return self.get(figure_id)

    def __contains__(self, figure_id: object) -> bool:
        return figure_id in self.figures

    def __iter__(self) -> Iterator[Figure]:
        return iter(self.figures.values())

    def __len__(self) -> int:
        return len(self.figures)

    @property
    def ids(self) -> tuple[str, ...]:
        """All figure ids, in file order."""
        return tuple(self.figures)

    def by_use(self, used_as: str) -> tuple[Figure, ...]:
        """Figures with the given role (``"input"``, ``"observation"`` or ``"context"``).

        Parameters
        ----------
        used_as : str

        Returns
        -------
        tuple of Figure
        """
        if used_as not in USES:
            raise ValueError(f"used_as must be one of {', '.join(USES)}, not {used_as!r}")
        return tuple(f for f in self if f.used_as == used_as)


def load_registry(path: str | Path | None = None) -> Registry:
    """Load and validate the figure registry.

    Parameters
    ----------
    path : str or Path or None
        YAML file with a top-level ``figures:`` list; default :data:`DEFAULT_FIGURES_PATH`
        (``model/figures.yaml``).

    Returns
    -------
    Registry

    Raises
    ------
    ValueError
        If the file is not a mapping with a ``figures`` list, an id occurs twice (the message
        names it) or an entry fails validation (the message names the entry).
    """
    file = Path(path) if path is not None else DEFAULT_FIGURES_PATH
    data = yaml.safe_load(file.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("figures"), list):
        msg = f"{file}: expected a mapping with a top-level 'figures:' list"
        raise ValueError(msg)  # noqa: TRY004 - malformed file content, not a caller type error
    figures: dict[str, Figure] = {}
    for index, entry in enumerate(data["figures"]):
        if not isinstance(entry, dict):
            msg = f"{file}: figures[{index}] is not a mapping"
            raise ValueError(msg)  # noqa: TRY004 - malformed file content
        figure_id = entry.get("id", f"#{index}")
        if figure_id in figures:
            raise ValueError(f"{file}: duplicate figure id {figure_id!r}")
        try:
            figure = Figure.model_validate(entry)
        except ValidationError as exc:
            raise ValueError(f"{file}: figure {figure_id!r} (figures[{index}]): {exc}") from exc
        figures[figure.id] = figure
    return Registry(figures=figures, path=file)
