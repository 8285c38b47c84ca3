"""The model's equations as they were before issue 19 (a frozen copy of bench/loop_model.py at that time).

With every structural switch at its first choice ("off"), today's model must give these numbers:
``tests/test_dynamics_equivalence.py`` holds it to them. Parameter names are today's
(``ru_production_start_per_month`` is now ``ru_production_per_month``), and the metric that
issue 20 redefined (``payments_share_of_nk_gdp``, once the window's total over one year of GDP)
is returned under its new name ``payments_total_over_nk_gdp``. Not used by the model.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from model.core.months import DAYS_PER_MONTH
from model.core.timeline import Timeline


def simulate_one(p: Mapping[str, float], timeline: Timeline, shortage_threshold: float = 0.1,
                 firing: str = "demand", supply_decline: str = "constant",
                 fire_drop_threshold: float = 0.8) -> dict[str, float]:
    """Metrics of one sample (plain floats), month by month."""
    h = len(timeline)
    reserve_left = p["ru_reserve_stock_start"]
    nk_stock = p["nk_stockpile_start"] * p["nk_exportable_share"]
    nk_stock_opening = max(nk_stock, 1e-9)
    fired_before_cut, months_before_cut = 0.0, 0
    first_drop_after_cut = math.nan
    depot = 0.0
    nk_in_depot = 0.0
    strength = 0.0
    growth = math.log1p(p["ru_production_growth_per_year"]) / 12.0
    loss_rate = min(max(p["troop_killed_rate_per_month"] * (1.0 + p["troop_wounded_per_killed"]), 0.0), 1.0)
    killed_share = p["troop_killed_rate_per_month"] / loss_rate if loss_rate > 0 else 0.0
    m = dict.fromkeys(
        ["nk_deliveries_total", "nk_usable_total", "shells_fired_total", "shortfall_total", "months_short",
         "troops_peak", "soldier_months", "soldiers_rotated", "killed_total", "wounded_total",
         "payments_total_usd"], 0.0)
    fired_nk_total = 0.0
    first_short_after_cut = math.nan
    production = 0.0
    for t in range(h):
        production = min(p["ru_production_per_month"] * math.exp(growth * t),
                         p["ru_production_ceiling_per_month"]) * timeline.ru_production_factor[t]
        release = min(p["ru_reserve_release_max_per_month"], reserve_left)
        reserve_left -= release

        ramp = min(1.0, (t + 1) / max(p["nk_ramp_months"], 1.0))
        capacity = p["nk_shipping_capacity_per_month"] * ramp * timeline.nk_delivery_factor[t]
        new = p["nk_production_per_month"] * (1.0 + p["nk_production_growth_per_year"]) ** (t / 12.0)
        shipped_new = min(new, capacity)
        nk_stock += new - shipped_new
        spare = capacity - shipped_new
        if supply_decline == "proportional":
            spare *= min(1.0, nk_stock / nk_stock_opening)
        shipped_old = min(spare, nk_stock)
        nk_stock -= shipped_old
        delivered = shipped_new + shipped_old
        usable = shipped_new * (1 - p["nk_dud_rate_new"]) + shipped_old * (1 - p["nk_dud_rate_old"])

        wanted = p["shells_wanted_per_month"] * timeline.intensity[t]
        available = depot + production + release + usable
        nk_in_depot += usable
        if firing == "stock_target":
            target = wanted * p["fire_target_stock_days"] / DAYS_PER_MONTH
            meant = min(max(available - target, p["fire_floor_factor"] * wanted), p["fire_max_factor"] * wanted)
        else:
            meant = wanted
        fired = min(meant, available)
        share = nk_in_depot / available if available > 0 else 0.0
        fired_nk = fired * share
        nk_in_depot -= fired_nk
        depot = available - fired
        shortfall = meant - fired
        short = shortfall > shortage_threshold * meant
        if short and timeline.cutoff is not None and t >= timeline.cutoff and math.isnan(first_short_after_cut):
            first_short_after_cut = float(t - timeline.cutoff)
        if timeline.cutoff is not None and timeline.cutoff - 3 <= t < timeline.cutoff:
            fired_before_cut += fired
            months_before_cut += 1
        if (timeline.cutoff is not None and t >= timeline.cutoff and months_before_cut and math.isnan(first_drop_after_cut)
                and fired < fire_drop_threshold * fired_before_cut / months_before_cut):
            first_drop_after_cut = float(t - timeline.cutoff)

        if timeline.troops_present[t]:
            ceiling = timeline.troop_ceiling_soldiers[t]
            if math.isnan(ceiling):
                ceiling = p["troop_ceiling"]
            arrivals = min(max(ceiling - strength, 0.0), p["troop_buildup_per_month"])
            strength += arrivals
            losses = strength * loss_rate
            killed = losses * killed_share
            m["soldiers_rotated"] += arrivals + strength / p["troop_tour_months"]
            m["killed_total"] += killed
            m["wounded_total"] += losses - killed
            m["soldier_months"] += strength
            m["troops_peak"] = max(m["troops_peak"], strength)
            troops = strength
            strength -= losses
        else:
            strength = 0.0
            troops = 0.0

        m["payments_total_usd"] += (delivered * p["price_per_shell_usd"]
                                    + troops * p["payment_per_soldier_month_usd"]
                                    + p["other_support_per_month_usd"] * timeline.nk_delivery_factor[t])
        m["nk_deliveries_total"] += delivered
        m["nk_usable_total"] += usable
        m["shells_fired_total"] += fired
        m["shortfall_total"] += shortfall
        m["months_short"] += float(short)
        fired_nk_total += fired_nk
    m["nk_duds_total"] = m["nk_deliveries_total"] - m["nk_usable_total"]
    m["nk_share_of_fired"] = fired_nk_total / m["shells_fired_total"] if m["shells_fired_total"] > 0 else 0.0
    m["months_to_shortage_after_cutoff"] = first_short_after_cut
    m["months_to_fire_drop_after_cutoff"] = first_drop_after_cut
    m["nk_stockpile_end"] = nk_stock
    m["ru_production_end"] = production
    m["payments_total_over_nk_gdp"] = m["payments_total_usd"] / p["nk_gdp_usd"]
    return m


def simulate_loop(params: Mapping[str, np.ndarray], timeline: Timeline, shortage_threshold: float = 0.1,
                  **structure: str | float) -> dict[str, np.ndarray]:
    """Metrics for every sample, one sample at a time."""
    names = list(params)
    columns = [np.asarray(params[k], dtype=float) for k in names]
    rows = [simulate_one(dict(zip(names, map(float, values))), timeline, shortage_threshold, **structure)  # type: ignore[arg-type]
            for values in zip(*columns)]
    return {k: np.array([r[k] for r in rows]) for k in rows[0]}
