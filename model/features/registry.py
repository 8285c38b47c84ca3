"""The registered features (``model.features.FEATURES``), loaded: what the pipeline calls."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache
from importlib import import_module
from typing import Any

from . import FEATURES
from .base import Feature

__all__ = ["features", "feature", "codecs", "feature_blocks"]


@cache
def features() -> tuple[Feature, ...]:
    """Every registered feature's hooks, in the report's order."""
    return tuple(import_module(f"{__package__}.{name}.plugin").FEATURE for name in FEATURES)


def feature(name: str) -> Feature:
    return next(f for f in features() if f.name == name)


def codecs() -> dict[str, tuple[Any, Any]]:
    """Each feature's (to_json, from_json), for ``model.presentation.summary_json``."""
    return {f.name: (f.to_json, f.from_json) for f in features()}


def feature_blocks(run: Any) -> Iterator[tuple[str, Any]]:
    """Each feature's summary block of a run (those that have one)."""
    for f in features():
        block = f.summarise(run)
        if block is not None:
            yield f.name, block


def blocks_of(run: Any) -> Mapping[str, Any]:
    return dict(feature_blocks(run))


__all__ += ["blocks_of"]
