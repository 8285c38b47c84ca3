"""model.analysis.stats: the shared weighted statistics (the quantile rules themselves are
tested with the summaries in test_sensitivity.py)."""

import numpy as np
import pytest

from model.analysis.stats import quantiles_under, sort_order


@pytest.mark.parametrize("values", [
    np.random.default_rng(0).standard_normal(2_500_001),  # more than one packing chunk
    np.round(np.random.default_rng(1).standard_normal(50_000), 1),  # many ties
    np.array([0.0, -0.0, np.inf, -np.inf, 1e-45, -1e-45, 3.0, 3.0, -2.0, 3.0, 0.0]),  # signs, zeros, subnormals
])
def test_sort_order_is_a_stable_argsort(values):
    v = values.astype(np.float32)
    np.testing.assert_array_equal(sort_order(v), np.argsort(v, kind="stable"))
    np.testing.assert_array_equal(sort_order(values), np.argsort(values, kind="stable"))  # float64: argsort itself


def test_quantiles_under_weights_match_the_one_column_rule():
    rng = np.random.default_rng(4)
    v = np.round(rng.lognormal(size=20_000), 2).astype(np.float32)  # ties, float32 as the metrics
    w = rng.gamma(0.5, size=v.size)
    from model.analysis.stats import weighted_quantile

    q = [0.05, 0.5, 0.95]
    got_w, got_equal = quantiles_under(v, [w, None], q)
    order = np.argsort(v, kind="stable")
    cw = np.cumsum(w[order])
    expected_w = np.interp(q, (cw - 0.5 * w[order]) / cw[-1], v[order].astype(float))
    np.testing.assert_allclose(got_w, expected_w, rtol=1e-12)
    np.testing.assert_allclose(got_equal, weighted_quantile(v.astype(float), q), rtol=1e-12)


def test_column_percentiles_match_numpy_column_by_column_on_any_number_of_threads():
    from model.analysis.stats import column_percentiles

    values = np.random.default_rng(7).lognormal(size=(10_001, 5))
    values[::3, 2] = 4.0  # ties
    expected = np.array([np.percentile(values[:, j], [5, 50, 95]) for j in range(5)])
    before = values.copy()
    for threads in (1, 2, 3, 8):
        got = column_percentiles(values, [5, 50, 95], threads=threads)
        assert got.shape == (5, 3)
        np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(values, before)  # the input is left as it was


def test_column_percentiles_refuses_a_vector():
    from model.analysis.stats import column_percentiles

    with pytest.raises(ValueError, match="samples, columns"):
        column_percentiles(np.arange(5.0), [50])


def _reference_weighted_hazen(v, w, q):
    """The rule written out: drop zero weights, sort stably, interpolate in the cumulative positions."""
    keep = w > 0
    v, w = v[keep], w[keep]
    order = np.argsort(v, kind="stable")
    cw = np.cumsum(w[order])
    return np.interp(q, (cw - 0.5 * w[order]) / cw[-1], v[order].astype(float))


@pytest.mark.parametrize("zero_share", [0.0, 0.3, 0.99])
@pytest.mark.parametrize("chunk", [1 << 20, 1_000])  # the cumulative weights in one chunk, or in many
def test_quantiles_under_skips_zero_weights_in_runs(zero_share, chunk, monkeypatch):
    # importance weights underflow to zero for most futures of a large run, in long runs of the sorted order
    monkeypatch.setattr("model.analysis.stats._CUMULATIVE_CHUNK", chunk)
    rng = np.random.default_rng(11)
    v = np.round(rng.standard_normal(200_000), 2).astype(np.float32)
    w = rng.gamma(0.5, size=v.size)
    w[rng.random(v.size) < zero_share] = 0.0
    w[v > 1.5] = 0.0  # the whole upper tail: the 95th percentile must look back past it
    q = [0.0, 0.05, 0.5, 0.95, 1.0]
    (got,) = quantiles_under(v, [w], q)
    np.testing.assert_allclose(got, _reference_weighted_hazen(v, w, q), rtol=1e-12)


def test_quantiles_under_memory_is_one_sort_index(monkeypatch):
    # 8 bytes a value beyond the input: no sorted copy of the values, the weights, the positive ones (a
    # third of them zero here) or their cumulative sums (which took 30 bytes a value); the fixed-size
    # blocks of work made small, so that what grows with the values shows
    import tracemalloc

    monkeypatch.setattr("model.analysis.stats._PACK_CHUNK", 1 << 14)
    monkeypatch.setattr("model.analysis.stats._CUMULATIVE_CHUNK", 1 << 14)
    n = 2_000_000
    rng = np.random.default_rng(12)
    v = rng.standard_normal(n).astype(np.float32)
    w = rng.gamma(0.5, size=n)
    w[rng.random(n) < 0.3] = 0.0
    tracemalloc.start()
    try:
        quantiles_under(v, [w, None], [0.05, 0.5, 0.95])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak / n < 10, f"{peak / n:.1f} bytes a value"
