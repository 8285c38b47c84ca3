# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %%
import numpy as np

import model
from model.inputs.events import build_structure, build_timeline
from model.inputs.sampling import sample_parameters
from model.presentation.charts import teaching as charts
from model.summary.build import trajectory_quantiles
from model.teaching import Lesson

# %% tags=["parameters"]
# Lesson 2: from a range to a distribution, from distributions to many futures (Monte Carlo,
# fan charts). Every text comes from the catalogue in the language set here.
LANG = "en"  # "de": every text in German
SAMPLES = 4096

# %%
lesson = Lesson(2, LANG)
lesson.title()

# %% The sentence: NATO's estimate of Russian production
FIGURE = "ru_shell_production_per_year"
lesson.quote(FIGURE)

# %% A reported figure becomes a distribution: value × (1 ± spread)
run = lesson.run("baseline", samples=SAMPLES, sensitivity=False, calibration="importance")  # only futures as drawn
scenario = run.scenario
priors = {p.name: p for p in run.priors}


def show_prior(name: str, key: str) -> tuple[float, float, float]:
    prior = priors[name]
    p5, p50, p95 = prior.dist.ppf([0.05, 0.5, 0.95])
    x = np.linspace(prior.dist.ppf(0.002), prior.dist.ppf(0.998), 400)
    unit = prior.unit
    lesson.show(charts.density(
        x, prior.dist.pdf(x), lang=LANG, title=lesson.t(f"{key}_title"), xlabel=lesson.parameter(name), unit=unit,
        band=(p5, p95), band_label=lesson.t("chart.range90"), marker=p50, marker_label=lesson.t("chart.median"),
        caption=lesson.t(f"{key}_caption")))
    return p5, p50, p95


p5, p50, p95 = show_prior("ru_production_per_month", "production")
spread = scenario.parameters.ru_production_per_month.spread
lesson.say("range", per_year=lesson.reported(FIGURE), per_month=lesson.value(p50, "shells/month"),
           spread=lesson.percent(spread), low=lesson.value(p5, "shells/month"), high=lesson.value(p95, "shells/month"))

# %% An assumption with no article figure: "I am 90 % sure it lies between 4 and 30 million"
s5, s50, s95 = show_prior("nk_stockpile_start", "stockpile")
lesson.say("assumption", low=lesson.value(s5, "shells"), high=lesson.value(s95, "shells"),
           median=lesson.value(s50, "shells"))

# %% Monte Carlo: draw one value of every input for each future
few = sample_parameters(run.priors, 5, method="mc", seed=1)
shown = ["ru_production_per_month", "nk_stockpile_start", "nk_shipping_capacity_per_month", "nk_dud_rate_old"]
units = {p.name: p.unit for p in run.priors}
lesson.say("monte_carlo", inputs=lesson.count(len(run.priors)))
lesson.table([lesson.t("teach.future")] + [lesson.parameter(n) for n in shown],
             [[str(i + 1)] + [lesson.value(few.column(n)[i], units[n]) for n in shown] for i in range(5)])

# %% Twenty futures through the model's equations (model.simulate)
twenty = sample_parameters(run.priors, 20, method="mc", seed=2)
timeline = build_timeline(scenario)
out = model.simulate(twenty.as_dict(), timeline, structure=build_structure(scenario), keep={"nk_deliveries_cumulative"},
                     shortage_threshold=scenario.shortage_threshold)
obs = next(o for o in run.observed if o.output == "nk_deliveries_cumulative")
point = {"month": obs.month, "value": obs.reported, "low": obs.low, "high": obs.high,
         "label": lesson.t("teach.reported_by", claimant=lesson.claimant_short(obs.figure_id))}
lesson.show(charts.futures(
    timeline.months, out.trajectories["nk_deliveries_cumulative"], lang=LANG,
    title=lesson.t("futures_title"), ylabel=lesson.axis("nk_deliveries_cumulative"), unit="shells",
    observations=[point], caption=lesson.t("futures_caption")))
lesson.say("futures")

# %% 4,096 futures: a fan chart (median, 50 % and 90 % bands)
values = run.prior.trajectories["nk_deliveries_cumulative"].astype(float)
bands = trajectory_quantiles(values)
lesson.show(charts.fan(
    timeline.months, bands, lang=LANG, title=lesson.title_of("nk_deliveries_cumulative"),
    ylabel=lesson.axis("nk_deliveries_cumulative"), unit="shells", observations=[point],
    caption=lesson.t("fan_caption", samples=lesson.count(len(values)))))
last = timeline.months[-1]
lesson.say("quantiles", month=lesson.month(last), median=lesson.value(bands[0.5][-1], "shells"),
           low=lesson.value(bands[0.05][-1], "shells"), high=lesson.value(bands[0.95][-1], "shells"),
           q25=lesson.value(bands[0.25][-1], "shells"), q75=lesson.value(bands[0.75][-1], "shells"))

# %% How many futures are enough? The same numbers from the first 16, 64, ... futures
total = run.prior.metrics["nk_deliveries_total"].astype(float)
rows = []
for n in (16, 64, 256, 1024, len(total)):
    q = np.quantile(total[:n], [0.05, 0.5, 0.95])
    rows.append((lesson.count(n), lesson.value(q[1], "shells"), lesson.bare_interval(q[0], q[2], "shells")))
lesson.table([lesson.t("teach.futures"), lesson.t("teach.median"), lesson.t("teach.interval90")], rows)
lesson.say("enough")

# %% Words of this lesson
lesson.glossary("monte_carlo", "quantile", "interval")
lesson.discuss()
