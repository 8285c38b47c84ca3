"""Scenarios compared by their evidence: log Bayes factors on the same reported figures.

The log evidence ``ln Z`` of a scenario (``log_evidence`` in ``summary.json``) is the natural
log of the probability of the reported figures under the scenario's assumptions, averaged
over its priors. Two scenarios calibrated on *identical* observations (the same figure ids,
model outputs, dates, reported values, error ranges and series correlation) can be compared
by ``ln B = ln Z_scenario - ln Z_reference``; on any other pair the difference means nothing,
because the two numbers are probabilities of different data. Groups are formed here from the
summaries; the reference of a group is ``baseline`` when it is in the group, else its first
scenario.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .. import texts
from ..numbers import as_float
from ..words import evidence_reading
from .common import text

__all__ = ["EvidenceRow", "EvidenceGroup", "evidence_groups", "observation_signature", "REFERENCE"]

REFERENCE = "baseline"


@dataclass(frozen=True)
class EvidenceRow:
    name: str
    log_evidence: str
    log_bayes_factor: str  # "" for the reference itself
    reading: str  # "" for the reference itself


@dataclass(frozen=True)
class EvidenceGroup:
    """Scenarios calibrated on the same reported figures, each against the group's reference."""

    reference: str
    figures: str  # the shared figure ids, comma-separated
    rows: tuple[EvidenceRow, ...]


def observation_signature(summary: Mapping[str, Any]) -> str | None:
    """What the evidence is the probability of: the observations (ids, outputs, dates, reported
    values, 90 % error ranges) and, when some trajectory is observed twice, the series
    correlation; None when the summary has no observations or no log evidence."""
    observations = summary.get("observations") or []
    if not observations or as_float(summary.get("log_evidence")) is None:
        return None
    rows = sorted(
        [text(o.get("id")), text(o.get("output")), text(o.get("month")), o.get("reported"),
         list(o.get("error_range_90") or [])]
        for o in observations
    )
    calibration = summary.get("calibration") or {}
    series = calibration.get("series") or []
    key: dict[str, Any] = {"observations": rows}
    if series:
        key["series_correlation"] = calibration.get("series_correlation")
    return json.dumps(key, sort_keys=True)


def _number(x: float, lang: str = "en") -> str:
    return f"{x:.2f}".replace("-", "\u2212").replace(".", "," if lang == "de" else ".")


def evidence_groups(summaries: Sequence[Mapping[str, Any]],
                    lang: str = "en") -> tuple[tuple[EvidenceGroup, ...], tuple[str, ...]]:
    """Groups of at least two comparable scenarios, and one sentence per scenario left out."""
    groups: dict[str, list[Mapping[str, Any]]] = {}
    notes: list[str] = []
    for s in summaries:
        sig = observation_signature(s)
        if sig is None:
            notes.append(texts.text("index.not_calibrated_note", lang, name=text(s.get("scenario"))))
            continue
        groups.setdefault(sig, []).append(s)
    out = []
    for members in groups.values():
        if len(members) < 2:
            notes.append(texts.text("index.alone_note", lang, name=text(members[0].get("scenario"))))
            continue
        names = [text(m.get("scenario")) for m in members]
        ref = members[names.index(REFERENCE)] if REFERENCE in names else members[0]
        ref_name = text(ref.get("scenario"))
        ref_z = float(as_float(ref.get("log_evidence")))  # type: ignore[arg-type]
        rows = []
        for m in [ref] + [m for m in members if m is not ref]:
            z = float(as_float(m.get("log_evidence")))  # type: ignore[arg-type]
            name = text(m.get("scenario"))
            if m is ref:
                rows.append(EvidenceRow(name, _number(z, lang), "", ""))
            else:
                rows.append(EvidenceRow(name, _number(z, lang), ("+" if z > ref_z else "") + _number(z - ref_z, lang),
                                        evidence_reading(z - ref_z, name=name, reference=ref_name, lang=lang)))
        ids = sorted({text(o.get("id")) for o in ref.get("observations") or []})
        out.append(EvidenceGroup(ref_name, ", ".join(ids), tuple(rows)))
    return tuple(out), tuple(notes)
