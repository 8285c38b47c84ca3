"""The scenario sections that shape the model over time and across structures: named fire periods,
troop phases, and prior weights over the structural switches.

``fire_periods:`` (each a month range with an uncertain factor on wanted fire), ``troop_phases:``
(each a month range in which troops are committed to combat or held in reserve) and
``structures:`` (for each uncertain switch of ``model.core.structure.SWITCHES``, its choices with
prior weights). Their checks report ``FILE:LINE: FIELD: message`` through ``add(location, message)``
like every other section's; their priors join the parameters' (``scenario_priors``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field, ValidationError
from scipy import stats

from ..core.months import month_index
from ..core.structure import SWITCHES, structure_parameter
from .distributions import ParameterInfo, ParameterPrior
from .number_rule import INPUT_MODEL_CONFIG
from .problems import did_you_mean, outside_window
from .specs import SPEC_CLASSES, DistributionSpec, spec_tag

if TYPE_CHECKING:
    from .registry import Registry
    from .schema import Scenario

__all__ = ["FiringChoice", "DeclineChoice", "FiringOrderChoice", "DepotChoice", "FireProfileChoice",
           "NkStockChoice", "NkSupplyStartChoice", "NkProductionChoice", "RuProductionChoice", "RefurbishmentChoice",
           "TroopLossChoice", "FirePeriod", "TroopPhase", "Month", "fire_factor_info", "fire_factor_name", "structure_weights",
           "structure_section_problems", "section_priors", "MAX_FIRE_PERIODS", "MAX_TROOP_PHASES"]

Month = str  # validated by the pattern below
_MONTH = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="a month, YYYY-MM")
MAX_FIRE_PERIODS = 24  # each period is an uncertain input: more would dilute the sensitivity analysis
MAX_TROOP_PHASES = 24
PERIOD_NAME = r"^[A-Za-z][A-Za-z0-9_]{0,39}$"  # a fire period's name becomes part of a parameter name

Add = Callable[[tuple, str], None]

# The structural switches' choices, written out for the schema (tests/test_structure.py holds them to
# model.core.structure.SWITCHES); the first choice of each is the earlier model.
FiringChoice = Literal["demand", "stock_target"]
DeclineChoice = Literal["constant", "proportional"]
FiringOrderChoice = Literal["mixed", "nk_first", "ru_first"]
DepotChoice = Literal["unlimited", "limited"]
FireProfileChoice = Literal["flat", "periods"]
NkStockChoice = Literal["single", "tiers"]
NkSupplyStartChoice = Literal["ramp", "pulse"]
NkProductionChoice = Literal["compound", "saturating"]
RuProductionChoice = Literal["compound", "anchored"]
RefurbishmentChoice = Literal["flat", "declining"]
TroopLossChoice = Literal["constant", "phases"]


class _Strict(BaseModel):
    model_config = INPUT_MODEL_CONFIG


class FirePeriod(_Strict):
    """A named stretch of months in which Russia's wanted fire is the base level times ``factor``."""

    start: str = _MONTH
    end: str | None = Field(None, pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="last month (default: the window's last)")
    factor: DistributionSpec = Field(description="wanted fire in this period as a multiple of the base level (ratio)")
    note: str | None = None


class TroopPhase(_Strict):
    """A named stretch of months in which troops are committed to combat or held in reserve."""

    start: str = _MONTH
    end: str | None = Field(None, pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="last month (default: the window's last)")
    posture: Literal["combat", "reserve"] = Field(description="combat: the combat loss rate; reserve: the reserve rate")
    waves: list[str] | None = Field(None, description="the deployment events whose troops this phase applies to "
                                                       "(default: every wave)")
    note: str | None = None


def fire_factor_name(period: str) -> str:
    """The parameter name of a fire period's factor."""
    return f"fire_factor_{period}"


def fire_factor_info(period: str) -> ParameterInfo:
    return ParameterInfo(name=fire_factor_name(period), unit="ratio", low=0.0, high=10.0,
                         description=f"wanted fire in the period '{period}' as a multiple of the base level",
                         label=f"fire in '{period}' (× base)")


def structure_weights(raw: Any) -> dict[str, float] | None:
    """A switch's prior weights as written (a list of choices: equal weights), or None if malformed."""
    if isinstance(raw, list):
        return {str(c): 1.0 for c in raw} if all(isinstance(c, str) for c in raw) else None
    if isinstance(raw, Mapping):
        out = {}
        for choice, weight in raw.items():
            if isinstance(weight, bool) or not isinstance(weight, (int, float)):
                return None
            out[str(choice)] = float(weight)
        return out
    return None


def _month_range(section: str, name: str, raw: Mapping[str, Any], window: tuple[int, int] | None, add: Add
                 ) -> tuple[int, int] | None:
    start, end = raw.get("start"), raw.get("end")
    if isinstance(start, str) and end is None and window is not None:
        outside = outside_window(start, _name(window[0]), window[1] - window[0] + 1)
        if outside:  # (an open end takes the window's last month)
            add((section, name, "start"), outside)
            return None
        end = _name(window[1])
    if not isinstance(start, str) or not isinstance(end, str):
        return None
    try:
        a, b = month_index(start), month_index(end)
    except (ValueError, TypeError):
        return None
    if b < a:
        add((section, name, "end"), f"{end} is before the start {start}")
        return None
    if window is not None:
        for key, month in (("start", start), ("end", end)):
            outside = outside_window(month, _name(window[0]), window[1] - window[0] + 1)
            if outside:
                add((section, name, key), outside)
                return None
    return a, b


def _name(index: int) -> str:
    from ..core.months import month_name

    return month_name(index)


def _overlaps(section: str, spans: dict[str, tuple[int, int]], add: Add, what: str = "") -> None:
    ordered = sorted(spans.items(), key=lambda kv: kv[1])
    for (a, (_, a_end)), (b, (b_start, _)) in zip(ordered, ordered[1:]):
        if b_start <= a_end:
            add((section, b), f"overlaps the period '{a}'{what} (periods must not overlap: which factor applies?)")


def structure_section_problems(data: dict[str, Any], window: tuple[int, int] | None, registry: Registry,
                               add: Add) -> None:
    """Problems of ``fire_periods``, ``troop_phases`` and ``structures`` the types cannot express."""
    periods = data.get("fire_periods")
    if isinstance(periods, dict):
        if len(periods) > MAX_FIRE_PERIODS:
            add(("fire_periods",), f"{len(periods)} periods; at most {MAX_FIRE_PERIODS}")
        spans = {}
        import re

        for name, raw in periods.items():
            if not isinstance(name, str) or not re.match(PERIOD_NAME, name):
                add(("fire_periods", name), "a period's name is 1-40 letters, digits or '_', starting with a letter "
                                            "(it becomes part of a parameter name)")
                continue
            if not isinstance(raw, dict):
                continue
            span = _month_range("fire_periods", name, raw, window, add)
            if span is not None:
                spans[name] = span
            factor = raw.get("factor")
            tag = spec_tag(factor)
            if tag is not None:
                try:
                    spec = SPEC_CLASSES[tag].model_validate(factor)
                except ValidationError:
                    continue
                for fld, msg in spec.check(fire_factor_info(name), registry):
                    add(("fire_periods", name, "factor", fld), msg)
        _overlaps("fire_periods", spans, add)
    phases = data.get("troop_phases")
    if isinstance(phases, dict):
        if len(phases) > MAX_TROOP_PHASES:
            add(("troop_phases",), f"{len(phases)} phases; at most {MAX_TROOP_PHASES}")
        events = data.get("events") if isinstance(data.get("events"), dict) else {}
        waves = [n for n, ev in events.items()  # type: ignore[union-attr]
                 if isinstance(ev, dict) and ev.get("kind") in ("troops_deploy", "troop_ceiling")]
        by_wave: dict[str, dict[str, tuple[int, int]]] = {}
        for name, raw in phases.items():
            if not isinstance(raw, dict):
                continue
            span = _month_range("troop_phases", name, raw, window, add)
            named = raw.get("waves")
            if isinstance(named, list):
                for k, wave in enumerate(named):
                    if wave not in waves:
                        hint = did_you_mean(str(wave), waves, otherwise=f"; the waves are the deployment events "
                                            f"(troops_deploy, troop_ceiling): {', '.join(waves) or 'none'}")
                        add(("troop_phases", name, "waves", k), f"'{wave}' is not a deployment event{hint}")
                if not named:
                    add(("troop_phases", name, "waves"), "an empty list applies to no wave; leave it out for every wave")
            if span is not None:
                for wave in (named if isinstance(named, list) and named else waves or ["all"]):
                    by_wave.setdefault(str(wave), {})[name] = span
        for wave, spans in by_wave.items():
            _overlaps("troop_phases", spans, add, what=f" for the wave '{wave}'")
    structures = data.get("structures")
    if isinstance(structures, dict):
        for switch, raw in structures.items():
            if switch == "assumption":
                continue
            if switch not in SWITCHES:
                continue  # an unknown key: the schema reports it with its "did you mean"
            weights = structure_weights(raw)
            if weights is None:
                continue  # the schema reports the type
            choices = SWITCHES[switch].choices
            if isinstance(raw, list) and len(set(raw)) != len(raw):
                add(("structures", switch), "a choice is listed twice")
            for choice, weight in weights.items():
                if choice not in choices:
                    hint = did_you_mean(choice, list(choices), otherwise=f"; choose from {', '.join(choices)}")
                    add(("structures", switch, choice), f"'{choice}' is not a choice of {switch}{hint}")
                elif not math.isfinite(weight) or weight < 0:
                    add(("structures", switch, choice), f"a prior weight is a number ≥ 0 (got {weight:g})")
            total = sum(w for w in weights.values() if math.isfinite(w) and w > 0)
            if not weights:
                add(("structures", switch), f"no choices given; list some of {', '.join(choices)}")
            elif total <= 0:
                add(("structures", switch), "the prior weights sum to zero: give at least one a positive weight")


def section_priors(scenario: Scenario, registry: Registry) -> list[ParameterPrior]:
    """The priors of the fire periods' factors (when periods are in use) and of the uncertain switches."""
    out: list[ParameterPrior] = []
    uses_periods = fixed_choice(scenario, "fire_profile") == "periods" or "periods" in _choices(scenario, "fire_profile")
    if uses_periods:
        for name, period in scenario.fire_periods.items():
            out.append(period.factor.prior(fire_factor_info(name), registry))
    for switch in SWITCHES:
        weights = _weights(scenario, switch)
        if weights is None:
            continue
        choices = SWITCHES[switch].choices
        p = [weights.get(c, 0.0) for c in choices]
        total = sum(p)
        dist = stats.rv_discrete(values=(list(range(len(choices))), [w / total for w in p]))
        shown = ", ".join(f"{c} {w / total:.0%}" for c, w in zip(choices, p) if w > 0)
        reason = scenario.structures.assumption or "equal weights over the alternatives"
        out.append(ParameterPrior(structure_parameter(switch), "choice", dist, None,
                                  f"structure: {shown}; {reason}"))
    return out


def _weights(scenario: Scenario, switch: str) -> dict[str, float] | None:
    """The prior weights of an uncertain switch (None: the switch is fixed by ``structure:``)."""
    raw = getattr(scenario.structures, switch, None)
    if raw is None:
        return None
    weights = structure_weights(raw) or {}
    positive = {c: w for c, w in weights.items() if w > 0}
    return positive if len(positive) > 1 else None  # one choice with weight: fixed, no parameter


def _choices(scenario: Scenario, switch: str) -> list[str]:
    weights = _weights(scenario, switch)
    return list(weights) if weights else []


def fixed_choice(scenario: Scenario, switch: str) -> str:
    """The switch's choice where it is not uncertain: a single weighted choice in ``structures:``, else
    ``structure:``."""
    raw = getattr(scenario.structures, switch, None)
    weights = structure_weights(raw) if raw is not None else None
    if weights:
        positive = [c for c, w in weights.items() if w > 0]
        if len(positive) == 1:
            return positive[0]
    return str(getattr(scenario.structure, switch))


__all__ += ["fixed_choice"]


def fixed_choice_of(data: Mapping[str, Any], switch: str) -> str:
    """:func:`fixed_choice` on a scenario's plain data (before it is validated), for the checks."""
    structures = data.get("structures") if isinstance(data.get("structures"), Mapping) else {}
    weights = structure_weights(structures.get(switch)) if structures.get(switch) is not None else None  # type: ignore[union-attr]
    if weights:
        positive = [c for c, w in weights.items() if w > 0]
        if len(positive) == 1:
            return positive[0]
    structure = data.get("structure") if isinstance(data.get("structure"), Mapping) else {}
    return str(structure.get(switch, SWITCHES[switch].choices[0]))  # type: ignore[union-attr]


__all__ += ["fixed_choice_of"]
