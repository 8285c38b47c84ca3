"""Two features' words, summary.json keys and report sections: the inputs the reported figures tie together
(model.features.tradeoffs) and the inputs that move together (model.features.correlations)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from model.features.base import SectionContext
from model.features.correlations import codec as correlations_codec
from model.features.correlations.compute import CorrelationFinding
from model.features.correlations.report import section as correlations_section
from model.features.correlations.words import independence_note
from model.features.tradeoffs import codec as tradeoffs_codec
from model.features.tradeoffs.compute import Tradeoffs
from model.features.tradeoffs.report import section as tradeoffs_section
from model.features.tradeoffs.words import tradeoff_sentence
from model.inputs.correlation import RankPair
from tests.summaries import summary

NAMES = ("nk_shipping_capacity_per_month", "nk_stockpile_start", "nk_dud_rate_old")


def _tradeoffs(narrowing: tuple[float, ...], after: float) -> Tradeoffs:
    prior = np.eye(3)
    calibrated = np.eye(3)
    calibrated[1, 0] = calibrated[0, 1] = after
    return Tradeoffs(NAMES, narrowing, prior, calibrated)


def test_the_tradeoff_sentence_names_what_the_figures_narrow_and_tie() -> None:
    t = _tradeoffs((0.5, 0.05, 0.3), -0.6)
    assert tradeoff_sentence(t) == (
        "The reported figures narrow North Korean shipping capacity (its middle half 50 % narrower) and NK old-stock "
        "dud rate (its middle half 30 % narrower) most; after calibration, North Korean stockpile and North Korean "
        "shipping capacity trade off: when one is high the other is low (rank correlation −0.60, against +0.00 "
        "before): the reported figures pin down a combination of the two more than either one.")
    assert "rise and fall together" in tradeoff_sentence(_tradeoffs((0.0, 0.0, 0.0), 0.4))
    assert tradeoff_sentence(_tradeoffs((0.05, 0.0, 0.0), 0.05)) == \
        "The reported figures barely narrow these inputs or tie them together."
    german = tradeoff_sentence(t, "de")
    assert german.startswith("Die berichteten Zahlen engen ") and "−0,60" in german


def test_tradeoffs_in_summary_json_and_the_section() -> None:
    t = _tradeoffs((0.5, 0.05, 0.3), -0.6)
    d = json.loads(json.dumps(tradeoffs_codec.to_json(t)))
    assert d["tradeoffs"]["inputs"] == list(NAMES) and d["tradeoffs"]["calibrated_rank"][1][0] == -0.6
    back = tradeoffs_codec.from_json(d)
    assert back is not None and back.names == NAMES and back.narrowing == t.narrowing
    np.testing.assert_array_equal(back.calibrated_rank, t.calibrated_rank)
    assert tradeoffs_codec.to_json(None) == {} and tradeoffs_codec.from_json({"tradeoffs": {"inputs": []}}) is None
    figure = object()
    result = tradeoffs_section(SectionContext(summary(), {"corner_inputs": figure}, "en"), t)
    assert result.key == "tradeoffs" and result.lead == tradeoff_sentence(t) == result.view.sentence
    assert result.view.figure is figure and result.view.inputs[0] == "North Korean shipping capacity"


def _correlations(calibrated: tuple[float, ...] | None) -> CorrelationFinding:
    pairs = (RankPair("nk_stockpile_start", "nk_dud_rate_old", 0.4),
             RankPair("nk_shipping_capacity_per_month", "nk_dud_rate_old", -0.2))
    return CorrelationFinding("copula", pairs, ("older stock", ""), (0.39, -0.21), calibrated, 4096)


def test_the_independence_note() -> None:
    assert independence_note(1).startswith("In this scenario a pair of inputs move together")
    assert independence_note(2).startswith("In this scenario 2 pairs of inputs move together")
    assert "Sobol indices and the tornado swings assume independent inputs" in independence_note(1)
    assert independence_note(1, "de").startswith("In diesem Szenario")


@pytest.mark.parametrize("calibrated", [(0.33, -0.1), None])
def test_correlations_in_summary_json_and_the_section(calibrated: tuple[float, ...] | None) -> None:
    c = _correlations(calibrated)
    d = json.loads(json.dumps(correlations_codec.to_json(c)))["correlations"]
    assert d["method"] == "copula" and d["samples"] == 4096 and d["note"] == independence_note(2)
    assert d["pairs"][0] == {"params": ["nk_stockpile_start", "nk_dud_rate_old"], "target": 0.4, "achieved": 0.39,
                             "calibrated": None if calibrated is None else 0.33, "reason": "older stock"}
    assert correlations_codec.from_json({"correlations": d}) == c
    result = correlations_section(SectionContext(summary(), {}, "en"), c)
    rows = result.view.rows
    assert [(r.a, r.b, r.target, r.achieved) for r in rows] == [
        ("North Korean stockpile", "NK old-stock dud rate", "+0.40", "+0.39"),
        ("North Korean shipping capacity", "NK old-stock dud rate", "−0.20", "−0.21")]
    assert [r.calibrated for r in rows] == (["+0.33", "−0.10"] if calibrated else ["", ""])
    assert result.view.calibrated == (calibrated is not None) and result.lead == independence_note(2)
    assert result.view.samples == "4,096" and result.view.method.startswith("Gaussian copula")
