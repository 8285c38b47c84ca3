"""Time ``python run.py teach`` as a lecturer runs it: the whole process, the five lessons and the guide.

Run from the repository root::

    python bench/bench_teach.py                # 3 runs in English, writes bench/teach.json
    python bench/bench_teach.py --lang de --repeats 2

Each run starts a fresh interpreter on ``run.py teach --out <new empty folder> --lang LANG``, so
imports, the kernels' start-up, every lesson executed top to bottom and its offline HTML copy are
inside the time (``bench/bench_run.py`` is the same for ``python run.py``). Wall-clock seconds come
from ``time.perf_counter`` around the child, CPU seconds (user + system, the child and its kernels)
from ``resource.getrusage(RUSAGE_CHILDREN)``. The load average before and after is recorded: on a
shared machine a busy neighbour makes every run slower, so compare medians taken under similar load.
The README's teaching section quotes the median with the date.
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
OUTPUT = ROOT / "bench" / "teach.json"


def _one_run(cmd: list[str], out: Path) -> dict[str, float | int]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"run.py teach failed (exit {proc.returncode}):\n{proc.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"seconds": seconds, "cpu_seconds": cpu, "pages": len(list(out.glob("*.html")))}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3, help="timed runs (default 3)")
    ap.add_argument("--lang", choices=("en", "de"), default="en", help="language of the lessons (default en)")
    ap.add_argument("--output", type=Path, default=OUTPUT, help=f"JSON file (default {OUTPUT.relative_to(ROOT)})")
    args = ap.parse_args(argv)
    if args.repeats < 1:
        ap.error("--repeats must be at least 1")
    load_before = os.getloadavg()
    runs = []
    for i in range(args.repeats):
        out = Path(tempfile.mkdtemp(prefix="bench-teach-"))
        try:
            run = _one_run([sys.executable, "run.py", "teach", "--out", str(out), "--lang", args.lang], out)
        finally:
            shutil.rmtree(out, ignore_errors=True)
        if run["pages"] < 6:  # five lessons and the guide
            raise SystemExit(f"run {i + 1} wrote {run['pages']} pages, not the five lessons and the guide")
        runs.append(run)
        print(f"run {i + 1}/{args.repeats}: {run['seconds']:.1f} s wall, {run['cpu_seconds']:.1f} s CPU", flush=True)
    load_after = os.getloadavg()
    secs = [float(r["seconds"]) for r in runs]
    cpus = [float(r["cpu_seconds"]) for r in runs]
    result = {
        "what": "python run.py teach as a whole process (five lessons and the guide), fresh --out folder each run",
        "date": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "lang": args.lang,
        "seconds": {"median": statistics.median(secs), "min": min(secs), "max": max(secs), "runs": secs},
        "cpu_seconds": {"median": statistics.median(cpus), "min": min(cpus), "max": max(cpus)},
        "repeats": args.repeats,
        "machine": {"cores": os.cpu_count(), "machine": platform.machine(), "platform": platform.platform(),
                    "load_average_before": [round(x, 2) for x in load_before],
                    "load_average_after": [round(x, 2) for x in load_after]},
        "python": platform.python_version(),
    }
    args.output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"median {result['seconds']['median']:.1f} s; wrote {args.output}")  # type: ignore[index]
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
