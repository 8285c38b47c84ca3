"""The distributions an analyst may write for a parameter: one class per kind, each owning its
checks and building its own prior, so a new distribution touches one class.

Every spec is a strict pydantic model (unknown keys refused). ``check(info, registry)`` returns
the problems the types cannot express, as ``(field, message)``; ``prior(info, registry)`` builds
the :class:`~model.inputs.distributions.ParameterPrior` in the parameter's canonical unit.
Numbers written are in the spec's ``unit`` (converted by an explicit factor); a figure's
numbers are in the figure's own unit.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union

from pydantic import BaseModel, Discriminator, Field, Tag
from scipy import stats

from .distributions import ParameterInfo, ParameterPrior, fit_range, pert, truncnorm
from .number_rule import INPUT_MODEL_CONFIG
from .problems import did_you_mean
from .registry import DEFAULT_RELATIVE_SPREAD, Registry
from .units import UnitError, compatible_units, conversion_factor

__all__ = ["FixedSpec", "UniformSpec", "TriangularSpec", "PertSpec", "NormalSpec", "LognormalSpec", "RangeSpec",
           "FigureSpec", "SPEC_CLASSES", "DistributionSpec", "spec_tag"]

Problems = list[tuple[str, str]]


class _Strict(BaseModel):
    model_config = INPUT_MODEL_CONFIG  # one number rule for every field (model.inputs.number_rule)


_BOUND = "must be "  # how every valid-range message starts (and no other)


def _bound_msgs(info: ParameterInfo, values: dict[str, float]) -> Problems:
    out = []
    for key, v in values.items():
        if info.low is not None and v < info.low:
            out.append((key, f"{_BOUND}≥ {info.low:g} ({info.unit}); got {v:g}"))
        if info.high is not None and v > info.high:
            out.append((key, f"{_BOUND}≤ {info.high:g} ({info.unit}); got {v:g}"))
    return out


def _out_of_range(problems: Problems) -> bool:
    return any(message.startswith(_BOUND) for _, message in problems)


class _Spec(_Strict):
    unit: str | None = Field(None, description="unit of the numbers written; converted to the parameter's unit")
    assumption: str | None = Field(
        None, description="why this value is assumed; required when no article figure backs it"
    )
    note: str | None = None
    as_of: str | None = Field(
        None, pattern=r"^\d{4}(-(0[1-9]|1[0-2]))?$",
        description="when the value holds, YYYY-MM or YYYY (its middle); used by the parameters that are anchored "
        "in time (ru_production_per_month, nk_gdp_usd); default: a figure's own date, else the window's first month")

    def anchor_month(self, registry: Registry) -> str | None:
        """The month this value holds, 'YYYY-MM' (a year means its middle month), or None if not said."""
        return _middle(self.as_of) if self.as_of else None

    def check(self, info: ParameterInfo, registry: Registry) -> Problems:
        """Problems the schema's types cannot express, as (field, message)."""
        raise NotImplementedError

    def prior(self, info: ParameterInfo, registry: Registry) -> ParameterPrior:
        """The parameter's prior in canonical units (call only after :meth:`check` found nothing)."""
        raise NotImplementedError


class _NumericSpec(_Spec):
    """A distribution written as numbers: needs its unit and the reason for the assumption."""

    def check(self, info: ParameterInfo, registry: Registry) -> Problems:
        problems: Problems = []
        factor = 1.0
        if self.unit is None:
            problems.append(("unit", f"required: the unit of these numbers (this parameter is in {info.unit})"))
        else:
            try:
                factor = conversion_factor(self.unit, info.unit)
            except UnitError as exc:
                problems.append(("unit", str(exc)))
        if not self.assumption:
            problems.append(("assumption", "required: say why this value is assumed (no article figure backs it)"))
        values = self._check_values(info, factor)
        fits = self._fitting_unit(info, factor) if self.unit is not None and _out_of_range(values) else None
        if fits is not None:
            values = [(k, f"{m}; in '{fits}' these numbers would fit: likely unit '{fits}'" if m.startswith(_BOUND)
                       else m) for k, m in values]
        return problems + values

    def _fitting_unit(self, info: ParameterInfo, factor: float) -> str | None:
        """Another unit of the same quantity in which every number written is within the valid range
        (the one closest to the unit written), or None."""
        fitting = []
        for other in compatible_units(info.unit):
            f = conversion_factor(other, info.unit)
            if other != self.unit and not _out_of_range(self._check_values(info, f)):
                fitting.append((abs(math.log(f / factor)), other))
        return min(fitting)[1] if fitting else None

    def _check_values(self, info: ParameterInfo, factor: float) -> Problems:
        raise NotImplementedError

    def prior(self, info: ParameterInfo, registry: Registry) -> ParameterPrior:
        factor = conversion_factor(self.unit or info.unit, info.unit)
        origin = f"assumption: {self.assumption}"
        fixed = self._fixed(factor)
        if fixed is not None:
            return ParameterPrior(info.name, info.unit, None, fixed, origin)
        return ParameterPrior(info.name, info.unit, self._dist(info, factor), None, origin)

    def _fixed(self, factor: float) -> float | None:
        return None

    def _dist(self, info: ParameterInfo, factor: float) -> Any:
        raise NotImplementedError


class FixedSpec(_NumericSpec):
    """A value held fixed (not uncertain)."""

    dist: Literal["fixed"]
    value: float

    def _check_values(self, info: ParameterInfo, factor: float) -> Problems:
        return _bound_msgs(info, {"value": self.value * factor})

    def _fixed(self, factor: float) -> float | None:
        return self.value * factor


class UniformSpec(_NumericSpec):
    """Every value between low and high equally likely."""

    dist: Literal["uniform"]
    low: float
    high: float

    def _check_values(self, info: ParameterInfo, factor: float) -> Problems:
        problems: Problems = []
        if self.low >= self.high:
            problems.append(("low", f"low ({self.low:g}) must be < high ({self.high:g})"))
        return problems + _bound_msgs(info, {"low": self.low * factor, "high": self.high * factor})

    def _dist(self, info: ParameterInfo, factor: float) -> Any:
        return stats.uniform(self.low * factor, (self.high - self.low) * factor)


class _ModeSpec(_NumericSpec):
    low: float
    mode: float
    high: float

    def _check_values(self, info: ParameterInfo, factor: float) -> Problems:
        problems: Problems = []
        if not self.low <= self.mode <= self.high or self.low == self.high:
            problems.append(("mode", f"need low ≤ mode ≤ high and low < high; got {self.low:g}, {self.mode:g}, "
                                     f"{self.high:g}"))
        return problems + _bound_msgs(info, {"low": self.low * factor, "high": self.high * factor})


class TriangularSpec(_ModeSpec):
    """Triangular distribution between low and high, peaking at mode."""

    dist: Literal["triangular"]

    def _dist(self, info: ParameterInfo, factor: float) -> Any:
        lo, hi = self.low * factor, self.high * factor
        return stats.triang((self.mode - self.low) / (self.high - self.low), loc=lo, scale=hi - lo)


class PertSpec(_ModeSpec):
    """Beta-PERT: smooth, between low and high, most likely value mode."""

    dist: Literal["pert"]

    def _dist(self, info: ParameterInfo, factor: float) -> Any:
        return pert(self.low * factor, self.mode * factor, self.high * factor)


class NormalSpec(_NumericSpec):
    """Normal distribution, truncated to the parameter's valid range (and to low/high if given)."""

    dist: Literal["normal"]
    mean: float
    sd: float = Field(gt=0)
    low: float | None = None
    high: float | None = None

    def _bounds(self, info: ParameterInfo, factor: float) -> tuple[float | None, float | None]:
        """Truncation bounds in the units written."""
        lo = self.low if self.low is not None else info.low / factor if info.low is not None else None
        hi = self.high if self.high is not None else info.high / factor if info.high is not None else None
        return lo, hi

    def _check_values(self, info: ParameterInfo, factor: float) -> Problems:
        problems: Problems = []
        lo, hi = self._bounds(info, factor)
        if lo is not None and hi is not None and lo >= hi:
            problems.append(("low", f"truncation low ({lo:g}) must be < high ({hi:g})"))
        problems += _bound_msgs(info, {k: v * factor for k, v in (("low", self.low), ("high", self.high))
                                       if v is not None})
        if lo is None or hi is None or lo < hi:
            upper = 1.0 if hi is None else stats.norm.cdf((hi - self.mean) / self.sd)
            lower = 0.0 if lo is None else stats.norm.cdf((lo - self.mean) / self.sd)
            if upper - lower < 1e-6:
                shown = f"[{'-inf' if lo is None else f'{lo:g}'}, {'inf' if hi is None else f'{hi:g}'}]"
                problems.append(("mean", f"almost none of this normal lies in the valid range {shown}"))
        return problems

    def _dist(self, info: ParameterInfo, factor: float) -> Any:
        lo = self.low * factor if self.low is not None else info.low
        hi = self.high * factor if self.high is not None else info.high
        return truncnorm(self.mean * factor, self.sd * factor, lo, hi)


class LognormalSpec(_NumericSpec):
    """Lognormal: median and sigma, the standard deviation of the logarithm."""

    dist: Literal["lognormal"]
    median: float = Field(gt=0)
    sigma: float = Field(gt=0, le=5, description="sd of the logarithm; 5 already spans a factor of 150 per sd")

    def _check_values(self, info: ParameterInfo, factor: float) -> Problems:
        return _bound_msgs(info, {"median": self.median * factor})

    def _dist(self, info: ParameterInfo, factor: float) -> Any:
        return stats.lognorm(s=self.sigma, scale=self.median * factor)


class RangeSpec(_NumericSpec):
    """A ``ci`` range (default 90 %): low and high are its quantiles; a distribution is fitted."""

    dist: Literal["range"]
    low: float
    high: float
    ci: float = Field(0.9, ge=0.5, le=0.999, description="how sure: low-high holds this share (0.5-0.999)")
    shape: Literal["normal", "lognormal"] = "lognormal"

    def _check_values(self, info: ParameterInfo, factor: float) -> Problems:
        problems: Problems = []
        if self.low >= self.high:
            problems.append(("low", f"low ({self.low:g}) must be < high ({self.high:g})"))
        problems += _bound_msgs(info, {"low": self.low * factor, "high": self.high * factor})
        if self.shape == "lognormal" and self.low <= 0:
            problems.append(("low", "a lognormal range needs low > 0 (or use shape: normal)"))
        return problems

    def _dist(self, info: ParameterInfo, factor: float) -> Any:
        return fit_range(self.low * factor, self.high * factor, ci=self.ci, shape=self.shape, info=info)


def _middle(as_of: str) -> str:
    """'YYYY-MM' as it is; a bare year 'YYYY' as its middle month, July."""
    return as_of if len(as_of) > 4 else f"{as_of}-07"


class FigureSpec(_Spec):
    """A registry figure, with its uncertainty.

    ``spread`` is the relative half-width of the 90 % range around the figure's value
    (0.3: from 0.7x to 1.3x); without it, the figure's reliability sets the spread.
    Or give ``low``/``high`` explicitly (in the figure's unit) as the 90 % range.
    """

    figure: str = Field(description="registry id (see `python run.py sources`)")
    spread: float | None = Field(None, ge=0.01, le=5)
    low: float | None = None
    high: float | None = None
    ci: float = Field(0.9, ge=0.5, le=0.999)
    shape: Literal["normal", "lognormal", "uniform"] = "normal"

    def anchor_month(self, registry: Registry) -> str | None:
        """The month this value holds: as written, else the figure's own date."""
        if self.as_of:
            return _middle(self.as_of)
        fig = registry.get(self.figure)
        return _middle(fig.as_of[:7])

    def check(self, info: ParameterInfo, registry: Registry) -> Problems:
        if self.figure not in registry:
            hint = did_you_mean(self.figure, registry.ids, cutoff=0.5, otherwise="; see `python run.py sources`")
            return [("figure", f"unknown figure id '{self.figure}'{hint}")]
        fig = registry.get(self.figure)
        try:
            factor = conversion_factor(fig.unit, info.unit)
        except UnitError as exc:
            return [("figure", f"figure '{self.figure}' is in {fig.unit}, which cannot feed this parameter: {exc}")]
        problems: Problems = []
        if self.unit is not None and self.unit != fig.unit:
            problems.append(("unit", f"a figure's numbers are in its own unit '{fig.unit}'; drop 'unit' or write "
                                     f"'{fig.unit}'"))
        if (self.low is None) != (self.high is None):
            problems.append(("low" if self.low is None else "high", "give both low and high, or neither"))
        if self.low is not None and self.high is not None:
            if self.low >= self.high:
                problems.append(("low", f"low ({self.low:g}) must be < high ({self.high:g}); "
                                        "for a value held fixed use dist: fixed"))
            problems += _bound_msgs(info, {"low": self.low * factor, "high": self.high * factor})
            if self.spread is not None:
                problems.append(("spread", "give either spread or low/high, not both"))
        elif fig.value is None and (fig.low is None or fig.high is None):
            problems.append(("figure", f"figure '{self.figure}' is only a bound ({fig.display_value}); give low and "
                                       "high"))
        elif fig.value is None and self.spread is not None:
            problems.append(("spread", f"figure '{self.figure}' is a range ({fig.display_value}); spread needs a "
                                       "single value, give low and high instead"))
        if self.shape == "lognormal" and fig.central <= 0:
            problems.append(("shape", "lognormal needs a positive value"))
        return problems

    def prior(self, info: ParameterInfo, registry: Registry) -> ParameterPrior:
        fig = registry.get(self.figure)
        f = conversion_factor(fig.unit, info.unit)
        conv = "" if f == 1 else f" (× {f:.6g} from {fig.unit})"
        if self.low is not None and self.high is not None:
            low, high = self.low * f, self.high * f
            how = f"{self.ci:.0%} range {self.low:g}–{self.high:g} {fig.unit}"
        elif fig.value is not None:
            spread = self.spread if self.spread is not None else DEFAULT_RELATIVE_SPREAD[fig.reliability]
            v = fig.value * f
            if self.shape == "lognormal":
                low, high = v / (1 + spread), v * (1 + spread)
            else:
                low, high = v * (1 - spread), v * (1 + spread)
            why = "" if self.spread is not None else f", from its '{fig.reliability}' reliability"
            how = f"{fig.display_value} {fig.unit}, spread ±{spread:.0%}{why}"
        else:
            low, high = fig.low * f, fig.high * f  # type: ignore[operator]
            how = f"range {fig.display_value} {fig.unit}"
        dist = fit_range(low, high, ci=self.ci, shape=self.shape, info=info)
        origin = f"figure {self.figure} ({fig.claimant}, {fig.as_of}): {how}{conv}, {self.shape}"
        if self.assumption:
            origin += f"; {self.assumption}"
        return ParameterPrior(info.name, info.unit, dist, None, origin, figure_id=self.figure)


SPEC_CLASSES: dict[str, type[_Spec]] = {
    "fixed": FixedSpec,
    "uniform": UniformSpec,
    "triangular": TriangularSpec,
    "pert": PertSpec,
    "normal": NormalSpec,
    "lognormal": LognormalSpec,
    "range": RangeSpec,
    "figure": FigureSpec,
}


def spec_tag(value: Any) -> str | None:
    """Which spec class a raw mapping (or a spec) is: 'figure' or its ``dist``; None if neither."""
    if isinstance(value, dict):
        if "figure" in value:
            return "figure"
        dist = value.get("dist")
        return dist if isinstance(dist, str) and dist in SPEC_CLASSES else None
    if isinstance(value, BaseModel):
        return "figure" if isinstance(value, FigureSpec) else getattr(value, "dist", None)
    return None


if TYPE_CHECKING:  # for type checkers: a field holds one of the spec classes
    DistributionSpec = _Spec
else:  # for pydantic: a tagged union, the tag read by spec_tag
    DistributionSpec = Annotated[
        Union[tuple(Annotated[cls, Tag(tag)] for tag, cls in SPEC_CLASSES.items())],  # noqa: UP007
        Discriminator(
            spec_tag,
            custom_error_type="distribution",
            custom_error_message=(
                "say what this parameter is: 'figure: <registry id>' or 'dist:' one of "
                + ", ".join(t for t in SPEC_CLASSES if t != "figure")
            ),
        ),
    ]
