"""The model's equations for all samples at once (the story itself is ``story.py``, in its order).

Story and units (every rate per month; each mechanism has a structural switch, ``model.core.structure``,
whose first choice is the earlier model):

1. Russian production, shells/month: ``ru_production_per_month`` (NATO: ≈3 million a year,
   ``ru_shell_production_per_year``) either compounded from the window's first month up to the
   ceiling (``ru_production: compound``) or holding at the figure's own date (mid-2024) on a
   logistic ramp towards the plateau ``ru_production_ceiling_per_month`` (``anchored``), times the
   production events.
2. Wanted fire, shells/month: ``shells_wanted_per_month`` times the intensity events and profile,
   times the uncertain factor ``fire_factor_<period>`` of each named fire period (``fire_profile``).
3. Refurbishment in Russian plants (``ru_reserve_release_max_per_month``): North Korean old shells
   (``nk_stock: tiers``) after ``nk_refurbishment_delay_months`` on average, less
   ``nk_refurbishment_loss``; Russia's own reserves ``ru_reserve_stock_start`` with the rest of the
   capacity, at a yield that falls as the best old stock is used (``ru_refurbishment: declining``).
4. The depot (``depot: limited``): Russia holds at most ``ru_depot_limit_days`` of wanted fire and
   asks North Korea only for the room left (demand pull); ``ru_depot_loss_per_month`` of the stock
   is lost each month. ``unlimited``: every shell delivered piles up.
5. North Korean supply: new production ``nk_production_per_month`` (compound growth, or saturating
   towards ``nk_production_ceiling_per_month``), then the exportable stock (``nk_stockpile_start`` ×
   ``nk_exportable_share``; the rest is North Korea's floor for its own defence), serviceable before
   old, up to ``nk_shipping_capacity_per_month`` times a ramp (from ``nk_ramp_start_share`` after an
   initial pulse ``nk_initial_pulse_shells`` of stock that was ready, ``nk_supply_start: pulse``),
   at full capacity or thinning with the stock left (``supply_decline``).
6. Duds: ``nk_dud_rate_old`` of stock shells and ``nk_dud_rate_new`` of new ones fail.
7. Firing (``firing``): ``demand`` fires min(W, A); ``stock_target`` holds ``fire_target_stock_days``
   and fires between ``fire_floor_factor``·W and ``fire_max_factor``·W. The depot's shells are fired
   ``mixed``, ``nk_first`` or ``ru_first`` (``firing_order``): North Korea's share of fire follows.
8. Troops in waves (deployment events), ``troop_killed_rate_per_month`` in combat and
   ``troop_killed_rate_reserve_per_month`` in reserve (``troop_losses: phases``), wounded per killed
   ``troop_wounded_per_killed``, rotation after ``troop_tour_months``.
9. Value transferred, usd/month, by category (shells, troops, missiles, technology, other support),
   against North Korean GDP ``nk_gdp_usd`` (Bank of Korea: ≈23 bn USD) growing by
   ``nk_gdp_growth_per_year`` from its reference year; North Korea's share of all munitions Russia
   fires is ``artillery_share_of_munitions`` × its share of shells + the rest × ``nk_share_of_other_munitions``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ..catalogue import METRICS, TRAJECTORIES
from ..months import DAYS_PER_MONTH
from ..structure import Selection, Structure, switch_of_parameter
from ..timeline import Timeline
from .story import run_months

__all__ = ["Outcome", "Structure", "simulate", "DAYS_PER_MONTH", "SLICE_SAMPLES"]


@dataclass(frozen=True)
class Outcome:
    """Model results for n samples.

    ``metrics[name]`` has shape (n,) (see ``model.core.catalogue.METRICS`` for units);
    ``trajectories[name]`` has shape (n, months), only for the names asked for (and only the
    months asked for, in their order, when ``simulate`` was given ``months``).
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
    months: Sequence[int] | None = None,
    trajectory_dtype: type[np.floating] = np.float64,
) -> Outcome:
    """Run the monthly model for every sample at once.

    Parameters
    ----------
    params
        One (n,) array per model parameter, in canonical units: every name of
        ``model.inputs.schema.PARAMETER_INFO``, plus ``fire_factor_<period>`` for each of the
        timeline's fire periods; ``structure_<switch>`` arrays (choice indices into
        ``model.core.structure.SWITCHES[switch].choices``) make that switch's choice per sample.
    timeline
        Months and per-month event effects.
    shortage_threshold
        A month counts as short when more than this share of the shells the policy means to
        fire is missing.
    structure
        The fixed structural choices (switches without a per-sample choice in ``params``).
    keep
        Names of trajectories to return (see ``model.core.catalogue.TRAJECTORIES``).
    months
        Distinct month indices of the window to keep of those trajectories, in this order (default:
        every month). Only the months an observed figure is compared at: at 240 months, keeping every
        month of five trajectories for a block of 65,536 samples took 300 MiB.
    trajectory_dtype
        Precision the trajectories are kept in (float32 halves the memory of large runs).
    """
    structure = structure if structure is not None else Structure()
    keep = set(keep)
    unknown = keep - set(TRAJECTORIES)
    if unknown:
        raise ValueError(f"unknown trajectories {sorted(unknown)}; known: {sorted(TRAJECTORIES)}")
    p: dict[str, np.ndarray] = {}
    mixture: dict[str, np.ndarray] = {}
    for name, values in params.items():
        switch = switch_of_parameter(name)
        if switch is None:
            p[name] = np.asarray(values, dtype=float)
        elif switch not in structure.forced:  # a forced switch takes the structure's choice for every sample
            mixture[switch] = np.asarray(values)
    n = next(iter(p.values())).shape[0]
    h = len(timeline)
    kept_months = list(range(h)) if months is None else [int(t) for t in months]
    if any(not 0 <= t < h for t in kept_months) or len(set(kept_months)) != len(kept_months):
        raise ValueError(f"months must be distinct month indices 0 to {h - 1} of the window, got {kept_months}")
    row_of_month = np.full(h, -1)  # the record's row of each month (-1: not kept)
    row_of_month[kept_months] = np.arange(len(kept_months))
    # month-major: a month's row is contiguous
    record = {name: np.empty((len(kept_months), n), dtype=trajectory_dtype) for name in keep}
    metrics = {name: np.empty(n) for name in METRICS}
    for start in range(0, n, SLICE_SAMPLES):
        part = slice(start, min(start + SLICE_SAMPLES, n))
        selection = Selection(structure, {s: v[part] for s, v in mixture.items()})
        out = run_months({k: v[part] for k, v in p.items()}, timeline, shortage_threshold, selection,
                         structure.fire_drop_threshold, {name: rows[:, part] for name, rows in record.items()},
                         row_of_month)
        if set(out) != set(METRICS):  # pragma: no cover - guards the output vocabulary
            raise RuntimeError("model.core.catalogue.METRICS and the metrics computed differ")
        for name, values in out.items():
            metrics[name][part] = values
    return Outcome(metrics, {name: rows.T for name, rows in record.items()})
