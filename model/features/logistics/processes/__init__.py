"""SimPy processes of the delivery chain: short generators, everything passed in explicitly.

Time is in hours from the start of the run (day ``d`` covers hours ``24 d .. 24 d + 24``). Stocks
are ``simpy.Container`` levels in shells (floats: monthly supply spread over 30 days is rarely a
whole number); places with capacity are ``simpy.Resource`` (berths, crossing tracks). Random
times come from :class:`DrawStream`, which draws in chunks; nothing here draws one number at a
time. Each generator records into a :class:`Recorder`, turned into numpy arrays by the engine.

The processes, by stage of the chain:

- ``common``: the plumbing every stage uses: route codes and timing constants, the counting
  environment, :class:`DrawStream`, :class:`Gate` (closed intervals), :class:`WaitLog`,
  :class:`Recorder`, :class:`Wakeup`, taking stock at once, queueing for a berth or track;
- ``daily``: the daily clock: supply into the depots, the front's firing (:func:`firing_rule`),
  the feed times, and strikes on depots;
- ``sea``: the sea route: ships from Rajin to the Russian port, container trains out of it;
- ``rail``: the land route and long-haul rail: border trains through the Tumangang-Khasan
  crossing, and every train across Russia to the front.

Everything public is imported from here: ``from model.features.logistics.processes import ship``.

Granularity (chosen to keep ~16 k events per 36-month replication): ships and trains are the
moving parts (not containers or wagons); the front fires once a day, just before midnight, and
right after it the next day's supply enters the depots (one timeout a day for both). Train paths
that could not be used are skipped rather than visited (see the schedulers); this changes the
event count, not the trains.
"""

from __future__ import annotations

from .common import (
    FIRE_BEFORE_MIDNIGHT_HOURS,
    ROUTE_RAIL,
    ROUTE_SHIP,
    CountingEnvironment,
    DrawStream,
    Gate,
    Recorder,
    WaitLog,
    Wakeup,
    berth_visit,
    queue_for,
    take_now,
)
from .daily import daily_flows, depot_strike, firing_rule, next_feed
from .rail import border_scheduler, border_train, longhaul_train
from .sea import port_dispatcher, ship

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
