"""The ``discovery:`` section: named conditions over the metrics, and their checks."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import Field

from ...core.catalogue import METRICS, applies
from ...inputs.conditions import ConditionError, condition_metrics, parse_condition
from ...inputs.problems import shorten

__all__ = ["DISCOVERY_NAME", "MAX_DISCOVERY_CONDITIONS", "MAX_CONDITION_CHARS", "DiscoveryConditions",
           "SCENARIO_FIELDS", "MERGE_ENTRIES", "problems", "has_cutoff_event", "conditions_of"]

#: A condition's name: it names a section of the report and a key of ``summary.json``.
DISCOVERY_NAME = r"^[A-Za-z][A-Za-z0-9_]{0,63}$"
#: Most ``discovery:`` conditions: each runs PRIM and a classification tree on the samples and adds a
#: section to the report.
MAX_DISCOVERY_CONDITIONS = 10
#: Longest condition text: a condition is a few comparisons joined by and/or, not a program.
MAX_CONDITION_CHARS = 500

#: ``discovery:`` -- condition name -> condition text over the metric names (``model.inputs.conditions``).
DiscoveryConditions = Annotated[dict[str, Annotated[str, Field(max_length=MAX_CONDITION_CHARS)]],
                                Field(max_length=MAX_DISCOVERY_CONDITIONS)]



SCENARIO_FIELDS: dict[str, tuple[Any, Any]] = {
    "discovery": (DiscoveryConditions, Field(
        default_factory=dict, description="conditions of interest over the metrics, by name: which input regions "
        "lead to them (PRIM boxes and a classification tree; model.inputs.conditions for the language)")),
}
MERGE_ENTRIES = ("discovery",)  # each named condition replaced whole by a child; null removes one

Add = Callable[[tuple, str], None]


def conditions_of(scenario: Any) -> dict[str, str]:
    return dict(getattr(scenario, "discovery", None) or {})


def has_cutoff_event(data: dict[str, Any]) -> bool:
    """Whether a scenario's plain data stops North Korean deliveries (its cut-off metrics then apply)."""
    events = data.get("events")
    return isinstance(events, dict) and any(
        isinstance(ev, dict) and ev.get("kind") == "nk_deliveries_stop" for ev in events.values())


def problems(data: dict[str, Any], window: Any, registry: Any, add: Add) -> None:
    """A usable name and a condition that parses, over metrics that apply to the scenario."""
    conditions = data.get("discovery")
    if not isinstance(conditions, dict):
        return
    cutoff = has_cutoff_event(data)
    for name, text in conditions.items():
        if not isinstance(name, str) or not re.match(DISCOVERY_NAME, name):
            add(("discovery", name), f"'{shorten(str(name))}' is not usable as a condition's name: 1-64 letters, "
                                     "digits or '_', starting with a letter (it names a section of the report)")
            continue
        if not isinstance(text, str) or len(text) > MAX_CONDITION_CHARS:
            continue  # reported by the schema
        try:
            condition = parse_condition(text, METRICS)
        except ConditionError as exc:
            add(("discovery", name), f"\u201c{shorten(text)}\u201d: {exc}")
            continue
        for metric in condition_metrics(condition):
            if not applies(metric, has_cutoff=cutoff):
                add(("discovery", name), f"'{metric}' is measured from a North Korean cut-off, and this scenario "
                                         "has no nk_deliveries_stop event")
