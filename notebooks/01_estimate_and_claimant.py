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
from scipy import stats

from model.presentation.charts import teaching as charts
from model.teaching import Lesson

# %% tags=["parameters"]
# Lesson 1: an estimate and its claimant. Every text this notebook shows comes from the project's
# catalogue (model/presentation/texts.yaml) in the language set here.
LANG = "en"  # "de": every text in German
SAMPLES = 4096

# %%
lesson = Lesson(1, LANG)
lesson.title()

# %% The sentence this lesson is about (German original, gloss, claimant)
FIGURE = "nk_shells_delivered_2024"
lesson.quote(FIGURE)
lesson.say("who")

# %% The registry entry: the value, why its grade, what the model does with it
fig = lesson.figure(FIGURE)
lesson.table(
    [lesson.t("teach.field"), lesson.t("teach.entry")],
    [
        (lesson.t("teach.quote_value"), lesson.reported(FIGURE)),
        (lesson.t("teach.reliability_reason"), lesson.t(f"figure.{FIGURE}.reliability_reason")),
        (lesson.t("teach.used_as"), lesson.t(f"teach.role.{fig.used_as}")),
    ],
)

# %% What "reliability" means here: the width of the range the model reads into the figure
run = lesson.run("baseline", samples=SAMPLES, sensitivity=False)
obs = next(o for o in run.observed if o.figure_id == FIGURE)
lesson.say("reliability", value=lesson.value(obs.reported, "shells"), low=lesson.value(obs.low, "shells"),
           high=lesson.value(obs.high, "shells"), grade=lesson.t(f"reliability.{fig.reliability}"))
x = np.linspace(obs.low * 0.6, obs.high * 1.4, 400)
error = stats.lognorm(s=obs.sigma_log, scale=np.exp(obs.centre_log))
lesson.show(charts.density(
    x, error.pdf(x), lang=LANG, title=lesson.t("chart_claim_title"), xlabel=lesson.axis("nk_deliveries_cumulative"),
    unit="shells", band=(obs.low, obs.high), band_label=lesson.t("chart.range90"), marker=obs.reported,
    marker_label=lesson.t("chart_claim_marker", claimant=lesson.claimant_short(FIGURE)),
    caption=lesson.t("chart_claim_caption")))

# %% The model's side: 4,096 futures, each with its own deliveries by June 2024
j = [o.figure_id for o in run.observed].index(FIGURE)
prior_values = run.prior.observed_values[:, j]
calibrated_values = run.calibrated.observed_values[:, j]
fit = run.calibration.fits[j]
lesson.say("model_side", samples=lesson.count(len(prior_values)), month=lesson.month(obs.month))
lesson.show(charts.histogram(
    calibrated_values, weights=run.calibrated.weights, label=lesson.t("chart.calibrated"),
    compare=prior_values, compare_label=lesson.t("chart.uncalibrated"), reported=obs.reported,
    reported_range=(obs.low, obs.high),
    reported_label=lesson.t("chart_claim_marker", claimant=lesson.claimant_short(FIGURE)),
    lang=LANG, title=lesson.t("chart_model_title", month=lesson.month(obs.month)),
    xlabel=lesson.axis("nk_deliveries_cumulative"), unit="shells", caption=lesson.caption(run)))

# %% Before and after: does the model reproduce the figure?
p5, p50, p95 = fit.prior
c5, c50, c95 = fit.calibrated
lesson.table(
    ["", lesson.t("teach.median"), lesson.t("teach.interval90")],
    [
        (lesson.t("chart.uncalibrated"), lesson.value(p50, "shells"), lesson.bare_interval(p5, p95, "shells")),
        (lesson.t("teach.calibrated_on", ess=lesson.count(lesson.effective(run))),
         lesson.value(c50, "shells"), lesson.bare_interval(c5, c95, "shells")),
        (lesson.t("teach.reported"), lesson.value(obs.reported, "shells"),
         lesson.bare_interval(obs.low, obs.high, "shells")),
    ],
)
lesson.say("fit_yes" if fit.fits else "fit_no", median=lesson.value(c50, "shells"))
lesson.few_futures(lesson.effective(run), lesson.t("teach.calibrated_numbers"))
lesson.beside_report(run)  # the report's calibration table holds the same comparison

# %% Words of this lesson
lesson.glossary("shell", "calibre", "stockpile")
lesson.discuss()
