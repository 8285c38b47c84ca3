"""Every generated sentence a person reads: calibration findings and driver statements.

Numbers come in from ``model.analysis`` (no sentences there); the words are made here,
in one place, so a second language has one module to follow.
"""

from ...features.logistics.words import logistics_story
from .analyst import discovery_sentence, independence_note, limit_phrase, stopping_statement, tradeoff_sentence
from .findings import (
    KASS_RAFTERY,
    NO_OBSERVATIONS,
    calibration_findings,
    driver_statement,
    driver_statement_in,
    evidence_reading,
    findings_in,
    rank_drivers,
    series_in,
)

__all__ = ["rank_drivers", "calibration_findings", "driver_statement", "NO_OBSERVATIONS", "evidence_reading",
           "KASS_RAFTERY", "logistics_story", "discovery_sentence", "limit_phrase", "stopping_statement",
           "independence_note", "tradeoff_sentence", "findings_in", "series_in", "driver_statement_in"]
