"""The model's equations, month by month, in the order the story runs (one slice of samples).

Every state is a numpy array with one entry per sample; the only loop runs over the months.
Rates are per month, stocks in shells, money in US dollars. Each structural switch
(``model.core.structure``) selects a mechanism; its first choice is the earlier model, so a
structure with every switch at its first choice gives the earlier equations. Where a switch is
uncertain, each sample carries its own choice and both branches are computed and picked per sample.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..months import DAYS_PER_MONTH
from ..structure import Selection, pick
from ..timeline import Timeline

__all__ = ["run_months"]

MONTHS_BEFORE_CUT = 3  # "fire before the cut": the three months before North Korean deliveries stop
YEAR = 12  # months over which payments are set against GDP ("payments in a year")


def _share(condition: bool | np.ndarray) -> float | np.ndarray:
    """A switch condition as a multiplier: 1.0 where it holds, 0.0 where not."""
    return condition.astype(float) if isinstance(condition, np.ndarray) else float(condition)


class _Logistic:
    """A saturating ramp through ``anchor_value`` at the anchor month, towards ``plateau``: the logistic
    ``plateau / (1 + (plateau / anchor_value - 1) exp(-rate (t - anchor)))``, stepped month by month
    (the exponential times a constant factor each month). A value at or above the plateau stays at
    the plateau; a zero value stays zero (nothing grows from nothing)."""

    def __init__(self, plateau: np.ndarray, anchor_value: np.ndarray, monthly_rate: np.ndarray, first_month: float):
        positive = anchor_value > 0
        self.plateau = np.where(positive, plateau, 0.0)
        ratio = np.divide(plateau, anchor_value, out=np.ones_like(plateau), where=positive)
        self.gap = np.maximum(ratio - 1.0, 0.0)
        self.decay = np.exp(-monthly_rate * first_month)  # exp(-rate (t - anchor)) at t = 0
        self.step = np.exp(-monthly_rate)

    def next(self) -> np.ndarray:
        """This month's value; then on to the next month."""
        value = self.plateau / (1.0 + self.gap * self.decay)
        self.decay *= self.step
        return value


def run_months(p: dict[str, np.ndarray], timeline: Timeline, shortage_threshold: float, selection: Selection,
               fire_drop_threshold: float, record: dict[str, np.ndarray],
               row_of_month: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """The story, month by month, for one slice of samples; fills ``record`` rows in place (month ``t``
    into row ``row_of_month[t]``, none where it is -1; default: row ``t``) and returns the metrics (one
    array per name in ``model.core.catalogue.METRICS``)."""
    n = next(iter(p.values())).shape[0]
    h = len(timeline)

    def zeros() -> np.ndarray:
        return np.zeros(n)

    sw = selection.is_
    limited, periods, tiers = sw("depot", "limited"), sw("fire_profile", "periods"), sw("nk_stock", "tiers")
    pulse, saturating = sw("nk_supply_start", "pulse"), sw("nk_production", "saturating")
    anchored, declining = sw("ru_production", "anchored"), sw("ru_refurbishment", "declining")
    phases, stock_target = sw("troop_losses", "phases"), sw("firing", "stock_target")
    proportional = sw("supply_decline", "proportional")
    nk_first, ru_first = sw("firing_order", "nk_first"), sw("firing_order", "ru_first")

    # Opening stocks. North Korea lets only its exportable share go (it keeps a floor for its own
    # defence); of that, a tier share is old stock that needs refurbishing before use.
    ru_reserve = p["ru_reserve_stock_start"].copy()
    ru_reserve_opening = np.maximum(ru_reserve, 1e-9)
    nk_exportable = p["nk_stockpile_start"] * p["nk_exportable_share"]
    nk_old = nk_exportable * (p["nk_old_stock_share"] * _share(tiers))
    nk_serviceable = nk_exportable - nk_old
    nk_opening = np.maximum(nk_exportable, 1e-9)
    refurbishment_queue = zeros()  # North Korean old shells in Russian plants
    depot_ru, depot_nk = zeros(), zeros()  # usable shells in Russian depots, by origin
    # Rates fixed for the whole run
    ru_growth_factor = np.power(1.0 + p["ru_production_growth_per_year"], 1.0 / 12.0)  # compound, monthly
    ru_logistic = None if anchored is False else _Logistic(  # the same growth far below the plateau
        p["ru_production_ceiling_per_month"], p["ru_production_per_month"],
        np.log1p(p["ru_production_growth_per_year"]) / 12.0, -float(timeline.ru_production_anchor))
    nk_growth_factor = np.power(1.0 + p["nk_production_growth_per_year"], 1.0 / 12.0)
    nk_logistic = None if saturating is False else _Logistic(
        p["nk_production_ceiling_per_month"], p["nk_production_per_month"],
        np.log1p(p["nk_production_growth_per_year"]) / 12.0, 0.0)
    ramp_months = np.maximum(p["nk_ramp_months"], 1.0)
    ramp_start = p["nk_ramp_start_share"] * _share(pulse)
    ramp_slope = (1.0 - ramp_start) / ramp_months  # from the start share to full capacity over the ramp
    refurbishment_delay = np.maximum(p["nk_refurbishment_delay_months"], 1.0)
    refurbishment_kept = 1.0 - p["nk_refurbishment_loss"]
    nk_usable_new = 1.0 - p["nk_dud_rate_new"]
    nk_usable_old = 1.0 - p["nk_dud_rate_old"]
    depot_loss_rate = p["ru_depot_loss_per_month"] * _share(limited)
    period_factors = [p[f"fire_factor_{name}"] for name in timeline.fire_period_names] if periods is not False else []
    waves = max(len(timeline.troop_waves), 1)

    def losses_per_posture(killed_rate: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        loss_rate = np.clip(killed_rate * (1.0 + p["troop_wounded_per_killed"]), 0.0, 1.0)
        return loss_rate, np.divide(killed_rate, loss_rate, out=zeros(), where=loss_rate > 0)

    combat_losses = losses_per_posture(p["troop_killed_rate_per_month"])
    reserve_losses = losses_per_posture(p["troop_killed_rate_reserve_per_month"])
    troops = np.zeros((waves, n))
    # missiles, technology and other support: a value per month while deliveries run
    support_per_month = (p["other_support_per_month_usd"] + p["missile_value_per_month_usd"]
                         + p["technology_value_per_month_usd"])
    gdp_step = np.power(1.0 + p["nk_gdp_growth_per_year"], 1.0 / 12.0)
    gdp_per_month = p["nk_gdp_usd"] / 12.0 * np.power(1.0 + p["nk_gdp_growth_per_year"],
                                                      -timeline.nk_gdp_reference / 12.0)  # in the first month
    payments_last_year = np.zeros((YEAR, n))  # ring buffers for "payments in a year" and that year's GDP
    gdp_last_year = np.zeros((YEAR, n))
    payments_year, gdp_year = zeros(), zeros()  # their running sums

    # Running totals for the metrics
    delivered_total, usable_total, fired_total, fired_nk_total = zeros(), zeros(), zeros(), zeros()
    new_total, old_kept_total = zeros(), zeros()  # new shells shipped; old ones shipped usable or refurbished
    shortfall_total, months_short, payments_total, depot_losses_total = zeros(), zeros(), zeros(), zeros()
    killed_total, wounded_total, soldier_months, rotated_total, troops_peak = zeros(), zeros(), zeros(), zeros(), zeros()
    payments_peak_share = zeros()
    first_short_after_cutoff = np.full(n, np.nan)
    first_drop_after_cutoff = np.full(n, np.nan)
    stock_days_at_cutoff = np.full(n, np.nan)
    fired_before_cut, wanted_before_cut = zeros(), zeros()
    ru_production: Any = zeros()
    ru_compound_growth, nk_compound_growth = np.ones(n), np.ones(n)
    cutoff = timeline.cutoff
    if cutoff == 0:
        stock_days_at_cutoff[:] = 0.0  # the depot starts empty

    for t in range(h):
        # 1. Russian production, shells/month. compound: the figure in the first month, grown at a
        #    fixed rate up to the ceiling; anchored: the figure holds at its own date (NATO's capacity,
        #    mid-2024), a logistic ramp before and after it towards the plateau (the ceiling)
        if anchored is True:
            assert ru_logistic is not None
            ru_production = ru_logistic.next()
        else:
            compound = np.minimum(p["ru_production_per_month"] * ru_compound_growth, p["ru_production_ceiling_per_month"])
            ru_compound_growth *= ru_growth_factor
            ru_production = compound if ru_logistic is None else pick(anchored, ru_logistic.next(), compound)
        ru_production = ru_production * timeline.ru_production_factor[t]

        # 2. Fire Russia wants, shells/month: a base level times the intensity events and profile,
        #    times the uncertain factor of the fire period the month lies in
        shells_wanted = p["shells_wanted_per_month"] * timeline.intensity[t]
        period = -1 if timeline.fire_period_index is None else int(timeline.fire_period_index[t])
        if period >= 0 and periods is not False:
            shells_wanted = shells_wanted * pick(periods, period_factors[period], 1.0)

        # 3. Refurbishment in Russian plants (capacity ru_reserve_release_max_per_month): North Korean
        #    old shells already in the plants first (on average after the delay; a share is scrapped),
        #    then Russia's own reserves, whose yield falls as the best old stock is used up (declining)
        nk_refurbished = np.minimum(refurbishment_queue / refurbishment_delay, p["ru_reserve_release_max_per_month"])
        refurbishment_queue -= nk_refurbished
        nk_refurbished_usable = nk_refurbished * refurbishment_kept * nk_usable_old
        own_capacity = p["ru_reserve_release_max_per_month"] - nk_refurbished
        if declining is not False:
            own_capacity = own_capacity * pick(declining, ru_reserve / ru_reserve_opening, 1.0)

        # 4. Room in the depot (limited): Russia holds at most ru_depot_limit_days of wanted fire
        #    after this month's fire, counting the shells still in refurbishment; it draws its own
        #    reserves into that room first and asks North Korea for the rest (demand pull)
        if limited is not False:
            on_hand = depot_ru + depot_nk + ru_production + nk_refurbished_usable
            in_plants = refurbishment_queue * refurbishment_kept * nk_usable_old
            limit = p["ru_depot_limit_days"] * shells_wanted / DAYS_PER_MONTH
            room = pick(limited, np.maximum(limit + shells_wanted - on_hand - in_plants, 0.0), np.inf)
            ru_reserve_release = np.minimum(np.minimum(own_capacity, ru_reserve), room)
            nk_order = room - ru_reserve_release
        else:
            ru_reserve_release = np.minimum(own_capacity, ru_reserve)
            nk_order = None
        ru_reserve -= ru_reserve_release

        # 5. North Korean supply, shells/month. New production (compound, or saturating towards a
        #    ceiling) ships first; then serviceable stock, then old stock (to Russian plants); at full
        #    capacity or thinning with the stock left (proportional). Capacity ramps up from the
        #    summit month (from a share of it, after a pulse of stock that was ready: pulse)
        nk_new: Any
        if saturating is True:
            assert nk_logistic is not None
            nk_new = nk_logistic.next()
        else:
            nk_new = p["nk_production_per_month"] * nk_compound_growth
            nk_compound_growth *= nk_growth_factor
            if nk_logistic is not None:
                nk_new = pick(saturating, nk_logistic.next(), nk_new)
        shipped_pulse = zeros()
        if t == 0 and pulse is not False:
            shipped_pulse = np.minimum(p["nk_initial_pulse_shells"], nk_serviceable) * _share(pulse)
            nk_serviceable -= shipped_pulse
        ramp = np.minimum(1.0, ramp_start + ramp_slope * (t + 1))
        capacity = p["nk_shipping_capacity_per_month"] * ramp * timeline.nk_delivery_factor[t]
        if nk_order is not None:
            capacity = np.minimum(capacity, nk_order)
        shipped_new = np.minimum(nk_new, capacity)
        nk_serviceable += nk_new - shipped_new  # unshipped new shells are stored for export
        spare = capacity - shipped_new
        if proportional is not False:
            spare = spare * pick(proportional, np.minimum(1.0, (nk_serviceable + nk_old) / nk_opening), 1.0)
        shipped_serviceable = np.minimum(spare, nk_serviceable)
        nk_serviceable -= shipped_serviceable
        shipped_old = np.minimum(spare - shipped_serviceable, nk_old)
        nk_old -= shipped_old
        refurbishment_queue += shipped_old
        nk_deliveries = shipped_pulse + shipped_new + shipped_serviceable + shipped_old

        # 6. Duds: old stock (not renewed since 1991, Katkov) fails more often than new shells
        from_stock = shipped_pulse + shipped_serviceable
        nk_usable = shipped_new * nk_usable_new + from_stock * nk_usable_old + nk_refurbished_usable
        new_total += shipped_new  # (the duds follow at the end from these two totals)
        old_kept_total += from_stock + nk_refurbished * refurbishment_kept

        # 7. Firing by the policy (demand: what is wanted; stock_target: what exceeds a reserve target,
        #    between a rationing floor and a ceiling), from the depot in the firing order
        available_ru = depot_ru + ru_production + ru_reserve_release
        available_nk = depot_nk + nk_usable
        available = available_ru + available_nk
        if stock_target is not False:
            reserve_target = shells_wanted * p["fire_target_stock_days"] / DAYS_PER_MONTH
            rationed = np.clip(available - reserve_target, p["fire_floor_factor"] * shells_wanted,
                               p["fire_max_factor"] * shells_wanted)
            meant = pick(stock_target, rationed, shells_wanted)
        else:
            meant = shells_wanted
        shells_fired = np.minimum(meant, available)
        fired_nk = np.divide(shells_fired * available_nk, available, out=zeros(), where=available > 0)  # mixed
        if nk_first is not False:
            fired_nk = pick(nk_first, np.minimum(shells_fired, available_nk), fired_nk)
        if ru_first is not False:
            fired_nk = pick(ru_first, np.maximum(shells_fired - available_ru, 0.0), fired_nk)
        depot_nk = np.maximum(available_nk - fired_nk, 0.0)  # (rounding must not leave a negative stock)
        depot_ru = np.maximum(available_ru - (shells_fired - fired_nk), 0.0)
        shortfall = meant - shells_fired
        short = shortfall > shortage_threshold * meant

        # 8. Depot losses (limited): strikes, attrition and spoilage take a share of the stock each month
        depot_losses = (depot_ru + depot_nk) * depot_loss_rate
        depot_ru = depot_ru * (1.0 - depot_loss_rate)
        depot_nk = depot_nk * (1.0 - depot_loss_rate)

        # After a cut-off: "short" as above; "fire has dropped" when fire relative to the fire wanted
        # falls below the threshold times its level in the three months before the cut
        if cutoff is not None:
            if cutoff - MONTHS_BEFORE_CUT <= t < cutoff:
                fired_before_cut += shells_fired
                wanted_before_cut += shells_wanted
            if t == cutoff - 1:
                stock_days_at_cutoff = np.divide((depot_ru + depot_nk) * DAYS_PER_MONTH, shells_wanted, out=zeros(),
                                                 where=shells_wanted > 0)
            if t >= cutoff:
                first_short_after_cutoff[short & np.isnan(first_short_after_cutoff)] = t - cutoff
                level_before = np.divide(fired_before_cut, wanted_before_cut, out=zeros(), where=wanted_before_cut > 0)
                dropped = shells_fired < fire_drop_threshold * level_before * shells_wanted
                first_drop_after_cutoff[dropped & np.isnan(first_drop_after_cutoff)] = t - cutoff

        # 9. Troops, in waves (deployment events; arrivals join the newest wave): up to
        #    troop_buildup_per_month arrive until the ceiling; losses by the wave's posture (combat or
        #    reserve, troop phases) leave the theatre; units rotate after troop_tour_months
        if timeline.troops_present[t]:
            ceiling = timeline.troop_ceiling_soldiers[t]
            if np.isnan(ceiling):
                ceiling = p["troop_ceiling"]
            arrivals = np.minimum(np.maximum(ceiling - troops.sum(axis=0), 0.0), p["troop_buildup_per_month"])
            newest = 0 if timeline.troop_wave_of_month is None else max(int(timeline.troop_wave_of_month[t]), 0)
            troops[newest] += arrivals
            troops_this_month = troops.sum(axis=0)
            losses, killed = zeros(), zeros()
            for w in range(waves):
                in_reserve = timeline.troop_reserve is not None and bool(timeline.troop_reserve[w, t])
                reserve = phases if in_reserve else False
                loss_rate = pick(reserve, reserve_losses[0], combat_losses[0])
                killed_share = pick(reserve, reserve_losses[1], combat_losses[1])
                wave_losses = troops[w] * loss_rate
                losses += wave_losses
                killed += wave_losses * killed_share
                troops[w] -= wave_losses
            rotated_total += arrivals + troops_this_month / p["troop_tour_months"]
        else:
            troops[:] = 0.0
            troops_this_month = killed = losses = zeros()

        # 10. Value Russia transfers, usd/month, by category: shells delivered, soldiers deployed, and
        #     missiles, technology and other support while deliveries run; against North Korean GDP,
        #     which grows from its reference year
        factor = timeline.nk_delivery_factor[t]
        payments_shells = nk_deliveries * p["price_per_shell_usd"]
        payments_troops = troops_this_month * p["payment_per_soldier_month_usd"]
        payments = payments_shells + payments_troops + support_per_month * factor
        slot = t % YEAR
        payments_year += payments - payments_last_year[slot]
        gdp_year += gdp_per_month - gdp_last_year[slot]
        payments_last_year[slot] = payments
        gdp_last_year[slot] = gdp_per_month
        gdp_per_month = gdp_per_month * gdp_step
        payments_share_12m = payments_year / gdp_year
        if t >= min(YEAR, h) - 1:  # the first full year (or the whole window, if shorter)
            np.maximum(payments_peak_share, payments_share_12m, out=payments_peak_share)

        # Running totals and the trajectories asked for
        delivered_total += nk_deliveries
        usable_total += nk_usable
        fired_total += shells_fired
        fired_nk_total += fired_nk
        shortfall_total += shortfall
        months_short += short
        depot_losses_total += depot_losses
        killed_total += killed
        wounded_total += losses - killed
        soldier_months += troops_this_month
        np.maximum(troops_peak, troops_this_month, out=troops_peak)
        payments_total += payments
        row = t if row_of_month is None else int(row_of_month[t])
        if record and row >= 0:
            share_of_fired = np.divide(fired_nk, shells_fired, out=zeros(), where=shells_fired > 0)
            depot = depot_ru + depot_nk
            month = {
                "ru_production": ru_production, "ru_reserve_release": ru_reserve_release, "ru_reserve": ru_reserve,
                "nk_production": nk_new, "nk_deliveries": nk_deliveries, "nk_deliveries_cumulative": delivered_total,
                "nk_usable_deliveries": nk_usable, "nk_stockpile": nk_serviceable + nk_old, "nk_stock_old": nk_old,
                "nk_refurbishment_queue": refurbishment_queue, "shells_wanted": shells_wanted,
                "nk_shipped_for_refurbishment": shipped_old, "nk_refurbished": nk_refurbished_usable,
                "shells_fired": shells_fired, "shortfall": shortfall, "nk_share_of_fired": share_of_fired,
                "nk_share_of_munitions": p["artillery_share_of_munitions"] * share_of_fired
                + (1.0 - p["artillery_share_of_munitions"]) * p["nk_share_of_other_munitions"],
                "ru_stock": depot,
                "ru_stock_days": np.divide(depot * DAYS_PER_MONTH, shells_wanted, out=zeros(), where=shells_wanted > 0),
                "depot_losses": depot_losses,
                "troops_in_theatre": troops_this_month, "killed_cumulative": killed_total,
                "wounded_cumulative": wounded_total, "payments": payments, "payments_cumulative_usd": payments_total,
                "payments_shells": payments_shells, "payments_troops": payments_troops,
                "payments_missiles": p["missile_value_per_month_usd"] * factor,
                "payments_technology": p["technology_value_per_month_usd"] * factor,
                "payments_other": p["other_support_per_month_usd"] * factor, "payments_share_of_gdp_12m": payments_share_12m,
            }
            for name, rows in record.items():
                rows[row] = month[name]

    return {
        "nk_deliveries_total": delivered_total,
        "nk_usable_total": usable_total,
        "nk_duds_total": new_total * p["nk_dud_rate_new"] + old_kept_total * p["nk_dud_rate_old"],
        "nk_share_of_fired": np.divide(fired_nk_total, fired_total, out=zeros(), where=fired_total > 0),
        "shells_fired_total": fired_total,
        "shortfall_total": shortfall_total,
        "months_short": months_short,
        "months_to_shortage_after_cutoff": first_short_after_cutoff,
        "months_to_fire_drop_after_cutoff": first_drop_after_cutoff,
        "ru_stock_days_at_cutoff": stock_days_at_cutoff,
        "depot_losses_total": depot_losses_total,
        "ru_reserve_end": ru_reserve,
        "nk_stockpile_end": nk_serviceable + nk_old,
        "ru_production_end": ru_production,
        "troops_peak": troops_peak,
        "soldier_months": soldier_months,
        "soldiers_rotated": rotated_total,
        "killed_total": killed_total,
        "wounded_total": wounded_total,
        "payments_total_usd": payments_total,
        "payments_share_of_nk_gdp": payments_peak_share,
        "payments_total_over_nk_gdp": payments_total / p["nk_gdp_usd"],
    }
