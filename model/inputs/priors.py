"""Turn each validated parameter spec into a frozen ``scipy.stats`` distribution.

All distributions are expressed in the parameter's canonical unit (see
``model.scenario.PARAMETER_INFO``); the unit an analyst wrote is converted here by an
explicit factor. How an article figure becomes a distribution: its value (converted)
is the centre, and the 90 % range is ``value × (1 ± spread)``, where ``spread`` comes
from the scenario or, failing that, from the figure's reliability
(``model.registry.DEFAULT_RELATIVE_SPREAD``). Normal distributions are truncated to
the parameter's valid range, so a count is never negative and a rate never above 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats

from .registry import DEFAULT_RELATIVE_SPREAD, Registry
from .schema import (
    PARAMETER_INFO,
    FigureSpec,
    FixedSpec,
    LognormalSpec,
    NormalSpec,
    ParameterInfo,
    Parameters,
    PertSpec,
    RangeSpec,
    TriangularSpec,
    UniformSpec,
)
from .units import conversion_factor

# Largest magnitude any input may reach (in its canonical unit) within its 1e-6..1-1e-6 quantiles:
# far above any real stock or price (the world makes ~1e7 shells a year) and far below float overflow.
MAX_MAGNITUDE = 1e15

__all__ = ["MAX_MAGNITUDE", "ParameterPrior", "build_priors", "pert", "fit_range", "support_problems"]


@dataclass(frozen=True)
class ParameterPrior:
    """One model input: a frozen distribution (or a fixed value) in canonical units."""

    name: str
    unit: str
    dist: object | None  # frozen scipy.stats distribution; None when fixed
    fixed_value: float | None
    origin: str  # "figure <id>: ..." or "assumption: ..." in one line
    figure_id: str | None = None

    @property
    def is_uncertain(self) -> bool:
        return self.dist is not None

    def median(self) -> float:
        return float(self.fixed_value) if self.dist is None else float(self.dist.ppf(0.5))  # type: ignore[attr-defined]


def pert(low: float, mode: float, high: float):
    """Beta-PERT distribution on [low, high] with the given mode (a frozen ``scipy.stats.beta``)."""
    width = high - low
    a = 1 + 4 * (mode - low) / width
    b = 1 + 4 * (high - mode) / width
    return stats.beta(a, b, loc=low, scale=width)


def _truncnorm(mean: float, sd: float, low: float | None, high: float | None):
    if low is None and high is None:
        return stats.norm(mean, sd)
    a = -np.inf if low is None else (low - mean) / sd
    b = np.inf if high is None else (high - mean) / sd
    return stats.truncnorm(a, b, loc=mean, scale=sd)


def fit_range(low: float, high: float, *, ci: float, shape: str, info: ParameterInfo):
    """A distribution whose central ``ci`` interval is [low, high] (canonical units).

    ``normal`` is truncated to the parameter's valid range and its mean and sd are solved
    so that low and high stay the interval's ends after truncation; ``uniform`` spreads the
    remaining ``1 - ci`` evenly beyond low and high; ``lognormal`` is not truncated (the
    validation refuses one that crosses the valid range, see :func:`support_problems`).
    """
    z = float(stats.norm.ppf(0.5 + ci / 2))
    if shape == "lognormal":
        mu = (np.log(low) + np.log(high)) / 2
        sigma = (np.log(high) - np.log(low)) / (2 * z)
        return stats.lognorm(s=sigma, scale=float(np.exp(mu)))
    if shape == "uniform":
        half = (high - low) / (2 * ci)
        return stats.uniform((low + high) / 2 - half, 2 * half)
    mean, sd = (low + high) / 2, (high - low) / (2 * z)
    dist = _truncnorm(mean, sd, info.low, info.high)
    target = np.array([(1 - ci) / 2, (1 + ci) / 2])
    if np.allclose(dist.cdf([low, high]), target, atol=1e-9):
        return dist

    def miss(x: np.ndarray) -> np.ndarray:
        return _truncnorm(x[0], float(np.exp(x[1])), info.low, info.high).cdf([low, high]) - target

    fit = optimize.least_squares(miss, [mean, np.log(sd)], xtol=1e-12, ftol=1e-12)
    if fit.success and np.max(np.abs(fit.fun)) < 1e-6:
        return _truncnorm(fit.x[0], float(np.exp(fit.x[1])), info.low, info.high)
    return dist  # no truncated normal has these quantiles; support_problems reports the cut


def support_problems(priors: list[ParameterPrior]) -> list[tuple[str, str]]:
    """``(parameter, message)`` for priors that put weight outside the parameter's valid range.

    A lognormal or uniform that crosses the range is refused (it would produce, say, a dud
    rate above 1); a normal is truncated to the range, which is refused only when the cut
    removes more than 20 % of it (the distribution would no longer be what was written).
    """
    out = []
    for prior in priors:
        if prior.dist is None:
            if prior.fixed_value is not None and abs(prior.fixed_value) > MAX_MAGNITUDE:
                out.append((prior.name, f"{prior.fixed_value:g} is too large for the model ({prior.unit})"))
            continue
        info = PARAMETER_INFO[prior.name]
        dist = prior.dist
        with np.errstate(all="ignore"):
            tails = np.asarray(dist.ppf([1e-6, 0.5, 1 - 1e-6]), dtype=float)  # type: ignore[attr-defined]
        if not np.all(np.isfinite(tails)) or np.max(np.abs(tails)) > MAX_MAGNITUDE:
            out.append((prior.name, f"this distribution reaches {np.max(np.abs(tails)):.3g} {info.unit} in its "
                                    f"tails (beyond {MAX_MAGNITUDE:.0e}, where the model's sums overflow); "
                                    "narrow it or lower its median"))
            continue
        where = f"[{info.low:g}, {info.high:g}]" if info.high is not None else f"≥ {info.low:g}"
        if getattr(getattr(dist, "dist", None), "name", "") == "truncnorm":
            a, b = dist.args[:2]
            kept = float(stats.norm.cdf(b) - stats.norm.cdf(a))
            if kept < 0.8:
                out.append((prior.name, f"{1 - kept:.0%} of this normal lies outside the valid range {where} "
                                        f"({info.unit}) and would be cut off; narrow it or use pert or range"))
            continue
        below = float(dist.cdf(info.low)) if info.low is not None else 0.0
        above = float(dist.sf(info.high)) if info.high is not None else 0.0
        if below + above > 1e-3:
            out.append((prior.name, f"{below + above:.1%} of this distribution lies outside the valid range "
                                    f"{where} ({info.unit}); use pert, uniform or a normal shape (truncated), "
                                    "or narrow it"))
    return out


def _prior(name: str, spec, registry: Registry) -> ParameterPrior:
    info = PARAMETER_INFO[name]
    if isinstance(spec, FigureSpec):
        fig = registry.get(spec.figure)
        f = conversion_factor(fig.unit, info.unit)
        conv = "" if f == 1 else f" (× {f:.6g} from {fig.unit})"
        if spec.low is not None and spec.high is not None:
            low, high = spec.low * f, spec.high * f
            how = f"{spec.ci:.0%} range {spec.low:g}–{spec.high:g} {fig.unit}"
        elif fig.value is not None:
            spread = spec.spread if spec.spread is not None else DEFAULT_RELATIVE_SPREAD[fig.reliability]
            v = fig.value * f
            if spec.shape == "lognormal":
                low, high = v / (1 + spread), v * (1 + spread)
            else:
                low, high = v * (1 - spread), v * (1 + spread)
            why = "" if spec.spread is not None else f", from its '{fig.reliability}' reliability"
            how = f"{fig.display_value} {fig.unit}, spread ±{spread:.0%}{why}"
        else:
            low, high = fig.low * f, fig.high * f  # type: ignore[operator]
            how = f"range {fig.display_value} {fig.unit}"
        dist = fit_range(low, high, ci=spec.ci, shape=spec.shape, info=info)
        origin = f"figure {spec.figure} ({fig.claimant}, {fig.as_of}): {how}{conv}, {spec.shape}"
        if spec.assumption:
            origin += f"; {spec.assumption}"
        return ParameterPrior(name, info.unit, dist, None, origin, figure_id=spec.figure)

    f = conversion_factor(spec.unit, info.unit)
    origin = f"assumption: {spec.assumption}"
    if isinstance(spec, FixedSpec):
        return ParameterPrior(name, info.unit, None, spec.value * f, origin)
    if isinstance(spec, UniformSpec):
        dist = stats.uniform(spec.low * f, (spec.high - spec.low) * f)
    elif isinstance(spec, TriangularSpec):
        lo, hi = spec.low * f, spec.high * f
        dist = stats.triang((spec.mode - spec.low) / (spec.high - spec.low), loc=lo, scale=hi - lo)
    elif isinstance(spec, PertSpec):
        dist = pert(spec.low * f, spec.mode * f, spec.high * f)
    elif isinstance(spec, NormalSpec):
        lo = spec.low * f if spec.low is not None else info.low
        hi = spec.high * f if spec.high is not None else info.high
        dist = _truncnorm(spec.mean * f, spec.sd * f, lo, hi)
    elif isinstance(spec, LognormalSpec):
        dist = stats.lognorm(s=spec.sigma, scale=spec.median * f)
    elif isinstance(spec, RangeSpec):
        dist = fit_range(spec.low * f, spec.high * f, ci=spec.ci, shape=spec.shape, info=info)
    else:  # pragma: no cover - the schema admits no other spec
        raise TypeError(f"unknown distribution spec {type(spec).__name__}")
    return ParameterPrior(name, info.unit, dist, None, origin)


def build_priors(parameters: Parameters, registry: Registry) -> list[ParameterPrior]:
    """One prior per model parameter, in the schema's order (the story's order)."""
    return [_prior(name, getattr(parameters, name), registry) for name in PARAMETER_INFO]
