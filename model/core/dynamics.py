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
3. North Korean supply, shells/month: new production ``nk_production_per_month``, growing by
   ``nk_production_growth_per_year`` (the "Produktionsboom" claim), plus the exportable part
   ``nk_exportable_share`` of a finite stockpile ``nk_stockpile_start`` (unknown; the articles
   give 20,000+ guns and stocks not renewed since 1991; North Korea keeps the rest for its own
   defence), shipped up to ``nk_shipping_capacity_per_month`` times a start-up ramp (full after
   ``nk_ramp_months`` from the September 2023 summit) times the delivery events. New shells go
   first; the rest comes from the exportable stock, either at full capacity until it is empty
   (``supply_decline: constant``) or thinning in proportion to what is left of it
   (``proportional``: shipments from stock = spare capacity × stock left / stock at the start).
4. Duds: a share ``nk_dud_rate_old`` of stockpile shells and ``nk_dud_rate_new`` of new
   ones fail, so usable deliveries are less than deliveries.
5. Firing, shells/month: Russia's base fire W is ``shells_wanted_per_month`` times the
   intensity events and profile; what it fires from its depot (production + reserves + usable
   imports, A in all) follows the firing policy (``firing``):
   ``demand``: fire min(W, A); the rest of W is the shortfall.
   ``stock_target``: hold a reserve of S* = ``fire_target_stock_days`` days of W; fire what
   exceeds it, between ``fire_floor_factor``·W (rationing) and ``fire_max_factor``·W (fire rises
   with supply): desired = clip(A − S*, floor·W, max·W), fired = min(desired, A), shortfall =
   desired − fired. A cut-off then shows first as falling fire, and as a shortfall only when
   even the floor cannot be fired.
   Shells in the depot are mixed, so the North Korean share of what is fired equals its share
   of the depot (comparable to the ≈40 % claim).
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
from typing import Literal

import numpy as np

from .catalogue import METRICS, TRAJECTORIES
from .months import DAYS_PER_MONTH
from .timeline import Timeline

__all__ = ["Outcome", "Structure", "simulate", "DAYS_PER_MONTH"]



@dataclass(frozen=True)
class Structure:
    """The structural assumptions: how Russia fires and how North Korean supply runs down.

    ``firing``: ``demand`` (fire what is wanted while the depot holds it) or ``stock_target``
    (hold a reserve, fire more when supply allows, ration down to a floor when it falls).
    ``supply_decline``: ``constant`` (ship from stock at capacity until it is empty) or
    ``proportional`` (shipments from stock thin as it runs down).
    ``fire_drop_threshold``: "fire has dropped" when it is below this share of its level in the
    three months before a cut-off (the ``months_to_fire_drop_after_cutoff`` metric).
    """

    firing: Literal["demand", "stock_target"] = "demand"
    supply_decline: Literal["constant", "proportional"] = "constant"
    fire_drop_threshold: float = 0.8


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
    structure: Structure | None = None,
    keep: Iterable[str] = (),
    trajectory_dtype: type[np.floating] = np.float64,
) -> Outcome:
    """Run the monthly model for every sample at once.

    Parameters
    ----------
    params
        One (n,) array per model parameter, keyed by name, in the parameter's canonical unit:
        the names, units and valid ranges are ``model.inputs.schema.PARAMETER_INFO`` (the fields
        of ``model.inputs.schema.Parameters``). Drawn from a scenario's priors, e.g.
        ``model.inputs.sampling.sample_parameters(build_priors(sc.parameters, registry), n).as_dict()``.
    timeline
        Months and per-month event effects.
    shortage_threshold
        A month counts as short when more than this share of the shells the policy means to
        fire is missing.
    structure
        The structural assumptions (firing policy, supply decline).
    keep
        Names of trajectories to return (see ``model.core.catalogue.TRAJECTORIES``).
    trajectory_dtype
        Precision the trajectories are kept in (float32 halves the memory of large runs).
    """
    structure = structure if structure is not None else Structure()
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
        out = _months({k: v[part] for k, v in p.items()}, timeline, shortage_threshold, structure,
                      {name: rows[:, part] for name, rows in record.items()})
        for name, values in out.items():
            metrics[name][part] = values
    return Outcome(metrics, {name: rows.T for name, rows in record.items()})


def _months(p: dict[str, np.ndarray], timeline: Timeline, shortage_threshold: float, structure: Structure,
            record: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The story, month by month, for one slice of samples; fills ``record`` rows in place."""
    n = next(iter(p.values())).shape[0]
    h = len(timeline)

    def zeros() -> np.ndarray:
        return np.zeros(n)

    # Opening stocks: North Korea lets only the exportable part of its stockpile go
    ru_reserve = p["ru_reserve_stock_start"].copy()
    nk_stockpile = p["nk_stockpile_start"] * p["nk_exportable_share"]
    nk_stockpile_opening = np.maximum(nk_stockpile, 1e-9)
    depot = zeros()  # usable shells in Russian depots, mixed Russian and North Korean
    nk_in_depot = zeros()  # ... of which North Korean
    troops = zeros()
    # Rates fixed for the whole run
    monthly_growth = np.power(1.0 + p["ru_production_growth_per_year"], 1.0 / 12.0)  # compounded monthly
    nk_monthly_growth = np.power(1.0 + p["nk_production_growth_per_year"], 1.0 / 12.0)
    ramp_months = np.maximum(p["nk_ramp_months"], 1.0)
    stock_target = structure.firing == "stock_target"
    proportional = structure.supply_decline == "proportional"
    loss_rate = np.clip(p["troop_killed_rate_per_month"] * (1.0 + p["troop_wounded_per_killed"]), 0.0, 1.0)
    killed_share = np.divide(p["troop_killed_rate_per_month"], loss_rate, out=zeros(), where=loss_rate > 0)
    nk_usable_new = 1.0 - p["nk_dud_rate_new"]
    nk_usable_old = 1.0 - p["nk_dud_rate_old"]
    # Running totals for the metrics
    delivered_total, usable_total, fired_total, fired_nk_total = zeros(), zeros(), zeros(), zeros()
    shortfall_total, months_short, payments_total = zeros(), zeros(), zeros()
    killed_total, wounded_total, soldier_months, rotated_total, troops_peak = zeros(), zeros(), zeros(), zeros(), zeros()
    first_short_after_cutoff = np.full(n, np.nan)
    first_drop_after_cutoff = np.full(n, np.nan)
    fired_before_cut = zeros()  # shells fired in the three months before the cut-off
    months_before_cut = 0
    growth = np.ones(n)
    nk_growth = np.ones(n)

    for t in range(h):
        # 1. Russian production, shells/month: NATO's ≈3 M/yr grown monthly, capped, times events
        ru_production = np.minimum(p["ru_production_start_per_month"] * growth, p["ru_production_ceiling_per_month"])
        ru_production *= timeline.ru_production_factor[t]
        growth *= monthly_growth

        # 2. Russian reserves: old stock refurbished at a capped rate until it is gone
        ru_reserve_release = np.minimum(p["ru_reserve_release_max_per_month"], ru_reserve)
        ru_reserve -= ru_reserve_release

        # 3. North Korean shipping: capacity ramps up after the summit; new shells first (their
        #    production may grow), the exportable stock makes up the rest, at full capacity until
        #    empty or thinning with what is left of it
        ramp = np.minimum(1.0, (t + 1) / ramp_months)
        capacity = p["nk_shipping_capacity_per_month"] * ramp * timeline.nk_delivery_factor[t]
        nk_new = p["nk_production_per_month"] * nk_growth
        nk_growth *= nk_monthly_growth
        shipped_new = np.minimum(nk_new, capacity)
        nk_stockpile += nk_new - shipped_new  # unshipped new shells are stored for export
        spare = capacity - shipped_new
        if proportional:
            spare = spare * np.minimum(1.0, nk_stockpile / nk_stockpile_opening)
        shipped_old = np.minimum(spare, nk_stockpile)
        nk_stockpile -= shipped_old
        nk_deliveries = shipped_new + shipped_old

        # 4. Duds: old stock (not renewed since 1991, Katkov) fails more often than new shells
        nk_usable = shipped_new * nk_usable_new + shipped_old * nk_usable_old

        # 5. Firing by the policy: what is wanted (demand), or what exceeds a reserve target,
        #    between a rationing floor and a ceiling (stock_target); the rest of what the policy
        #    means to fire is the shortfall. The depot is mixed, so North Korea's share of fire
        #    is its share of the depot.
        shells_wanted = p["shells_wanted_per_month"] * timeline.intensity[t]
        available = depot + ru_production + ru_reserve_release + nk_usable
        nk_in_depot += nk_usable
        if stock_target:
            reserve_target = shells_wanted * p["fire_target_stock_days"] / DAYS_PER_MONTH
            meant = np.clip(available - reserve_target, p["fire_floor_factor"] * shells_wanted,
                            p["fire_max_factor"] * shells_wanted)
        else:
            meant = shells_wanted
        shells_fired = np.minimum(meant, available)
        nk_share = np.divide(nk_in_depot, available, out=zeros(), where=available > 0)
        fired_nk = shells_fired * nk_share
        nk_in_depot -= fired_nk
        depot = available - shells_fired
        shortfall = meant - shells_fired
        short = shortfall > shortage_threshold * meant
        if timeline.cutoff is not None and timeline.cutoff - 3 <= t < timeline.cutoff:
            fired_before_cut += shells_fired
            months_before_cut += 1
        if timeline.cutoff is not None and t >= timeline.cutoff:
            first_short_after_cutoff[short & np.isnan(first_short_after_cutoff)] = t - timeline.cutoff
            if months_before_cut:
                dropped = shells_fired < structure.fire_drop_threshold * fired_before_cut / months_before_cut
                first_drop_after_cutoff[dropped & np.isnan(first_drop_after_cutoff)] = t - timeline.cutoff

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
                "ru_stock": depot,
                "ru_stock_days": np.divide(depot * DAYS_PER_MONTH, shells_wanted, out=zeros(), where=shells_wanted > 0),
                "troops_in_theatre": troops_this_month, "killed_cumulative": killed_total,
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
        "months_to_fire_drop_after_cutoff": first_drop_after_cutoff,
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
