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

from model.analysis.smc import importance_weights
from model.cli import main
from model.inputs.loading import load_scenario
from model.presentation.texts import foreign_texts
from model.summary.build import metric_stats
from model.teaching.commands import streamlit_command
from model.teaching.explorer import CUTOFF_EVENT, Explorer, Settings
from model.teaching.explorer_view import fan_svg, number_source, slider_source
from model.teaching.futures import effective_futures
from model.teaching.guide import LESSONS

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "model" / "teaching" / "app.py"
SAMPLES = 1024
BROWSER_SAMPLES = 256  # the browser test checks what the page keeps, not the numbers: fewer futures, a faster start


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
        assert col is baseline.prior_params[name]


def test_a_slider_sets_the_median_and_keeps_the_spread(baseline: Explorer) -> None:
    s = baseline.sliders["nk_stockpile_start"]
    moved = baseline.parameters({"nk_stockpile_start": 2 * s.default})["nk_stockpile_start"]
    base = baseline.prior_params["nk_stockpile_start"]
    assert np.allclose(moved / base, 2 * s.default / (s.median * s.factor))
    dud = baseline.sliders["nk_dud_rate_old"]
    shifted = baseline.parameters({"nk_dud_rate_old": dud.high})["nk_dud_rate_old"]
    assert shifted.max() <= 1.0 and np.median(shifted) > np.median(baseline.prior_params["nk_dud_rate_old"])


def test_more_stockpile_more_deliveries(baseline: Explorer) -> None:
    s = baseline.sliders["nk_stockpile_start"]
    low = baseline.run(Settings({"nk_stockpile_start": s.low}, calibrated=False))
    high = baseline.run(Settings({"nk_stockpile_start": s.high}, calibrated=False))
    assert high.stats["nk_deliveries_total"]["p50"] > low.stats["nk_deliveries_total"]["p50"]
    assert high.effective_sample_size == SAMPLES and not high.calibrated


def test_the_calibrated_view_rests_on_about_as_many_futures_as_it_has(baseline: Explorer) -> None:
    """At the defaults the calibrated futures are a run's posterior with equal weights (one importance
    step over the prior futures kept about 3 % of them); a move that makes the figures hard to
    reproduce leaves fewer, and says so."""
    at_defaults = baseline.run()
    futures = baseline.calibrated_futures()
    assert at_defaults.calibrated and at_defaults.effective_sample_size >= 0.8 * SAMPLES
    assert at_defaults.effective_sample_size == pytest.approx(effective_futures(futures.weights, futures.groups))
    one_step = importance_weights(baseline._log_likelihood(baseline.prior_params, None, None))[1]
    assert one_step < 0.2 * at_defaults.effective_sample_size
    low = baseline.sliders["nk_stockpile_start"].low
    squeezed = baseline.run(Settings({"nk_stockpile_start": low}))
    assert squeezed.effective_sample_size < 0.5 * at_defaults.effective_sample_size
    assert squeezed.stats["nk_deliveries_total"]["p50"] < at_defaults.stats["nk_deliveries_total"]["p50"]


def test_the_explorer_on_a_run_gives_the_runs_numbers() -> None:
    """Explorer.from_run: at the defaults, the run's own calibrated numbers (what a lesson shows beside it)."""
    from model.api import run_scenario

    sc = load_scenario(ROOT / "scenarios" / "nk_cutoff.yaml").scenario
    sc = sc.model_copy(update={"sensitivity": sc.sensitivity.model_copy(update={"methods": []})})
    run = run_scenario(sc, samples=SAMPLES // 2)
    ex = Explorer.from_run(run)
    assert set(ex.policies) <= set(ex._calibrated)  # the scenario's policy and its alternative's: no SMC here
    mine = ex.run()
    for name in ("nk_share_of_fired", "months_to_shortage_after_cutoff", "shortfall_total"):
        theirs = metric_stats(run.metrics[name], run.weights)
        for q in ("p5", "p50", "p95", "share_never"):
            expected = theirs.get(q)
            assert mine.stats[name].get(q) == (None if expected is None else pytest.approx(expected, rel=1e-5)), \
                (name, q)


def test_calibration_weights_and_the_cutoff_event(baseline: Explorer) -> None:
    plain = baseline.run(Settings(calibrated=True))
    assert plain.calibrated and 1 < plain.effective_sample_size <= SAMPLES
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


def _state(at) -> dict[str, object]:
    """What the page shows: every slider, switch and radio, and every number."""
    shown: dict[str, object] = {w.key: w.value for w in [*at.select_slider, *at.radio, *at.toggle] if w.key != "lang"}
    return {**shown, "numbers": tuple(_numbers(at))}


def test_the_app_moves_a_slider_and_switches_language(app) -> None:
    before = _numbers(app)
    assert before[0].endswith(" %") and len(before) == 4
    slider = app.select_slider(key="p_nk_stockpile_start")
    slider.set_value(20.0).run()
    app.select_slider(key="cutoff").set_value("2025-10").run()
    app.radio(key="firing").set_value("demand").run()
    after = _numbers(app)
    assert after[1] != before[1] and after[3] != "–"  # deliveries changed; months to a shortage shown
    moved = _state(app)
    app.radio(key="lang").set_value("de").run()
    assert _state(app)["p_nk_stockpile_start"] == 20.0 and _state(app)["cutoff"] == "2025-10"
    german = _numbers(app)
    assert "Mio." in german[1] and app.metric[0].label.startswith("NK-Anteil")
    words = " ".join([c.value for c in app.caption] + [m.label for m in app.metric] + [t.value for t in app.title]
                     + [s.label for s in app.select_slider])
    assert foreign_texts(words, "de") == []
    app.radio(key="lang").set_value("en").run()
    assert _state(app) == moved  # every slider, switch and number as before the two switches
    assert not app.warning or all("Careful" in w.value for w in app.warning)  # no Streamlit state warning


def test_the_app_shows_the_effective_futures_beside_every_calibrated_number(app) -> None:
    captions = [c.value for c in app.caption]
    beside = [c for c in captions if "effective futures" in c and "90 % interval" in c]
    assert len(beside) == 3 and not app.warning  # the three numbers shown; the fourth needs a cut-off
    app.select_slider(key="cutoff").set_value("2024-10").run()  # before the 40 % report: few futures fit
    (warning,) = app.warning
    assert "Careful" in warning.value and "effective futures" in warning.value
    assert sum("only" in c.value and "effective futures" in c.value for c in app.caption) == 4
    app.toggle(key="calibrated").set_value(False).run()
    assert not app.warning and not any("effective futures" in c.value for c in app.caption)


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


def test_explore_prints_the_address_and_says_when_no_browser_opened(monkeypatch, capsys) -> None:
    """Without a display (or when the browser fails) the address is printed and the user told to open it."""
    from model.teaching import commands

    class Server:  # a server that answers at once and stops when asked
        returncode = 0
        pid = 4242

        def __init__(self, *args, **kwargs) -> None:
            pass

        def poll(self) -> int | None:
            return None

        def wait(self, timeout: float | None = None) -> int:
            return 0

        terminate = kill = lambda self: None

    monkeypatch.setattr(commands.subprocess, "Popen", Server)
    monkeypatch.setattr(commands, "_port_free", lambda port: True)
    monkeypatch.setattr(commands, "_answers", lambda port: True)
    monkeypatch.setattr(commands, "_served_by", lambda port, pid: pid == Server.pid)  # the answer is its own
    monkeypatch.setattr(commands.sys, "platform", "linux")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert main(["explore", "--port", "8765"]) == 0
    out = capsys.readouterr().out
    assert "explorer: http://127.0.0.1:8765 (baseline, en)" in out
    assert "no browser opened here: open http://127.0.0.1:8765" in out
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setattr("webbrowser.open", lambda url: (_ for _ in ()).throw(RuntimeError("broken browser")))
    assert main(["explore", "--port", "8765"]) == 0 and "no browser opened here" in capsys.readouterr().out
    assert main(["explore", "--port", "8765", "--no-browser"]) == 0
    assert "no browser opened" not in capsys.readouterr().out


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


_PAGE_STATE = """() => ({
  sliders: [...document.querySelectorAll('[data-testid="stSlider"] input[type=range]')].map(e => e.value),
  radios: [...document.querySelectorAll('[data-testid="stRadio"]')].slice(1).map(r =>
      [...r.querySelectorAll('[data-testid="stRadioOption"]')].findIndex(o => o.dataset.selected === "true")),
  toggles: [...document.querySelectorAll('[data-testid="stCheckbox"] input')].map(e => e.checked),
  numbers: [...document.querySelectorAll('[data-testid="stMetricValue"]')].map(e => e.innerText.replace(/[^0-9]/g, "")),
})"""
_IDLE = ("() => document.querySelector('[data-testid=\"stApp\"]').dataset.testScriptState === 'notRunning' "
         "&& !document.querySelector('[data-stale=\"true\"]')")
_SAYS = "w => [...document.querySelectorAll('[data-testid=\"stCaptionContainer\"]')].some(c => c.innerText.includes(w))"


def _settle(page, condition: str, arg: object = None) -> None:
    """Wait until ``condition`` holds (the change asked for has reached the page) and the app is idle."""
    page.wait_for_function(condition, arg=arg, timeout=30_000)
    page.wait_for_function(_IDLE, timeout=30_000)


def test_the_explorer_in_a_real_browser(tmp_path: Path) -> None:
    """The classroom (what the nkmodel-classroom launcher runs) writes the guide, starts the explorer and prints
    both addresses without opening a browser; in Chromium a key press on a slider changes a number, and after
    moving sliders, the policy and the switch, switching to English and back keeps every slider, switch and number
    (the language is presentation only)."""
    chromium = _chromium()
    if chromium is None:
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="playwright is not installed (pip install -e '.[test]')")
    port = _free_port()
    lessons = tmp_path / "teaching"  # the lessons' pages as a build leaves them (built elsewhere in the suite)
    lessons.mkdir()
    for stem in LESSONS:
        (lessons / f"{stem}.html").write_text('<!DOCTYPE html>\n<html lang="de"><body>x</body></html>\n')
    proc = subprocess.Popen([sys.executable, "run.py", "classroom", "--no-browser", "--port", str(port), "--lang", "de",
                             "--samples", str(BROWSER_SAMPLES), "--out", str(lessons)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
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
                thumbs = page.locator('[data-testid="stSlider"] input[type="range"]')
                changed = "b => document.querySelectorAll('[data-testid=\"stMetricValue\"]')[1].innerText !== b"
                for _ in range(6):  # a key press before the page has wired its slider is lost: press again
                    thumbs.first.focus()
                    page.keyboard.press("PageUp")
                    try:
                        page.wait_for_function(changed, arg=before, timeout=15_000)
                        break
                    except sync_api.TimeoutError:
                        continue
                assert value.inner_text() != before
                thumbs.last.focus()  # the cut-off month: to the window's last month
                page.keyboard.press("End")
                _settle(page, "() => document.querySelectorAll('[data-testid=\"stMetricValue\"]')[3].innerText !== '–'")
                policy = page.locator('[data-testid="stRadio"]').nth(1).locator('[data-testid="stRadioOption"]')
                policy.locator("xpath=self::*[not(@data-selected='true')]").first.click()
                _settle(page, f"() => ({_PAGE_STATE})().radios[0] === 1")  # the policy's run has finished
                calibrated = page.evaluate(_PAGE_STATE)["numbers"]
                page.locator('[data-testid="stCheckbox"]').first.click()  # calibration off: the numbers change
                _settle(page, f"b => ({_PAGE_STATE})().numbers.join() !== b", ",".join(calibrated))
                moved = page.evaluate(_PAGE_STATE)
                assert moved["sliders"][0] != "0" and moved["sliders"][-1] != "0"
                # the policy: from the scenario's average over the policies (first) to the first policy itself
                assert moved["radios"] == [1] and moved["toggles"] == [False]
                for label, words in (("English", "computed in"), ("Deutsch", "berechnet in")):
                    page.locator('[data-testid="stRadio"]').first.get_by_text(label).click()
                    _settle(page, _SAYS, words)
                    assert page.evaluate(_PAGE_STATE) == moved, label
                shot = tmp_path / "explorer.png"
                page.screenshot(path=str(shot))
                assert shot.stat().st_size > 10_000
            finally:
                browser.close()
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            out = proc.communicate(timeout=20)[0] or ""
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out = proc.communicate()[0] or ""
    assert f"explorer: http://127.0.0.1:{port}" in out and "building the lessons" not in out, out
    assert f"lessons and guide: {(lessons / 'guide.html').resolve().as_uri()}" in out
    assert "nkmodel-classroom" in (lessons / "guide.html").read_text(encoding="utf-8")  # how to start it again
    assert hosts == {f"127.0.0.1:{port}"}, hosts  # no CDN, no statistics, nothing outside this computer
