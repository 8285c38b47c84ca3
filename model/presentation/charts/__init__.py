"""The charts: one module per kind, each function data in, figure out.

=====================  ==============================================================
module                 what it draws
=====================  ==============================================================
:mod:`.fans`           monthly outputs as median with 50 % / 90 % bands, article figures
:mod:`.distributions`  histograms of a per-sample metric, prior against calibrated
:mod:`.sensitivity`    tornado (one-at-a-time swings), Sobol bars, convergence
:mod:`.comparison`     one metric across scenarios
:mod:`.cutoff`         stock and shortfall after North Korean deliveries stop
:mod:`.for_run`        which charts a scenario run and a batch get, with their words
=====================  ==============================================================

Shared: :mod:`.style` (colours, fonts, number formats, titles, captions), :mod:`.dates`
(month axes), :mod:`.legend` (legend placement), :mod:`.render` (the Agg canvas) and
:mod:`.saving` (:func:`save_figure`, the only function that writes).

Every plotting function takes plain data (numpy arrays, lists, dicts) and an optional
``ax=`` (draw into an existing axes; the returned figure is ``ax.figure``), and returns
the :class:`matplotlib.figure.Figure`. None runs the model, reads a file or chooses a file
name. Figures are made with the object-oriented API, not pyplot: nothing global is kept.
Titles and axis labels come from the caller (for a run: from the output catalogue,
:mod:`model.core.catalogue`, through :mod:`.for_run`).
"""

from __future__ import annotations

from .comparison import scenario_comparison
from .cutoff import cutoff_chart
from .dates import months_to_dates
from .distributions import metric_histogram
from .fans import fan_chart
from .saving import save_figure
from .sensitivity import convergence_plot, sobol_bars, tornado_chart
from .style import FIGSIZE, PALETTE, big_number_formatter, format_number

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
