"""Predictive distributions of reported figures (model.analysis.predictive): analytic cases."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from model.analysis.predictive import (
    check,
    compressed,
    crps,
    log_score,
    mixture_cdf,
    mixture_density,
    mixture_quantiles,
    predictive,
    weighted_crps,
)


def _normal_crps(mu: float, sd: float, y: float) -> float:
    z = (y - mu) / sd
    return sd * (z * (2 * stats.norm.cdf(z) - 1) + 2 * stats.norm.pdf(z) - 1 / math.sqrt(math.pi))


def test_one_future_is_a_lognormal() -> None:
    p = predictive(np.array([100.0, 100.0]), 0.3)
    np.testing.assert_allclose(np.exp(mixture_quantiles(p, [0.05, 0.5, 0.95])),
                               100 * np.exp(0.3 * stats.norm.ppf([0.05, 0.5, 0.95])), rtol=1e-9)
    y = math.log(130.0)
    assert log_score(p, y) == pytest.approx(stats.norm.logpdf(y, math.log(100), 0.3))
    assert crps(p, y, seed=1) == pytest.approx(_normal_crps(math.log(100), 0.3, y), rel=2e-3)
    c = check(p, 130.0, seed=1)
    assert c.inside and c.percentile == pytest.approx(stats.norm.cdf(y, math.log(100), 0.3))


def test_a_two_component_mixture() -> None:
    p = predictive(np.array([np.exp(0.0), np.exp(2.0)]), 0.5, np.array([3.0, 1.0]))
    x = 1.3
    cdf = 0.75 * stats.norm.cdf(x, 0, 0.5) + 0.25 * stats.norm.cdf(x, 2, 0.5)
    assert mixture_cdf(p, x)[0] == pytest.approx(cdf)
    q = mixture_quantiles(p, [0.3])[0]
    assert mixture_cdf(p, q)[0] == pytest.approx(0.3, abs=1e-9)
    grid = np.linspace(-4, 6, 4001)
    dens = mixture_density(p, grid)
    expected = 0.75 * stats.norm.pdf(grid, 0, 0.5) + 0.25 * stats.norm.pdf(grid, 2, 0.5)
    np.testing.assert_allclose(dens, expected, atol=1e-3)


def test_weighted_crps_is_the_energy_form() -> None:
    rng = np.random.default_rng(2)
    x, w, y = rng.normal(size=60), rng.random(60), 0.4
    w_ = w / w.sum()
    brute = np.sum(w_ * np.abs(x - y)) - 0.5 * np.sum(w_[:, None] * w_[None, :] * np.abs(x[:, None] - x[None, :]))
    assert weighted_crps(x, w, y) == pytest.approx(brute, rel=1e-12)


def test_series_shift_and_scale() -> None:
    p = predictive(np.array([100.0]), 0.2, shift=np.array([0.5]), scale_factor=0.5)
    assert p.locations[0] == pytest.approx(math.log(100) + 0.1) and p.scale == pytest.approx(0.1)


def test_compressed_keeps_quantiles_of_a_large_ensemble() -> None:
    rng = np.random.default_rng(4)
    p = predictive(np.exp(rng.normal(5, 0.4, 100_000)), 0.2, rng.random(100_000))
    small = compressed(p)
    assert small.locations.size <= 4096
    np.testing.assert_allclose(mixture_quantiles(small, [0.05, 0.5, 0.95]),
                               mixture_quantiles(p, [0.05, 0.5, 0.95]), atol=2e-3)


def test_bad_inputs_are_refused() -> None:
    with pytest.raises(ValueError, match="positive"):
        predictive(np.array([1.0]), 0.0)
    with pytest.raises(ValueError, match="no future"):
        predictive(np.array([1.0]), 0.1, np.array([0.0]))
    with pytest.raises(ValueError, match="in \\(0, 1\\)"):
        mixture_quantiles(predictive(np.array([1.0]), 0.1), [1.0])
