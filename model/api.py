"""The public entry points with the registry filled in for you (re-exported by ``model``)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .analysis.outcome import RunResult
from .experiment import run_scenario as _run_scenario
from .inputs.figure_files import registry_with_files
from .inputs.loading import ResolvedScenario
from .inputs.problems import Problem
from .inputs.registry import Registry, load_registry
from .inputs.schema import Scenario
from .inputs.validation import validate_files as _validate_files

__all__ = ["run_scenario", "validate_files"]


def validate_files(paths: Sequence[str | Path], registry: Registry | None = None
                   ) -> tuple[list[ResolvedScenario], list[Problem]]:
    """Validate scenario files; returns the valid ones and every problem (file, line, field, message)."""
    return _validate_files(paths, registry if registry is not None else load_registry())


def run_scenario(scenario: Scenario, registry: Registry | None = None, *, samples: int | None = None,
                 seed: int | None = None) -> RunResult:
    """Run one validated scenario in this process: sample, simulate, calibrate, analyse (no files written).

    The figures of the scenario's ``figure_files`` are added to the registry when it lacks them."""
    registry = registry if registry is not None else load_registry()
    if getattr(scenario, "figure_files", None):
        registry = registry_with_files(scenario.figure_files, registry)
    return _run_scenario(scenario, registry, samples=samples, seed=seed)
