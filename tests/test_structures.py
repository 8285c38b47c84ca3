"""Structural switches: their catalogue, the scenario sections that set them, and the averaging over
the structures the figures cannot tell apart (Bayesian model averaging)."""

from __future__ import annotations

import math
import textwrap
import typing
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from model.analysis.smc import importance_weights
from model.analysis.structures import structure_mixture, variance_share
from model.core.structure import SWITCHES, Structure, structure_parameter
from model.features.alternatives.spec import Alternative
from model.inputs.distributions import ParameterPrior
from model.inputs.loading import ScenarioError, load_scenario
from model.inputs.registry import load_registry
from model.inputs.schema import StructurePriors, StructureSettings

ROOT = Path(__file__).resolve().parents[1]


def test_the_schema_spells_out_every_switch_with_its_choices():
    for model in (StructureSettings, Alternative):
        for name, switch in SWITCHES.items():
            annotation = model.model_fields[name].annotation
            if typing.get_origin(annotation) is not typing.Literal:  # Optional[Literal[...]]
                annotation = next(a for a in typing.get_args(annotation) if a is not type(None))
            assert typing.get_args(annotation) == switch.choices, (model.__name__, name)
    assert set(StructurePriors.model_fields) == set(SWITCHES) | {"assumption"}
    # the schema's default is each switch's first choice: the earlier model
    assert StructureSettings().model_dump(include=set(SWITCHES)) == {n: s.choices[0] for n, s in SWITCHES.items()}


def test_structure_refuses_unknown_switches_and_choices():
    assert Structure(firing="stock_target").firing == "stock_target"
    with pytest.raises(ValueError, match="unknown structural switch 'fireing'"):
        Structure(fireing="demand")
    with pytest.raises(ValueError, match="firing: unknown choice 'stock'"):
        Structure(firing="stock")


def test_variance_share_is_the_between_group_part():
    rng = np.random.default_rng(1)
    a, b = rng.normal(0.0, 1.0, 200_000), rng.normal(1.0, 1.0, 200_000)
    values = np.r_[a, b]
    groups = np.r_[np.zeros(a.size, int), np.ones(b.size, int)]
    # Var = within 1 + between 0.25: the structure's share is 0.25 / 1.25
    assert variance_share(values, np.ones_like(values), groups) == pytest.approx(0.2, abs=0.005)
    assert variance_share(np.ones(10), np.ones(10), np.r_[np.zeros(5, int), np.ones(5, int)]) == 0.0


def _discrete(weights):
    return stats.rv_discrete(values=(np.arange(len(weights)), np.asarray(weights) / np.sum(weights)))


def test_posterior_probabilities_and_evidence_follow_bayes_rule():
    """Two firing policies, prior 1 : 3; under each the data favour other values of θ. Averaging in one
    calibration gives each its evidence Z_s = mean over its samples of L (what calibrating it alone
    gives), P(s | data) ∝ P(s) Z_s, and ln Z_s = ln Z + ln P(s | data) − ln P(s)."""
    rng = np.random.default_rng(4)
    n = 400_000
    prior_weights = [0.25, 0.75]
    choice = rng.choice(2, size=n, p=prior_weights)
    theta = rng.normal(0.0, 1.0, n)
    loglik = np.where(choice == 0, stats.norm.logpdf(1.5, theta, 0.5), stats.norm.logpdf(0.2, theta, 0.5))
    weights, _, log_z = importance_weights(loglik)
    priors = [ParameterPrior(structure_parameter("firing"), "choice", _discrete(prior_weights), None, "structure")]
    mix = structure_mixture({"firing": choice.astype(np.int8)}, weights, priors, log_z, {"theta": theta})
    assert mix is not None and mix.switches == ("firing",)
    alone = [float(np.log(np.mean(np.exp(loglik[choice == k])))) for k in (0, 1)]  # each calibrated alone
    exact = [stats.norm.logpdf(x, 0.0, math.hypot(1.0, 0.5)) for x in (1.5, 0.2)]  # closed form
    for k, combo in enumerate(mix.combinations):
        assert combo.choices == {"firing": SWITCHES["firing"].choices[k]}
        assert combo.prior_weight == pytest.approx(prior_weights[k])
        assert combo.log_evidence == pytest.approx(alone[k], abs=0.01)  # (the drawn share is not exactly the prior's)
        assert combo.log_evidence == pytest.approx(exact[k], abs=0.01)
    post = np.array([c.posterior_probability for c in mix.combinations])
    expected = np.array(prior_weights) * np.exp(exact)
    np.testing.assert_allclose(post, expected / expected.sum(), atol=0.003)
    assert mix.marginals["firing"][1][2] == pytest.approx(post[1])
    assert 0 < mix.variance_share["theta"] < 1


def _write(folder: Path, text: str) -> Path:
    path = folder / "s.yaml"
    path.write_text("name: s\nextends: baseline\ndescription: test\n" + textwrap.dedent(text), encoding="utf-8")
    (folder / "baseline.yaml").write_text((ROOT / "scenarios" / "baseline.yaml").read_text(encoding="utf-8"),
                                          encoding="utf-8")
    return path


@pytest.mark.parametrize("text, field, message", [
    ("structures:\n  fireing: [demand, stock_target]\n", "structures.fireing", "did you mean 'firing'"),
    ("structures:\n  firing: {demand: 1, stock: 1}\n", "structures.firing.stock",
     "'stock' is not a choice of firing"),
    ("structures:\n  firing: {demand: -1, stock_target: 1}\n", "structures.firing.demand", "a number ≥ 0"),
    ("structures:\n  firing: {demand: 0, stock_target: 0}\n", "structures.firing", "sum to zero"),
    ("fire_periods:\n  late:\n    start: 2026-06\n    end: 2027-02\n    factor: {dist: fixed, value: 1, unit: ratio,"
     " assumption: x}\n", "fire_periods.late.end", "outside the scenario window"),
    ("fire_periods:\n  overlap:\n    start: 2024-01\n    end: 2024-03\n    factor: {dist: fixed, value: 1, unit: ratio,"
     " assumption: x}\n", "fire_periods", "overlaps the period"),
    ("troop_phases:\n  early:\n    start: 2024-11\n    end: 2024-10\n    posture: combat\n", "troop_phases.early.end",
     "is before the start"),
    ("troop_phases:\n  x:\n    start: 2025-01\n    posture: combat\n    waves: [troops_arive]\n",
     "troop_phases.x.waves[0]", "did you mean 'troops_arrive'"),
    ("parameters:\n  nk_old_stock_share: {dist: uniform, low: 0.5, high: 1.2, unit: fraction, assumption: x}\n",
     "parameters.nk_old_stock_share.high", "must be ≤ 1"),
])
def test_bad_sections_are_refused_with_file_line_and_field(tmp_path, text, field, message):
    path = _write(tmp_path, text)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, registry=load_registry())
    found = [p for p in info.value.problems if p.field.startswith(field) and message in p.message]
    assert found, [str(p) for p in info.value.problems]
    assert found[0].line is not None


def test_a_child_fixes_a_switch_its_parent_averages(tmp_path):
    path = _write(tmp_path, "structures:\n  firing: {demand: 1}\n")
    sc = load_scenario(path, registry=load_registry()).scenario
    assert "firing" not in sc.structures.uncertain()
    assert {"supply_decline", "firing_order"} <= set(sc.structures.uncertain())
    from model.inputs.events import build_structure

    assert build_structure(sc).firing == "demand"
