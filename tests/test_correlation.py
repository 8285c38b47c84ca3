"""Tests for model.inputs.correlation: target rank correlations on the uniform design."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy import stats
from scipy.stats import qmc

from model.inputs.correlation import (
    RankPair,
    achieved_rank_correlation,
    check_rank_matrix,
    correlated_columns,
    gaussian_copula,
    iman_conover,
    rank_matrix,
)

N = 2**16  # one sampler block
NAMES = ["a", "b", "c", "d", "e"]
EPS = np.finfo(float).eps

TARGETS = {
    "a~b +0.9": {("a", "b"): 0.9},
    "a~b -0.9": {("a", "b"): -0.9},
    "a~c +0.4 (b, d, e untouched)": {("a", "c"): 0.4},
    "three-way": {("a", "b"): 0.6, ("b", "c"): 0.5, ("a", "c"): 0.4},
    "three-way, mixed signs": {("a", "b"): -0.5, ("a", "c"): 0.7, ("b", "c"): -0.3},
    "two groups": {("a", "d"): -0.4, ("b", "c"): 0.8},
}


def _design(kind: str, seed: int = 11) -> np.ndarray:
    """A (N, 5) unit design, clipped like the sampler's."""
    rng = np.random.default_rng(seed)
    if kind == "mc":
        u = rng.random((N, len(NAMES)))
    elif kind == "lhs":
        u = qmc.LatinHypercube(len(NAMES), rng=rng).random(N)
    else:
        u = qmc.Sobol(len(NAMES), scramble=True, rng=rng).random_base2(16)
    return np.clip(u, EPS, 1 - EPS)


def _apply(method: str, u: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    return gaussian_copula(u, matrix) if method == "copula" else iman_conover(u, matrix, seed=5)


def _tolerance(rho: np.ndarray, n: int) -> np.ndarray:
    """Four standard errors of a sample Spearman coefficient: SE ~ (1 - rho^2) sqrt(1.06 / (n - 3))
    (Fieller et al. 1957, for the Fisher z of Spearman's rho), i.e. 0.016 at rho = 0 and 0.003
    at |rho| = 0.9 for n = 65,536."""
    return 4 * (1 - rho**2) * np.sqrt(1.06 / (n - 3))


@pytest.mark.parametrize("method", ["copula", "iman_conover"])
@pytest.mark.parametrize("kind", ["mc", "lhs", "sobol"])
def test_achieved_rank_correlation_matches_target(method: str, kind: str) -> None:
    u = _design(kind)
    for label, pairs in TARGETS.items():
        target = rank_matrix(NAMES, pairs)
        got = achieved_rank_correlation(_apply(method, u, target))
        err = np.abs(got - target)
        tol = _tolerance(target, N)
        worst = np.unravel_index(np.argmax(err - tol), err.shape)
        assert (err <= tol).all(), (
            f"{label}: entry {worst} is {got[worst]:.4f}, target {target[worst]:.4f}, "
            f"tolerance {tol[worst]:.4f}"
        )


@pytest.mark.parametrize("kind", ["mc", "lhs", "sobol"])
def test_copula_marginals_stay_uniform(kind: str) -> None:
    u = _design(kind)
    target = rank_matrix(NAMES, TARGETS["three-way"])
    out = gaussian_copula(u, target)
    assert out.min() > 0 and out.max() < 1
    for j in range(len(NAMES)):
        assert stats.kstest(out[:, j], "uniform").pvalue > 1e-4, NAMES[j]


def test_copula_keeps_values_strictly_inside_unit_interval() -> None:
    # a corner point whose mixed normal score is beyond Phi's double-precision range
    u = np.array([[1 - EPS, 1 - EPS], [EPS, EPS], [0.5, 0.5]])
    out = gaussian_copula(u, np.array([[1.0, 0.99], [0.99, 1.0]]))
    assert (out > 0).all() and (out < 1).all()


@pytest.mark.parametrize("kind", ["mc", "lhs", "sobol"])
def test_iman_conover_permutes_each_column(kind: str) -> None:
    u = _design(kind)
    out = iman_conover(u, rank_matrix(NAMES, TARGETS["three-way"]), seed=1)
    for j in range(len(NAMES)):
        assert np.sort(out[:, j]).tobytes() == np.sort(u[:, j]).tobytes()
    if kind == "lhs":
        # still exactly one point in each of the N strata of every column
        strata = np.sort(np.floor(out * N).astype(np.int64), axis=0)
        assert (strata == np.arange(N)[:, None]).all()


@pytest.mark.parametrize("method", ["copula", "iman_conover"])
def test_uncorrelated_columns_are_byte_identical(method: str) -> None:
    u = np.asfortranarray(_design("mc"))  # the sampler hands out column-contiguous arrays
    before = u.copy(order="K")
    target = rank_matrix(NAMES, TARGETS["a~c +0.4 (b, d, e untouched)"])
    assert correlated_columns(target).tolist() == [0, 2]
    out = _apply(method, u, target)
    assert u.tobytes(order="A") == before.tobytes(order="A")  # input not modified
    for j in (1, 3, 4):
        assert out[:, j].tobytes() == u[:, j].tobytes()
    assert out[:, 2].tobytes() != u[:, 2].tobytes()
    if method == "copula":
        # the Cholesky anchor (first correlated column) keeps its values exactly
        assert out[:, 0].tobytes() == u[:, 0].tobytes()
    # no pairs at all: a plain copy
    assert _apply(method, u, np.eye(5)).tobytes() == u.tobytes()


def test_copula_is_the_same_for_any_memory_layout() -> None:
    u = _design("mc")[:5000]
    target = rank_matrix(NAMES, {("a", "c"): 0.5, ("c", "e"): -0.3})
    np.testing.assert_array_equal(gaussian_copula(u, target),
                                  gaussian_copula(np.asfortranarray(u), target))


def test_iman_conover_is_deterministic_for_a_seed() -> None:
    u = _design("lhs")
    target = rank_matrix(NAMES, TARGETS["three-way"])
    first = iman_conover(u, target, seed=42)
    assert iman_conover(u, target, seed=42).tobytes() == first.tobytes()
    assert iman_conover(u, target, seed=43).tobytes() != first.tobytes()
    assert gaussian_copula(u, target).tobytes() == gaussian_copula(u, target).tobytes()


def test_conflicting_pairs_are_refused_and_named() -> None:
    pairs = [("a", "b", 0.9), ("b", "c", 0.9), ("a", "c", -0.9), ("d", "e", 0.5)]
    problems = check_rank_matrix(NAMES, pairs)
    assert len(problems) == 1
    msg = problems[0]
    for label in ("a~b (+0.90)", "b~c (+0.90)", "a~c (-0.90)"):
        assert label in msg
    assert "d~e" not in msg  # the consistent group is not blamed
    assert "dropping 2 pair(s)" in msg
    with pytest.raises(ValueError, match="a~c"):
        rank_matrix(NAMES, pairs)
    bad = np.eye(5)
    for i, j, rho in [(0, 1, 0.9), (1, 2, 0.9), (0, 2, -0.9)]:
        bad[i, j] = bad[j, i] = rho
    for method in ("copula", "iman_conover"):
        with pytest.raises(ValueError, match="column 0~column 2"):
            _apply(method, _design("mc")[:100], bad)


def test_only_the_offending_pairs_are_named() -> None:
    # a, b, c move together; d is stated with a and with b in contradiction
    pairs = [("a", "b", 0.8), ("b", "c", 0.8), ("a", "c", 0.8), ("a", "d", 0.9),
             ("b", "d", -0.9)]
    (msg,) = check_rank_matrix(NAMES, pairs)
    conflicting = msg.split("Conflicting pairs: ")[1].split(";")[0]
    assert conflicting == "a~d (+0.90), b~d (-0.90)"
    assert "dropping 2 pair(s)" in msg


def test_too_many_pairs_fall_back_to_greedy_naming() -> None:
    names = [f"x{i}" for i in range(20)]
    pairs = [RankPair(a, b, 0.6) for a, b in itertools.combinations(names[:12], 2)]
    pairs[3] = RankPair(pairs[3].a, pairs[3].b, -0.9)  # x0~x4
    (msg,) = check_rank_matrix(names, pairs)
    assert "dropped greedily" in msg
    assert msg.split("largest contributions to that eigenvalue: ")[1].startswith("x0~x4 (-0.90)")


def test_other_problems_are_reported() -> None:
    problems = check_rank_matrix(NAMES, [
        ("a", "b", 1.2), ("a", "c", float("nan")), ("b", "b", 0.3), ("c", "d", "high"),
        ("d", "e", 0.2), ("e", "d", 0.3), ("a", "unknown", 0.5),
    ])
    text = "\n".join(problems)
    assert len(problems) == 5, text
    assert "a~b: rank correlation 1.2 is not a number in [-1, 1]" in text
    assert "a~c: rank correlation nan" in text
    assert "b~b names the same input twice" in text
    assert "'high'" in text
    assert "e~d is given twice" in text
    assert "unknown" not in text  # the caller reports unknown names
    with pytest.raises(ValueError, match="unknown input"):
        rank_matrix(NAMES, [("a", "unknown", 0.5)])
    # +-1 is a valid value but a singular matrix
    (msg,) = check_rank_matrix(NAMES, [("a", "b", 1.0)])
    assert "not positive definite" in msg


def test_consistent_pairs_build_the_matrix() -> None:
    pairs = TARGETS["three-way, mixed signs"]
    assert check_rank_matrix(NAMES, pairs) == []
    m = rank_matrix(NAMES, [RankPair(a, b, r) for (a, b), r in pairs.items()])
    assert m[0, 1] == m[1, 0] == -0.5 and m[1, 2] == -0.3 and m[3, 4] == 0
    np.testing.assert_array_equal(np.diag(m), 1)


def test_achieved_rank_correlation_is_spearman() -> None:
    x = np.random.default_rng(3).standard_normal((500, 4))
    x[:, 1] += x[:, 0]
    x[:, 3] = np.round(x[:, 3])  # ties
    np.testing.assert_allclose(achieved_rank_correlation(x), stats.spearmanr(x).statistic,
                               atol=1e-12)


def test_copula_rejects_points_outside_the_open_cube() -> None:
    u = _design("mc")[:100].copy()
    u[7, 0] = 0.0
    with pytest.raises(ValueError, match="strictly inside"):
        gaussian_copula(u, rank_matrix(NAMES, {("a", "b"): 0.5}))
    gaussian_copula(u, rank_matrix(NAMES, {("c", "b"): 0.5}))  # column a is not touched
