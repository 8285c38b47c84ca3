"""Benchmark the SimPy logistics engine: 500 replications of 36 months on two processes.

Run from the repository root::

    python bench/bench_logistics.py                       # writes bench/logistics.json
    python bench/bench_logistics.py --replications 50     # a quick look

Each replication: 300,000 shells/month from North Korea, 250,000 of Russia's own, 540,000 wanted
(18,000 a day), the default chain (``LogisticsParameters()``: random long-haul transit times,
cv 0.25) and one disruption, a 42-day closure of the rail route from day 400. Replication ``i``
has seed ``replication_seeds(SEED, n)[i]``, so the results do not depend on the workers. The
whole run is timed (``time.perf_counter``), pool start-up included. Granularity: ships and trains
are the moving parts (not containers or wagons), supply and firing once a day.

Target: under 30 s on two cores. Missing it is reported, not an error (``--strict`` makes it one).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import math
import os
import platform
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from model.features.logistics.engine import (  # noqa: E402
    LogisticsParameters,
    ReplicationInputs,
    RouteClosed,
    replication_seeds,
    run_replication,
)

DEFAULT_OUTPUT = ROOT / "bench" / "logistics.json"
SEED = 20240917
MONTHS = 36
NK_PER_MONTH = 300_000.0
RU_PER_MONTH = 250_000.0
WANTED_PER_MONTH = 540_000.0
DISRUPTIONS = (RouteClosed("rail", 400, 42),)
TARGET_SECONDS = 30.0


def _inputs(months: int) -> ReplicationInputs:
    return ReplicationInputs(np.full(months, NK_PER_MONTH), np.full(months, RU_PER_MONTH),
                             np.full(months, WANTED_PER_MONTH), start_month=1)


def run_chunk(task: tuple[int, int, int, int]) -> list[tuple[int, int, float, float, float]]:
    """Replications ``first .. first+count-1`` of ``total``: (index, events, fired, shortfall,
    dip) each. Only these few numbers cross back to the parent."""
    first, count, total, months = task
    seeds = replication_seeds(SEED, total)
    params, inputs = LogisticsParameters(), _inputs(months)
    out = []
    for i in range(first, first + count):
        r = run_replication(params, inputs, DISRUPTIONS, seed=seeds[i])
        out.append((i, r.events, float(r.shells_fired.sum()), float(r.shortfall.sum()),
                    float(r.dip_shells[0])))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--replications", type=int, default=500)
    ap.add_argument("--months", type=int, default=MONTHS)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--chunks", type=int, default=20, help="tasks handed to the pool")
    ap.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    ap.add_argument("--strict", action="store_true", help="exit 1 if the target is missed")
    args = ap.parse_args(argv)

    n = args.replications
    size = math.ceil(n / args.chunks)
    tasks = [(a, min(size, n - a), n, args.months) for a in range(0, n, size)]
    load_before = os.getloadavg()
    t0 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        rows = [row for chunk in pool.map(run_chunk, tasks) for row in chunk]
    seconds = time.perf_counter() - t0
    rows.sort()
    events = np.array([r[1] for r in rows], dtype=np.int64)
    fired, shortfall, dip = (np.array([r[k] for r in rows]) for k in (2, 3, 4))

    report = {
        "date": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "simpy": version("simpy"),
        "numpy": np.__version__,
        "scipy": version("scipy"),
        "machine": {"machine": platform.machine(), "cpu_count": os.cpu_count(),
                    "platform": platform.platform()},
        "load_average_before": [round(x, 2) for x in load_before],
        "replications": n,
        "months": args.months,
        "workers": args.workers,
        "chunks": len(tasks),
        "seconds": seconds,
        "events_total": int(events.sum()),
        "events_per_replication": float(events.mean()),
        "events_per_replication_min": int(events.min()),
        "events_per_replication_max": int(events.max()),
        "events_per_second": float(events.sum() / seconds),
        "replications_per_second": n / seconds,
        "target_seconds": TARGET_SECONDS,
        "met_target": seconds < TARGET_SECONDS,
        "granularity": "ships and trains (not containers or wagons); daily supply and firing",
        "scenario": {
            "nk_supply_per_month": NK_PER_MONTH, "ru_supply_per_month": RU_PER_MONTH,
            "fire_wanted_per_month": WANTED_PER_MONTH, "policy": "demand", "seed": SEED,
            "disruptions": [{"kind": type(d).__name__, **asdict(d)} for d in DISRUPTIONS],
            "parameters": asdict(LogisticsParameters()),
        },
        "results": {  # a check that the runs did something, and a fingerprint of them
            "shells_fired_mean": float(fired.mean()),
            "shortfall_mean": float(shortfall.mean()),
            "share_with_shortfall": float((shortfall > 0).mean()),
            "dip_shells_p50": float(np.median(dip)),
            # depends on every replication's random transit times; equal for any --workers
            "fingerprint_dip_shells_sum": float(math.fsum(dip.tolist())),
        },
    }
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    print(f"{n} replications x {args.months} months on {args.workers} processes: "
          f"{seconds:.1f} s, {report['events_per_replication']:.0f} events/replication, "
          f"{report['events_per_second']:,.0f} events/s "
          f"(target < {TARGET_SECONDS:.0f} s: {'met' if report['met_target'] else 'MISSED'})")
    return 1 if args.strict and not report["met_target"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
