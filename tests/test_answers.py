"""The answer to a scenario's question in words (model.presentation.words.answers): each headline metric's
median and interval, how often it does not happen, what it depends on most (inputs by total Sobol index or
share of the tornado's swing, and the structural choice), one caveat, and the numbers before calibration;
English and German, from the typed summary only."""

from __future__ import annotations

from typing import Any

import pytest

from model.presentation import texts
from model.presentation.words import answer, structure_sentence
from tests.summaries import SUMMARY, summary, summary_json, typed

M = "nk_share_of_fired"


def _structures(share: float, firing: tuple[float, float], switch_share: float) -> dict[str, Any]:
    """summary.json's structure keys: ``firing`` uncertain, prior 1 : 1, posterior ``firing``."""
    stats = {M: SUMMARY["metrics"][M]}
    return {
        "structures": [{"choices": {"firing": c}, "prior_weight": 0.5, "log_evidence": -4.0, "posterior_probability": p,
                        "effective_sample_size": 200.0, "metrics": stats}
                       for c, p in zip(("stock_target", "demand"), firing)],
        "structure_switches": {"firing": [{"choice": c, "prior_weight": 0.5, "posterior_probability": p,
                                           "metrics": stats} for c, p in zip(("stock_target", "demand"), firing)]},
        "structure_share_of_variance": {M: share},
        "structure_switch_share_of_variance": {"firing": {M: switch_share}},
        "structures_distinguishable": firing[0] / firing[1] > 3,
    }


def test_the_answer_from_sobol_indices() -> None:
    a = answer(summary(), M)
    assert (a.label, a.median, a.interval) == ("North Korean share of fired shells", "41 %", "90 % interval 33–50 %")
    assert a.depends == ("Depends most on North Korean shipping capacity (total Sobol index 0.56) and North Korean "
                         "stockpile (total Sobol index 0.33).")  # the third (ST 0.01) does not matter
    # the first input is no article figure: the caveat says it is an assumption
    assert a.caveat == ("It rests most on North Korean shipping capacity, which no article reports: an assumption, "
                        "as wide as its prior.")
    assert a.before == "Before calibration: 36 % (90 % interval 21–54 %)."
    assert a.never == "" and a.definition == ""


def test_without_sobol_indices_the_swing_decides() -> None:
    d = summary_json()
    for i in d["driver_indices"][M]["inputs"]:
        i.pop("ST"), i.pop("S1")
    a = answer(typed(d), M)  # swings 0.12, 0.05, 0.01 of 0.18
    assert a.depends == ("Depends most on North Korean shipping capacity (0.67 of the swing) and North Korean "
                         "stockpile (0.28 of the swing).")


def test_an_input_reported_by_an_article_is_no_assumption() -> None:
    d = summary_json(figure_inputs={"nk_shipping_capacity_per_month": "some_figure"})
    assert answer(typed(d), M).caveat == "A model result that holds only if the reported claims are roughly right."
    nothing = summary_json(driver_indices={})
    a = answer(typed(nothing), M)
    assert a.depends == "No single input or structural choice stands out."
    assert a.caveat == "A model result that holds only if the reported claims are roughly right."


def test_a_structural_choice_the_figures_cannot_settle() -> None:
    s = typed(summary_json(**_structures(0.4, (0.55, 0.45), 0.35)))
    a = answer(s, M)
    assert a.depends.endswith("and how Russia fires (35 % of its spread after calibration).")
    assert a.caveat == ("The reported figures cannot tell apart how Russia fires: 35 % of this answer's spread comes "
                        "from that choice, not from the numbers.") == structure_sentence(s, M, "en")
    favoured = typed(summary_json(**_structures(0.4, (0.9, 0.1), 0.35)))
    assert answer(favoured, M).caveat == (
        "The reported figures favour, for how Russia fires, “holds a reserve, rations down to a floor” (90 % after "
        "calibration); the choice carries 35 % of this answer's spread.")
    small = typed(summary_json(**_structures(0.1, (0.55, 0.45), 0.03)))  # below both thresholds: not said
    assert structure_sentence(small, M, "en") == "" and "how Russia fires" not in answer(small, M).depends


def test_what_may_not_happen_and_how_it_is_counted() -> None:
    d = summary_json(headline=["months_short"])
    d["metrics"]["months_short"] = {"mean": 2.0, "p5": 0.0, "p50": 1.0, "p95": 6.0, "unit": "months",
                                    "share_never": 0.25}
    a = answer(typed(d), "months_short")
    assert a.never.startswith("In 25 % of the futures ") and a.never.endswith("(by Aug 2026, the window's end).")
    assert a.definition == ("“Short”: in a month more than 10 % of the shells Russia means to fire are missing.")
    assert a.before == ""  # nothing before calibration to compare with


def test_uncalibrated_answers_have_nothing_before() -> None:
    assert answer(summary(calibrated=False), M).before == ""


def test_the_answer_in_german() -> None:
    a = answer(summary(), M, "de")
    assert a.label == texts.label(M, "de") and a.median == "41 %" and a.interval == "90-%-Intervall 33–50 %"
    assert a.depends.startswith("Hängt vor allem ab von ") and "0,56" in a.depends
    assert a.before == "Vor der Kalibrierung: 36 % (90-%-Intervall 21–54 %)."
    german = answer(typed(summary_json(**_structures(0.4, (0.55, 0.45), 0.35))), M, "de")
    assert german.caveat.startswith("Die berichteten Zahlen können nicht unterscheiden, wie Russland feuert")
    with pytest.raises(ValueError):
        answer(summary(), M, "fr")
