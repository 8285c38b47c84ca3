"""The report as a reader meets it, in headless Chromium: the answer on the first screen, the whole
page (every section closed) within 12 screens of 1400 x 900 and no wider than the window, and the
printed page (its print style sheet) one A4 sheet with the answers and the story chart; the index
with one card per scenario. Skipped where Debian's chromium or Playwright is missing (the CI script
installs both)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = next((c for c in ("/usr/bin/chromium", shutil.which("chromium") or "") if c and os.access(c, os.X_OK)), None)
WIDTH, HEIGHT = 1400, 900
MAX_SCREENS = 12

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """baseline and nk_cutoff (512 samples each), in English, and nk_cutoff in German beside them."""
    out = tmp_path_factory.mktemp("layout")
    for lang, folder in (("en", out / "en"), ("de", out / "de")):
        files = ["scenarios/baseline.yaml", "scenarios/nk_cutoff.yaml"] if lang == "en" else ["scenarios/nk_cutoff.yaml"]
        done = subprocess.run([sys.executable, "run.py", "run", *files, "--samples", "512", "--out", str(folder),
                               "--no-progress", "--lang", lang], cwd=ROOT, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr[-3000:]
    return out


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


def _page(browser, path: Path):  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
    page.goto(path.as_uri())
    return page


@pytest.mark.parametrize("which", ["en/baseline", "en/nk_cutoff", "de/nk_cutoff"])
def test_the_answer_is_on_the_first_screen_and_the_page_is_short(results: Path, browser, which: str) -> None:  # type: ignore[no-untyped-def]
    page = _page(browser, results / which / "report.html")
    try:
        cards = page.locator("article.answer")
        assert cards.count() >= 1
        for k in range(cards.count()):  # every answer card starts on the first screen, with a number in it
            box = cards.nth(k).bounding_box()
            assert box is not None and box["y"] < HEIGHT, f"answer {k + 1} starts at {box}"
            # a number: the median, or the share of futures where it does not happen within the window
            assert re.search(r"\d", cards.nth(k).locator(".median, .never").all_inner_texts().__str__())
        assert page.locator("details[open]").count() == 0  # every section closed
        height = page.evaluate("document.documentElement.scrollHeight")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert height <= MAX_SCREENS * HEIGHT, f"{height} px: {height / HEIGHT:.1f} screens"
        assert width <= WIDTH, f"{width} px wide at a {WIDTH} px window"
        for summary in page.locator("details > summary").all():  # each closed section says its answer in a line
            assert summary.locator(".heading").inner_text().strip()
        page.locator("details#drivers > summary").click()  # opened, a section still fits the width
        assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    finally:
        page.close()


@pytest.mark.parametrize("which", ["en/baseline", "de/nk_cutoff"])
def test_the_first_screen_prints_on_one_a4_page(results: Path, browser, which: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page = _page(browser, results / which / "report.html")
    try:
        pdf = tmp_path / "brief.pdf"
        page.pdf(path=str(pdf), format="A4", print_background=True)
    finally:
        page.close()
    data = pdf.read_bytes()
    pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
    assert pages == 1, f"{pages} pages"
    assert len(data) > 30_000  # the story chart is on it, not only text


def test_the_index_has_a_card_per_scenario_with_its_own_answers(results: Path, browser) -> None:  # type: ignore[no-untyped-def]
    page = _page(browser, results / "en" / "index.html")
    try:
        cards = page.locator("article.scenario")
        assert cards.count() == 2
        texts = [cards.nth(k).inner_text() for k in range(2)]
        assert any("baseline" in t and "Sep 2023" in t and "Aug 2026" in t for t in texts)
        assert any("nk_cutoff" in t and "Aug 2027" in t for t in texts)
        cutoff = next(t for t in texts if "nk_cutoff" in t)
        assert "fire" in cutoff.lower() and "short" in cutoff.lower()  # its own headline answers
        assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    finally:
        page.close()
