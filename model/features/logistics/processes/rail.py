"""The land route and long-haul rail: border trains from Tumangang, and trains across Russia.

:func:`border_scheduler` (train paths from Tumangang: full trains, part trains after a wait),
:func:`border_train` (inspection at the Tumangang-Khasan crossing, then long haul) and
:func:`longhaul_train` (any train across Russia into the front depot, from either route).
"""

from __future__ import annotations

from collections.abc import Callable

import simpy

from ..params import HOURS_PER_DAY, LogisticsParameters
from .common import (
    _WHOLE,
    ROUTE_RAIL,
    DrawStream,
    Gate,
    ProcessGen,
    Recorder,
    _first_path,
    _whole_units,
    berth_visit,
    take_now,
)
from .daily import next_feed

__all__ = ["border_scheduler", "border_train", "longhaul_train"]


def longhaul_train(
    env: simpy.Environment,
    shells: float,
    key: int,
    route: int,
    longhaul: Gate,
    transit_days: DrawStream,
    winter: Callable[[float], float],
    front: simpy.Container,
    rec: Recorder,
) -> ProcessGen:
    """A train across Russia: waits while long-haul rail is closed, travels a drawn
    ``transit_days`` (x ``winter``), and puts its shells into the front depot."""
    reopen = longhaul.reopen_at(env.now)
    if reopen > env.now:
        yield env.timeout(reopen - env.now)
    yield env.timeout(HOURS_PER_DAY * transit_days.next() * winter(env.now))
    front.put(shells)
    rec.settle(key)
    rec.arrival_t.append(env.now)
    rec.arrival_shells.append(shells)
    rec.arrival_route.append(route)


def border_train(
    env: simpy.Environment,
    p: LogisticsParameters,
    shells: float,
    key: int,
    crossing: simpy.Resource,
    inspection_slowdown: Callable[[float], float] | None,
    longhaul: Gate,
    transit_days: DrawStream,
    winter: Callable[[float], float],
    front: simpy.Container,
    rec: Recorder,
) -> ProcessGen:
    """A border train: inspection at the crossing (Tumangang-Khasan), then long-haul rail."""
    yield from berth_visit(env, crossing, p.inspection_hours, rec.crossing_waits,
                           inspection_slowdown)
    rec.crossed.append(env.now)
    yield from longhaul_train(env, shells, key, ROUTE_RAIL, longhaul, transit_days, winter,
                              front, rec)


def border_scheduler(
    env: simpy.Environment,
    p: LogisticsParameters,
    nk_rail: simpy.Container,
    crossing: simpy.Resource,
    rail: Gate,
    inspection_slowdown: Callable[[float], float] | None,
    longhaul: Gate,
    transit_days: DrawStream,
    winter: Callable[[float], float],
    front: simpy.Container,
    rec: Recorder,
) -> ProcessGen:
    """Train paths from Tumangang (``train_paths_per_day``, evenly spaced, the first half a
    spacing after midnight). A path is used by a full train; by a part train (whole wagons) if
    ``train_max_wait_hours`` have passed since the last train (or the run's start); by none
    while the rail route is closed.

    After a path without a train the scheduler skips to the first path after the next feed or
    after the wait runs out, whichever is sooner: nothing else can raise the depot's stock or
    change the rule's answer, so the trains are those of checking every path.
    """
    spacing = HOURS_PER_DAY / p.train_paths_per_day
    full = p.train_shells
    last = 0.0
    k = 0
    while True:
        yield env.timeout((k + 0.5) * spacing - env.now)
        reopen = rail.reopen_at(env.now)
        if reopen > env.now:
            k = _first_path(reopen, spacing)
            continue
        level = nk_rail.level
        if level >= full * (1.0 - _WHOLE):
            shells = min(full, level)
        elif env.now - last >= p.train_max_wait_hours:
            shells = _whole_units(level, p.shells_per_wagon, full)
        else:
            shells = 0.0
        if shells > 0.0:
            take_now(nk_rail, shells)
            last = env.now
            key = rec.dispatch(shells)
            env.process(border_train(env, p, shells, key, crossing, inspection_slowdown,
                                     longhaul, transit_days, winter, front, rec))
            k += 1
        else:
            # until the wait runs out, or (once it has) until more supply comes
            deadline = last + p.train_max_wait_hours
            wake = next_feed(env.now) if deadline <= env.now else min(next_feed(env.now), deadline)
            k = max(_first_path(wake, spacing), k + 1)
