"""Each kind of claim's likelihood against a closed form or a brute-force reference."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from model.analysis.calibration import date_nodes, observed_figure
from model.analysis.likelihoods import log_capacity, log_count, log_diff_ndtr, log_undated, log_words
from model.analysis.smc import importance_weights, temper
from model.inputs.registry import load_registry

RNG = np.random.default_rng(7)


def test_log_diff_ndtr_matches_the_plain_difference_and_keeps_the_tails():
    a = np.array([0.5, 3.0, -1.0, 9.0, -9.0, 40.0])
    b = np.array([-0.5, 2.0, -2.0, 8.0, -10.0, 39.0])
    plain = np.log(stats.norm.cdf(a[:3]) - stats.norm.cdf(b[:3]))
    got = log_diff_ndtr(a, b)
    np.testing.assert_allclose(got[:3], plain, rtol=1e-12)
    # deep in the tails the plain difference loses everything; the survival functions do not
    assert np.isclose(got[3], np.log(stats.norm.sf(8.0) - stats.norm.sf(9.0)), rtol=1e-10)
    assert np.isclose(got[4], np.log(stats.norm.cdf(-9.0) - stats.norm.cdf(-10.0)), rtol=1e-10)
    assert np.isfinite(got[5]) and got[5] < -700


def test_capacity_is_the_count_density_averaged_over_a_log_uniform_fill():
    """Brute force: draw the fill factor, average the count density of ln r given ln(x·f) ... (the
    report is the delivered count divided by the fill)."""
    reported, sigma, lo, hi = 3.5e6, 0.2, 0.4, 1.0
    x = np.array([1.0e6, 1.5e6, 2.5e6, 3.4e6, 4.5e6])
    fill = np.exp(RNG.uniform(np.log(lo), np.log(hi), 400_000))
    brute = np.array([np.mean(stats.norm.pdf(np.log(reported), np.log(xi / fill), sigma)) for xi in x])
    got = np.exp(log_capacity(x, math.log(reported), sigma, lo, hi))
    np.testing.assert_allclose(got, brute, rtol=5e-3)
    # not centred on the figure: a delivered count of about half the figure is as likely as the figure
    assert got[2] > 0.6 * got[3]
    # a known fill of 1 is the count itself
    np.testing.assert_allclose(log_capacity(x, math.log(reported), sigma, 1.0, 1.0),
                               log_count(x, math.log(reported), sigma), rtol=1e-12)


def test_words_interval_is_the_probability_the_noisy_value_falls_in_it():
    low, high, sigma = 200.0, 999.0, 0.3
    x = np.array([50.0, 150.0, 400.0, 900.0, 3000.0])
    eps = RNG.normal(0.0, sigma, 400_000)
    brute = np.array([np.mean((xi * np.exp(eps) >= low) & (xi * np.exp(eps) <= high)) for xi in x])
    np.testing.assert_allclose(np.exp(log_words(x, low, high, sigma, "interval")), brute, atol=3e-3)
    brute_least = np.array([np.mean(xi * np.exp(eps) >= low) for xi in x])
    np.testing.assert_allclose(np.exp(log_words(x, low, high, sigma, "at_least")), brute_least, atol=3e-3)


def test_a_lower_bound_gives_the_censored_normal_posterior():
    """Prior ln x ~ N(μ, τ²) and "at least L" with error σ: the posterior mean of ln x is
    μ + τ²/s · φ(α)/Φ(α), s = √(τ² + σ²), α = (μ − ln L)/s (a skew-normal)."""
    mu, tau, sigma, low = math.log(300.0), 0.8, 0.3, 400.0
    s = math.hypot(tau, sigma)
    alpha = (mu - math.log(low)) / s
    closed = mu + tau**2 / s * stats.norm.pdf(alpha) / stats.norm.cdf(alpha)
    # importance weighting of prior draws
    z = RNG.normal(mu, tau, 400_000)
    w, _, log_z = importance_weights(log_words(np.exp(z), low, math.inf, sigma, "at_least"))
    assert float(np.dot(w, z)) == pytest.approx(closed, abs=4e-3)
    assert log_z == pytest.approx(math.log(stats.norm.cdf(alpha)), abs=3e-3)  # the evidence: Φ(α)
    # and through the tempering SMC on the unit interval
    result = temper(lambda u: log_words(np.exp(stats.norm.ppf(u[:, 0], mu, tau)), low, math.inf, sigma, "at_least"),
                    RNG.uniform(size=(8192, 1)), seed=3, target_ess_fraction=0.95)
    post = stats.norm.ppf(result.unit_samples[:, 0], mu, tau)
    assert float(np.dot(result.weights, post)) == pytest.approx(closed, abs=0.03)


def test_an_undated_total_averages_the_density_over_its_possible_months():
    """Quadrature over the months against a brute-force draw of the date."""
    months = 12
    path = np.linspace(10.0, 25.0, months)[None, :] * np.array([[0.8], [1.0], [1.3]])  # 3 futures
    reported, sigma = 20.0, 0.25
    got = np.exp(log_undated(path, math.log(reported), sigma))
    dates = RNG.integers(0, months, 200_000)
    brute = np.array([np.mean(stats.norm.pdf(math.log(reported), np.log(row[dates]), sigma)) for row in path])
    np.testing.assert_allclose(got, brute, rtol=1e-2)


def test_date_nodes_spread_evenly_and_keep_both_ends():
    assert date_nodes("2025-07", "2025-09") == ("2025-07", "2025-08", "2025-09")
    nodes = date_nodes("2025-07", "2026-08")
    assert nodes[0] == "2025-07" and nodes[-1] == "2026-08" and len(nodes) == 6


def test_the_seed_figures_are_read_as_their_claims():
    reg = load_registry()
    delivered = observed_figure(reg.get("nk_shells_delivered_2024"), output="nk_deliveries_cumulative",
                                month="2024-06", spread=None)
    assert delivered.kind == "capacity" and delivered.allowed == (0.4 * 3.5e6, 3.5e6)
    killed = observed_figure(reg.get("nk_soldiers_killed_kursk"), output="killed_cumulative", month="2025-07",
                             spread=None)
    assert killed.kind == "words" and killed.reported is None and killed.words == "schon Hunderte"
    assert killed.allowed == (200.0, math.inf)  # "schon": a lower bound
    kida = observed_figure(reg.get("nk_military_support_value_usd"), output="payments_cumulative_usd",
                           month="2025-07", spread=0.5, window=("2023-09", "2026-08"))
    assert kida.kind == "total_undated" and kida.months[0] == "2025-07" and kida.months[-1] == "2026-08"
