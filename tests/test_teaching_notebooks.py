"""The lesson notebooks run top to bottom (nbclient, ipykernel) and their HTML copies work offline.

One test per lesson, in alternating languages so that both are executed: no cell fails, the page
says it is in that language, shows the German quote it opens with, embeds its charts, loads no
script or style from anywhere, and (the German ones) carries no English label. The build
pipeline (``run.py teach``: parameters, HTML, the guide) runs on a small stand-in notebook, and
its page is opened in headless Chromium, which must ask no server for anything.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

pytest.importorskip("nbclient", reason="the teaching tools are not installed (pip install -e '.[teach]')")
pytest.importorskip("jupytext", reason="the teaching tools are not installed (pip install -e '.[teach]')")

from model.inputs.registry import load_registry  # noqa: E402
from model.presentation import texts  # noqa: E402
from model.presentation.texts import foreign_texts, text, visible_text  # noqa: E402
from model.teaching.build import build_teaching, execute_notebook, notebook_html  # noqa: E402
from model.teaching.guide import LESSONS  # noqa: E402
from model.teaching.lessons import Lesson  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
QUOTED = {1: "nk_shells_delivered_2024", 2: "ru_shell_production_per_year", 3: "nk_share_of_munitions_2025",
          4: "nk_stocks_not_renewed_since", 5: "nk_deliveries_vs_ru_annual_production"}
LANG = {1: "de", 2: "en", 3: "de", 4: "en", 5: "de"}
_REMOTE = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)


def _offline_problems(page: str) -> list[str]:
    problems = [m.group(0) for m in _REMOTE.finditer(page)]
    problems += [w for w in ("cdnjs", "unpkg.com", "jsdelivr", "require.min.js", "MathJax.js", "mathjax@")
                 if w in page]
    return problems


def test_the_lessons_are_the_guides() -> None:
    assert sorted(p.stem for p in NOTEBOOKS.glob("[0-9][0-9]_*.py")) == list(LESSONS)


@pytest.mark.parametrize("number", range(1, 6), ids=[f"{n}-{LANG[n]}" for n in range(1, 6)])
def test_a_lesson_runs_and_its_page_works_offline(number: int) -> None:
    lang = LANG[number]
    nb, _seconds = execute_notebook(NOTEBOOKS / f"{LESSONS[number - 1]}.py", lang=lang, cwd=ROOT)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, errors[0].get("evalue") if errors else ""
    page = notebook_html(nb, lang=lang)
    assert f'<html lang="{lang}">' in page
    assert not _offline_problems(page), _offline_problems(page)
    assert page.count("data:image/png;base64,") >= 1  # the charts travel inside the page
    shown = visible_text(page)
    quote = " ".join(load_registry().get(QUOTED[number]).quote.split())
    assert quote.strip("„“") in shown  # the German sentence the lesson is about
    lesson = Lesson(number, lang)  # its card: the value, claimant, date and grade of that figure, not another's
    figure = lesson.figure(QUOTED[number])
    card = [lesson.reported(figure.id), lesson.claimant(figure.id), lesson.month(figure.as_of),
            lesson.t(f"reliability.{figure.reliability}")]
    assert all(" ".join(words.split()) in shown for words in card), card
    beside = texts._catalogue()["lesson4.same_as_report" if number == 4 else "teach.beside_report_smc"][lang]
    beside = beside.split("**")[1]
    assert number == 2 or beside in shown  # each lesson's calibrated numbers, beside the report's
    assert text(f"lesson{number}.title", lang).lstrip("# ") in shown
    assert "import model" not in shown and "lesson.say" not in shown  # no code on the page
    assert foreign_texts(visible_text(page, lang), lang) == []


STAND_IN = '''# %% tags=["parameters"]
LANG = "en"

# %%
from model.presentation.charts import teaching as charts
from model.teaching import Lesson

lesson = Lesson(1, LANG)
lesson.title()
lesson.quote("nk_shells_delivered_2024")
lesson.show(charts.fan(["2024-01", "2024-02", "2024-03"], {0.05: [1, 2, 3], 0.5: [2, 3, 4], 0.95: [3, 4, 5]},
                       lang=LANG, title=lesson.t("chart.median"), ylabel="x", unit="shells"))
'''


def test_the_build_writes_pages_and_a_guide_that_open_offline(tmp_path: Path) -> None:
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    for stem in LESSONS:
        (notebooks / f"{stem}.py").write_text(STAND_IN, encoding="utf-8")
    (tmp_path / "scenarios").mkdir()
    out = tmp_path / "teaching"
    pages = build_teaching(out, lang="de", only=["1"], notebooks=notebooks)
    assert [p.stem for p in pages] == [LESSONS[0]]
    page = (out / f"{LESSONS[0]}.html").read_text(encoding="utf-8")
    assert '<html lang="de">' in page and "Lerneinheit 1" in page and not _offline_problems(page)
    assert (out / f"{LESSONS[0]}.ipynb").is_file()
    guide = (out / "guide.html").read_text(encoding="utf-8")
    assert f'href="{LESSONS[0]}.html"' in guide and f'href="{LESSONS[1]}.html"' not in guide
    assert not _offline_problems(guide)
    chromium = next((c for c in ("/usr/bin/chromium", shutil.which("chromium")) if c and Path(c).exists()), None)
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    if chromium is None:
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    asked: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        try:
            tab = browser.new_page(viewport={"width": 1100, "height": 1400})
            tab.on("request", lambda r: asked.append(r.url))
            for name in (f"{LESSONS[0]}.html", "guide.html"):
                tab.goto((out / name).as_uri(), wait_until="load")
                tab.wait_for_timeout(300)
                tab.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)
                assert (tmp_path / f"{name}.png").stat().st_size > 5_000
        finally:
            browser.close()
    remote = [u for u in asked if not u.startswith(("file:", "data:", "about:"))]
    assert not remote, remote
