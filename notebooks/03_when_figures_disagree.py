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

from model.core.catalogue import unit_of
from model.presentation.charts import teaching as charts
from model.teaching import Lesson

# %% tags=["parameters"]
# Lesson 3: when the figures disagree: calibration, effective sample size, the tension report.
# Every text comes from the catalogue in the language set here.
LANG = "en"  # "de": every text in German
SAMPLES = 4096

# %%
lesson = Lesson(3, LANG)
lesson.title()

# %% The sentence: Ukrainian intelligence's "about 40 percent"
FIGURE = "nk_share_of_munitions_2025"
lesson.quote(FIGURE)
lesson.say("idea")

# %% Weighting the futures by every reported figure at once (importance weighting)
run = lesson.run("baseline", samples=SAMPLES, sensitivity=False, calibration="importance")  # one step, explained here
cal = run.calibration
rows = []
for o, fit in zip(run.observed, cal.fits):
    u = unit_of(o.output)
    before = dict(zip(("p5", "p50", "p95"), fit.prior))
    after = dict(zip(("p5", "p50", "p95"), fit.calibrated))
    rows.append((lesson.claimant_short(o.figure_id), lesson.label(o.output), lesson.t(f"month.{int(o.month[5:])}")
                 + " " + o.month[:4], lesson.reported(o.figure_id), lesson.short_interval(before, u),
                 lesson.short_interval(after, u), lesson.yes_no(fit.fits)))
lesson.table([lesson.t("teach.claimant"), lesson.t("teach.output"), lesson.t("teach.month"), lesson.t("teach.reported"),
              lesson.t("chart.uncalibrated"), lesson.t("teach.calibrated_on", ess=lesson.count(cal.effective_sample_size)),
              lesson.t("teach.fits")], rows)
lesson.few_futures(cal.effective_sample_size, lesson.t("teach.calibrated_numbers"), lesson.t("one_step_why"))

# %% The 40 % claim before and after weighting
j = [o.figure_id for o in run.observed].index(FIGURE)
obs = run.observed[j]
lesson.show(charts.histogram(
    run.prior.observed_values[:, j], weights=run.calibrated.weights, label=lesson.t("chart.calibrated"),
    compare=run.prior.observed_values[:, j], compare_label=lesson.t("chart.uncalibrated"), reported=obs.reported,
    reported_range=(obs.low, obs.high),
    reported_label=lesson.t("teach.reported_by", claimant=lesson.claimant_short(FIGURE)), lang=LANG,
    title=lesson.t("share_title", month=lesson.month(obs.month)), xlabel=lesson.label("nk_share_of_fired"),
    unit="fraction", caption=lesson.caption(run)))
fit = cal.fits[j]
lesson.say("share", prior=lesson.value(fit.prior[1], "fraction"),
           calibrated=lesson.value(fit.calibrated[1], "fraction"))
lesson.beside_report(run, share=fit.calibrated[1])

# %% Effective sample size: how many equal futures the weighted ones are worth
n = len(run.calibrated.weights)
ess = cal.effective_sample_size
weights = run.calibrated.weights
half = int(np.searchsorted(np.cumsum(np.sort(weights)[::-1]), 0.5)) + 1  # heaviest futures holding half the weight
lesson.show(charts.weight_curve(weights, lang=LANG, title=lesson.t("weights_title"),
                                caption=lesson.t("weights_caption", samples=lesson.count(n), ess=lesson.count(ess))))
lesson.say("ess", samples=lesson.count(n), ess=lesson.count(ess), share=lesson.percent(ess / n),
           half=lesson.count(half), half_share=lesson.percent(half / n))
# a quarter of the samples: SMC runs the model many times
smc = lesson.run("baseline", samples=SAMPLES // 4, calibration="smc", sensitivity=False)
lesson.say("smc", ess=lesson.count(lesson.effective(smc)), samples=lesson.count(len(smc.prior)))

# %% When figures pull against each other: the low-estimates scenario
low = lesson.run("low_estimates", samples=SAMPLES, sensitivity=False, calibration="importance")
rows = []
for o, f in zip(low.observed, low.calibration.fits):
    where = lesson.t("teach.above") if f.loo_quantile > 0.95 else (
        lesson.t("teach.below") if f.loo_quantile < 0.05 else lesson.t("teach.inside"))
    rows.append((lesson.claimant_short(o.figure_id), lesson.reported(o.figure_id), lesson.percent(f.loo_quantile),
                 where, lesson.yes_no(f.in_tension)))
lesson.say("tension_intro", ess=lesson.count(low.calibration.effective_sample_size),
           samples=lesson.count(len(low.prior)))
lesson.table([lesson.t("teach.claimant"), lesson.t("teach.reported"), lesson.t("teach.loo"), lesson.t("teach.where"),
              lesson.t("teach.in_tension")], rows)
lesson.beside_report(low)  # the report's tension flags come from SMC on all its futures
tense = [o for o, f in zip(low.observed, low.calibration.fits) if f.in_tension]
if tense:
    o = tense[0]
    f = low.calibration.fits[[x.figure_id for x in low.observed].index(o.figure_id)]
    lesson.say("tension_found", claimant=lesson.claimant_short(o.figure_id), reported=lesson.reported(o.figure_id),
               loo=lesson.percent(f.loo_quantile),
               direction=lesson.t("teach.above") if f.loo_quantile > 0.95 else lesson.t("teach.below"))
else:
    lesson.say("tension_none")
for a, b, ratio in low.calibration.conflicts:
    lesson.say("conflict", a=lesson.claimant_short(a), b=lesson.claimant_short(b),
               factor=lesson.value(1 / ratio, "ratio"))

# %% Words of this lesson
lesson.glossary("calibration", "effective_sample_size")
lesson.discuss()
