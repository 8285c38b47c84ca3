"""Tests for model.sensitivity against analytic cases."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from scipy.stats._sensitivity_analysis import saltelli_2010

from model.analysis.stats import weighted_quantile
from model.presentation.words import rank_drivers
from model.sensitivity import convergence, one_at_a_time_swings, rank_correlations, sobol_analysis
from model.sensitivity.sobol import _sobol_bootstrap

# --------------------------------------------------------------------------
# Fixtures / analytic cases
# --------------------------------------------------------------------------

ISHIGAMI_A, ISHIGAMI_B = 7.0, 0.1


def ishigami(x: np.ndarray) -> np.ndarray:
    return (
        np.sin(x[:, 0])
        + ISHIGAMI_A * np.sin(x[:, 1]) ** 2
        + ISHIGAMI_B * x[:, 2] ** 4 * np.sin(x[:, 0])
    )


def ishigami_indices() -> tuple[np.ndarray, np.ndarray]:
    a, b, pi = ISHIGAMI_A, ISHIGAMI_B, np.pi
    v1 = 0.5 * (1 + b * pi**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * pi**8 * (1 / 18 - 1 / 50)
    var = v1 + v2 + v13
    s1 = np.array([v1, v2, 0.0]) / var
    st = np.array([v1 + v13, v2, v13]) / var
    return s1, st


UNIFORM_PI = stats.uniform(loc=-np.pi, scale=2 * np.pi)

LIN_C = np.array([2.0, -1.0, 0.5, 0.0])
LIN_SD = np.array([1.0, 2.0, 3.0, 1.0])
LIN_DISTS = [stats.norm(loc=mu, scale=sd) for mu, sd in zip([1.0, -2.0, 0.0, 5.0], LIN_SD)]


def linear_share(c: np.ndarray) -> np.ndarray:
    v = c**2 * LIN_SD**2
    return v / v.sum()


def test_ishigami_analytic_values_inside_intervals() -> None:
    s1_true, st_true = ishigami_indices()
    np.testing.assert_allclose(s1_true, [0.3139, 0.4424, 0.0], atol=1e-4)
    np.testing.assert_allclose(st_true, [0.5576, 0.4424, 0.2437], atol=1e-4)

    res = sobol_analysis(ishigami, [UNIFORM_PI] * 3, 2**13, seed=20240601)
    assert res["S1"].shape == (3,) and res["ST"].shape == (3,)
    np.testing.assert_allclose(res["S1"], s1_true, atol=0.03)
    np.testing.assert_allclose(res["ST"], st_true, atol=0.03)
    tol = 0.005
    for key, truth in (("S1", s1_true), ("ST", st_true)):
        low, high = res[key + "_conf"]
        assert low.shape == high.shape == (3,)
        assert np.all(low <= res[key] + 1e-12) and np.all(res[key] <= high + 1e-12)
        assert np.all(low - tol <= truth) and np.all(truth <= high + tol), (key, low, high)
        assert np.all(high - low < 0.1)
    assert res["n"] == 2**13 and res["d"] == 3 and res["k"] == 1
    assert res["names"] == ["x1", "x2", "x3"]
    assert res["confidence_level"] == 0.95
    assert res["n_evaluations"] == 2**13 * 5


def test_linear_single_and_multi_output_shapes_and_values() -> None:
    c2 = np.array([0.0, 1.0, 1.0, 3.0])

    def multi(x: np.ndarray) -> np.ndarray:
        return np.column_stack([x @ LIN_C, x @ c2 + 10.0])

    names = ["a", "b", "c", "d"]
    res = sobol_analysis(multi, LIN_DISTS, 4096, seed=1, names=names)
    assert res["S1"].shape == res["ST"].shape == (2, 4)
    for key in ("S1_conf", "ST_conf"):
        assert len(res[key]) == 2
        assert all(b.shape == (2, 4) for b in res[key])
    expected = np.vstack([linear_share(LIN_C), linear_share(c2)])
    np.testing.assert_allclose(res["S1"], expected, atol=0.03)
    np.testing.assert_allclose(res["ST"], expected, atol=0.03)
    assert res["k"] == 2 and res["names"] == names

    single = sobol_analysis(lambda x: x @ LIN_C, LIN_DISTS, 4096, seed=1)
    assert single["S1"].shape == (4,)
    np.testing.assert_allclose(single["S1"], res["S1"][0], atol=1e-12)
    np.testing.assert_allclose(single["ST_conf"][0], res["ST_conf"][0][0], atol=1e-12)

    column = sobol_analysis(lambda x: (x @ LIN_C)[:, None], LIN_DISTS, 4096, seed=1)
    assert column["S1"].shape == (1, 4)
    np.testing.assert_allclose(column["S1"][0], single["S1"], atol=1e-12)


def test_sobol_single_input() -> None:
    # scipy itself fails on d == 1 with one output (0-d squeeze); check the workaround.
    res = sobol_analysis(lambda x: np.exp(x[:, 0]), [stats.uniform()], 1024, seed=0)
    assert res["S1"].shape == res["ST"].shape == res["S1_conf"][0].shape == (1,)
    np.testing.assert_allclose(res["S1"], [1.0], atol=0.03)
    np.testing.assert_allclose(res["ST"], [1.0], atol=0.03)
    multi = sobol_analysis(
        lambda x: np.column_stack([np.exp(x[:, 0]), x[:, 0]]), [stats.uniform()], 1024, seed=0
    )
    assert multi["S1"].shape == (2, 1)
    np.testing.assert_allclose(multi["S1"][0], res["S1"], atol=1e-12)


def test_sobol_same_seed_identical_different_seed_differs() -> None:
    def run(seed: int) -> dict:
        return sobol_analysis(ishigami, [UNIFORM_PI] * 3, 512, seed=seed, n_resamples=300)

    r1, r2, r3 = run(7), run(7), run(8)
    for key in ("S1", "ST", "S1_se", "ST_se"):
        np.testing.assert_array_equal(r1[key], r2[key])
    for key in ("S1_conf", "ST_conf"):
        for b1, b2 in zip(r1[key], r2[key]):
            np.testing.assert_array_equal(b1, b2)
    assert not np.array_equal(r1["S1"], r3["S1"])
    assert not np.array_equal(r1["ST_conf"][0], r3["ST_conf"][0])


def test_sobol_rounds_n_up_and_calls_func_vectorized() -> None:
    calls: list[tuple[int, ...]] = []

    def func(x: np.ndarray) -> np.ndarray:
        calls.append(x.shape)
        return x @ LIN_C

    res = sobol_analysis(func, LIN_DISTS, 1000, seed=0, n_resamples=50)
    assert res["n"] == 1024 and res["n_requested"] == 1000
    assert res["n_evaluations"] == 1024 * 6
    assert len(calls) == 3  # A, B and all AB matrices stacked
    assert all(len(s) == 2 and s[1] == 4 for s in calls)
    assert sum(s[0] for s in calls) == 1024 * 6
    assert sobol_analysis(func, LIN_DISTS, 512, seed=0, n_resamples=50)["n"] == 512


def test_sobol_constant_output_gives_zero_indices() -> None:
    res = sobol_analysis(lambda x: np.full(x.shape[0], 3.0), LIN_DISTS, 128, seed=0)
    for key in ("S1", "ST"):
        np.testing.assert_array_equal(res[key], np.zeros(4))
        for bound in res[key + "_conf"]:
            np.testing.assert_array_equal(bound, np.zeros(4))


def test_vectorized_bootstrap_matches_scipy_bca_bootstrap() -> None:
    """Same generator -> same resamples -> same BCa interval as scipy.stats.bootstrap."""
    n, d = 64, 3
    res = stats.sobol_indices(
        func=lambda x: np.vstack([x[0] + 2 * x[1] * x[2], np.exp(x[0]) + x[2] + 0.3 * x[1] ** 2]),
        n=n,
        dists=[stats.norm()] * d,
        rng=np.random.default_rng(3),
    )
    f_A, f_B, f_AB = res._f_A, res._f_B, res._f_AB

    def statistic(idx: np.ndarray) -> np.ndarray:
        return np.asarray(saltelli_2010(f_A[:, idx], f_B[:, idx], f_AB[..., idx]))

    theta = statistic(np.arange(n))
    np.testing.assert_allclose(theta[0], res.first_order, atol=1e-14)
    ref = stats.bootstrap(
        [np.arange(n)],
        statistic,
        method="BCa",
        n_resamples=400,
        confidence_level=0.9,
        rng=np.random.default_rng(5),
    )
    mine = _sobol_bootstrap(
        f_A,
        f_B,
        f_AB,
        (theta[0], theta[1]),
        confidence_level=0.9,
        n_resamples=400,
        rng=np.random.default_rng(5),
    )
    for j, key in enumerate(("S1_conf", "ST_conf")):
        np.testing.assert_allclose(mine[key][0], ref.confidence_interval.low[j], atol=1e-12)
        np.testing.assert_allclose(mine[key][1], ref.confidence_interval.high[j], atol=1e-12)
    np.testing.assert_allclose(mine["S1_se"], ref.standard_error[0], atol=1e-12)


def test_sobol_bad_inputs() -> None:
    ok = [stats.norm()] * 2

    def f(x: np.ndarray) -> np.ndarray:
        return x.sum(axis=1)

    with pytest.raises(ValueError, match="n must be an integer >= 2"):
        sobol_analysis(f, ok, 1, seed=0)
    with pytest.raises(ValueError, match="n must be an integer"):
        sobol_analysis(f, ok, 100.5, seed=0)
    with pytest.raises(ValueError, match="n must be an integer"):
        sobol_analysis(f, ok, True, seed=0)
    with pytest.raises(ValueError, match=r"confidence_level must be in \(0, 1\), got 1.5"):
        sobol_analysis(f, ok, 64, seed=0, confidence_level=1.5)
    with pytest.raises(ValueError, match="n_resamples must be an integer >= 1, got 0"):
        sobol_analysis(f, ok, 64, seed=0, n_resamples=0)
    with pytest.raises(ValueError, match=r"distributions\[1\] has no callable .ppf"):
        sobol_analysis(f, [stats.norm(), 3.0], 64, seed=0)
    with pytest.raises(ValueError, match="at least one distribution"):
        sobol_analysis(f, [], 64, seed=0)
    with pytest.raises(ValueError, match="one entry per input"):
        sobol_analysis(f, ok, 64, seed=0, names=["a"])
    with pytest.raises(ValueError, match="unique"):
        sobol_analysis(f, ok, 64, seed=0, names=["a", "a"])
    with pytest.raises(ValueError, match="seed must be"):
        sobol_analysis(f, ok, 64, seed="abc")
    with pytest.raises(ValueError, match=r"shape \(64,\) or \(64, k\)"):
        sobol_analysis(lambda x: x.sum(), ok, 64, seed=0)
    with pytest.raises(ValueError, match="non-finite"):
        sobol_analysis(lambda x: np.where(x[:, 0] > 1.0, np.inf, x[:, 1]), ok, 64, seed=0)


# --------------------------------------------------------------------------
# One-at-a-time swings
# --------------------------------------------------------------------------


def test_oat_linear_swings_are_analytic() -> None:
    calls: list[tuple[int, ...]] = []

    def func(x: np.ndarray) -> np.ndarray:
        calls.append(x.shape)
        return x @ LIN_C + 1.0

    res = one_at_a_time_swings(func, LIN_DISTS, names=list("abcd"))
    q05 = np.array([dist.ppf(0.05) for dist in LIN_DISTS])
    q95 = np.array([dist.ppf(0.95) for dist in LIN_DISTS])
    med = np.array([dist.median() for dist in LIN_DISTS])
    np.testing.assert_allclose(res["swing"], LIN_C * (q95 - q05), rtol=1e-12)
    assert res["baseline"] == pytest.approx(med @ LIN_C + 1.0)
    np.testing.assert_allclose(res["low_value"], med @ LIN_C + 1.0 + LIN_C * (q05 - med))
    np.testing.assert_allclose(res["high_value"], med @ LIN_C + 1.0 + LIN_C * (q95 - med))
    np.testing.assert_allclose(res["low_input"], q05)
    np.testing.assert_allclose(res["high_input"], q95)
    assert calls == [(2 * 4 + 1, 4)]  # one vectorized call
    assert sorted(res["order"]) == [0, 1, 2, 3]
    assert np.all(np.diff(np.abs(res["swing"])[res["order"]]) <= 0)
    assert res["order"][-1] == 3  # zero coefficient, zero swing
    assert res["swing"][1] < 0  # signed
    assert res["names"] == list("abcd")


def test_oat_multi_output_and_custom_quantiles() -> None:
    res = one_at_a_time_swings(
        lambda x: np.column_stack([x @ LIN_C, -(x @ LIN_C)]), LIN_DISTS, low_q=0.25, high_q=0.75
    )
    q25 = np.array([dist.ppf(0.25) for dist in LIN_DISTS])
    q75 = np.array([dist.ppf(0.75) for dist in LIN_DISTS])
    assert res["swing"].shape == (2, 4) and res["baseline"].shape == (2,)
    np.testing.assert_allclose(res["swing"][0], LIN_C * (q75 - q25))
    np.testing.assert_allclose(res["swing"][1], -LIN_C * (q75 - q25))


def test_oat_bad_inputs() -> None:
    def f(x: np.ndarray) -> np.ndarray:
        return x.sum(axis=1)

    with pytest.raises(ValueError, match="low_q must be < high_q"):
        one_at_a_time_swings(f, LIN_DISTS, low_q=0.9, high_q=0.1)
    with pytest.raises(ValueError, match=r"high_q must be in \[0, 1\], got 1.2"):
        one_at_a_time_swings(f, LIN_DISTS, high_q=1.2)
    with pytest.raises(ValueError, match=r"ppf\(0.0\) is -inf"):
        one_at_a_time_swings(f, LIN_DISTS, low_q=0.0)
    with pytest.raises(ValueError, match=r"shape \(9,\) or \(9, k\)"):
        one_at_a_time_swings(lambda x: x[:3, 0], LIN_DISTS)


# --------------------------------------------------------------------------
# Rank correlations
# --------------------------------------------------------------------------


def _mc_inputs(n: int = 3000, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).uniform(size=(n, 3))


def test_spearman_monotone_and_noise() -> None:
    X = _mc_inputs()
    y = np.exp(3 * X[:, 0])  # monotone in x1 only; x2, x3 are independent noise
    rho = rank_correlations(X, y)
    assert rho.shape == (3,)
    assert rho[0] == pytest.approx(1.0)
    assert np.all(np.abs(rho[1:]) < 0.06)
    ref = [stats.spearmanr(X[:, i], y).statistic for i in range(3)]
    np.testing.assert_allclose(rho, ref, atol=1e-12)
    assert rank_correlations(X, -y)[0] == pytest.approx(-1.0)


def test_prcc_matches_inverse_correlation_formula_and_known_case() -> None:
    X = _mc_inputs()
    noise = np.random.default_rng(1).normal(size=X.shape[0])
    y = X[:, 0] + 0.05 * X[:, 1] + 0.01 * noise
    prcc = rank_correlations(X, y, method="prcc")
    # Independent reference: partial correlation from the inverse of the
    # correlation matrix of the ranks.
    R = stats.rankdata(np.column_stack([X, y]), axis=0)
    P = np.linalg.inv(np.corrcoef(R, rowvar=False))
    ref = [-P[i, 3] / np.sqrt(P[i, i] * P[3, 3]) for i in range(3)]
    np.testing.assert_allclose(prcc, ref, atol=1e-10)
    # The classic PRCC property: a small but clean effect that Spearman hides.
    spearman = rank_correlations(X, y)
    assert abs(spearman[1]) < 0.15 and prcc[1] > 0.5
    assert abs(prcc[2]) < 0.06


def test_rank_correlations_multi_output_constant_columns() -> None:
    X = _mc_inputs(500)
    X[:, 2] = 4.0  # constant input
    Y = np.column_stack([X[:, 0] ** 3, np.ones(len(X)), -X[:, 1]])
    for method in ("spearman", "prcc"):
        rho = rank_correlations(X, Y, method=method)
        assert rho.shape == (3, 3)
        assert np.all(np.isfinite(rho))
        np.testing.assert_array_equal(rho[:, 2], 0.0)
        np.testing.assert_array_equal(rho[1], 0.0)
        assert rho[0, 0] == pytest.approx(1.0) and rho[2, 1] == pytest.approx(-1.0)


def test_rank_correlations_weights_equal_repeated_rows_and_ignore_zero() -> None:
    rng = np.random.default_rng(4)
    X = rng.normal(size=(200, 3))
    y = X[:, 0] + 0.5 * X[:, 1] ** 3 + rng.normal(size=200)
    counts = rng.integers(0, 4, size=200)
    Xr, yr = np.repeat(X, counts, axis=0), np.repeat(y, counts)
    for method in ("spearman", "prcc"):
        weighted = rank_correlations(X, y, method=method, weights=counts)
        repeated = rank_correlations(Xr, yr, method=method)
        np.testing.assert_allclose(weighted, repeated, atol=1e-10)
        keep = counts > 0
        w = counts.astype(float)
        np.testing.assert_allclose(
            rank_correlations(X, y, method=method, weights=w),
            rank_correlations(X[keep], y[keep], method=method, weights=w[keep]),
            atol=1e-12,
        )
    # Equal weights change nothing.
    np.testing.assert_allclose(
        rank_correlations(X, y, weights=np.full(200, 0.3)), rank_correlations(X, y), atol=1e-12
    )


def test_rank_correlations_bad_inputs() -> None:
    X = _mc_inputs(50)
    y = X[:, 0]
    with pytest.raises(ValueError, match="method must be 'spearman' or 'prcc', got 'pearson'"):
        rank_correlations(X, y, method="pearson")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"inputs must have shape \(n, d\)"):
        rank_correlations(X[:, 0], y)
    with pytest.raises(ValueError, match="outputs must have shape"):
        rank_correlations(X, y[:10])
    with pytest.raises(ValueError, match="outputs must be finite"):
        rank_correlations(X, np.where(y > 0.5, np.nan, y))
    with pytest.raises(ValueError, match=r"weights must be >= 0, got -1.0"):
        rank_correlations(X, y, weights=np.r_[-1.0, np.ones(49)])
    with pytest.raises(ValueError, match=r"weights must have shape \(50,\)"):
        rank_correlations(X, y, weights=np.ones(3))
    with pytest.raises(ValueError, match="prcc needs at least"):
        rank_correlations(X[:4], y[:4], method="prcc")


# --------------------------------------------------------------------------
# Weighted quantiles and convergence
# --------------------------------------------------------------------------


def test_weighted_quantile_equal_weights_matches_numpy() -> None:
    rng = np.random.default_rng(2)
    for n in (1, 2, 7, 100, 1001):
        v = rng.gamma(2.0, size=n)
        q = np.linspace(0, 1, 41)
        got = weighted_quantile(v, q)
        np.testing.assert_allclose(got, np.quantile(v, q, method="hazen"), atol=1e-12)
        np.testing.assert_allclose(weighted_quantile(v, q, np.full(n, 2.5)), got, atol=1e-12)
        # Within one plotting step (1/n in probability) of numpy's default.
        lo = np.quantile(v, np.clip(q - 1 / n, 0, 1))
        hi = np.quantile(v, np.clip(q + 1 / n, 0, 1))
        assert np.all(lo - 1e-12 <= got) and np.all(got <= hi + 1e-12)


def test_weighted_quantile_importance_weights_shapes_and_nan() -> None:
    rng = np.random.default_rng(3)
    x = rng.uniform(size=40_000)  # proposal U(0, 1)
    w = 2 * x  # target Beta(2, 1), density 2x; quantile function sqrt(q)
    q = np.array([0.05, 0.5, 0.95])
    np.testing.assert_allclose(weighted_quantile(x, q, w), np.sqrt(q), atol=0.01)
    # Zero-weight samples are ignored, whatever their value.
    xz = np.r_[x, [1e9, -1e9]]
    wz = np.r_[w, [0.0, 0.0]]
    np.testing.assert_allclose(weighted_quantile(xz, q, wz), weighted_quantile(x, q, w))
    # NaN samples are dropped.
    xn = np.r_[x, np.nan]
    np.testing.assert_allclose(weighted_quantile(xn, q, np.r_[w, 1.0]), weighted_quantile(x, q, w))
    assert np.isnan(weighted_quantile([np.nan, np.nan], 0.5))
    # Shapes: scalar q -> float; 2-D q; 2-D values along axis 0.
    assert isinstance(weighted_quantile(x, 0.5), float)
    assert weighted_quantile(x, q.reshape(3, 1)).shape == (3, 1)
    V = np.column_stack([x, 2 * x])
    out = weighted_quantile(V, q, w)
    assert out.shape == (3, 2)
    np.testing.assert_allclose(out[:, 1], 2 * out[:, 0])
    # A single positive weight gives that value.
    assert weighted_quantile([1.0, 5.0, 9.0], [0.1, 0.9], [0, 1, 0]).tolist() == [5.0, 5.0]


def test_weighted_quantile_bad_inputs() -> None:
    with pytest.raises(ValueError, match=r"q must be in \[0, 1\]"):
        weighted_quantile([1.0, 2.0], 1.5)
    with pytest.raises(ValueError, match=r"q must be in \[0, 1\]"):
        weighted_quantile([1.0, 2.0], np.nan)
    with pytest.raises(ValueError, match="non-empty"):
        weighted_quantile([], 0.5)
    with pytest.raises(ValueError, match="weights must not all be zero"):
        weighted_quantile([1.0, 2.0], 0.5, [0.0, 0.0])
    with pytest.raises(ValueError, match="weights must be finite"):
        weighted_quantile([1.0, 2.0], 0.5, [np.inf, 1.0])


def test_convergence_monotone_and_shrinking() -> None:
    x = np.random.default_rng(5).lognormal(size=20_000)
    res = convergence(x)
    n = res["n"]
    assert n[0] == 100 and n[-1] == 20_000 and np.all(np.diff(n) > 0)
    for key in ("mean", "mean_low", "mean_high", "q_low", "q_high", "se", "ess"):
        assert res[key].shape == n.shape and np.all(np.isfinite(res[key]))
    assert np.all(res["mean_low"] < res["mean"]) and np.all(res["mean"] < res["mean_high"])
    width = res["mean_high"] - res["mean_low"]
    assert width[-1] < width[0] / 5
    assert np.all(np.diff(res["se"]) < 0.05 * res["se"][:-1])  # non-increasing up to noise
    assert res["mean"][-1] == pytest.approx(x.mean())
    assert res["se"][-1] == pytest.approx(x.std(ddof=1) / np.sqrt(x.size))
    assert res["q_low"][-1] == pytest.approx(np.quantile(x, 0.05), rel=1e-3)
    assert res["q_high"][-1] == pytest.approx(np.quantile(x, 0.95), rel=1e-3)
    np.testing.assert_allclose(res["ess"], n)


def test_convergence_weights_checkpoints_and_bootstrap() -> None:
    rng = np.random.default_rng(6)
    x = rng.uniform(size=5000)
    w = 2 * x  # importance weights towards Beta(2, 1): mean 2/3
    res = convergence(x, weights=w, checkpoints=[5000, 500, 50, 500], ci=0.8)
    assert res["n"].tolist() == [50, 500, 5000]
    assert res["mean"][-1] == pytest.approx(np.average(x, weights=w))
    assert res["mean_low"][-1] < 2 / 3 < res["mean_high"][-1]
    assert res["q_low"][-1] == pytest.approx(np.sqrt(0.1), abs=0.02)
    assert np.all(res["ess"] < res["n"])
    equal = convergence(x, weights=np.full(5000, 3.0))
    plain = convergence(x)
    for key in plain:
        np.testing.assert_allclose(equal[key], plain[key], rtol=1e-10)

    boot1 = convergence(x, n_boot=300, seed=1)
    boot2 = convergence(x, n_boot=300, seed=1)
    np.testing.assert_array_equal(boot1["mean_low"], boot2["mean_low"])
    # The bootstrap band agrees with the normal-approximation band.
    np.testing.assert_allclose(
        boot1["mean_high"] - boot1["mean_low"], plain["mean_high"] - plain["mean_low"], rtol=0.25
    )


def test_convergence_bad_inputs() -> None:
    with pytest.raises(ValueError, match="samples must be finite"):
        convergence([1.0, np.nan, 2.0])
    with pytest.raises(ValueError, match="1-D"):
        convergence(np.ones((3, 2)))
    with pytest.raises(ValueError, match=r"ci must be in \(0, 1\), got 1"):
        convergence(np.ones(10), ci=1)
    with pytest.raises(ValueError, match="checkpoints must be <= the number of samples 10"):
        convergence(np.ones(10), checkpoints=[5, 11])
    with pytest.raises(ValueError, match="each checkpoint must be an integer >= 1, got 0"):
        convergence(np.ones(10), checkpoints=[0, 5])
    with pytest.raises(ValueError, match="n_boot must be an integer >= 0"):
        convergence(np.ones(10), n_boot=-1)


# --------------------------------------------------------------------------
# rank_drivers
# --------------------------------------------------------------------------


def test_rank_drivers_names_top_first_and_negligible() -> None:
    names = ["input beta", "input alpha", "input gamma", "input delta"]
    text = rank_drivers([0.31, 0.52, 0.01, 0.12], names, metric_label="the output share")
    assert text.startswith("The output share depends mostly on input alpha (ST 0.52)")
    assert text.index("input alpha") < text.index("input beta") < text.index("input delta")
    assert "input gamma barely matters (ST < 0.05)" in text
    assert text.endswith(".")


def test_rank_drivers_variants() -> None:
    text = rank_drivers([0.9, 0.2, 0.0, 0.01, 0.02], list("abcde"), metric_label="y", top=1)
    assert text.startswith("Y depends mostly on a (ST 0.90);")
    assert "b" not in text.split(";")[0].replace("by", "")
    assert "barely matter (ST < 0.05)" in text
    text = rank_drivers(
        [0.9] + [0.0] * 6, list("abcdefg"), metric_label="y", index_label="S1", threshold=0.1
    )
    assert "and 2 other inputs barely matter (S1 < 0.1)" in text
    text = rank_drivers([0.01, 0.02], ["p", "q"], metric_label="the cost")
    assert text == "No listed input clearly drives the cost: every ST is below 0.05."


def test_rank_drivers_bad_inputs() -> None:
    with pytest.raises(ValueError, match="names must be a sequence of 2 names"):
        rank_drivers([0.1, 0.2], ["a"], metric_label="y")
    with pytest.raises(ValueError, match="indices must be finite"):
        rank_drivers([0.1, np.nan], ["a", "b"], metric_label="y")
    with pytest.raises(ValueError, match="metric_label must be a non-empty string"):
        rank_drivers([0.1, 0.2], ["a", "b"], metric_label="  ")
    with pytest.raises(ValueError, match="top must be an integer >= 1, got 0"):
        rank_drivers([0.1, 0.2], ["a", "b"], metric_label="y", top=0)
    with pytest.raises(ValueError, match="threshold must be a finite number >= 0"):
        rank_drivers([0.1, 0.2], ["a", "b"], metric_label="y", threshold=-1)
