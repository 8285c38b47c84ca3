"""The months of a scenario and what its events change in each of them.

Events are the same for every sample, so they become per-month arrays of factors
that the equations in ``model.dynamics`` multiply in.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .scenario import Scenario

__all__ = ["Timeline", "build_timeline", "month_range", "month_index"]


def month_index(month: str) -> int:
    """Months since year 0 for 'YYYY-MM'."""
    year, mon = month.split("-")
    return int(year) * 12 + int(mon) - 1


def month_range(start: str, count: int) -> list[str]:
    """``count`` consecutive months from ``start`` as 'YYYY-MM'."""
    first = month_index(start)
    return [f"{(first + i) // 12:04d}-{(first + i) % 12 + 1:02d}" for i in range(count)]


@dataclass(frozen=True)
class Timeline:
    """Per-month event effects, each an array with one entry per month.

    Attributes
    ----------
    months : list of 'YYYY-MM'
    nk_delivery_factor : multiplier on North Korean shipping (0 after a stop)
    ru_production_factor : multiplier on Russian production
    intensity : multiplier on shells Russia wants to fire
    troops_present : whether North Korean troops are deployed
    troop_ceiling_soldiers : troop ceiling set by an event (nan: use the parameter)
    cutoff : index of the month North Korean deliveries stop, or None
    """

    months: list[str]
    nk_delivery_factor: np.ndarray
    ru_production_factor: np.ndarray
    intensity: np.ndarray
    troops_present: np.ndarray
    troop_ceiling_soldiers: np.ndarray
    cutoff: int | None

    def __len__(self) -> int:
        return len(self.months)

    def index(self, month: str) -> int:
        """Position of 'YYYY-MM' in the window."""
        i = month_index(month) - month_index(self.months[0])
        if not 0 <= i < len(self.months):
            raise ValueError(f"{month} is outside the window {self.months[0]}..{self.months[-1]}")
        return i


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
