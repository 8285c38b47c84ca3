"""The delivery chain's block of the run summary: its types (:mod:`.types`) and how it is built from
the study (:mod:`.build`)."""

from .build import (
    DAILY_QUANTILES,
    DIP_AFTER_DAYS,
    DIP_TOLERANCE,
    MONTHLY_QUANTILES,
    daily_quantiles,
    dips_after,
    example_replication,
    nk_arrivals_daily,
    summarise_logistics,
    weekly_mean,
)
from .types import (
    MONTHLY_SERIES,
    Band,
    Capacity,
    Closure,
    Daily,
    DipEffect,
    DisruptionSummary,
    Example,
    LogisticsSummary,
    Monthly,
    Parameter,
    Spread,
    WeekRow,
)

__all__ = ["DAILY_QUANTILES", "DIP_AFTER_DAYS", "DIP_TOLERANCE", "MONTHLY_QUANTILES", "MONTHLY_SERIES", "Band",
           "Capacity", "Closure", "Daily", "DipEffect", "DisruptionSummary", "Example", "LogisticsSummary", "Monthly",
           "Parameter", "Spread", "WeekRow", "daily_quantiles", "dips_after", "example_replication",
           "nk_arrivals_daily", "summarise_logistics", "weekly_mean"]
