"""The model's equations as a straightforward per-sample, per-month Python loop.

This is the yardstick for ``model.core.dynamics.simulate``: written the obvious way (one
sample at a time, plain floats, an ``if`` for every structural switch), it checks that the
vectorized formulation gives the same numbers for every switch and every choice, and the
benchmark times both. It is not used by the model.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from model.core.months import DAYS_PER_MONTH
from model.core.structure import SWITCHES, Structure, switch_of_parameter
from model.core.timeline import Timeline


def _logistic(plateau: float, value: float, monthly_rate: float, months: float) -> float:
    if value <= 0:
        return 0.0
    gap = max(plateau / value - 1.0, 0.0)
    return plateau / (1.0 + gap * math.exp(-monthly_rate * months))


def simulate_one(p: Mapping[str, float], timeline: Timeline, shortage_threshold: float = 0.1,
                 structure: Structure | None = None, choices: Mapping[str, str] | None = None) -> dict[str, float]:
    """Metrics of one sample (plain floats), month by month; ``choices``: this sample's own structural
    choices (they override ``structure``)."""
    structure = structure if structure is not None else Structure()

    def on(switch: str, choice: str) -> bool:
        return (choices or {}).get(switch, structure.choice(switch)) == choice

    h = len(timeline)
    m = dict.fromkeys(
        ["nk_deliveries_total", "nk_usable_total", "nk_duds_total", "shells_fired_total", "shortfall_total",
         "months_short", "troops_peak", "soldier_months", "soldiers_rotated", "killed_total", "wounded_total",
         "payments_total_usd", "depot_losses_total", "payments_share_of_nk_gdp"], 0.0)
    reserve = p["ru_reserve_stock_start"]
    reserve_opening = max(reserve, 1e-9)
    exportable = p["nk_stockpile_start"] * p["nk_exportable_share"]
    old = exportable * p["nk_old_stock_share"] if on("nk_stock", "tiers") else 0.0
    serviceable = exportable - old
    opening = max(exportable, 1e-9)
    queue = 0.0
    depot_ru = depot_nk = 0.0
    waves = [0.0] * max(len(timeline.troop_waves), 1)
    fired_nk_total = 0.0
    fired_before = wanted_before = 0.0
    first_short = first_drop = stock_days_at_cut = math.nan
    cut = timeline.cutoff
    if cut == 0:
        stock_days_at_cut = 0.0
    production = 0.0
    pay_year: list[float] = []
    gdp_year: list[float] = []
    for t in range(h):
        # Russian production
        if on("ru_production", "anchored"):
            production = _logistic(p["ru_production_ceiling_per_month"], p["ru_production_per_month"],
                                   math.log1p(p["ru_production_growth_per_year"]) / 12.0,
                                   t - timeline.ru_production_anchor)
        else:
            production = min(p["ru_production_per_month"] * (1.0 + p["ru_production_growth_per_year"]) ** (t / 12.0),
                             p["ru_production_ceiling_per_month"])
        production *= timeline.ru_production_factor[t]
        # wanted fire
        wanted = p["shells_wanted_per_month"] * timeline.intensity[t]
        k = -1 if timeline.fire_period_index is None else int(timeline.fire_period_index[t])
        if k >= 0 and on("fire_profile", "periods"):
            wanted *= p[f"fire_factor_{timeline.fire_period_names[k]}"]
        # refurbishment: NK old shells first, then Russian reserves
        refurbished = min(queue / max(p["nk_refurbishment_delay_months"], 1.0), p["ru_reserve_release_max_per_month"])
        queue -= refurbished
        kept = 1.0 - p["nk_refurbishment_loss"]
        refurbished_usable = refurbished * kept * (1.0 - p["nk_dud_rate_old"])
        own = p["ru_reserve_release_max_per_month"] - refurbished
        if on("ru_refurbishment", "declining"):
            own *= reserve / reserve_opening
        # the depot's room and the orders
        if on("depot", "limited"):
            limit = p["ru_depot_limit_days"] * wanted / DAYS_PER_MONTH
            room = max(limit + wanted - (depot_ru + depot_nk + production + refurbished_usable)
                       - queue * kept * (1.0 - p["nk_dud_rate_old"]), 0.0)
        else:
            room = math.inf
        release = min(own, reserve, room)
        reserve -= release
        order = room - release
        # North Korean supply
        if on("nk_production", "saturating"):
            new = _logistic(p["nk_production_ceiling_per_month"], p["nk_production_per_month"],
                            math.log1p(p["nk_production_growth_per_year"]) / 12.0, t)
        else:
            new = p["nk_production_per_month"] * (1.0 + p["nk_production_growth_per_year"]) ** (t / 12.0)
        pulse = 0.0
        if t == 0 and on("nk_supply_start", "pulse"):
            pulse = min(p["nk_initial_pulse_shells"], serviceable)
            serviceable -= pulse
        start = p["nk_ramp_start_share"] if on("nk_supply_start", "pulse") else 0.0
        ramp = min(1.0, start + (1.0 - start) * (t + 1) / max(p["nk_ramp_months"], 1.0))
        capacity = min(p["nk_shipping_capacity_per_month"] * ramp * timeline.nk_delivery_factor[t], order)
        shipped_new = min(new, capacity)
        serviceable += new - shipped_new
        spare = capacity - shipped_new
        if on("supply_decline", "proportional"):
            spare *= min(1.0, (serviceable + old) / opening)
        shipped_serviceable = min(spare, serviceable)
        serviceable -= shipped_serviceable
        shipped_old = min(spare - shipped_serviceable, old)
        old -= shipped_old
        queue += shipped_old
        delivered = pulse + shipped_new + shipped_serviceable + shipped_old
        usable = (shipped_new * (1 - p["nk_dud_rate_new"]) + (pulse + shipped_serviceable) * (1 - p["nk_dud_rate_old"])
                  + refurbished_usable)
        m["nk_duds_total"] += (shipped_new * p["nk_dud_rate_new"] + (pulse + shipped_serviceable) * p["nk_dud_rate_old"]
                               + refurbished * kept * p["nk_dud_rate_old"])
        # firing
        available_ru = depot_ru + production + release
        available_nk = depot_nk + usable
        available = available_ru + available_nk
        if on("firing", "stock_target"):
            target = wanted * p["fire_target_stock_days"] / DAYS_PER_MONTH
            meant = min(max(available - target, p["fire_floor_factor"] * wanted), p["fire_max_factor"] * wanted)
        else:
            meant = wanted
        fired = min(meant, available)
        if on("firing_order", "nk_first"):
            fired_nk = min(fired, available_nk)
        elif on("firing_order", "ru_first"):
            fired_nk = max(fired - available_ru, 0.0)
        else:
            fired_nk = fired * available_nk / available if available > 0 else 0.0
        depot_nk = max(available_nk - fired_nk, 0.0)
        depot_ru = max(available_ru - (fired - fired_nk), 0.0)
        shortfall = meant - fired
        short = shortfall > shortage_threshold * meant
        loss = p["ru_depot_loss_per_month"] if on("depot", "limited") else 0.0
        m["depot_losses_total"] += (depot_ru + depot_nk) * loss
        depot_ru *= 1.0 - loss
        depot_nk *= 1.0 - loss
        if cut is not None:
            if cut - 3 <= t < cut:
                fired_before += fired
                wanted_before += wanted
            if t == cut - 1:
                stock_days_at_cut = (depot_ru + depot_nk) * DAYS_PER_MONTH / wanted if wanted > 0 else 0.0
            if t >= cut:
                if short and math.isnan(first_short):
                    first_short = float(t - cut)
                level = fired_before / wanted_before if wanted_before > 0 else 0.0
                if fired < structure.fire_drop_threshold * level * wanted and math.isnan(first_drop):
                    first_drop = float(t - cut)
        # troops in waves
        if timeline.troops_present[t]:
            ceiling = timeline.troop_ceiling_soldiers[t]
            if math.isnan(ceiling):
                ceiling = p["troop_ceiling"]
            arrivals = min(max(ceiling - sum(waves), 0.0), p["troop_buildup_per_month"])
            newest = 0 if timeline.troop_wave_of_month is None else max(int(timeline.troop_wave_of_month[t]), 0)
            waves[newest] += arrivals
            troops = sum(waves)
            for w in range(len(waves)):
                reserve_now = (on("troop_losses", "phases") and timeline.troop_reserve is not None
                               and bool(timeline.troop_reserve[w, t]))
                rate = p["troop_killed_rate_reserve_per_month"] if reserve_now else p["troop_killed_rate_per_month"]
                loss_rate = min(max(rate * (1.0 + p["troop_wounded_per_killed"]), 0.0), 1.0)
                killed_share = rate / loss_rate if loss_rate > 0 else 0.0
                losses = waves[w] * loss_rate
                m["killed_total"] += losses * killed_share
                m["wounded_total"] += losses - losses * killed_share
                waves[w] -= losses
            m["soldiers_rotated"] += arrivals + troops / p["troop_tour_months"]
            m["soldier_months"] += troops
            m["troops_peak"] = max(m["troops_peak"], troops)
        else:
            waves = [0.0] * len(waves)
            troops = 0.0
        # value transferred, against GDP
        factor = timeline.nk_delivery_factor[t]
        payments = (delivered * p["price_per_shell_usd"] + troops * p["payment_per_soldier_month_usd"]
                    + p["other_support_per_month_usd"] * factor + p["missile_value_per_month_usd"] * factor
                    + p["technology_value_per_month_usd"] * factor)
        m["payments_total_usd"] += payments
        pay_year = (pay_year + [payments])[-12:]
        gdp_year = (gdp_year + [p["nk_gdp_usd"] * (1.0 + p["nk_gdp_growth_per_year"]) ** (
            (t - timeline.nk_gdp_reference) / 12.0) / 12.0])[-12:]
        if t >= min(12, h) - 1:
            m["payments_share_of_nk_gdp"] = max(m["payments_share_of_nk_gdp"], sum(pay_year) / sum(gdp_year))
        m["nk_deliveries_total"] += delivered
        m["nk_usable_total"] += usable
        m["shells_fired_total"] += fired
        m["shortfall_total"] += shortfall
        m["months_short"] += float(short)
        fired_nk_total += fired_nk
    m["nk_share_of_fired"] = fired_nk_total / m["shells_fired_total"] if m["shells_fired_total"] > 0 else 0.0
    m["months_to_shortage_after_cutoff"] = first_short
    m["months_to_fire_drop_after_cutoff"] = first_drop
    m["ru_stock_days_at_cutoff"] = stock_days_at_cut
    m["ru_reserve_end"] = reserve
    m["nk_stockpile_end"] = serviceable + old
    m["ru_production_end"] = production
    m["payments_total_over_nk_gdp"] = m["payments_total_usd"] / p["nk_gdp_usd"]
    return m


def simulate_loop(params: Mapping[str, np.ndarray], timeline: Timeline, shortage_threshold: float = 0.1,
                  structure: Structure | None = None) -> dict[str, np.ndarray]:
    """Metrics for every sample, one sample at a time (``structure_<switch>`` columns: per-sample choices)."""
    names = list(params)
    columns = [np.asarray(params[k], dtype=float) for k in names]
    rows = []
    for values in zip(*columns):
        p = dict(zip(names, map(float, values)))
        choices = {s: SWITCHES[s].choices[int(round(p[n]))] for n in names if (s := switch_of_parameter(n))}
        rows.append(simulate_one(p, timeline, shortage_threshold, structure, choices))
    return {k: np.array([r[k] for r in rows]) for k in rows[0]}
