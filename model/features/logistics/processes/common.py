"""The plumbing of the delivery chain's processes, shared by every stage.

Route codes and timing constants; :class:`CountingEnvironment` (counts events);
:class:`DrawStream` (random numbers drawn in chunks); :class:`Gate` (closed intervals of a
route); :class:`WaitLog` and :class:`Recorder` (what the processes record); :class:`Wakeup` (a
reusable signal); and the small helpers: taking stock out at once, counting whole units, queueing
for a berth or crossing track, and the train-path clock. Times are hours from the run's start.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator, Sequence
from itertools import count
from typing import Any

import numpy as np
import simpy

__all__ = [
    "FIRE_BEFORE_MIDNIGHT_HOURS",
    "ROUTE_RAIL",
    "ROUTE_SHIP",
    "CountingEnvironment",
    "DrawStream",
    "Gate",
    "ProcessGen",
    "Recorder",
    "WaitLog",
    "Wakeup",
    "berth_visit",
    "queue_for",
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
