"""Tests for the sampler's fast Sobol path, its threads, and inputs that move together
(model.inputs.sampling with model.inputs.dependence). No test here measures time."""

from __future__ import annotations

import warnings
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from scipy import stats
from scipy.stats import qmc

from model.inputs.correlation import achieved_rank_correlation
from model.inputs.dependence import block_seed, build_dependence
from model.inputs.loading import load_scenario
from model.inputs.priors import build_priors
from model.inputs.registry import load_registry
from model.inputs.sampling import (
    BLOCK_SIZE,
    block_values,
    sample_block,
    sample_parameters,
    uncertain_count,
    unit_block,
    unit_to_values,
)

BASELINE = Path(__file__).resolve().parents[1] / "scenarios" / "baseline.yaml"
SEED = 20230913
EPS = np.finfo(float).eps


def _old_sobol_block(d: int, block: int, size: int, seed: int) -> np.ndarray:
    """The block as the sampler drew it before the fast path: a fresh engine, fast_forward, draw, clip."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(2**31 - 1,)))
    engine = qmc.Sobol(d, scramble=True, rng=rng)
    if block:
        engine.fast_forward(block * BLOCK_SIZE)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        u = engine.random(size)
    return np.clip(u, EPS, 1 - EPS)


@pytest.mark.parametrize("d", [1, 5, 26])
@pytest.mark.parametrize("block", [0, 1, 2, 3, 7, 64, 152, 400])
def test_sobol_fast_path_is_bit_for_bit_the_old_block(d: int, block: int) -> None:
    new = unit_block(d, block, 512, method="sobol", seed=SEED)
    assert new.tobytes() == _old_sobol_block(d, block, 512, SEED).tobytes()


def test_sobol_blocks_continue_one_sequence() -> None:
    # four blocks drawn apart are the rows of one continuous draw of the scrambled sequence
    d = 4
    rng = np.random.default_rng(np.random.SeedSequence(7, spawn_key=(2**31 - 1,)))
    whole = np.clip(qmc.Sobol(d, scramble=True, rng=rng).random(4 * BLOCK_SIZE), EPS, 1 - EPS)
    parts = np.vstack([unit_block(d, b, BLOCK_SIZE, method="sobol", seed=7) for b in range(4)])
    assert parts.tobytes() == whole.tobytes()


@pytest.fixture(scope="module")
def priors():
    registry = load_registry()
    return build_priors(load_scenario(BASELINE, registry=registry).scenario.parameters, registry)


@pytest.mark.parametrize("method", ["mc", "lhs", "sobol"])
def test_threads_do_not_change_a_number(priors, method: str) -> None:
    n = 2 * BLOCK_SIZE + 321
    one = sample_parameters(priors, n, method=method, seed=SEED, threads=1).values
    two = sample_parameters(priors, n, method=method, seed=SEED, threads=2).values
    stacked = np.vstack([sample_block(priors, b, size, method=method, seed=SEED)
                         for b, size in enumerate((BLOCK_SIZE, BLOCK_SIZE, 321))])
    assert one.tobytes() == two.tobytes() == stacked.tobytes()


def _dependence(priors, pairs, method="copula"):
    entries = [SimpleNamespace(params=[a, b], rank=r, reason="test") for a, b, r in pairs]
    return build_dependence(entries, method, priors)


PAIRS = [("nk_stockpile_start", "nk_dud_rate_old", 0.4),
         ("ru_production_growth_per_year", "ru_production_ceiling_per_month", -0.6)]


def _column(priors, name):
    return [p.name for p in priors].index(name)


@pytest.mark.parametrize("method", ["mc", "lhs", "sobol"])
def test_copula_keeps_each_marginal_and_reaches_the_targets(priors, method: str) -> None:
    dep = _dependence(priors, PAIRS)
    unit = unit_block(uncertain_count(priors), 0, BLOCK_SIZE, method=method, seed=SEED)
    independent = unit_to_values(priors, unit)
    values = unit_to_values(priors, unit, correlation=dep)
    for a, b, rho in PAIRS:
        ja, jb = _column(priors, a), _column(priors, b)
        got = achieved_rank_correlation(values[:, [ja, jb]])[0, 1]
        assert got == pytest.approx(rho, abs=0.02), (a, b)
        # each input keeps its prior: the copula moves points within the prior's distribution
        for j in (ja, jb):
            prior = priors[j]
            assert stats.kstest(values[:, j], prior.dist.cdf).pvalue > 1e-3, prior.name
    # inputs in no pair are untouched, byte for byte
    touched = {_column(priors, n) for a, b, _ in PAIRS for n in (a, b)}
    for j in set(range(len(priors))) - touched:
        assert values[:, j].tobytes() == independent[:, j].tobytes()


def test_no_correlation_is_the_independent_sampler(priors) -> None:
    unit = unit_block(uncertain_count(priors), 3, 1000, method="mc", seed=SEED)
    assert unit_to_values(priors, unit, correlation=None).tobytes() == unit_to_values(priors, unit).tobytes()
    assert build_dependence([], "copula", priors) is None


def test_iman_conover_keeps_the_stratification_of_each_block(priors) -> None:
    dep = _dependence(priors, PAIRS, method="iman_conover")
    d = uncertain_count(priors)
    unit = unit_block(d, 2, BLOCK_SIZE, method="lhs", seed=SEED)
    values, independent = block_values(priors, unit, correlation=dep, seed=SEED, block=2)
    plain = unit_to_values(priors, unit)
    for j in range(len(priors)):  # every column holds the same values, only paired differently
        assert np.sort(values[:, j]).tobytes() == np.sort(plain[:, j]).tobytes()
    for a, b, rho in PAIRS:
        got = achieved_rank_correlation(values[:, [_column(priors, a), _column(priors, b)]])[0, 1]
        assert got == pytest.approx(rho, abs=0.02)
    # seeded from the block's own stream: the same block gives the same array, another block another
    again, _ = block_values(priors, unit, correlation=dep, seed=SEED, block=2)
    assert again.tobytes() == values.tobytes()
    assert block_seed(SEED, 2) != block_seed(SEED, 3)
    # the points handed to SMC map back (through the copula) onto the rearranged values
    back = unit_to_values(priors, independent, correlation=dep)
    assert np.allclose(back, values, rtol=1e-7, atol=0)


def test_smc_particles_go_through_the_copula_whatever_the_method(priors) -> None:
    copula = _dependence(priors, PAIRS, method="copula")
    ic = _dependence(priors, PAIRS, method="iman_conover")
    unit = unit_block(uncertain_count(priors), 0, 4096, method="mc", seed=SEED)
    # given points (no block): a map of one point at a time, the same for both methods
    a, ua = block_values(priors, unit, correlation=ic)
    b, ub = block_values(priors, unit, correlation=copula, seed=SEED, block=0)
    assert a.tobytes() == b.tobytes()
    assert np.array_equal(ua, unit) and np.array_equal(ub, unit)


def test_to_independent_inverts_the_copula(priors) -> None:
    dep = _dependence(priors, PAIRS)
    unit = unit_block(uncertain_count(priors), 0, 20_000, method="mc", seed=SEED)
    assert np.allclose(dep.to_independent(dep.correlate(unit)), unit, rtol=0, atol=1e-9)


def test_inverse_cdfs_are_the_plain_expressions_bit_for_bit() -> None:
    from scipy import special

    from model.inputs.distributions import pert, truncnorm
    from model.inputs.sampling import _table, inverse_cdf

    u = np.random.default_rng(3).random(50_000)
    u[:4] = [EPS, 1 - EPS, 1e-3, 0.5]
    lognorm = stats.lognorm(s=0.7, loc=2.0, scale=3e5)
    assert inverse_cdf(lognorm, u).tobytes() == (2.0 + 3e5 * np.exp(0.7 * special.ndtri(u))).tobytes()
    assert inverse_cdf(stats.norm(3, 2), u).tobytes() == (3 + 2 * special.ndtri(u)).tobytes()
    assert inverse_cdf(stats.uniform(2, 5), u).tobytes() == (2 + 5 * u).tobytes()
    for dist in (pert(0.05, 0.2, 0.5), truncnorm(15000, 2700, 0, None)):
        table = _table(dist.dist.name, tuple(float(a) for a in dist.args),
                       tuple(sorted((k, float(v)) for k, v in dist.kwds.items())))
        pos = (u - 1e-3) / table.step
        i = np.clip(pos.astype(np.int64), 0, 65_535)
        t = (pos - i) * table.step
        c = table.coef
        plain = ((c[0, i] * t + c[1, i]) * t + c[2, i]) * t + c[3, i]
        tail = (u < 1e-3) | (u > 1 - 1e-3)
        plain[tail] = dist.ppf(u[tail])
        assert inverse_cdf(dist, u).tobytes() == plain.tobytes(), dist.dist.name


def _plain_inverse(dist, u):
    """An inverse CDF as one whole-array numpy expression: what the sampler computed before it wrote
    its values in place piece by piece (the numbers must stay the same bit for bit)."""
    from scipy import special

    from model.inputs.sampling import _table

    name = dist.dist.name
    if name in ("beta", "truncnorm"):
        table = _table(name, tuple(float(a) for a in dist.args),
                       tuple(sorted((k, float(v)) for k, v in dist.kwds.items())))
        pos = (u - 1e-3) / table.step
        i = np.clip(pos.astype(np.int64), 0, 65_535)
        t = (pos - i) * table.step
        c = table.coef
        out = ((c[0, i] * t + c[1, i]) * t + c[2, i]) * t + c[3, i]
        tail = (u < 1e-3) | (u > 1 - 1e-3)
        out[tail] = dist.ppf(u[tail])
        return out
    shapes, loc, scale = dist.dist._parse_args(*dist.args, **dist.kwds)
    if name == "lognorm":
        return loc + scale * np.exp(shapes[0] * special.ndtri(u))
    if name == "norm":
        return loc + scale * special.ndtri(u)
    assert name == "uniform", name
    return loc + scale * u


@pytest.mark.parametrize("method", ["mc", "lhs", "sobol"])
def test_drawn_values_are_the_whole_block_expressions_bit_for_bit(priors, method: str) -> None:
    n = BLOCK_SIZE + 8_195  # a full block and one that ends inside a piece
    values = sample_parameters(priors, n, method=method, seed=SEED, threads=2).values
    for block, start, size in ((0, 0, BLOCK_SIZE), (1, BLOCK_SIZE, 8_195)):
        unit = unit_block(uncertain_count(priors), block, size, method=method, seed=SEED)
        k = 0
        for j, prior in enumerate(priors):
            if prior.is_uncertain:
                plain = _plain_inverse(prior.dist, np.ascontiguousarray(unit[:, k]))
                assert values[start:start + size, j].tobytes() == plain.tobytes(), (method, block, prior.name)
                k += 1


@pytest.mark.parametrize("method", ["mc", "lhs", "sobol"])
@pytest.mark.parametrize(("block", "size"), [(0, BLOCK_SIZE), (0, 5_000), (0, 1), (3, 8_192 + 3), (152, 777)])
def test_unit_points_drawn_in_pieces_are_the_blocks_points(method: str, block: int, size: int) -> None:
    from model.inputs.sampling import _draw_unit_columns

    d = 26
    out = np.empty((d, size))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a piece that is not a power of two warns nothing either
        _draw_unit_columns(d, block, size, method=method, seed=SEED, out=out)
    assert out.tobytes() == np.ascontiguousarray(unit_block(d, block, size, method=method, seed=SEED).T).tobytes()


def test_piece_size_changes_no_number(priors, monkeypatch) -> None:
    from model.inputs import sampling

    n = BLOCK_SIZE + 100
    before = sample_parameters(priors, n, method="sobol", seed=SEED).values
    monkeypatch.setattr(sampling, "_PIECE", 1_000)
    after = sample_parameters(priors, n, method="sobol", seed=SEED).values
    assert before.tobytes() == after.tobytes()


def test_threads_leave_the_warning_filters_alone(priors) -> None:
    # warnings.catch_warnings is not thread-safe: two blocks inside it at once can leave a filter behind
    before = list(warnings.filters)
    sample_parameters(priors, 3 * BLOCK_SIZE + 5, method="sobol", seed=SEED, threads=2)
    sample_parameters(priors, 5_000, method="sobol", seed=SEED, threads=2)
    assert warnings.filters == before


def test_out_receives_the_same_numbers(priors) -> None:
    n = BLOCK_SIZE + 17
    drawn = sample_parameters(priors, n, method="sobol", seed=SEED).values
    buffer = np.full((len(priors), n), np.nan)
    into = sample_parameters(priors, n, method="sobol", seed=SEED, out=buffer)
    assert np.shares_memory(into.values, buffer)
    assert into.values.tobytes() == drawn.tobytes()
    with pytest.raises(ValueError, match="C-contiguous float64"):
        sample_parameters(priors, n, method="sobol", seed=SEED, out=np.empty((n, len(priors))))
