"""Tests for samples: auto's stopping rule (model.features.stopping.compute): checkpoints, quantile
intervals that cover, and a decision that depends on the blocks alone."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from model.features.stopping.compute import (
    PrecisionTarget,
    checkpoints,
    draw_until_precise,
    quantile_intervals,
    relative_precision,
)

BLOCK = 1000


def test_checkpoints_are_powers_of_two_and_one_and_a_half_times_them() -> None:
    assert checkpoints(16 * BLOCK, BLOCK) == [b * BLOCK for b in (1, 2, 3, 4, 6, 8, 12, 16)]
    assert checkpoints(10 * BLOCK + 7, BLOCK) == [b * BLOCK for b in (1, 2, 3, 4, 6, 8)] + [10 * BLOCK + 7]
    assert checkpoints(500, BLOCK) == [500]
    with pytest.raises(ValueError):
        checkpoints(0, BLOCK)


def test_quantile_intervals_cover_at_their_level() -> None:
    # the distribution-free interval of the 5th, 50th and 95th percentiles of a normal sample
    rng = np.random.default_rng(1)
    truth = np.array([-1.6448536, 0.0, 1.6448536])
    hits = np.zeros(3)
    reps = 300
    for _ in range(reps):
        iv, _ = quantile_intervals(rng.normal(size=2000), None, [0.05, 0.5, 0.95], 0.95)
        hits += (iv[:, 1] <= truth) & (truth <= iv[:, 2])
    assert np.all(np.abs(hits / reps - 0.95) < 0.035), hits / reps


def test_weights_widen_the_interval_by_the_effective_sample_size() -> None:
    rng = np.random.default_rng(2)
    x = rng.normal(size=40_000)
    w = np.where(np.arange(x.size) % 4 == 0, 1.0, 0.0)  # a quarter carries all the weight
    full, width = quantile_intervals(x, None, [0.5], 0.95)
    quarter, _ = quantile_intervals(x, w, [0.5], 0.95)
    ratio = (quarter[0, 2] - quarter[0, 1]) / (full[0, 2] - full[0, 1])
    assert ratio == pytest.approx(2.0, rel=0.15)  # sqrt(4)
    assert width == pytest.approx(2 * 1.6448536, rel=0.03)


def test_values_beyond_the_window() -> None:
    # NaN ('did not happen within the window') counts as +inf: a quantile beyond it is known exactly
    x = np.concatenate([np.linspace(0, 1, 700), np.full(300, np.nan)])
    iv, width = quantile_intervals(x, None, [0.05, 0.95], 0.95)
    assert np.isinf(iv[1]).all() and np.isfinite(iv[0]).all()
    rel = relative_precision(iv, width)
    assert rel[1] == 0.0 and 0 < rel[0] < 0.05
    assert width == pytest.approx(0.9, abs=0.01)  # the 90 % width of the values within the window


def _blocks(n_blocks: int, seed: int = 3) -> list[dict[str, np.ndarray]]:
    rng = np.random.default_rng(seed)
    return [{"m": rng.lognormal(size=BLOCK), "k": rng.normal(size=BLOCK)} for _ in range(n_blocks)]


def _run(blocks, target, runner):
    return draw_until_precise([BLOCK] * len(blocks), lambda todo: runner(todo, blocks), target=target,
                              metrics_of=lambda out: out)


def _serial(todo, blocks):
    return [blocks[b] for b in todo]


def _threaded_reversed(todo, blocks):
    # finishes the blocks in reverse order on two threads, returns them in block order
    with ThreadPoolExecutor(2) as pool:
        done = dict(zip(reversed(todo), pool.map(lambda b: blocks[b], reversed(todo))))
    return [done[b] for b in todo]


def test_stops_at_the_first_checkpoint_that_meets_the_target_whatever_the_runner() -> None:
    blocks = _blocks(32)
    target = PrecisionTarget(("m", "k"), (0.05, 0.5, 0.95), 0.03, 0.95, 32 * BLOCK)
    outs, stop = _run(blocks, target, _serial)
    outs2, stop2 = _run(blocks, target, _threaded_reversed)
    assert stop.reason == "target_met"
    assert stop.samples == stop2.samples == len(outs) * BLOCK == len(outs2) * BLOCK
    assert stop.checks == stop2.checks
    assert stop.final.met and not any(c.met for c in stop.checks[:-1])
    assert all(v <= 0.03 for vs in stop.final.precision.values() for v in vs)
    assert [c.samples for c in stop.checks] == checkpoints(32 * BLOCK, BLOCK)[:len(stop.checks)]


def test_stops_at_the_maximum_when_the_target_is_out_of_reach() -> None:
    blocks = _blocks(4)
    target = PrecisionTarget(("m",), (0.05, 0.95), 0.0001, 0.95, 4 * BLOCK)
    outs, stop = _run(blocks, target, _serial)
    assert stop.reason == "max_samples" and stop.samples == 4 * BLOCK and len(outs) == 4
    assert not stop.final.met


def test_calibration_weights_lower_the_effective_sample_size() -> None:
    blocks = _blocks(2)
    target = PrecisionTarget(("k",), (0.5,), 0.0001, 0.95, 2 * BLOCK)
    _, stop = draw_until_precise([BLOCK, BLOCK], lambda todo: [blocks[b] for b in todo], target=target,
                                 metrics_of=lambda out: out, log_likelihood_of=lambda out: -0.5 * out["k"] ** 2)
    assert stop.weighted
    # Kish ESS of w = exp(-k^2/2), k ~ N(0, 1): E[w]^2 / E[w^2] = (1/2) / (1/sqrt 3) = 0.866 of the samples
    assert stop.final.effective_samples / (2 * BLOCK) == pytest.approx(np.sqrt(3) / 2, abs=0.03)
