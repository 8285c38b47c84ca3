"""The structural switches: how the model's mechanisms work, as choices that may be uncertain.

Each switch names the alternatives of one mechanism; the first choice of every switch is the
model as it was before the mechanism existed ("off"), so a structure with every switch at its
first choice reproduces the earlier equations. A scenario fixes choices (``structure:``) or makes
them uncertain with prior weights (``structures:``); an uncertain switch is then drawn per sample
like any number, as an index into its choices (the parameter ``structure_<switch>``), so one run
averages over the structures in proportion to their evidence (``model.analysis.structures``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

__all__ = ["Switch", "SWITCHES", "Structure", "STRUCTURE_PREFIX", "structure_parameter", "switch_of_parameter"]

STRUCTURE_PREFIX = "structure_"  # parameter name of an uncertain switch: structure_<switch>


@dataclass(frozen=True)
class Switch:
    """One mechanism's alternatives; ``choices[0]`` is the earlier model (the mechanism off)."""

    name: str
    choices: tuple[str, ...]
    description: str


def _switches(*entries: Switch) -> dict[str, Switch]:
    return {e.name: e for e in entries}


SWITCHES: dict[str, Switch] = _switches(
    Switch("firing", ("demand", "stock_target"),
           "demand: fire what is wanted while the depot holds it; stock_target: hold a reserve, fire more when "
           "supply allows, ration down to a floor when it falls"),
    Switch("supply_decline", ("constant", "proportional"),
           "constant: ship from stock at capacity until it is gone; proportional: shipments from stock thin as "
           "the exportable stock runs down"),
    Switch("firing_order", ("mixed", "nk_first", "ru_first"),
           "which shells in the depot are fired first: mixed (in proportion), North Korean first, or Russian first"),
    Switch("depot", ("unlimited", "limited"),
           "unlimited: every shell delivered piles up; limited: Russia holds at most ru_depot_limit_days of fire, "
           "orders North Korean shells only to fill that room, and loses ru_depot_loss_per_month of its depot stock"),
    Switch("fire_profile", ("flat", "periods"),
           "flat: one level of wanted fire for the whole window; periods: the base level times the uncertain "
           "factor of each named fire period"),
    Switch("nk_stock", ("single", "tiers"),
           "single: North Korea's exportable stock ships as it is; tiers: a serviceable part ships as it is, the "
           "old part goes through Russian refurbishment plants with a delay and a loss"),
    Switch("nk_supply_start", ("ramp", "pulse"),
           "ramp: shipments ramp up from zero in the window's first month; pulse: stock that was ready arrives at "
           "once and the ramp starts from a share of capacity"),
    Switch("nk_production", ("compound", "saturating"),
           "compound: new North Korean production grows at a fixed rate without bound; saturating: it rises "
           "towards a ceiling"),
    Switch("ru_production", ("compound", "anchored"),
           "compound: Russian production starts at its figure in the window's first month and grows at a fixed "
           "rate up to a ceiling; anchored: the figure holds at its own date, production before and after follows "
           "a saturating ramp towards a plateau"),
    Switch("ru_refurbishment", ("flat", "declining"),
           "flat: old Russian stock is refurbished at a fixed rate until it is gone; declining: the rate falls as "
           "the reserve runs down (the best old shells are used first)"),
    Switch("troop_losses", ("constant", "phases"),
           "constant: one loss rate for every soldier in theatre; phases: combat and reserve rates by the "
           "scenario's troop phases"),
)


def structure_parameter(switch: str) -> str:
    """The parameter name under which an uncertain switch's choice index is sampled."""
    return f"{STRUCTURE_PREFIX}{switch}"


def switch_of_parameter(name: str) -> str | None:
    """The switch an uncertain-structure parameter stands for (None for an ordinary parameter)."""
    if name.startswith(STRUCTURE_PREFIX) and name[len(STRUCTURE_PREFIX):] in SWITCHES:
        return name[len(STRUCTURE_PREFIX):]
    return None


@dataclass(frozen=True, init=False)
class Structure:
    """The structural choices of a run: one choice per switch (default: the earlier model).

    ``choices`` maps a switch to its fixed choice (or give them as keywords,
    ``Structure(firing="stock_target")``); a switch that is absent takes its first choice.
    ``fire_drop_threshold``: "fire has dropped" below this share of its pre-cut level (relative to
    the fire wanted), for the ``months_to_fire_drop_after_cutoff`` metric.
    """

    choices: Mapping[str, str] = field(default_factory=dict)
    fire_drop_threshold: float = 0.8
    forced: frozenset[str] = frozenset()  # switches fixed for every sample, whatever a sample drew

    def __init__(self, choices: Mapping[str, str] | None = None, fire_drop_threshold: float = 0.8,
                 forced: frozenset[str] | set[str] = frozenset(), **switches: str) -> None:
        object.__setattr__(self, "choices", {**(choices or {}), **switches})
        object.__setattr__(self, "fire_drop_threshold", fire_drop_threshold)
        object.__setattr__(self, "forced", frozenset(forced))
        self.__post_init__()

    def __hash__(self) -> int:
        return hash((tuple(sorted(self.choices.items())), self.fire_drop_threshold, self.forced))

    def __post_init__(self) -> None:
        for switch, choice in self.choices.items():
            if switch not in SWITCHES:
                raise ValueError(f"unknown structural switch {switch!r}; known: {sorted(SWITCHES)}")
            if choice not in SWITCHES[switch].choices:
                raise ValueError(f"{switch}: unknown choice {choice!r}; known: {SWITCHES[switch].choices}")

    def choice(self, switch: str) -> str:
        return self.choices.get(switch, SWITCHES[switch].choices[0])

    @property
    def firing(self) -> str:
        return self.choice("firing")

    @property
    def supply_decline(self) -> str:
        return self.choice("supply_decline")

    def with_choices(self, **choices: str) -> Structure:
        """This structure with some choices changed, for every sample (a sample's own draw gives way)."""
        return Structure({**self.choices, **choices}, self.fire_drop_threshold, self.forced | set(choices))

    def all_choices(self) -> dict[str, str]:
        """Every switch with its choice, in catalogue order."""
        return {s: self.choice(s) for s in SWITCHES}


class Selection:
    """Per-sample structural choices of one slice: a fixed choice, or one per sample where the
    switch is uncertain (``mixture[switch]``: choice indices)."""

    def __init__(self, structure: Structure, mixture: Mapping[str, np.ndarray]):
        self.structure = structure
        self.mixture = {s: np.asarray(v) for s, v in mixture.items()}

    def is_(self, switch: str, choice: str) -> bool | np.ndarray:
        """Whether the samples take ``choice`` for ``switch``: a bool when fixed, a bool array when mixed."""
        if switch in self.mixture:
            index = SWITCHES[switch].choices.index(choice)
            mask = np.rint(self.mixture[switch]) == index
            if mask.all():
                return True
            if not mask.any():
                return False
            return mask
        return self.structure.choice(switch) == choice


def pick(condition: bool | np.ndarray, when_true: np.ndarray | float, when_false: np.ndarray | float
         ) -> np.ndarray | float:
    """``when_true`` where the condition holds, else ``when_false`` (a fixed condition picks one whole)."""
    if condition is True:
        return when_true
    if condition is False:
        return when_false
    return np.where(condition, when_true, when_false)


__all__ += ["Selection", "pick"]
