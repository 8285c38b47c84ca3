"""Parameters, inputs and disruptions of the discrete-event logistics engine.

Everything here is a plain frozen dataclass (numpy only); the scenario-file schema that fills
them lives elsewhere. Time in the engine is in hours; a run has months of exactly
``DAYS_PER_MONTH`` = 30 days (a 360-day year), so that month ``m`` covers days
``30 m .. 30 m + 29`` and the monthly inputs are spread evenly over 30 days. The calendar month
of run month ``m`` is ``(start_month - 1 + m) % 12 + 1`` (used by :class:`WinterSlowdown`).

Every default is an assumption for illustration, not a figure from the articles (their evidence is
satellite images of stations, munitions depots and ships: routes, not volumes).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

__all__ = [
    "DAYS_PER_MONTH",
    "HOURS_PER_DAY",
    "DepotStrike",
    "Disruption",
    "LogisticsParameters",
    "ReplicationInputs",
    "RouteClosed",
    "SlowerInspections",
    "WinterSlowdown",
    "hand_capacity_per_month",
]

DAYS_PER_MONTH = 30  # days in every run month (a 360-day year); day counts per month are equal
HOURS_PER_DAY = 24.0


@dataclass(frozen=True)
class LogisticsParameters:
    """The delivery chain North Korea -> front depots (defaults are documented assumptions).

    Route 1 (ships): Rajin -> a Russian Pacific port (Dunai/Vostochny), then long-haul rail.
    Route 2 (rail): Tumangang -> Khasan across the land border, then long-haul rail.
    """

    # --- split of the North Korean supply
    ship_share: float = 0.5  # share of NK supply sent to the port depot (rest: rail depot), 0..1
    # --- route 1: ships
    ships: int = 4  # vessels shuttling between the ports (assumption: a handful)
    ship_capacity_containers: int = 100  # containers per full ship load
    shells_per_container: float = 450.0  # shells per 20-ft container of crated rounds (assumption)
    nk_berths: int = 1  # berths for these ships at Rajin
    load_hours: float = 24.0  # hours a ship holds an NK berth to load (any load size)
    sailing_hours: float = 30.0  # hours Rajin -> Russian port, and the same back (~300 nmi, 10 kn)
    ru_berths: int = 1  # berths at the Russian port
    unload_hours: float = 24.0  # hours a ship holds a Russian berth to unload
    max_wait_hours: float = 72.0  # hours at the NK berth waiting for a full load, then sail part
    port_train_paths_per_day: int = 4  # container-train departures a day from the Russian port
    containers_per_port_train: int = 60  # containers per port train (one per flatcar)
    # --- route 2: rail across the land border
    train_paths_per_day: int = 2  # train departures a day from Tumangang
    wagons_per_train: int = 30  # wagons per border train
    shells_per_wagon: float = 1000.0  # shells per wagon (~50 t of crated 152-mm rounds)
    train_max_wait_hours: float = 48.0  # hours since the last border train: then a part train runs
    crossing_tracks: int = 1  # tracks through the border inspection (one bridge)
    inspection_hours: float = 4.0  # hours a train holds a crossing track for inspection
    # --- long-haul rail across Russia (both routes)
    transit_days_mean: float = 14.0  # days from Khasan / the port to the depots behind the front
    transit_days_cv: float = 0.25  # coefficient of variation of transit days (gamma); 0 = fixed
    # --- front depot
    front_stock_start_days: float = 30.0  # opening front stock, days of the first month's fire

    def __post_init__(self) -> None:
        if not 0.0 <= self.ship_share <= 1.0:
            raise ValueError(f"ship_share must lie in [0, 1], got {self.ship_share}")
        for name in ("ships", "ship_capacity_containers", "nk_berths", "ru_berths",
                     "port_train_paths_per_day", "containers_per_port_train",
                     "train_paths_per_day", "wagons_per_train", "crossing_tracks"):
            value = getattr(self, name)
            if int(value) != value or value < 1:
                raise ValueError(f"{name} must be a positive whole number, got {value}")
        for name in ("shells_per_container", "shells_per_wagon", "load_hours", "unload_hours",
                     "inspection_hours", "sailing_hours", "transit_days_mean"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be positive, got {getattr(self, name)}")
        for name in ("max_wait_hours", "train_max_wait_hours", "transit_days_cv",
                     "front_stock_start_days"):
            if not getattr(self, name) >= 0:
                raise ValueError(f"{name} must be >= 0, got {getattr(self, name)}")

    @property
    def ship_load_shells(self) -> float:
        """Shells in a full ship load."""
        return self.ship_capacity_containers * self.shells_per_container

    @property
    def train_shells(self) -> float:
        """Shells in a full border train."""
        return self.wagons_per_train * self.shells_per_wagon

    @property
    def port_train_shells(self) -> float:
        """Shells in a full container train from the Russian port."""
        return self.containers_per_port_train * self.shells_per_container


@dataclass(frozen=True)
class ReplicationInputs:
    """Monthly flows of one replication (all arrays of the same length = months of the run).

    Attributes
    ----------
    nk_supply_per_month : shells/month handed to the North Korean depots (spread over 30 days).
    ru_supply_per_month : shells/month of Russia's own supply reaching the front depot.
    fire_wanted_per_month : shells/month Russia wants to fire (W = this / 30 per day).
    start_month : calendar month (1..12) of the first run month.
    """

    nk_supply_per_month: np.ndarray
    ru_supply_per_month: np.ndarray
    fire_wanted_per_month: np.ndarray
    start_month: int

    def __post_init__(self) -> None:
        arrays = (self.nk_supply_per_month, self.ru_supply_per_month, self.fire_wanted_per_month)
        shapes = {np.shape(a) for a in arrays}
        if len(shapes) != 1 or len(next(iter(shapes))) != 1 or next(iter(shapes))[0] < 1:
            raise ValueError(f"monthly inputs must be 1-d arrays of one length, got {shapes}")
        if any(np.any(~np.isfinite(a)) or np.any(np.asarray(a) < 0) for a in arrays):
            raise ValueError("monthly inputs must be finite and >= 0")
        if int(self.start_month) != self.start_month or not 1 <= self.start_month <= 12:
            raise ValueError(f"start_month must be 1..12, got {self.start_month}")

    @property
    def months(self) -> int:
        """Months in the run."""
        return int(np.shape(self.nk_supply_per_month)[0])


# --------------------------------------------------------------------------- disruptions
@dataclass(frozen=True)
class RouteClosed:
    """No departures on a route for ``days`` days from the start of ``start_day``.

    ``"ship"``: loaded ships wait at Rajin (off the berth) until it reopens; ships at sea or
    sailing back carry on. ``"rail"``: no border train leaves Tumangang (a train already at the
    crossing finishes). ``"longhaul"``: no train leaves the Russian port or Khasan for the front;
    trains already under way arrive.
    """

    route: Literal["ship", "rail", "longhaul"]
    start_day: int
    days: float

    def __post_init__(self) -> None:
        if self.route not in ("ship", "rail", "longhaul"):
            raise ValueError(f"route must be 'ship', 'rail' or 'longhaul', got {self.route!r}")
        if self.start_day < 0 or self.days < 0:
            raise ValueError("start_day and days must be >= 0")


@dataclass(frozen=True)
class SlowerInspections:
    """Border inspections that start within the window take ``factor`` times as long."""

    factor: float
    start_day: int
    days: float

    def __post_init__(self) -> None:
        if self.factor <= 0 or self.start_day < 0 or self.days < 0:
            raise ValueError("factor must be > 0, start_day and days >= 0")


@dataclass(frozen=True)
class DepotStrike:
    """Destroys ``share`` of a stock at noon of ``day``.

    ``"nk"``: both North Korean depots (port and rail); ``"port"``: the Russian port's stock
    waiting for trains; ``"front"``: the front depot. Cargo aboard ships and trains is spared.
    """

    depot: Literal["nk", "front", "port"]
    share: float
    day: int

    def __post_init__(self) -> None:
        if self.depot not in ("nk", "front", "port"):
            raise ValueError(f"depot must be 'nk', 'front' or 'port', got {self.depot!r}")
        if not 0.0 <= self.share <= 1.0 or self.day < 0:
            raise ValueError("share must lie in [0, 1] and day be >= 0")

    @property
    def start_day(self) -> int:
        """The strike's day (for the dip statistics)."""
        return self.day


@dataclass(frozen=True)
class WinterSlowdown:
    """Sailing and long-haul transit times x ``factor`` for legs that start in these months.

    ``months`` are calendar months 1..12; several slowdowns active at once multiply.
    """

    factor: float
    months: tuple[int, ...]

    def __post_init__(self) -> None:
        if self.factor <= 0 or any(not 1 <= m <= 12 for m in self.months):
            raise ValueError("factor must be > 0 and months within 1..12")


Disruption = RouteClosed | SlowerInspections | DepotStrike | WinterSlowdown


# --------------------------------------------------------------------------- closed form
def hand_capacity_per_month(
    params: LogisticsParameters, *, days_per_month: float = 30.0
) -> dict[str, float]:
    """Shells/month each route can move with fixed times and unlimited supply, in closed form.

    Ship route: the smallest of the fleet's cycle rate (``ships`` loads per cycle of load + sail +
    unload + sail hours), the NK berths (``nk_berths`` loads per ``load_hours``), the Russian
    berths and the port's train paths. Rail route: the smaller of the train paths and the
    crossing (``crossing_tracks`` trains per ``inspection_hours``). Long-haul rail has no path
    limit in the engine, so it adds a delay but no bound. For a closed cycle of deterministic
    stations the bottleneck rate is the steady-state throughput (checked by the tests).

    Returns
    -------
    dict of shells/month: ``ship_fleet``, ``nk_berths``, ``ru_berths``, ``port_rail``, ``ship``
    (their minimum), ``border_paths``, ``crossing``, ``rail`` (their minimum), ``total``; and
    ``ship_cycle_hours`` (hours, one unhindered round trip).
    """
    hours = days_per_month * HOURS_PER_DAY
    load = params.ship_load_shells
    cycle = params.load_hours + 2.0 * params.sailing_hours + params.unload_hours
    out = {
        "ship_cycle_hours": cycle,
        "ship_fleet": params.ships * load * hours / cycle,
        "nk_berths": params.nk_berths * load * hours / params.load_hours,
        "ru_berths": params.ru_berths * load * hours / params.unload_hours,
        "port_rail": params.port_train_paths_per_day * params.port_train_shells * days_per_month,
        "border_paths": params.train_paths_per_day * params.train_shells * days_per_month,
        "crossing": params.crossing_tracks * params.train_shells * hours / params.inspection_hours,
    }
    out["ship"] = min(out["ship_fleet"], out["nk_berths"], out["ru_berths"], out["port_rail"])
    out["rail"] = min(out["border_paths"], out["crossing"])
    out["total"] = out["ship"] + out["rail"]
    return {k: float(v) for k, v in out.items()}
