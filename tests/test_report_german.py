"""Run outputs in German (``python run.py run --lang de``): the reports, the index and the run charts.

A German page holds no English text of the catalogue (``texts.foreign_texts``), says ``lang="de"``,
writes its numbers the German way; the charts' words (their SVG text) are German too; a results
folder written in English is not current for a German request (nor the other way round).
"""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

from model.cli import main
from model.presentation import texts
from model.presentation.charts.fans import fan_chart
from model.presentation.charts.style import format_number
from model.presentation.charts.words import language
from model.storage.results_folder import is_current, read_manifest

ROOT = Path(__file__).resolve().parents[1]
SMALL = """name: {name}
extends: baseline
description: Ein kleines Testszenario ({name}).
samples: 256
sensitivity:
  metrics: [nk_share_of_fired]
  methods: [tornado, rank]
{extra}"""


def _scenarios(folder: Path) -> list[Path]:
    folder.mkdir()
    shutil.copy(ROOT / "scenarios" / "baseline.yaml", folder / "baseline.yaml")
    (folder / "alpha.yaml").write_text(SMALL.format(name="alpha", extra=""), encoding="utf-8")
    (folder / "beta.yaml").write_text(SMALL.format(
        name="beta", extra="events:\n  cut: {kind: nk_deliveries_stop, month: 2025-10}\n"), encoding="utf-8")
    return [folder / "alpha.yaml", folder / "beta.yaml"]


def run_cli(*args: object) -> int:
    return main(["run", *map(str, args), "--no-progress", "--workers", "1"])


@pytest.fixture(scope="module")
def german(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two small scenarios (one with a cut-off) run in German: the results folder."""
    base = tmp_path_factory.mktemp("german")
    files = _scenarios(base / "scenarios")
    out = base / "results"
    assert run_cli(*files, "--out", out, "--lang", "de", "--figures", "all") == 0  # every chart, in German
    return out


def _pages(out: Path) -> dict[str, str]:
    return {p.relative_to(out).as_posix(): p.read_text(encoding="utf-8")
            for p in [out / "index.html", out / "alpha" / "report.html", out / "beta" / "report.html"]}


def _svg_texts(path: Path) -> list[str]:
    svg = path.read_text(encoding="utf-8")
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", "", t)).split())
            for t in re.findall(r"<text\b[^>]*>(.*?)</text>", svg, flags=re.S)]


def test_german_pages_hold_no_english_catalogue_text(german: Path) -> None:
    for name, page in _pages(german).items():
        assert '<html lang="de">' in page, name
        found = texts.foreign_texts(texts.visible_text(page, "de"), "de")
        assert found == [], (name, found)


def test_german_pages_have_german_words_and_numbers(german: Path) -> None:
    pages = _pages(german)
    report = pages["alpha/report.html"]
    for words in ("Kalibrierung", texts.text("report.drivers", "de"), texts.text("report.article_figures", "de"),
                  texts.text("report.all_numbers", "de"), texts.label("nk_share_of_fired", "de")):
        assert words in report, words
    for key in ("report.drivers", "report.all_numbers", "report.calibration"):  # the section headings, in German
        assert texts.text(key, "de") != texts.text(key, "en") and texts.text(key, "en") not in report, key
    assert re.search(r"\d,\d Mio\.", report)  # decimal comma, "Mio."
    assert re.search(r"\d+ %", report) and "90-%-Intervall" in report
    assert not re.search(r"\d\.\d million|\d bn USD|\d million", report)
    assert "Stichproben" in report and "samples" not in texts.visible_text(report, "de")
    index = pages["index.html"]
    assert "Szenarioergebnisse" in index and texts.label("nk_share_of_fired", "de") in index
    assert re.search(r"\d\.\d{3} ", index) and "90-%-Intervall" in index  # German thousands point (killed)


def test_quotes_stay_german_and_glosses_say_their_language(german: Path) -> None:
    report = (german / "alpha" / "report.html").read_text(encoding="utf-8")
    assert '<q lang="de">' in report  # the article quotes, verbatim
    assert 'class="gloss" lang="de"' in report  # the catalogue's German note beside them
    for gloss in re.findall(r'<span class="gloss" lang="en">', report):  # any English one is marked English
        assert gloss


def test_a_german_page_with_an_english_label_fails_the_check(german: Path) -> None:
    page = (german / "alpha" / "report.html").read_text(encoding="utf-8")
    assert texts.text("report.drivers", "de") in page
    broken = page.replace(texts.text("report.drivers", "de"), texts.text("report.drivers", "en"), 1)
    broken = broken.replace(texts.label("nk_share_of_fired", "de"), texts.label("nk_share_of_fired", "en"), 1)
    found = texts.foreign_texts(texts.visible_text(broken, "de"), "de")
    assert texts.text("report.drivers", "en") in found and texts.label("nk_share_of_fired", "en") in found


def test_german_charts_have_german_text(german: Path) -> None:
    svgs = sorted(german.glob("*/*.svg"))
    assert {p.stem for p in svgs} >= {"fan_nk_share_of_fired", "hist_nk_share_of_fired", "tornado_nk_share_of_fired",
                                       "cutoff_stock_shortfall", "compare_nk_share_of_fired"}
    for path in svgs:
        words = _svg_texts(path)
        found = texts.foreign_texts(" | ".join(words), "de")
        assert found == [], (path.name, found)
    fan = " | ".join(_svg_texts(german / "alpha" / "fan_nk_share_of_fired.svg"))
    for words in ("Median", "50-%-Band", "90-%-Band", "Modell (kalibriert)", "Monat", "Stichproben", "Szenario"):
        assert words in fan, words
    for english in ("median", "50 % band", "month", "samples", "Scenario"):
        assert not re.search(rf"\b{re.escape(english)}\b", fan), english
    ticks = " | ".join(_svg_texts(german / "alpha" / "fan_nk_deliveries_cumulative.svg"))
    assert " Mio." in ticks and not re.search(r"\d M\b", ticks)
    # the reported figure as the claim it is (a count from transport images: a bound), German separators
    assert "höchstens etwa 3,5 Mio., gezählt auf Bildern von Transporten (Südkoreanischer Geheimdienst)" in ticks
    cutoff = " | ".join(_svg_texts(german / "beta" / "cutoff_stock_shortfall.svg"))
    assert texts.text("runchart.deliveries_stop", "de") in cutoff


def test_chart_words_follow_the_language_block() -> None:
    assert format_number(1.5e6) == "1.5 M" and format_number(12000) == "12,000"
    with language("de"):
        assert format_number(1.5e6) == "1,5 Mio." and format_number(12000) == "12.000"
        months = [f"2024-{m:02d}" for m in range(1, 13)]
        q = {k: np.full(12, v) for k, v in ((0.05, 1.0), (0.25, 2.0), (0.5, 3.0), (0.75, 4.0), (0.95, 5.0))}
        fig = fan_chart(months, q, title="t", ylabel="y", caption="c", series_label="")
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels == ["Median", "50-%-Band", "90-%-Band"]
    assert fig.axes[0].get_xlabel() == "Monat"
    assert format_number(1.5e6) == "1.5 M"  # outside the block: English again


def test_english_results_are_not_current_for_a_german_request(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    files = _scenarios(tmp_path / "scenarios")[:1]
    out = tmp_path / "results"
    assert run_cli(*files, "--out", out, "--samples", "128") == 0  # English, the default
    manifest = read_manifest(out / "alpha")
    assert manifest is not None and manifest["lang"] == "en"
    report = (out / "alpha" / "report.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in report and texts.text("report.drivers", "en") in report
    assert texts.text("report.drivers", "de") not in report
    summary_en = json.loads((out / "alpha" / "summary.json").read_text(encoding="utf-8"))
    assert is_current(out / "alpha", manifest["scenario_hash"])
    assert not is_current(out / "alpha", manifest["scenario_hash"], lang="de")

    capsys.readouterr()
    assert run_cli(*files, "--out", out, "--samples", "128", "--lang", "de") == 0
    assert "0 run" not in capsys.readouterr().out  # run again, in German
    assert read_manifest(out / "alpha")["lang"] == "de"  # type: ignore[index]
    assert '<html lang="de">' in (out / "alpha" / "report.html").read_text(encoding="utf-8")
    assert '<html lang="de">' in (out / "index.html").read_text(encoding="utf-8")
    # summary.json is data: the same in every language
    assert json.loads((out / "alpha" / "summary.json").read_text(encoding="utf-8")) == summary_en

    assert run_cli(*files, "--out", out, "--samples", "128", "--lang", "de") == 0
    assert "0 run, 1 skipped" in capsys.readouterr().out  # German and current
    assert run_cli(*files, "--out", out, "--samples", "128") == 0
    assert "1 run, 0 skipped" in capsys.readouterr().out  # English asked again: not current
    assert '<html lang="en">' in (out / "index.html").read_text(encoding="utf-8")


def test_a_manifest_without_a_language_is_english(tmp_path: Path) -> None:
    files = _scenarios(tmp_path / "scenarios")[:1]
    out = tmp_path / "results"
    assert run_cli(*files, "--out", out, "--samples", "128") == 0
    path = out / "alpha" / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    del manifest["lang"]  # as written before the language was recorded
    path.write_text(json.dumps(manifest), encoding="utf-8")
    sizes = manifest.get("file_sizes") or {}
    assert "manifest.json" not in sizes
    assert is_current(out / "alpha", manifest["scenario_hash"])
    assert not is_current(out / "alpha", manifest["scenario_hash"], lang="de")


def test_shipped_scenarios_questions_have_their_german_version() -> None:
    """The German question replaces a shipped scenario's description only while the file still says
    the catalogue's English: an edited description is shown as written."""
    import yaml

    from model.presentation.report.common import question

    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert texts.text(f"scenario_question.{doc['name']}", "en") == doc["description"], path.name
        assert question(doc["name"], doc["description"], "de") == texts.text(f"scenario_question.{doc['name']}", "de")
        assert question(doc["name"], doc["description"], "en") == doc["description"]
    assert question("baseline", "An edited question?", "de") == "An edited question?"
