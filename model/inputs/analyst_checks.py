"""Checks of the ``discovery:``, ``correlations:`` and ``precision:`` sections that the types
cannot express, reported like every other problem: ``FILE:LINE: FIELD: message``.

Called from ``model.inputs.loading`` on the resolved (after ``extends``) plain data, with a
function ``add(location, message)`` that finds the line of the location.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ..core.catalogue import METRICS, applies
from .analyst_specs import MAX_CONDITION_CHARS
from .conditions import ConditionError, condition_metrics, parse_condition
from .correlation import RankPair, check_rank_matrix
from .problems import did_you_mean, shorten
from .schema import PARAMETER_INFO
from .specs import spec_tag

__all__ = ["DISCOVERY_NAME", "analyst_problems"]

#: A condition's name: it names a section of the report and a key of ``summary.json``.
DISCOVERY_NAME = r"^[A-Za-z][A-Za-z0-9_]{0,63}$"

Add = Callable[[tuple, str], None]


def _has_cutoff(data: dict[str, Any]) -> bool:
    events = data.get("events")
    return isinstance(events, dict) and any(
        isinstance(ev, dict) and ev.get("kind") == "nk_deliveries_stop" for ev in events.values())


def _discovery(data: dict[str, Any], add: Add) -> None:
    conditions = data.get("discovery")
    if not isinstance(conditions, dict):
        return
    cutoff = _has_cutoff(data)
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


def _uncertain(data: dict[str, Any], name: str) -> bool:
    params = data.get("parameters")
    raw = params.get(name) if isinstance(params, dict) else None
    return spec_tag(raw) != "fixed"


def _correlations(data: dict[str, Any], add: Add) -> None:
    items = data.get("correlations")
    if not isinstance(items, list):
        return
    good: list[tuple[int, RankPair]] = []
    seen: dict[frozenset[str], int] = {}
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        params, rank = item.get("params"), item.get("rank")
        if not isinstance(params, list) or len(params) != 2 or not all(isinstance(p, str) for p in params):
            continue  # reported by the schema
        usable = True
        for k, name in enumerate(params):
            if name not in PARAMETER_INFO:
                hint = did_you_mean(name, PARAMETER_INFO, otherwise="; see the parameters in scenarios/baseline.yaml")
                add(("correlations", i, "params", k), f"unknown parameter '{name}'{hint}")
                usable = False
            elif not _uncertain(data, name):
                add(("correlations", i, "params", k), f"'{name}' is fixed in this scenario (dist: fixed): only "
                                                      "uncertain inputs can move together")
                usable = False
        if params[0] == params[1]:
            add(("correlations", i, "params"), f"names '{params[0]}' twice: a correlation is between two inputs")
            usable = False
        if not usable or isinstance(rank, bool) or not isinstance(rank, (int, float)) or not -1 <= rank <= 1:
            continue  # a bad rank is reported by the schema
        key = frozenset(params)
        if key in seen:
            add(("correlations", i), f"{params[0]} and {params[1]} are already correlated in entry "
                                     f"{seen[key]} (each pair once)")
            continue
        seen[key] = i
        good.append((i, RankPair(params[0], params[1], float(rank))))
    if not good:
        return
    names = list(PARAMETER_INFO)
    for message in check_rank_matrix(names, [p for _, p in good]):
        # point at the first stated pair the message names
        where = next((i for i, p in good if p.label in message), good[0][0])
        add(("correlations", where), message)


def _precision(data: dict[str, Any], add: Add) -> None:
    section = data.get("precision")
    cutoff = _has_cutoff(data)
    chosen = section.get("metrics") if isinstance(section, dict) else None
    if chosen is None and isinstance(data.get("sensitivity"), dict):
        chosen = data["sensitivity"].get("metrics")
    if isinstance(section, dict) and section.get("metrics") == []:
        add(("precision", "metrics"), "an empty list: name the metrics whose quantiles must be known, or leave "
                                      "metrics out for the sensitivity metrics")
        return
    if data.get("samples") == "auto" and isinstance(chosen, list) and not any(
            isinstance(m, str) and m in METRICS and applies(m, has_cutoff=cutoff) for m in chosen):
        # nothing to make precise: the first check would find the (empty) target met
        add(("samples",), "auto draws until chosen quantiles are known well enough, and no metric that applies "
                          "here is chosen: name one under precision.metrics (by default the sensitivity.metrics)")
    if not isinstance(section, dict) or not isinstance(section.get("metrics"), list):
        return
    for k, metric in enumerate(section["metrics"]):
        if isinstance(metric, str) and metric in METRICS and not applies(metric, has_cutoff=cutoff):
            add(("precision", "metrics", k), f"'{metric}' is measured from a North Korean cut-off, and this "
                                             "scenario has no nk_deliveries_stop event")


def analyst_problems(data: dict[str, Any], add: Add) -> None:
    """Add every problem with the scenario's discovery conditions, correlations and precision target."""
    _discovery(data, add)
    _correlations(data, add)
    _precision(data, add)
