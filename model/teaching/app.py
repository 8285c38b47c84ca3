"""The explorer for the lecture hall: a Streamlit app over :class:`~model.teaching.explorer.Explorer`.

Started by ``python run.py explore [SCENARIO] [--lang de] [--port N] [--no-browser]``, which runs
``streamlit run`` on this file, bound to 127.0.0.1 with usage statistics off, and passes
``--scenario PATH --lang LANG --samples N`` after ``--``. Every text comes from the catalogue
(``explorer.*`` in ``model/presentation/texts.yaml``) in the language chosen in the sidebar,
every number from ``model.presentation.numbers`` in the same language (decimal comma, "Mio.").

Language is presentation only. Every widget's value lives in ``st.session_state`` under the
widget's key, set before the widget is drawn and never passed as its default: a widget whose
label or option words change with the language is a new widget to Streamlit, and without this it
would come back at its default (the slider at "no cut-off", the radio with nothing selected) while
the numbers kept the old value. The numbers are computed from the state and drawn before the
sidebar, so that after a move they reach the page first.

Why Streamlit: one Python file, sliders and numbers without any web code, a test harness that
runs the script without a browser (``streamlit.testing.v1.AppTest``), and a page that works
with no internet (its scripts, styles and fonts ship inside the package; the fan chart is an SVG
element made here, see ``explorer_view.fan_svg``). Its cost is that every move re-runs this
script; the explorer keeps its futures in ``st.cache_resource``, so a move re-runs only the
equations (a few milliseconds at 4,096 samples; see ``bench/bench_explorer.py``).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from functools import partial
from typing import Any

import streamlit as st

from model.inputs.loading import load_scenario
from model.presentation import numbers
from model.presentation.texts import LANGS, has, text
from model.presentation.texts import header as output_header
from model.presentation.texts import label as output_label
from model.teaching.explorer import EXPLORER_SAMPLES, FAN_TRAJECTORY, FEW_FUTURES, KEY_NUMBERS, Explorer, Settings
from model.teaching.explorer_view import fan_svg, month_words, number_source, shown_number, slider_source


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="explorer")
    p.add_argument("--scenario", default="scenarios/baseline.yaml")
    p.add_argument("--lang", choices=LANGS, default="en")
    p.add_argument("--samples", type=int, default=EXPLORER_SAMPLES)
    args, _ = p.parse_known_args(list(argv))
    return args


@st.cache_resource(show_spinner=False)
def explorer_for(path: str, samples: int) -> Explorer:
    """The scenario's futures, drawn and calibrated once per server (shared by every browser tab)."""
    return Explorer(load_scenario(path).scenario, samples=samples).warm()


# ---------------------------------------------------------------------------------------------- state
def _defaults(ex: Explorer) -> dict[str, Any]:
    d = ex.defaults()
    out: dict[str, Any] = {f"p_{name}": value for name, value in d.values.items()}
    out["cutoff"] = d.cutoff
    out["calibrated"] = True
    if ex.policies:
        out["firing"] = d.firing
    return out


def _keep_state(ex: Explorer, lang: str) -> None:
    """Every widget's value, in the session state before the widget is drawn (see the module's doc)."""
    state = st.session_state
    for key, value in {**_defaults(ex), "lang": lang}.items():
        # re-assigned when present: Streamlit then sends the value with the widget, whatever its label now
        state[key] = state[key] if key in state else value


def _reset(ex: Explorer) -> None:
    for key, value in _defaults(ex).items():
        st.session_state[key] = value


# ---------------------------------------------------------------------------------------------- the page
def _heading(ex: Explorer, result: Any, lang: str) -> None:
    title_key = f"scenario.{ex.scenario.name}"
    st.title(text("explorer.title", lang))
    st.caption(text("explorer.subtitle", lang, scenario=text(title_key, lang) if has(title_key) else ex.scenario.name,
                    samples=numbers.format_count(result.samples, lang)))
    st.subheader(text("explorer.numbers_heading", lang))
    if result.calibrated and result.effective_sample_size < FEW_FUTURES:
        st.warning(text("explorer.ess_low", lang, ess=numbers.format_count(result.effective_sample_size, lang),
                        samples=numbers.format_count(result.samples, lang)))


def _numbers(ex: Explorer, result: Any, lang: str) -> None:
    few = result.calibrated and result.effective_sample_size < FEW_FUTURES
    ess = numbers.format_count(result.effective_sample_size, lang)
    beside = text("explorer.ess_each_low" if few else "explorer.ess_each", lang, ess=ess) if result.calibrated else ""
    for k, name in enumerate(KEY_NUMBERS):
        if k % 2 == 0:  # two by two (room for the labels), each row made as it is filled: fewer elements first
            columns = st.columns(2)
        col = columns[k % 2]
        unit = "fraction" if name == "nk_share_of_fired" else ("months" if name.startswith("months") else "shells")
        with col:
            if name not in result.stats:
                st.metric(output_header(name, lang), "–", help=output_label(name, lang))
                st.caption(text("explorer.no_cutoff_number", lang))
                continue
            stats = result.stats[name]
            st.metric(output_header(name, lang), numbers.format_value(stats["p50"], unit, lang),
                      help=output_label(name, lang))
            lines = [numbers.format_interval(stats["p5"], stats["p95"], unit, lang)
                     + (f" · {'⚠ ' if few else ''}{beside}" if beside else ""), number_source(ex, name, result, lang)]
            st.caption("  \n".join(line for line in lines if line))


def _chart(ex: Explorer, result: Any, lang: str) -> None:
    st.image(fan_svg(ex, result, lang), width="stretch")  # an SVG string: shown as an image, no script
    samples = numbers.format_count(result.samples, lang)
    words = [text("explorer.ess", lang, samples=samples, ess=numbers.format_count(result.effective_sample_size, lang))
             if result.calibrated else text("explorer.uncalibrated", lang, samples=samples)]
    obs = ex.observation(FAN_TRAJECTORY)
    if obs is not None:
        key = f"figure.{obs.figure_id}.claimant_short"
        claimant = text(key, lang) if has(key) else obs.figure_id
        words.append(text("explorer.chart_observed", lang, value=numbers.format_percent(obs.reported, lang),
                          claimant=claimant) + " · " + text("explorer.chart_legend", lang))
    st.caption("  \n".join(words))


def _sidebar(ex: Explorer, lang: str) -> None:
    side = st.sidebar
    side.radio(text("lang.choose", lang), LANGS, key="lang", horizontal=True,
               format_func=lambda code: text(f"lang.{code}", code))
    side.subheader(text("explorer.assumptions_heading", lang))
    side.caption(text("explorer.median_note", lang))
    for name, s in ex.sliders.items():
        label = text("explorer.slider", lang, label=text(f"parameter.{name}.label", lang), unit=text(s.unit_key, lang))
        side.select_slider(label, options=s.options(), key=f"p_{name}",
                           format_func=partial(shown_number, step=s.step, lang=lang))
        side.caption(slider_source(ex, s, lang))
    side.select_slider(text("explorer.cutoff_label", lang), options=ex.cutoff_options(), key="cutoff",
                       format_func=lambda m: text("explorer.cutoff_none", lang) if m is None else month_words(m, lang))
    side.caption(text("explorer.cutoff_source", lang))
    if ex.policies:  # the scenario's structure.firing: demand or a stock-target rule
        side.radio(text("explorer.policy_label", lang), list(ex.policies), key="firing",
                   format_func=lambda p: text(f"explorer.policy.{p}", lang))
        side.caption(text("explorer.policy_source", lang))
    side.toggle(text("explorer.calibrated_label", lang), key="calibrated", help=text("explorer.calibrated_help", lang))
    side.button(text("explorer.reset", lang), on_click=_reset, args=(ex,))


def main(argv: Sequence[str] | None = None) -> None:
    started = time.perf_counter()
    args = parse_args(sys.argv[1:] if argv is None else argv)
    lang = st.session_state.get("lang", args.lang)
    st.set_page_config(page_title=text("explorer.page_title", lang), layout="wide")
    ex = explorer_for(args.scenario, args.samples)
    _keep_state(ex, args.lang)
    state = st.session_state
    result = ex.run(Settings({name: state[f"p_{name}"] for name in ex.sliders}, state["cutoff"],
                             bool(state["calibrated"]), state.get("firing")))

    # ---- the answer (main area), first: after a move its numbers reach the page before anything else
    head = st.container()  # the title and headings, filled after the numbers (every element sent costs a render)
    _numbers(ex, result, lang)
    _chart(ex, result, lang)
    with head:
        _heading(ex, result, lang)
    _sidebar(ex, lang)  # the assumptions: every widget shows the value kept in the session state
    st.caption(text("explorer.footer", lang) + " · "
               + text("explorer.timing", lang, ms=numbers.format_count((time.perf_counter() - started) * 1000, lang)))


main()
