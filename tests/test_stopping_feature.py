"""``samples: auto`` as a feature (model.features.stopping: codec, words, report section) and end to end with
the other features on a small run: the same stopping point and the same summary.json for any mapping of
the blocks, and each feature's numbers where they belong."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from model.features.base import SectionContext
from model.features.stopping import codec
from model.features.stopping.compute import PrecisionCheck, PrecisionTarget, Stopping
from model.features.stopping.report import section
from model.features.stopping.words import stopping_statement
from tests.summaries import feature_run, summary, summary_of, written

TARGET = PrecisionTarget(("nk_share_of_fired", "killed_total"), (0.05, 0.5, 0.95), 0.02, 0.95, 262_144)


def _stopping(reason: str, final: dict[str, tuple[float, ...]], met: bool) -> Stopping:
    early = PrecisionCheck(65_536, 4_000.0, {m: tuple(3 * v for v in vs) for m, vs in final.items()}, {}, False)
    last = PrecisionCheck(131_072 if met else 262_144, 9_000.0, final, {}, met)
    return Stopping(last.samples, reason, TARGET, True, (early, last))  # type: ignore[arg-type]


MET = _stopping("target_met", {"nk_share_of_fired": (0.01, 0.008, 0.012), "killed_total": (0.015, 0.01, 0.019)}, True)
SHORT = _stopping("max_samples", {"nk_share_of_fired": (0.01, 0.03, 0.012),
                                  "killed_total": (0.01, 0.01, float("inf"))}, False)


def test_the_statement_says_when_and_why_it_stopped() -> None:
    assert stopping_statement(MET) == (
        "Sampling stopped after 131,072 samples, when the 5th, 50th and 95th percentiles of every chosen metric "
        "were known to within ±2.0 % of their 90 % width at 95 % confidence (least precise: North Korean soldiers "
        "killed, ±1.9 %).")
    short = stopping_statement(SHORT)
    assert short.startswith("Sampling stopped at the maximum of 262,144 samples before the target (±2.0 % at 95 % "
                            "confidence) held")
    # each metric short of the target, least precise first: an unbounded quantile is the least precise of all
    assert ": still short of it: North Korean soldiers killed ±unbounded, North Korean share of fired shells ±3.0 %;" \
        in short
    assert short.endswith("raise precision.max_samples or the tolerance.")
    german = stopping_statement(MET, "de")
    assert "131.072" in german and german != stopping_statement(MET) and "±2,0 %" in german


def test_the_block_in_summary_json_and_back() -> None:
    d = json.loads(json.dumps(codec.to_json(SHORT)))["stopping"]
    assert d["samples"] == 262_144 and d["reason"] == "max_samples" and d["statement"] == stopping_statement(SHORT)
    assert d["precision"] == {"nk_share_of_fired": {"p5": 0.01, "p50": 0.03, "p95": 0.012},
                              "killed_total": {"p5": 0.01, "p50": 0.01, "p95": None}}
    assert [c["precision"] for c in d["checks"]] == [{"nk_share_of_fired": 0.09, "killed_total": None},
                                                     {"nk_share_of_fired": 0.03, "killed_total": None}]
    back = codec.from_json({"stopping": d})
    assert back is not None and back.final.precision == SHORT.final.precision and back.target == SHORT.target
    assert [c.samples for c in back.checks] == [65_536, 262_144] and back.reason == "max_samples" and back.weighted
    assert back.checks[0].precision == {"nk_share_of_fired": (0.09,), "killed_total": (float("inf"),)}  # worst only
    assert codec.to_json(None) == {} and codec.from_json({}) is None
    assert codec.quantile_key(0.05) == "p5" and codec.quantile_key(0.975) == "p97.5"


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_section_marks_what_is_within_the_target(lang: str) -> None:
    figure = object()
    result = section(SectionContext(summary(), {"convergence_stopping": figure}, lang), SHORT)
    view = result.view
    assert result.key == "stopping" and result.lead == stopping_statement(SHORT, lang) == view.statement
    assert view.figure is figure and len(view.headers) == 3
    assert [[c.met for c in r.cells] for r in view.rows] == [[True, False, True], [True, True, False]]
    if lang == "en":
        assert view.rows[1].cells[2].text == "unbounded" and view.rows[0].cells[0].text == "±1.0 %"
        assert view.reason == "maximum reached" and view.samples == "262,144" and view.checkpoints == "65,536, 262,144"


def test_auto_samples_same_stopping_point_and_numbers_for_any_mapping() -> None:
    one = feature_run()
    with ThreadPoolExecutor(2) as pool:
        two = feature_run(pool.map)
    assert one is not two
    s1, s2 = summary_of(one), summary_of(two)
    d1, d2 = written(s1), written(s2)
    assert json.dumps(d1, sort_keys=True) == json.dumps(d2, sort_keys=True)
    stop = d1["stopping"]
    assert stop["reason"] == "target_met" and stop["samples"] == d1["samples"] == 1024 == len(one.prior)
    assert stop["precision"]["nk_share_of_fired"]["p50"] <= 0.5
    assert stop["statement"].startswith("Sampling stopped after 1,024 samples")
    pair = d1["correlations"]["pairs"][0]
    assert pair["target"] == 0.4 and pair["achieved"] == pytest.approx(0.4, abs=0.05)
    assert pair["reason"] == "a larger stock is older stock"
    for name in ("long_shortage", "nk_dominant"):
        d = d1["discovery"][name]
        assert {"share", "boxes", "rules", "prior", "sentence"} <= set(d)
        assert 0 < d["share"] < 1 and d["weights"] == "calibrated"
    assert [a["name"] for a in d1["alternatives"]] == ["scenario", "demand_firing"]
    assert d1["alternatives"][1]["choices"] == {"firing": "demand", "supply_decline": "constant"}
    assert set(d1["tradeoffs"]) >= {"inputs", "narrowing", "prior_rank", "calibrated_rank"}
