"""What every sentence writer shares: joining a list into a phrase, reading a median."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import texts

__all__ = ["join_words", "median_of"]


def join_words(items: list[str], lang: str = "en") -> str:
    """``a``, ``a and b``, ``a, b and c``, in ``lang``."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + texts.text("sentence.and", lang) + items[-1]


def median_of(stats: Mapping[str, Any] | None, key: str = "p50") -> float | None:
    """``stats[key]`` (the median by default) as a float, None where it is missing."""
    value = (stats or {}).get(key)
    return None if value is None else float(value)
