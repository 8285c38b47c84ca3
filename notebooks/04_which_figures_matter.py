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
# Lesson 4: which figures matter: the tornado chart and Sobol indices, in plain words.
# Every text comes from the catalogue in the language set here.
LANG = "en"  # "de": every text in German
SAMPLES = 4096

# %%
lesson = Lesson(4, LANG)
lesson.title()

# %% The sentence: Katkov on North Korea's old stocks
FIGURE = "nk_stocks_not_renewed_since"
lesson.quote(FIGURE)
lesson.say("question")

# %% The sensitivity analysis of the baseline run (over the inputs' full ranges, before calibration)
run = lesson.run("baseline", samples=SAMPLES, calibration="importance")  # the indices come before calibration
caption = lesson.t("teach.caption", scenario=run.scenario.name, samples=lesson.count(len(run.prior)), seed=run.scenario.seed)
drivers = {d.metric: d for d in run.drivers}
METRIC = "nk_share_of_fired"
d = drivers[METRIC]
names = [lesson.parameter(n) for n in d.names]
unit = unit_of(METRIC)

# %% Tornado: one input at a time from its 5th to its 95th percentile, the others at their medians
lesson.say("tornado_intro", metric=lesson.label(METRIC))
lesson.show(charts.tornado(
    names, d.swing_low, d.swing_high, d.swing_baseline, lang=LANG,
    title=lesson.t("tornado_title", metric=lesson.label(METRIC)), xlabel=lesson.label(METRIC), unit=unit,
    caption=caption))
swing = np.abs(d.swing_high - d.swing_low)
k = int(np.argmax(swing))
lesson.say("tornado", input=names[k], low=lesson.value(min(d.swing_low[k], d.swing_high[k]), unit),
           high=lesson.value(max(d.swing_low[k], d.swing_high[k]), unit), base=lesson.value(d.swing_baseline, unit))

# %% Sobol indices: everything varies at once; which share of the spread goes with each input
lesson.show(charts.index_bars(names, d.ST, d.S1, low=d.ST_low, high=d.ST_high, lang=LANG,
                              title=lesson.t("sobol_title", metric=lesson.label(METRIC)), caption=caption))
order = np.argsort(-d.ST)
a, b, c = (int(i) for i in order[:3])
lesson.say("sobol", metric=lesson.label(METRIC), a=names[a], a_st=lesson.index(d.ST[a]), b=names[b],
           b_st=lesson.index(d.ST[b]), c=names[c], c_st=lesson.index(d.ST[c]),
           interaction=lesson.index(max(float(np.sum(d.ST) - np.sum(d.S1)), 0.0)))
lesson.say("same_as_report", scenario=run.scenario.name, base=lesson.count(run.scenario.sensitivity.sobol_samples))

# %% And Katkov's dud rate?
dud = d.names.index("nk_dud_rate_old")
rank = int(np.where(order == dud)[0][0]) + 1
lesson.say("dud_major" if rank <= 3 else "dud_minor", rank=rank, inputs=len(d.names), st=lesson.index(d.ST[dud]),
           input=names[dud])

# %% Another metric, other drivers: payments as a share of North Korea's GDP
OTHER = "payments_share_of_nk_gdp"
if OTHER in drivers and drivers[OTHER].ST is not None:
    e = drivers[OTHER]
    top = int(np.argmax(e.ST))
    lesson.say("payments", metric=lesson.label(OTHER), input=lesson.parameter(e.names[top]), st=lesson.index(e.ST[top]))

# %% Words of this lesson
lesson.glossary("dud_rate", "sobol_index")
lesson.discuss()
