"""Preposterior analysis: the expected narrowing of an answer's interval by a report not yet made."""

from __future__ import annotations

import math

import numpy as np
import pytest

from model.analysis.value_of_information import Candidate, expected_narrowing, interval_width, sigma_of


def _candidate(sigma: float) -> Candidate:
    return Candidate("nk_deliveries_cumulative", "2025-12", (27,), "medium", sigma)


@pytest.mark.parametrize("sigma", [0.5, 1.0, 2.0])
def test_linear_gaussian_expected_width_matches_the_closed_form(sigma):
    """θ ~ N(0, 1) is the answer, the quantity is e^θ and a report ln y = θ + N(0, σ²): the posterior
    sd is 1/√(1 + 1/σ²) whatever is reported, so the 90 % width after is 2·1.645 times it."""
    rng = np.random.default_rng(11)
    theta = rng.standard_normal(60_000)
    weights = np.ones_like(theta)
    (result,) = expected_narrowing(theta, weights, np.exp(theta)[None, :], [_candidate(sigma)], seed=5, draws=400)
    z = 1.6448536269514722
    assert result.width_before == pytest.approx(2 * z, rel=0.02)
    assert result.width_after == pytest.approx(2 * z / math.sqrt(1 + 1 / sigma**2), rel=0.03)
    assert result.narrowing == pytest.approx(1 - 1 / math.sqrt(1 + 1 / sigma**2), abs=0.02)


def test_a_report_on_an_unrelated_quantity_narrows_nothing_and_weights_count():
    rng = np.random.default_rng(3)
    answer = rng.standard_normal(40_000)
    unrelated = np.exp(rng.standard_normal(40_000))
    (result,) = expected_narrowing(answer, np.ones_like(answer), unrelated[None, :], [_candidate(0.3)], seed=1)
    assert abs(result.narrowing) < 0.04
    # weights: an answer's interval is taken under the calibrated weights, not the raw samples
    values = np.linspace(0.0, 1.0, 1001)
    w = np.where(values < 0.5, 1.0, 0.0)
    assert interval_width(values, w)[0] == pytest.approx(0.45, abs=0.002)


def test_the_same_seed_gives_the_same_ranking():
    rng = np.random.default_rng(2)
    theta = rng.standard_normal(5000)
    q = np.vstack([np.exp(theta), np.exp(theta + rng.standard_normal(5000))])
    cands = [_candidate(0.5), Candidate("x", "2026", (1, 2), "low", sigma_of(0.5))]
    a = expected_narrowing(theta, np.ones(5000), q, cands, seed=9)
    b = expected_narrowing(theta, np.ones(5000), q, cands, seed=9)
    assert [r.width_after for r in a] == [r.width_after for r in b]
    assert a[0].narrowing > a[1].narrowing > -0.05
