"""The delivery chain's block of the run summary: typed, numbers only (no words).

:class:`LogisticsSummary` condenses the discrete-event study (:class:`..study.LogisticsResult`) for
people: across replications, per month, per engine day and per disruption. A quantity that has no
value (a month without requests, a quantile beyond the run) is None; nothing in it is nan. Built
by :mod:`.build`, written to and read from ``summary.json`` by :mod:`..codec`.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Band", "Capacity", "Closure", "Daily", "DipEffect", "DisruptionSummary", "Example", "LogisticsSummary",
           "Monthly", "MONTHLY_SERIES", "Parameter", "Spread", "WeekRow"]

Values = tuple[float | None, ...]  # one value per month or per engine day; None: no value


@dataclass(frozen=True)
class Spread:
    """One number per replication, across replications: p5/p50/p95 (None: beyond the run, or no value)
    and ``share_never``, the share of replications where it did not happen (None: it always did)."""

    p5: float | None
    p50: float | None
    p95: float | None
    share_never: float | None = None


@dataclass(frozen=True)
class Band:
    """Quantiles across replications, one value per month or engine day; ``p25``/``p75`` only for days."""

    p5: Values
    p50: Values
    p95: Values
    p25: Values | None = None
    p75: Values | None = None


#: The monthly series of :class:`Monthly`, in the order of ``summary.json``'s ``logistics.monthly``
MONTHLY_SERIES = (
    "delivered_front_nk", "delivered_front_ship", "delivered_front_rail", "model_nk_usable_deliveries",
    "model_nk_deliveries", "ship_port_calls", "ship_partial_departures", "containers_by_ship", "border_trains",
    "nk_berth_wait_mean_hours", "ru_berth_wait_mean_hours", "crossing_wait_mean_hours", "crossing_wait_max_hours",
    "shells_fired", "model_shells_fired", "shortfall", "front_stock_month_end", "model_ru_stock",
)


@dataclass(frozen=True)
class Monthly:
    """Per run month, p5/p50/p95 across replications. ``delivered_front_*``: usable North Korean shells
    reaching the front (engine); ``model_*``: the monthly model for the same samples; counts of ships,
    containers and trains; queue waits (hours); fire, shortfall and the front stock at month end."""

    months: tuple[str, ...]
    delivered_front_nk: Band
    delivered_front_ship: Band
    delivered_front_rail: Band
    model_nk_usable_deliveries: Band
    model_nk_deliveries: Band
    ship_port_calls: Band
    ship_partial_departures: Band
    containers_by_ship: Band
    border_trains: Band
    nk_berth_wait_mean_hours: Band
    ru_berth_wait_mean_hours: Band
    crossing_wait_mean_hours: Band
    crossing_wait_max_hours: Band
    shells_fired: Band
    model_shells_fired: Band
    shortfall: Band
    front_stock_month_end: Band
    model_ru_stock: Band


@dataclass(frozen=True)
class Daily:
    """Per engine day (from ``first_day``), p5/p25/p50/p75/p95 across replications of the front stock
    (shells, end of day) and of the days of fire it holds."""

    first_day: str
    front_stock: Band
    days_of_supply: Band


@dataclass(frozen=True)
class WeekRow:
    """One day of the week-by-week table around a disruption (medians and 90 % ranges across replications)."""

    day: int
    date: str
    days_from_start: int
    front_stock: Spread
    relative_to_day_before: Spread  # the stock against the stock at the end of the day before the start
    days_of_supply_p50: float | None
    fired_per_day_p50: float | None  # 7-day mean
    nk_arriving_per_day_p50: float | None  # North Korean shells reaching the front a day, 7-day mean
    border_trains_week_p50: float | None  # border trains in the 7 days to that day


@dataclass(frozen=True)
class DipEffect:
    """What a disruption within the run does to the front stock, across replications (see :mod:`.build`).

    The dip is the deepest fall from the start to ``window_days`` after it against the stock at the end
    of the day before (``reference_shells``): in shells, as a share of that stock and in days of fire.
    ``days_below``/``days_to_recover``/``trough_*`` count only the ``share_with_dip`` of replications
    that fall more than 1 % (None: none does); ``days_to_recover.share_never``: of those, not back
    within the run. ``stocked``: replications with a stock on the day before (the dip chart's)."""

    window_days: float
    share_with_shortfall: float
    shortfall_shells: Spread | None  # over the replications that fall short
    share_with_dip: float
    reference_shells: Spread
    dip_shells: Spread
    dip_share: Spread
    dip_days_of_fire: Spread
    trough_day_p50: float | None
    trough_date_p50: str | None
    days_below: Spread | None
    days_to_recover: Spread | None
    fire_drop_share: Spread
    around: tuple[WeekRow, ...]
    stocked: int


@dataclass(frozen=True)
class DisruptionSummary:
    """A named disruption as the scenario wrote it and, when it falls within the run, its ``effect``.

    ``start``: ``YYYY-MM-DD`` (a winter slow-down: its first day in the run, or None); ``start_day``:
    its engine day (-1: not within the run); ``days``: how long it lasts (None: a strike, a winter);
    ``end``: the day it ends. ``route`` (a closure), ``factor`` (inspections, winter), ``depot`` and
    ``share`` (a strike), ``months`` (winter) as written."""

    name: str
    kind: str  # route_closed | slower_inspections | depot_strike | winter_slowdown
    start: str | None
    start_day: int
    days: float | None
    end: str | None
    effect: DipEffect | None
    route: str | None = None
    factor: float | None = None
    depot: str | None = None
    share: float | None = None
    months: tuple[int, ...] | None = None

    @property
    def within_run(self) -> bool:
        return self.effect is not None

    @property
    def dated(self) -> bool:
        """A closure, slower inspections or a strike (not the yearly winter) that falls within the run."""
        return self.kind != "winter_slowdown" and self.effect is not None


@dataclass(frozen=True)
class Closure:
    """A rail closure in the example replication: the last border train before it, the first after it."""

    name: str
    last_train_before: str | None
    first_train_after: str | None
    trains_first_week_after: float | None


@dataclass(frozen=True)
class Example:
    """The replication the ships-and-trains chart shows: the median dip after the first dated disruption
    (``by_dip``), else the first; its ship calls and border trains per month and its rail closures."""

    replication: int
    sample: int
    by_dip: bool
    ship_port_calls: Values
    border_trains: Values
    closures: tuple[Closure, ...]


@dataclass(frozen=True)
class Capacity:
    """The chain's capacity by hand, shells a month (every shell shipped); ``ship_cycle_hours``: hours."""

    ship_cycle_hours: float
    ship_fleet: float
    nk_berths: float
    ru_berths: float
    port_rail: float
    border_paths: float
    crossing: float
    ship: float  # the smallest of the ship route's
    rail: float  # the smaller of the border's
    total: float


@dataclass(frozen=True)
class Parameter:
    """A chain parameter: its value in its unit and the assumption behind it (the scenario's words)."""

    name: str
    value: float
    unit: str
    assumption: str


@dataclass(frozen=True)
class LogisticsSummary:
    """The delivery chain's block: the study's facts and its numbers (see the module)."""

    engine: str  # "simpy"
    replications: int
    events_per_replication: float  # mean SimPy events
    events_range: tuple[int, int]
    policy: str  # the firing rule: demand | stock_target
    samples_pool: int  # calibrated samples the replications were drawn from
    unique_samples: int
    days_per_month: int  # engine months of 30 days
    usable_share: Spread  # of the shells shipped
    capacity: Capacity
    parameters: tuple[Parameter, ...]
    monthly: Monthly
    daily: Daily
    disruptions: tuple[DisruptionSummary, ...]
    example: Example

    @property
    def dated(self) -> tuple[DisruptionSummary, ...]:
        """The disruptions with a date within the run (closures, inspections, strikes), in order."""
        return tuple(d for d in self.disruptions if d.dated)
