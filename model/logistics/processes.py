"""SimPy processes of the delivery chain: short generators, everything passed in explicitly.

Time is in hours from the start of the run (day ``d`` covers hours ``24 d .. 24 d + 24``). Stocks
are ``simpy.Container`` levels in shells (floats: monthly supply spread over 30 days is rarely a
whole number); places with capacity are ``simpy.Resource`` (berths, crossing tracks). Random
times come from :class:`DrawStream`, which draws in chunks; nothing here draws one number at a
time. Each generator records into a :class:`Recorder`, turned into numpy arrays by the engine.

Granularity (chosen to keep ~16 k events per 36-month replication): ships and trains are the
moving parts (not containers or wagons); the front fires once a day, just before midnight, and
right after it the next day's supply enters the depots (one timeout a day for both). Train paths
that could not be used are skipped rather than visited (see the schedulers); this changes the
event count, not the trains.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator, Sequence
from itertools import count
from typing import Any, Literal

import numpy as np
import simpy

from .params import HOURS_PER_DAY, LogisticsParameters

__all__ = [
    "FIRE_BEFORE_MIDNIGHT_HOURS",
    "ROUTE_RAIL",
    "ROUTE_SHIP",
    "CountingEnvironment",
    "DrawStream",
    "Gate",
    "Recorder",
    "WaitLog",
    "Wakeup",
    "berth_visit",
    "border_scheduler",
    "border_train",
    "daily_flows",
    "depot_strike",
    "firing_rule",
    "longhaul_train",
    "next_feed",
    "port_dispatcher",
    "queue_for",
    "ship",
    "take_now",
]

ROUTE_SHIP = 0  # consignment came by sea (Rajin -> Russian port -> long-haul rail)
ROUTE_RAIL = 1  # consignment came over the land border (Tumangang -> Khasan -> long-haul rail)
# The front fires this many hours before midnight: arrivals up to then count for the day, one
# due exactly at midnight for the next, whatever order SimPy gives events at equal times.
FIRE_BEFORE_MIDNIGHT_HOURS = 1e-6
_WHOLE = 1e-9  # slack when counting whole containers/wagons in a float level

ProcessGen = Generator[simpy.Event, Any, None]


class CountingEnvironment(simpy.Environment):
    """A ``simpy.Environment`` that counts the events it processes (every ``step``)."""

    def __init__(self, initial_time: float = 0.0) -> None:
        super().__init__(initial_time)
        self.events_processed = 0

    def step(self) -> None:
        """Process the next event and count it (``run`` calls this once per event)."""
        self.events_processed += 1
        super().step()


class DrawStream:
    """Random numbers handed out one by one from chunks drawn in one call each.

    Parameters
    ----------
    draw : function ``n -> array of n numbers`` (e.g. ``dist.rvs(size=n, random_state=rng)``).
    chunk : numbers per call.
    """

    def __init__(self, draw: Callable[[int], np.ndarray], chunk: int = 256) -> None:
        self._draw = draw
        self._chunk = chunk
        self._buffer: list[float] = []
        self._next = 0
        self.drawn = 0  # numbers drawn so far (whole chunks)

    @classmethod
    def constant(cls, value: float) -> DrawStream:
        """A stream that always gives ``value`` (no random numbers used)."""
        return cls(lambda n: np.full(n, value), chunk=1024)

    def next(self) -> float:
        """The next number."""
        if self._next == len(self._buffer):
            self._buffer = np.asarray(self._draw(self._chunk), dtype=float).tolist()
            self._next = 0
            self.drawn += self._chunk
        value = self._buffer[self._next]
        self._next += 1
        return value


class Gate:
    """Closed intervals of a route, hours ``[start, end)``; overlapping ones are merged."""

    def __init__(self, intervals: Sequence[tuple[float, float]] = ()) -> None:
        merged: list[list[float]] = []
        for a, b in sorted((a, b) for a, b in intervals if b > a):
            if merged and a <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        self.intervals = [(a, b) for a, b in merged]

    def reopen_at(self, t: float) -> float:
        """The first time >= ``t`` (hours) at which the route is open."""
        for a, b in self.intervals:
            if a <= t < b:
                return b
        return t

    def closed(self, t: float) -> bool:
        """Whether the route is closed at ``t`` (hours)."""
        return self.reopen_at(t) > t


class WaitLog:
    """Queue waits at one resource: when each request was made and how long it waited (hours).

    A request still waiting when the run ends has wait nan until :meth:`close` sets it to the
    time waited so far (a lower bound), so that a queue that never clears is not hidden.
    """

    def __init__(self) -> None:
        self.requested: list[float] = []
        self.waits: list[float] = []

    def start(self, requested: float) -> int:
        """A request made at hour ``requested``; returns its index."""
        self.requested.append(requested)
        self.waits.append(math.nan)
        return len(self.waits) - 1

    def close(self, end: float) -> None:
        """Give requests still waiting at hour ``end`` the wait so far."""
        for i, w in enumerate(self.waits):
            if math.isnan(w):
                self.waits[i] = end - self.requested[i]


class Recorder:
    """Everything the processes record; the engine turns it into numpy arrays.

    Consignments (ship cargoes, trains) are kept in a ledger from the moment they leave a depot
    until they are put into the next one, so cargo in transit is known at the end of the run.
    """

    def __init__(self, days: int) -> None:
        self.front_stock = np.zeros(days)  # shells, end of day (after firing)
        self.fired = np.zeros(days)  # shells fired per day
        self.shortfall = np.zeros(days)  # shells per day (policy's desired - fired)
        self.ru_calls: list[float] = []  # hours: ships arriving at the Russian port
        self.unloaded_t: list[float] = []  # hours: ships finishing unloading
        self.unloaded_containers: list[float] = []  # containers in each of those unloadings
        self.partial_departures: list[float] = []  # hours: ships sailing with less than a load
        self.crossed: list[float] = []  # hours: border trains through inspection
        self.arrival_t: list[float] = []  # hours: consignments put into the front depot
        self.arrival_shells: list[float] = []
        self.arrival_route: list[int] = []  # ROUTE_SHIP or ROUTE_RAIL
        self.nk_waits = WaitLog()
        self.ru_waits = WaitLog()
        self.crossing_waits = WaitLog()
        self.strikes: dict[int, tuple[float, float]] = {}  # index -> (stock before, destroyed)
        self.destroyed = {"nk": 0.0, "port": 0.0, "front": 0.0}  # shells
        self.ledger: dict[int, float] = {}  # consignment id -> shells aboard
        self._ids = count()

    def dispatch(self, shells: float) -> int:
        """A consignment of ``shells`` leaves a depot; returns its ledger id."""
        key = next(self._ids)
        self.ledger[key] = shells
        return key

    def settle(self, key: int) -> None:
        """A consignment has been put into the next depot."""
        del self.ledger[key]

    def in_transit(self) -> float:
        """Shells aboard ships and trains now (summed in dispatch order, reproducible)."""
        return math.fsum(self.ledger.values())


# --------------------------------------------------------------------------- small helpers
def take_now(container: simpy.Container, amount: float) -> None:
    """Take ``amount`` (<= level) out of ``container`` at once, ahead of any pending gets.

    A ship waiting at the NK berth for a full load holds a pending get at the head of the
    depot's queue; SimPy serves gets in order, so a strike or a part load must step past it.
    """
    if amount <= 0.0:
        return
    waiting = list(container.get_queue)
    container.get_queue.clear()
    container.get(amount)  # level >= amount: succeeds synchronously
    container.get_queue.extend(waiting)  # the level only fell, so none of them can go now


def _whole_units(level: float, unit: float, most: float) -> float:
    """Shells in the whole units (containers, wagons) of ``level``, at most ``most`` shells."""
    n = math.floor(level / unit + _WHOLE)
    return min(n * unit, most, level) if n >= 1 else 0.0


def firing_rule(
    policy: Literal["demand", "stock_target"],
    available: float,
    wanted: float,
    target_stock_days: float,
    fire_floor: float,
    fire_max: float,
) -> tuple[float, float]:
    """Shells fired today and the shortfall, by the firing policy (shells/day).

    ``demand``: fire ``min(wanted, available)``; shortfall = wanted - fired.
    ``stock_target``: target ``S* = target_stock_days * wanted``; desired =
    ``clip(available - S*, fire_floor * wanted, fire_max * wanted)``; fired =
    ``min(desired, available)``; shortfall = desired - fired. ``available`` is the stock after
    today's arrivals. (The monthly model implements the same rule.)
    """
    if policy == "demand":
        fired = min(wanted, available)
        return fired, wanted - fired
    desired = min(max(available - target_stock_days * wanted, fire_floor * wanted),
                  fire_max * wanted)
    fired = min(desired, available)
    return fired, desired - fired


# --------------------------------------------------------------------------- queues
def queue_for(
    env: simpy.Environment, resource: simpy.Resource, log: WaitLog
) -> Generator[simpy.Event, Any, simpy.resources.resource.Request]:
    """Queue for one unit of ``resource``; record the wait (hours); return the granted request.

    Use as ``req = yield from queue_for(...)``, then ``resource.release(req)`` when done.
    """
    requested = env.now
    i = log.start(requested)
    req = resource.request()
    yield req
    log.waits[i] = env.now - requested
    return req


def berth_visit(
    env: simpy.Environment,
    resource: simpy.Resource,
    service_hours: float,
    log: WaitLog,
    slowdown: Callable[[float], float] | None = None,
) -> ProcessGen:
    """Queue for a berth (or crossing track), hold it ``service_hours`` (x slowdown), release.

    ``slowdown(t)`` is the factor on the service time for a service starting at hour ``t``.
    """
    req = yield from queue_for(env, resource, log)
    hold = service_hours if slowdown is None else service_hours * slowdown(env.now)
    yield env.timeout(hold)
    resource.release(req)


# --------------------------------------------------------------------------- processes
def daily_flows(
    env: simpy.Environment,
    nk_port: simpy.Container,
    nk_rail: simpy.Container,
    front: simpy.Container,
    nk_port_daily: Sequence[float],
    nk_rail_daily: Sequence[float],
    ru_daily: Sequence[float],
    wanted_daily: Sequence[float],
    fire: Callable[[float, float], tuple[float, float]],
    rec: Recorder,
) -> ProcessGen:
    """Each day ``d`` the front fires at ``24 (d + 1) - FIRE_BEFORE_MIDNIGHT_HOURS`` (by
    ``fire(available, wanted)``), and right after that the next day's supply enters the NK
    depots and Russia's own supply the front (day 0's at hour 0): one timeout a day.

    The puts are not yielded: the containers are unbounded, so they succeed at once.
    """

    def supply(d: int) -> None:
        if nk_port_daily[d] > 0.0:
            nk_port.put(nk_port_daily[d])
        if nk_rail_daily[d] > 0.0:
            nk_rail.put(nk_rail_daily[d])
        if ru_daily[d] > 0.0:
            front.put(ru_daily[d])

    days = len(wanted_daily)
    supply(0)
    for d in range(days):
        # absolute times, so that 1080 days of timeouts do not accumulate rounding
        yield env.timeout(HOURS_PER_DAY * (d + 1) - FIRE_BEFORE_MIDNIGHT_HOURS - env.now)
        fired, short = fire(front.level, wanted_daily[d])
        if fired > 0.0:
            front.get(fired)  # fired <= level: succeeds synchronously
        rec.fired[d] = fired
        rec.shortfall[d] = short
        rec.front_stock[d] = front.level
        if d + 1 < days:
            supply(d + 1)


def next_feed(t: float) -> float:
    """The first supply time (hours) after ``t``: feeds come just before each midnight."""
    return HOURS_PER_DAY * (math.floor((t + FIRE_BEFORE_MIDNIGHT_HOURS) / HOURS_PER_DAY) + 1) \
        - FIRE_BEFORE_MIDNIGHT_HOURS


def _first_path(t: float, spacing: float) -> int:
    """Index of the first train path at or after ``t``; path ``k`` leaves at
    ``(k + 0.5) * spacing`` hours (half a spacing after midnight, clear of the feeds)."""
    return max(math.ceil(t / spacing - 0.5 - _WHOLE), 0)


class Wakeup:
    """A reusable signal: one process waits on it, others notify it."""

    def __init__(self, env: simpy.Environment) -> None:
        self._env = env
        self._event: simpy.Event | None = None

    def wait(self) -> simpy.Event:
        """An event that succeeds at the next :meth:`notify`."""
        self._event = self._env.event()
        return self._event

    def notify(self) -> None:
        """Wake the waiting process, if any."""
        if self._event is not None and not self._event.triggered:
            self._event.succeed()


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


def depot_strike(
    env: simpy.Environment,
    index: int,
    depot: str,
    share: float,
    day: int,
    stocks: Sequence[simpy.Container],
    rec: Recorder,
) -> ProcessGen:
    """At noon of ``day``, destroy ``share`` of each of ``stocks`` (shells); record it."""
    yield env.timeout(HOURS_PER_DAY * day + 12.0 - env.now)
    before = math.fsum(c.level for c in stocks)
    destroyed = 0.0
    for c in stocks:
        amount = share * c.level
        take_now(c, amount)
        destroyed += amount
    rec.strikes[index] = (before, destroyed)
    rec.destroyed[depot] += destroyed
