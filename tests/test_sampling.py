"""Tests for model/sampling.py: one contract for every sampling method (mc, lhs, sobol).

The numbers must not depend on how a run is chunked: block ``b`` is a function of the seed
and ``b`` alone. No test here measures time.
"""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from model.inputs.distributions import pert
from model.inputs.loading import load_scenario
from model.inputs.priors import build_priors
from model.inputs.registry import load_registry
from model.inputs.sampling import (
    BLOCK_SIZE,
    SampleSet,
    block_ranges,
    inverse_cdf,
    sample_block,
    sample_parameters,
    unit_block,
)
from model.inputs.schema import PARAMETER_INFO, Parameters

BASELINE = Path(__file__).resolve().parents[1] / "scenarios" / "baseline.yaml"
METHODS = ["mc", "lhs", "sobol"]
SEED = 20230913
N_MARGINAL = 20_000


@pytest.fixture(scope="module")
def priors():
    """The baseline's priors, with one parameter made fixed so fixed columns are covered too."""
    registry = load_registry()
    data = copy.deepcopy(load_scenario(BASELINE, registry=registry).data["parameters"])
    data["troop_wounded_per_killed"] = {"dist": "fixed", "value": 3, "unit": "ratio", "assumption": "test"}
    return build_priors(Parameters.model_validate(data), registry)


@pytest.fixture(scope="module")
def uncertain(priors):
    return [(j, p) for j, p in enumerate(priors) if p.is_uncertain]


@pytest.fixture(scope="module")
def two_blocks(priors):
    """BLOCK_SIZE + 1000 samples per method, drawn once for the module."""
    return {m: sample_parameters(priors, BLOCK_SIZE + 1000, method=m, seed=SEED) for m in METHODS}


@pytest.fixture(scope="module")
def marginal(priors):
    return {m: sample_parameters(priors, N_MARGINAL, method=m, seed=SEED) for m in METHODS}


# --------------------------------------------------------------------------- the contract
@pytest.mark.parametrize("method", METHODS)
def test_shape_names_and_fixed_columns(priors, marginal, method):
    s = marginal[method]
    assert isinstance(s, SampleSet)
    assert s.values.shape == (N_MARGINAL, len(priors)) == (N_MARGINAL, len(PARAMETER_INFO))
    assert len(s) == N_MARGINAL
    assert s.names == [p.name for p in priors]
    assert np.all(s.column("troop_wounded_per_killed") == 3.0)
    assert set(s.as_dict()) == set(s.names)
    assert np.array_equal(s.as_dict()["nk_dud_rate_old"], s.column("nk_dud_rate_old"))


@pytest.mark.parametrize("method", METHODS)
def test_values_lie_within_each_priors_support(uncertain, two_blocks, method):
    values = two_blocks[method].values
    assert np.all(np.isfinite(values))
    for j, p in uncertain:
        lo, hi = p.dist.support()
        assert values[:, j].min() >= lo, p.name
        assert values[:, j].max() <= hi, p.name
        assert values[:, j].min() < values[:, j].max(), p.name


@pytest.mark.parametrize("method", METHODS)
def test_same_seed_same_numbers(priors, marginal, method):
    again = sample_parameters(priors, N_MARGINAL, method=method, seed=SEED)
    assert np.array_equal(again.values, marginal[method].values)


@pytest.mark.parametrize("method", METHODS)
def test_different_seed_different_numbers(priors, marginal, method):
    other = sample_parameters(priors, N_MARGINAL, method=method, seed=SEED + 1)
    uncertain = [j for j, p in enumerate(priors) if p.is_uncertain]
    differs = other.values[:, uncertain] != marginal[method].values[:, uncertain]
    assert differs.mean() > 0.99


@pytest.mark.parametrize("method", METHODS)
def test_results_do_not_depend_on_chunking(priors, two_blocks, method):
    full = two_blocks[method].values
    one_block = sample_parameters(priors, BLOCK_SIZE, method=method, seed=SEED).values
    assert np.array_equal(full[:BLOCK_SIZE], one_block)


@pytest.mark.parametrize("method", METHODS)
def test_sample_block_equals_the_rows_of_its_block(priors, two_blocks, method):
    full = two_blocks[method].values
    assert block_ranges(len(full)) == [(0, 0, BLOCK_SIZE), (1, BLOCK_SIZE, BLOCK_SIZE + 1000)]
    for block, start, stop in block_ranges(len(full)):
        rows = sample_block(priors, block, stop - start, method=method, seed=SEED)
        assert np.array_equal(rows, full[start:stop]), block


@pytest.mark.parametrize("method", METHODS)
def test_blocks_are_not_copies_of_each_other(priors, two_blocks, method):
    full = two_blocks[method].values
    uncertain = [j for j, p in enumerate(priors) if p.is_uncertain]
    assert not np.any(np.all(full[BLOCK_SIZE:, uncertain] == full[:1000, uncertain], axis=1))


@pytest.mark.parametrize("method", METHODS)
def test_marginal_quantiles_match_each_prior(uncertain, marginal, method):
    # compare in probability space: F(empirical quantile at level p) should be p
    values = marginal[method].values
    levels = np.array([0.05, 0.5, 0.95])
    if method == "mc":
        tol = 5 * np.sqrt(levels * (1 - levels) / N_MARGINAL)  # five standard errors
    else:
        tol = np.full(3, 5e-4)  # stratified / low-discrepancy: an order of magnitude tighter
    for j, p in uncertain:
        empirical = np.quantile(values[:, j], levels)
        assert np.all(np.abs(p.dist.cdf(empirical) - levels) <= tol), (p.name, p.dist.cdf(empirical))
        # and the same in the parameter's own units, against the prior's ppf
        spread = p.dist.ppf(0.95) - p.dist.ppf(0.05)
        assert np.abs(empirical - p.dist.ppf(levels)).max() < 0.05 * spread, p.name


@pytest.mark.parametrize("method", METHODS)
def test_marginals_pass_a_ks_test(uncertain, marginal, method):
    values = marginal[method].values
    for j, p in uncertain:
        result = stats.kstest(values[:, j], p.dist.cdf)
        if method == "mc":
            assert result.pvalue > 0.001, p.name
        else:
            assert result.statistic < 2e-3, (p.name, result.statistic)


@pytest.mark.parametrize("method", METHODS)
def test_columns_are_nearly_uncorrelated(uncertain, marginal, method):
    cols = [j for j, _ in uncertain]
    corr = stats.spearmanr(marginal[method].values[:, cols]).statistic
    off = corr[~np.eye(len(cols), dtype=bool)]
    assert np.abs(off).max() < 0.04


# --------------------------------------------------------------------------- unit hypercube
@pytest.mark.parametrize("method", METHODS)
def test_unit_points_are_in_the_open_unit_cube(method):
    u = unit_block(5, 0, 4096, method=method, seed=1)
    assert u.shape == (4096, 5)
    assert np.all(u > 0) and np.all(u < 1)


def test_lhs_is_stratified_within_each_block():
    for block, size in [(0, 1000), (3, 777)]:
        u = unit_block(4, block, size, method="lhs", seed=SEED)
        for col in u.T:
            assert sorted(np.floor(col * size).astype(int)) == list(range(size))


def test_sobol_blocks_continue_one_sequence():
    # the first 2**17 points of a scrambled Sobol sequence put exactly one point in each of
    # 2**17 equal bins of every coordinate; that holds only if block 1 continues block 0
    u = np.vstack([unit_block(3, 0, BLOCK_SIZE, method="sobol", seed=SEED),
                   unit_block(3, 1, BLOCK_SIZE, method="sobol", seed=SEED)])
    n = 2 * BLOCK_SIZE
    for col in u.T:
        assert np.array_equal(np.sort(np.floor(col * n).astype(np.int64)), np.arange(n))


def test_mc_blocks_have_their_own_streams():
    a = unit_block(2, 0, 100, method="mc", seed=SEED)
    b = unit_block(2, 1, 100, method="mc", seed=SEED)
    assert not np.array_equal(a, b)
    assert np.array_equal(a, unit_block(2, 0, 100, method="mc", seed=SEED))


def test_no_uncertain_parameters_gives_an_empty_cube():
    assert unit_block(0, 0, 10, method="sobol", seed=1).shape == (10, 0)


# --------------------------------------------------------------------------- errors and helpers
def test_unknown_method_is_refused(priors):
    with pytest.raises(ValueError, match=r"unknown sampling method 'halton'; use 'mc', 'lhs' or 'sobol'"):
        sample_parameters(priors, 10, method="halton", seed=1)  # type: ignore[arg-type]


@pytest.mark.parametrize("n", [0, -1])
def test_n_must_be_positive(priors, n):
    with pytest.raises(ValueError, match=f"n must be at least 1, got {n}"):
        sample_parameters(priors, n, method="mc", seed=1)


def test_block_ranges():
    assert block_ranges(1) == [(0, 0, 1)]
    assert block_ranges(BLOCK_SIZE) == [(0, 0, BLOCK_SIZE)]
    assert block_ranges(2 * BLOCK_SIZE + 5) == [
        (0, 0, BLOCK_SIZE), (1, BLOCK_SIZE, 2 * BLOCK_SIZE), (2, 2 * BLOCK_SIZE, 2 * BLOCK_SIZE + 5)]
    assert block_ranges(0) == []


@pytest.mark.parametrize(
    "dist",
    [
        pytest.param(pert(0.05, 0.2, 0.5), id="pert"),
        pytest.param(pert(0.0, 0.0, 1.0), id="pert-mode-at-low"),
        pytest.param(pert(0.0, 1.0, 1.0), id="pert-mode-at-high"),
        pytest.param(stats.truncnorm(-1.5, np.inf, loc=250_000, scale=45_000), id="truncnorm-at-zero"),
        pytest.param(stats.truncnorm(-3, 2, loc=0.4, scale=0.1), id="truncnorm-both-sides"),
        pytest.param(stats.lognorm(s=0.6, scale=3e6), id="lognorm"),
        pytest.param(stats.norm(5.0, 2.0), id="norm"),
        pytest.param(stats.uniform(2.0, 3.0), id="uniform"),
        pytest.param(stats.triang(0.3, loc=1.0, scale=4.0), id="triang"),
    ],
)
def test_inverse_cdf_matches_scipy(dist):
    # the fast paths (closed forms, tables) must agree with scipy's ppf, tails included
    u = np.r_[np.random.default_rng(5).random(200_000), 1e-12, 1e-4, 0.5, 1 - 1e-4, 1 - 1e-12]
    width = dist.ppf(0.95) - dist.ppf(0.05)
    assert np.max(np.abs(inverse_cdf(dist, u) - dist.ppf(u))) < 1e-8 * width
