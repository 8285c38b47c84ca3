"""The lecturer's guide: its page in both languages, the README's copy, and the index's link to it."""

from __future__ import annotations

import html
import sys
from importlib import metadata
from pathlib import Path

import pytest

from model.cli import main
from model.presentation.report import index_page, render_index
from model.presentation.texts import foreign_texts, text, visible_text
from model.teaching.guide import (
    GLOSSARY,
    LESSONS,
    ensure_guide,
    guide_markdown,
    launcher_path,
    markdown_to_html,
    render_guide,
    start_command,
    write_guide,
)

ROOT = Path(__file__).resolve().parents[1]
NAMED = ("shell", "calibre", "dud_rate", "stockpile", "monte_carlo", "quantile", "interval", "calibration",
         "effective_sample_size", "sobol_index", "scenario_discovery")  # the issue's list


def test_the_glossary_has_every_term_the_issue_names() -> None:
    assert set(NAMED) <= set(GLOSSARY)
    for term in GLOSSARY:
        for lang in ("en", "de"):
            assert text(f"glossary.{term}.term", lang) and len(text(f"glossary.{term}.text", lang)) > 40


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_guide_page_in_each_language(lang: str, tmp_path: Path) -> None:
    (tmp_path / f"{LESSONS[0]}.html").write_text("<html></html>", encoding="utf-8")
    page = render_guide(lang, folder=tmp_path)
    assert f'<html lang="{lang}">' in page
    assert f'href="{LESSONS[0]}.html"' in page and f'href="{LESSONS[1]}.html"' not in page  # only what exists
    assert text("teach.missing_lesson", lang) in page
    for i in range(1, 8):
        assert text(f"guide.step{i}.time", lang) in page
    other = "de" if lang == "en" else "en"
    assert text("glossary.sobol_index.term", other) in page  # the glossary in both languages
    assert foreign_texts(visible_text(page, lang), lang) == []  # the other language only where marked so
    assert "http" not in page.replace("http://127.0.0.1:8501", "")
    start = page[page.index("class='start'"):page.index("</div>", page.index("class='start'"))]
    assert html.escape(str(launcher_path())) in start and html.escape(start_command(lang)) in start
    assert f"classroom --lang {lang}" in start and launcher_path().name.startswith("nkmodel-classroom")


def test_the_launcher_is_installed_and_runs_the_classroom() -> None:
    (script,) = [e for e in metadata.entry_points(group="console_scripts") if e.name == "nkmodel-classroom"]
    assert script.value == "model.cli:classroom"
    assert launcher_path().is_file() or not (Path(sys.executable).parent / "nkmodel").is_file()


def test_ensure_guide_keeps_a_guide_the_build_wrote(tmp_path: Path) -> None:
    written = write_guide(tmp_path, "de")
    german = written.read_text(encoding="utf-8")
    assert ensure_guide(tmp_path, "en") == written and written.read_text(encoding="utf-8") == german
    fresh = ensure_guide(tmp_path / "new", "en").read_text(encoding="utf-8")
    assert fresh.startswith('<!DOCTYPE html>\n<html lang="en">')


def test_markdown_of_the_catalogue() -> None:
    out = markdown_to_html("**Bold** and `code`, *stress*\n\n- one\n- two\n\n1. first\n2. second")
    assert out == ("<p><strong>Bold</strong> and <code>code</code>, <em>stress</em></p>\n<ul>\n<li>one</li>\n"
                   "<li>two</li>\n</ul>\n<ol>\n<li>first</li>\n<li>second</li>\n</ol>")
    assert "&lt;script&gt;" in markdown_to_html("<script>x</script>")


def test_the_readme_carries_the_guide_in_both_languages() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert guide_markdown() in readme, "README out of date: paste `python -m model.teaching.guide` into it"
    assert ".[teach]" in readme and "run.py explore --lang de" in readme


def test_the_index_links_the_guide_only_when_it_is_there(tmp_path: Path) -> None:
    assert "teaching/guide.html" not in render_index(index_page([], folder=tmp_path))
    write_guide(tmp_path / "teaching")
    assert 'href="teaching/guide.html"' in render_index(index_page([], folder=tmp_path))
    assert "teaching/guide.html" not in render_index(index_page([]))  # no folder: nothing to check, no link


def test_teach_refuses_an_unknown_language() -> None:
    with pytest.raises(SystemExit) as exc:
        main(["teach", "--lang", "fr"])
    assert exc.value.code == 2
