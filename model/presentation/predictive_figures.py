"""Posterior predictive checks: one figure per observed figure, for the report's calibration section.

For each reported figure the run compares with, what a report at its date was expected to
say before calibration (prior predictive) and after (calibrated predictive): each future's
model value at that date times the figure's lognormal error (``model.analysis.predictive``),
drawn as a density with the reported value and its 90 % error range. File stems are
``ppc_<figure id>``; the report shows them beside the calibration table.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator

import numpy as np
from matplotlib.figure import Figure

from ..analysis.outcome import RunResult
from ..analysis.predictive import compressed, mixture_density, mixture_quantiles, predictive
from ..core.catalogue import TRAJECTORIES
from ..inputs.registry import Registry
from . import texts
from .charts.predictive import predictive_check_chart
from .charts.words import current
from .numbers import format_count, format_value

__all__ = ["predictive_check_figures", "PREFIX"]

PREFIX = "ppc_"
_GRID = 600
_LOG_AXIS_RATIO = 20.0  # a log x axis when the drawn range spans more than this factor


def _tick_format(unit: str, lang: str = "en") -> Callable[[float], str]:
    def fmt(x: float) -> str:
        return "0" if x == 0 else format_value(x, unit, lang)
    return fmt


def _short(figure_id: str, who: str, lang: str) -> str:
    """Who reported a figure, in a legend: the catalogue's short name in another language (German
    claimants run long), else as in the caption."""
    key = f"figure.{figure_id}.claimant_short"
    return texts.text(key, lang) if lang != "en" and texts.has(key) else who


def predictive_check_figures(run: RunResult, registry: Registry) -> Iterator[tuple[str, str, Figure]]:
    """``(file stem, title, figure)`` of the predictive check of every observed figure."""
    calibrated = run.calibration.calibrated
    lang = current()  # drawn inside charts.words.language(...) by charts.for_run
    for j, o in enumerate(run.observed):
        after = compressed(predictive(run.calibrated.observed_values[:, j], o.sigma_log, run.weights))
        before = compressed(predictive(run.prior.observed_values[:, j], o.sigma_log)) if calibrated else None
        ends = [mixture_quantiles(after, [0.005, 0.995])]
        if before is not None:
            ends.append(mixture_quantiles(before, [0.005, 0.995]))
        marks = [x for x in (o.low, o.high, o.reported) if x is not None and math.isfinite(x) and x > 0]
        lo = min(min(math.exp(e[0]) for e in ends), *marks)
        hi = max(max(math.exp(e[1]) for e in ends), *marks)
        log_x = hi > _LOG_AXIS_RATIO * lo
        if log_x:  # a long right tail: a log axis, densities per unit of log value
            grid = np.geomspace(lo / 1.15, hi * 1.15, _GRID)
            jacobian = np.ones(_GRID)
        else:  # densities of the report itself, p(log y) / y
            pad = 0.04 * (hi - lo)
            grid = np.linspace(max(lo - pad, 0.0), hi + pad, _GRID)
            jacobian = 1.0 / np.maximum(grid, 1e-300)
        safe = np.log(np.maximum(grid, 1e-300))
        dens_after = mixture_density(after, safe) * jacobian
        dens_before = mixture_density(before, safe) * jacobian if before is not None else None
        entry = TRAJECTORIES[o.output]
        unit = entry.unit
        fig_ = registry.get(o.figure_id) if o.figure_id in registry else None
        key = f"figure.{o.figure_id}.claimant"
        claimant = texts.text(key, lang) if fig_ is not None and lang != "en" and texts.has(key) else \
            (fig_.claimant if fig_ is not None else "")
        who = claimant.split(",")[0] if fig_ is not None else texts.text("ppc.its_claimant", lang)
        allowed_low, allowed_high = o.allowed
        if o.kind == "words":
            title = texts.text("ppc.title_words", lang, id=o.figure_id, words=o.words, month=o.month)
            span_label = texts.text("ppc.span_words_at_least" if o.bound == "at_least" else "ppc.span_words", lang,
                                    words=o.words, low=format_value(allowed_low, unit, lang),
                                    high=format_value(o.high, unit, lang))
        elif o.kind == "capacity":
            assert o.reported is not None
            title = texts.text("ppc.title_capacity", lang, id=o.figure_id, value=format_value(o.reported, unit, lang),
                               month=o.month)
            span_label = texts.text("ppc.span_capacity", lang, low=format_value(allowed_low, unit, lang),
                                    high=format_value(allowed_high, unit, lang))
        elif o.kind == "total_undated":
            assert o.reported is not None
            title = texts.text("ppc.title_undated", lang, id=o.figure_id, value=format_value(o.reported, unit, lang),
                               first=o.months[0], last=o.months[-1])
            span_label = None
        else:
            assert o.reported is not None
            title = texts.text("ppc.title", lang, id=o.figure_id, value=format_value(o.reported, unit, lang),
                               month=o.month)
            span_label = None
        span = (o.low, o.high) if span_label is None else (allowed_low, allowed_high)
        sc = run.scenario
        how = texts.text("ppc.how_calibrated", lang, method=run.calibration.method,
                         ess=format_count(run.calibration.effective_sample_size, lang)) if calibrated \
            else texts.text("ppc.how_not", lang)
        caption = texts.text("ppc.caption", lang, name=sc.name, samples=format_count(sc.samples, lang), seed=sc.seed,
                             how=how, what=texts.trajectory_text(o.output, "description", lang) or entry.description,
                             month=o.month,
                             low=format_value(o.low, unit, lang), high=format_value(o.high, unit, lang), who=who)
        if o.kind != "count":
            caption += " " + texts.text(f"ppc.claim_{o.kind}", lang)
        fig = predictive_check_chart(
            grid, dens_before, dens_after, reported=o.reported, low=span[0], high=span[1], title=title,
            span_label=span_label,
            xlabel=texts.text("ppc.xlabel", lang, axis=texts.trajectory_text(o.output, "axis_label", lang) or entry.axis_label),
            caption=caption, value_format=_tick_format(unit, lang),
            reported_label=texts.text("ppc.reported_by", lang, who=_short(o.figure_id, who, lang)), log_x=log_x,
        )
        yield f"{PREFIX}{o.figure_id}", texts.text("ppc.figure_title", lang, id=o.figure_id), fig
