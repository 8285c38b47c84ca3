"""Tests for scenario discovery (weighted PRIM and tree rules)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from model.features.discovery.methods import Box, PrimResult, Rule, prim, tree_rules

NAMES = ("x0", "x1", "x2", "x3", "x4")
TOL = 0.05  # allowed error on a recovered limit, in the inputs' units (they span [0, 1])
N = 4000


def true_box(x: np.ndarray) -> np.ndarray:
    """The box to be found: x0 in [0, 0.3] and x1 in [0.6, 1]."""
    return (x[:, 0] <= 0.3) & (x[:, 1] >= 0.6)


def noisy_labels(x: np.ndarray, rng: np.random.Generator, noise: float = 0.1) -> np.ndarray:
    """The true box with 10 % of the labels flipped at random."""
    return true_box(x) ^ (rng.uniform(size=len(x)) < noise)


@pytest.fixture(scope="module")
def synthetic() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(20240601)
    x = rng.uniform(size=(N, len(NAMES)))
    return x, noisy_labels(x, rng)


def in_box(x: np.ndarray, limits: dict, names: tuple[str, ...], closed_low: bool) -> np.ndarray:
    """Membership of a PRIM box (closed_low) or a tree rule (low exclusive)."""
    member = np.ones(len(x), dtype=bool)
    for name, (low, high) in limits.items():
        col = x[:, names.index(name)]
        if low is not None:
            member &= col >= low if closed_low else col > low
        if high is not None:
            member &= col <= high
    return member


def assert_recovers_true_box(limits: dict) -> None:
    assert set(limits) == {"x0", "x1"}, limits  # the noise inputs stay unrestricted
    assert limits["x0"][0] is None and limits["x1"][1] is None
    assert limits["x0"][1] == pytest.approx(0.3, abs=TOL)
    assert limits["x1"][0] == pytest.approx(0.6, abs=TOL)


def assert_box_numbers_match_limits(
    result: PrimResult, x: np.ndarray, y: np.ndarray, w: np.ndarray, names: tuple[str, ...]
) -> None:
    """Every box's coverage, density and support, recomputed from its limits."""
    for box in result.boxes:
        member = in_box(x, box.limits, names, closed_low=True)
        inside_w, inside_y = w[member].sum(), w[member & y].sum()
        assert box.support == pytest.approx(inside_w / w.sum(), rel=1e-9)
        assert box.density == pytest.approx(inside_y / inside_w, rel=1e-9)
        assert box.coverage == pytest.approx(inside_y / w[y].sum(), rel=1e-9)


# --------------------------------------------------------------------------- hand-worked PRIM


def test_prim_weighted_trajectory_by_hand() -> None:
    # x = 0 1 2 3, y = 1 0 1 0, weights 3 1 1 1: total 6, y-mass 4, share 2/3.
    # Step 1 (target 0.2 * 6 = 1.2): the low quantile is x=0, whose tie block
    #   carries 3 >= 1.2, so the low peel drops x=0 -> density 1/3. The high
    #   peel drops x=3 -> mass 5, y-mass 4, density 0.8. Take it: a <= 2.
    # Step 2 (target 1.0): low drops x=0 -> {1, 2}: 1/2; high drops x=2 ->
    #   {0, 1}: 3/4. Take the high peel although 3/4 < 0.8: a <= 1,
    #   support 4/6, coverage 3/4.
    # Step 3 (target 0.8): low would leave {1} (support 1/6 < 0.3); high
    #   leaves {0}: density 1, support 1/2, coverage 3/4. Pure: stop.
    result = prim(
        [[0.0], [1.0], [2.0], [3.0]], [True, False, True, False], names=["a"],
        weights=[3, 1, 1, 1], alpha=0.2, min_support=0.3, paste=False, prune=False,
    )
    assert result.share == pytest.approx(2 / 3)
    expected = [
        ({}, 1.0, 2 / 3, 1.0),
        ({"a": (None, 2.0)}, 1.0, 0.8, 5 / 6),
        ({"a": (None, 1.0)}, 0.75, 0.75, 4 / 6),
        ({"a": (None, 0.0)}, 0.75, 1.0, 0.5),
    ]
    assert len(result.boxes) == len(expected)
    for box, (limits, coverage, density, support) in zip(result.boxes, expected):
        assert box.limits == limits
        assert box.coverage == pytest.approx(coverage)
        assert box.density == pytest.approx(density)
        assert box.support == pytest.approx(support)
        assert box.n_restricted == len(limits)
    # Default: all boxes have coverage >= 0.5; the densest is box 3 (density
    # 1, so its standard error is 0).
    assert result.chosen == 3 and result.box is result.boxes[3]
    # Pasting x=1 back (y=0) would lower the density: nothing changes.
    pasted = prim(
        [[0.0], [1.0], [2.0], [3.0]], [True, False, True, False], names=["a"],
        weights=[3, 1, 1, 1], alpha=0.2, min_support=0.3,
    )
    assert pasted.box == result.box


GRID = np.array(list(itertools.product(range(4), range(4))), dtype=float)  # (a, b)
GRID_Y = np.array(
    [
        [1, 1, 0, 0],  # a = 0, b = 0..3
        [1, 1, 1, 1],
        [1, 1, 0, 1],
        [1, 1, 1, 0],
    ],
    dtype=bool,
).ravel()


def test_prim_pasting_by_hand() -> None:
    # 4 x 4 grid, 12 of 16 with y; alpha 0.25 removes one value (4 points or,
    # later, 3) per peel.
    # Step 1: drop a=0 -> 10/12 or b=3 -> 10/12 (tie, same size: the first
    #   candidate, a low); a=3 -> 9/12; b=0 -> 8/12.  Box 1: a >= 1.
    # Step 2: drop a=1 -> 6/8, a=3 -> 7/8, b=0 -> 7/9, b=3 -> 8/9. Box 2: b <= 2.
    # Step 3: drop b=2 -> 6/6 = 1 (others 5/6). Box 3: a >= 1, b <= 1,
    #   support 6/16, coverage 6/12. Pure: stop.
    peeled = prim(GRID, GRID_Y, names=["a", "b"], alpha=0.25, min_support=0.25,
                  paste=False, prune=False)
    assert [b.limits for b in peeled.boxes] == [
        {},
        {"a": (1.0, None)},
        {"a": (1.0, None), "b": (None, 2.0)},
        {"a": (1.0, None), "b": (None, 1.0)},
    ]
    assert [b.density for b in peeled.boxes] == pytest.approx([12 / 16, 10 / 12, 8 / 9, 1.0])
    assert [b.coverage for b in peeled.boxes] == pytest.approx([1.0, 10 / 12, 8 / 12, 6 / 12])
    assert peeled.chosen == 3
    # Pasting box 3: a=0 with b <= 1 holds two futures, both with y, so the
    # lower limit on a goes back to the sample minimum (unrestricted) at
    # density 8/8; then b=2 would bring 2 of 4 with y: 10/12 < 1, stop.
    pasted = prim(GRID, GRID_Y, names=["a", "b"], alpha=0.25, min_support=0.25, prune=False)
    assert pasted.boxes[:3] == peeled.boxes[:3]  # only the chosen box changes
    assert pasted.box == Box(limits={"b": (None, 1.0)}, coverage=8 / 12, density=1.0, support=0.5)


def test_prim_pruning_by_hand_and_choose() -> None:
    # Box 2 (a >= 1, b <= 2) has density 8/9 over 9 futures:
    # SE = sqrt(8/9 * 1/9 / 9) = 0.105, so the floor is 8/9 - 2 SE = 0.679.
    # Dropping a >= 1 gives 10/12 = 0.833 (dropping b <= 2 gives the same;
    # the tie goes to the first input), then dropping b <= 2 gives 12/16 =
    # 0.75 >= 0.679: on 16 futures no limit is significant.
    result = prim(GRID, GRID_Y, names=["a", "b"], alpha=0.25, min_support=0.25,
                  paste=False, choose=2)
    assert result.chosen == 2
    assert result.box == Box(limits={}, coverage=1.0, density=0.75, support=1.0)
    unpruned = prim(GRID, GRID_Y, names=["a", "b"], alpha=0.25, min_support=0.25,
                    paste=False, prune=False, choose=-2)
    assert unpruned.chosen == 2
    assert unpruned.box.limits == {"a": (1.0, None), "b": (None, 2.0)}
    with pytest.raises(ValueError, match="outside the trajectory of 4 boxes"):
        prim(GRID, GRID_Y, names=["a", "b"], alpha=0.25, min_support=0.25, choose=4)


# ------------------------------------------------------------- against a direct version


def slow_peeling(
    x: np.ndarray, y: np.ndarray, w: np.ndarray, alpha: float, min_support: float
) -> list[np.ndarray]:
    """Peeling written directly from the definition: masks, no sorting tricks."""
    n, d = x.shape
    inside = np.ones(n, dtype=bool)
    masks = [inside.copy()]
    while np.any(inside & ~y & (w > 0)):
        box_w, box_y = w[inside].sum(), w[inside & y].sum()
        target = alpha * box_w
        best: tuple | None = None
        for j in range(d):
            v = x[:, j]
            values = np.unique(v[inside])
            if len(values) == 1:
                continue
            mass_le = np.array([w[inside & (v <= u)].sum() for u in values])
            mass_ge = np.array([w[inside & (v >= u)].sum() for u in values])
            q_lo = values[np.argmax(mass_le >= target)]
            q_hi = values[np.nonzero(mass_ge >= target)[0][-1]]
            drop_lo = inside & (v < q_lo) if np.any(inside & (v < q_lo)) else inside & (
                v == values[0])
            drop_hi = inside & (v > q_hi) if np.any(inside & (v > q_hi)) else inside & (
                v == values[-1])
            for side, drop in enumerate((drop_lo, drop_hi)):
                new_w = box_w - w[drop].sum()
                if new_w <= 0 or new_w < min_support * w.sum() - 1e-12:
                    continue
                key = ((box_y - w[drop & y].sum()) / new_w, new_w, -(2 * j + side))
                if best is None or key > best[0]:
                    best = (key, drop)
        if best is None:
            break
        inside &= ~best[1]
        masks.append(inside.copy())
    return masks


@pytest.mark.parametrize("seed", range(6))
def test_prim_peeling_matches_direct_version(seed: int) -> None:
    # Small data with heavy ties, a constant input and some zero weights.
    rng = np.random.default_rng(seed)
    n = 80
    x = np.column_stack([
        rng.integers(0, 5, n),  # five values: tie blocks of ~20 %
        rng.uniform(size=n),
        np.full(n, 2.0),  # constant
        rng.integers(0, 40, n),
    ]).astype(float)
    y = (x[:, 0] >= 2) & (x[:, 1] < 0.7) ^ (rng.uniform(size=n) < 0.15)
    w = rng.exponential(size=n) * (rng.uniform(size=n) > 0.1)
    names = ("a", "b", "c", "d")
    result = prim(x, y, names=names, weights=w, alpha=0.1, min_support=0.1,
                  paste=False, prune=False)
    masks = slow_peeling(x, y, w, alpha=0.1, min_support=0.1)
    assert len(result.boxes) == len(masks) >= 5
    for box, mask in zip(result.boxes, masks):
        member = in_box(x, box.limits, names, closed_low=True)
        assert np.array_equal(member[w > 0], mask[w > 0])
        assert box.support == pytest.approx(w[mask].sum() / w.sum())
        assert box.density == pytest.approx(w[mask & y].sum() / w[mask].sum())
        assert "c" not in box.limits  # a constant input is never peeled
    assert_box_numbers_match_limits(result, x, y, w, names)


# --------------------------------------------------------------------------- synthetic box


def test_prim_recovers_box(synthetic: tuple[np.ndarray, np.ndarray]) -> None:
    x, y = synthetic
    result = prim(x, y, names=NAMES)
    assert_recovers_true_box(result.box.limits)
    # The true box holds 12 % of the futures at density 0.9, and 0.108/0.196 =
    # 55 % of the futures with y.
    assert result.share == pytest.approx(0.196, abs=0.02)
    assert result.box.density > 0.85
    assert 0.5 <= result.box.coverage <= 0.6
    assert result.boxes[0] == Box(limits={}, coverage=1.0, density=result.share, support=1.0)
    supports = [b.support for b in result.boxes]
    assert supports == sorted(supports, reverse=True)
    assert min(supports) >= 0.05
    assert_box_numbers_match_limits(result, x, y, np.ones(len(x)), NAMES)
    # The last, smallest box has limits on noise inputs picked up from label
    # noise (measured: x2 and x4, and a lower limit on x0); pruning drops them
    # and keeps the two limits that matter.
    last = prim(x, y, names=NAMES, choose=-1, paste=False, prune=False).box
    assert set(last.limits) - {"x0", "x1"}
    pruned = prim(x, y, names=NAMES, choose=-1, paste=False).box
    assert set(pruned.limits) == {"x0", "x1"}
    assert pruned.limits["x0"] == (None, last.limits["x0"][1])
    assert pruned.limits["x1"] == last.limits["x1"]
    assert pruned.density >= last.density - 0.05 and pruned.support > last.support


def test_prim_weighted_matches_resampled() -> None:
    # Importance weights tilt the uniform sample towards small x0, where the
    # box is: target density proportional to exp(-2 x0). The same target is
    # sampled directly by rejection (accept with probability exp(-2 x0)), and
    # PRIM on that unweighted sample must tell the same story.
    rng = np.random.default_rng(3)
    x = rng.uniform(size=(N, len(NAMES)))
    y = noisy_labels(x, rng)
    w = np.exp(-2.0 * x[:, 0])
    pool = rng.uniform(size=(3 * N, len(NAMES)))
    xr = pool[rng.uniform(size=3 * N) < np.exp(-2.0 * pool[:, 0])]
    yr = noisy_labels(xr, rng)

    weighted = prim(x, y, names=NAMES, weights=w)
    resampled = prim(xr, yr, names=NAMES)
    unweighted = prim(x, y, names=NAMES)
    assert_recovers_true_box(weighted.box.limits)
    assert_recovers_true_box(resampled.box.limits)
    # Exact share under the tilt: P(box) = 0.4 (1 - e^-0.6) / (1 - e^-2) = 0.209,
    # share = 0.9 * 0.209 + 0.1 * 0.791 = 0.267 (0.196 untilted).
    assert weighted.share == pytest.approx(0.267, abs=0.015)
    assert resampled.share == pytest.approx(weighted.share, abs=0.015)
    assert unweighted.share < weighted.share - 0.05  # the weights do matter
    for key in ("x0", "x1"):
        for a, b in zip(weighted.box.limits[key], resampled.box.limits[key]):
            assert (a is None and b is None) or abs(a - b) < TOL
    assert weighted.box.density == pytest.approx(resampled.box.density, abs=0.05)
    assert weighted.box.coverage == pytest.approx(resampled.box.coverage, abs=0.05)
    # The tilt puts more of the y-mass in the box: 0.9*0.209/0.267 = 0.70.
    assert weighted.box.coverage > unweighted.box.coverage + 0.05
    assert_box_numbers_match_limits(weighted, x, y, w, NAMES)


def test_prim_discrete_input_peels_whole_values() -> None:
    # Every value of the integer input holds 20 % of the futures, more than
    # alpha: peels must remove whole values, and the box is {x = 4} exactly.
    rng = np.random.default_rng(5)
    xd = np.repeat(np.arange(5.0), 200)
    x = np.column_stack([xd, rng.uniform(size=1000)])
    y = xd == 4
    result = prim(x, y, names=["level", "u"])
    assert result.box.limits == {"level": (4.0, None)}
    assert result.box.density == 1.0 and result.box.coverage == 1.0
    assert [b.limits.get("level") for b in result.boxes][:2] == [None, (1.0, None)]


def test_prim_constant_input_is_never_peeled(synthetic: tuple[np.ndarray, np.ndarray]) -> None:
    x, y = synthetic
    xc = np.column_stack([np.full(len(x), 7.5), x])
    result = prim(xc, y, names=("constant", *NAMES), prune=False)
    assert all("constant" not in b.limits for b in result.boxes)
    assert len(result.boxes) > 20


# --------------------------------------------------------------------------- degenerate cases


@pytest.mark.parametrize("value", [False, True])
def test_prim_all_one_outcome(value: bool) -> None:
    x = np.random.default_rng(0).uniform(size=(50, 2))
    result = prim(x, np.full(50, value), names=["a", "b"])
    assert result == PrimResult(
        boxes=(Box(limits={}, coverage=1.0, density=float(value), support=1.0),),
        chosen=0,
        share=float(value),
    )


def test_prim_outcome_only_on_weightless_futures() -> None:
    x = np.arange(10.0)[:, None]
    y = x[:, 0] >= 8
    w = np.where(y, 0.0, 1.0)  # the futures with y carry no weight
    result = prim(x, y, names=["a"], weights=w)
    assert result.share == 0.0 and len(result.boxes) == 1


def test_zero_total_weight_and_bad_inputs() -> None:
    x = np.zeros((4, 1))
    y = np.array([True, False, True, False])
    for func in (prim, tree_rules):
        with pytest.raises(ValueError, match="weights sum to zero"):
            func(x, y, names=["a"], weights=np.zeros(4))
        with pytest.raises(ValueError, match="non-negative"):
            func(x, y, names=["a"], weights=[1, -1, 1, 1])
        with pytest.raises(ValueError, match="NaN"):
            func(np.array([[np.nan], [0], [1], [2]]), y, names=["a"])
        with pytest.raises(ValueError, match="names has 2 entries"):
            func(x, y, names=["a", "b"])
        with pytest.raises(ValueError, match="boolean"):
            func(x, [0, 1, 2, 0], names=["a"])
    with pytest.raises(ValueError, match="alpha"):
        prim(x, y, names=["a"], alpha=0.6)


def test_prim_constant_inputs_only() -> None:
    # Nothing can be peeled: the trajectory is the whole space.
    result = prim(np.ones((6, 2)), [True, False] * 3, names=["a", "b"])
    assert len(result.boxes) == 1 and result.share == 0.5


def test_prim_speed_scale() -> None:
    # A smaller cousin of n = 16,384, d = 20 (which takes ~0.2 s); guards
    # against an accidental O(n^2) step rather than timing anything.
    rng = np.random.default_rng(11)
    x = rng.uniform(size=(4096, 20))
    y = true_box(x) ^ (rng.uniform(size=4096) < 0.1)
    result = prim(x, y, names=[f"v{i}" for i in range(20)], weights=rng.exponential(size=4096))
    assert set(result.box.limits) == {"v0", "v1"}


# --------------------------------------------------------------------------- tree rules


def test_tree_rules_find_the_box(synthetic: tuple[np.ndarray, np.ndarray]) -> None:
    x, y = synthetic
    rules = tree_rules(x, y, names=NAMES)
    assert 2 <= len(rules) <= 8
    assert all(isinstance(r, Rule) for r in rules)
    # The leaves partition the futures.
    members = [in_box(x, r.limits, NAMES, closed_low=False) for r in rules]
    assert np.array_equal(np.sum(members, axis=0), np.ones(len(x)))
    assert sum(r.support for r in rules) == pytest.approx(1.0)
    for rule, member in zip(rules, members):
        assert rule.support == pytest.approx(member.mean())
        assert rule.density == pytest.approx(y[member].mean())
        assert rule.predicts == (rule.density > 0.5)
        assert rule.support >= 0.05 - 1e-12
    assert [r.density for r in rules] == sorted((r.density for r in rules), reverse=True)
    # The leaves that predict y together are the true box, up to a sliver.
    predicted = np.any([m for r, m in zip(rules, members) if r.predicts], axis=0)
    assert np.mean(predicted == true_box(x)) > 0.99
    positive = [r for r in rules if r.predicts]
    assert all(r.density > 0.8 for r in positive)
    assert max(r.limits["x0"][1] for r in positive) == pytest.approx(0.3, abs=TOL)
    assert min(r.limits["x1"][0] for r in positive) == pytest.approx(0.6, abs=TOL)
    assert all(r.limits["x0"][0] is None or r.limits["x0"][0] < 0.3 for r in positive)


def test_tree_rules_use_the_weights() -> None:
    # y = (a > 0.5) on 1000 futures, but the futures with a > 0.5 carry weight
    # 3: the weighted share is 3/4 and each leaf's support is its weight share.
    a = np.linspace(0.0, 1.0, 1000)
    x = np.column_stack([a, np.zeros(1000)])
    y = a > 0.5
    w = np.where(y, 3.0, 1.0)
    rules = tree_rules(x, y, names=["a", "zero"], weights=w, max_depth=1)
    assert len(rules) == 2
    top, bottom = rules
    assert top.predicts and not bottom.predicts
    assert top.density == 1.0 and bottom.density == 0.0
    assert top.support == pytest.approx(0.75) and bottom.support == pytest.approx(0.25)
    assert top.limits["a"][0] == pytest.approx(0.5, abs=1e-3) and top.limits["a"][1] is None
    assert "zero" not in top.limits  # constant input never split


@pytest.mark.parametrize("value", [False, True])
def test_tree_rules_all_one_outcome(value: bool) -> None:
    x = np.random.default_rng(0).uniform(size=(50, 2))
    rules = tree_rules(x, np.full(50, value), names=["a", "b"])
    assert rules == (Rule(limits={}, density=float(value), support=1.0, predicts=value),)
