"""Turn each validated parameter spec into its prior, and check the priors can run.

All priors are in the parameter's canonical unit (see ``model.inputs.schema.PARAMETER_INFO``);
each spec class builds its own (``model.inputs.specs``), converting the unit an analyst wrote
by an explicit factor. How an article figure becomes a distribution: its value (converted) is
the centre, and the 90 % range is ``value × (1 ± spread)``, where ``spread`` comes from the
scenario or, failing that, from the figure's reliability
(``model.inputs.registry.DEFAULT_RELATIVE_SPREAD``). Normal distributions are truncated to the
parameter's valid range, so a count is never negative and a rate never above 1.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from ..core.structure import SWITCHES, switch_of_parameter
from .distributions import ParameterInfo, ParameterPrior
from .registry import Registry
from .schema import PARAMETER_INFO, Parameters, Scenario
from .structure_specs import fire_factor_info, section_priors

# Largest magnitude any input may reach (in its canonical unit) within its 1e-6..1-1e-6 quantiles:
# far above any real stock or price (the world makes ~1e7 shells a year) and far below float overflow.
MAX_MAGNITUDE = 1e15

__all__ = ["MAX_MAGNITUDE", "ParameterPrior", "build_priors", "scenario_priors", "support_problems", "info_of"]


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
        info = info_of(prior.name)
        if info is None or info.unit == "choice":  # a structural choice: a discrete prior over its choices
            continue
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


def build_priors(parameters: Parameters, registry: Registry) -> list[ParameterPrior]:
    """One prior per model parameter, in the schema's order (the story's order)."""
    return [getattr(parameters, name).prior(info, registry) for name, info in PARAMETER_INFO.items()]


def scenario_priors(scenario: Scenario, registry: Registry) -> list[ParameterPrior]:
    """Every uncertain input of a scenario's run: the parameters, then the fire periods' factors and
    the uncertain structural switches (``model.inputs.structure_specs``)."""
    return build_priors(scenario.parameters, registry) + section_priors(scenario, registry)


def info_of(name: str) -> ParameterInfo | None:
    """What an input is: a parameter, a fire period's factor, or an uncertain structural switch (its
    unit ``choice``: the index of the choice); None for an unknown name."""
    if name in PARAMETER_INFO:
        return PARAMETER_INFO[name]
    if name.startswith("fire_factor_"):
        return fire_factor_info(name.removeprefix("fire_factor_"))
    switch = switch_of_parameter(name)
    if switch is not None:
        choices = SWITCHES[switch].choices
        return ParameterInfo(name=name, unit="choice", low=0.0, high=float(len(choices) - 1),
                             description=f"{switch}: " + " | ".join(choices), label=switch.replace("_", " "))
    return None
