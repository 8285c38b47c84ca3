"""The ``alternatives:`` section: other structures to run on the same samples, and its checks.

An alternative is another structure run on the same samples: it has a name a report section can
carry, changes at least one structural choice, and differs from the scenario's own structure and
from every other alternative (otherwise the report shows the same run twice under two names).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from ...core.structure import SWITCHES
from ...inputs.number_rule import INPUT_MODEL_CONFIG
from ...inputs.problems import shorten
from ...inputs.structure_specs import (
    DeclineChoice,
    DepotChoice,
    FireProfileChoice,
    FiringChoice,
    FiringOrderChoice,
    NkProductionChoice,
    NkStockChoice,
    NkSupplyStartChoice,
    RefurbishmentChoice,
    RuProductionChoice,
    TroopLossChoice,
    fixed_choice_of,
)

__all__ = ["Alternative", "ALTERNATIVE_NAME", "MAX_ALTERNATIVES", "SCENARIO_FIELDS", "MERGE_ENTRIES", "problems",
           "alternatives_of"]

#: An alternative's name: it heads a row of the report and is a value in ``summary.json``.
ALTERNATIVE_NAME = r"^[A-Za-z][A-Za-z0-9_]{0,63}$"
#: Most alternatives: each calibrates the scenario's samples once more.
MAX_ALTERNATIVES = 3

Add = Callable[[tuple, str], None]


class _Strict(BaseModel):
    model_config = INPUT_MODEL_CONFIG


class Alternative(_Strict):
    """A structural alternative evaluated on the same samples (only the fields that differ)."""

    firing: FiringChoice | None = None
    supply_decline: DeclineChoice | None = None
    firing_order: FiringOrderChoice | None = None
    depot: DepotChoice | None = None
    fire_profile: FireProfileChoice | None = None
    nk_stock: NkStockChoice | None = None
    nk_supply_start: NkSupplyStartChoice | None = None
    nk_production: NkProductionChoice | None = None
    ru_production: RuProductionChoice | None = None
    ru_refurbishment: RefurbishmentChoice | None = None
    troop_losses: TroopLossChoice | None = None
    note: str | None = None

    def choices(self) -> dict[str, str]:
        """The switches this alternative sets, with their choices."""
        return {s: getattr(self, s) for s in SWITCHES if getattr(self, s) is not None}


SCENARIO_FIELDS: dict[str, tuple[Any, Any]] = {
    "alternatives": (dict[str, Alternative], Field(
        default_factory=dict, max_length=MAX_ALTERNATIVES,
        description="structural alternatives run on the same samples and shown side by side")),
}
MERGE_ENTRIES = ("alternatives",)  # each named alternative replaced whole by a child; null removes one


def alternatives_of(scenario: Any) -> dict[str, Alternative]:
    return dict(getattr(scenario, "alternatives", None) or {})


def problems(data: dict[str, Any], window: Any, registry: Any, add: Add) -> None:
    """Names a report can carry; each alternative changes a choice and differs from the others."""
    alternatives = data.get("alternatives")
    if not isinstance(alternatives, dict):
        return
    raw_structures = data.get("structures")
    structures: dict[str, Any] = raw_structures if isinstance(raw_structures, dict) else {}
    # a switch the scenario averages over (more than one choice weighted) is its own structure as "averaged":
    # an alternative that fixes it to one choice changes it
    own = {s: "averaged" if s in structures and len([w for w in (structures[s] or {}).values()
                                                      if isinstance(w, (int, float)) and w > 0]) > 1
           else fixed_choice_of(data, s) for s in SWITCHES}
    seen: dict[tuple[tuple[str, str], ...], str] = {tuple(sorted(own.items())): "the scenario's own structure"}
    for name, raw in alternatives.items():
        if not re.match(ALTERNATIVE_NAME, str(name)):
            add(("alternatives", name), f"'{shorten(str(name))}' is not usable as an alternative's name: 1-64 "
                                        "letters, digits or '_', starting with a letter (it heads a report row)")
            continue
        try:
            alt = Alternative.model_validate(raw if raw is not None else {})
        except ValidationError:
            continue  # reported by the schema
        if not alt.choices():
            add(("alternatives", name), "changes nothing: an alternative sets one or more structural switches ("
                                        + ", ".join(SWITCHES) + ") to another choice than the scenario's structure")
            continue
        structure = tuple(sorted({**own, **alt.choices()}.items()))
        if structure in seen:
            changed = ", ".join(f"{s}: {c}" for s, c in alt.choices().items())
            add(("alternatives", name), f"{changed} gives {seen[structure]}; an alternative must differ from it")
            continue
        seen[structure] = f"the same structure as alternative '{name}'"
