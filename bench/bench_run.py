"""Time ``python run.py`` as a user runs it: the whole process, every scenario, figures and reports.

Run from the repository root::

    python bench/bench_run.py                 # 3 runs of each case below, writes bench/run.json
    python bench/bench_run.py --repeats 5 --workers 2
    python bench/bench_run.py --samples 4096  # smaller runs (the JSON says so)
    python bench/bench_run.py --cases all_scenarios baseline_redo

The cases (issue 21's targets): ``all_scenarios`` -- ``python run.py`` into a new empty folder (every
shipped scenario, the default headline charts, PNG and SVG; target under 15 s on two cores);
``baseline_redo`` -- ``python run.py run scenarios/baseline.yaml --redo`` into a folder that already
holds its result (target under 3 s); ``all_scenarios_every_chart`` -- the first with ``--figures all``.
Each run starts a fresh interpreter on ``run.py`` with ``--out <folder> --no-progress``
(plus ``--workers`` / ``--samples`` when given), so imports, validation, worker start-up,
the model, every chart (PNG and SVG), the reports and the index are all inside the time.
Wall-clock seconds come from ``time.perf_counter`` around the child; CPU seconds (user +
system, the child and its worker processes) from ``resource.getrusage(RUSAGE_CHILDREN)``.
The folder is deleted after each run, once its charts are counted (a run that writes
fewer charts than the first is an error: speed must not come from dropping one).

``bench/bench_model.py`` times the model alone (samples per second); this script is the
figure a user feels. The load average before and after is recorded: on a shared machine
a busy neighbour makes every run slower, so compare medians taken under similar load.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "bench" / "run.json"


def _cli_default_workers() -> int:
    """The ``--workers`` default of ``python run.py`` (read from the parser, not re-typed)."""
    sys.path.insert(0, str(ROOT))
    from model.cli import _parser, _worker_count

    args = _parser().parse_args(["run"])
    return _worker_count(args.workers, args.more_workers_than_cores)


def _scenarios(files: list[str]) -> list[Path]:
    return [Path(f) for f in files] if files else sorted((ROOT / "scenarios").glob("*.yaml"))


def _samples_of(path: Path) -> int | str | None:
    """The scenario's samples as resolved (``extends`` included; ``"auto"`` where the run decides),
    None if it does not load."""
    try:
        from model.inputs.loading import load_scenario
        from model.inputs.registry import load_registry

        samples = load_scenario(path, registry=load_registry()).scenario.samples
        return samples if isinstance(samples, int) else str(samples)
    except Exception:  # noqa: BLE001 - a record, not a check: run.py reports bad files itself
        return None


def _one_run(cmd: list[str], out: Path) -> dict:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"run.py failed (exit {proc.returncode}):\n{proc.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"seconds": seconds, "cpu_seconds": cpu,
            "png": len(list(out.rglob("*.png"))), "svg": len(list(out.rglob("*.svg")))}


CASES = {
    "all_scenarios": ([], []),
    "baseline_redo": (["scenarios/baseline.yaml"], ["--redo"]),
    "all_scenarios_every_chart": ([], ["--figures", "all"]),
}
TARGETS = {"all_scenarios": 15.0, "baseline_redo": 3.0}


def _case(name: str, args: argparse.Namespace, workers: int) -> dict:
    files, extra = CASES[name]
    scenarios = _scenarios(args.files or files)
    runs = []
    keep = Path(tempfile.mkdtemp(prefix="bench-run-keep-"))
    try:
        for i in range(args.repeats + (1 if "--redo" in extra else 0)):
            out = keep / "out" if "--redo" in extra else Path(tempfile.mkdtemp(prefix="bench-run-"))
            if "--redo" not in extra:
                shutil.rmtree(out)  # run.py creates it: a fresh folder, nothing to skip
            cmd = [sys.executable, "run.py", "run", *map(str, scenarios), "--out", str(out), "--no-progress",
                   "--workers", str(workers), *extra]
            if args.samples is not None:
                cmd += ["--samples", str(args.samples)]
            try:
                run = _one_run(cmd, out)
            finally:
                if "--redo" not in extra:
                    shutil.rmtree(out, ignore_errors=True)
            if "--redo" in extra and i == 0:
                continue  # the first run writes the folder the timed ones redo
            if runs and (run["png"], run["svg"]) < (runs[0]["png"], runs[0]["svg"]):
                raise SystemExit(f"{name}: run {len(runs) + 1} wrote fewer charts than run 1: {run} vs {runs[0]}")
            runs.append(run)
            print(f"{name} run {len(runs)}/{args.repeats}: {run['seconds']:.1f} s wall, {run['cpu_seconds']:.1f} s CPU, "
                  f"{run['png']} PNG + {run['svg']} SVG", flush=True)
    finally:
        shutil.rmtree(keep, ignore_errors=True)
    secs = [r["seconds"] for r in runs]
    cpus = [r["cpu_seconds"] for r in runs]
    out = {
        "command": " ".join(["python run.py run", *(map(str, args.files or files)), *extra]).replace("run  ", "run "),
        "seconds": {"median": statistics.median(secs), "min": min(secs), "max": max(secs), "runs": secs},
        "cpu_seconds": {"median": statistics.median(cpus), "min": min(cpus), "max": max(cpus)},
        "scenarios": [p.stem for p in scenarios],
        "charts": {"png": runs[0]["png"], "svg": runs[0]["svg"]},
    }
    if name in TARGETS:
        out["target_seconds"] = TARGETS[name]
        out["met_target"] = out["seconds"]["median"] < TARGETS[name]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", help="scenario files (default: each case's own)")
    ap.add_argument("--cases", nargs="+", choices=list(CASES), default=list(CASES), help="which cases (default: all)")
    ap.add_argument("--repeats", type=int, default=3, help="timed runs of each case (default 3)")
    ap.add_argument("--workers", type=int, help="passed to run.py (default: run.py's own default)")
    ap.add_argument("--samples", type=int, help="passed to run.py (default: each scenario's own)")
    ap.add_argument("--output", type=Path, default=OUTPUT, help=f"JSON file (default {OUTPUT.relative_to(ROOT)})")
    args = ap.parse_args(argv)
    if args.repeats < 1:
        ap.error("--repeats must be at least 1")
    workers = args.workers if args.workers is not None else _cli_default_workers()  # also puts ROOT on sys.path
    load_before = os.getloadavg()
    cases = {name: _case(name, args, workers) for name in args.cases}
    load_after = os.getloadavg()
    import matplotlib
    import numpy

    result = {
        "what": "python run.py as a whole process: each case's median of --repeats runs",
        "date": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "cases": cases,
        "repeats": args.repeats,
        "samples": args.samples if args.samples is not None else {
            p.stem: _samples_of(p) for p in _scenarios(args.files)},
        "workers": workers,
        "machine": {"cores": os.cpu_count(), "machine": platform.machine(), "platform": platform.platform(),
                    "load_average_before": [round(x, 2) for x in load_before],
                    "load_average_after": [round(x, 2) for x in load_after]},
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "matplotlib": matplotlib.__version__,
    }
    args.output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    for name, c in cases.items():
        s = c["seconds"]
        target = (f" (target {c['target_seconds']:g} s: {'met' if c['met_target'] else 'NOT met'})"
                  if "target_seconds" in c else "")
        print(f"{name}: median {s['median']:.1f} s (min {s['min']:.1f}, max {s['max']:.1f}){target}")
    print(f"{workers} workers, {os.cpu_count()} cores; load {load_before[0]:.1f} -> {load_after[0]:.1f}; wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
