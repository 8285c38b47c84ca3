"""A scenario's events as per-month arrays: the bridge from the schema to the equations."""

from __future__ import annotations

import numpy as np

from ..core.months import month_index, month_range
from ..core.timeline import Timeline
from .schema import Scenario

__all__ = ["build_timeline"]


def build_timeline(scenario: Scenario) -> Timeline:
    """Per-month event arrays for a validated scenario (events apply from their month on)."""
    months = month_range(scenario.window.start, scenario.window.horizon_months)
    h = len(months)
    first = month_index(months[0])
    nk = np.ones(h)
    prod = np.ones(h)
    intensity = np.ones(h)
    present = np.zeros(h, dtype=bool)
    ceiling = np.full(h, np.nan)
    cutoff: int | None = None
    # sort by month, then name, so same-month events apply in a stable order
    for name, ev in sorted(scenario.events.items(), key=lambda kv: (month_index(kv[1].month), kv[0])):
        t = month_index(ev.month) - first
        if ev.kind == "nk_deliveries_stop":
            nk[t:] = 0.0
            cutoff = t if cutoff is None else min(cutoff, t)
        elif ev.kind == "nk_deliveries_scale":
            nk[t:] *= ev.factor
        elif ev.kind == "ru_production_scale":
            prod[t:] *= ev.factor
        elif ev.kind == "fighting_intensity":
            intensity[t:] *= ev.factor
        elif ev.kind == "troops_deploy":
            present[t:] = True
        elif ev.kind == "troops_withdraw":
            present[t:] = False
        elif ev.kind == "troop_ceiling":
            ceiling[t:] = ev.soldiers
    return Timeline(months, nk, prod, intensity, present, ceiling, cutoff)
