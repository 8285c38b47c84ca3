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
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ...summary.types import RunSummary
from .. import texts
from ..numbers import format_log_evidence
from ..words import evidence_reading

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


def observation_signature(summary: RunSummary) -> str | None:
    """What the evidence is the probability of: the observations (ids, outputs, dates, reported
    values, 90 % error ranges, claims) and, when some trajectory is observed twice, the series
    correlation; None when the summary has no observations or no log evidence."""
    if not summary.observations or summary.calibration.log_evidence is None:
        return None
    rows = sorted([o.id, o.output, o.month, o.reported, list(o.error_range), o.claim, list(o.allowed)]
                  for o in summary.observations)
    key: dict[str, Any] = {"observations": rows}
    if summary.calibration.series:
        key["series_correlation"] = summary.calibration.series_correlation
    return json.dumps(key, sort_keys=True)


def evidence_groups(summaries: Sequence[RunSummary],
                    lang: str = "en") -> tuple[tuple[EvidenceGroup, ...], tuple[str, ...]]:
    """Groups of at least two comparable scenarios, and one sentence per scenario left out."""
    groups: dict[str, list[RunSummary]] = {}
    notes: list[str] = []
    for s in summaries:
        sig = observation_signature(s)
        if sig is None:
            notes.append(texts.text("index.not_calibrated_note", lang, name=s.scenario))
            continue
        groups.setdefault(sig, []).append(s)
    out = []
    for members in groups.values():
        if len(members) < 2:
            notes.append(texts.text("index.alone_note", lang, name=members[0].scenario))
            continue
        names = [m.scenario for m in members]
        ref = members[names.index(REFERENCE)] if REFERENCE in names else members[0]
        ref_z = float(ref.calibration.log_evidence)  # type: ignore[arg-type]
        rows = []
        for m in [ref] + [m for m in members if m is not ref]:
            z = float(m.calibration.log_evidence)  # type: ignore[arg-type]
            if m is ref:
                rows.append(EvidenceRow(m.scenario, format_log_evidence(z, lang), "", ""))
            else:
                rows.append(EvidenceRow(m.scenario, format_log_evidence(z, lang),
                                        ("+" if z > ref_z else "") + format_log_evidence(z - ref_z, lang),
                                        evidence_reading(z - ref_z, name=m.scenario, reference=ref.scenario, lang=lang)))
        ids = sorted({o.id for o in ref.observations})
        out.append(EvidenceGroup(ref.scenario, ", ".join(ids), tuple(rows)))
    return tuple(out), tuple(notes)
