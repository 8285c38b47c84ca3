"""Series of figures of one trajectory: correlated errors (model.analysis.series) in the calibration."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from model.analysis.calibration import ObservedFigure, calibrate
from model.analysis.series import conditional_error, effective_figures, series_correction, series_groups


def _fig(fid: str, output: str, value: float, spread: float) -> ObservedFigure:
    return ObservedFigure(fid, output, "2024-06", value, value / (1 + spread), value * (1 + spread), fid)


def test_the_correction_gives_the_multivariate_normal_density() -> None:
    rng = np.random.default_rng(1)
    obs = [_fig("a", "x", 100.0, 0.2), _fig("b", "y", 50.0, 0.3), _fig("c", "x", 130.0, 0.5),
           _fig("d", "x", 150.0, 0.25)]
    values = np.exp(rng.normal(np.log([90.0, 60.0, 120.0, 170.0]), 0.3, size=(200, 4)))
    rho = 0.6
    assert series_groups(obs) == [[0, 2, 3]]
    got = series_correction(values, obs, rho)
    cols = [0, 2, 3]
    sig = np.array([obs[j].sigma_log for j in cols])
    cov = rho * np.outer(sig, sig) + np.diag((1 - rho) * sig**2)
    resid = np.column_stack([obs[j].centre_log - np.log(values[:, j]) for j in cols])
    joint = stats.multivariate_normal(np.zeros(3), cov).logpdf(resid)
    independent = stats.norm(0, sig).logpdf(resid).sum(axis=1)
    np.testing.assert_allclose(got, joint - independent, rtol=1e-10, atol=1e-10)
    # a subset: the pair (a, c) only
    pair = series_correction(values, obs, rho, present=[0, 2])
    cov2 = cov[np.ix_([0, 1], [0, 1])]
    joint2 = stats.multivariate_normal(np.zeros(2), cov2).logpdf(resid[:, :2])
    np.testing.assert_allclose(pair, joint2 - stats.norm(0, sig[:2]).logpdf(resid[:, :2]).sum(axis=1), atol=1e-10)
    assert np.all(series_correction(values, obs, 0.0) == 0)
    assert np.all(series_correction(values, obs, rho, present=[0, 1]) == 0)  # one figure per trajectory


def test_conditional_error_matches_gaussian_conditioning() -> None:
    rho, k = 0.5, 3
    r = np.full((k + 1, k + 1), rho) + (1 - rho) * np.eye(k + 1)
    known = np.array([[0.3, -1.0, 2.0], [0.0, 0.0, 0.0]])
    mean, sd = conditional_error(known, rho)
    gain = r[k, :k] @ np.linalg.inv(r[:k, :k])
    np.testing.assert_allclose(mean, known @ gain)
    assert sd == pytest.approx(np.sqrt(r[k, k] - gain @ r[:k, k]))
    assert conditional_error(np.empty((2, 0)), rho)[1] == 1.0
    assert effective_figures(4, 0.5) == pytest.approx(1.6)
    assert effective_figures(3, 0.0) == 3


def test_two_reports_of_one_count_weigh_like_two_over_one_plus_rho() -> None:
    """Conjugate check: log model value θ ~ N(0, 1) over the prior; two reports of the same
    trajectory at dates where the model value is the same. With correlation ρ the posterior
    precision of θ is 1 + 2 / ((1 + ρ) σ²), not 1 + 2 / σ²."""
    n = 400_000
    theta = np.random.default_rng(3).normal(0.0, 1.0, n)
    values = np.column_stack([np.exp(theta), np.exp(theta)])
    spread = 0.4
    obs = [_fig("a", "x", 1.5, spread), _fig("b", "x", 1.5, spread)]
    sigma = obs[0].sigma_log
    for rho in (0.0, 0.5):
        cal = calibrate(values, obs, series_correlation=rho)
        mean = np.sum(cal.weights * theta)
        var = np.sum(cal.weights * (theta - mean) ** 2)
        expected = 1.0 / (1.0 + 2.0 / ((1.0 + rho) * sigma**2))
        assert var == pytest.approx(expected, rel=0.03), rho
    assert cal.series == (("a", "b"),) and cal.series_correlation == 0.5


def test_leave_one_out_uses_the_rest_of_the_series() -> None:
    rng = np.random.default_rng(5)
    theta = rng.normal(0.0, 1.0, 50_000)
    values = np.column_stack([np.exp(theta), np.exp(theta + 0.2), np.exp(0.5 * theta)])
    obs = [_fig("a", "x", 1.2, 0.3), _fig("b", "x", 1.6, 0.3), _fig("c", "z", 1.1, 0.3)]
    rho = 0.5
    cal = calibrate(values, obs, series_correlation=rho)
    # brute force: leaving b out, the others' joint density is a (alone in its series now) times c
    ll = np.column_stack([o.log_likelihood(values[:, j]) for j, o in enumerate(obs)])
    w = np.exp(ll[:, 0] + ll[:, 2] - (ll[:, 0] + ll[:, 2]).max())
    w /= w.sum()
    expected = float(np.sum(w[values[:, 1] <= obs[1].reported]))
    assert cal.fits[1].loo_quantile == pytest.approx(expected, abs=1e-6)
    # leaving c out keeps the (a, b) series joint
    joint = ll[:, 0] + ll[:, 1] + series_correction(values, obs, rho, present=[0, 1])
    w = np.exp(joint - joint.max())
    w /= w.sum()
    assert cal.fits[2].loo_quantile == pytest.approx(float(np.sum(w[values[:, 2] <= obs[2].reported])), abs=1e-6)
