"""The daily clock of the delivery chain: supply enters the depots, the front fires, strikes hit.

:func:`daily_flows` (one timeout a day: firing just before midnight, then the next day's supply),
:func:`firing_rule` (shells fired and the shortfall, by the firing policy), :func:`next_feed`
(when supply next comes) and :func:`depot_strike` (a share of depot stocks destroyed at noon).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Literal

import simpy

from ..params import HOURS_PER_DAY
from .common import FIRE_BEFORE_MIDNIGHT_HOURS, ProcessGen, Recorder, take_now

__all__ = ["daily_flows", "depot_strike", "firing_rule", "next_feed"]


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
