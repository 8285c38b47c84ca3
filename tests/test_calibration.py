"""Importance weighting against closed-form Bayesian updates, and its diagnostics."""

import dataclasses
from types import SimpleNamespace

import numpy as np
import pytest

from model.analysis.calibration import Z90, ObservedFigure, calibrate, observed_figure
from model.inputs.registry import load_registry
from model.presentation.words import calibration_findings
from model.summary.build import _calibration, _observations
from tests.summaries import summary


def obs(fid, value, spread, month="2024-06"):
    return ObservedFigure(fid, "nk_deliveries_cumulative", month, value, value / (1 + spread), value * (1 + spread), fid)


def test_error_range_becomes_lognormal_sigma():
    o = obs("x", 100.0, 0.5)
    assert o.sigma_log == pytest.approx(np.log(1.5 ** 2) / (2 * Z90))
    assert o.centre_log == pytest.approx(np.log(100.0))


def test_range_figure_uses_its_own_bounds():
    # a count given as a range (no claim of another kind): its range is the 90 % error range
    fig = load_registry().get("nk_soldiers_killed_kursk").model_copy(update={"claim": None, "high": 900.0})
    o = observed_figure(fig, output="killed_cumulative", month="2025-07", spread=None)
    assert (o.low, o.high) == (200.0, 900.0)
    assert o.reported == pytest.approx(np.sqrt(200 * 900))
    assert o.is_range and o.kind == "count"


def test_value_figure_uses_reliability_spread():
    fig = load_registry().get("nk_soldiers_kursk")  # a count, medium -> 25 %
    o = observed_figure(fig, output="troops_in_theatre", month="2025-07", spread=None)
    assert o.low == pytest.approx(15_000 / 1.25)
    assert o.high == pytest.approx(15_000 * 1.25)
    capacity = observed_figure(load_registry().get("nk_shells_delivered_2024"), output="nk_deliveries_cumulative",
                               month="2024-06", spread=None)  # a capacity claim: the bound times its fill range
    assert (capacity.low, capacity.high) == pytest.approx((0.4 * 3.5e6, 3.5e6))
    assert capacity.sigma_log == pytest.approx(np.log(1.25) / Z90)


def test_weights_reproduce_the_conjugate_normal_posterior():
    # prior: log X ~ N(m0, s0); observation y with lognormal error s1 -> closed-form posterior
    rng = np.random.default_rng(1)
    m0, s0 = np.log(3e6), 0.6
    x = np.exp(rng.normal(m0, s0, 400_000))
    o = obs("x", 4e6, 0.3)
    s1, y = o.sigma_log, o.centre_log
    post_var = 1 / (1 / s0**2 + 1 / s1**2)
    post_mean = post_var * (m0 / s0**2 + y / s1**2)
    cal = calibrate(x[:, None], [o])
    logs = np.log(x)
    mean = np.sum(cal.weights * logs)
    sd = np.sqrt(np.sum(cal.weights * (logs - mean) ** 2))
    assert mean == pytest.approx(post_mean, abs=0.01)
    assert sd == pytest.approx(np.sqrt(post_var), rel=0.02)
    # ESS of a Gaussian update: n * sqrt(1 - r^2)... checked loosely against its definition
    assert cal.effective_sample_size == pytest.approx(1 / np.sum(cal.weights**2))
    assert 0 < cal.effective_sample_size < x.size
    assert cal.weights.sum() == pytest.approx(1.0)
    assert cal.fits[0].fits


def test_no_observations_leaves_equal_weights():
    cal = calibrate(np.ones((50, 0)), [])
    np.testing.assert_allclose(cal.weights, 1 / 50)
    assert cal.effective_sample_size == 50
    assert not cal.calibrated


def test_consistent_figures_do_not_conflict():
    rng = np.random.default_rng(2)
    x = np.exp(rng.normal(np.log(3e6), 0.5, 100_000))
    cal = calibrate(np.column_stack([x, 2 * x]), [obs("a", 3e6, 0.3), obs("b", 6e6, 0.3)])
    assert cal.conflicts == []
    assert not any(f.in_tension for f in cal.fits)
    assert all(f.fits for f in cal.fits)


def _findings(cal, observed, *, samples):
    """The calibration's findings as a run's summary says them (the calibration and its figures summarised)."""
    run = SimpleNamespace(observed=observed, calibration=cal, calibrated=SimpleNamespace(weights=cal.weights))
    s = dataclasses.replace(summary(), samples=samples, calibration=_calibration(run), observations=_observations(run))
    return calibration_findings(s)


def test_contradicting_figures_are_reported_not_hidden():
    # two reports of the same quantity, 3 M and 9 M, each claimed to within 20 %
    rng = np.random.default_rng(3)
    x = np.exp(rng.normal(np.log(5e6), 0.8, 200_000))
    observed = [obs("low_report", 3e6, 0.2), obs("high_report", 9e6, 0.2)]
    cal = calibrate(np.column_stack([x, x]), observed)
    assert [(a, b) for a, b, _ in cal.conflicts] == [("low_report", "high_report")]
    assert all(f.in_tension for f in cal.fits)
    assert any("pull against each other" in line for line in _findings(cal, observed, samples=x.size))
    assert cal.fits[0].loo_quantile < 0.05  # calibrated on the high report, the model lies above the low one
    assert cal.fits[1].loo_quantile > 0.95


def test_shape_mismatch_is_an_error():
    with pytest.raises(ValueError, match="expected"):
        calibrate(np.ones((10, 2)), [obs("a", 1.0, 0.1)])


def test_degenerate_calibration_says_so():
    x = np.linspace(1, 2, 1000)
    observed = [obs("far", 1e6, 0.01)]
    cal = calibrate(x[:, None], observed)
    assert cal.effective_sample_size < 100
    findings = _findings(cal, observed, samples=x.size)
    assert "effective samples of 1,000" in findings[0]
    assert "hard to reconcile" in findings[0]


def _baseline_figures_and_values(n: int, seed: int = 5):
    """The baseline's observed figures (one an undated total with several possible months) and model
    values for them: (n, figures + the undated total's months), the layout a block computes."""
    from pathlib import Path

    from model.analysis.calibration import date_draws, fill_drawn_dates
    from model.experiment import observed_figures
    from model.inputs.loading import load_scenario

    registry = load_registry()
    scenario = load_scenario(Path(__file__).resolve().parents[1] / "scenarios" / "baseline.yaml",
                             registry=registry).scenario
    observed = observed_figures(scenario, registry)
    assert any(o.node_columns for o in observed), "the baseline has an undated total"
    width = len(observed) + sum(len(o.node_columns) for o in observed)
    rng = np.random.default_rng(seed)
    centres = np.array([o.reported if o.reported is not None else o.low for o in observed]
                       + [o.reported for o in observed for _ in o.node_columns], dtype=float)
    values = (centres * np.exp(rng.normal(0.0, 0.7, (n, width)))).astype(np.float32)
    fill_drawn_dates(values, date_draws(observed), np.arange(n))
    return observed, values


def test_an_undated_total_integrated_in_advance_calibrates_the_same():
    # a run keeps one column per figure and the undated total's log-likelihood, not its months' values
    from model.analysis.calibration import integrated_over_dates

    observed, wide = _baseline_figures_and_values(50_000)
    integrated = integrated_over_dates(wide, observed)
    assert set(integrated) == {o.figure_id for o in observed if o.node_columns}
    assert all(v.shape == (wide.shape[0],) and v.dtype == np.float32 for v in integrated.values())
    compact = np.ascontiguousarray(wide[:, :len(observed)])
    full = calibrate(wide, observed)
    kept = calibrate(compact, observed, integrated=integrated)
    np.testing.assert_array_equal(kept.weights, full.weights)
    assert kept.fits == full.fits and kept.conflicts == full.conflicts
    assert kept.log_evidence == full.log_evidence and kept.effective_sample_size == full.effective_sample_size
    with pytest.raises(ValueError, match="integrated lacks"):
        calibrate(compact, observed, integrated={})
    with pytest.raises(ValueError, match="expected"):
        calibrate(wide, observed, integrated=integrated)  # the months' columns are not expected then


def test_calibration_memory_per_sample_is_bounded():
    # ten million samples must calibrate within the documented 2 GiB: at most the log densities (4 bytes a
    # figure), the weights and one work array for the pairs, or the summed log-likelihood and the weights
    # with a sort index and its cumulative weights (36 bytes a sample at ten million, 44 here with the
    # fixed-size blocks of work); the undated total's months in float64 temporaries once took 418
    import tracemalloc

    from model.analysis.calibration import integrated_over_dates

    n = 1_000_000
    observed, wide = _baseline_figures_and_values(n)
    integrated = integrated_over_dates(wide, observed)
    compact = np.ascontiguousarray(wide[:, :len(observed)])
    del wide
    tracemalloc.start()
    try:
        calibrate(compact, observed, integrated=integrated)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak / n < 50, f"{peak / n:.0f} bytes a sample"
