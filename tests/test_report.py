"""Tests for model.presentation.report (self-contained HTML reports and the batch index, rendered
from typed view objects through autoescaped Jinja2 templates) and model.presentation.numbers."""

from __future__ import annotations

import copy
import dataclasses
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

from model.presentation import numbers
from model.presentation.numbers import NumberStyle
from model.presentation.report import (
    format_interval,
    format_value,
    index_page,
    render_index,
    render_report,
    report_page,
)
from model.presentation.report.render import PACKAGE_DIR, environment
from model.presentation.report.views import IndexPage, ReportPage

# A trimmed summary.json of the baseline scenario.
SUMMARY = {
    "scenario": "baseline",
    "description": "How much of Russia's artillery fire has North Korea supplied since 2023?",
    "seed": 20230913,
    "samples": 16384,
    "sampling": "sobol",
    "window": {"start": "2023-09", "end": "2026-08"},
    "calibrated": True,
    "effective_sample_size": 493.002,
    "observations": [
        {
            "id": "nk_shells_delivered_2024",
            "output": "nk_deliveries_cumulative",
            "month": "2024-06",
            "reported": 3500000.0,
            "error_range_90": [2800000.0, 4375000.0],
            "p5": 2808930.0,
            "p50": 3441680.0,
            "p95": 4241550.0,
            "prior_p5": 1499510.0,
            "prior_p50": 2985770.0,
            "prior_p95": 5845370.0,
            "fits": True,
            "leave_one_out_quantile": 0.597805,
            "in_tension_with_others": False,
        },
        {
            "id": "nk_share_of_munitions_2025",
            "output": "nk_share_of_fired",
            "month": "2025-07",
            "reported": 0.4,
            "error_range_90": [0.266667, 0.6],
            "p5": 0.321489,
            "p50": 0.413871,
            "p95": 0.50754,
            "prior_p5": 0.111254,
            "prior_p50": 0.352001,
            "prior_p95": 0.54138,
            "fits": True,
            "leave_one_out_quantile": 0.472042,
            "in_tension_with_others": False,
        },
    ],
    "calibration_findings": [
        "All observed figures are reproduced jointly; none pulls against the others."
    ],
    "conflicting_pairs": [],
    "metrics": {
        "nk_deliveries_total": {
            "mean": 11526300.0,
            "p5": 7955650.0,
            "p50": 11666000.0,
            "p95": 14666800.0,
            "unit": "shells",
        },
        "nk_share_of_fired": {
            "mean": 0.414197,
            "p5": 0.327563,
            "p50": 0.412875,
            "p95": 0.504657,
            "unit": "fraction",
        },
        "shortfall_total": {
            "mean": 785564.0,
            "p5": 0.0,
            "p50": 0.0,
            "p95": 5389640.0,
            "unit": "shells",
        },
        "killed_total": {
            "mean": 1289.87,
            "p5": 576.279,
            "p50": 1158.04,
            "p95": 2364.25,
            "unit": "soldiers",
        },
        "payments_total_usd": {
            "mean": 28711800000.0,
            "p5": 18950300000.0,
            "p50": 27822500000.0,
            "p95": 41202100000.0,
            "unit": "usd",
        },
        "payments_share_of_nk_gdp": {
            "mean": 1.25963,
            "p5": 0.799136,
            "p50": 1.20917,
            "p95": 1.92787,
            "unit": "fraction",
        },
    },
    "prior_metrics": {
        "nk_deliveries_total": {
            "mean": 9620020.0,
            "p5": 4686940.0,
            "p50": 9018990.0,
            "p95": 16599700.0,
            "unit": "shells",
        },
        "nk_share_of_fired": {
            "mean": 0.365965,
            "p5": 0.214454,
            "p50": 0.360482,
            "p95": 0.537103,
            "unit": "fraction",
        },
    },
    "drivers": {
        "nk_share_of_fired": (
            "Share of all shells fired over the window that came from North Korea depends "
            "mostly on nk shipping capacity per month (ST 0.56)."
        ),
    },
}

FIGURES_USED = [
    {
        "id": "nk_shells_delivered_2024",
        "value": "3,500,000",
        "unit": "shells",
        "as_of": "2024-06",
        "claimant": "South Korean intelligence (NIS), as reported by Frederic Spohr, Focus Online",
        "source": "000_e163d328edb36f81.txt",
        "quote": (
            "Laut südkoreanischem Geheimdienst hat Nordkorea rund 3,5 Millionen Granaten "
            "nach Russland geliefert."
        ),
        "note": '"According to South Korean intelligence, NK delivered 3.5 million shells."',
        "reliability": "medium: indirect evidence",
        "role": "observation of nk_deliveries_cumulative",
    },
]

SENSITIVITY = [
    {
        "metric": "nk_share_of_fired",
        "parameter": "nk_shipping_capacity_per_month",
        "S1": 0.5,
        "S1_low": 0.45,
        "S1_high": 0.55,
        "ST": 0.56,
        "ST_low": 0.5,
        "ST_high": 0.62,
        "swing": 0.12,
        "rank_correlation": 0.8,
    },
    {
        "metric": "nk_share_of_fired",
        "parameter": "nk_stockpile_start",
        "S1": 0.3,
        "S1_low": None,
        "S1_high": None,
        "ST": 0.33,
        "ST_low": None,
        "ST_high": None,
        "swing": -0.05,
        "rank_correlation": -0.4,
    },
    {
        "metric": "nk_share_of_fired",
        "parameter": "nk_dud_rate_old",
        "S1": None,
        "S1_low": None,
        "S1_high": None,
        "ST": None,
        "ST_low": None,
        "ST_high": None,
        "swing": 0.01,
        "rank_correlation": None,
    },
]

MANIFEST = {
    "scenario_hash": "f00dcafe" * 8,
    "code_version": "0.1.0+abcdef123456",
    "packages": {"python": "3.12.0", "numpy": "2.1.0"},
    "started": "2025-01-01T10:00:00+00:00",
    "finished": "2025-01-01T10:02:00+00:00",
}


class _Checker(HTMLParser):
    """Collects tags and checks that every non-void element is closed in order."""

    VOID: ClassVar[set[str]] = {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }

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


@pytest.fixture
def report(tmp_path: Path) -> str:
    summary = copy.deepcopy(SUMMARY)
    summary["description"] += " <script>alert('x')</script>"
    png = _png(tmp_path / "fan.png")
    return render_report(
        summary,
        figures=[("Figure 1: deliveries, reported by NIS", png)],
        figures_used=FIGURES_USED,
        sensitivity=SENSITIVITY,
        manifest=MANIFEST,
    )


def test_report_content(report: str) -> None:
    assert report.startswith("<!DOCTYPE html>")
    assert '<html lang="en">' in report and '<meta charset="utf-8">' in report
    assert re.search(r"<title>[^<]*baseline[^<]*</title>", report)
    assert "<h1>baseline</h1>" in report
    # user text is escaped, never executed
    assert "<script>" not in report
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in report
    assert 'src="data:image/png;base64,' in report
    assert "<figcaption>Figure 1: deliveries, reported by NIS</figcaption>" in report
    # article figure: German quote, gloss, claim wording
    assert '<q lang="de">Laut südkoreanischem Geheimdienst' in report
    assert "According to South Korean intelligence" in report
    assert "reported by South Korean intelligence (NIS)" in report
    assert "000_e163d328edb36f81.txt" in report
    # key numbers in words
    assert "North Korean share of fired shells:" in report
    assert "41 %" in report and "90 % interval 33–50 %" in report
    assert "11.7 million" in report and "28 bn USD" in report and "1,158" in report
    # calibration, drivers, footer
    assert "493" in report and 'class="warning"' not in report
    assert "depends mostly on nk shipping capacity per month" in report
    assert "nk_shipping_capacity_per_month" in report
    assert "20230913" in report and "sobol" in report and "16,384" in report
    assert (
        MANIFEST["scenario_hash"] in report
        and "0.1.0+abcdef123456" in report
        and "numpy 2.1.0" in report
    )
    assert "2025-01-01T10:02:00+00:00" in report


def test_report_is_self_contained_and_well_formed(report: str) -> None:
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", report, re.IGNORECASE)
    assert "@import" not in report and "url(" not in report
    assert "<link" not in report and "<script" not in report
    checker = _parse(report)
    assert checker.errors == []
    assert checker.stack == []
    tags = [t for t, _ in checker.tags]
    for needed in (
        "html",
        "head",
        "body",
        "title",
        "style",
        "main",
        "footer",
        "table",
        "figure",
        "img",
    ):
        assert needed in tags
    img = next(a for t, a in checker.tags if t == "img")
    assert img["alt"] == "Figure 1: deliveries, reported by NIS"


def test_report_is_deterministic(tmp_path: Path) -> None:
    png = _png(tmp_path / "a.png")
    kwargs: dict[str, Any] = {
        "figures": [("a", png)],
        "figures_used": FIGURES_USED,
        "sensitivity": SENSITIVITY,
        "manifest": MANIFEST,
    }
    assert render_report(SUMMARY, **kwargs) == render_report(copy.deepcopy(SUMMARY), **kwargs)


def test_missing_figure_is_a_note(tmp_path: Path) -> None:
    doc = render_report(
        SUMMARY, figures=[("Fan chart", tmp_path / "nope.png")], figures_used=[], sensitivity=[]
    )
    assert "figure missing" in doc.lower()
    assert "nope.png" in doc
    assert "data:image/png" not in doc
    assert _parse(doc).errors == []


def test_low_ess_warning_null_quantiles_and_share_never() -> None:
    summary = copy.deepcopy(SUMMARY)
    summary["effective_sample_size"] = 42.0
    summary["observations"][1]["fits"] = False
    summary["observations"][1]["in_tension_with_others"] = True
    summary["metrics"]["months_to_shortage_after_cutoff"] = {
        "mean": 9.0,
        "p5": 4.0,
        "p50": None,
        "p95": None,
        "unit": "months",
        "share_never": 0.62,
    }
    doc = render_report(summary, figures=[], figures_used=[], sensitivity=[])
    assert 'class="warning"' in doc and "42 effective samples" in doc
    assert "not within the window" in doc
    assert "no shortage within the window in 62 % of samples" in doc
    assert _parse(doc).errors == []


def test_uncalibrated_summary_renders() -> None:
    summary = copy.deepcopy(SUMMARY)
    summary.update(
        calibrated=False,
        effective_sample_size=None,
        observations=[],
        prior_metrics={},
        drivers={},
        calibration_findings=[],
    )
    doc = render_report(summary, figures=[], figures_used=[], sensitivity=[])
    assert "not calibrated" in doc
    assert 'class="warning"' not in doc
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
    assert "not within the window" in format_interval(4.0, None, "months")


def _results_folder(tmp_path: Path, *with_report: str) -> Path:
    folder = tmp_path / "results"
    for name in with_report:
        (folder / name).mkdir(parents=True)
        (folder / name / "report.html").write_text("<!DOCTYPE html>", encoding="utf-8")
    folder.mkdir(exist_ok=True)
    return folder


def test_index_links_and_failures(tmp_path: Path) -> None:
    png = _png(tmp_path / "cmp.png")
    entries = [
        {"name": "baseline", "status": "ok", "message": "", "summary": SUMMARY},
        {
            "name": "cutoff_2025",
            "status": "failed",
            "message": "ValueError: <bad> input (at dynamics.py:12)",
            "summary": None,
        },
    ]
    doc = render_index(
        entries,
        figures=[("Scenario comparison", png)],
        generated="2025-01-01T10:00:00+00:00",
        folder=_results_folder(tmp_path, "baseline"),
    )
    assert 'href="baseline/report.html"' in doc
    assert "cutoff_2025/report.html" not in doc  # nothing to link to
    assert "failed:" in doc and "ValueError: &lt;bad&gt; input (at dynamics.py:12)" in doc
    assert "41 %" in doc and "33–50 %" in doc and "11.7 million" in doc and "121 %" in doc
    assert SUMMARY["description"].replace("'", "&#39;") in doc
    assert 'src="data:image/png;base64,' in doc
    assert "2025-01-01T10:00:00+00:00" in doc and "2 scenario(s)." in doc
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", doc, re.IGNORECASE)
    checker = _parse(doc)
    assert checker.errors == [] and checker.stack == []


def test_index_never_links_a_missing_report(tmp_path: Path) -> None:
    # every entry has a summary, but only "baseline" has its report.html on disk
    entries = [
        {"name": name, "status": "ok", "message": "", "summary": SUMMARY}
        for name in ("baseline", "no_report", "../baseline")
    ]
    folder = _results_folder(tmp_path, "baseline")
    (folder / "no_report").mkdir()  # the folder is there, its report is not
    doc = render_index(entries, folder=folder)
    assert re.findall(r'href="([^"]*)"', doc) == ["baseline/report.html"]
    assert "<td>no_report</td>" in doc
    # without a folder nothing can be checked, so nothing is linked
    assert "href=" not in render_index(entries)
    assert [r.href for r in index_page(entries, folder=folder).rows] == ["baseline/report.html", "", ""]


# ---------------------------------------------------------------------------------------------
# Headless Chromium: the page really opens from disk and renders
# ---------------------------------------------------------------------------------------------


def _chromium() -> str | None:
    for candidate in (
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def _run_chromium(args: list[str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run chromium in its own process group and kill the whole group on timeout."""
    proc = subprocess.Popen(
        args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
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
        pytest.skip(
            "chromium is not installed (apt-get install chromium); the CI script installs it"
        )
    page = tmp_path / "report.html"
    page.write_text(report, encoding="utf-8")
    base = [
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
    ]

    dom = _run_chromium(base + ["--dump-dom", page.as_uri()])
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert "<h1>baseline</h1>" in dom.stdout
    assert re.search(r"<img [^>]*src=\"data:image/png;base64,", dom.stdout)

    shot = tmp_path / "shot.png"
    res = _run_chromium(
        base
        + [f"--screenshot={shot}", "--window-size=1200,2000", "--hide-scrollbars", page.as_uri()]
    )
    assert res.returncode == 0, res.stderr[-2000:]
    assert shot.exists()
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000  # a blank 1200x2000 page compresses to a few kB


# ---------------------------------------------------------------------------------------------
# Wide tables fit the page
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
    assert (
        '<td class="n"><span class="num"><strong>41 %</strong></span>'
        '<span class="interval"><span class="num">33–50 %</span></span></td>'
    ) in table
    assert '<span class="num">36 %</span>' in table  # before calibration
    assert "table.metrics { table-layout: fixed; }" in report
    assert "table.metrics td.n" not in report  # no more nowrap on whole number cells


def test_metrics_table_long_intervals_and_never() -> None:
    summary = copy.deepcopy(SUMMARY)
    summary["metrics"]["months_to_shortage_after_cutoff"] = {
        "p5": 0.0,
        "p50": None,
        "p95": None,
        "unit": "months",
        "share_never": 0.63,
    }
    table = _metrics_table(render_report(summary, figures=[], figures_used=[], sensitivity=[]))
    row = next(r for r in table.split("<tr>") if "cut-off" in r)
    # the long phrase may wrap, the number with its unit may not
    assert '<span class="num">0 months –</span> not within the window' in row
    assert "no shortage within the window in 63 % of samples" in row


def test_uncalibrated_metrics_table_has_two_columns() -> None:
    summary = copy.deepcopy(SUMMARY)
    summary.update(calibrated=False, prior_metrics={})
    table = _metrics_table(render_report(summary, figures=[], figures_used=[], sensitivity=[]))
    assert table.startswith('<table class="metrics">')
    head = re.search(r"<thead>.*?</thead>", table, re.DOTALL).group(0)
    assert len(re.findall(r"<th[ >]", head)) == 2


def test_identifiers_wrap_after_underscores(report: str) -> None:
    assert "<code>nk_<wbr>shells_<wbr>delivered_<wbr>2024</code>" in report


# ---------------------------------------------------------------------------------------------
# Escaping, templates, typed views
# ---------------------------------------------------------------------------------------------

_ATTACK = "<script>alert('x')</script>"


def test_user_text_is_escaped_everywhere(tmp_path: Path) -> None:
    summary = copy.deepcopy(SUMMARY)
    summary["description"] = f"Question {_ATTACK}"
    summary["calibration_findings"] = [f"Finding {_ATTACK}"]
    summary["drivers"] = {"nk_share_of_fired": f"Driver {_ATTACK}"}
    figures_used = [dict(FIGURES_USED[0], quote=f"Zitat {_ATTACK}", note=f"Gloss {_ATTACK}", claimant=_ATTACK)]
    manifest = dict(MANIFEST, scenario_file=f"a{_ATTACK}.yaml")
    doc = render_report(
        summary,
        figures=[(f"Caption {_ATTACK}", _png(tmp_path / "a.png")), ('Quote " end', tmp_path / "gone.png")],
        figures_used=figures_used,
        sensitivity=[dict(SENSITIVITY[0], parameter=_ATTACK)],
        manifest=manifest,
    )
    assert "<script" not in doc
    escaped = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"
    for text in ("Question ", "Finding ", "Driver ", "Zitat ", "Gloss ", "reported by ", "Caption "):
        assert text + escaped in doc, text
    assert f'<q lang="de">Zitat {escaped}</q>' in doc
    assert f'alt="Caption {escaped}"' in doc  # attribute values too
    assert "<figcaption>Quote &#34; end</figcaption>" in doc
    checker = _parse(doc)
    assert checker.errors == [] and checker.stack == []
    assert f"Question {_ATTACK}" in "".join(checker.text)  # the reader sees the text as written

    index = render_index(
        [{"name": "<b>x</b>", "status": "failed", "message": _ATTACK, "summary": summary}],
        figures=[(_ATTACK, tmp_path / "gone.png")],
        generated=_ATTACK,
    )
    assert "<script" not in index and "<b>x</b>" not in index
    assert index.count(escaped) == 4  # question, message, caption, generated


def _templates() -> list[str]:
    return sorted(p.relative_to(PACKAGE_DIR).as_posix() for p in (PACKAGE_DIR / "templates").glob("*.j2"))


def test_templates_read_only_the_page_object() -> None:
    env = environment()
    assert env.autoescape is not False and env.undefined is jinja2.StrictUndefined
    names = _templates()
    assert {"templates/base.html.j2", "templates/macros.html.j2", "templates/report.html.j2",
            "templates/index.html.j2"} <= set(names)
    for name in names:
        source = env.loader.get_source(env, name)[0]
        tree = env.parse(source)
        # ("m" is the macros module, imported at the top of a page and used inside its blocks; t, tm and
        # lang are the page's words from the text catalogue, render._words)
        assert jinja2.meta.find_undeclared_variables(tree) <= {"page", "m", "t", "tm", "lang"}, name
        # attributes of typed objects only: no page["key"], no raw markup let through
        assert not list(tree.find_all(jinja2.nodes.Getitem)), name
        assert "|safe" not in source.replace(" ", "") and "Markup" not in source, name


def test_every_template_variable_is_defined(tmp_path: Path) -> None:
    """StrictUndefined makes any name the views do not have an error; render every branch."""
    summary = copy.deepcopy(SUMMARY)
    summary["effective_sample_size"] = 12.0
    summary["conflicting_pairs"] = [{"a": "x", "b": "y", "ratio": 0.03}, ["p", "q"]]
    summary["metrics"]["months_to_shortage_after_cutoff"] = {"p5": 2.0, "p50": None, "p95": None,
                                                             "unit": "months", "share_never": 0.4}
    many = [dict(SENSITIVITY[0], parameter=f"p{i}", ST=i / 10) for i in range(8)]
    bare: dict[str, Any] = {"scenario": "bare"}
    for s, figs, used, sens, man in [
        (summary, [("a", _png(tmp_path / "a.png")), ("b", tmp_path / "missing.png")], FIGURES_USED, many, MANIFEST),
        (dict(SUMMARY, calibrated=False, prior_metrics={}), [], [], SENSITIVITY, None),
        (bare, [], [], [], None),
    ]:
        page = report_page(s, figures=figs, figures_used=used, sensitivity=sens, manifest=man)
        assert isinstance(page, ReportPage)
        assert _parse(render_report(s, figures=figs, figures_used=used, sensitivity=sens, manifest=man)).errors == []
    for entries in ([], [{"name": "a", "status": "odd", "message": "m", "summary": None}],
                    [{"name": "b", "status": "ok", "message": "", "summary": SUMMARY}]):
        assert isinstance(index_page(entries), IndexPage)
        assert _parse(render_index(entries, figures=[("c", tmp_path / "missing.png")])).errors == []

    # and a view without a field the template reads fails loudly instead of printing nothing
    @dataclasses.dataclass(frozen=True)
    class Incomplete:
        rows: tuple = ()

    with pytest.raises(jinja2.UndefinedError):
        environment().get_template("templates/index.html.j2").render(page=Incomplete())


def test_views_are_frozen_and_typed(tmp_path: Path) -> None:
    page = report_page(SUMMARY, figures=[("a", _png(tmp_path / "a.png"))], figures_used=FIGURES_USED,
                       sensitivity=SENSITIVITY, manifest=MANIFEST)
    with pytest.raises(dataclasses.FrozenInstanceError):
        page.name = "other"  # type: ignore[misc]
    assert page.key_numbers.items[0].value == "41 %"
    assert page.key_numbers.items[0].interval == "90 % interval 33–50 %"
    assert page.figures[0].data_uri.startswith("data:image/png;base64,")
    assert page.sources[0].figure.parts == ("nk", "shells", "delivered", "2024")
    assert page.drivers[0].rows[0].st.value == "0.56" and page.drivers[0].rows[0].st.interval == "(0.50–0.62)"
    assert page.drivers[0].rows[1].rank_correlation == "−0.40" and page.drivers[0].rows[1].swing == "−5.0 pp"
    assert page.facts.packages == "python 3.12.0, numpy 2.1.0" and page.facts.samples == "16,384"


def test_style_sheet_is_inlined_as_written(report: str) -> None:
    css = (PACKAGE_DIR / "report.css").read_text(encoding="utf-8")
    assert css.strip() in report  # not escaped, not altered by the template engine
    assert 'q:lang(de) { quotes: "\\201E" "\\201C";' in report


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
    """Separators and words come from one NumberStyle per language (German is not shipped yet)."""
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


def test_metrics_table_follows_the_catalogue_not_the_json_key_order() -> None:
    """summary.json has sorted keys; the "All metrics" table keeps the catalogue's order either way."""
    shuffled = copy.deepcopy(SUMMARY)
    shuffled["metrics"] = dict(sorted(SUMMARY["metrics"].items()))
    page = report_page(shuffled, figures=[], figures_used=[], sensitivity=[])
    expected = report_page(SUMMARY, figures=[], figures_used=[], sensitivity=[])
    assert [r.label for r in page.key_numbers.rows] == [r.label for r in expected.key_numbers.rows]
    assert page.key_numbers.rows[0].label == "Shells shipped from North Korea"
