"""The sea route: ships from Rajin to the Russian port, and container trains out of the port.

:func:`ship` (one vessel, forever: berth, load, sail, unload, sail back) and
:func:`port_dispatcher` (container trains on the port's train paths, handed to long-haul rail in
``rail``).
"""

from __future__ import annotations

from collections.abc import Callable

import simpy

from ..params import HOURS_PER_DAY, LogisticsParameters
from .common import (
    ROUTE_SHIP,
    DrawStream,
    Gate,
    ProcessGen,
    Recorder,
    Wakeup,
    _first_path,
    _whole_units,
    berth_visit,
    queue_for,
    take_now,
)
from .rail import longhaul_train

__all__ = ["port_dispatcher", "ship"]


def ship(
    env: simpy.Environment,
    p: LogisticsParameters,
    nk_port: simpy.Container,
    nk_berths: simpy.Resource,
    ru_berths: simpy.Resource,
    port_stock: simpy.Container,
    cargo_landed: Wakeup,
    sea: Gate,
    winter: Callable[[float], float],
    rec: Recorder,
) -> ProcessGen:
    """One vessel, forever: berth at Rajin, wait for cargo, load, sail, unload, sail back.

    At the NK berth the ship waits for a full load; if none has come after ``max_wait_hours``
    it takes the whole containers there are (at least one) and sails; with none it waits
    another ``max_wait_hours``. Loading then holds the berth ``load_hours`` whatever the load.
    A closed sea route (``RouteClosed("ship")``) keeps loaded ships at anchor (berth freed).
    Sailing times are x ``winter(t)`` of the hour the leg starts.
    """
    full = p.ship_load_shells
    while True:
        req = yield from queue_for(env, nk_berths, rec.nk_waits)
        while True:
            get = nk_port.get(full)
            yield get | env.timeout(p.max_wait_hours)
            if get.triggered:
                cargo = full
                break
            get.cancel()
            cargo = _whole_units(nk_port.level, p.shells_per_container, full)
            if cargo > 0.0:
                take_now(nk_port, cargo)
                rec.partial_departures.append(env.now)
                break
        key = rec.dispatch(cargo)
        yield env.timeout(p.load_hours)
        nk_berths.release(req)
        reopen = sea.reopen_at(env.now)
        if reopen > env.now:
            yield env.timeout(reopen - env.now)
        yield env.timeout(p.sailing_hours * winter(env.now))
        rec.ru_calls.append(env.now)
        yield from berth_visit(env, ru_berths, p.unload_hours, rec.ru_waits)
        port_stock.put(cargo)
        cargo_landed.notify()
        rec.settle(key)
        rec.unloaded_t.append(env.now)
        rec.unloaded_containers.append(cargo / p.shells_per_container)
        yield env.timeout(p.sailing_hours * winter(env.now))


def port_dispatcher(
    env: simpy.Environment,
    p: LogisticsParameters,
    port_stock: simpy.Container,
    cargo_landed: Wakeup,
    longhaul: Gate,
    transit_days: DrawStream,
    winter: Callable[[float], float],
    front: simpy.Container,
    rec: Recorder,
) -> ProcessGen:
    """Container trains from the Russian port: on each of ``port_train_paths_per_day`` paths
    (evenly spaced, the first half a spacing after midnight) a train leaves with the whole
    containers waiting, up to ``containers_per_port_train``; none while long-haul is closed.

    Paths that would find no whole container are not visited: the dispatcher sleeps until a
    ship lands cargo (``cargo_landed``), which gives the same trains as checking every path
    (only unloading raises the port's stock) with far fewer events.
    """
    spacing = HOURS_PER_DAY / p.port_train_paths_per_day
    unit = p.shells_per_container
    k = 0  # the next path that may be used
    while True:
        if _whole_units(port_stock.level, unit, unit) == 0.0:
            yield cargo_landed.wait()
            k = max(k, _first_path(env.now, spacing))
        yield env.timeout((k + 0.5) * spacing - env.now)
        reopen = longhaul.reopen_at(env.now)
        if reopen > env.now:
            k = _first_path(reopen, spacing)
            continue
        shells = _whole_units(port_stock.level, unit, p.port_train_shells)
        if shells > 0.0:
            take_now(port_stock, shells)
            key = rec.dispatch(shells)
            env.process(longhaul_train(env, shells, key, ROUTE_SHIP, longhaul, transit_days,
                                       winter, front, rec))
        k += 1
