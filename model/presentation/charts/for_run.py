"""Which charts a run gets, with their titles, labels and captions, all read from its typed summary.

Every number a chart writes (the effective sample size, the calibrated median, the reported figures
as the claims they are) comes from the :class:`~model.summary.types.RunSummary`, the same the report
reads; the run's arrays (``RunResult``) are read only for what a summary does not hold (one value per
future for the distributions and the running statistics), and a chart that needs them is left out when
there is no run (a report made again from ``summary.json``).

By default (``figures="headline"``) a run gets its story (the reported figures against the model's
projection, the last reported month marked), its mechanisms over time, its payments, and the
per-metric charts (distribution, tornado, Sobol, running statistics) of its headline answers only;
``figures="all"`` adds every metric's, every fan chart and a predictive check per reported figure.
An optional feature's charts are its own (``model.features``). Each chart is named with a file stem;
saving is the caller's job (:func:`.saving.save_figure`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Literal, TypeVar

import numpy as np
from matplotlib.figure import Figure

from ...analysis.outcome import RunResult
from ...core.catalogue import FAN_TRAJECTORIES, HISTOGRAM_METRICS, METRICS, TRAJECTORIES
from ...features.base import Feature, FigureContext
from ...inputs.registry import Registry
from ...inputs.units import conversion_factor
from ...sensitivity import convergence
from ...summary.types import Drivers, Observation, RunSummary
from .. import texts
from ..numbers import format_count, format_value
from ..predictive_figures import predictive_check_figures
from .cutoff import cutoff_chart
from .distributions import metric_histogram
from .fans import fan_chart
from .panels import Mark, Panel, Series, panel_chart
from .sensitivity import convergence_plot, sobol_bars, tornado_chart
from .style import format_number, percent_formatter
from .words import current, language, unit, w

__all__ = ["FIGURE_SETS", "chart_jobs", "numbered_charts", "run_figures", "caption_for", "claim_label", "metric_axis",
           "STORY_TRAJECTORY"]

FigureSet = Literal["headline", "all"]
FIGURE_SETS: tuple[str, ...] = ("headline", "all")
Chart = tuple[str, str, Figure]

# Distribution charts (histograms, running statistics) draw the first 1,048,576 futures: the same picture
# as ten million, in bounded time and memory (the summary numbers use every sample).
CHART_SAMPLES = 1_048_576

#: The trajectory that tells a metric's story month by month.
STORY_TRAJECTORY = {
    "nk_share_of_fired": "nk_share_of_fired", "nk_deliveries_total": "nk_deliveries_cumulative",
    "shortfall_total": "shortfall", "months_short": "shortfall", "killed_total": "killed_cumulative",
    "payments_total_usd": "payments_cumulative_usd", "payments_share_of_nk_gdp": "payments_share_of_gdp_12m",
    "payments_total_over_nk_gdp": "payments_cumulative_usd", "months_to_fire_drop_after_cutoff": "shells_fired",
    "months_to_shortage_after_cutoff": "shortfall", "ru_stock_days_at_cutoff": "ru_stock_days",
    "depot_losses_total": "depot_losses", "ru_reserve_end": "ru_reserve",
}
STORY_PANELS = 6  # at most this many panels in the story chart

# input figures that can be drawn on a trajectory as a point at their date
_INPUT_FIGURES_ON = {"ru_shell_production_per_year": "ru_production", "nk_soldiers_kursk": "troops_in_theatre"}


def metric_axis(metric: str) -> str:
    """Axis label of a per-sample metric: its catalogue axis label, or its header and unit (in the
    charts' language)."""
    short = texts.header(metric, current())
    key = f"metric.{metric}.axis_label"  # the metric's own (a trajectory of the same name has another)
    own = texts.text(key, current()) if texts.has(key) else ""
    return own or (short if "(" in short else f"{short} ({unit(METRICS[metric].unit)})")


def caption_for(summary: RunSummary, claimants: Sequence[str] = ()) -> str:
    """The caption line of a run's chart: scenario, samples, seed, calibration, who reported."""
    lang = current()
    who = "; ".join(dict.fromkeys(claimants))
    cal = summary.calibration
    calib = w("caption_calibrated", ess=format_count(cal.effective_sample_size, lang)) if cal.calibrated else ""
    text = w("caption", name=summary.scenario, samples=format_count(summary.samples, lang), sampling=summary.sampling,
             seed=summary.seed, calibrated=calib)
    return text + (w("caption_reported", who=who) if who else "")


def _figure_value(value: str) -> str:
    """A reported value as the registry writes it ("3,000,000"), in the charts' language."""
    from ..report.common import reported_value

    return reported_value(value, current())


def _claimant(fig: Any) -> str:
    """Who reported an article figure, short (before the first comma, without a parenthesis), in the
    charts' language."""
    key = f"figure.{fig.id}.claimant"
    words = texts.text(key, current()) if current() != "en" and texts.has(key) else fig.claimant
    return re.sub(r"\s*\([^)]*\)", "", str(words).split(",")[0]).strip()


def claim_label(obs: Observation, display_value: str, claimant: str, unit_name: str = "") -> str:
    """A figure's legend entry as the claim it is: "at most about 3.5 M, counted from transport images (…)",
    "“schon Hunderte”: at least 200 (…)", "20 bn by an open date (…)"."""
    value = _figure_value(display_value) if obs.reported is None else (
        format_value(obs.reported, unit_name, current()) if unit_name == "fraction" else format_number(obs.reported))
    if obs.claim == "words":
        if obs.bound == "at_least":
            return w("claim_words", words=obs.words, low=format_number(obs.allowed[0]), claimant=claimant)
        return w("claim_words_interval", words=obs.words, low=format_number(obs.error_range[0]),
                 high=format_number(obs.error_range[1]), claimant=claimant)
    if obs.claim == "capacity":
        return w("claim_capacity", value=value, claimant=claimant)
    if obs.claim == "total_undated":
        return w("claim_undated", value=value, first=obs.months[0], last=obs.months[-1], claimant=claimant)
    return f"{value} ({claimant})"


def _points(summary: RunSummary, registry: Registry, trajectory: str) -> tuple[list[dict], list[str]]:
    """The reported figures on a trajectory (as claims), and the input figures that can be drawn on it."""
    points, claimants = [], []
    for obs in summary.observations:
        if obs.output == trajectory and obs.id in registry:
            fig = registry.get(obs.id)
            points.append({"month": obs.month, "value": obs.reported, "low": obs.error_range[0],
                           "high": obs.error_range[1], "kind": obs.claim, "allowed": obs.allowed,
                           "months": obs.months,
                           "label": claim_label(obs, fig.display_value, _claimant(fig), TRAJECTORIES[trajectory].unit)})
            claimants.append(_claimant(fig))
    observed = {o.id for o in summary.observations}
    for fid, traj in _INPUT_FIGURES_ON.items():
        if traj != trajectory or fid in observed or fid not in registry:
            continue
        fig = registry.get(fid)
        month = fig.as_of_month()
        if month not in summary.months or fig.value is None:
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


Job = Callable[[], Iterator[Chart]]  # draws one chart (or a feature's few) when called


def run_figures(summary: RunSummary, run: RunResult | None, registry: Registry, *,
                features: Sequence[Feature] = (), figures: FigureSet = "headline",
                lang: str = "en", part: tuple[int, int] = (0, 1)) -> Iterator[Chart]:
    """``(file stem, title, figure)`` for every chart of one run, one at a time, in ``lang``.

    ``part`` = (k, n): only the k-th of every n charts (by their order here), so that n processes can
    draw one run's charts side by side, each its own share (``model.storage.scenario_files``)."""
    return ((stem, title, fig) for _, stem, title, fig in numbered_charts(
        summary, run, registry, features=features, figures=figures, lang=lang, part=part))


def numbered_charts(summary: RunSummary, run: RunResult | None, registry: Registry, *,
                    features: Sequence[Feature] = (), figures: FigureSet = "headline", lang: str = "en",
                    part: tuple[int, int] = (0, 1)) -> Iterator[tuple[int, str, str, Figure]]:
    """:func:`run_figures` with each chart's place in the order of all (its job's number): processes that
    draw a share each can put their charts back in order."""
    if figures not in FIGURE_SETS:
        raise ValueError(f"figures must be one of {FIGURE_SETS}, not {figures!r}")
    k, n = part
    jobs = chart_jobs(summary, run, registry, features, figures == "all", lang)
    return _in_language(((i, *chart) for i, job in enumerate(jobs) if i % n == k for chart in job()), lang)


def _percent_axis(fig: Figure, axis: str, unit_name: str) -> Figure:
    """Shares in %: the given axis of the first panel gets % ticks when the unit is a fraction."""
    if unit_name == "fraction":
        getattr(fig.axes[0], axis).set_major_formatter(percent_formatter())
    return fig


def _trajectory_title(name: str) -> str:
    return texts.trajectory_text(name, "chart_title", current()) or texts.title(name, current())


def _trajectory_axis(name: str) -> str:
    return texts.trajectory_text(name, "axis_label", current()) or unit(TRAJECTORIES[name].unit)


def _series(summary: RunSummary, name: str, **kw: Any) -> Series:
    return Series(texts.trajectory_text(name, "short_label", current()) or texts.label(name, current()),
                  summary.bands[name].calibrated, **kw)


def _used(summary: RunSummary, name: str) -> bool:
    """Whether a trajectory is ever above zero (its 95th percentile): a series of zeros is left out."""
    return bool(np.nanmax(summary.bands[name].calibrated[0.95]) > 0)


def _marks(summary: RunSummary) -> list[Mark]:
    marks = []
    if summary.last_reported is not None and summary.last_reported in summary.months:
        marks.append(Mark(summary.last_reported, w("last_reported"), (0, (1.5, 2))))
    if summary.cutoff is not None:
        marks.append(Mark(summary.cutoff, w("deliveries_stop")))
    return marks


def story_chart(summary: RunSummary, registry: Registry) -> tuple[Figure, str]:
    """What was reported against what the model projects: each headline answer's trajectory, then each
    trajectory a reported figure is of, with the figures as the claims they are."""
    names = [o.output for o in summary.observations if o.output in TRAJECTORIES]
    names += [STORY_TRAJECTORY[m] for m in summary.headline if m in STORY_TRAJECTORY]
    names = [n for n in dict.fromkeys(names) if n in summary.bands][:STORY_PANELS]
    panels, claimants = [], []
    for name in names:
        points, who = _points(summary, registry, name)
        claimants += who
        panels.append(Panel(_trajectory_title(name), _trajectory_axis(name), [_series(summary, name)], points,
                            percent=TRAJECTORIES[name].unit == "fraction"))
    title = w("story_title")
    return panel_chart(summary.months, panels, title=title, caption=caption_for(summary, claimants),
                       marks=_marks(summary), columns=2 if len(panels) > 1 else 1), title


def mechanisms_chart(summary: RunSummary) -> tuple[Figure, str]:
    """How the answer comes about, month by month: where Russia's shells come from, what it wants to fire
    against what it fires, its depot in days of fire, and North Korea's stock."""
    b = summary.bands
    sources = [n for n in ("ru_production", "ru_reserve_release", "nk_usable_deliveries", "nk_refurbished")
               if n in b and _used(summary, n)]
    panels = [
        Panel(w("mech_sources"), unit("shells/month"), [_series(summary, n) for n in sources]),
        Panel(w("mech_fire"), unit("shells/month"), [_series(summary, "shells_fired"),
                                                      _series(summary, "shells_wanted", band=False, dashed=True)]),
        Panel(w("mech_depot"), unit("days"), [_series(summary, "ru_stock_days")]),
        Panel(w("mech_nk_stock"), unit("shells"), [_series(summary, n) for n in ("nk_stockpile", "nk_stock_old")
                                                   if _used(summary, n)] or [_series(summary, "nk_stockpile")]),
    ]
    title = w("mechanisms_title")
    return panel_chart(summary.months, panels, title=title, caption=caption_for(summary), marks=_marks(summary)), title


def payments_chart(summary: RunSummary) -> tuple[Figure, str]:
    """What Russia transfers, by category per month, and the last 12 months as a share of North Korea's GDP."""
    parts = [n for n in ("payments_shells", "payments_troops", "payments_missiles", "payments_technology",
                         "payments_other") if _used(summary, n)]
    panels = [Panel(w("pay_categories"), unit("usd/month"), [_series(summary, n, band=False) for n in parts]
                    or [_series(summary, "payments")]),
              Panel(w("pay_share"), "%", [_series(summary, "payments_share_of_gdp_12m")], percent=True)]
    title = w("payments_title")
    return panel_chart(summary.months, panels, title=title, caption=caption_for(summary), marks=_marks(summary)), title


def _sentence_start(text: str) -> str:
    return text[:1].upper() + text[1:]


def chart_jobs(summary: RunSummary, run: RunResult | None, registry: Registry, features: Sequence[Feature],
               every: bool, lang: str) -> list[Job]:
    """Every chart of the run as a job that draws it when called (in the charts' language, which
    :func:`run_figures` sets), in the order the report shows them."""
    metrics = [m for m in summary.metrics] if every else list(summary.headline)
    jobs: list[Job] = []

    def one(stem: str, draw: Callable[[], tuple[Figure, str]]) -> None:
        def job() -> Iterator[Chart]:
            fig, title = draw()
            yield stem, title, fig
        jobs.append(job)

    if summary.bands:
        one("story", lambda: story_chart(summary, registry))
        if summary.cutoff is not None:
            one("cutoff_stock_shortfall", lambda: (_cutoff(summary), w("cutoff_caption")))
        one("mechanisms", lambda: mechanisms_chart(summary))
        one("payments", lambda: payments_chart(summary))
    if every and summary.bands:
        for name in FAN_TRAJECTORIES:
            one(f"fan_{name}", lambda name=name: _fan(summary, registry, name))  # type: ignore[misc]
    if run is not None:
        shown = [m for m in dict.fromkeys([*HISTOGRAM_METRICS, *summary.headline]) if m in summary.metrics]
        for metric in [m for m in shown if m in metrics]:
            one(f"hist_{metric}", lambda metric=metric: _histogram(summary, run, metric))  # type: ignore[misc]
    for d in summary.drivers:
        if d.metric not in metrics:
            continue
        swings = [abs((i.swing_high or 0.0) - (i.swing_low or 0.0)) for i in d.inputs]
        # a tornado of no swing at all (every input alone leaves the answer where it is) shows nothing
        if d.swing_baseline is not None and all(i.swing_low is not None for i in d.inputs) and max(swings) > 0:
            one(f"tornado_{d.metric}", lambda d=d: _tornado(summary, d))  # type: ignore[misc]
        if d.method == "sobol":
            one(f"sobol_{d.metric}", lambda d=d: _sobol(summary, d))  # type: ignore[misc]
    if run is not None:
        for metric in [d.metric for d in summary.drivers if d.metric in metrics]:
            if np.isfinite(run.metrics[metric][:CHART_SAMPLES]).sum() >= 2:
                one(f"convergence_{metric}", lambda metric=metric: _convergence(summary, run, metric))  # type: ignore[misc]
        if every:
            jobs.append(lambda: predictive_check_figures(run, registry))  # ppc_*: one per reported figure
    context = FigureContext(summary, run, lambda claimants=(): caption_for(summary, claimants), lang, every)
    for feature in features:  # each optional feature's own charts, from its block
        block = summary.features.get(feature.name)
        if feature.figures is not None and block is not None:
            jobs.append(lambda feature=feature, block=block: feature.figures(context, block))  # type: ignore[misc]
    return jobs


def _cutoff(summary: RunSummary) -> Figure:
    lang = current()
    stock, short = TRAJECTORIES["ru_stock"], TRAJECTORIES["shortfall"]
    assert summary.cutoff is not None
    return cutoff_chart(summary.months, summary.bands["ru_stock"].calibrated, summary.bands["shortfall"].calibrated,
                        cutoff_month=summary.cutoff, title=w("cutoff_title"), caption=caption_for(summary),
                        panels=((texts.label("ru_stock", lang), f"{texts.header('ru_stock', lang)} ({unit(stock.unit)})"),
                                (texts.label("shortfall", lang), f"{texts.header('shortfall', lang)} ({unit(short.unit)})")))


def _fan(summary: RunSummary, registry: Registry, name: str) -> tuple[Figure, str]:
    calibrated = summary.calibration.calibrated
    points, claimants = _points(summary, registry, name)
    title = _trajectory_title(name)
    fig = fan_chart(summary.months, summary.bands[name].calibrated, title=title, ylabel=_trajectory_axis(name),
                    caption=caption_for(summary, claimants), observations=points,
                    prior_quantiles=summary.bands[name].prior if calibrated else None,
                    series_label=w("model_calibrated") if calibrated else w("model"))
    return _percent_axis(fig, "yaxis", TRAJECTORIES[name].unit), title


def _histogram(summary: RunSummary, run: RunResult, metric: str) -> tuple[Figure, str]:
    calibrated = summary.calibration.calibrated
    label = texts.title(metric, current())
    title = w("prior_and_calibrated", label=_sentence_start(label)) if calibrated else label
    same = run.prior.metrics[metric] is run.calibrated.metrics[metric]
    fig = metric_histogram(
        run.prior.metrics[metric][:CHART_SAMPLES], posterior_weights=run.weights[:CHART_SAMPLES] if calibrated else None,
        posterior=None if same or not calibrated else run.calibrated.metrics[metric][:CHART_SAMPLES],
        title=title, xlabel=metric_axis(metric), caption=caption_for(summary),
        ess=summary.calibration.effective_sample_size if calibrated else None)
    return _percent_axis(fig, "xaxis", METRICS[metric].unit), title


def _tornado(summary: RunSummary, d: Drivers) -> tuple[Figure, str]:
    lang = current()
    unit_name = METRICS[d.metric].unit
    title = w("what_moves", label=texts.title(d.metric, lang))
    centre = summary.metrics[d.metric].p50 if summary.calibration.calibrated else None
    assert d.swing_baseline is not None
    fig = tornado_chart([texts.parameter_label(i.name, lang) for i in d.inputs],
                        np.array([i.swing_low for i in d.inputs], dtype=float),
                        np.array([i.swing_high for i in d.inputs], dtype=float),
                        d.swing_baseline, title=title, xlabel=metric_axis(d.metric),
                        caption=caption_for(summary) + w("prior_note"),
                        reference=None if centre is None else (
                            centre, w("calibrated_median", value=format_value(centre, unit_name, lang))))
    return _percent_axis(fig, "xaxis", unit_name), title


def _sobol(summary: RunSummary, d: Drivers) -> tuple[Figure, str]:
    lang = current()
    title = w("sobol_title", label=texts.title(d.metric, lang))
    fig = sobol_bars([texts.parameter_label(i.name, lang) for i in d.inputs],
                     *(np.array([getattr(i, k) for i in d.inputs], dtype=float)
                       for k in ("S1", "S1_low", "S1_high", "ST", "ST_low", "ST_high")),
                     title=title, caption=caption_for(summary) + w("prior_note"))
    return fig, title


def _convergence(summary: RunSummary, run: RunResult, metric: str) -> tuple[Figure, str]:
    calibrated = summary.calibration.calibrated
    values = run.metrics[metric][:CHART_SAMPLES]
    finite = np.isfinite(values)
    conv = convergence(values[finite], weights=run.weights[:CHART_SAMPLES][finite] if calibrated else None)
    title = w("convergence_title", label=texts.title(metric, current()))
    fig = convergence_plot(conv["n"], conv["mean"], conv["mean_low"], conv["mean_high"], conv["q_low"], conv["q_high"],
                           title=title, ylabel=metric_axis(metric), caption=caption_for(summary))
    return _percent_axis(fig, "yaxis", METRICS[metric].unit), title
