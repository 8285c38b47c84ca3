"""Which figures a scenario run gets, with their titles, labels and captions.

Draws from ``model.plots`` (which only draws) the figures for one run, and names
each with a file stem; saving is the caller's job.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
from matplotlib.figure import Figure

from ..analysis.outcome import RunResult
from ..core.catalogue import FAN_TRAJECTORIES, applies, HISTOGRAM_METRICS, METRICS, TRAJECTORIES
from ..core.catalogue import title as output_title
from ..inputs.registry import Registry
from ..inputs.schema import PARAMETER_INFO
from ..inputs.units import conversion_factor
from ..sensitivity import convergence
from . import plots
from .summary import Bands

__all__ = ["run_figures", "comparison_figures", "caption_for"]

# input figures that can be drawn on a trajectory as a point at their date
_INPUT_FIGURES_ON = {"ru_shell_production_per_year": "ru_production", "nk_soldiers_kursk": "troops_in_theatre"}


def caption_for(run: RunResult, claimants: Sequence[str]) -> str:
    sc = run.scenario
    who = "; ".join(dict.fromkeys(claimants))
    calib = f", calibrated (ESS {run.calibration.effective_sample_size:,.0f})" if run.calibration.calibrated else ""
    text = f"Scenario '{sc.name}': {sc.samples:,} samples ({sc.sampling}), seed {sc.seed}{calib}."
    return text + (f" Figures as reported by: {who}." if who else "")


def _points(run: RunResult, registry: Registry, trajectory: str) -> tuple[list[dict], list[str]]:
    points, claimants = [], []
    for obs in run.observed:
        if obs.output == trajectory:
            fig = registry.get(obs.figure_id)
            points.append({"month": obs.month, "value": obs.reported, "low": obs.low, "high": obs.high,
                           "label": f"{fig.display_value} ({fig.claimant.split(',')[0]})"})
            claimants.append(fig.claimant.split(",")[0])
    for fid, traj in _INPUT_FIGURES_ON.items():
        if traj != trajectory or fid in run.scenario.observations or fid not in registry:
            continue
        fig = registry.get(fid)
        month = fig.as_of_month()
        if month not in run.timeline.months or fig.value is None:
            continue
        f = conversion_factor(fig.unit, TRAJECTORIES[traj].unit)
        points.append({"month": month, "value": fig.value * f, "low": None, "high": None,
                       "label": f"{fig.display_value} {fig.unit} ({fig.claimant.split(',')[0]}, input)"})
        claimants.append(fig.claimant.split(",")[0])
    return points, claimants


def run_figures(run: RunResult, registry: Registry, bands: dict[str, Bands]) -> Iterator[tuple[str, str, Figure]]:
    """``(file stem, title, figure)`` for every figure of one run, one at a time.

    ``bands`` are the trajectories' quantiles (``model.summary.trajectory_bands``).
    """
    months = run.timeline.months
    for name in FAN_TRAJECTORIES:
        title, ylabel = TRAJECTORIES[name].chart_title, TRAJECTORIES[name].axis_label
        points, claimants = _points(run, registry, name)
        fig = plots.fan_chart(
            months, bands[name].calibrated, title=title, ylabel=ylabel,
            caption=caption_for(run, claimants), observations=points,
            prior_quantiles=bands[name].prior if run.calibration.calibrated else None,
            series_label="model (calibrated)" if run.calibration.calibrated else "model",
        )
        yield f"fan_{name}", title, fig
    for metric in HISTOGRAM_METRICS:
        if not applies(metric, has_cutoff=run.timeline.cutoff is not None):
            continue
        unit = METRICS[metric].unit
        label = output_title(metric)
        title = f"{label[0].upper()}{label[1:]}: prior and calibrated" if run.calibration.calibrated else label
        fig = plots.metric_histogram(
            run.metrics[metric], posterior_weights=run.weights if run.calibration.calibrated else None,
            title=title, xlabel=f"{metric} ({unit})", caption=caption_for(run, []),
        )
        yield f"hist_{metric}", title, fig
    for d in run.drivers:
        label = output_title(d.metric)
        prior_note = " Inputs varied over their prior ranges (before calibration)."
        pretty = [PARAMETER_INFO[n].label for n in d.names]
        if d.swing_low is not None:
            fig = plots.tornado_chart(pretty, d.swing_low, d.swing_high, d.swing_baseline,
                                      title=f"What moves it: {label}",
                                      xlabel=f"{d.metric} ({METRICS[d.metric].unit})",
                                      caption=caption_for(run, []) + prior_note)
            yield f"tornado_{d.metric}", f"What moves it: {label}", fig
        if d.ST is not None:
            fig = plots.sobol_bars(pretty, d.S1, d.S1_low, d.S1_high, d.ST, d.ST_low, d.ST_high,
                                   title=f"Sobol indices: {label}",
                                   caption=caption_for(run, []) + prior_note)
            yield f"sobol_{d.metric}", f"Sobol indices: {label}", fig
    for metric in [d.metric for d in run.drivers] or ["nk_share_of_fired"]:
        values = run.metrics[metric]
        finite = np.isfinite(values)
        if finite.sum() < 2:
            continue
        conv = convergence(values[finite], weights=run.weights[finite] if run.calibration.calibrated else None)
        label = output_title(metric)
        fig = plots.convergence_plot(conv["n"], conv["mean"], conv["mean_low"], conv["mean_high"],
                                     conv["q_low"], conv["q_high"], title=f"Convergence: {label}",
                                     ylabel=f"{metric} ({METRICS[metric].unit})", caption=caption_for(run, []))
        yield f"convergence_{metric}", f"Convergence: {label}", fig
    if run.timeline.cutoff is not None:
        fig = plots.cutoff_chart(months, bands["ru_stock"].calibrated, bands["shortfall"].calibrated, cutoff_month=months[run.timeline.cutoff],
                                 title="Russia's shell stock and shortfall after North Korean deliveries stop",
                                 caption=caption_for(run, []))
        yield "cutoff_stock_shortfall", "Stock and shortfall after the cut-off", fig


def comparison_figures(summaries: Sequence[dict], caption: str) -> list[tuple[str, str, Figure]]:
    """The same metrics side by side across scenarios (from their summary.json content)."""
    out = []
    names = [s["scenario"] for s in summaries]
    for metric in HISTOGRAM_METRICS:
        stats = [s["metrics"].get(metric) for s in summaries]
        if not any(stats):
            continue
        unit = METRICS[metric].unit
        title = f"Across scenarios: {output_title(metric)}"
        fig = plots.scenario_comparison(names, stats, title=title, ylabel=f"{metric} ({unit})", caption=caption)
        out.append((f"compare_{metric}", title, fig))
    return out

