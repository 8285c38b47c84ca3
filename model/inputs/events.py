"""A scenario's events, periods and phases as per-month arrays: the bridge from the schema to the equations."""

from __future__ import annotations

import numpy as np

from ..core.months import month_index, month_range
from ..core.structure import SWITCHES, Structure
from ..core.timeline import Timeline
from ..features.alternatives.spec import Alternative
from .registry import Registry, load_registry
from .schema import Scenario
from .structure_specs import fixed_choice

__all__ = ["build_timeline", "build_structure", "WAVE_EVENTS"]

WAVE_EVENTS = ("troops_deploy", "troop_ceiling")  # events that start a wave of troops


def build_structure(scenario: Scenario, alternative: Alternative | None = None) -> Structure:
    """The scenario's fixed structural choices (with one alternative's changes applied). Switches that
    ``structures:`` makes uncertain are chosen per sample (``model.inputs.structure_specs``)."""
    choices = {switch: fixed_choice(scenario, switch) for switch in SWITCHES}
    forced: set[str] = set()
    if alternative is not None:  # an alternative's choices hold for every sample, whatever a sample drew
        forced = {s for s in SWITCHES if getattr(alternative, s) is not None}
        choices.update({s: getattr(alternative, s) for s in forced})
    return Structure(choices, fire_drop_threshold=scenario.structure.fire_drop_threshold, forced=forced)


def _profile(scenario: Scenario, months: list[str]) -> np.ndarray:
    """The intensity profile per month: linear between its points, flat before the first and after the last."""
    points = sorted(scenario.intensity_profile, key=lambda p: month_index(p.month))
    if not points:
        return np.ones(len(months))
    x = np.array([month_index(p.month) for p in points], dtype=float)
    y = np.array([p.factor for p in points])
    return np.interp(np.array([month_index(m) for m in months], dtype=float), x, y)


def _anchor(scenario: Scenario, name: str, registry: Registry | None, first: int) -> int:
    """Months from the window's first month to the month a parameter's value holds (0 if not said)."""
    spec = getattr(scenario.parameters, name)
    month = spec.anchor_month(registry if registry is not None else load_registry())
    return 0 if month is None else month_index(month) - first


def build_timeline(scenario: Scenario, registry: Registry | None = None) -> Timeline:
    """Per-month event arrays for a validated scenario (events apply from their month on).

    ``registry``: where figure-backed parameters find their dates (default: the shipped registry).
    """
    months = month_range(scenario.window.start, scenario.window.horizon_months)
    h = len(months)
    first = month_index(months[0])
    nk = np.ones(h)
    prod = np.ones(h)
    intensity = _profile(scenario, months)
    present = np.zeros(h, dtype=bool)
    ceiling = np.full(h, np.nan)
    cutoff: int | None = None
    waves: list[str] = []
    wave_of_month = np.full(h, -1, dtype=np.int64)
    # sort by month, then name, so same-month events apply in a stable order
    for name, ev in sorted(scenario.events.items(), key=lambda kv: (month_index(kv[1].month), kv[0])):
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
        if ev.kind in WAVE_EVENTS:
            waves.append(name)
            wave_of_month[t:] = len(waves) - 1
    # fire periods: the index of the period each month lies in (they do not overlap)
    periods = list(scenario.fire_periods)
    period_index = np.full(h, -1, dtype=np.int64)
    for k, period in enumerate(scenario.fire_periods.values()):
        a, b = month_index(period.start) - first, (h - 1 if period.end is None else month_index(period.end) - first)
        period_index[max(a, 0):max(b + 1, 0)] = k
    # troop phases: combat unless a phase holds a wave in reserve (a combat phase may say so explicitly)
    reserve = np.zeros((max(len(waves), 1), h), dtype=bool)
    for phase in scenario.troop_phases.values():
        a, b = month_index(phase.start) - first, (h - 1 if phase.end is None else month_index(phase.end) - first)
        for w, wave in enumerate(waves or ["all"]):
            if phase.waves is None or wave in phase.waves:
                reserve[w, max(a, 0):max(b + 1, 0)] = phase.posture == "reserve"
    return Timeline(months, nk, prod, intensity, present, ceiling, cutoff,
                    fire_period_names=tuple(periods), fire_period_index=period_index,
                    troop_waves=tuple(waves), troop_wave_of_month=wave_of_month, troop_reserve=reserve,
                    ru_production_anchor=_anchor(scenario, "ru_production_per_month", registry, first),
                    nk_gdp_reference=_anchor(scenario, "nk_gdp_usd", registry, first))
