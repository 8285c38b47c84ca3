"""Which charts a run gets (model.presentation.charts.for_run.run_figures): by default the story, the
cut-off, the mechanisms, the payments and the per-metric charts of the scenario's headline answers only;
``figures="all"`` every metric's, the fan charts and a predictive check per reported figure; from
summary.json alone (no run) only what the summary's numbers can draw."""

from __future__ import annotations

from functools import cache

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pytest

from model.core.catalogue import FAN_TRAJECTORIES, HISTOGRAM_METRICS
from model.features.registry import features
from model.inputs.registry import load_registry
from model.presentation.charts.for_run import FIGURE_SETS, run_figures
from tests.summaries import small_run, summary_of, typed, written

PER_METRIC = ("hist_", "tornado_", "sobol_", "convergence_")


@cache
def _charts(figures: str, lang: str = "en", with_run: bool = True) -> dict[str, str]:
    """File stem -> title of every chart of a small cut-off run."""
    run = small_run("nk_cutoff", 256)
    s = summary_of(run) if with_run else typed(written(summary_of(run)))
    out = {}
    for stem, title, fig in run_figures(s, run if with_run else None, load_registry(), features=features(),
                                        figures=figures, lang=lang):  # type: ignore[arg-type]
        assert fig.axes, stem
        plt.close(fig)
        out[stem] = title
    return out


def _metric(stem: str) -> str | None:
    return next((stem[len(p):] for p in PER_METRIC if stem.startswith(p)), None)


def test_by_default_the_story_and_the_headline_answers_charts() -> None:
    s = summary_of(small_run("nk_cutoff", 256))
    stems = list(_charts("headline"))
    assert stems[:4] == ["story", "cutoff_stock_shortfall", "mechanisms", "payments"]
    assert not [x for x in stems if x.startswith(("fan_", "ppc_"))]
    per_metric = {x for x in stems if _metric(x) is not None}
    assert {_metric(x) for x in per_metric} == set(s.headline)  # the headline answers', no other metric's
    drivers = {d.metric for d in s.drivers}
    for m in s.headline:
        assert (f"hist_{m}" in per_metric) == (m in HISTOGRAM_METRICS), m
        d = next((d for d in s.drivers if d.metric == m), None)
        # a tornado only where some input alone moves the answer (at 256 samples a cut-off's months may not move)
        swing = d is not None and any((i.swing_high or 0) != (i.swing_low or 0) for i in d.inputs)
        assert (f"tornado_{m}" in per_metric) == swing, m
        assert (f"sobol_{m}" in per_metric) == (d is not None and d.method == "sobol"), m
        assert (f"convergence_{m}" in per_metric) == (m in drivers), m
    assert "ru_stock_days_at_cutoff" in drivers - set(s.headline)  # so leaving it out could fail
    # a feature's chart drawn from every sample (the trade-offs' corner plot) waits for --figures all
    assert "corner_inputs" not in stems


def test_all_adds_every_metric_the_fans_and_the_predictive_checks() -> None:
    s = summary_of(small_run("nk_cutoff", 256))
    headline, every = _charts("headline"), _charts("all")
    assert set(headline) < set(every)
    assert {x for x in every if x.startswith("fan_")} == {f"fan_{t}" for t in FAN_TRAJECTORIES}
    assert {x for x in every if x.startswith("ppc_")} == {f"ppc_{o.id}" for o in s.observations}
    assert {"tornado_ru_stock_days_at_cutoff", "sobol_ru_stock_days_at_cutoff",
            "convergence_ru_stock_days_at_cutoff"} <= set(every)
    assert {f"hist_{m}" for m in HISTOGRAM_METRICS if m in s.metrics} <= set(every)
    assert "corner_inputs" in every  # the trade-offs of a calibrated run
    with pytest.raises(ValueError, match="figures must be one of"):
        run_figures(s, None, load_registry(), figures="some")  # type: ignore[arg-type]
    assert FIGURE_SETS == ("headline", "all")


def test_from_summary_json_alone_only_what_the_numbers_draw() -> None:
    """No run: no distributions or running statistics (they need every future's value), no bands (they are in
    trajectories.csv, not summary.json); the tornado and Sobol charts come from the summary's indices."""
    stems = set(_charts("all", with_run=False))
    assert stems and all(x.startswith(("tornado_", "sobol_")) for x in stems)
    assert stems == {x for x in _charts("all") if x.startswith(("tornado_", "sobol_"))}


def test_the_charts_speak_the_run_language() -> None:
    en, de = _charts("headline"), _charts("headline", "de")
    assert list(en) == list(de)
    assert all(en[x] != de[x] for x in ("story", "mechanisms", "payments")), [(en[x], de[x]) for x in en]
