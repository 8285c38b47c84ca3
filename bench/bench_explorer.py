"""How fast the explorer answers a slider move at 4,096 futures, and on how many effective futures its
calibrated view rests; writes ``bench/explorer.json``.

Run from the repository root::

    python bench/bench_explorer.py               # engine, app re-run, and the real browser if chromium is there
    python bench/bench_explorer.py --no-browser  # without the browser part

Four measurements; the times over many moves (the sliders of the baseline in turn, the cut-off month,
the calibrated switch), reported as median and 95th percentile:

0. ``calibrated``: the effective number of (distinct) futures the calibrated view rests on at the
   defaults, and after a cut-off, for the baseline and ``nk_cutoff``, and how long calibrating the
   futures takes when the explorer starts (tempered SMC under each firing policy).
1. ``engine``: ``Explorer.run`` after a move: re-map the moved parameter, ``model.simulate`` on the
   fixed 4,096 futures, the calibrated weights, quantiles, plus drawing the fan chart's SVG.
2. ``app``: the whole Streamlit script re-run after a move, through ``streamlit.testing.v1.AppTest``
   (every widget, every number formatted, every element built; no browser, no network).
3. ``browser``: the real thing: ``python run.py explore --no-browser`` on a free port, Debian's
   Chromium driven by Playwright, a key press on the stockpile slider, and the time until the
   deliveries number on the page has changed (server re-run, websocket, React render).

Targets: at least 1,000 effective futures at the defaults; 150 ms a move in the browser. The machine
has 2 cores, shared: the load average at start and end is recorded with the numbers, which are noisy
when other work runs (repeat and compare).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from model.inputs.loading import load_scenario  # noqa: E402
from model.teaching.explorer import EXPLORER_SAMPLES, Explorer, Settings  # noqa: E402
from model.teaching.explorer_view import fan_svg  # noqa: E402

SCENARIO = ROOT / "scenarios" / "baseline.yaml"
TARGET_MS = 150.0
TARGET_EFFECTIVE = 1000


def _summary(seconds: list[float]) -> dict[str, float]:
    ms = sorted(s * 1000 for s in seconds)
    p95 = ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]
    return {"moves": len(ms), "median_ms": round(statistics.median(ms), 1), "p95_ms": round(p95, 1),
            "max_ms": round(ms[-1], 1)}


def _moves(ex: Explorer, count: int) -> list[Settings]:
    """A walk over the sliders: each moved a few steps from its default and back, with the cut-off
    month and the calibrated switch changed on the way."""
    out = []
    values = {n: s.default for n, s in ex.sliders.items()}
    names = list(ex.sliders)
    cutoffs = [None, "2025-10", "2025-04", None]
    for i in range(count):
        s = ex.sliders[names[i % len(names)]]
        k = (i // len(names)) % 4
        shift = (1, 3, -2, 0)[k] * s.step * max(1, round((s.high - s.low) / s.step / 20))
        values[s.name] = min(max(s.default + shift, s.low), s.high)
        out.append(Settings(dict(values), cutoffs[k], calibrated=(i % 7 != 6)))
    return out


def _calibrated() -> dict[str, object]:
    out: dict[str, object] = {}
    for name in ("baseline", "nk_cutoff"):
        sc = load_scenario(ROOT / "scenarios" / f"{name}.yaml").scenario
        ex = Explorer(sc, samples=EXPLORER_SAMPLES)
        start = time.perf_counter()
        ex.warm()
        seconds = time.perf_counter() - start
        defaults = ex.run()
        cut = ex.run(Settings(ex.defaults().values, "2025-10", True, ex.default_policy))
        out[name] = {"futures": defaults.samples, "effective_at_defaults": round(defaults.effective_sample_size),
                     "effective_cutoff_2025_10": round(cut.effective_sample_size),
                     "policies_calibrated": len(ex.policies) or 1, "calibration_s": round(seconds, 2)}
    return out


def _engine(count: int) -> dict[str, object]:
    sc = load_scenario(SCENARIO).scenario
    start = time.perf_counter()
    ex = Explorer(sc, samples=EXPLORER_SAMPLES)
    setup = time.perf_counter() - start
    ex.run()  # warm
    times = []
    for settings in _moves(ex, count):
        t = time.perf_counter()
        fan_svg(ex, ex.run(settings), "de")
        times.append(time.perf_counter() - t)
    return {"setup_s": round(setup, 3), **_summary(times)}


def _app(count: int) -> dict[str, object]:
    from streamlit.testing.v1 import AppTest

    sliders = Explorer(load_scenario(SCENARIO).scenario, samples=EXPLORER_SAMPLES).sliders
    at = AppTest.from_file(str(ROOT / "model" / "teaching" / "app.py"), default_timeout=120)
    start = time.perf_counter()
    at.run()
    first = time.perf_counter() - start
    if at.exception:
        raise RuntimeError(f"the app failed: {at.exception}")
    names = list(sliders)
    times = []
    for i in range(count):
        s = sliders[names[i % len(names)]]
        grid = s.options()
        k = grid.index(s.default)
        target = grid[min(len(grid) - 1, k + 3)] if (i // len(names)) % 2 == 0 else grid[max(0, k - 3)]
        widget = at.select_slider(key=f"p_{s.name}")
        t = time.perf_counter()
        widget.set_value(target).run()
        times.append(time.perf_counter() - t)
        if at.exception:
            raise RuntimeError(f"the app failed: {at.exception}")
    return {"first_run_s": round(first, 3), **_summary(times)}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _browser(count: int) -> dict[str, object] | None:
    chromium = "/usr/bin/chromium"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if not Path(chromium).exists():
        return None
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "run.py", "explore", "--no-browser", "--port", str(port)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.2)
        hosts: set[str] = set()
        times = []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.on("request", lambda r: hosts.add(r.url.split("/")[2] if "://" in r.url else r.url[:20]))
            start = time.perf_counter()
            page.goto(f"http://127.0.0.1:{port}/")
            page.wait_for_selector('[data-testid="stMetricValue"]', timeout=90_000)
            first = time.perf_counter() - start
            thumb = page.locator('[data-testid="stSlider"] input[type="range"]').first
            value = page.locator('[data-testid="stMetricValue"]').nth(1)
            for i in range(count):
                thumb.focus()
                before = value.inner_text()
                t = time.perf_counter()
                page.keyboard.press("PageUp" if (i // 5) % 2 == 0 else "PageDown")
                page.wait_for_function(
                    "b => document.querySelectorAll('[data-testid=\"stMetricValue\"]')[1].innerText !== b",
                    arg=before, timeout=30_000)
                times.append(time.perf_counter() - t)
                page.wait_for_timeout(150)  # let the chart finish drawing before the next move
            browser.close()
        return {"first_load_s": round(first, 3), "hosts_requested": sorted(hosts), **_summary(times)}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--moves", type=int, default=60, help="moves for the engine (default 60)")
    ap.add_argument("--app-moves", type=int, default=30, help="moves through AppTest (default 30)")
    ap.add_argument("--browser-moves", type=int, default=20, help="moves in the browser (default 20)")
    ap.add_argument("--no-browser", action="store_true")
    ap.add_argument("--output", type=Path, default=ROOT / "bench" / "explorer.json")
    args = ap.parse_args(argv)
    load_start = os.getloadavg()
    out: dict[str, object] = {
        "date": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": {"cpu_count": os.cpu_count(), "platform": platform.platform()},
        "scenario": str(SCENARIO.relative_to(ROOT)),
        "samples": EXPLORER_SAMPLES,
        "target_ms": TARGET_MS,
        "target_effective_futures": TARGET_EFFECTIVE,
        "load_average_start": [round(x, 2) for x in load_start],
    }
    out["calibrated"] = _calibrated()
    print(f"calibrated: {out['calibrated']}")
    out["engine"] = _engine(args.moves)
    print(f"engine:  {out['engine']}")
    out["app"] = _app(args.app_moves)
    print(f"app:     {out['app']}")
    if not args.no_browser:
        out["browser"] = _browser(args.browser_moves)
        print(f"browser: {out['browser']}")
    out["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    args.output.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
