"""Tests for model.presentation.report: one scenario's report (``report_page`` from a typed run summary,
rendered through autoescaped Jinja2 templates), its first screen (the answers and the story chart) and
its sections (``<details>``, the answer in ``<summary>``), and model.presentation.numbers."""

from __future__ import annotations

import dataclasses
import html
import json
import os
import re
import shutil
import signal
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, ClassVar

import matplotlib

matplotlib.use("Agg")
import jinja2
import jinja2.meta
import jinja2.nodes
import matplotlib.pyplot as plt
import pytest

from model.core.catalogue import METRICS
from model.features.registry import features
from model.presentation import numbers
from model.presentation.numbers import NumberStyle, format_interval, format_value
from model.presentation.report import render_report, report_page
from model.presentation.report.render import MODEL_DIR, environment
from model.presentation.report.views import ReportPage
from model.presentation.words import answer
from model.summary.types import RunSummary
from tests.summaries import (
    FIGURES_USED,
    MANIFEST,
    SUMMARY,
    feature_run,
    small_run,
    summary,
    summary_json,
    summary_of,
    typed,
    written,
)

REPORT_CSS = MODEL_DIR / "presentation" / "report" / "report.css"
STORY = "Figure 1: deliveries, reported by NIS"


class _Checker(HTMLParser):
    """Collects tags and checks that every non-void element is closed in order."""

    VOID: ClassVar[set[str]] = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
                                "track", "wbr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unexpected </{tag}>, open: {self.stack[-3:]}")
        else:
            self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def _parse(doc: str) -> _Checker:
    checker = _Checker()
    checker.feed(doc)
    checker.close()
    return checker


def _png(path: Path) -> Path:
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot([0, 1, 2], [0, 1, 4])
    fig.savefig(path, dpi=50)
    plt.close(fig)
    return path


def _page(s: RunSummary | None = None, *, figures: dict[str, tuple[str, Path]] | None = None,
          sources: list[dict[str, Any]] | None = None, manifest: dict[str, Any] | None = MANIFEST,
          lang: str = "en") -> ReportPage:
    return report_page(summary() if s is None else s, features=features(), figures=figures or {},
                       sources=FIGURES_USED if sources is None else sources, manifest=manifest, lang=lang)


def _html(s: RunSummary | None = None, **kw: Any) -> str:
    return render_report(_page(s, **kw))


@pytest.fixture
def report(tmp_path: Path) -> str:
    s = summary(description=SUMMARY["description"] + " <script>alert('x')</script>")
    return _html(s, figures={"story": (STORY, _png(tmp_path / "story.png"))})


def _first_screen(doc: str) -> str:
    """The page up to its first section a reader opens."""
    return doc[:doc.index("<details")]


def test_report_content(report: str) -> None:
    assert report.startswith("<!DOCTYPE html>")
    assert '<html lang="en">' in report and '<meta charset="utf-8">' in report
    assert re.search(r"<title>[^<]*baseline[^<]*</title>", report)
    assert "<strong>baseline</strong>" in report
    assert '<h1 class="question">How much of Russia&#39;s artillery fire has North Korea supplied' in report
    # user text is escaped, never executed
    assert "<script>" not in report
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in report
    assert 'src="data:image/png;base64,' in report
    assert f"<figcaption>{STORY}</figcaption>" in report
    # article figure: German quote, gloss, claim wording
    assert '<q lang="de">Laut südkoreanischem Geheimdienst' in report
    assert "According to South Korean intelligence" in report
    assert "reported by South Korean intelligence (NIS)" in report
    assert "000_e163d328edb36f81.txt" in report
    # the answers in words, and every number
    assert "<h2>North Korean share of fired shells</h2>" in report
    assert "41 %" in report and "90 % interval 33–50 %" in report
    assert "11.7 million" in report and "28 bn USD" in report and "1,158" in report
    # calibration, drivers, footer
    assert "493 effective futures" in report and 'class="warning"' not in report
    assert "depends mostly on North Korean shipping capacity (ST 0.56)" in report
    assert "20230913" in report and "sobol" in report and "16,384" in report
    assert MANIFEST["scenario_hash"] in report and "0.1.0+abcdef123456" in report and "numpy 2.1.0" in report
    assert "2025-01-01T10:02:00+00:00" in report


def test_report_is_self_contained_and_well_formed(report: str) -> None:
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", report, re.IGNORECASE)
    assert "@import" not in report and "url(" not in report
    assert "<link" not in report and "<script" not in report
    checker = _parse(report)
    assert checker.errors == []
    assert checker.stack == []
    tags = [t for t, _ in checker.tags]
    for needed in ("html", "head", "body", "title", "style", "header", "main", "footer", "details", "summary", "table",
                   "figure", "img"):
        assert needed in tags, needed
    img = next(a for t, a in checker.tags if t == "img")
    assert img["alt"] == STORY


def test_report_is_deterministic(tmp_path: Path) -> None:
    png = _png(tmp_path / "a.png")
    one = _html(figures={"story": ("a", png), "mechanisms": ("b", png)})
    assert one == _html(figures={"story": ("a", png), "mechanisms": ("b", png)})
    assert one == _html(typed(written(summary())), figures={"story": ("a", png), "mechanisms": ("b", png)})


def test_missing_figure_is_a_note(tmp_path: Path) -> None:
    doc = _html(figures={"story": ("Story", tmp_path / "nope.png")}, sources=[])
    assert "figure missing" in doc.lower()
    assert "nope.png" in doc
    assert "data:image/png" not in doc
    assert _parse(doc).errors == []


def test_low_ess_warning_null_quantiles_and_share_never() -> None:
    d = summary_json(effective_sample_size=42.0)
    d["observations"][1].update(fits=False, in_tension_with_others=True, leave_one_out_quantile=0.99)
    d["metrics"]["months_to_shortage_after_cutoff"] = {"mean": 9.0, "p5": 4.0, "p50": None, "p95": None,
                                                       "unit": "months", "share_never": 0.62}
    doc = _html(typed(d), sources=[])
    assert 'class="warning"' in doc and "Only 42 effective futures remain after calibration" in _first_screen(doc)
    assert "Only 42 effective samples of 16,384 survive the weighting" in doc  # the calibration's findings
    assert "nk_share_of_munitions_2025 (40 %, a share) is in tension with the other figures" in doc
    assert "1 of 2 reported figures reproduced" in doc  # the calibration section's lead
    assert "not within the window" in doc
    assert "no shortage within the window in 62 % of samples" in doc
    assert _parse(doc).errors == []


def test_uncalibrated_summary_renders() -> None:
    s = summary(calibrated=False, effective_sample_size=None, log_evidence=None, observations=[], prior_metrics={},
                driver_indices={})
    doc = _html(s, sources=[])
    assert "not calibrated" in doc
    assert "No reported figures are used as observations in this scenario." in doc
    assert 'class="warning"' not in doc and "Before calibration" not in doc
    assert _parse(doc).errors == []


def test_number_formatting() -> None:
    assert format_value(0.412875, "fraction") == "41 %"
    assert format_value(11666000.0, "shells") == "11.7 million"
    assert format_value(27822500000.0, "usd") == "28 bn USD"
    assert format_value(8292520000.0, "usd") == "8.3 bn USD"
    assert format_value(1158.04, "soldiers") == "1,158"
    assert format_value(321638.0, "soldier-months") == "321,638"
    assert format_value(36.0, "months") == "36 months"
    assert format_value(345487.0, "shells/month") == "345,000 a month"
    assert format_value(None, "months") == "not within the window"
    assert format_interval(0.327563, 0.504657, "fraction") == "90 % interval 33–50 %"
    assert format_interval(0.0, 5389640.0, "shells") == "90 % interval 0–5.4 million"
    assert format_interval(4.0, None, "months") == "90 % interval 4 months to beyond the window"


# ---------------------------------------------------------------------------------------------
# The first screen: the answers, then the story; the rest in sections a reader opens
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_first_screen_answers_each_headline_metric(tmp_path: Path, lang: str) -> None:
    s = summary()
    page = _page(s, figures={"story": (STORY, _png(tmp_path / "story.png"))}, lang=lang)
    doc = render_report(page)
    first = _first_screen(doc)
    assert [a.label for a in page.first.answers] == [answer(s, m, lang).label for m in s.headline]
    assert len(s.headline) == 3
    for m, card in zip(s.headline, page.first.answers):
        stats = s.metrics[m]
        assert card.median == format_value(stats.p50, stats.unit, lang)
        assert card.interval == format_interval(stats.p5, stats.p95, stats.unit, lang)
        for text in (card.label, card.median, card.interval):
            assert text and text.replace("'", "&#39;") in first, (m, text)
    # the story chart is embedded on the first screen, after the answers
    assert first.index('class="story"') > first.index(page.first.answers[-1].interval)
    assert re.search(r'<figure class="story">\s*<img src="data:image/png;base64,', first)
    expected = {"en": ("North Korean share of fired shells", "41 %", "90 % interval 33–50 %", "11.7 million"),
                "de": ("Nordkoreanischer Anteil an den verschossenen Granaten", "41 %", "90-%-Intervall 33–50 %",
                       "11,7 Mio.")}[lang]
    for text in expected:
        assert text in first, text
    assert f'<html lang="{lang}">' in doc


def test_an_answer_that_may_not_happen_says_how_often_and_what_it_counts() -> None:
    d = summary_json(headline=["months_to_fire_drop_after_cutoff"], cutoff="2025-01")
    d["metrics"]["months_to_fire_drop_after_cutoff"] = {"mean": 5.0, "p5": 2.0, "p50": 6.0, "p95": None,
                                                         "unit": "months", "share_never": 0.3}
    page = _page(typed(d))
    (card,) = page.first.answers
    assert card.median == "6 months" and card.interval.endswith("to beyond the window")
    assert card.never.startswith("In 30 % of the futures") and "Aug 2026" in card.never
    assert "80 %" in card.definition  # the fire-drop threshold
    first = html.unescape(_first_screen(render_report(page)))
    assert card.never in first and card.definition in first


@pytest.mark.parametrize("lang", ["en", "de"])
def test_sections_are_details_with_their_lead_in_the_summary(tmp_path: Path, lang: str) -> None:
    png = _png(tmp_path / "m.png")
    page = _page(figures={"story": ("s", png), "mechanisms": ("m", png)}, lang=lang)
    doc = render_report(page)
    assert [d.key for d in page.sections] == ["calibration", "drivers", "mechanisms", "numbers", "sources"]
    blocks = re.findall(r'<details id="([^"]+)">\s*<summary>(.*?)</summary>', doc, re.DOTALL)
    assert [key for key, _ in blocks] == [d.key for d in page.sections]
    for (_, head), section in zip(blocks, page.sections):
        assert f'<span class="heading">{section.heading}</span>' in head
        assert section.lead and f'<span class="lead">{section.lead}</span>' in head.replace("&#39;", "'")
    assert "<details open" not in doc  # closed: the first screen is the answer
    assert doc.count("<details") == doc.count("</details>") == len(page.sections)


def test_a_feature_section_sits_before_every_number_and_the_sources(tmp_path: Path) -> None:
    run = feature_run()
    s = summary_of(run)
    png = _png(tmp_path / "f.png")
    page = _page(s, figures={"story": ("s", png), "discovery_long_shortage": ("discovery long shortage", png),
                             "convergence_stopping": ("convergence stopping", png),
                             "corner_inputs": ("corner inputs", png), "fan_other": ("fan other", png)}, sources=[])
    keys = [d.key for d in page.sections]
    assert keys == ["calibration", "drivers", "mechanisms", "alternatives", "discovery", "tradeoffs", "correlations",
                    "stopping", "numbers", "sources"]
    doc = render_report(page)
    for needle in ('<details id="discovery">', '<details id="correlations">', '<details id="stopping">',
                   '<details id="tradeoffs">', '<details id="alternatives">',
                   "Sobol indices and the tornado swings assume independent inputs",
                   "Sampling stopped after 1,024 samples", ">discovery long shortage</figcaption>",
                   ">convergence stopping</figcaption>", ">corner inputs</figcaption>"):
        assert needle in doc, needle
    # a feature's chart sits in its own section only; the fan chart among the mechanisms
    assert doc.count(">convergence stopping</figcaption>") == 1 and doc.count(">fan other</figcaption>") == 1
    mechanisms = doc[doc.index('<details id="mechanisms">'):doc.index('<details id="alternatives">')]
    assert ">fan other</figcaption>" in mechanisms
    for d in page.sections:
        assert d.lead, d.key


# ---------------------------------------------------------------------------------------------
# Headless Chromium: the page really opens from disk and renders
# ---------------------------------------------------------------------------------------------


def _chromium() -> str | None:
    for candidate in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def _run_chromium(args: list[str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run chromium in its own process group and kill the whole group on timeout."""
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail(f"chromium did not finish within {timeout} s: {' '.join(args)}")
    return subprocess.CompletedProcess(args, proc.returncode, out, err)


def test_report_renders_in_headless_chromium(report: str, tmp_path: Path) -> None:
    chromium = _chromium()
    if chromium is None:
        pytest.skip("chromium is not installed (apt-get install chromium); the CI script installs it")
    page = tmp_path / "report.html"
    page.write_text(report, encoding="utf-8")
    base = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage", f"--user-data-dir={tmp_path / 'chromium-profile'}"]

    dom = _run_chromium(base + ["--dump-dom", page.as_uri()])
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert "<strong>baseline</strong>" in dom.stdout and "<h2>North Korean share of fired shells</h2>" in dom.stdout
    assert re.search(r"<img [^>]*src=\"data:image/png;base64,", dom.stdout)

    shot = tmp_path / "shot.png"
    res = _run_chromium(base + [f"--screenshot={shot}", "--window-size=1200,2000", "--hide-scrollbars", page.as_uri()])
    assert res.returncode == 0, res.stderr[-2000:]
    assert shot.exists()
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000  # a blank 1200x2000 page compresses to a few kB


# ---------------------------------------------------------------------------------------------
# Every number: the metrics table
# ---------------------------------------------------------------------------------------------


def _metrics_table(doc: str) -> str:
    match = re.search(r'<table class="metrics[^"]*">.*?</table>', doc, re.DOTALL)
    assert match, "no metrics table"
    return match.group(0)


def test_all_metrics_table_has_one_cell_per_model(report: str) -> None:
    table = _metrics_table(report)
    head = re.search(r"<thead>.*?</thead>", table, re.DOTALL).group(0)
    assert len(re.findall(r"<th[ >]", head)) == 3  # metric, calibrated, before calibration
    assert "Calibrated" in head and "Before calibration" in head
    # median on top, its 90 % interval below in the same cell; an end never splits over lines
    assert ('<td class="n"><span class="num"><strong>41 %</strong></span>'
            '<span class="interval"><span class="num">33–50 %</span></span></td>') in table
    assert '<span class="num">36 %</span>' in table  # before calibration
    assert "table.metrics { table-layout: fixed; }" in report
    assert "table.metrics td.n" not in report  # no nowrap on whole number cells


def test_metrics_table_long_intervals_and_never() -> None:
    d = summary_json()
    d["metrics"]["months_to_shortage_after_cutoff"] = {"p5": 0.0, "p50": None, "p95": None, "unit": "months",
                                                       "share_never": 0.63}
    table = _metrics_table(_html(typed(d), sources=[]))
    row = next(r for r in table.split("<tr>") if "cut-off" in r)
    # the long phrase may wrap, the number with its unit may not
    assert '<span class="num">0 months –</span> not within the window' in row
    assert "no shortage within the window in 63 % of samples" in row


def test_uncalibrated_metrics_table_has_two_columns() -> None:
    table = _metrics_table(_html(summary(calibrated=False, prior_metrics={}), sources=[]))
    assert table.startswith('<table class="metrics">')
    head = re.search(r"<thead>.*?</thead>", table, re.DOTALL).group(0)
    assert len(re.findall(r"<th[ >]", head)) == 2


def test_metrics_table_follows_the_catalogue_not_the_json_key_order() -> None:
    """summary.json has sorted keys; the "Every number" table keeps the catalogue's order either way."""
    shuffled = summary_json()
    shuffled["metrics"] = dict(sorted(SUMMARY["metrics"].items()))
    assert list(shuffled["metrics"]) != [m for m in METRICS if m in shuffled["metrics"]]  # the test could fail
    rows = [r.label for r in _section(_page(typed(shuffled)), "numbers").rows]
    assert rows == [r.label for r in _section(_page(), "numbers").rows]
    assert rows[0] == "Shells shipped from North Korea"


def test_identifiers_wrap_after_underscores(report: str) -> None:
    assert "<code>nk_<wbr>shells_<wbr>delivered_<wbr>2024</code>" in report


# ---------------------------------------------------------------------------------------------
# Escaping, templates, typed views
# ---------------------------------------------------------------------------------------------

_ATTACK = "<script>alert('x')</script>"
_ESCAPED = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"


def test_user_text_is_escaped_everywhere(tmp_path: Path) -> None:
    d = summary_json(description=f"Question {_ATTACK}")
    d["observations"][0].update(id=f"Figure {_ATTACK}", fits=False)  # an id the findings name
    d["driver_indices"]["nk_share_of_fired"]["inputs"][0]["name"] = f"Input {_ATTACK}"
    sources = [dict(FIGURES_USED[0], quote=f"Zitat {_ATTACK}", note=f"Gloss {_ATTACK}", claimant=_ATTACK)]
    manifest = dict(MANIFEST, scenario_file=f"a{_ATTACK}.yaml")
    doc = _html(typed(d), figures={"story": (f"Caption {_ATTACK}", _png(tmp_path / "a.png")),
                                   "mechanisms": ('Quote " end', tmp_path / "gone.png")},
                sources=sources, manifest=manifest)
    assert "<script" not in doc
    for text in ("Question ", "Figure ", "Input ", "Zitat ", "Gloss ", "reported by ", "Caption ", "a"):
        assert text + _ESCAPED in doc, text
    assert f'<q lang="de">Zitat {_ESCAPED}</q>' in doc
    assert f'alt="Caption {_ESCAPED}"' in doc  # attribute values too
    assert "<figcaption>Quote &#34; end</figcaption>" in doc
    checker = _parse(doc)
    assert checker.errors == [] and checker.stack == []
    assert f"Question {_ATTACK}" in "".join(checker.text)  # the reader sees the text as written


def _templates() -> list[str]:
    """Every template the pages use: the core's and each feature's section."""
    found = [*(MODEL_DIR / "presentation" / "report" / "templates").rglob("*.j2"),
             *(MODEL_DIR / "features").glob("*/*.j2")]
    return sorted(p.relative_to(MODEL_DIR).as_posix() for p in found)


def test_templates_read_only_the_page_object() -> None:
    env = environment()
    assert env.autoescape is not False and env.undefined is jinja2.StrictUndefined
    names = _templates()
    assert {"presentation/report/templates/base.html.j2", "presentation/report/templates/macros.html.j2",
            "presentation/report/templates/report.html.j2", "presentation/report/templates/index.html.j2",
            "presentation/report/templates/sections/calibration.html.j2",
            "features/discovery/section.html.j2"} <= set(names)
    for name in names:
        source = env.loader.get_source(env, name)[0]
        tree = env.parse(source)
        # "m" is the macros module; t, tm and lang are the page's words (render._words); a section's template
        # reads its own view (`view`, set by the report template for each section)
        allowed = {"page", "m", "t", "tm", "lang"} | ({"view"} if "/sections/" in name or name.startswith("features/")
                                                     else set())
        assert jinja2.meta.find_undeclared_variables(tree) <= allowed, name
        # attributes of typed objects only: no page["key"], no raw markup let through
        assert not list(tree.find_all(jinja2.nodes.Getitem)), name
        assert "|safe" not in source.replace(" ", "") and "Markup" not in source, name


@pytest.mark.parametrize("lang", ["en", "de"])
def test_every_template_variable_is_defined(tmp_path: Path, lang: str) -> None:
    """StrictUndefined makes any name the views do not have an error; render every branch."""
    d = summary_json(effective_sample_size=12.0)
    d["conflicting_pairs"] = [{"a": "x", "b": "y", "ratio": 0.03}]
    d["calibration"]["series"] = [["nk_shells_delivered_2024", "nk_share_of_munitions_2025"]]
    d["metrics"]["months_to_shortage_after_cutoff"] = {"p5": 2.0, "p50": None, "p95": None, "unit": "months",
                                                       "share_never": 0.4}
    d["driver_indices"]["nk_share_of_fired"]["inputs"] = [
        dict(d["driver_indices"]["nk_share_of_fired"]["inputs"][0], name=f"p{i}", ST=i / 10) for i in range(8)]
    png = _png(tmp_path / "a.png")
    stems = ["story", "mechanisms", "payments", "cutoff_stock_shortfall", "fan_nk_stockpile", "ppc_x",
             "hist_nk_share_of_fired", "hist_killed_total_other", "tornado_nk_share_of_fired",
             "discovery_long_shortage", "convergence_stopping", "corner_inputs"]
    figures = {stem: (stem, png) for stem in stems} | {"sobol_nk_share_of_fired": ("gone", tmp_path / "missing.png")}
    cases = [
        (typed(d), figures, FIGURES_USED, MANIFEST),
        (summary(calibrated=False, prior_metrics={}), {}, [], None),
        (summary(observations=[], headline=[], driver_indices={}), {}, [], None),
        (summary_of(small_run("baseline", 256)), figures, FIGURES_USED, MANIFEST),  # structures, value of information
        (summary_of(small_run("nk_cutoff", 256)), figures, [], None),  # a cut-off
        (summary_of(feature_run()), figures, [], MANIFEST),  # every optional feature but the chain
    ]
    for s, figs, used, man in cases:
        page = report_page(s, features=features(), figures=figs, sources=used, manifest=man, lang=lang)
        assert isinstance(page, ReportPage)
        doc = render_report(page)
        assert _parse(doc).errors == [], s.scenario

    # and a view without a field the template reads fails loudly instead of printing nothing
    @dataclasses.dataclass(frozen=True)
    class Incomplete:
        rows: tuple = ()

    with pytest.raises(jinja2.UndefinedError):
        environment().get_template("presentation/report/templates/index.html.j2").render(page=Incomplete())


def _section(page: ReportPage, key: str) -> Any:
    return next(d for d in page.sections if d.key == key).view


def test_views_are_frozen_and_typed(tmp_path: Path) -> None:
    page = _page(figures={"story": ("a", _png(tmp_path / "a.png"))})
    with pytest.raises(dataclasses.FrozenInstanceError):
        page.name = "other"  # type: ignore[misc]
    assert page.first.answers[0].median == "41 %"
    assert page.first.answers[0].interval == "90 % interval 33–50 %"
    assert page.first.story is not None and page.first.story.data_uri.startswith("data:image/png;base64,")
    assert _section(page, "sources")[0].figure.parts == ("nk", "shells", "delivered", "2024")
    rows = _section(page, "drivers").details[0].rows
    assert rows[0].input == "North Korean shipping capacity" and rows[0].total == "0.56 (0.50–0.62)"
    assert rows[1].rank == "−0.40" and rows[1].swing == "−5.0 pp"
    assert page.facts.packages == "python 3.12.0, numpy 2.1.0" and page.facts.samples == "16,384"


def test_style_sheet_is_inlined_as_written(report: str) -> None:
    css = REPORT_CSS.read_text(encoding="utf-8")
    assert css.strip() in report  # not escaped, not altered by the template engine
    assert 'q:lang(de) { quotes: "\\201E" "\\201C";' in report


def test_the_page_from_summary_json_is_the_page_from_the_run(tmp_path: Path) -> None:
    """A report made again from summary.json says what the run's own report says."""
    s = summary_of(small_run("baseline", 256))
    png = _png(tmp_path / "a.png")
    figures = {"story": ("story", png)}
    from_file = typed(json.loads(json.dumps(written(s), sort_keys=True)))  # as write_json writes it
    assert _html(from_file, figures=figures) == _html(s, figures=figures)


# ---------------------------------------------------------------------------------------------
# numbers: the one formatter
# ---------------------------------------------------------------------------------------------


def test_numbers_helpers() -> None:
    assert numbers.format_count(16384) == "16,384" and numbers.format_count(None) == ""
    assert numbers.format_percent(0.0301) == "3.0 %" and numbers.format_percent(0.004) == "0.4 %"
    assert numbers.format_value(785564.0, "shells") == "786,000"
    assert numbers.format_value(2.4e9, "shells") == "2.4 billion"
    assert numbers.format_value(4.5e6, "usd") == "4.5 million USD"
    assert numbers.format_value(1.0, "months") == "1 month"
    assert numbers.format_value(0.25, "widgets_per_day") == "0.250 widgets per day"
    assert numbers.format_range(985000.0, 4.6e6, "shells") == "985,000 – 4.6 million"
    assert numbers.format_bare_interval(0.0, None, "months") == "0 months – not within the window"
    assert numbers.format_bare_interval(None, 5.0, "months") == "up to 5 months"
    assert numbers.format_median_interval(0.41, 0.33, 0.5, "fraction") == "41 % (90 % interval 33–50 %)"
    assert numbers.format_signed(0.12, "fraction") == "+12 pp"
    assert numbers.format_signed(-123456.0, "shells") == "−123,000"
    assert numbers.format_index(0.5) == "0.50" and numbers.format_index(None) == "–"
    assert numbers.format_index_range(0.5, None) == ""
    assert numbers.format_correlation(0.8) == "+0.80" and numbers.format_ratio(0.03121) == "0.031"
    assert numbers.unit_words("bn_usd") == "bn USD" and numbers.unit_words("usd") == "USD"
    assert numbers.interval_ends("985,000 – 4.6 million") == [("985,000", " –"), ("4.6 million", "")]
    with pytest.raises(ValueError, match="no number style"):
        numbers.format_value(1.0, "shells", lang="xx")


def test_a_second_language_is_one_style(monkeypatch: pytest.MonkeyPatch) -> None:
    """Separators and words come from one NumberStyle per language."""
    german = NumberStyle(decimal=",", group=".", million=" Mio.", bn_usd=" Mrd. USD",
                         month_many=" Monate", interval="90-%-Intervall {range}")
    monkeypatch.setitem(numbers.STYLES, "de", german)
    assert numbers.format_value(11666000.0, "shells", "de") == "11,7 Mio."
    assert numbers.format_value(0.412875, "fraction", "de") == "41 %"
    assert numbers.format_value(27822500000.0, "usd", "de") == "28 Mrd. USD"
    assert numbers.format_value(1158.04, "soldiers", "de") == "1.158"
    assert numbers.format_value(36.0, "months", "de") == "36 Monate"
    assert numbers.format_interval(0.0, 5389640.0, "shells", "de") == "90-%-Intervall 0–5,4 Mio."
    assert numbers.format_index(0.56, "de") == "0,56" and numbers.format_count(16384, "de") == "16.384"
