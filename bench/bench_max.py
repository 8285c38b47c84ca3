"""The documented maximum as a user runs it: ``python run.py`` with ten million samples.

Run from the repository root::

    python bench/bench_max.py                      # 10,000,000 samples of the baseline
    python bench/bench_max.py --samples 2000000    # a smaller check

Runs ``run.py run scenarios/baseline.yaml --samples N --redo`` as a child process into a
fresh temporary folder (everything a user gets: sampling, the model, calibration over every
sample, sensitivity, figures, report, files), times it as a whole process, reads the child's
peak resident memory (``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss``, taken while this
script is still small) and the size of what it wrote, and writes ``bench/max.json``.
Targets (issue 9): under 2 GiB peak and under a minute on 2 cores.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=10_000_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "max.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nkmodel-max-") as tmp:
        out = Path(tmp) / "results"
        cmd = [sys.executable, str(ROOT / "run.py"), "run", str(ROOT / "scenarios" / "baseline.yaml"),
               "--samples", str(args.samples), "--out", str(out), "--workers", str(args.workers), "--no-progress",
               "--redo"]
        t0 = time.perf_counter()
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        seconds = time.perf_counter() - t0
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        if done.returncode != 0:
            print(done.stderr, file=sys.stderr)
            return 1
        folder = out / "baseline"
        sizes = {p.name: p.stat().st_size for p in folder.iterdir()}
        summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    record = {
        "date": _dt.date.today().isoformat(),
        "python": platform.python_version(),
        "cores": os.cpu_count(),
        "samples": args.samples,
        "workers": args.workers,
        "seconds": round(seconds, 1),
        "peak_mib": round(peak_kib / 1024, 1),
        "written_mib": round(sum(sizes.values()) / 2**20, 1),
        "largest_files_mib": {k: round(v / 2**20, 1) for k, v in sorted(sizes.items(), key=lambda kv: -kv[1])[:3]},
        "samples_kept_on_disk": summary.get("samples_kept"),
        "calibration": summary.get("calibration", {}).get("method"),
        "effective_sample_size": summary.get("effective_sample_size"),
        "targets": {"peak_mib_below": 2048, "seconds_below": 60},
    }
    args.output.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(record, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
