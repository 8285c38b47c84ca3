"""What a model parameter is, and the distribution families the specs build on.

Low-level and schema-free (numpy and scipy only): :class:`ParameterInfo` (canonical unit,
valid range, meaning), :class:`ParameterPrior` (a frozen ``scipy.stats`` distribution or a
fixed value, in canonical units), and the families that need more than one scipy call:
Beta-PERT, the normal truncated to a valid range, and the distribution fitted to a range.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import optimize, stats

__all__ = ["ParameterInfo", "ParameterPrior", "pert", "truncnorm", "fit_range"]


@dataclass(frozen=True)
class ParameterInfo:
    """What a model parameter is: its canonical unit, valid range and meaning."""

    name: str
    unit: str
    low: float | None
    high: float | None
    description: str
    label: str  # short name for charts and tables

    def where(self) -> str:
        """The valid range in words, e.g. ``[0, 1]`` or ``≥ 0``."""
        if self.low is None:
            return "any value" if self.high is None else f"≤ {self.high:g}"
        return f"[{self.low:g}, {self.high:g}]" if self.high is not None else f"≥ {self.low:g}"


@dataclass(frozen=True)
class ParameterPrior:
    """One model input: a frozen distribution (or a fixed value) in canonical units."""

    name: str
    unit: str
    dist: Any | None  # frozen scipy.stats distribution; None when fixed
    fixed_value: float | None
    origin: str  # "figure <id>: ..." or "assumption: ..." in one line
    figure_id: str | None = None

    @property
    def is_uncertain(self) -> bool:
        return self.dist is not None

    def median(self) -> float:
        return float(self.fixed_value) if self.dist is None else float(self.dist.ppf(0.5))  # type: ignore[arg-type]


def pert(low: float, mode: float, high: float) -> Any:
    """Beta-PERT distribution on [low, high] with the given mode (a frozen ``scipy.stats.beta``)."""
    width = high - low
    a = 1 + 4 * (mode - low) / width
    b = 1 + 4 * (high - mode) / width
    return stats.beta(a, b, loc=low, scale=width)


def truncnorm(mean: float, sd: float, low: float | None, high: float | None) -> Any:
    """Normal(mean, sd) truncated to [low, high] (either may be None: unbounded on that side)."""
    if low is None and high is None:
        return stats.norm(mean, sd)
    a = -np.inf if low is None else (low - mean) / sd
    b = np.inf if high is None else (high - mean) / sd
    return stats.truncnorm(a, b, loc=mean, scale=sd)


def fit_range(low: float, high: float, *, ci: float, shape: str, info: ParameterInfo) -> Any:
    """A distribution whose central ``ci`` interval is [low, high] (canonical units).

    ``normal`` is truncated to the parameter's valid range and its mean and sd are solved
    so that low and high stay the interval's ends after truncation; ``uniform`` spreads the
    remaining ``1 - ci`` evenly beyond low and high; ``lognormal`` is not truncated (the
    validation refuses one that crosses the valid range, see ``model.inputs.priors``).
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
    dist = truncnorm(mean, sd, info.low, info.high)
    target = np.array([(1 - ci) / 2, (1 + ci) / 2])
    if np.allclose(dist.cdf([low, high]), target, atol=1e-9):
        return dist

    def miss(x: np.ndarray) -> np.ndarray:
        return truncnorm(x[0], float(np.exp(x[1])), info.low, info.high).cdf([low, high]) - target

    # a range that crosses the valid range (a figure's spread above 1: low below zero) has no exact
    # fit; the search then tries widths near zero, whose divisions by zero are not the user's business
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        fit = optimize.least_squares(miss, [mean, np.log(sd)], xtol=1e-12, ftol=1e-12)
    if fit.success and np.max(np.abs(fit.fun)) < 1e-6:
        return truncnorm(fit.x[0], float(np.exp(fit.x[1])), info.low, info.high)
    return dist  # no truncated normal has these quantiles; the support check reports the cut
