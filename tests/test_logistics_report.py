"""The delivery chain's typed block from summary to page: the codec writes the ``logistics`` key of
summary.json with every key of its contract and reads it back into the same block; the answer cards
say the block's numbers; the report's section renders in English and German with its one-line answer;
the charts take their words and bands from the block.

One small run of the shipped scenario (64 samples, 12 replications) is shared; a second study on the
same run has a disruption of every kind, one of them after the window.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import fields, is_dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from matplotlib.text import Text

from model.experiment import run_scenario
from model.features.base import FigureContext
from model.features.logistics import codec
from model.features.logistics.figures import logistics_figures
from model.features.logistics.run import logistics_plan, run_logistics
from model.features.logistics.spec import LogisticsSettings
from model.features.logistics.summary import MONTHLY_SERIES, LogisticsSummary, summarise_logistics
from model.features.logistics.words import (
    MAX_ANSWERS,
    chain_answers,
    chain_lead,
    days_words,
    fire_sentence,
    short_label,
)
from model.features.registry import blocks_of, codecs, features
from model.inputs.loading import load_scenario
from model.inputs.registry import load_registry
from model.presentation import summary_json, texts
from model.presentation.charts.words import language
from model.presentation.numbers import format_count, format_percent, format_range, format_value
from model.presentation.report import render_report, report_page
from model.presentation.report.index import IndexEntry, index_page
from model.summary.build import summarise
from model.summary.codec import num
from model.summary.types import RunSummary

REPO = Path(__file__).resolve().parents[1]
SHIPPED = REPO / "scenarios" / "logistics_rail_closure.yaml"
SAMPLES, REPLICATIONS = 64, 12
LANGS = ("en", "de")

#: The keys of summary.json's ``logistics`` other tools read (the contract before the typed block)
TOP_KEYS = {"engine", "replications", "events_per_replication", "events_per_replication_range", "policy",
            "samples_pool", "unique_samples", "days_per_month", "usable_share", "capacity_per_month", "parameters",
            "monthly", "daily", "disruptions", "example"}
CAPACITY_KEYS = {"ship_cycle_hours", "ship_fleet", "nk_berths", "ru_berths", "port_rail", "border_paths", "crossing",
                 "ship", "rail", "total"}
MONTHLY_KEYS = {"months", "delivered_front_nk", "delivered_front_ship", "delivered_front_rail",
                "model_nk_usable_deliveries", "model_nk_deliveries", "ship_port_calls", "ship_partial_departures",
                "containers_by_ship", "border_trains", "nk_berth_wait_mean_hours", "ru_berth_wait_mean_hours",
                "crossing_wait_mean_hours", "crossing_wait_max_hours", "shells_fired", "model_shells_fired",
                "shortfall", "front_stock_month_end", "model_ru_stock"}
DISRUPTION_KEYS = {"name", "kind", "start", "start_day", "days", "within_run"}
EFFECT_KEYS = {"dip_window_days", "share_with_shortfall", "shortfall_shells", "share_with_dip", "reference_shells",
               "dip_shells", "dip_share", "dip_days_of_fire", "trough_day_p50", "days_below", "days_to_recover",
               "fire_drop_share", "around"}
WEEK_KEYS = {"day", "date", "days_from_start", "front_stock", "relative_to_day_before", "days_of_supply_p50",
             "fired_per_day_p50", "nk_arriving_per_day_p50", "border_trains_week_p50"}
EXAMPLE_KEYS = {"replication", "sample", "why", "ship_port_calls", "border_trains", "closures"}
CLOSURE_KEYS = {"name", "last_train_before", "first_train_after", "trains_first_week_after"}
EVERY_KIND = {
    "closed": {"kind": "route_closed", "route": "rail", "start": "2024-11-01", "days": 42},
    "strike": {"kind": "depot_strike", "depot": "front", "share": 0.3, "date": "2025-03-10"},
    "slow": {"kind": "slower_inspections", "factor": 2.5, "start": "2025-06-01", "days": 30},
    "cold": {"kind": "winter_slowdown", "factor": 1.5, "months": [12, 1]},
    "later": {"kind": "route_closed", "route": "ship", "start": "2031-01-01", "days": 10},  # after the window
}


@pytest.fixture(scope="module")
def registry():
    return load_registry()


@pytest.fixture(scope="module")
def run(registry):
    scenario = load_scenario(SHIPPED, registry=registry).scenario
    scenario = scenario.model_copy(update={"logistics": scenario.logistics.model_copy(
        update={"replications": REPLICATIONS})})
    return run_scenario(scenario, registry, samples=SAMPLES)


@pytest.fixture(scope="module")
def summary(run) -> RunSummary:
    return summarise(run, features=blocks_of)


@pytest.fixture(scope="module")
def block(summary) -> LogisticsSummary:
    return summary.features["logistics"]


@pytest.fixture(scope="module")
def every_kind(run) -> LogisticsSummary:
    """The chain on the same run with a disruption of every kind (settings made directly: the scenario's
    checks would refuse the one after the window)."""
    raw = run.scenario.logistics.model_dump()
    raw["disruptions"] = EVERY_KIND
    plan = logistics_plan(LogisticsSettings.model_validate(raw), run.scenario.window.start)
    block = summarise_logistics(run_logistics(run, plan, seed=run.scenario.seed))
    assert block is not None
    return block


def _rounded(x: Any) -> Any:
    """The block as summary.json holds it: every float by the one rounding rule."""
    if is_dataclass(x) and not isinstance(x, type):
        return replace(x, **{f.name: _rounded(getattr(x, f.name)) for f in fields(x)})
    if isinstance(x, tuple):
        return tuple(_rounded(v) for v in x)
    if isinstance(x, float):
        return num(x)
    return x


def _through_json(block: LogisticsSummary) -> LogisticsSummary | None:
    return codec.from_json(json.loads(json.dumps(codec.to_json(block))))


# --------------------------------------------------------------------------- the codec
def test_the_block_is_typed_and_has_no_nan(block, every_kind):
    assert isinstance(block, LogisticsSummary) and block.replications == REPLICATIONS
    (d,) = block.disruptions
    assert (d.name, d.kind, d.start, d.start_day, d.end, d.route) == \
        ("rail_crossing_closed", "route_closed", "2024-11-01", 420, "2024-12-13", "rail")
    assert d.effect is not None and 0 <= d.effect.share_with_dip <= 1 and d.effect.stocked <= REPLICATIONS
    assert "nan" not in json.dumps(codec.to_json(every_kind)).lower()
    assert [d.name for d in every_kind.dated] == ["closed", "strike", "slow"]
    later = every_kind.disruptions[-1]
    assert later.name == "later" and later.effect is None and later.start_day == -1 and not later.within_run


@pytest.mark.parametrize("which", ["shipped", "every_kind"])
def test_codec_round_trip(which, block, every_kind):
    b = block if which == "shipped" else every_kind
    again = _through_json(b)
    assert again == _rounded(b)
    assert codec.to_json(again) == json.loads(json.dumps(codec.to_json(b)))  # and writing it again changes nothing
    assert codec.to_json(None) == {} and codec.from_json({}) is None


def test_summary_json_keeps_every_key_of_the_contract(block, every_kind):
    for b in (block, every_kind):
        s = json.loads(json.dumps(codec.to_json(b)))["logistics"]
        assert set(s) == TOP_KEYS
        assert set(s["capacity_per_month"]) == CAPACITY_KEYS
        assert set(s["monthly"]) == MONTHLY_KEYS == {"months", *MONTHLY_SERIES}
        months = len(s["monthly"]["months"])
        assert all(set(s["monthly"][k]) == {"p5", "p50", "p95"} and len(s["monthly"][k]["p50"]) == months
                   for k in MONTHLY_SERIES)
        assert set(s["daily"]) == {"first_day", "front_stock", "days_of_supply"}
        assert set(s["daily"]["front_stock"]) == {"p5", "p25", "p50", "p75", "p95"}
        assert set(s["example"]) == EXAMPLE_KEYS
        assert all(set(c) == CLOSURE_KEYS for c in s["example"]["closures"])
        assert all(set(p) == {"value", "unit", "assumption"} for p in s["parameters"].values())
        assert set(s["usable_share"]) >= {"p5", "p50", "p95"}
        for d in s["disruptions"]:
            assert DISRUPTION_KEYS <= set(d)
            if d["within_run"]:
                assert EFFECT_KEYS | {"replications_with_stock"} <= set(d)
                assert all(set(w) == WEEK_KEYS for w in d["around"])
                assert set(d["dip_shells"]) >= {"p5", "p50", "p95"}
    kinds = {d["name"]: d for d in codec.to_json(every_kind)["logistics"]["disruptions"]}
    assert kinds["closed"]["route"] == "rail" and kinds["closed"]["end"] == "2024-12-13"
    assert (kinds["strike"]["depot"], kinds["strike"]["share"]) == ("front", 0.3)
    assert kinds["slow"]["factor"] == 2.5 and kinds["cold"]["months"] == [12, 1] and kinds["cold"]["factor"] == 1.5
    assert kinds["later"] == {"name": "later", "kind": "route_closed", "start": "2031-01-01", "start_day": -1,
                              "days": 10.0, "route": "ship", "within_run": False}


def test_the_pipelines_serialiser_writes_and_reads_the_block(summary, block):
    doc = json.loads(json.dumps(summary_json.to_json(summary, codecs())))
    assert doc["logistics"] == json.loads(json.dumps(codec.to_json(block)))["logistics"]
    assert summary_json.from_json(doc, codecs()).features["logistics"] == _rounded(block)


# --------------------------------------------------------------------------- the answer
@pytest.mark.parametrize("lang", LANGS)
def test_answers_say_the_blocks_dip_and_recovery(summary, block, lang):
    (d,) = block.dated
    e = d.effect
    dip, back = chain_answers(summary, block, lang)
    day = texts.text("story.day", lang, day=1, month=texts.text("month_long.11", lang), year="2024")
    assert day in dip.label and day in back.label and short_label(d, lang) in dip.label
    assert dip.median == format_value(e.dip_shells.p50, "shells", lang)
    assert dip.interval.endswith(format_range(e.dip_shells.p5, e.dip_shells.p95, "shells", lang))
    assert format_percent(e.share_with_dip, lang) in dip.depends
    assert format_percent(e.dip_share.p50, lang) in dip.definition
    assert days_words(e.dip_days_of_fire.p50, lang) in dip.definition
    r = e.days_to_recover
    assert r is not None and e.days_below is not None
    if r.share_never:
        assert format_percent(r.share_never, lang) in back.never
    else:
        assert back.never == ""
    assert days_words(e.days_below.p50, lang) in back.depends
    assert format_percent(e.share_with_dip, lang) in back.definition
    assert dip.caveat == texts.text("chain_answer.caveat", lang)
    assert back.caveat == texts.text("chain_answer.back_caveat", lang)
    if r.p50 is not None:
        assert back.median == days_words(r.p50, lang)


def test_several_disruptions_get_one_card_each_and_none_without_a_dated_one(summary, every_kind):
    with_many = replace(summary, features={**summary.features, "logistics": every_kind})
    cards = chain_answers(with_many, every_kind, "en")
    assert len(cards) == MAX_ANSWERS
    for card, d in zip(cards, every_kind.dated):
        assert short_label(d, "en") in card.label
        e = d.effect
        assert card.median == format_value(e.dip_shells.p50, "shells", "en")
        if e.days_to_recover is not None and e.days_to_recover.p50 is not None:
            assert days_words(e.days_to_recover.p50, "en") in card.never
    winter_only = replace(every_kind, disruptions=tuple(d for d in every_kind.disruptions
                                                         if d.kind == "winter_slowdown"))
    assert chain_answers(summary, winter_only, "en") == []
    assert chain_lead(winter_only, "en").startswith("Sailing and long-haul rail take 1.5 times as long")
    assert chain_lead(replace(every_kind, disruptions=()), "de") == texts.text("chain.no_disruptions", "de")


# --------------------------------------------------------------------------- the page
def _text(fragment: str) -> str:
    """What a reader sees of an HTML fragment: tags out, entities and spaces as one."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment)))


@pytest.mark.parametrize("lang", LANGS)
def test_the_index_card_gives_the_chain_answers_as_the_first_screen_does(summary, block, lang):
    (row,) = index_page([IndexEntry(summary.scenario, "ok", summary=summary)], features=features(), lang=lang).rows
    cards = chain_answers(summary, block, lang)
    assert [(a.label, a.median, a.interval) for a in row.answers[-len(cards):]] == [
        (c.label, c.median, c.interval) for c in cards]
    (bare,) = index_page([IndexEntry(summary.scenario, "ok", summary=summary)], lang=lang).rows
    assert len(bare.answers) == len(summary.headline)  # without the features: the headline answers alone


@pytest.mark.parametrize("lang", LANGS)
def test_report_page_shows_the_answer_first_and_the_section(summary, block, lang):
    page = render_report(report_page(summary, features=features(), lang=lang))
    first = _text(page[page.index('<section id="answer"'):page.index("</section>")])
    for card in chain_answers(summary, block, lang):
        assert card.label in first and card.median in first and card.interval in first
    section = page[page.index('<details id="logistics">'):]
    section = section[:section.index("</details>")]
    words = _text(section)
    assert texts.text("chain.heading", lang) in words
    lead = chain_lead(block, lang)
    assert f'<span class="lead">{html.escape(lead)}</span>' in section
    (d,) = block.disruptions
    e = d.effect
    for number in (format_value(e.dip_shells.p50, "shells", lang), format_value(e.dip_shells.p95, "shells", lang),
                   format_percent(e.share_with_dip, lang), format_count(block.replications, lang)):
        assert number in words, number
    assert e.around[0].date in words and "shells_per_wagon" in words
    story = {"en": "is closed from 1 November 2024 for 42 days", "de": "ist ab 1. November 2024 für 42 Tage gesperrt"}
    assert story[lang] in words
    assert texts.text("chain.assumptions", lang) in words


def test_every_kind_renders_with_its_sentences(summary, every_kind):
    with_many = replace(summary, features={**summary.features, "logistics": every_kind})
    for lang in LANGS:
        words = _text(render_report(report_page(with_many, features=features(), lang=lang)))
        assert texts.text("story.outside", lang) in words
        assert texts.text("story.monthly_none", lang) in words
        for d in every_kind.dated:
            assert fire_sentence(d.effect, every_kind.policy, lang) in words
    words = _text(render_report(report_page(with_many, features=features(), lang="en")))
    for sentence in ("Border inspections take 2.5 times as long from 1 June 2025 for 30 days.",
                     "A strike destroys 30 % of the stock of the front depot on 10 March 2025.",
                     "Sailing and long-haul rail take 1.5 times as long in December, January, every year."):
        assert sentence in words


# --------------------------------------------------------------------------- the charts
def _words_of(fig) -> str:
    return " ".join(t.get_text().replace("\n", " ") for t in fig.findobj(Text))


@pytest.mark.parametrize("lang", LANGS)
def test_charts_take_their_numbers_from_the_block(run, summary, block, lang):
    context = FigureContext(summary, run, lambda claimants=(): "CAPTION.", lang)
    with language(lang):
        charts = {stem: (title, fig) for stem, title, fig in logistics_figures(context, block)}
        assert list(charts) == ["logistics_chain_example", "logistics_front_stock", "logistics_front_stock_dip",
                                "logistics_deliveries"]
        replications = texts.text("lchart.chain", lang, replications=format_count(REPLICATIONS, lang), days=30)
        for _, fig in charts.values():
            assert "CAPTION. " + replications.split(";")[0] in re.sub(r"\s+", " ", _words_of(fig))
        x = block.example
        assert f"{x.replication} " in _words_of(charts["logistics_chain_example"][1])
        assert str(x.sample) in _words_of(charts["logistics_chain_example"][1])
        (d,) = block.dated
        assert format_count(d.effect.stocked, lang) in _words_of(charts["logistics_front_stock_dip"][1])
        # made again from summary.json: the charts of single replications need the run, the rest do not
        again = FigureContext(summary, None, lambda claimants=(): "CAPTION.", lang)
        assert [stem for stem, _, _ in logistics_figures(again, block)] == ["logistics_front_stock",
                                                                             "logistics_deliveries"]
