"""Typed view objects of the report's delivery-chain section (the discrete-event study).

Frozen dataclasses the template ``section.html.j2`` reads; every number is already in words
(:mod:`model.presentation.numbers`), every sentence from :mod:`.words`. Built by :mod:`.report`
from the chain's typed block (:class:`.summary.LogisticsSummary`).
"""

from __future__ import annotations

from dataclasses import dataclass

from ...presentation.report.views import FigureRow

__all__ = ["ChainDisruption", "ChainFact", "ChainMonthRow", "ChainParameter", "ChainWeekRow", "LogisticsSection"]


@dataclass(frozen=True)
class ChainFact:
    """One line of the section's facts: ``Replications: 300``."""

    label: str
    value: str


@dataclass(frozen=True)
class ChainWeekRow:
    """One week around a disruption: the median replication's numbers that day (ranges: 90 %)."""

    date: str
    offset: str  # days from the disruption's start, signed: "−14", "0", "+7"
    stock: str
    stock_range: str
    relative: str  # the stock against the day before the start: "98 %"
    relative_range: str
    days_of_supply: str
    fired: str  # shells a day, 7-day mean
    arriving: str  # North Korean shells reaching the front a day, 7-day mean
    trains: str  # border trains in the last 7 days
    inside: bool  # the day lies within the disruption


@dataclass(frozen=True)
class ChainDisruption:
    """A disruption: its title, how it plays out in sentences, and week by week."""

    title: str
    story: tuple[str, ...]
    weeks: tuple[ChainWeekRow, ...]


@dataclass(frozen=True)
class ChainMonthRow:
    """One month: North Korean shells reaching the front (engine) beside the monthly model's, and what
    satellite images would count (ships, containers, trains) with the queue waits only the engine knows."""

    month: str
    engine: str
    engine_range: str
    model: str
    ship_calls: str
    containers: str
    border_trains: str
    crossing_wait: str
    berth_wait: str
    disrupted: bool  # a disruption falls in this month


@dataclass(frozen=True)
class ChainParameter:
    name: str
    value: str
    unit: str
    assumption: str


@dataclass(frozen=True)
class LogisticsSection:
    facts: tuple[ChainFact, ...]
    disruptions: tuple[ChainDisruption, ...]
    figures: tuple[FigureRow, ...]
    months: tuple[ChainMonthRow, ...]
    parameters: tuple[ChainParameter, ...]
