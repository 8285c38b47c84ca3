"""Months as 'YYYY-MM' strings and as integer indices: the one place this arithmetic lives."""

from __future__ import annotations

__all__ = ["DAYS_PER_MONTH", "month_index", "month_range", "month_name"]

DAYS_PER_MONTH = 365.25 / 12  # a calendar month on average: the one conversion of days to months


def month_index(month: str) -> int:
    """Months since year 0 for 'YYYY-MM'."""
    year, mon = month.split("-")
    return int(year) * 12 + int(mon) - 1


def month_name(index: int) -> str:
    """'YYYY-MM' for a month index (the inverse of :func:`month_index`)."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_range(start: str, count: int) -> list[str]:
    """``count`` consecutive months from ``start`` as 'YYYY-MM'."""
    first = month_index(start)
    return [month_name(first + i) for i in range(count)]
