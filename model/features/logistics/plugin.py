"""The discrete-event delivery chain as an optional feature: the scenario's ``logistics:`` section."""

from __future__ import annotations

from typing import Any

from ..base import ComputeContext, Feature
from . import codec
from .figures import logistics_figures
from .report import section
from .run import logistics_plan, run_logistics
from .spec import logistics_of
from .summary import summarise_logistics
from .words import chain_answers


def _compute(run: Any, context: ComputeContext) -> Any:
    """Replications of the chain on samples of the calibrated result, over the run's executor."""
    settings = logistics_of(run.scenario)
    assert settings is not None
    return run_logistics(run, logistics_plan(settings, run.scenario.window.start), seed=context.seed,
                         map_blocks=context.map_blocks)


FEATURE = Feature(
    name="logistics",
    applies=lambda scenario: logistics_of(scenario) is not None,
    compute=_compute,
    summarise=lambda run: summarise_logistics(run.features.get("logistics")),
    to_json=codec.to_json,
    from_json=codec.from_json,
    answers=chain_answers,
    figures=logistics_figures,
    section=section,
)
