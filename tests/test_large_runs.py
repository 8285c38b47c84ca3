"""What a run keeps per sample, on small runs: bounded whatever the sample count and the horizon.

The documented maximum (10,000,000 samples, 240 months) stays under 2 GiB only while what is kept
per sample and per kept future is bounded; ``bench/bench_max.py`` measures the maximum itself.
"""

from pathlib import Path

import numpy as np
import pytest

from model.core.catalogue import METRICS, TRAJECTORIES, applies
from model.experiment import TRAJECTORY_CELLS, TRAJECTORY_SAMPLE_CAP, run_scenario, trajectory_samples
from model.inputs.loading import load_scenario
from model.inputs.registry import load_registry

ROOT = Path(__file__).resolve().parents[1]


def _baseline(horizon: int, method: str):
    registry = load_registry()
    scenario = load_scenario(ROOT / "scenarios" / "baseline.yaml", registry=registry).scenario
    return scenario.model_copy(update={
        "window": scenario.window.model_copy(update={"horizon_months": horizon}),
        "calibration": scenario.calibration.model_copy(update={"method": method}),
        "sensitivity": scenario.sensitivity.model_copy(update={"methods": ["rank"]}),
    }), registry


def test_trajectory_samples_keep_samples_times_months_bounded():
    assert trajectory_samples(36) == trajectory_samples(48) == TRAJECTORY_SAMPLE_CAP  # the shipped horizons: as before
    for months in range(1, 241):
        kept = trajectory_samples(months)
        assert kept * months <= max(TRAJECTORY_CELLS, TRAJECTORY_SAMPLE_CAP * months)
        assert kept == TRAJECTORY_SAMPLE_CAP or (kept + 1) * months > TRAJECTORY_CELLS  # as many as fit
    assert trajectory_samples(240) == 6_553


@pytest.fixture(scope="module")
def long_run():
    """The baseline extended to the longest horizon, with more samples than that horizon keeps
    trajectories of (importance weighting, so the calibrated futures are the same samples)."""
    scenario, registry = _baseline(240, "importance")
    return run_scenario(scenario, registry, samples=8_192)


def test_a_long_window_keeps_fewer_trajectories(long_run):
    kept = trajectory_samples(240)
    assert kept < 8_192
    for ensemble in (long_run.prior, long_run.calibrated):
        assert set(ensemble.trajectories) == set(TRAJECTORIES)
        for name, values in ensemble.trajectories.items():
            assert values.shape == (kept, 240), name
            assert values.dtype == np.float32 and values.flags.c_contiguous
    assert len(long_run.metrics["nk_deliveries_total"]) == 8_192  # metrics: every sample
    # the kept futures are the first ones, the same numbers the sample's model values hold
    observed = long_run.observed[0]
    t = long_run.timeline.index(observed.month)
    np.testing.assert_array_equal(long_run.prior.trajectories[observed.output][:, t],
                                  long_run.prior.observed_values[:kept, 0])


def test_observed_values_hold_one_column_per_figure(long_run):
    ensemble = long_run.prior
    undated = [o.figure_id for o in long_run.observed if o.node_columns]
    assert undated, "the baseline has an undated total"
    assert ensemble.observed_values.shape == (8_192, len(long_run.observed))
    assert ensemble.observed_values.dtype == np.float32
    assert sorted(ensemble.undated_log_likelihoods) == sorted(undated)
    for values in ensemble.undated_log_likelihoods.values():
        assert values.shape == (8_192,) and values.dtype == np.float32 and np.isfinite(values).all()
    assert set(ensemble.metrics) == set(METRICS) and all(v.dtype == np.float32 for v in ensemble.metrics.values())
    for name, values in ensemble.metrics.items():  # a cut-off metric without a cut-off: one nan, broadcast
        assert values.shape == (8_192,)
        assert values.flags.writeable == applies(name, has_cutoff=False), name
        assert values.flags.writeable or np.isnan(values).all()
    assert not ensemble.weights.flags.writeable  # the prior's equal weights: one number, broadcast


def test_smc_particles_keep_the_same_bounded_layout():
    # SMC's particles are a second ensemble: the same per-sample layout and trajectory bound
    scenario, registry = _baseline(120, "smc")
    run = run_scenario(scenario, registry, samples=1_024)
    assert run.calibration.method == "smc"
    for ensemble in (run.prior, run.calibrated):
        assert ensemble.observed_values.shape == (1_024, len(run.observed))
        assert all(v.shape == (min(1_024, trajectory_samples(120)), 120) for v in ensemble.trajectories.values())
        assert set(ensemble.undated_log_likelihoods) == {o.figure_id for o in run.observed if o.node_columns}
