"""The ``correlations:`` and ``correlation_method:`` sections (used by the sampler), and their checks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, Field

from ...inputs.correlation import RankPair, check_rank_matrix
from ...inputs.number_rule import INPUT_MODEL_CONFIG
from ...inputs.problems import did_you_mean
from ...inputs.specs import spec_tag

__all__ = ["Correlation", "CorrelationMethod", "SCENARIO_FIELDS", "MERGE_ENTRIES", "problems", "correlations_of",
           "method_of"]

CorrelationMethod = Literal["copula", "iman_conover"]

Add = Callable[[tuple, str], None]


class _Strict(BaseModel):
    model_config = INPUT_MODEL_CONFIG


class Correlation(_Strict):
    """Two inputs that move together: their target Spearman rank correlation.

    Imposed on the uniform design before the inverse CDFs, so each input keeps the
    distribution the scenario gives it; only how their values pair up changes.
    """

    params: list[str] = Field(min_length=2, max_length=2, description="the two parameters, by name")
    rank: float = Field(ge=-1, le=1, description="target Spearman rank correlation, from -1 to 1")
    reason: str | None = Field(None, description="why the two move together (shown in the report)")


SCENARIO_FIELDS: dict[str, tuple[Any, Any]] = {
    "correlations": (list[Correlation], Field(
        default_factory=list, description="pairs of inputs that move together, as target rank correlations")),
    "correlation_method": (CorrelationMethod, Field(
        "copula", description="copula: Gaussian copula on the design; iman_conover: rearrange each block, "
        "keeping each input's stratification exact")),
}
MERGE_ENTRIES: tuple[str, ...] = ()  # a child's list replaces the parent's whole


def correlations_of(scenario: Any) -> list[Correlation]:
    return list(getattr(scenario, "correlations", None) or [])


def method_of(scenario: Any) -> str:
    return str(getattr(scenario, "correlation_method", "copula"))


def _uncertain(data: dict[str, Any], name: str) -> bool:
    params = data.get("parameters")
    raw = params.get(name) if isinstance(params, dict) else None
    return spec_tag(raw) != "fixed"


def problems(data: dict[str, Any], window: Any, registry: Any, add: Add) -> None:
    """Known, uncertain parameters, each pair once, and a rank matrix that can exist."""
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
            if name not in _parameters():
                hint = did_you_mean(name, _parameters(), otherwise="; see the parameters in scenarios/baseline.yaml")
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
    names = list(_parameters())
    for message in check_rank_matrix(names, [p for _, p in good]):
        # point at the first stated pair the message names
        where = next((i for i, p in good if p.label in message), good[0][0])
        add(("correlations", where), message)


def _parameters() -> dict[str, Any]:
    from ...inputs.schema import PARAMETER_INFO  # the schema reads this module: ask it when checking

    return PARAMETER_INFO
