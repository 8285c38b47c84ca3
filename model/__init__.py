"""Scenario-simulation model of Russia's artillery-supply dependency on North Korea.

The public API (everything else is reachable through the subpackages)::

    import model
    resolved = model.load_scenario("scenarios/baseline.yaml")      # FILE:LINE errors as ScenarioError
    run = model.run_scenario(resolved.scenario, samples=4096)       # sample, simulate, calibrate
    results = model.read_results("results/baseline")                # a run's files: typed summary, DataFrames
    outcome = model.simulate(params, timeline)                      # the equations alone
    model.sobol_analysis(func, distributions, 1024, seed=1)         # generic Sobol indices

Layers, lowest first, each importing only those below it: ``core`` (numpy only: months,
the output catalogue, the timeline, the equations) -> ``inputs`` (YAML, units, registry,
schema, priors, sampling) -> ``analysis`` and ``sensitivity`` (numbers, no sentences) ->
``summary`` (the typed run summary, numbers only) -> ``presentation`` (every number and sentence a
person reads) and ``storage`` (every file written) -> ``experiment``, ``batch``, ``cli``. Each optional
feature keeps its spec, computation, summary block, charts and report section in one folder
(``model.features``).

Names are loaded on first use, so ``import model.core.dynamics`` stays numpy-only.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from ._version import __version__

__all__ = ["ScenarioError", "__version__", "load_scenario", "read_results", "run_scenario", "simulate",
           "sobol_analysis", "validate_files"]

_WHERE = {
    "ScenarioError": ("model.inputs.loading", "ScenarioError"),
    "load_scenario": ("model.inputs.loading", "load_scenario"),
    "simulate": ("model.core.dynamics", "simulate"),
    "sobol_analysis": ("model.sensitivity", "sobol_analysis"),
    "validate_files": ("model.api", "validate_files"),
    "run_scenario": ("model.api", "run_scenario"),
    "read_results": ("model.results", "read_results"),
}

if TYPE_CHECKING:  # for type checkers and readers: the same names, imported eagerly
    from .api import run_scenario, validate_files
    from .core.dynamics import simulate
    from .inputs.loading import ScenarioError, load_scenario
    from .results import read_results
    from .sensitivity import sobol_analysis


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        module, attr = _WHERE[name]
        value = getattr(import_module(module), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'model' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
