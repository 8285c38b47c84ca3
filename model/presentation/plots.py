"""Former home of the charts, now :mod:`model.presentation.charts` (one module per kind).

Kept only so that modules not yet moved keep importing; new code imports from
``model.presentation.charts`` (or its modules: ``.style``, ``.dates``, ``.saving``, ...).
"""

from __future__ import annotations

from .charts import (
    FIGSIZE,
    PALETTE,
    big_number_formatter,
    convergence_plot,
    cutoff_chart,
    fan_chart,
    format_number,
    metric_histogram,
    months_to_dates,
    save_figure,
    scenario_comparison,
    sobol_bars,
    tornado_chart,
)

__all__ = [
    "FIGSIZE",
    "PALETTE",
    "big_number_formatter",
    "convergence_plot",
    "cutoff_chart",
    "fan_chart",
    "format_number",
    "metric_histogram",
    "months_to_dates",
    "save_figure",
    "scenario_comparison",
    "sobol_bars",
    "tornado_chart",
]
