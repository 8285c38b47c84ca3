"""The discrete-event delivery chain as an optional feature: the scenario's ``logistics:`` section."""

from __future__ import annotations

from typing import Any

from ...presentation import texts
from ..base import ComputeContext, Feature, Section, SectionContext
from .figures import logistics_figures
from .report import LOGISTICS_FIGURE_PREFIX, logistics_section
from .run import logistics_plan, run_logistics
from .spec import logistics_of
from .summary import logistics_entry


def _compute(run: Any, context: ComputeContext) -> Any:
    """Replications of the chain on samples of the calibrated result, over the run's executor."""
    settings = logistics_of(run.scenario)
    assert settings is not None
    return run_logistics(run, logistics_plan(settings, run.scenario.window.start), seed=context.seed,
                         map_blocks=context.map_blocks)


def _section(ctx: SectionContext, block: dict[str, Any]) -> Section | None:
    figures = [row for stem, row in ctx.figures.items() if stem.startswith(LOGISTICS_FIGURE_PREFIX)]
    view = logistics_section({"logistics": block}, figures, ctx.lang)
    if view is None:
        return None
    lead = view.disruptions[0].story[0] if view.disruptions and view.disruptions[0].story else ""
    return Section("logistics", texts.text("chain.heading", ctx.lang), "features/logistics/section.html.j2", view, lead)


FEATURE = Feature(
    name="logistics",
    applies=lambda scenario: logistics_of(scenario) is not None,
    compute=_compute,
    summarise=lambda run: logistics_entry(run.features.get("logistics")).get("logistics"),
    to_json=lambda block: {} if block is None else {"logistics": block},
    from_json=lambda d: d.get("logistics"),
    figures=logistics_figures,
    section=_section,
)
