"""Numbers that are valid in the unit written but implausible in it: a likely unit slip, said as a warning.

``unit: percent`` over ``0.05 / 0.2 / 0.5`` is a valid dud rate of 0.05 %-0.5 %, a hundred times
below the 5 %-50 % the writer meant; ``unit: shells/day`` over a year's output is a valid, absurd
rate. Neither breaks a range, so the schema cannot refuse them. What gives them away is the
scale the parameter lives at elsewhere: the prior the scenario's parent (the nearest file up its
``extends`` chain that sets the parameter) gives it. When the numbers written, read in their unit,
lie more than :data:`SLIP_FACTOR` times outside the parent's 90 % range, and the same numbers read
in another unit of the same quantity (``model.inputs.units.compatible_units``) fall within
:data:`FITS_FACTOR` of it, that unit is the likely one and the file gets a warning at the line of
its ``unit:``. Nothing here names a parameter: the unit vocabulary, each parameter's canonical
unit and the priors are the whole of it, so new parameters are checked as they are added.

A file with no parent setting the parameter has no scale to compare with; numbers there that
break the parameter's valid range are errors, and the error names a unit in which they would fit
(``model.inputs.specs``).

``python run.py validate --strict`` makes these warnings errors.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .distributions import ParameterInfo, ParameterPrior
from .problems import Problem, dotted_path
from .registry import Registry
from .safe_yaml import YamlDocument
from .schema import PARAMETER_INFO, Scenario
from .specs import SPEC_CLASSES, spec_tag
from .units import UNITS, compatible_units

__all__ = ["SLIP_FACTOR", "FITS_FACTOR", "likely_unit", "unit_slips", "spread_of"]

SLIP_FACTOR = 10.0  # numbers this many times outside the reference range (either way) are implausible ...
FITS_FACTOR = 3.0  # ... and another unit is the likely one when its reading lies within this factor of it


def spread_of(prior: ParameterPrior) -> tuple[float, float]:
    """The prior's 5th and 95th percentile (a fixed value twice), canonical unit."""
    if prior.dist is None:
        v = float(prior.fixed_value)  # type: ignore[arg-type]
        return v, v
    lo, hi = (float(x) for x in prior.dist.ppf([0.05, 0.95]))
    return lo, hi


def _distance(x: tuple[float, float], ref: tuple[float, float]) -> float:
    """How far apart two ranges are, as a factor (1: they overlap). Positive ranges are compared end to
    end; ranges reaching zero or below (growth rates) by their largest magnitudes. ``inf``: a range
    of zeros, which no factor reaches."""
    if x[0] > 0 and ref[0] > 0:
        if x[1] < ref[0]:
            return ref[0] / x[1]
        if x[0] > ref[1]:
            return x[0] / ref[1]
        return 1.0
    sx, sr = max(abs(x[0]), abs(x[1])), max(abs(ref[0]), abs(ref[1]))
    if sx == 0 or sr == 0:
        return math.inf
    return max(sx / sr, sr / sx)


def likely_unit(written: tuple[float, float], unit: str, reference: tuple[float, float]) -> str | None:
    """The unit the numbers were probably meant in, or None.

    ``written``: the range the numbers give in the parameter's canonical unit, read in ``unit``;
    ``reference``: the range the parameter has elsewhere (same canonical unit). A unit is named
    only when ``written`` is more than :data:`SLIP_FACTOR` from ``reference`` and, read in that
    unit instead, within :data:`FITS_FACTOR` of it (the closest such unit)."""
    if unit not in UNITS or not math.isfinite(_distance(written, reference)):
        return None
    if _distance(written, reference) <= SLIP_FACTOR:
        return None
    canonical, factor = UNITS[unit]
    centre = _scale(reference)
    best: tuple[float, float, str] | None = None
    for other in compatible_units(canonical):
        if other == unit:
            continue
        scale = UNITS[other][1] / factor
        read = (written[0] * scale, written[1] * scale)
        d = _distance(read, reference)
        if d <= FITS_FACTOR:  # ties (two readings inside a wide range): the one nearer its middle
            candidate = (d, abs(math.log(_scale(read) / centre)) if centre > 0 and _scale(read) > 0 else 0.0, other)
            best = candidate if best is None or candidate < best else best
    return None if best is None else best[2]


def _scale(r: tuple[float, float]) -> float:
    """A range's middle on a log scale (its largest magnitude when it reaches zero)."""
    if r[0] > 0:
        return math.sqrt(r[0] * r[1])
    return max(abs(r[0]), abs(r[1]))


def _spec_prior(raw: Any, info: ParameterInfo, registry: Registry) -> ParameterPrior | None:
    """The prior a raw parameter mapping builds, or None when it is not a valid spec."""
    tag = spec_tag(raw)
    if tag is None:
        return None
    try:
        spec = SPEC_CLASSES[tag].model_validate(raw)
    except ValidationError:
        return None
    if spec.check(info, registry):
        return None
    try:
        return spec.prior(info, registry)
    except (ValueError, ZeroDivisionError):
        return None


def _shown(r: tuple[float, float], unit: str) -> str:
    return f"{r[0]:.3g} {unit}" if r[0] == r[1] else f"{r[0]:.3g}–{r[1]:.3g} {unit}"


def unit_slips(docs: Sequence[YamlDocument], scenario: Scenario, registry: Registry) -> list[Problem]:
    """Warnings for the parameters the first of ``docs`` (the file; its ``extends`` parents follow)
    sets in numbers whose unit is likely a slip, each at the line of its ``unit:``."""
    top = docs[0]
    own = top.data.get("parameters")
    if not isinstance(own, dict):
        return []
    out = []
    for name, raw in own.items():
        info = PARAMETER_INFO.get(name)
        unit = raw.get("unit") if isinstance(raw, dict) else None
        if info is None or not isinstance(unit, str) or spec_tag(raw) in (None, "figure"):
            continue
        parent = next((d for d in docs[1:] if isinstance(d.data.get("parameters"), dict)
                       and name in d.data["parameters"]), None)
        if parent is None:
            continue
        reference = _spec_prior(parent.data["parameters"][name], info, registry)
        if reference is None:
            continue
        written = spread_of(getattr(scenario.parameters, name).prior(info, registry))
        ref = spread_of(reference)
        likely = likely_unit(written, unit, ref)
        if likely is None:
            continue
        off = _distance(written, ref)
        direction = "below" if max(map(abs, written)) < max(map(abs, ref)) else "above"
        loc = ("parameters", name, "unit")
        line = top.lines.get(loc) or top.line_of(loc)
        out.append(Problem(
            top.path, line, dotted_path(loc),
            f"in '{unit}' these numbers give {_shown(written, info.unit)} (90 % range), {off:,.0f} times {direction} "
            f"the {_shown(ref, info.unit)} that {Path(parent.path).name} gives this parameter; likely unit: "
            f"'{likely}' (write unit: {likely}, or keep '{unit}' if the numbers are meant)", severity="warning"))
    return out
