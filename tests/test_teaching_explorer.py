"""The explorer: its fast path (bound functions), the Streamlit script (AppTest), and one real browser.

The browser test starts ``python run.py explore --no-browser`` on a free port, drives Debian's
chromium through Playwright (no browser download), moves a slider with the keyboard, sees a key
number change, saves a screenshot and checks that the page asked nothing of any host but
127.0.0.1. It is skipped, with the reason, where chromium or Playwright is missing.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from model.cli import main
from model.inputs.loading import load_scenario
from model.presentation.texts import foreign_texts
from model.teaching.commands import streamlit_command
from model.teaching.explorer import CUTOFF_EVENT, Explorer, Settings
from model.teaching.explorer_view import fan_svg, number_source, slider_source

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "model" / "teaching" / "app.py"
SAMPLES = 1024


@pytest.fixture(scope="module")
def baseline() -> Explorer:
    return Explorer(load_scenario(ROOT / "scenarios" / "baseline.yaml").scenario, samples=SAMPLES)


# --------------------------------------------------------------------------------------------- fast path
def test_sliders_come_from_the_priors(baseline: Explorer) -> None:
    s = baseline.sliders["nk_stockpile_start"]
    prior = next(p for p in baseline.priors if p.name == "nk_stockpile_start")
    p5, p95 = prior.dist.ppf([0.05, 0.95])
    assert s.low <= p5 * 1e-6 + 1e-9 and s.high >= p95 * 1e-6 - 1e-9 and s.low < s.default < s.high
    assert s.default in s.options() and s.origin == prior.origin
    assert baseline.sliders["ru_production_per_month"].figure_id == "ru_shell_production_per_year"


def test_the_defaults_leave_the_samples_as_drawn(baseline: Explorer) -> None:
    params = baseline.parameters(baseline.defaults().values)
    for name, col in params.items():
        assert col is baseline._base[name]


def test_a_slider_sets_the_median_and_keeps_the_spread(baseline: Explorer) -> None:
    s = baseline.sliders["nk_stockpile_start"]
    moved = baseline.parameters({"nk_stockpile_start": 2 * s.default})["nk_stockpile_start"]
    base = baseline._base["nk_stockpile_start"]
    assert np.allclose(moved / base, 2 * s.default / (s.median * s.factor))
    dud = baseline.sliders["nk_dud_rate_old"]
    shifted = baseline.parameters({"nk_dud_rate_old": dud.high})["nk_dud_rate_old"]
    assert shifted.max() <= 1.0 and np.median(shifted) > np.median(baseline._base["nk_dud_rate_old"])


def test_more_stockpile_more_deliveries(baseline: Explorer) -> None:
    s = baseline.sliders["nk_stockpile_start"]
    low = baseline.run(Settings({"nk_stockpile_start": s.low}, calibrated=False))
    high = baseline.run(Settings({"nk_stockpile_start": s.high}, calibrated=False))
    assert high.stats["nk_deliveries_total"]["p50"] > low.stats["nk_deliveries_total"]["p50"]
    assert high.effective_sample_size == SAMPLES and not high.calibrated


def test_calibration_weights_and_the_cutoff_event(baseline: Explorer) -> None:
    plain = baseline.run(Settings(calibrated=True))
    assert plain.calibrated and 1 < plain.effective_sample_size < SAMPLES
    assert "months_to_shortage_after_cutoff" not in plain.stats
    cut = baseline.run(Settings(cutoff="2025-04", calibrated=False))
    assert "months_to_shortage_after_cutoff" in cut.stats
    assert cut.stats["nk_deliveries_total"]["p50"] < plain.stats["nk_deliveries_total"]["p50"]
    timeline = baseline.timeline("2025-04")
    assert timeline.cutoff == timeline.months.index("2025-04") and timeline.nk_delivery_factor[-1] == 0
    with pytest.raises(ValueError, match="not within the window"):
        baseline.timeline("2031-01")
    assert CUTOFF_EVENT not in baseline.scenario.events  # the scenario itself is untouched


def test_the_firing_policy_switch(baseline: Explorer) -> None:
    if not baseline.policies:
        pytest.skip("this scenario schema has no structure.firing")
    a, b = (baseline.run(Settings(cutoff="2025-04", calibrated=False, firing=p)) for p in baseline.policies[:2])
    assert a.stats["nk_share_of_fired"]["p50"] != b.stats["nk_share_of_fired"]["p50"]
    with pytest.raises(ValueError, match="firing policy"):
        baseline.run(Settings(firing="shoot_everything"))


def test_words_and_chart_in_both_languages(baseline: Explorer) -> None:
    result = baseline.run(Settings(cutoff="2025-10"))
    s = baseline.sliders["ru_production_per_month"]
    assert slider_source(baseline, s, "en").startswith("Source: NATO, as reported by")
    assert slider_source(baseline, s, "de").startswith("Quelle: NATO, laut")
    assert "Granaten pro Jahr" in slider_source(baseline, s, "de")
    assert slider_source(baseline, baseline.sliders["nk_stockpile_start"], "de").startswith("Annahme: ")
    assert "Ukrainischer Geheimdienst" in number_source(baseline, "nk_share_of_fired", result, "de")
    svg = fan_svg(baseline, result, "de")
    assert svg.startswith("<svg") and svg.endswith("</svg>") and svg.count("<polygon") == 2
    assert "Anteil nordkoreanischer Granaten am russischen Feuer" in svg and ">Jan 2024<" in svg and ">40 %<" in svg
    assert "stroke-dasharray" in svg and ">Lieferstopp<" in svg  # the cut-off line
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "stroke-dasharray" not in fan_svg(baseline, baseline.run(Settings()), "en")


# --------------------------------------------------------------------------------------------- the script
@pytest.fixture()
def app(monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setattr(sys, "argv", ["app", "--scenario", str(ROOT / "scenarios" / "baseline.yaml"), "--samples",
                                      str(SAMPLES)])
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    assert not at.exception
    return at


def _numbers(at) -> list[str]:
    return [m.value for m in at.metric]


def test_the_app_moves_a_slider_and_switches_language(app) -> None:
    before = _numbers(app)
    assert before[0].endswith(" %") and len(before) == 4
    slider = app.select_slider(key="p_nk_stockpile_start")
    slider.set_value(20.0).run()
    after = _numbers(app)
    assert after[1] != before[1]  # deliveries changed
    app.radio(key="lang").set_value("de").run()
    assert app.select_slider(key="p_nk_stockpile_start").value == slider.value  # kept across the switch
    german = _numbers(app)
    assert "Mio." in german[1] and app.metric[0].label.startswith("NK-Anteil")
    words = " ".join([c.value for c in app.caption] + [m.label for m in app.metric] + [t.value for t in app.title]
                     + [s.label for s in app.select_slider])
    assert foreign_texts(words, "de") == []


def test_the_app_cutoff_calibration_and_reset(app) -> None:
    app.select_slider(key="cutoff").set_value("2025-04").run()
    assert app.metric[3].value != "–"
    app.toggle(key="calibrated").set_value(False).run()
    assert any("each of the" in c.value for c in app.caption)
    app.button[0].click().run()
    assert app.select_slider(key="cutoff").value is None and app.toggle(key="calibrated").value is True


# --------------------------------------------------------------------------------------------- command line
def test_explore_refuses_a_missing_scenario_and_a_busy_port(capsys) -> None:
    assert main(["explore", "no_such_scenario", "--no-browser"]) == 2
    assert "no such scenario file" in capsys.readouterr().err
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        assert main(["explore", "--no-browser", "--port", str(port)]) == 2
        assert "is in use" in capsys.readouterr().err


def test_the_server_is_local_and_sends_no_statistics() -> None:
    cmd = streamlit_command(Path("scenarios/baseline.yaml"), port=8501, lang="de", samples=4096)
    flags = dict(zip(cmd[5::2], cmd[6::2]))
    assert flags["--server.address"] == "127.0.0.1" and flags["--browser.gatherUsageStats"] == "false"
    assert cmd[cmd.index("--") + 1:] == ["--scenario", "scenarios/baseline.yaml", "--lang", "de", "--samples", "4096"]


# --------------------------------------------------------------------------------------------- a real browser
def _chromium() -> str | None:
    for c in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if c and Path(c).exists():
            return c
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_the_explorer_in_a_real_browser(tmp_path: Path) -> None:
    chromium = _chromium()
    if chromium is None:
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="playwright is not installed (pip install -e '.[test]')")
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "run.py", "explore", "--no-browser", "--port", str(port), "--lang", "de",
                             "--samples", str(SAMPLES)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, start_new_session=True)
    hosts: set[str] = set()
    try:
        deadline = time.monotonic() + 90
        while True:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert proc.poll() is None, proc.stdout.read() if proc.stdout else "the explorer stopped"
            assert time.monotonic() < deadline, "the explorer did not answer within 90 s"
            time.sleep(0.2)
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
            try:
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.on("request", lambda r: hosts.add(r.url.split("/")[2] if "://" in r.url else r.url[:12]))
                page.goto(f"http://127.0.0.1:{port}/")
                page.wait_for_selector('[data-testid="stMetricValue"]', timeout=90_000)
                value = page.locator('[data-testid="stMetricValue"]').nth(1)
                before = value.inner_text()
                assert "Mio." in before  # German numbers
                page.locator('[data-testid="stSlider"] input[type="range"]').first.focus()
                page.keyboard.press("PageUp")
                page.wait_for_function(
                    "b => document.querySelectorAll('[data-testid=\"stMetricValue\"]')[1].innerText !== b",
                    arg=before, timeout=30_000)
                assert value.inner_text() != before
                page.wait_for_timeout(300)
                shot = tmp_path / "explorer.png"
                page.screenshot(path=str(shot))
                assert shot.stat().st_size > 10_000
            finally:
                browser.close()
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert hosts == {f"127.0.0.1:{port}"}, hosts  # no CDN, no statistics, nothing outside this computer
