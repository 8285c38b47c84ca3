"""Every generated sentence a person reads about a run's core results, made from the typed summary
(``model.summary``) through the text catalogue, in English or German: one writer per sentence.

- :mod:`.answers`: each headline answer, what it depends on and its caveat (the report's first screen);
- :mod:`.findings`: the calibration's findings, the drivers' statements, the reading of a Bayes factor.

An optional feature's sentences live in its own folder (``model.features.<name>.words``).
"""

from .answers import Answer, answer, month_words, structure_sentence
from .findings import (
    KASS_RAFTERY,
    calibration_findings,
    claimant_short,
    driver_sentence,
    evidence_reading,
    rank_drivers,
    series_sentences,
)

__all__ = ["Answer", "answer", "month_words", "structure_sentence", "KASS_RAFTERY", "calibration_findings",
           "claimant_short", "driver_sentence", "evidence_reading", "rank_drivers", "series_sentences"]
