"""The explorer for the lecture hall: a Streamlit app over :class:`~model.teaching.explorer.Explorer`.

Started by ``python run.py explore [SCENARIO] [--lang de] [--port N] [--no-browser]``, which runs
``streamlit run`` on this file, bound to 127.0.0.1 with usage statistics off, and passes
``--scenario PATH --lang LANG --samples N`` after ``--``. Every text comes from the catalogue
(``explorer.*`` in ``model/presentation/texts.yaml``) in the language chosen in the sidebar,
every number from ``model.presentation.numbers`` in the same language (decimal comma, "Mio.").

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

import streamlit as st

from model.inputs.loading import load_scenario
from model.presentation import numbers
from model.presentation.texts import LANGS, has, text
from model.presentation.texts import header as output_header
from model.presentation.texts import label as output_label
from model.teaching.explorer import EXPLORER_SAMPLES, FAN_TRAJECTORY, KEY_NUMBERS, Explorer, Settings
from model.teaching.explorer_view import fan_svg, month_words, number_source, shown_number, slider_source

MIN_EFFECTIVE = 100  # below this many effective futures the explorer warns


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="explorer")
    p.add_argument("--scenario", default="scenarios/baseline.yaml")
    p.add_argument("--lang", choices=LANGS, default="en")
    p.add_argument("--samples", type=int, default=EXPLORER_SAMPLES)
    args, _ = p.parse_known_args(list(argv))
    return args


@st.cache_resource(show_spinner=False)
def explorer_for(path: str, samples: int) -> Explorer:
    """The scenario's futures, drawn once per server (shared by every browser tab)."""
    return Explorer(load_scenario(path).scenario, samples=samples)


# ---------------------------------------------------------------------------------------------- the page
def _reset(ex: Explorer) -> None:
    d = ex.defaults()
    for name, value in d.values.items():
        st.session_state[f"p_{name}"] = value
    st.session_state["cutoff"] = d.cutoff
    st.session_state["calibrated"] = True
    if ex.policies:
        st.session_state["firing"] = d.firing


def main(argv: Sequence[str] | None = None) -> None:
    started = time.perf_counter()
    args = parse_args(sys.argv[1:] if argv is None else argv)
    lang = st.session_state.get("lang", args.lang)
    st.set_page_config(page_title=text("explorer.page_title", lang), layout="wide")
    ex = explorer_for(args.scenario, args.samples)
    side = st.sidebar
    lang = side.radio(text("lang.choose", lang), LANGS, index=LANGS.index(lang), key="lang", horizontal=True,
                      format_func=lambda code: text(f"lang.{code}", code))
    title_key = f"scenario.{ex.scenario.name}"
    scenario_words = text(title_key, lang) if has(title_key) else ex.scenario.name

    # ---- the assumptions (sidebar)
    side.subheader(text("explorer.assumptions_heading", lang))
    side.caption(text("explorer.median_note", lang))
    values: dict[str, float] = {}
    for name, s in ex.sliders.items():
        unit = text(s.unit_key, lang)
        label = text("explorer.slider", lang, label=text(f"parameter.{name}.label", lang), unit=unit)
        values[name] = side.select_slider(label, options=s.options(), value=s.default, key=f"p_{name}",
                                          format_func=partial(shown_number, step=s.step, lang=lang))
        side.caption(slider_source(ex, s, lang))
    cut_options = ex.cutoff_options()
    cutoff = side.select_slider(text("explorer.cutoff_label", lang), options=cut_options, value=ex.default_cutoff,
                                key="cutoff", format_func=lambda m: text("explorer.cutoff_none", lang) if m is None
                                else month_words(m, lang))
    side.caption(text("explorer.cutoff_source", lang))
    firing: str | None = None
    if ex.policies:  # the scenario's structure.firing: demand or a stock-target rule
        policies: list[str] = list(ex.policies)
        firing = side.radio(text("explorer.policy_label", lang), policies,
                            index=policies.index(ex.default_policy or policies[0]), key="firing",
                            format_func=lambda p: text(f"explorer.policy.{p}", lang))
        side.caption(text("explorer.policy_source", lang))
    calibrated = side.toggle(text("explorer.calibrated_label", lang), value=True, key="calibrated",
                             help=text("explorer.calibrated_help", lang))
    side.button(text("explorer.reset", lang), on_click=_reset, args=(ex,))

    result = ex.run(Settings(values, cutoff, calibrated, firing))

    # ---- the answer (main area)
    st.title(text("explorer.title", lang))
    st.caption(text("explorer.subtitle", lang, scenario=scenario_words,
                    samples=numbers.format_count(result.samples, lang)))
    st.subheader(text("explorer.numbers_heading", lang))
    columns = [c for _ in range(0, len(KEY_NUMBERS), 2) for c in st.columns(2)]  # two by two: room for labels
    for col, name in zip(columns, KEY_NUMBERS):
        unit = "fraction" if name == "nk_share_of_fired" else ("months" if name.startswith("months") else "shells")
        with col:
            if name not in result.stats:
                st.metric(output_header(name, lang), "–", help=output_label(name, lang))
                st.caption(text("explorer.no_cutoff_number", lang))
                continue
            stats = result.stats[name]
            shown = numbers.format_value(stats["p50"], unit, lang)
            st.metric(output_header(name, lang), shown, help=output_label(name, lang))
            st.caption(numbers.format_interval(stats["p5"], stats["p95"], unit, lang))
            st.caption(number_source(ex, name, result, lang))
    st.image(fan_svg(ex, result, lang), width="stretch")  # an SVG string: shown as an image, no script
    if result.calibrated:
        st.caption(text("explorer.ess", lang, samples=numbers.format_count(result.samples, lang),
                        ess=numbers.format_count(result.effective_sample_size, lang)))
        if result.effective_sample_size < MIN_EFFECTIVE:
            st.warning(text("explorer.ess_low", lang))
    else:
        st.caption(text("explorer.uncalibrated", lang, samples=numbers.format_count(result.samples, lang)))
    obs = ex.observation(FAN_TRAJECTORY)
    if obs is not None:
        key = f"figure.{obs.figure_id}.claimant_short"
        claimant = text(key, lang) if has(key) else obs.figure_id
        st.caption(text("explorer.chart_observed", lang, value=numbers.format_percent(obs.reported, lang),
                        claimant=claimant) + " · " + text("explorer.chart_legend", lang))
    st.caption(text("explorer.footer", lang) + " · "
               + text("explorer.timing", lang, ms=numbers.format_count((time.perf_counter() - started) * 1000, lang)))


main()
