"""A scenario's events as per-month arrays: the bridge from the schema to the equations."""

from __future__ import annotations

import numpy as np

from ..core.dynamics import Structure
from ..core.months import month_index, month_range
from ..core.timeline import Timeline
from .schema import Alternative, Scenario

__all__ = ["build_timeline", "build_structure"]


def build_structure(scenario: Scenario, alternative: Alternative | None = None) -> Structure:
    """The scenario's structural choices (with one alternative's changes applied)."""
    st = scenario.structure
    firing, decline = st.firing, st.supply_decline
    if alternative is not None:
        firing = alternative.firing or firing
        decline = alternative.supply_decline or decline
    return Structure(firing=firing, supply_decline=decline, fire_drop_threshold=st.fire_drop_threshold)


def _profile(scenario: Scenario, months: list[str]) -> np.ndarray:
    """The intensity profile per month: linear between its points, flat before the first and after the last."""
    points = sorted(scenario.intensity_profile, key=lambda p: month_index(p.month))
    if not points:
        return np.ones(len(months))
    x = np.array([month_index(p.month) for p in points], dtype=float)
    y = np.array([p.factor for p in points])
    return np.interp(np.array([month_index(m) for m in months], dtype=float), x, y)


def build_timeline(scenario: Scenario) -> Timeline:
    """Per-month event arrays for a validated scenario (events apply from their month on)."""
    months = month_range(scenario.window.start, scenario.window.horizon_months)
    h = len(months)
    first = month_index(months[0])
    nk = np.ones(h)
    prod = np.ones(h)
    intensity = _profile(scenario, months)
    present = np.zeros(h, dtype=bool)
    ceiling = np.full(h, np.nan)
    cutoff: int | None = None
    # sort by month, then name, so same-month events apply in a stable order
    for _name, ev in sorted(scenario.events.items(), key=lambda kv: (month_index(kv[1].month), kv[0])):
        t = month_index(ev.month) - first
        if ev.kind == "nk_deliveries_stop":
            nk[t:] = 0.0
            cutoff = t if cutoff is None else min(cutoff, t)
        elif ev.kind == "nk_deliveries_scale":
            nk[t:] *= 1.0 if ev.factor is None else ev.factor
        elif ev.kind == "ru_production_scale":
            prod[t:] *= 1.0 if ev.factor is None else ev.factor
        elif ev.kind == "fighting_intensity":
            intensity[t:] *= 1.0 if ev.factor is None else ev.factor
        elif ev.kind == "troops_deploy":
            present[t:] = True
        elif ev.kind == "troops_withdraw":
            present[t:] = False
        elif ev.kind == "troop_ceiling":
            ceiling[t:] = ev.soldiers
    return Timeline(months, nk, prod, intensity, present, ceiling, cutoff)
