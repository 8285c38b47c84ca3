"""Tests for the analyst's questions on a run: scenario discovery on a synthetic case with a known
box (weighted and prior), the words and summary keys, the scenario sections' validation with
FILE:LINE: FIELD, and samples: auto end to end (same stopping point and numbers for any mapping)."""

from __future__ import annotations

import json
import re
import shutil
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from model.analysis.analyst import AnalystResults, discover
from model.analysis.outcome import Ensemble
from model.core.catalogue import METRICS
from model.experiment import run_scenario
from model.inputs.loading import ScenarioError, load_scenario
from model.inputs.registry import load_registry
from model.inputs.sampling import SampleSet
from model.presentation.analyst_summary import analyst_summary
from model.presentation.report import render_report
from model.presentation.summary import build_summary
from model.presentation.words import discovery_sentence

REPO = Path(__file__).resolve().parents[1]
BASELINE = REPO / "scenarios" / "baseline.yaml"

# ----------------------------------------------------------------------------- a known box
NAMES = ["nk_shipping_capacity_per_month", "ru_production_growth_per_year", "nk_dud_rate_old",
         "troop_tour_months", "price_per_shell_usd"]
RANGES = [(150_000.0, 600_000.0), (0.0, 0.3), (0.05, 0.5), (4.0, 12.0), (100.0, 1000.0)]
TRUE_HIGH = {"nk_shipping_capacity_per_month": 310_000.0, "ru_production_growth_per_year": 0.12}
TOL = 0.05  # a recovered limit may miss by 5 % of its input's range
N = 20_000


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


def _assert_true_box(limits: dict) -> None:
    assert set(limits) == set(TRUE_HIGH), limits
    for j, name in enumerate(NAMES[:2]):
        low, high = limits[name]
        assert low is None
        assert abs(high - TRUE_HIGH[name]) <= TOL * (RANGES[j][1] - RANGES[j][0]), (name, high)


def test_discovery_recovers_the_known_box_weighted_and_prior(synthetic) -> None:
    calibrated, prior = synthetic
    (found,) = discover({"long_shortage": "months_short >= 3"}, names=NAMES, calibrated=calibrated, prior=prior,
                        is_calibrated=True)
    assert found.condition == "months_short >= 3"
    for side in (found.calibrated, found.prior):
        assert side is not None
        _assert_true_box(side.prim.box.limits)
        # with 10 % of all labels flipped the true box holds ~0.9 of its futures' and ~0.59 of all the y
        assert side.prim.box.density > 0.8 and side.prim.box.coverage > 0.5
        assert [n for n, _, _ in side.without][:2] != []  # the box's inputs, most important first
        # the tree's dense leaves lie in the true box (a third split on a noise input may halve it)
        dense = [r for r in side.rules if r.density > 0.8]
        assert dense and sum(r.support for r in dense) > 0.12
        for r in dense:
            for j, name in enumerate(NAMES[:2]):
                assert abs(r.limits[name][1] - TRUE_HIGH[name]) <= TOL * (RANGES[j][1] - RANGES[j][0])
    assert found.calibrated.effective_futures < 0.9 * N  # the weights count


def test_summary_keys_and_sentence(synthetic) -> None:
    calibrated, prior = synthetic
    findings = discover({"long_shortage": "months_short >= 3"}, names=NAMES, calibrated=calibrated, prior=prior,
                        is_calibrated=True)
    out = analyst_summary(SimpleNamespace(analyst=AnalystResults(discovery=findings)))  # type: ignore[arg-type]
    d = out["discovery"]["long_shortage"]
    w = calibrated.weights
    assert d["share"] == pytest.approx(float(w[calibrated.metrics["months_short"] >= 3].sum()), rel=1e-5)
    assert d["weights"] == "calibrated" and d["prior"]["weights"] == "prior"
    assert all({"limits", "coverage", "density"} <= set(b) for b in d["boxes"])
    assert d["boxes"][d["chosen"]]["limits"].keys() == TRUE_HIGH.keys()
    assert d["rules"] and all({"limits", "density", "support"} <= set(r) for r in d["rules"])
    assert re.search(r"follows in \d+ % of the futures with (North Korean shipping capacity below [\d,]+ shells "
                     r"a month and Russian production growth below [\d.]+ % a year|Russian production growth below "
                     r"[\d.]+ % a year and North Korean shipping capacity below [\d,]+ shells a month); these "
                     r"futures are \d+ % of all futures where it holds", d["sentence"]), d["sentence"]
    json.dumps(out)  # plain JSON


def test_uncalibrated_runs_have_one_side(synthetic) -> None:
    _, prior = synthetic
    findings = discover({"long_shortage": "months_short >= 3"}, names=NAMES, calibrated=prior, prior=prior,
                        is_calibrated=False)
    assert findings[0].calibrated is None
    d = analyst_summary(SimpleNamespace(analyst=AnalystResults(discovery=findings)))["discovery"]  # type: ignore[arg-type]
    assert d["long_shortage"]["weights"] == "uncalibrated" and "prior" not in d["long_shortage"]


def test_discovery_sentence_words() -> None:
    text = discovery_sentence("long_shortage", "months_short >= 3",
                              [("nk_shipping_capacity_per_month", None, 310_000.0),
                               ("ru_production_growth_per_year", None, 0.12)],
                              density=0.62, coverage=0.71, share=0.21)
    assert text == ("\u201clong shortage\u201d (months_short >= 3) follows in 62 % of the futures with North Korean "
                    "shipping capacity below 310,000 shells a month and Russian production growth below 12 % a "
                    "year; these futures are 71 % of all futures where it holds (it holds in 21 % of all futures).")


# ----------------------------------------------------------------------------- validation
@pytest.fixture(scope="module")
def registry():
    return load_registry()


def _child(folder: Path, name: str, body: str) -> Path:
    shutil.copy(BASELINE, folder / "baseline.yaml")
    path = folder / f"{name}.yaml"
    path.write_text(f"name: {name}\nextends: baseline\ndescription: test {name}\n" + textwrap.dedent(body).lstrip(),
                    encoding="utf-8")
    return path


def _line(path: Path, needle: str) -> int:
    return next(i for i, t in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in t)


CASES = [
    ("unknown-parameter", "correlations:\n  - params: [nk_stockpile_start, nk_dud_rate_olde]\n    rank: 0.4\n",
     "nk_dud_rate_olde", "correlations[0].params[1]", r"unknown parameter 'nk_dud_rate_olde'; did you mean "
     r"'nk_dud_rate_old'\?"),
    ("rank-above-one", "correlations:\n  - params: [nk_stockpile_start, nk_dud_rate_old]\n    rank: 1.4\n",
     "rank: 1.4", "correlations[0].rank", r"less than or equal to 1 \(got 1.4\)"),
    ("not-positive-definite", """\
        correlations:
          - params: [ru_production_growth_per_year, ru_production_ceiling_per_month]
            rank: 0.9
          - params: [ru_production_growth_per_year, nk_dud_rate_old]
            rank: 0.9
          - params: [ru_production_ceiling_per_month, nk_dud_rate_old]
            rank: -0.9
        """, "[ru_production_growth_per_year, ru_production_ceiling", "correlations[0]",
     r"cannot hold together.*not positive definite.*Conflicting pairs: "
     r".*ru_production_ceiling_per_month~nk_dud_rate_old"),
    ("pair-twice", """\
        correlations:
          - params: [nk_stockpile_start, nk_dud_rate_old]
            rank: 0.4
          - params: [nk_dud_rate_old, nk_stockpile_start]
            rank: 0.2
        """, "[nk_dud_rate_old, nk_stockpile_start]", "correlations[1]", r"already correlated in entry 0"),
    ("fixed-input", """\
        parameters:
          nk_dud_rate_old: {dist: fixed, value: 0.2, unit: fraction, assumption: test}
        correlations:
          - params: [nk_stockpile_start, nk_dud_rate_old]
            rank: 0.4
        """, "params: [nk_stockpile_start, nk_dud_rate_old]", "correlations[0].params[1]", r"is fixed"),
    ("condition-typo", 'discovery:\n  long_shortage: "month_short >= 3"\n', "long_shortage:", "discovery.long_shortage",
     r"unknown metric 'month_short' at character 0; did you mean 'months_short'\?"),
    ("condition-name", 'discovery:\n  long-shortage: "months_short >= 3"\n', "long-shortage:",
     "discovery.long-shortage", r"not usable as a condition's name"),
    ("samples-word", "samples: many\n", "samples:", "samples", r"valid integer or 'auto' \(got 'many'\)"),
    ("precision-key", "samples: auto\nprecision:\n  tolerence: 0.02\n", "tolerence", "precision.tolerence",
     r"unknown key; did you mean 'tolerance'\?"),
]


@pytest.mark.parametrize(("name", "body", "needle", "field", "message"), CASES, ids=[c[0] for c in CASES])
def test_problems_name_file_line_and_field(tmp_path: Path, registry, name, body, needle, field, message) -> None:
    path = _child(tmp_path, name.replace("-", "_"), body)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, registry=registry)
    hits = [p for p in info.value.problems if p.field == field]
    assert hits, [str(p) for p in info.value.problems]
    assert hits[0].file == str(path) and hits[0].line == _line(path, needle)
    assert re.search(message, hits[0].message), hits[0].message


def test_extends_merges_the_new_sections(tmp_path: Path, registry) -> None:
    parent = _child(tmp_path, "parent", """\
        samples: auto
        precision: {tolerance: 0.02, max_samples: 131072}
        correlations:
          - params: [nk_stockpile_start, nk_dud_rate_old]
            rank: 0.4
        discovery:
          long_shortage: "months_short >= 3"
          dominant: "nk_share_of_fired > 0.5"
        """)
    assert load_scenario(parent, registry=registry).scenario.samples == "auto"
    kid = tmp_path / "kid.yaml"
    kid.write_text(textwrap.dedent("""\
        name: kid
        extends: parent
        description: child of parent
        precision: {tolerance: 0.05}
        correlations: []
        discovery:
          dominant: null
          short: "months_short >= 1"
        """), encoding="utf-8")
    sc = load_scenario(kid, registry=registry).scenario
    assert sc.samples == "auto"
    assert (sc.precision.tolerance, sc.precision.max_samples) == (0.05, 131072)  # fields merge
    assert sc.correlations == []  # a list is replaced whole
    assert sc.discovery == {"long_shortage": "months_short >= 3", "short": "months_short >= 1"}  # entries merge


# ----------------------------------------------------------------------------- samples: auto, end to end
AUTO = """\
samples: auto
precision: {metrics: [nk_share_of_fired], quantiles: [0.5], tolerance: 0.05, max_samples: 131072}
calibration: {method: importance}
sensitivity: {metrics: [nk_share_of_fired], methods: [rank]}
correlations:
  - params: [nk_stockpile_start, nk_dud_rate_old]
    rank: 0.4
    reason: "a larger stock is older stock"
discovery:
  long_shortage: "months_short >= 3"
"""


def test_auto_samples_same_stopping_point_and_numbers_for_any_mapping(tmp_path: Path, registry) -> None:
    sc = load_scenario(_child(tmp_path, "auto", AUTO), registry=registry).scenario
    one = run_scenario(sc, registry)
    with ThreadPoolExecutor(2) as pool:
        two = run_scenario(sc, registry, map_blocks=pool.map)
    s1, s2 = build_summary(one), build_summary(two)
    assert json.dumps(s1, sort_keys=True) == json.dumps(s2, sort_keys=True)
    stop = s1["stopping"]
    assert stop["reason"] == "target_met" and stop["samples"] == s1["samples"] == 65_536 == len(one.prior)
    assert stop["precision"]["nk_share_of_fired"]["p50"] <= 0.05
    pair = s1["correlations"]["pairs"][0]
    assert pair["target"] == 0.4 and pair["achieved"] == pytest.approx(0.4, abs=0.02)
    d = s1["discovery"]["long_shortage"]
    assert {"share", "boxes", "rules", "prior", "sentence"} <= set(d)
    assert 0 < d["share"] < 1
    # the report: every analyst section, each with its figure (files named as the run names them)
    png = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8"
                        "ffff3f0005fe02fea7d6a5c50000000049454e44ae426082")
    figures = []
    for stem in ("discovery_long_shortage", "convergence_stopping", "corner_inputs", "fan_other"):
        (tmp_path / f"{stem}.png").write_bytes(png)
        figures.append((stem.replace("_", " "), tmp_path / f"{stem}.png"))
    html = render_report(s1, figures=figures, figures_used=[], sensitivity=[])
    for needle in ('id="discovery"', 'id="correlations"', 'id="stopping"', 'id="tradeoffs"',
                   "Sobol indices and the tornado swings assume independent inputs",
                   "Sampling stopped after 65,536 samples", ">discovery long shortage</figcaption>",
                   ">convergence stopping</figcaption>", ">corner inputs</figcaption>"):
        assert needle in html, needle
    # shown in their sections, not again under Figures
    assert html.count(">convergence stopping</figcaption>") == 1 and ">fan other</figcaption>" in html
