"""The vectorized model gives the same metrics as the plain per-sample loop, for every switch.

``bench.loop_model.simulate_loop`` writes the equations the obvious way, month by month, one
sample at a time, with an ``if`` per structural switch; ``model.core.dynamics.simulate`` steps
every sample at once. On the same samples they must agree to rounding: on the baseline, on a
variant where North Korean deliveries stop (so the cut-off metrics are exercised), for every
choice of every switch (each switch flipped alone from the baseline's choices, and every switch
off), and with the uncertain switches chosen per sample. With every switch off, today's model
must also give the numbers of the earlier equations (``tests/reference_equations_v1.py``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.loop_model import simulate_loop
from model.core.catalogue import METRICS
from model.core.dynamics import simulate
from model.core.structure import SWITCHES, Structure, structure_parameter
from model.inputs.events import build_structure, build_timeline
from model.inputs.loading import load_scenario
from model.inputs.priors import scenario_priors
from model.inputs.registry import load_registry
from model.inputs.sampling import sample_parameters
from model.inputs.schema import Event
from tests.reference_equations_v1 import simulate_loop as earlier_equations

N = 200
RTOL = 1e-9
ATOL = 1e-6  # for values near zero (e.g. a shortfall of rounding size)


@pytest.fixture(scope="module")
def baseline():
    registry = load_registry()
    sc = load_scenario(ROOT / "scenarios" / "baseline.yaml", registry=registry).scenario
    priors = scenario_priors(sc, registry)
    samples = sample_parameters(priors, N, method=sc.sampling, seed=sc.seed).as_dict()
    fixed = {k: v for k, v in samples.items() if not k.startswith("structure_")}  # choices from the structure
    return sc, samples, fixed, registry


def _cutoff(sc):
    return sc.model_copy(update={"events": {**sc.events, "cut": Event(kind="nk_deliveries_stop", month="2025-01")}})


def _assert_same(vec, loop, names=None):
    for name in sorted(names or METRICS):
        a = np.asarray(vec[name], dtype=float)
        b = np.asarray(loop[name], dtype=float)
        assert a.shape == b.shape == (N,), name
        np.testing.assert_array_equal(np.isnan(a), np.isnan(b), err_msg=f"{name}: nan positions differ")
        ok = ~np.isnan(b)
        np.testing.assert_allclose(a[ok], b[ok], rtol=RTOL, atol=ATOL, err_msg=name)


def _structures():
    """Every switch off; and from the baseline's choices, each choice of each switch in turn."""
    yield "all-off", Structure()
    shipped = {"firing": "stock_target", "supply_decline": "proportional", "firing_order": "mixed",
               "depot": "limited", "fire_profile": "periods", "nk_stock": "tiers", "nk_supply_start": "pulse",
               "nk_production": "saturating", "ru_production": "anchored", "ru_refurbishment": "declining",
               "troop_losses": "phases"}
    yield "shipped", Structure(shipped, fire_drop_threshold=0.7)
    for switch, spec in SWITCHES.items():
        for choice in spec.choices:
            if choice != shipped[switch]:
                yield f"{switch}={choice}", Structure({**shipped, switch: choice})


STRUCTURES = list(_structures())


@pytest.mark.parametrize("structure", [s for _, s in STRUCTURES], ids=[n for n, _ in STRUCTURES])
@pytest.mark.parametrize("variant", ["baseline", "nk_cutoff_2025-01"])
def test_vectorized_matches_loop(baseline, variant, structure):
    sc, _, samples, registry = baseline
    if variant != "baseline":
        sc = _cutoff(sc)
    timeline = build_timeline(sc, registry)
    if variant != "baseline":
        assert timeline.cutoff == timeline.index("2025-01")
    vec = simulate(samples, timeline, shortage_threshold=sc.shortage_threshold, structure=structure).metrics
    loop = simulate_loop(samples, timeline, shortage_threshold=sc.shortage_threshold, structure=structure)
    assert set(vec) == set(loop) == set(METRICS)
    _assert_same(vec, loop)


@pytest.mark.parametrize("variant", ["baseline", "nk_cutoff_2025-01"])
def test_per_sample_choices_match_the_loop(baseline, variant):
    """The uncertain switches (firing, supply decline, firing order) drawn per sample, as a run does."""
    sc, samples, _, registry = baseline
    assert {structure_parameter(s) for s in ("firing", "supply_decline", "firing_order")} <= set(samples)
    if variant != "baseline":
        sc = _cutoff(sc)
    timeline = build_timeline(sc, registry)
    structure = build_structure(sc)
    vec = simulate(samples, timeline, shortage_threshold=sc.shortage_threshold, structure=structure).metrics
    loop = simulate_loop(samples, timeline, shortage_threshold=sc.shortage_threshold, structure=structure)
    _assert_same(vec, loop)
    # and each sample gives what it gives when its choices are fixed for all
    firing = samples["structure_firing"].astype(int)
    for k, choice in enumerate(SWITCHES["firing"].choices):
        fixed = {n: (np.full(N, float(k)) if n == "structure_firing" else v) for n, v in samples.items()}
        alone = simulate(fixed, timeline, shortage_threshold=sc.shortage_threshold, structure=structure).metrics
        mask = firing == k
        assert mask.any(), choice
        np.testing.assert_allclose(alone["shells_fired_total"][mask], vec["shells_fired_total"][mask], rtol=1e-12)


@pytest.mark.parametrize("policy", [("demand", "constant"), ("stock_target", "proportional")])
@pytest.mark.parametrize("variant", ["baseline", "nk_cutoff_2025-01"])
def test_every_switch_off_gives_the_earlier_equations(baseline, variant, policy):
    sc, _, samples, registry = baseline
    if variant != "baseline":
        sc = _cutoff(sc)
    timeline = build_timeline(sc, registry)
    firing, decline = policy
    structure = Structure({"firing": firing, "supply_decline": decline})
    # the payment categories that issue 20 split out of "other support" are new inputs: off is zero
    samples = {**samples, "missile_value_per_month_usd": np.zeros(N), "technology_value_per_month_usd": np.zeros(N)}
    vec = simulate(samples, timeline, shortage_threshold=sc.shortage_threshold, structure=structure).metrics
    old = earlier_equations(samples, timeline, shortage_threshold=sc.shortage_threshold, firing=firing,
                            supply_decline=decline)
    _assert_same(vec, old, names=list(old))


def test_cutoff_variant_exercises_shortage_metric(baseline):
    """The cut-off comparison is only meaningful if some samples run short after it."""
    sc, _, samples, registry = baseline
    structure = build_structure(sc)
    timeline = build_timeline(_cutoff(sc), registry)
    vec = simulate(samples, timeline, shortage_threshold=sc.shortage_threshold, structure=structure).metrics
    base = simulate(samples, build_timeline(sc, registry), shortage_threshold=sc.shortage_threshold,
                    structure=structure).metrics
    assert np.any(vec["nk_deliveries_total"] < base["nk_deliveries_total"])
    assert np.all(np.isnan(base["months_to_shortage_after_cutoff"]))
    assert np.any(np.isfinite(vec["months_to_shortage_after_cutoff"])), "no sample runs short after the cut-off"
    assert np.any(np.isfinite(vec["months_to_fire_drop_after_cutoff"]))
