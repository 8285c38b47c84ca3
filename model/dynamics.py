"""The model's equations, in the order the story runs, for all samples at once.

Every array has one row per Monte Carlo sample and (for trajectories) one column per
month. Stocks that fill and drain are written as cumulative sums over time rather
than a month-by-month loop where that is exact (a store with inflow and a capped
outflow, shipped or fired greedily, empties along ``K_t + min(0, min_{s<=t}(S_0 + N_s - K_s))``,
the reflection formula of queueing theory); only the two quantities that mix
(the origin of fired shells, troop strength) step through the months.

Story and units (every rate per month):

1. Russian production, shells/month: starts at ``ru_production_start_per_month`` (NATO:
   ≈3 million a year, ``ru_shell_production_per_year``), grows by
   ``ru_production_growth_per_year`` compounded monthly, capped by
   ``ru_production_ceiling_per_month``, times the scenario's production events.
2. Russian reserves, shells/month: old stock refurbished at up to
   ``ru_reserve_release_max_per_month`` until ``ru_reserve_stock_start`` is used up.
3. North Korean supply, shells/month: new production ``nk_production_per_month`` plus a
   finite stockpile ``nk_stockpile_start`` (unknown; the articles give 20,000+ guns and
   stocks not renewed since 1991), shipped up to ``nk_shipping_capacity_per_month``
   times the delivery events. New shells go first; the rest comes from the stockpile.
4. Duds: a share ``nk_dud_rate_old`` of stockpile shells and ``nk_dud_rate_new`` of new
   ones fail, so usable deliveries are less than deliveries.
5. Firing, shells/month: Russia wants ``shells_wanted_per_month`` times the intensity
   events and fires what its depot (production + reserves + usable imports) holds;
   the rest is the shortfall. Shells in the depot are mixed, so the North Korean share
   of what is fired equals its share of the depot (comparable to the ≈40 % claim).
6. Troops, soldiers: from the deployment event, up to ``troop_buildup_per_month``
   arrive each month until ``troop_ceiling`` (or an event's ceiling); a share
   ``troop_killed_rate_per_month`` is killed and ``troop_wounded_per_killed`` wounded
   per killed, both leaving the theatre; units rotate after ``troop_tour_months``.
7. Payments, usd/month: ``price_per_shell_usd`` per shell delivered,
   ``payment_per_soldier_month_usd`` per soldier deployed, and
   ``other_support_per_month_usd`` (missiles, equipment) while deliveries run; compared
   with ``nk_gdp_usd`` (Bank of Korea: ≈23 bn USD).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

import numpy as np

from .outputs import METRICS, TRAJECTORIES
from .timeline import Timeline

__all__ = ["Outcome", "simulate"]


@dataclass(frozen=True)
class Outcome:
    """Model results for n samples.

    ``metrics[name]`` has shape (n,) (see ``model.outputs.METRICS`` for units);
    ``trajectories[name]`` has shape (n, months), only for the names asked for.
    """

    metrics: dict[str, np.ndarray]
    trajectories: dict[str, np.ndarray]


def _store(flow_in_cumulative: np.ndarray, capacity_cumulative: np.ndarray, initial: np.ndarray) -> np.ndarray:
    """Cumulative outflow of a store emptied greedily up to a capacity.

    ``flow_in_cumulative`` and ``capacity_cumulative`` are (n, months) running totals,
    ``initial`` (n,) the opening stock. Out by month t is bounded by what came in by
    any earlier month s (opening stock included) plus the capacity between s and t, and
    by the capacity since the start; greedy emptying meets the tightest bound:
    ``K_t + min(0, min_{s<=t}(initial + In_s - K_s))``.
    """
    slack = initial[:, None] + flow_in_cumulative - capacity_cumulative
    np.minimum.accumulate(slack, axis=1, out=slack)
    np.minimum(slack, 0.0, out=slack)
    return capacity_cumulative + slack


def _per_month(cumulative: np.ndarray) -> np.ndarray:
    return np.diff(cumulative, axis=1, prepend=0.0)


def simulate(
    params: Mapping[str, np.ndarray],
    timeline: Timeline,
    *,
    shortage_threshold: float = 0.1,
    keep: Iterable[str] = (),
) -> Outcome:
    """Run the monthly model for every sample at once.

    Parameters
    ----------
    params
        One (n,) array per model parameter, in canonical units (see
        ``model.scenario.PARAMETER_INFO``).
    timeline
        Months and per-month event effects.
    shortage_threshold
        A month counts as short when more than this share of wanted shells is missing.
    keep
        Names of trajectories to return (see ``model.outputs.TRAJECTORIES``).
    """
    keep = set(keep)
    unknown = keep - set(TRAJECTORIES)
    if unknown:
        raise ValueError(f"unknown trajectories {sorted(unknown)}; known: {sorted(TRAJECTORIES)}")
    p = {k: np.asarray(v, dtype=float) for k, v in params.items()}
    n = next(iter(p.values())).shape[0]
    h = len(timeline)
    months = np.arange(h, dtype=float)
    zeros = np.zeros(n)

    # 1. Russian production, shells/month (NATO ≈3 M/yr), compounded monthly growth, capped
    monthly_growth = np.log1p(p["ru_production_growth_per_year"]) / 12.0
    ru_production = p["ru_production_start_per_month"][:, None] * np.exp(monthly_growth[:, None] * months)
    np.minimum(ru_production, p["ru_production_ceiling_per_month"][:, None], out=ru_production)
    ru_production *= timeline.ru_production_factor

    # 2. Russian reserves: refurbished at a capped rate until the old stock is gone
    release_cum = np.minimum(
        p["ru_reserve_release_max_per_month"][:, None] * (months + 1.0), p["ru_reserve_stock_start"][:, None]
    )
    ru_reserve_release = _per_month(release_cum)

    # 3. North Korean shipping: new production first, the stockpile makes up the rest
    nk_new = np.broadcast_to(p["nk_production_per_month"][:, None], (n, h))
    shipping_capacity = p["nk_shipping_capacity_per_month"][:, None] * timeline.nk_delivery_factor
    nk_delivered_cum = _store(np.cumsum(nk_new, axis=1), np.cumsum(shipping_capacity, axis=1), p["nk_stockpile_start"])
    nk_deliveries = _per_month(nk_delivered_cum)
    shipped_new = np.minimum(nk_new, shipping_capacity)
    shipped_old = nk_deliveries - shipped_new
    nk_supplied_cum = p["nk_stockpile_start"][:, None] + np.cumsum(nk_new, axis=1)
    nk_stockpile = nk_supplied_cum - nk_delivered_cum
    nk_stockpile[nk_stockpile < 1e-9 * nk_supplied_cum] = 0.0  # rounding, not shells

    # 4. Duds: old stock (not renewed since 1991, Katkov) fails more often than new shells
    nk_usable = shipped_new * (1.0 - p["nk_dud_rate_new"][:, None]) + shipped_old * (1.0 - p["nk_dud_rate_old"][:, None])

    # 5. Firing from the depot; the shortfall is what was wanted but not there
    shells_wanted = p["shells_wanted_per_month"][:, None] * timeline.intensity
    inflow = ru_production + ru_reserve_release + nk_usable
    wanted_cum = np.cumsum(shells_wanted, axis=1)
    inflow_cum = np.cumsum(inflow, axis=1)
    fired_cum = _store(inflow_cum, wanted_cum, zeros)
    shells_fired = _per_month(fired_cum)
    shortfall = shells_wanted - shells_fired
    shortfall[shortfall < 1e-9 * shells_wanted] = 0.0  # rounding of the cumulative sums, not a shortage
    ru_stock = inflow_cum - fired_cum
    #    the depot is mixed, so North Korea's share of what is fired is its share of the depot
    fired_nk = np.empty((n, h))
    nk_in_depot = zeros.copy()
    depot_before = 0.0
    for t in range(h):
        available = depot_before + inflow[:, t]
        nk_in_depot += nk_usable[:, t]
        share = np.divide(nk_in_depot, available, out=np.zeros(n), where=available > 0)
        fired_nk[:, t] = shells_fired[:, t] * share
        nk_in_depot -= fired_nk[:, t]
        depot_before = ru_stock[:, t]
    nk_share_of_fired = np.divide(fired_nk, shells_fired, out=np.zeros((n, h)), where=shells_fired > 0)

    # 6. Troops: build-up to a ceiling, losses leave the theatre, units rotate after a tour
    ceiling = np.where(np.isnan(timeline.troop_ceiling_soldiers)[None, :], p["troop_ceiling"][:, None],
                       timeline.troop_ceiling_soldiers[None, :])
    loss_rate = np.clip(p["troop_killed_rate_per_month"] * (1.0 + p["troop_wounded_per_killed"]), 0.0, 1.0)
    killed_share = np.divide(p["troop_killed_rate_per_month"], loss_rate, out=np.zeros(n), where=loss_rate > 0)
    strength = zeros.copy()
    troops = np.empty((n, h))
    killed = np.empty((n, h))
    wounded = np.empty((n, h))
    arrivals_total = zeros.copy()
    rotated_total = zeros.copy()
    for t in range(h):
        if timeline.troops_present[t]:
            arrivals = np.clip(ceiling[:, t] - strength, 0.0, p["troop_buildup_per_month"])
            strength += arrivals
            arrivals_total += arrivals
            losses = strength * loss_rate
            killed[:, t] = losses * killed_share
            wounded[:, t] = losses - killed[:, t]
            rotated_total += strength / p["troop_tour_months"]
            troops[:, t] = strength
            strength -= losses
        else:
            strength[:] = 0.0
            troops[:, t] = killed[:, t] = wounded[:, t] = 0.0

    # 7. Payments, usd/month: shells, soldiers, and other support while deliveries run
    payments = (
        nk_deliveries * p["price_per_shell_usd"][:, None]
        + troops * p["payment_per_soldier_month_usd"][:, None]
        + p["other_support_per_month_usd"][:, None] * timeline.nk_delivery_factor
    )
    payments_cum = np.cumsum(payments, axis=1)

    # Metrics, one number per sample
    short = shortfall > shortage_threshold * shells_wanted
    fired_total = fired_cum[:, -1]
    if timeline.cutoff is None:
        to_shortage = np.full(n, np.nan)
    else:
        after = short[:, timeline.cutoff:]
        hit = after.any(axis=1)
        to_shortage = np.where(hit, after.argmax(axis=1).astype(float), np.nan)
    metrics = {
        "nk_deliveries_total": nk_delivered_cum[:, -1],
        "nk_usable_total": nk_usable.sum(axis=1),
        "nk_duds_total": nk_delivered_cum[:, -1] - nk_usable.sum(axis=1),
        "nk_share_of_fired": np.divide(fired_nk.sum(axis=1), fired_total, out=np.zeros(n), where=fired_total > 0),
        "shells_fired_total": fired_total,
        "shortfall_total": shortfall.sum(axis=1),
        "months_short": short.sum(axis=1).astype(float),
        "months_to_shortage_after_cutoff": to_shortage,
        "nk_stockpile_end": nk_stockpile[:, -1],
        "ru_production_end": ru_production[:, -1],
        "troops_peak": troops.max(axis=1),
        "soldier_months": troops.sum(axis=1),
        "soldiers_rotated": arrivals_total + rotated_total,
        "killed_total": killed.sum(axis=1),
        "wounded_total": wounded.sum(axis=1),
        "payments_total_usd": payments_cum[:, -1],
        "payments_share_of_nk_gdp": payments_cum[:, -1] / p["nk_gdp_usd"],
    }
    assert set(metrics) == set(METRICS)
    everything = {
        "ru_production": ru_production,
        "ru_reserve_release": ru_reserve_release,
        "nk_deliveries": nk_deliveries,
        "nk_deliveries_cumulative": nk_delivered_cum,
        "nk_usable_deliveries": nk_usable,
        "nk_stockpile": nk_stockpile,
        "shells_wanted": shells_wanted,
        "shells_fired": shells_fired,
        "shortfall": shortfall,
        "nk_share_of_fired": nk_share_of_fired,
        "ru_stock": ru_stock,
        "troops_in_theatre": troops,
        "killed_cumulative": np.cumsum(killed, axis=1),
        "wounded_cumulative": np.cumsum(wounded, axis=1),
        "payments": payments,
        "payments_cumulative_usd": payments_cum,
    }
    return Outcome(metrics, {name: everything[name] for name in keep})
