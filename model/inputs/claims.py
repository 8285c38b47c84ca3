"""What kind of claim a reported figure is, and what that means for reading it.

The articles say more about their figures than a number: "Die Schätzungen basieren vor allem auf
Satellitenbildern" (a count made from transport images), "schon Hunderte" (words, and a lower
bound), "dürfte bereitstellen" with no period (an undated total), "40 Prozent der ... Munition" (a
share of something the model must count the same way). A figure used as an observation says which
(``claim:`` in the registry and in figure files), and the calibration reads it so
(``model.analysis.likelihoods``):

``count``
    a central estimate: the model value at its date times a lognormal error (the default).
``capacity``
    a bound made from transport or container counts: what was delivered is the figure times an
    uncertain fill and calibre-mix factor ``fill`` (log-uniform between ``low`` and ``high``, at
    most 1), not centred on it.
``words``
    a vague quantity ("Hunderte", "mehr als 3.000") given as the interval its ``phrase`` means
    (``model/inputs/phrases.yaml``), one-sided where the text says so (``bound: at_least`` for
    "schon", "mehr als"); the report shows the ``words``, never a point.
``total_undated``
    a total whose date the text leaves open: its reference month is uncertain, uniformly, between
    ``period_from`` and ``period_to`` (default: the scenario window's last month).
``share``
    a share, with what its ``numerator`` and ``denominator`` count; the scenario maps it to a
    model share that counts the same.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .problems import did_you_mean

__all__ = ["CLAIM_KINDS", "Claim", "Fill", "Phrase", "phrases", "phrase_interval", "PHRASES_PATH"]

ClaimKind = Literal["count", "capacity", "words", "total_undated", "share"]
CLAIM_KINDS: tuple[str, ...] = ("count", "capacity", "words", "total_undated", "share")
PHRASES_PATH = Path(__file__).resolve().with_name("phrases.yaml")
_MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"


class Phrase(BaseModel):
    """A vague quantity in words and the interval it means (absolute, or as factors of a number)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str
    de: tuple[str, ...]
    en: tuple[str, ...]
    low: float | None = None
    high: float | None = None
    of_value: dict[str, float | None] | None = None


@cache
def _catalogue(path: str = str(PHRASES_PATH)) -> tuple[dict[str, Phrase], dict[str, dict[str, tuple[str, ...]]]]:
    from .safe_yaml import load_yaml_file

    data = load_yaml_file(path).data
    out = {key: Phrase(key=key, de=tuple(v["de"]), en=tuple(v["en"]), low=v.get("low"), high=v.get("high"),
                       of_value=v.get("of_value")) for key, v in data["phrases"].items()}
    bounds = {key: {"de": tuple(v["de"]), "en": tuple(v["en"])} for key, v in data["bounds"].items()}
    return out, bounds


def phrases() -> dict[str, Phrase]:
    """The phrase catalogue (``model/inputs/phrases.yaml``), by key."""
    return _catalogue()[0]


def phrase_interval(key: str, value: float | None) -> tuple[float, float]:
    """The interval a phrase means (``high`` may be ``inf``); a relative phrase needs the number beside it."""
    p = phrases()[key]
    if p.of_value is not None:
        if value is None:
            raise ValueError(f"the phrase '{key}' qualifies a number: give the figure a value")
        low, high = p.of_value.get("low"), p.of_value.get("high")
        return (0.0 if low is None else low * value, float("inf") if high is None else high * value)
    return (0.0 if p.low is None else float(p.low), float("inf") if p.high is None else float(p.high))


class Fill(BaseModel):
    """The fill and calibre-mix factor of a capacity claim: delivered = factor × figure."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    low: float = Field(gt=0, le=1)
    high: float = Field(gt=0, le=1)

    @model_validator(mode="after")
    def _order(self) -> Fill:
        if self.low > self.high:
            raise ValueError(f"fill: low ({self.low:g}) must not exceed high ({self.high:g})")
        return self


class Claim(BaseModel):
    """What kind of claim a figure is, why, and what the kind needs (see the module docstring)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: ClaimKind
    reason: str = Field(min_length=1, description="why this kind, in English")
    quote: str | None = Field(None, description="the sentence that says what kind of claim it is, verbatim")
    source: str | None = Field(None, description="the seed file of that sentence (a seed figure's claim quote)")
    fill: Fill | None = None
    phrase: str | None = None
    words: str | None = Field(None, description="the words as the quote has them, e.g. 'schon Hunderte'")
    bound: Literal["interval", "at_least", "at_most"] = "interval"
    period_from: str | None = Field(None, pattern=_MONTH)
    period_to: str | None = Field(None, pattern=_MONTH)
    numerator: str | None = None
    denominator: str | None = None

    @model_validator(mode="after")
    def _fields_of_kind(self) -> Claim:
        needs: dict[str, tuple[str, ...]] = {"capacity": ("fill",), "words": ("phrase", "words"),
                                             "total_undated": ("period_from",), "share": ("numerator", "denominator")}
        for name in needs.get(self.kind, ()):
            if getattr(self, name) is None:
                raise ValueError(f"a {self.kind} claim needs '{name}'")
        allowed = set(needs.get(self.kind, ())) | ({"period_to"} if self.kind == "total_undated" else set()) | (
            {"bound"} if self.kind == "words" else set())
        for name in ("fill", "phrase", "words", "period_from", "period_to", "numerator", "denominator"):
            if getattr(self, name) is not None and name not in allowed:
                raise ValueError(f"'{name}' is not used by a {self.kind} claim")
        if self.kind != "words" and self.bound != "interval":
            raise ValueError(f"'bound' is not used by a {self.kind} claim")
        if self.phrase is not None and self.phrase not in phrases():
            hint = did_you_mean(self.phrase, list(phrases()), otherwise=f"; known: {', '.join(phrases())}")
            raise ValueError(f"unknown phrase '{self.phrase}'{hint} (the catalogue: model/inputs/phrases.yaml)")
        if self.period_from and self.period_to and self.period_to < self.period_from:
            raise ValueError(f"period_to ({self.period_to}) is before period_from ({self.period_from})")
        if self.quote is not None and not self.quote.strip():
            raise ValueError("quote must not be blank")
        return self

    def check_against(self, figure: Any) -> list[str]:
        """Problems of this claim with the figure it describes (its quote, value and bounds)."""
        problems = []
        if self.kind == "words":
            assert self.phrase is not None and self.words is not None
            if " ".join(self.words.split()) not in " ".join(str(figure.quote).split()):
                problems.append(f"the words '{self.words}' are not in the figure's quote")
            catalogue = phrases()[self.phrase]
            if not any(w.lower() in self.words.lower() for w in catalogue.de + catalogue.en):
                problems.append(f"the words '{self.words}' do not contain the phrase '{self.phrase}' "
                                f"({', '.join(catalogue.de + catalogue.en)})")
            try:
                low, high = phrase_interval(self.phrase, figure.value)
            except ValueError as exc:
                problems.append(str(exc))
            else:
                if figure.value is None and (figure.low != low or (figure.high or float("inf")) != high):
                    shown = f"{low:g}–{high:g}" if high != float("inf") else f"≥ {low:g}"
                    problems.append(f"low/high must be the interval '{self.phrase}' means ({shown})")
        if self.kind in ("capacity", "total_undated", "share") and figure.value is None:
            problems.append(f"a {self.kind} claim needs the figure's value")
        if self.kind == "share" and figure.unit != "fraction":
            problems.append("a share claim needs a figure in the unit 'fraction'")
        if self.quote is not None and figure.from_seed and self.source is None:
            problems.append("a claim quoting a seed article names its seed file (source)")
        return problems
