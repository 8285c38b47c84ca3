"""Is a scenario runnable? The schema's checks plus those that need the built priors.

``model.scenario`` checks what the schema can see (types, keys, ranges, figures, units,
events); here the priors are also built and refused when they put weight outside a
parameter's valid range, and a batch is refused when two scenarios share a name.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .loading import ResolvedScenario, ScenarioError, load_scenario
from .priors import scenario_priors, support_problems
from .registry import Registry
from .safe_yaml import Problem

__all__ = ["validate_files", "prior_problems"]


def prior_problems(resolved: ResolvedScenario, registry: Registry) -> list[Problem]:
    """Problems of the scenario's priors, each at the line of its parameter."""
    problems = []
    registry = resolved.registry if resolved.registry is not None else registry  # plus its figure files
    for name, message in support_problems(scenario_priors(resolved.scenario, registry)):
        where = (("fire_periods", name.removeprefix("fire_factor_"), "factor") if name.startswith("fire_factor_")
                 else ("parameters", name))
        file, line = resolved.origins.get(where, resolved.origins.get(where[:2], (str(resolved.path), None)))
        problems.append(Problem(file, line, ".".join(where), message))
    return problems


def validate_files(paths: Sequence[str | Path], registry: Registry) -> tuple[list[ResolvedScenario], list[Problem]]:
    """Validate every file; also refuse two scenarios that would share a results folder.

    Returns the valid scenarios (each with its ``warnings``: valid numbers likely in the wrong unit)
    and the problems of the others (a refused file's warnings among them, marked as such)."""
    resolved: list[ResolvedScenario] = []
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for path in paths:
        try:
            r = load_scenario(path, registry=registry)
        except ScenarioError as exc:
            problems.extend(exc.problems)
            continue
        found = prior_problems(r, registry)
        if found:
            problems.extend(sorted(found + r.warnings, key=lambda p: (p.file, p.line or 0)))
            continue
        name = r.scenario.name
        if name in seen:
            line = r.origins.get(("name",), (str(path), None))[1]
            problems.append(Problem(str(path), line, "name", f"'{name}' is also the name of {seen[name]}; "
                                    "each scenario needs its own results folder"))
            continue
        seen[name] = str(path)
        resolved.append(r)
    return resolved, problems
