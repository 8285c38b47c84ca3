"""Scenario discovery as a feature (model.features.discovery): a known box recovered on a synthetic case
(weighted and prior), its summary.json keys (``codec``) read back, its words (``words``: conditions,
limits, the box sentence; English and German) and its report section (``report``)."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from model.analysis.outcome import Ensemble
from model.core.catalogue import METRICS
from model.features.base import SectionContext
from model.features.discovery import codec
from model.features.discovery.compute import discover
from model.features.discovery.report import section
from model.features.discovery.words import condition_words, discovery_sentence, limit_phrase
from model.inputs.sampling import SampleSet
from tests.summaries import differences, plain, summary

# ----------------------------------------------------------------------------- a known box
NAMES = ["nk_shipping_capacity_per_month", "ru_production_growth_per_year", "nk_dud_rate_old",
         "troop_tour_months", "price_per_shell_usd"]
RANGES = [(150_000.0, 600_000.0), (0.0, 0.3), (0.05, 0.5), (4.0, 12.0), (100.0, 1000.0)]
TRUE_HIGH = {"nk_shipping_capacity_per_month": 310_000.0, "ru_production_growth_per_year": 0.12}
TOL = 0.05  # a recovered limit may miss by 5 % of its input's range
N = 20_000
CONDITION = {"long_shortage": "months_short >= 3"}


def _ensemble(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> Ensemble:
    metrics = {m: np.zeros(len(y), dtype=np.float32) for m in METRICS}
    metrics["months_short"] = np.where(y, 3.0, 0.0).astype(np.float32)
    return Ensemble(metrics, w / w.sum(), np.empty((len(y), 0)), {}, SampleSet(list(NAMES), x))


@pytest.fixture(scope="module")
def synthetic() -> tuple[Ensemble, Ensemble]:
    rng = np.random.default_rng(20240601)
    x = np.column_stack([rng.uniform(lo, hi, N) for lo, hi in RANGES])
    inside = (x[:, 0] <= TRUE_HIGH[NAMES[0]]) & (x[:, 1] <= TRUE_HIGH[NAMES[1]])
    y = inside ^ (rng.uniform(size=N) < 0.1)  # 10 % of the labels flipped
    tilt = np.exp(x[:, 4] / 400.0)  # calibration weights that lean on an input outside the box
    return _ensemble(x, y, tilt), _ensemble(x, y, np.ones(N))


@pytest.fixture(scope="module")
def found(synthetic):  # type: ignore[no-untyped-def]
    calibrated, prior = synthetic
    return discover(CONDITION, names=NAMES, calibrated=calibrated, prior=prior, is_calibrated=True)


def _assert_true_box(limits: dict) -> None:
    assert set(limits) == set(TRUE_HIGH), limits
    for j, name in enumerate(NAMES[:2]):
        low, high = limits[name]
        assert low is None
        assert abs(high - TRUE_HIGH[name]) <= TOL * (RANGES[j][1] - RANGES[j][0]), (name, high)


def test_discovery_recovers_the_known_box_weighted_and_prior(synthetic, found) -> None:  # type: ignore[no-untyped-def]
    (f,) = found
    assert f.condition == "months_short >= 3" and f.inputs == tuple(NAMES)
    for side in (f.calibrated, f.prior):
        assert side is not None
        _assert_true_box(side.prim.box.limits)
        # with 10 % of all labels flipped the true box holds ~0.9 of its futures' and ~0.59 of all the y
        assert side.prim.box.density > 0.8 and side.prim.box.coverage > 0.5
        assert {n for n, _, _ in side.without} == set(TRUE_HIGH)  # the box's inputs, most important first
        # the tree's dense leaves lie in the true box (a third split on a noise input may halve it)
        dense = [r for r in side.rules if r.density > 0.8]
        assert dense and sum(r.support for r in dense) > 0.12
        for r in dense:
            for j, name in enumerate(NAMES[:2]):
                assert abs(r.limits[name][1] - TRUE_HIGH[name]) <= TOL * (RANGES[j][1] - RANGES[j][0])
    assert f.calibrated.effective_futures < 0.9 * N  # the weights count
    assert f.prior.effective_futures == pytest.approx(N)


def test_summary_keys_and_sentence(synthetic, found) -> None:  # type: ignore[no-untyped-def]
    calibrated, _ = synthetic
    out = codec.to_json(found)
    d = out["discovery"]["long_shortage"]
    w = calibrated.weights
    assert d["share"] == pytest.approx(float(w[calibrated.metrics["months_short"] >= 3].sum()), rel=1e-5)
    assert d["weights"] == "calibrated" and d["prior"]["weights"] == "prior"
    assert all({"limits", "coverage", "density", "support"} <= set(b) for b in d["boxes"])
    assert d["boxes"][d["chosen"]]["limits"].keys() == TRUE_HIGH.keys()
    assert set(d["box"]["order"]) == set(TRUE_HIGH) and d["box"]["sentence"] == d["sentence"]
    assert d["rules"] and all({"limits", "density", "support", "predicts", "text"} <= set(r) for r in d["rules"])
    assert re.fullmatch(
        r"“long shortage” \(Months in which Russia ran short: 3 months or more\) follows in \d+ % of the futures "
        r"with (North Korean shipping capacity below [\d,]+ shells a month and Russian production growth below "
        r"[\d.]+ % a year|Russian production growth below [\d.]+ % a year and North Korean shipping capacity below "
        r"[\d,]+ shells a month); these futures are \d+ % of all futures where it holds \(it holds in \d+ % of all "
        r"futures\)\.", d["sentence"]), d["sentence"]
    json.dumps(out)  # plain JSON


def test_the_block_reads_back_from_its_keys(found) -> None:  # type: ignore[no-untyped-def]
    back = codec.from_json(json.loads(json.dumps(codec.to_json(found))))
    assert back is not None and len(back) == 1
    # the file names no inputs list (each box and rule names its own); everything else comes back
    assert back[0].inputs == () and found[0].inputs
    assert differences(plain(back[0]), {**plain(found[0]), "inputs": []}) == []
    assert codec.to_json(back) == codec.to_json(found)
    assert codec.from_json({}) is None and codec.to_json(None) == {}


def test_uncalibrated_runs_have_one_side(synthetic) -> None:  # type: ignore[no-untyped-def]
    _, prior = synthetic
    findings = discover(CONDITION, names=NAMES, calibrated=prior, prior=prior, is_calibrated=False)
    assert findings[0].calibrated is None
    d = codec.to_json(findings)["discovery"]
    assert d["long_shortage"]["weights"] == "uncalibrated" and "prior" not in d["long_shortage"]
    back = codec.from_json({"discovery": d})
    assert back is not None and back[0].calibrated is None and back[0].prior.share == pytest.approx(
        findings[0].prior.share, rel=1e-5)


# ----------------------------------------------------------------------------- words
@pytest.mark.parametrize(("condition", "en", "de"), [
    ("months_short >= 3", "Months in which Russia ran short: 3 months or more",
     "Monate, in denen Russland Mangel hatte: 3 Monate oder mehr"),
    ("nk_share_of_fired > 0.45 and shortfall_total > 0",
     "North Korean share of fired shells above 45 % and Shortfall: shells wanted but not available above 0",
     "Nordkoreanischer Anteil an den verschossenen Granaten über 45 % und Fehlmenge: gewünschte, aber nicht "
     "verfügbare Granaten über 0"),
    ("months_short >= 3 or (nk_share_of_fired < 0.2 and killed_total <= 1000)",
     "Months in which Russia ran short: 3 months or more or (North Korean share of fired shells below 20 % and "
     "North Korean soldiers killed: 1,000 or less)",
     "Monate, in denen Russland Mangel hatte: 3 Monate oder mehr oder (Nordkoreanischer Anteil an den "
     "verschossenen Granaten unter 20 % und Gefallene nordkoreanische Soldaten: 1.000 oder weniger)"),
])
def test_condition_words(condition: str, en: str, de: str) -> None:
    assert condition_words(condition, "en") == en
    assert condition_words(condition, "de") == de
    assert ">=" not in en and "months_short" not in en


def test_limit_phrases() -> None:
    assert limit_phrase("nk_shipping_capacity_per_month", None, 310_000.0) == \
        "North Korean shipping capacity below 310,000 shells a month"
    assert limit_phrase("ru_production_growth_per_year", 0.05, None) == "Russian production growth above 5.0 % a year"
    assert limit_phrase("ru_production_growth_per_year", 0.05, 0.12).startswith("Russian production growth between")
    assert limit_phrase("not_a_parameter", None, None) == "not a parameter anywhere"
    assert limit_phrase("nk_shipping_capacity_per_month", None, 310_000.0, "de") != \
        limit_phrase("nk_shipping_capacity_per_month", None, 310_000.0)


def test_discovery_sentence_words() -> None:
    limits = [("nk_shipping_capacity_per_month", None, 310_000.0), ("ru_production_growth_per_year", None, 0.12)]
    text = discovery_sentence("long_shortage", "months_short >= 3", limits, density=0.62, coverage=0.71, share=0.21)
    assert text == ("\u201clong shortage\u201d (Months in which Russia ran short: 3 months or more) follows in 62 % of "
                    "the futures with North Korean shipping capacity below 310,000 shells a month and Russian "
                    "production growth below 12 % a year; these futures are 71 % of all futures where it holds (it "
                    "holds in 21 % of all futures).")
    more = discovery_sentence("long_shortage", "months_short >= 3", limits, density=0.62, coverage=0.71, share=0.21,
                              more=2)
    assert "(and 2 smaller restrictions listed below)" in more
    assert discovery_sentence("x", "months_short >= 3", [], density=0, coverage=0, share=0).endswith(
        "holds in none of these futures.")
    assert discovery_sentence("x", "months_short >= 3", [], density=0, coverage=0, share=0.3).startswith(
        "No range of the inputs singles out the futures where")
    german = discovery_sentence("long_shortage", "months_short >= 3", limits, density=0.62, coverage=0.71,
                                share=0.21, lang="de")
    assert "Monate, in denen Russland Mangel hatte: 3 Monate oder mehr" in german and "62 %" in german
    assert "310.000" in german


# ----------------------------------------------------------------------------- the report section
@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_section_shows_both_sides_and_the_chart(found, lang: str) -> None:  # type: ignore[no-untyped-def]
    figure = object()
    result = section(SectionContext(summary(), {"discovery_long_shortage": figure}, lang), found)
    assert result.key == "discovery" and result.template == "features/discovery/section.html.j2"
    (item,) = result.view.items
    assert item.name == "long shortage" and item.condition == condition_words("months_short >= 3", lang)
    assert item.figure is figure
    assert len(item.sides) == 2  # calibrated, then prior
    calibrated = item.sides[0]
    assert result.lead == calibrated.sentence and calibrated.sentence
    assert [row.name for row in calibrated.limits] == [n for n, _, _ in found[0].calibrated.without]
    assert all(row.low == "–" for row in calibrated.limits)  # the box has upper limits only
    assert 0 < len(calibrated.rules) <= 4
    if lang == "en":
        assert [s.label for s in item.sides] == ["Calibrated futures", "Prior futures (before calibration)"]
        assert result.heading == "Which futures lead to the outcome"
