"""Tests for model/distributions.py: each parameter spec becomes the right frozen distribution,
in canonical units, centred on its article figure where it has one."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from model.inputs.distributions import ParameterPrior, fit_range, pert
from model.inputs.loading import load_scenario
from model.inputs.priors import build_priors, support_problems
from model.inputs.registry import DEFAULT_RELATIVE_SPREAD, load_registry
from model.inputs.schema import PARAMETER_INFO, Parameters
from model.inputs.units import DAYS_PER_MONTH

BASELINE = Path(__file__).resolve().parents[1] / "scenarios" / "baseline.yaml"
Z90 = stats.norm.ppf(0.95)


@pytest.fixture(scope="module")
def registry():
    return load_registry()


@pytest.fixture(scope="module")
def baseline(registry):
    return load_scenario(BASELINE, registry=registry)


@pytest.fixture(scope="module")
def priors(baseline, registry) -> dict[str, ParameterPrior]:
    return {p.name: p for p in build_priors(baseline.scenario.parameters, registry)}


@pytest.fixture
def prior_for(baseline, registry):
    """The prior of one parameter after replacing its spec in the baseline (validated by the schema)."""

    def make(name: str, spec: dict) -> ParameterPrior:
        data = copy.deepcopy(baseline.data["parameters"])
        data[name] = spec
        params = Parameters.model_validate(data)
        (prior,) = [p for p in build_priors(params, registry) if p.name == name]
        return prior

    return make


def q(prior: ParameterPrior, *levels: float) -> np.ndarray:
    return np.asarray(prior.dist.ppf(levels), dtype=float)


# --------------------------------------------------------------------------- baseline priors
def test_every_parameter_has_a_prior_in_schema_order(baseline, registry):
    priors = build_priors(baseline.scenario.parameters, registry)
    assert [p.name for p in priors] == list(PARAMETER_INFO)
    for p in priors:
        assert p.unit == PARAMETER_INFO[p.name].unit
        assert p.is_uncertain and p.dist is not None and p.fixed_value is None
        assert p.origin
        assert np.isfinite(p.median())


def test_every_baseline_prior_lies_in_its_parameters_valid_range(priors):
    # lognormal priors are not truncated (see the xfail test below), so check the mass outside
    for name, p in priors.items():
        info = PARAMETER_INFO[name]
        if info.low is not None:
            assert p.dist.cdf(info.low) < 1e-6, name
        if info.high is not None:
            assert p.dist.sf(info.high) < 1e-6, name


@pytest.mark.parametrize(
    "name, figure, spread",
    [
        ("ru_production_per_month", "ru_shell_production_per_year", 0.3),
        ("troop_ceiling", "nk_soldiers_kursk", 0.3),
        ("nk_gdp_usd", "nk_gdp_usd", 0.15),
    ],
)
def test_figure_priors_are_centred_on_the_converted_figure(priors, registry, name, figure, spread):
    p = priors[name]
    assert p.figure_id == figure
    assert p.origin.startswith(f"figure {figure} ")
    fig = registry.get(figure)
    factor = 1 / 12 if fig.unit == "shells/year" else 1.0
    centre = fig.value * factor
    assert p.median() == pytest.approx(centre, rel=1e-6)
    assert q(p, 0.05, 0.95) == pytest.approx([centre * (1 - spread), centre * (1 + spread)], rel=1e-6)


def test_russian_production_is_three_million_a_year_as_250k_a_month(priors):
    p = priors["ru_production_per_month"]
    assert p.median() == pytest.approx(3e6 / 12, rel=1e-6)
    assert "× 0.0833333 from shells/year" in p.origin


def test_range_spec_quantiles_are_low_and_high_lognormal(priors):
    # baseline: ru_production_ceiling_per_month is a range 300,000-600,000 shells/month (lognormal)
    p = priors["ru_production_ceiling_per_month"]
    assert isinstance(p.dist.dist, type(stats.lognorm))
    assert q(p, 0.05, 0.95) == pytest.approx([300_000, 600_000], rel=1e-9)
    assert p.median() == pytest.approx(np.sqrt(300_000 * 600_000), rel=1e-9)


def test_range_spec_quantiles_are_low_and_high_normal(prior_for):
    p = prior_for("ru_production_ceiling_per_month", {
        "dist": "range", "low": 300_000, "high": 600_000, "shape": "normal", "unit": "shells/month",
        "assumption": "t"})
    # 0 lies 4.9 sd below the mean, so truncation moves the quantiles by ~1e-6 only
    assert q(p, 0.05, 0.5, 0.95) == pytest.approx([300_000, 450_000, 600_000], rel=1e-5)


@pytest.mark.parametrize("shape", ["normal", "lognormal"])
@pytest.mark.parametrize("ci", [0.5, 0.8, 0.9, 0.98])
def test_fit_range_puts_the_central_interval_on_low_and_high(shape, ci):
    # a range far from the count's bound 0, so truncation plays no part
    info = PARAMETER_INFO["nk_stockpile_start"]
    dist = fit_range(25e6, 30e6, ci=ci, shape=shape, info=info)
    tail = (1 - ci) / 2
    assert dist.ppf([tail, 1 - tail]) == pytest.approx([25e6, 30e6], rel=1e-9)


def test_fit_range_normal_centre_and_width():
    dist = fit_range(20e6, 30e6, ci=0.9, shape="normal", info=PARAMETER_INFO["nk_stockpile_start"])
    assert dist.kwds == pytest.approx({"loc": 25e6, "scale": 5e6 / Z90})
    assert dist.mean() == pytest.approx(25e6)


@pytest.mark.parametrize("low, high", [(4e6, 30e6), (200.0, 900.0)], ids=["stockpile", "killed-range"])
def test_truncated_normal_range_keeps_low_and_high_as_quantiles(low, high):
    dist = fit_range(low, high, ci=0.9, shape="normal", info=PARAMETER_INFO["nk_stockpile_start"])
    assert dist.ppf([0.05, 0.95]) == pytest.approx([low, high], rel=1e-3)


def test_fit_range_normal_is_truncated_to_the_valid_range():
    info = PARAMETER_INFO["nk_dud_rate_old"]  # a fraction: [0, 1]
    dist = fit_range(0.1, 0.95, ci=0.9, shape="normal", info=info)
    assert dist.ppf(0) >= 0.0
    assert dist.ppf(1) <= 1.0


def test_fit_range_uniform_puts_the_central_interval_on_low_and_high():
    dist = fit_range(10.0, 20.0, ci=0.9, shape="uniform", info=PARAMETER_INFO["troop_ceiling"])
    assert dist.ppf([0.05, 0.95]) == pytest.approx([10.0, 20.0])


# --------------------------------------------------------------------------- PERT and friends
def test_pert_mean_and_support(priors):
    # baseline nk_dud_rate_old: pert 0.05 / 0.2 / 0.5
    p = priors["nk_dud_rate_old"]
    assert p.dist.mean() == pytest.approx((0.05 + 4 * 0.2 + 0.5) / 6)
    assert p.dist.support() == pytest.approx((0.05, 0.5))


@pytest.mark.parametrize("low, mode, high", [(0.0, 1.0, 4.0), (10.0, 10.0, 20.0), (-3.0, 2.0, 2.0), (1e6, 2e6, 9e6)])
def test_pert_function(low, mode, high):
    dist = pert(low, mode, high)
    assert dist.mean() == pytest.approx((low + 4 * mode + high) / 6)
    assert dist.support() == pytest.approx((low, high))
    grid = np.linspace(low, high, 20001)
    assert grid[np.argmax(dist.pdf(grid))] == pytest.approx(mode, abs=(high - low) * 1e-3)


def test_triangular_spec(prior_for):
    p = prior_for("troop_tour_months", {"dist": "triangular", "low": 4, "mode": 6, "high": 12, "unit": "months",
                                        "assumption": "t"})
    assert p.dist.support() == pytest.approx((4, 12))
    assert p.dist.mean() == pytest.approx((4 + 6 + 12) / 3)


def test_uniform_spec(prior_for):
    p = prior_for("troop_tour_months", {"dist": "uniform", "low": 0.5, "high": 1, "unit": "years", "assumption": "t"})
    assert p.dist.support() == pytest.approx((6, 12))
    assert p.median() == pytest.approx(9)


def test_lognormal_spec(prior_for):
    p = prior_for("nk_production_per_month", {"dist": "lognormal", "median": 0.6, "sigma": 0.5,
                                              "unit": "million_shells/year", "assumption": "t"})
    assert p.median() == pytest.approx(0.6e6 / 12)
    assert np.log(q(p, 0.95)[0] / p.median()) == pytest.approx(0.5 * Z90)


# --------------------------------------------------------------------------- normal truncation
def test_normal_for_a_count_is_never_negative(prior_for):
    p = prior_for("nk_stockpile_start", {"dist": "normal", "mean": 1e6, "sd": 2e6, "unit": "shells",
                                         "assumption": "t"})
    assert p.dist.ppf(0) >= 0.0
    assert p.dist.ppf(0) == pytest.approx(0.0)
    assert np.isinf(p.dist.ppf(1))


def test_normal_for_a_fraction_stays_in_zero_to_one(prior_for):
    p = prior_for("nk_dud_rate_old", {"dist": "normal", "mean": 0.9, "sd": 0.3, "unit": "fraction",
                                      "assumption": "t"})
    assert p.dist.ppf(0) >= 0.0
    assert p.dist.ppf(1) <= 1.0
    assert p.dist.support() == pytest.approx((0.0, 1.0))


def test_normal_with_explicit_bounds_uses_them_converted(prior_for):
    p = prior_for("nk_dud_rate_old", {"dist": "normal", "mean": 20, "sd": 10, "low": 5, "high": 35,
                                      "unit": "percent", "assumption": "t"})
    assert p.dist.support() == pytest.approx((0.05, 0.35))
    assert p.median() == pytest.approx(0.20)  # symmetric truncation keeps the centre
    assert p.dist.kwds == pytest.approx({"loc": 0.20, "scale": 0.10})


def test_normal_on_a_parameter_allowed_below_zero(prior_for):
    # growth may be negative (valid range -0.9 .. 3): truncated there, not at 0
    p = prior_for("ru_production_growth_per_year", {"dist": "normal", "mean": 0.0, "sd": 0.1,
                                                    "unit": "fraction/year", "assumption": "t"})
    assert p.dist.support() == pytest.approx((-0.9, 3.0))
    assert q(p, 0.05, 0.95) == pytest.approx([-0.1 * Z90, 0.1 * Z90], rel=1e-6)


# --------------------------------------------------------------------------- unit conversion
def test_shells_per_day_become_shells_per_month(priors):
    # baseline: shells_wanted_per_month is a range of 10,000-25,000 shells/day
    p = priors["shells_wanted_per_month"]
    assert q(p, 0.05, 0.95) == pytest.approx([10_000 * 365.25 / 12, 25_000 * 365.25 / 12], rel=1e-9)
    assert DAYS_PER_MONTH == pytest.approx(365.25 / 12)


def test_same_spec_in_shells_per_day_is_days_per_month_times_larger(prior_for):
    spec = {"dist": "uniform", "low": 1000, "high": 3000, "assumption": "t"}
    per_day = prior_for("nk_production_per_month", {**spec, "unit": "shells/day"})
    per_month = prior_for("nk_production_per_month", {**spec, "unit": "shells/month"})
    levels = (0.05, 0.5, 0.95)
    assert q(per_day, *levels) == pytest.approx(q(per_month, *levels) * 365.25 / 12, rel=1e-12)


def test_percent_equals_fraction(prior_for):
    in_percent = prior_for("nk_dud_rate_old", {"dist": "pert", "low": 5, "mode": 20, "high": 50, "unit": "percent",
                                               "assumption": "t"})
    in_fraction = prior_for("nk_dud_rate_old", {"dist": "pert", "low": 0.05, "mode": 0.2, "high": 0.5,
                                                "unit": "fraction", "assumption": "t"})
    levels = np.linspace(0.01, 0.99, 9)
    assert q(in_percent, *levels) == pytest.approx(q(in_fraction, *levels), rel=1e-9)


def test_million_usd_per_month(priors):
    p = priors["other_support_per_month_usd"]  # baseline: range 20-500 million_usd/month
    assert q(p, 0.05, 0.95) == pytest.approx([20e6, 500e6], rel=1e-9)


# --------------------------------------------------------------------------- fixed and figure defaults
def test_fixed_spec(prior_for):
    p = prior_for("nk_dud_rate_new", {"dist": "fixed", "value": 8, "unit": "percent", "assumption": "t"})
    assert p.dist is None
    assert p.is_uncertain is False
    assert p.fixed_value == pytest.approx(0.08)
    assert p.median() == pytest.approx(0.08)
    assert p.origin == "assumption: t"


@pytest.mark.parametrize("figure", ["nk_soldiers_kursk", "nk_troops_30000_reports"])
def test_figure_without_spread_uses_its_reliability(prior_for, registry, figure):
    fig = registry.get(figure)
    spread = DEFAULT_RELATIVE_SPREAD[fig.reliability]
    p = prior_for("troop_ceiling", {"figure": figure})
    # the 90 % range is value x (1 +- spread), kept exactly although the normal is truncated at 0
    assert q(p, 0.05, 0.95) == pytest.approx([fig.value * (1 - spread), fig.value * (1 + spread)], rel=1e-6)
    assert q(p, 0.5)[0] == pytest.approx(fig.value, rel=3e-3)
    assert f"from its '{fig.reliability}' reliability" in p.origin


def test_figure_with_explicit_bounds_in_the_figures_unit(prior_for):
    p = prior_for("ru_production_per_month", {"figure": "ru_shell_production_per_year",
                                                    "low": 2.4e6, "high": 3.6e6})
    assert q(p, 0.05, 0.95) == pytest.approx([2e5, 3e5], rel=1e-9)


def test_range_figure_uses_its_bounds(prior_for):
    # nk_soldiers_killed_kursk is 200-999 (words, no point value): the truncated normal keeps that 90 % range
    p = prior_for("troop_ceiling", {"figure": "nk_soldiers_killed_kursk"})
    assert q(p, 0.05, 0.95) == pytest.approx([200, 999], rel=1e-6)
    assert p.dist.ppf(0) >= 0


def test_lognormal_figure_is_centred_geometrically(prior_for):
    p = prior_for("troop_ceiling", {"figure": "nk_soldiers_kursk", "spread": 0.5, "shape": "lognormal"})
    assert q(p, 0.05, 0.5, 0.95) == pytest.approx([15_000 / 1.5, 15_000, 15_000 * 1.5], rel=1e-6)


# --------------------------------------------------------------------------- known holes (bugs)
@pytest.mark.parametrize(
    "spec",
    [
        {"dist": "range", "low": 0.1, "high": 0.9, "unit": "fraction", "assumption": "t"},
        {"dist": "lognormal", "median": 0.5, "sigma": 1.0, "unit": "fraction", "assumption": "t"},
        {"figure": "nk_share_of_munitions_2025", "spread": 2.0, "shape": "lognormal"},
        {"figure": "nk_share_of_munitions_2025", "spread": 2.0, "shape": "uniform"},
        {"dist": "normal", "mean": -0.5, "sd": 0.3, "unit": "fraction", "assumption": "t"},
    ],
    ids=["range", "lognormal", "figure-lognormal", "figure-uniform", "normal-mostly-cut"],
)
def test_priors_outside_the_valid_range_are_refused_not_clipped(prior_for, spec):
    # a dud rate above 1 would mean negative usable shells: such a prior is refused by validation
    p = prior_for("nk_dud_rate_old", spec)
    (problem,) = support_problems([p])
    assert problem[0] == "nk_dud_rate_old"
    assert "outside the valid range [0, 1]" in problem[1]


def test_priors_inside_the_valid_range_pass(priors):
    assert support_problems(list(priors.values())) == []


