"""What a scenario's logistics study is and what it produced: plain typed records (numpy only).

:class:`LogisticsPlan` is the ``logistics:`` section turned into the engine's objects;
:class:`LogisticsResult` holds the replications' records side by side with the monthly model's
numbers for the same samples. Built by :mod:`model.features.logistics.run`, read by the presentation layer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .params import Disruption, LogisticsParameters

__all__ = ["DAILY_FIELDS", "DIP_FIELDS", "END_FIELDS", "MODEL_FIELDS", "MONTHLY_FIELDS", "DisruptionInfo",
           "LogisticsPlan", "LogisticsResult"]

# What each replication hands back (fields of model.features.logistics.engine.ReplicationResult)
MONTHLY_FIELDS = (
    "delivered_front_nk", "delivered_front_ship", "delivered_front_rail", "ship_calls_ru",
    "ship_partial_departures", "containers_by_ship", "border_trains", "shells_fired", "shortfall",
    "nk_berth_requests", "nk_berth_wait_mean_hours", "nk_berth_wait_max_hours",
    "ru_berth_requests", "ru_berth_wait_mean_hours", "ru_berth_wait_max_hours",
    "crossing_requests", "crossing_wait_mean_hours", "crossing_wait_max_hours",
)
DAILY_FIELDS = ("front_stock_daily", "days_of_supply_daily", "fired_daily", "shortfall_daily", "wanted_daily",
                "border_trains_daily")
DIP_FIELDS = ("dip_start_day", "dip_reference_shells", "dip_shells", "dip_share", "dip_day", "dip_days_below",
              "dip_recovery_day")
END_FIELDS = ("events", "front_stock_start", "front_stock_end", "in_transit_end", "nk_port_depot_end",
              "nk_rail_depot_end", "ru_port_stock_end")
# The monthly model's trajectories for the same samples (shells/month; ru_stock: shells at month end)
MODEL_FIELDS = ("nk_deliveries", "nk_usable_deliveries", "nk_shipped_for_refurbishment", "nk_refurbished",
                "ru_production", "ru_reserve_release", "shells_wanted",
                "shells_fired", "shortfall", "ru_stock")


@dataclass(frozen=True)
class DisruptionInfo:
    """A named disruption as the scenario wrote it (for the summary and the report)."""

    name: str
    kind: str  # route_closed | slower_inspections | depot_strike | winter_slowdown
    start: str | None  # YYYY-MM-DD as written (None: a winter slow-down)
    start_day: int  # engine day (30-day months from the window's start); -1: winter, see the result
    days: float | None  # how long it lasts (None: a strike, a winter slow-down)
    details: dict[str, Any] = field(default_factory=dict)  # route, depot, factor, share, months


@dataclass(frozen=True)
class LogisticsPlan:
    """The chain, its disruptions and how many replications to run."""

    params: LogisticsParameters
    disruptions: tuple[Disruption, ...]
    info: tuple[DisruptionInfo, ...]  # one per disruption, same order
    replications: int
    parameters: dict[str, tuple[float, str]]  # name -> (value in its unit, assumption)
    units: dict[str, str]  # name -> unit


@dataclass(frozen=True, eq=False)
class LogisticsResult:
    """R replications of the chain on R samples of the calibrated result.

    ``monthly[name]`` (R, months), ``daily[name]`` (R, months x 30), ``dips[name]`` (R, k
    disruptions), ``end[name]`` (R,) come from the engine; ``model[name]`` (R, months) from the
    monthly model for the same samples; ``sample_index`` (R,) are the samples' positions in the
    calibrated ensemble's kept inputs; ``firing`` the per-replication firing-rule arguments.
    """

    plan: LogisticsPlan
    months: list[str]  # YYYY-MM of each run month
    start_month: int  # calendar month of run month 0
    policy: str  # demand | stock_target
    sample_index: np.ndarray
    samples_pool: int  # how many calibrated samples the replications were drawn from
    monthly: dict[str, np.ndarray]
    daily: dict[str, np.ndarray]
    dips: dict[str, np.ndarray]
    end: dict[str, np.ndarray]
    model: dict[str, np.ndarray]
    firing: dict[str, np.ndarray]  # target_stock_days (engine days), fire_floor, fire_max, usable_share
    capacity: dict[str, float]  # hand_capacity_per_month of the chain (shells/month)
    seconds: float = 0.0  # wall time of the replications (not in summary.json: it varies)

    @property
    def replications(self) -> int:
        return int(self.sample_index.shape[0])

    @property
    def days(self) -> int:
        return int(next(iter(self.daily.values())).shape[1])
