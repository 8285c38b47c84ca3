"""The registered features (``model.features.FEATURES``), loaded: what the pipeline calls.

This module sits on top of the package (it loads each feature's ``plugin.py``, which reaches from
the feature's spec to its report section); the layers below receive the features they need as
arguments (``model.summary.build.summarise``, ``model.presentation.report``).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib import import_module
from typing import Any

from . import FEATURES
from .base import Feature

__all__ = ["features", "feature", "codecs", "blocks_of"]


@cache
def features() -> tuple[Feature, ...]:
    """Every registered feature's hooks, in the report's order."""
    return tuple(import_module(f"{__package__}.{name}.plugin").FEATURE for name in FEATURES)


def feature(name: str) -> Feature:
    """One feature's hooks, by its folder's name."""
    for f in features():
        if f.name == name:
            return f
    raise KeyError(name)


def codecs() -> dict[str, tuple[Any, Any]]:
    """Each feature's (to_json, from_json), for ``model.presentation.summary_json``."""
    return {f.name: (f.to_json, f.from_json) for f in features()}


def blocks_of(run: Any) -> Mapping[str, Any]:
    """Each feature's summary block of a run (those that have one), by name."""
    out = {}
    for f in features():
        if f.summarise is not None:
            block = f.summarise(run)
            if block is not None:
                out[f.name] = block
    return out
