"""Which charts a scenario run gets, and a batch: with their titles, labels and captions.

The words come from the output catalogue (:mod:`model.core.catalogue`: chart titles, axis
labels, units, the headline lists :data:`FAN_TRAJECTORIES` and :data:`HISTOGRAM_METRICS`);
the drawing from the chart modules of this package, which only draw. Each chart is named
with a file stem; saving is the caller's job (:func:`..saving.save_figure`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, TypeVar

import numpy as np
from matplotlib.figure import Figure

from ...analysis.calibration import ObservedFigure
from ...analysis.outcome import RunResult
from ...core.catalogue import FAN_TRAJECTORIES, HISTOGRAM_METRICS, METRICS, TRAJECTORIES, applies
from ...features.logistics.figures import logistics_figures
from ...inputs.registry import Registry
from ...inputs.units import conversion_factor
from ...sensitivity import convergence
from .. import texts
from ..analyst_figures import analyst_figures
from ..numbers import format_count
from ..predictive_figures import predictive_check_figures
from ..summary import Bands
from .comparison import scenario_comparison
from .cutoff import cutoff_chart
from .distributions import metric_histogram
from .fans import fan_chart
from .sensitivity import convergence_plot, sobol_bars, tornado_chart
from .style import format_number
from .words import current, language, unit, w

__all__ = ["run_figures", "comparison_figures", "caption_for", "CUTOFF_TITLE"]

CUTOFF_TITLE = "Russia's shell stock and shortfall after North Korean deliveries stop"  # runchart.cutoff_title
_PRIOR_NOTE = " Inputs varied over their prior ranges (before calibration)."  # runchart.prior_note


# Distribution charts (histograms, convergence) draw the first 1,048,576 futures: the same picture as ten
# million, in bounded time and memory (the summary numbers use every sample).
CHART_SAMPLES = 1_048_576


def _metric_axis(metric: str) -> str:
    """Axis label of a per-sample metric: its catalogue axis label, or its header and unit (in the
    charts' language)."""
    entry = METRICS[metric]
    short = texts.header(metric, current())
    key = f"metric.{metric}.axis_label"  # the metric's own (a trajectory of the same name has another)
    own = texts.text(key, current()) if texts.has(key) else ""
    return own or (short if "(" in short else f"{short} ({unit(entry.unit)})")


def output_title(name: str) -> str:
    """An output's chart title (else its description) in the charts' language."""
    return texts.title(name, current())


def _sentence_start(text: str) -> str:
    return text[:1].upper() + text[1:]


# input figures that can be drawn on a trajectory as a point at their date
_INPUT_FIGURES_ON = {"ru_shell_production_per_year": "ru_production", "nk_soldiers_kursk": "troops_in_theatre"}


def caption_for(run: RunResult, claimants: Sequence[str]) -> str:
    """The caption line of a run's chart: scenario, samples, seed, calibration, who reported."""
    sc, lang = run.scenario, current()
    who = "; ".join(dict.fromkeys(claimants))
    calib = w("caption_calibrated", ess=format_count(run.calibration.effective_sample_size, lang)) \
        if run.calibration.calibrated else ""
    text = w("caption", name=sc.name, samples=format_count(sc.samples, lang), sampling=sc.sampling, seed=sc.seed,
             calibrated=calib)
    return text + (w("caption_reported", who=who) if who else "")


def _figure_value(value: str) -> str:
    """A reported value as the registry writes it ("3,000,000"), in the charts' language."""
    from ..report.common import reported_value

    return reported_value(value, current())


def _claimant(fig: Any) -> str:
    """Who reported an article figure, short (before the first comma), in the charts' language."""
    key = f"figure.{fig.id}.claimant"
    words = texts.text(key, current()) if current() != "en" and texts.has(key) else fig.claimant
    return str(words).split(",")[0]


def claim_label(obs: ObservedFigure, display_value: str, claimant: str) -> str:
    """A figure's legend entry as the claim it is: "≤ 3.5 M, a count from transport images (…)",
    "“schon Hunderte”: at least 200 (…)", "20 bn at an open date (…)"."""
    value = _figure_value(display_value)
    if obs.kind == "words":
        return w("claim_words", words=obs.words, low=format_number(obs.allowed[0]), claimant=claimant) if (
            obs.bound == "at_least") else w("claim_words_interval", words=obs.words, low=format_number(obs.low),
                                             high=format_number(obs.high), claimant=claimant)
    if obs.kind == "capacity":
        return w("claim_capacity", value=value, claimant=claimant)
    if obs.kind == "total_undated":
        return w("claim_undated", value=value, first=obs.months[0], last=obs.months[-1], claimant=claimant)
    return f"{value} ({claimant})"


def _points(run: RunResult, registry: Registry, trajectory: str) -> tuple[list[dict], list[str]]:
    points, claimants = [], []
    for obs in run.observed:
        if obs.output == trajectory:
            fig = registry.get(obs.figure_id)
            points.append({"month": obs.month, "value": obs.reported, "low": obs.low, "high": obs.high,
                           "kind": obs.kind, "allowed": obs.allowed, "months": obs.months,
                           "label": claim_label(obs, fig.display_value, _claimant(fig))})
            claimants.append(_claimant(fig))
    for fid, traj in _INPUT_FIGURES_ON.items():
        if traj != trajectory or fid in run.scenario.observations or fid not in registry:
            continue
        fig = registry.get(fid)
        month = fig.as_of_month()
        if month not in run.timeline.months or fig.value is None:
            continue
        f = conversion_factor(fig.unit, TRAJECTORIES[traj].unit)
        points.append({"month": month, "value": fig.value * f, "low": None, "high": None,
                       "label": w("input_point", value=_figure_value(fig.display_value), unit=unit(fig.unit),
                                  claimant=_claimant(fig))})
        claimants.append(_claimant(fig))
    return points, claimants


_Item = TypeVar("_Item")


def _in_language(items: Iterator[_Item], lang: str) -> Iterator[_Item]:
    """``items``, each one made inside ``with language(lang)`` (the charts' words and numbers)."""
    while True:
        with language(lang):
            try:
                item = next(items)
            except StopIteration:
                return
        yield item


def run_figures(run: RunResult, registry: Registry, bands: dict[str, Bands],
                lang: str = "en") -> Iterator[tuple[str, str, Figure]]:
    """``(file stem, title, figure)`` for every chart of one run, one at a time, in ``lang``.

    ``bands`` are the trajectories' quantiles (``model.presentation.summary.trajectory_bands``).
    The convergence charts' running statistics are computed here, one chart at a time.
    """
    return _in_language(_run_figures(run, registry, bands), lang)


def _run_figures(run: RunResult, registry: Registry, bands: dict[str, Bands]) -> Iterator[tuple[str, str, Figure]]:
    lang = current()
    months = run.timeline.months
    calibrated = run.calibration.calibrated
    for name in FAN_TRAJECTORIES:
        entry = TRAJECTORIES[name]
        # the trajectory's own words (a metric of the same name has others), as the catalogue's entry
        title = texts.trajectory_text(name, "chart_title", lang) or output_title(name)
        ylabel = texts.trajectory_text(name, "axis_label", lang) or unit(entry.unit)
        points, claimants = _points(run, registry, name)
        fig = fan_chart(
            months, bands[name].calibrated, title=title, ylabel=ylabel,
            caption=caption_for(run, claimants), observations=points,
            prior_quantiles=bands[name].prior if calibrated else None,
            series_label=w("model_calibrated") if calibrated else w("model"),
        )
        yield f"fan_{name}", title, fig
    for metric in HISTOGRAM_METRICS:
        if not applies(metric, has_cutoff=run.timeline.cutoff is not None):
            continue
        label = output_title(metric)
        title = w("prior_and_calibrated", label=_sentence_start(label)) if calibrated else label
        same = run.prior.metrics[metric] is run.calibrated.metrics[metric]
        fig = metric_histogram(
            run.prior.metrics[metric][:CHART_SAMPLES], posterior_weights=run.weights[:CHART_SAMPLES] if calibrated else None,
            posterior=None if same or not calibrated else run.calibrated.metrics[metric][:CHART_SAMPLES],
            title=title, xlabel=_metric_axis(metric), caption=caption_for(run, []),
        )
        yield f"hist_{metric}", title, fig
    for d in run.drivers:
        label = output_title(d.metric)
        pretty = [texts.parameter_label(n, lang) for n in d.names]
        if d.swing_low is not None:
            swing_high, swing_baseline = d.swing_high, d.swing_baseline
            assert swing_high is not None and swing_baseline is not None  # set together with swing_low
            title = w("what_moves", label=label)
            fig = tornado_chart(pretty, d.swing_low, swing_high, swing_baseline, title=title,
                                xlabel=_metric_axis(d.metric), caption=caption_for(run, []) + w("prior_note"))
            yield f"tornado_{d.metric}", title, fig
        if d.ST is not None:
            s1, s1_low, s1_high, st_low, st_high = d.S1, d.S1_low, d.S1_high, d.ST_low, d.ST_high
            # all Sobol arrays are set together with ST
            assert s1 is not None and s1_low is not None and s1_high is not None
            assert st_low is not None and st_high is not None
            title = w("sobol_title", label=label)
            fig = sobol_bars(pretty, s1, s1_low, s1_high, d.ST, st_low, st_high, title=title,
                             caption=caption_for(run, []) + w("prior_note"))
            yield f"sobol_{d.metric}", title, fig
    for metric in [d.metric for d in run.drivers] or ["nk_share_of_fired"]:
        values = run.metrics[metric][:CHART_SAMPLES]
        finite = np.isfinite(values)
        if finite.sum() < 2:
            continue
        conv = convergence(values[finite], weights=run.weights[:CHART_SAMPLES][finite] if calibrated else None)
        title = w("convergence_title", label=output_title(metric))
        fig = convergence_plot(conv["n"], conv["mean"], conv["mean_low"], conv["mean_high"],
                               conv["q_low"], conv["q_high"], title=title, ylabel=_metric_axis(metric),
                               caption=caption_for(run, []))
        yield f"convergence_{metric}", title, fig
    if run.timeline.cutoff is not None:
        stock, short = TRAJECTORIES["ru_stock"], TRAJECTORIES["shortfall"]
        fig = cutoff_chart(months, bands["ru_stock"].calibrated, bands["shortfall"].calibrated,
                           cutoff_month=months[run.timeline.cutoff], title=w("cutoff_title"),
                           caption=caption_for(run, []),
                           panels=((texts.label("ru_stock", lang), f"{texts.header('ru_stock', lang)} ({unit(stock.unit)})"),
                                   (texts.label("shortfall", lang),
                                    f"{texts.header('shortfall', lang)} ({unit(short.unit)})")))
        yield "cutoff_stock_shortfall", w("cutoff_caption"), fig
    yield from predictive_check_figures(run, registry)  # ppc_*: shown beside the report's calibration table
    yield from logistics_figures(run)  # logistics_*: the discrete-event study, shown in its own report section
    yield from analyst_figures(run)  # discovery_*, convergence_stopping, corner_inputs (..analyst_figures)


def comparison_figures(summaries: Sequence[dict], caption: str, lang: str = "en") -> Iterator[tuple[str, str, Figure]]:
    """The headline metrics side by side across scenarios (from their summary.json content),
    one chart at a time, in ``lang``."""
    return _in_language(_comparison_figures(summaries, caption), lang)


def _comparison_figures(summaries: Sequence[dict], caption: str) -> Iterator[tuple[str, str, Figure]]:
    names = [s["scenario"] for s in summaries]
    for metric in HISTOGRAM_METRICS:
        stats = [s["metrics"].get(metric) for s in summaries]
        if not any(stats):
            continue
        title = w("across", label=output_title(metric))
        fig = scenario_comparison(names, stats, title=title, ylabel=_metric_axis(metric), caption=caption)
        yield f"compare_{metric}", title, fig
