"""The model's equations, in the order the story runs, for all samples at once.

Every state is a numpy array with one entry per Monte Carlo sample; the only Python
loop runs over the months (36 to 60 of them), never over samples. Each month follows
the story below; monthly trajectories are recorded only when asked for, so a run of
millions of samples keeps only its per-sample metrics.

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

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from .catalogue import METRICS, TRAJECTORIES
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


# Samples are stepped through the months in slices of this many: the state arrays of one
# slice then stay in the processor's cache (measured: ~1.4x faster than 65,536 at once).
SLICE_SAMPLES = 16_384


def simulate(
    params: Mapping[str, np.ndarray],
    timeline: Timeline,
    *,
    shortage_threshold: float = 0.1,
    keep: Iterable[str] = (),
    trajectory_dtype: type[np.floating] = np.float64,
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
        Names of trajectories to return (see ``model.core.catalogue.TRAJECTORIES``).
    trajectory_dtype
        Precision the trajectories are kept in (float32 halves the memory of large runs).
    """
    keep = set(keep)
    unknown = keep - set(TRAJECTORIES)
    if unknown:
        raise ValueError(f"unknown trajectories {sorted(unknown)}; known: {sorted(TRAJECTORIES)}")
    p = {k: np.asarray(v, dtype=float) for k, v in params.items()}
    n = next(iter(p.values())).shape[0]
    # month-major: a month's row is contiguous
    record = {name: np.empty((len(timeline), n), dtype=trajectory_dtype) for name in keep}
    metrics = {name: np.empty(n) for name in METRICS}
    for start in range(0, n, SLICE_SAMPLES):
        part = slice(start, min(start + SLICE_SAMPLES, n))
        out = _months({k: v[part] for k, v in p.items()}, timeline, shortage_threshold,
                      {name: rows[:, part] for name, rows in record.items()})
        for name, values in out.items():
            metrics[name][part] = values
    return Outcome(metrics, {name: rows.T for name, rows in record.items()})


def _months(p: dict[str, np.ndarray], timeline: Timeline, shortage_threshold: float,
            record: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The story, month by month, for one slice of samples; fills ``record`` rows in place."""
    n = next(iter(p.values())).shape[0]
    h = len(timeline)

    def zeros() -> np.ndarray:
        return np.zeros(n)

    # Opening stocks
    ru_reserve = p["ru_reserve_stock_start"].copy()
    nk_stockpile = p["nk_stockpile_start"].copy()
    depot = zeros()  # usable shells in Russian depots, mixed Russian and North Korean
    nk_in_depot = zeros()  # ... of which North Korean
    troops = zeros()
    # Rates fixed for the whole run
    monthly_growth = np.power(1.0 + p["ru_production_growth_per_year"], 1.0 / 12.0)  # compounded monthly
    loss_rate = np.clip(p["troop_killed_rate_per_month"] * (1.0 + p["troop_wounded_per_killed"]), 0.0, 1.0)
    killed_share = np.divide(p["troop_killed_rate_per_month"], loss_rate, out=zeros(), where=loss_rate > 0)
    nk_usable_new = 1.0 - p["nk_dud_rate_new"]
    nk_usable_old = 1.0 - p["nk_dud_rate_old"]
    # Running totals for the metrics
    delivered_total, usable_total, fired_total, fired_nk_total = zeros(), zeros(), zeros(), zeros()
    shortfall_total, months_short, payments_total = zeros(), zeros(), zeros()
    killed_total, wounded_total, soldier_months, rotated_total, troops_peak = zeros(), zeros(), zeros(), zeros(), zeros()
    first_short_after_cutoff = np.full(n, np.nan)
    growth = np.ones(n)

    for t in range(h):
        # 1. Russian production, shells/month: NATO's ≈3 M/yr grown monthly, capped, times events
        ru_production = np.minimum(p["ru_production_start_per_month"] * growth, p["ru_production_ceiling_per_month"])
        ru_production *= timeline.ru_production_factor[t]
        growth *= monthly_growth

        # 2. Russian reserves: old stock refurbished at a capped rate until it is gone
        ru_reserve_release = np.minimum(p["ru_reserve_release_max_per_month"], ru_reserve)
        ru_reserve -= ru_reserve_release

        # 3. North Korean shipping: new shells first, the stockpile makes up the rest of the capacity
        capacity = p["nk_shipping_capacity_per_month"] * timeline.nk_delivery_factor[t]
        shipped_new = np.minimum(p["nk_production_per_month"], capacity)
        nk_stockpile += p["nk_production_per_month"] - shipped_new  # unshipped new shells are stored
        shipped_old = np.minimum(capacity - shipped_new, nk_stockpile)
        nk_stockpile -= shipped_old
        nk_deliveries = shipped_new + shipped_old

        # 4. Duds: old stock (not renewed since 1991, Katkov) fails more often than new shells
        nk_usable = shipped_new * nk_usable_new + shipped_old * nk_usable_old

        # 5. Firing: Russia fires what it wants if the depot holds it; the rest is the shortfall.
        #    The depot is mixed, so North Korea's share of fire is its share of the depot.
        shells_wanted = p["shells_wanted_per_month"] * timeline.intensity[t]
        available = depot + ru_production + ru_reserve_release + nk_usable
        nk_in_depot += nk_usable
        shells_fired = np.minimum(shells_wanted, available)
        nk_share = np.divide(nk_in_depot, available, out=zeros(), where=available > 0)
        fired_nk = shells_fired * nk_share
        nk_in_depot -= fired_nk
        depot = available - shells_fired
        shortfall = shells_wanted - shells_fired
        short = shortfall > shortage_threshold * shells_wanted
        if timeline.cutoff is not None and t >= timeline.cutoff:
            first_short_after_cutoff[short & np.isnan(first_short_after_cutoff)] = t - timeline.cutoff

        # 6. Troops: arrive up to a monthly limit until the ceiling; losses leave; units rotate
        if timeline.troops_present[t]:
            ceiling = timeline.troop_ceiling_soldiers[t]
            if np.isnan(ceiling):
                ceiling = p["troop_ceiling"]
            arrivals = np.minimum(np.maximum(ceiling - troops, 0.0), p["troop_buildup_per_month"])
            troops += arrivals
            losses = troops * loss_rate
            killed = losses * killed_share
            troops_this_month = troops.copy()
            rotated_total += arrivals + troops / p["troop_tour_months"]
            troops -= losses
        else:
            troops[:] = 0.0
            troops_this_month = killed = losses = zeros()

        # 7. Payments, usd/month: shells delivered, soldiers deployed, other support while deliveries run
        payments = (nk_deliveries * p["price_per_shell_usd"]
                    + troops_this_month * p["payment_per_soldier_month_usd"]
                    + p["other_support_per_month_usd"] * timeline.nk_delivery_factor[t])

        # Running totals and the trajectories asked for
        delivered_total += nk_deliveries
        usable_total += nk_usable
        fired_total += shells_fired
        fired_nk_total += fired_nk
        shortfall_total += shortfall
        months_short += short
        killed_total += killed
        wounded_total += losses - killed
        soldier_months += troops_this_month
        np.maximum(troops_peak, troops_this_month, out=troops_peak)
        payments_total += payments
        if record:
            month = {
                "ru_production": ru_production, "ru_reserve_release": ru_reserve_release,
                "nk_deliveries": nk_deliveries, "nk_deliveries_cumulative": delivered_total,
                "nk_usable_deliveries": nk_usable, "nk_stockpile": nk_stockpile, "shells_wanted": shells_wanted,
                "shells_fired": shells_fired, "shortfall": shortfall,
                "nk_share_of_fired": np.divide(fired_nk, shells_fired, out=zeros(), where=shells_fired > 0),
                "ru_stock": depot, "troops_in_theatre": troops_this_month, "killed_cumulative": killed_total,
                "wounded_cumulative": wounded_total, "payments": payments, "payments_cumulative_usd": payments_total,
            }
            for name, rows in record.items():
                rows[t] = month[name]

    metrics = {
        "nk_deliveries_total": delivered_total,
        "nk_usable_total": usable_total,
        "nk_duds_total": delivered_total - usable_total,
        "nk_share_of_fired": np.divide(fired_nk_total, fired_total, out=zeros(), where=fired_total > 0),
        "shells_fired_total": fired_total,
        "shortfall_total": shortfall_total,
        "months_short": months_short,
        "months_to_shortage_after_cutoff": first_short_after_cutoff,
        "nk_stockpile_end": nk_stockpile,
        "ru_production_end": ru_production if h else zeros(),
        "troops_peak": troops_peak,
        "soldier_months": soldier_months,
        "soldiers_rotated": rotated_total,
        "killed_total": killed_total,
        "wounded_total": wounded_total,
        "payments_total_usd": payments_total,
        "payments_share_of_nk_gdp": payments_total / p["nk_gdp_usd"],
    }
    if set(metrics) != set(METRICS):  # pragma: no cover - guards the output vocabulary
        raise RuntimeError("model.outputs.METRICS and the metrics computed here differ")
    return metrics
