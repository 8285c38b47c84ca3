"""The scenario sections the optional features own (``model.features.<name>.spec``), gathered: their
fields for the schema, how a child scenario combines with its parent's, and their checks.

A feature's ``spec.py`` may define ``SCENARIO_FIELDS`` (name -> (type, pydantic Field)),
``MERGE_FIELDS`` (sections merged field by field), ``MERGE_ENTRIES`` (named entries replaced whole,
null removes one), ``MERGE``/``REPLACED_BY`` (its own merge rule) and ``problems(data, window,
registry, add)``; registering the feature (``model.features.FEATURES``) is all it takes.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from importlib import import_module
from importlib.util import find_spec
from types import ModuleType
from typing import Any

from ..features import FEATURES

__all__ = ["spec_modules", "scenario_fields", "merge_fields", "merge_entries", "custom_merges", "custom_replaced_by",
           "feature_problems"]


@cache
def spec_modules() -> tuple[ModuleType, ...]:
    """Each registered feature's spec module (features without a scenario section have none)."""
    names = [f"model.features.{n}.spec" for n in FEATURES]
    return tuple(import_module(n) for n in names if find_spec(n) is not None)


def scenario_fields() -> dict[str, tuple[Any, Any]]:
    out: dict[str, tuple[Any, Any]] = {}
    for m in spec_modules():
        out.update(getattr(m, "SCENARIO_FIELDS", {}))
    return out


def merge_fields() -> set[str]:
    return {k for m in spec_modules() for k in getattr(m, "MERGE_FIELDS", ())}


def merge_entries() -> set[str]:
    return {k for m in spec_modules() for k in getattr(m, "MERGE_ENTRIES", ())}


def custom_merges() -> dict[str, Callable[[dict, dict], dict]]:
    return {k: f for m in spec_modules() for k, f in getattr(m, "MERGE", {}).items()}


def custom_replaced_by() -> dict[str, Callable[[tuple, Any], bool]]:
    return {k: f for m in spec_modules() for k, f in getattr(m, "REPLACED_BY", {}).items()}


def feature_problems(data: dict[str, Any], window: Any, registry: Any, add: Callable[[tuple, str], None]) -> None:
    """Every registered feature's checks of its sections (the types cannot express them)."""
    for m in spec_modules():
        check = getattr(m, "problems", None)
        if check is not None:
            check(data, window, registry, add)
