"""Units a scenario may write, and the explicit conversions between them.

Every model parameter has one canonical unit (shells per *month*, US dollars, ...).
An analyst may write a compatible unit instead (``shells/year``, ``bn_usd``,
``percent``); the value is then converted by the factor below, visibly, never by
guessing. Rates are converted linearly (3 million a year is 250,000 a month).
"""

from __future__ import annotations

__all__ = ["DAYS_PER_MONTH", "UNITS", "UnitError", "conversion_factor", "compatible_units"]

from ..core.months import DAYS_PER_MONTH

# unit written -> (canonical unit, factor to multiply by to get the canonical unit)
UNITS: dict[str, tuple[str, float]] = {
    "shells": ("shells", 1.0),
    "million_shells": ("shells", 1e6),
    "shells/month": ("shells/month", 1.0),
    "shells/year": ("shells/month", 1 / 12),
    "shells/day": ("shells/month", DAYS_PER_MONTH),
    "million_shells/year": ("shells/month", 1e6 / 12),
    "soldiers": ("soldiers", 1.0),
    "soldiers/month": ("soldiers/month", 1.0),
    "soldiers/year": ("soldiers/month", 1 / 12),
    "fraction": ("fraction", 1.0),
    "percent": ("fraction", 0.01),
    "fraction/month": ("fraction/month", 1.0),
    "fraction/year": ("fraction/year", 1.0),
    "percent/year": ("fraction/year", 0.01),
    "percent/month": ("fraction/month", 0.01),
    "usd": ("usd", 1.0),
    "million_usd": ("usd", 1e6),
    "bn_usd": ("usd", 1e9),
    "usd/shell": ("usd/shell", 1.0),
    "usd/month": ("usd/month", 1.0),
    "million_usd/month": ("usd/month", 1e6),
    "usd/year": ("usd/month", 1 / 12),
    "bn_usd/year": ("usd/month", 1e9 / 12),
    "usd/soldier/month": ("usd/soldier/month", 1.0),
    "usd/soldier/year": ("usd/soldier/month", 1 / 12),
    "months": ("months", 1.0),
    "years": ("months", 12.0),
    "ratio": ("ratio", 1.0),
    "days": ("days", 1.0),
    "weeks": ("days", 7.0),
    # the logistics engine's chain (``logistics:`` section, model.features.logistics.spec)
    "hours": ("hours", 1.0),
    "ships": ("ships", 1.0),
    "berths": ("berths", 1.0),
    "tracks": ("tracks", 1.0),
    "containers": ("containers", 1.0),
    "wagons": ("wagons", 1.0),
    "trains/day": ("trains/day", 1.0),
    "trains/week": ("trains/day", 1 / 7),
    "shells/container": ("shells/container", 1.0),
    "shells/wagon": ("shells/wagon", 1.0),
}


class UnitError(ValueError):
    """A unit that is unknown or cannot be converted to the one required."""


def compatible_units(canonical: str) -> list[str]:
    """Every unit that converts to ``canonical``."""
    return [u for u, (c, _) in UNITS.items() if c == canonical]


def conversion_factor(written: str, canonical: str) -> float:
    """Factor that turns a value in ``written`` units into ``canonical`` units.

    Raises
    ------
    UnitError
        If ``written`` is unknown or measures something else.
    """
    if written not in UNITS:
        raise UnitError(f"unknown unit '{written}'; for this field use one of: {', '.join(compatible_units(canonical))}")
    target, factor = UNITS[written]
    if target != canonical:
        raise UnitError(
            f"unit '{written}' cannot be converted to '{canonical}'; use one of: {', '.join(compatible_units(canonical))}"
        )
    return factor
