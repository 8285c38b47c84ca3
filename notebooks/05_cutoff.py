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
from model.features.discovery.methods import prim
from model.presentation.charts import teaching as charts
from model.summary.build import metric_stats, trajectory_quantiles
from model.teaching import Explorer, Lesson, Settings
from model.teaching.explorer import FEW_FUTURES

# %% tags=["parameters"]
# Lesson 5: the cut-off question: what happens if North Korean deliveries stop, and what the
# answer depends on. Every text comes from the catalogue in the language set here.
LANG = "en"  # "de": every text in German
SAMPLES = 4096

# %%
lesson = Lesson(5, LANG)
lesson.title()

# %% The sentence: North Korea's shells, "more than a whole year of Russia's production"
lesson.quote("nk_deliveries_vs_ru_annual_production")
run = lesson.run("nk_cutoff", samples=SAMPLES)  # calibrated as the scenario's report is (SMC)
cut = run.timeline.months[run.timeline.cutoff]
lesson.say("question", month=lesson.month(cut), end=lesson.month(run.timeline.months[-1]))

# %% North Korea's share of fire, before and after the cut
months = run.timeline.months
w = run.calibrated.head_weights(run.trajectories["nk_share_of_fired"].shape[0])


def fan_of(name: str, key: str) -> None:
    bands = trajectory_quantiles(run.trajectories[name].astype(float), w)
    lesson.show(charts.fan(months, bands, lang=LANG, title=lesson.title_of(name), ylabel=lesson.axis(name),
                           unit=unit_of(name), cutoff=cut, caption=lesson.t(key) + " " + lesson.caption(run)))


fan_of("nk_share_of_fired", "fan_share_caption")
stock = "ru_stock_days" if "ru_stock_days" in run.trajectories else "ru_stock"
fan_of(stock, "fan_stock_caption")
fan_of("shortfall", "fan_shortfall_caption")

# %% How long until Russia runs short?
M = "months_to_shortage_after_cutoff"
s = metric_stats(run.metrics[M], run.weights)
never = s.get("share_never") or 0.0
lesson.say("months", never=lesson.percent(never), short=lesson.percent(1 - never), end=lesson.month(months[-1]),
           p5=lesson.value(s["p5"], "months"), what=lesson.label(M))
short = lesson.t("months_never") if s["p50"] is None else lesson.value(s["p50"], "months")
f = metric_stats(run.metrics["shortfall_total"], run.weights)
ess = lesson.count(lesson.effective(run))  # counted as the explorer below counts it
lesson.table([lesson.t("teach.output"), lesson.t("teach.median"), lesson.t("teach.interval90"), lesson.t("teach.ess")],
             [(lesson.label(M), short, lesson.bare_interval(s["p5"], s["p95"], "months"), ess),
              (lesson.label("shortfall_total"), lesson.value(f["p50"], "shells"),
               lesson.bare_interval(f["p5"], f["p95"], "shells"), ess)])
lesson.few_futures(lesson.effective(run), lesson.t("teach.calibrated_numbers"))
lesson.beside_report(run, share=1 - never)

# %% What the answer depends on (Sobol indices over the inputs' ranges)
drivers = {d.metric: d for d in run.drivers}
if M in drivers and drivers[M].ST is not None:
    d = drivers[M]
    order = np.argsort(-d.ST)
    a, b, c = (int(i) for i in order[:3])
    lesson.say("depends", metric=lesson.label(M), a=lesson.parameter(d.names[a]), a_st=lesson.index(d.ST[a]),
               b=lesson.parameter(d.names[b]), b_st=lesson.index(d.ST[b]), c=lesson.parameter(d.names[c]),
               c_st=lesson.index(d.ST[c]))

# %% Scenario discovery: which futures run short? (PRIM on the futures before calibration)
x = run.prior.inputs
m = len(x)
y = ~np.isnan(run.prior.metrics[M][:m])
uncertain = [j for j, p in enumerate(run.priors) if p.is_uncertain]
names = [x.names[j] for j in uncertain]
found = prim(x.values[:, uncertain], y, names=names)
box = found.box
units = {p.name: p.unit for p in run.priors}
limits = []
for name, (lo, hi) in list(box.limits.items())[:4]:
    if lo is not None and hi is not None:
        limits.append(lesson.t("box_between", input=lesson.parameter(name), low=lesson.value(lo, units[name]),
                               high=lesson.value(hi, units[name])))
    elif lo is not None:
        limits.append(lesson.t("box_above", input=lesson.parameter(name), low=lesson.value(lo, units[name])))
    else:
        limits.append(lesson.t("box_below", input=lesson.parameter(name), high=lesson.value(hi, units[name])))
lesson.say("discovery", share=lesson.percent(found.share), density=lesson.percent(box.density),
           coverage=lesson.percent(box.coverage), limits="; ".join(limits) or lesson.t("box_none"))

# %% Another cut-off month, another firing policy (the explorer's fast path on this run's own futures: its row
# for the scenario's month is the run's numbers above)
explorer = Explorer.from_run(run)
rows, few = [], []
for month in [mo for mo in ("2024-10", "2025-04", "2025-10", "2026-04", "2026-10") if mo in months[1:]]:
    r = explorer.run(Settings(cutoff=month))
    st = r.stats[M]
    rows.append((lesson.month(month), lesson.percent(1 - (st.get("share_never") or 0.0)),
                 lesson.t("months_never") if st["p5"] is None else lesson.value(st["p5"], "months"),
                 lesson.count(r.effective_sample_size)))
    if r.effective_sample_size < FEW_FUTURES:
        few.append(lesson.t("early_row", month=lesson.month(month), ess=lesson.count(r.effective_sample_size)))
lesson.table([lesson.t("teach.cutoff_month"), lesson.t("teach.share_short"), lesson.t("teach.quick_months"),
              lesson.t("teach.ess")], rows)
lesson.say("cutoff_months")
if few:
    lesson.say("early_few", rows=", ".join(few))
if explorer.policies:
    rows = []
    for policy in explorer.policies:
        r = explorer.run(Settings(cutoff=cut, firing=policy))
        st = r.stats[M]
        rows.append((lesson.t(f"explorer.policy.{policy}"), lesson.percent(1 - (st.get("share_never") or 0.0)),
                     lesson.value(r.stats["shortfall_total"]["p50"], "shells"),
                     lesson.percent(r.stats["nk_share_of_fired"]["p50"]), lesson.count(r.effective_sample_size)))
        lesson.few_futures(r.effective_sample_size, lesson.t("teach.row_numbers", row=lesson.t(f"explorer.policy.{policy}")))
    lesson.table([lesson.t("explorer.policy_label"), lesson.t("teach.share_short"), lesson.label("shortfall_total"),
                  lesson.label("nk_share_of_fired"), lesson.t("teach.ess")], rows)
    lesson.say("policy")

# %% Words of this lesson, and the explorer
lesson.glossary("scenario_discovery")
lesson.say("explorer")
lesson.discuss()
