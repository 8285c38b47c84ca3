"""The equations against cases whose answer can be worked out by hand."""

import numpy as np
import pytest

from model.core.catalogue import METRICS, TRAJECTORIES
from model.core.dynamics import Structure, simulate
from model.core.months import month_range
from model.core.timeline import Timeline
from model.inputs.schema import PARAMETER_INFO

H = 24


def timeline(*, nk=None, prod=None, intensity=None, present=None, ceiling=None, cutoff=None, h=H):
    return Timeline(
        month_range("2023-09", h),
        np.ones(h) if nk is None else np.asarray(nk, float),
        np.ones(h) if prod is None else np.asarray(prod, float),
        np.ones(h) if intensity is None else np.asarray(intensity, float),
        np.zeros(h, bool) if present is None else np.asarray(present, bool),
        np.full(h, np.nan) if ceiling is None else np.asarray(ceiling, float),
        cutoff,
    )


def params(n=3, **values):
    """Everything off (zero supply, zero demand) unless given."""
    base = {name: 0.0 for name in PARAMETER_INFO}
    base.update(troop_tour_months=6.0, nk_gdp_usd=23e9, ru_production_ceiling_per_month=1e12, nk_exportable_share=1.0,
                nk_ramp_months=1.0, fire_max_factor=1.0, fire_floor_factor=1.0)
    base.update(values)
    return {k: np.full(n, float(v)) for k, v in base.items()}


def test_every_metric_and_trajectory_is_produced():
    out = simulate(params(), timeline(), keep=TRAJECTORIES)
    assert set(out.metrics) == set(METRICS)
    assert set(out.trajectories) == set(TRAJECTORIES)
    assert all(v.shape == (3, H) for v in out.trajectories.values())


def test_unknown_trajectory_is_refused():
    with pytest.raises(ValueError, match="unknown trajectories"):
        simulate(params(), timeline(), keep=["nk_share"])


def test_production_only_covers_what_it_can():
    # Russia makes 250,000 a month (NATO's 3 M a year) and wants 400,000: short 150,000 every month
    out = simulate(params(ru_production_per_month=250_000, shells_wanted_per_month=400_000),
                   timeline(), keep=["shells_fired", "shortfall", "nk_share_of_fired"])
    np.testing.assert_allclose(out.trajectories["shells_fired"], 250_000)
    np.testing.assert_allclose(out.trajectories["shortfall"], 150_000)
    np.testing.assert_allclose(out.metrics["shortfall_total"], 150_000 * H)
    assert out.metrics["months_short"][0] == H
    np.testing.assert_allclose(out.metrics["nk_share_of_fired"], 0.0)


def test_compound_growth_and_ceiling():
    out = simulate(params(ru_production_per_month=100.0, ru_production_growth_per_year=0.2,
                          ru_production_ceiling_per_month=125.0), timeline(), keep=["ru_production"])
    prod = out.trajectories["ru_production"][0]
    assert prod[12] == pytest.approx(120.0)  # one year of 20 % growth
    assert prod[6] == pytest.approx(100 * 1.2 ** 0.5)
    assert prod.max() == pytest.approx(125.0)  # the ceiling holds


def test_nk_stockpile_ships_at_capacity_until_empty_and_duds_fail():
    # 1 M shells, 300,000 a month: 300k, 300k, 300k, 100k, then nothing
    out = simulate(params(nk_stockpile_start=1_000_000, nk_shipping_capacity_per_month=300_000, nk_dud_rate_old=0.2),
                   timeline(), keep=["nk_deliveries", "nk_stockpile", "nk_usable_deliveries"])
    d = out.trajectories["nk_deliveries"][0]
    np.testing.assert_allclose(d[:5], [300_000, 300_000, 300_000, 100_000, 0], atol=1e-6)
    np.testing.assert_allclose(out.trajectories["nk_usable_deliveries"][0], 0.8 * d, atol=1e-6)
    assert out.metrics["nk_deliveries_total"][0] == pytest.approx(1_000_000)
    assert out.metrics["nk_duds_total"][0] == pytest.approx(200_000)
    assert out.trajectories["nk_stockpile"][0, -1] == 0.0


def test_new_production_ships_first_and_the_rest_is_stockpiled():
    # 50,000 new a month, capacity 30,000: all capacity used by new shells (new dud rate), the rest piles up
    out = simulate(params(nk_production_per_month=50_000, nk_shipping_capacity_per_month=30_000,
                          nk_dud_rate_new=0.1, nk_dud_rate_old=0.5), timeline(), keep=["nk_stockpile"])
    assert out.metrics["nk_usable_total"][0] == pytest.approx(0.9 * 30_000 * H)
    assert out.trajectories["nk_stockpile"][0, -1] == pytest.approx(20_000 * H)


def test_share_of_fired_equals_share_of_inflow_when_everything_is_fired():
    # depot emptied every month: share = usable NK / (Russian production + usable NK)
    out = simulate(params(ru_production_per_month=300_000, nk_stockpile_start=1e9,
                          nk_shipping_capacity_per_month=250_000, nk_dud_rate_old=0.2,
                          shells_wanted_per_month=10_000_000), timeline(), keep=["nk_share_of_fired"])
    expected = 200_000 / (300_000 + 200_000)
    np.testing.assert_allclose(out.trajectories["nk_share_of_fired"], expected)
    assert out.metrics["nk_share_of_fired"][0] == pytest.approx(expected)


def test_stock_builds_when_supply_exceeds_demand_and_buffers_a_cut():
    # supply 500k (300k RU + 200k NK), demand 400k: 100k a month stored; after the cut at month 12
    # supply is 300k, so the stored 1.2 M cover 100k a month for 12 more months, then shortage
    h = 30
    nk = np.r_[np.ones(12), np.zeros(h - 12)]
    out = simulate(params(ru_production_per_month=300_000, nk_stockpile_start=1e9,
                          nk_shipping_capacity_per_month=200_000, shells_wanted_per_month=400_000),
                   timeline(nk=nk, cutoff=12, h=h), keep=["ru_stock", "shortfall"])
    assert out.trajectories["ru_stock"][0, 11] == pytest.approx(1_200_000)
    short = out.trajectories["shortfall"][0]
    assert short[:24].max() == pytest.approx(0.0, abs=1e-6)
    np.testing.assert_allclose(short[24:], 100_000)
    assert out.metrics["months_to_shortage_after_cutoff"][0] == 12


def test_no_cutoff_means_no_months_to_shortage():
    out = simulate(params(shells_wanted_per_month=1.0), timeline())
    assert np.isnan(out.metrics["months_to_shortage_after_cutoff"]).all()


def test_troops_fill_to_ceiling_and_losses_follow_the_rate():
    # ceiling 15,000 reached in the first month; 1 % killed and 3 wounded per killed each month
    present = np.r_[np.zeros(4), np.ones(H - 4)]
    out = simulate(params(troop_ceiling=15_000, troop_buildup_per_month=1e6, troop_killed_rate_per_month=0.01,
                          troop_wounded_per_killed=3.0, troop_tour_months=5.0),
                   timeline(present=present), keep=["troops_in_theatre", "killed_cumulative"])
    troops = out.trajectories["troops_in_theatre"][0]
    assert troops[:4].max() == 0
    np.testing.assert_allclose(troops[4:], 15_000)
    months = H - 4
    assert out.metrics["killed_total"][0] == pytest.approx(150 * months)
    assert out.metrics["wounded_total"][0] == pytest.approx(450 * months)
    assert out.metrics["soldier_months"][0] == pytest.approx(15_000 * months)
    # arrivals: 15,000 at first, then 600 a month to replace losses; rotations 15,000/5 a month
    assert out.metrics["soldiers_rotated"][0] == pytest.approx(15_000 + 600 * (months - 1) + 3_000 * months)


def test_troop_buildup_limit_and_ceiling_event():
    ceiling = np.r_[np.full(10, np.nan), np.full(H - 10, 30_000.0)]
    out = simulate(params(troop_ceiling=15_000, troop_buildup_per_month=5_000),
                   timeline(present=np.ones(H), ceiling=ceiling), keep=["troops_in_theatre"])
    troops = out.trajectories["troops_in_theatre"][0]
    np.testing.assert_allclose(troops[:4], [5_000, 10_000, 15_000, 15_000])
    np.testing.assert_allclose(troops[10:14], [20_000, 25_000, 30_000, 30_000])
    assert out.metrics["troops_peak"][0] == 30_000


def test_payments_add_up():
    out = simulate(params(nk_stockpile_start=1e9, nk_shipping_capacity_per_month=100_000, price_per_shell_usd=500,
                          troop_ceiling=10_000, troop_buildup_per_month=1e6, payment_per_soldier_month_usd=2_000,
                          other_support_per_month_usd=1e8),
                   timeline(present=np.ones(H)))
    expected = H * (100_000 * 500 + 10_000 * 2_000 + 1e8)
    assert out.metrics["payments_total_usd"][0] == pytest.approx(expected)
    assert out.metrics["payments_total_over_nk_gdp"][0] == pytest.approx(expected / 23e9)
    # the headline ratio: a year's payments (here every year alike) over that year's GDP
    assert out.metrics["payments_share_of_nk_gdp"][0] == pytest.approx(expected / H * 12 / 23e9)


def test_events_scale_production_and_demand():
    prod = np.r_[np.ones(6), np.full(H - 6, 1.5)]
    intensity = np.r_[np.ones(12), np.full(H - 12, 2.0)]
    out = simulate(params(ru_production_per_month=100.0, shells_wanted_per_month=1_000.0),
                   timeline(prod=prod, intensity=intensity), keep=["ru_production", "shells_wanted"])
    np.testing.assert_allclose(out.trajectories["ru_production"][0, [5, 6]], [100.0, 150.0])
    np.testing.assert_allclose(out.trajectories["shells_wanted"][0, [11, 12]], [1_000.0, 2_000.0])


def test_samples_are_independent_of_each_other():
    a = params(n=1, ru_production_per_month=200_000, shells_wanted_per_month=300_000)
    b = {k: np.r_[v, v * 2] for k, v in a.items()}
    one = simulate(a, timeline()).metrics
    two = simulate(b, timeline()).metrics
    for name in METRICS:
        np.testing.assert_array_equal(one[name][0], two[name][0])


# --- supply over time and the firing policy (issue 10) ---------------------------------------


def test_shipping_ramps_up_to_capacity():
    out = simulate(params(nk_stockpile_start=1e9, nk_shipping_capacity_per_month=300_000, nk_ramp_months=4),
                   timeline(), keep=["nk_deliveries"])
    np.testing.assert_allclose(out.trajectories["nk_deliveries"][0, :6], [75_000, 150_000, 225_000] + [300_000] * 3)


def test_only_the_exportable_share_is_shipped():
    out = simulate(params(nk_stockpile_start=1_000_000, nk_exportable_share=0.6,
                          nk_shipping_capacity_per_month=1e9), timeline())
    assert out.metrics["nk_deliveries_total"][0] == pytest.approx(600_000)
    assert out.metrics["nk_stockpile_end"][0] == pytest.approx(0.0)


def test_proportional_decline_thins_geometrically():
    # with spare capacity c and stock S0, each month ships c·S/S0: S_t = S0 (1 - c/S0)^t
    s0, c = 1_000_000.0, 100_000.0
    out = simulate(params(nk_stockpile_start=s0, nk_shipping_capacity_per_month=c), timeline(),
                   structure=Structure(supply_decline="proportional"), keep=["nk_deliveries", "nk_stockpile"])
    t = np.arange(H)
    np.testing.assert_allclose(out.trajectories["nk_stockpile"][0], s0 * 0.9 ** (t + 1), rtol=1e-12)
    np.testing.assert_allclose(out.trajectories["nk_deliveries"][0], c * 0.9 ** t, rtol=1e-12)
    constant = simulate(params(nk_stockpile_start=s0, nk_shipping_capacity_per_month=c), timeline(),
                        keep=["nk_deliveries"]).trajectories["nk_deliveries"][0]
    assert constant[9] == c and constant[10] == 0.0  # the cliff the proportional rule avoids


def test_new_production_grows_compounded_monthly():
    out = simulate(params(nk_production_per_month=12_000, nk_production_growth_per_year=0.5,
                          nk_shipping_capacity_per_month=1e9), timeline(), keep=["nk_deliveries"])
    np.testing.assert_allclose(out.trajectories["nk_deliveries"][0], 12_000 * 1.5 ** (np.arange(H) / 12), rtol=1e-12)


def _stock_target_case(cut_month: int | None = None):
    # Russia makes 300,000, wants 250,000, holds a 30-day reserve, fires up to 1.2x, rations down to 0.6x
    nk = np.ones(H)
    if cut_month is not None:
        nk[cut_month:] = 0.0
    return simulate(params(ru_production_per_month=200_000, shells_wanted_per_month=250_000,
                           nk_stockpile_start=1e9, nk_shipping_capacity_per_month=100_000, fire_target_stock_days=30,
                           fire_max_factor=1.2, fire_floor_factor=0.6),
                    timeline(nk=nk, cutoff=cut_month), structure=Structure(firing="stock_target"),
                    keep=["shells_fired", "shortfall", "ru_stock", "ru_stock_days"])


def test_stock_target_fires_more_when_supply_allows():
    out = _stock_target_case()
    fired = out.trajectories["shells_fired"][0]
    # month 1: 300,000 available, target 30/30.44 x 250,000 = 246,407: fires the 53,593 above it, i.e. the floor
    # 150,000; stock builds until fire reaches the ceiling 300,000 = 1.2 x 250,000, and holds there
    assert fired[0] == pytest.approx(150_000)
    assert fired[-1] == pytest.approx(300_000)
    assert np.all(np.diff(fired) >= -1e-6)
    assert np.all(out.trajectories["shortfall"][0] == 0)


def test_stock_target_cut_shows_as_falling_fire_before_any_shortfall():
    cut = 12
    out = _stock_target_case(cut)
    fired, short = out.trajectories["shells_fired"][0], out.trajectories["shortfall"][0]
    assert fired[cut - 1] == pytest.approx(300_000)
    drop = out.metrics["months_to_fire_drop_after_cutoff"][0]
    assert 0 <= drop < 6
    assert fired[cut + int(drop)] < 0.8 * 300_000
    # production alone (200,000) covers the 150,000 floor: fire falls but never runs short
    assert np.isnan(out.metrics["months_to_shortage_after_cutoff"][0])
    assert short.max() == 0.0
    # the stock in days of base fire settles where fire = production: 200,000 fired, stock = target
    np.testing.assert_allclose(out.trajectories["ru_stock_days"][0][-1], 30.0, rtol=1e-9)


def test_demand_policy_fires_in_full_until_the_stock_is_gone():
    cut = 12
    nk = np.ones(H)
    nk[cut:] = 0
    out = simulate(params(ru_production_per_month=180_000, shells_wanted_per_month=250_000,
                          nk_stockpile_start=1e9, nk_shipping_capacity_per_month=100_000),
                   timeline(nk=nk, cutoff=cut), keep=["shells_fired"])
    fired = out.trajectories["shells_fired"][0]
    # 30,000 a month piled up for 12 months (360,000) covers the 70,000 gap for 5 months and 10,000 over
    np.testing.assert_allclose(fired[:cut + 5], 250_000)
    assert fired[cut + 5] == pytest.approx(190_000)
    assert out.metrics["months_to_fire_drop_after_cutoff"][0] == 5
    assert out.metrics["months_to_shortage_after_cutoff"][0] == 5


def test_chosen_months_are_the_same_numbers_as_every_month():
    tl = timeline(present=np.ones(H, bool), cutoff=10)
    p = params(5, nk_production_per_month=2e5, nk_shipping_capacity_per_month=3e5, shells_wanted_per_month=4e5,
               ru_production_per_month=1e5, troop_ceiling=1e4, troop_buildup_per_month=3e3)
    every = simulate(p, tl, keep=TRAJECTORIES)
    months = [17, 0, 9, H - 1]  # any order: the columns come in it
    chosen = simulate(p, tl, keep=TRAJECTORIES, months=months)
    for name in TRAJECTORIES:
        assert chosen.trajectories[name].shape == (5, len(months))
        np.testing.assert_array_equal(chosen.trajectories[name], every.trajectories[name][:, months])
    for name in METRICS:
        np.testing.assert_array_equal(chosen.metrics[name], every.metrics[name])
    with pytest.raises(ValueError, match="distinct month indices"):
        simulate(p, tl, keep=["shells_fired"], months=[3, 3])
    with pytest.raises(ValueError, match="distinct month indices"):
        simulate(p, tl, keep=["shells_fired"], months=[H])
