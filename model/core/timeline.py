"""The months of a scenario and what its events change in each of them.

Events are the same for every sample, so they become per-month arrays of factors
that the equations in ``model.core.dynamics`` multiply in (built from a scenario's
events by ``model.inputs.events.build_timeline``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .months import month_index

__all__ = ["Timeline"]


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
    fire_period_names : the scenario's named fire periods (each has the factor ``fire_factor_<name>``)
    fire_period_index : per month, the index of the fire period it lies in (-1: none)
    troop_waves : names of the deployment events that start a wave of troops
    troop_wave_of_month : per month, the newest wave (arrivals join it; -1: no troops yet)
    troop_reserve : (waves, months) True where a wave is held in reserve (the reserve loss rate
        applies under ``troop_losses: phases``), False where it is committed to combat
    ru_production_anchor : month index (from the window's first month, may be negative or beyond
        the window) at which Russian production equals its figure (``ru_production: anchored``)
    nk_gdp_reference : month index (from the window's first month) of the middle of North Korean
        GDP's reference year
    """

    months: list[str]
    nk_delivery_factor: np.ndarray
    ru_production_factor: np.ndarray
    intensity: np.ndarray
    troops_present: np.ndarray
    troop_ceiling_soldiers: np.ndarray
    cutoff: int | None
    fire_period_names: tuple[str, ...] = ()
    fire_period_index: np.ndarray | None = None
    troop_waves: tuple[str, ...] = ()
    troop_wave_of_month: np.ndarray | None = None
    troop_reserve: np.ndarray | None = None
    ru_production_anchor: int = 0
    nk_gdp_reference: int = 0

    def __len__(self) -> int:
        return len(self.months)

    def index(self, month: str) -> int:
        """Position of 'YYYY-MM' in the window."""
        i = month_index(month) - month_index(self.months[0])
        if not 0 <= i < len(self.months):
            raise ValueError(f"{month} is outside the window {self.months[0]}..{self.months[-1]}")
        return i
