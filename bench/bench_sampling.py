"""Benchmark drawing ten million samples of the baseline's parameters, before and after the fast path.

Run from the repository root::

    python bench/bench_sampling.py                 # writes bench/sampling.json
    python bench/bench_sampling.py --samples 2000000 --repeats 1

Each measurement is a whole process (``python bench/bench_sampling.py --child METHOD VARIANT N``)
timed from the parent, so imports, building the priors and the memory of the result all count;
the child also reports its own drawing time. Variants:

``current``
    ``model.inputs.sampling.sample_parameters`` as it is: each Sobol block starts at its own point
    computed directly, blocks drawn on threads (the CPUs, at most 4).
``reference``
    The sampler as it was before: each Sobol block from a fresh engine fast-forwarded point by point
    to its first point (``qmc.Sobol.fast_forward``), blocks one after the other on one thread. The same
    numbers (checked here on the first, a middle and the last block, and in tests/test_sampling_dependence.py).

Also timed, in this process: one Sobol block's design points at blocks 0, 1, 50 and 152 both ways.

The machine has 2 cores shared with other work, and first-touch page faults on this kind of
virtual machine cost from 0.2 to 2 s per GB depending on what ran before: the figures vary from
run to run by a second or more; each is the median of ``--repeats`` runs, the spread is recorded.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SCENARIO = ROOT / "scenarios" / "baseline.yaml"
OUTPUT = ROOT / "bench" / "sampling.json"


def _priors():  # type: ignore[no-untyped-def]
    from model.inputs.loading import load_scenario
    from model.inputs.priors import build_priors
    from model.inputs.registry import load_registry

    registry = load_registry()
    return build_priors(load_scenario(SCENARIO, registry=registry).scenario.parameters, registry)


def _reference_unit_block(d: int, block: int, size: int, method: str, seed: int):  # type: ignore[no-untyped-def]
    """The design points of one block as the sampler drew them before (fast_forward per block)."""
    import numpy as np
    from scipy.stats import qmc

    from model.inputs.sampling import BLOCK_SIZE, unit_block

    if method != "sobol":
        return unit_block(d, block, size, method=method, seed=seed)  # unchanged for mc and lhs
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(2**31 - 1,)))
    engine = qmc.Sobol(d, scramble=True, rng=rng)
    if block:
        engine.fast_forward(block * BLOCK_SIZE)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        u = engine.random(size)
    tiny = np.finfo(float).eps
    return np.clip(u, tiny, 1 - tiny)


def _reference_sample(priors, n: int, method: str, seed: int):  # type: ignore[no-untyped-def]
    """The old sample_parameters: blocks one by one, fast_forward for Sobol, one thread."""
    import numpy as np

    from model.inputs.sampling import block_ranges, uncertain_count, unit_to_values

    d = uncertain_count(priors)
    values = np.empty((len(priors), n))
    for block, start, stop in block_ranges(n):
        values[:, start:stop] = unit_to_values(priors, _reference_unit_block(d, block, stop - start, method,
                                                                            seed)).T
    return values.T


def child(method: str, variant: str, n: int) -> dict[str, float]:
    t0 = time.perf_counter()
    from model.inputs.sampling import sample_parameters

    priors = _priors()
    t1 = time.perf_counter()
    if variant == "current":
        values = sample_parameters(priors, n, method=method, seed=20230913).values  # type: ignore[arg-type]
    else:
        values = _reference_sample(priors, n, method, 20230913)
    t2 = time.perf_counter()
    return {"setup_s": t1 - t0, "draw_s": t2 - t1, "checksum": float(values[::9973].sum()),
            "parameters": len(priors)}


def _whole_process(method: str, variant: str, n: int) -> dict[str, float]:
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", method, variant, str(n)],
                         check=True, capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["process_s"] = wall
    result["user_cpu_s"] = after.ru_utime - before.ru_utime  # CPU time: less sensitive to other work on the machine
    result["system_cpu_s"] = after.ru_stime - before.ru_stime  # mostly first-touch page faults of the result
    return result


def _block_times(priors) -> dict[str, dict[str, float]]:  # type: ignore[no-untyped-def]
    from model.inputs.sampling import BLOCK_SIZE, uncertain_count, unit_block

    d = uncertain_count(priors)
    out: dict[str, dict[str, float]] = {}
    for block in (0, 1, 50, 152):
        row = {}
        for name, fn in (("reference_ms", lambda b: _reference_unit_block(d, b, BLOCK_SIZE, "sobol", 1)),
                         ("current_ms", lambda b: unit_block(d, b, BLOCK_SIZE, method="sobol", seed=1))):
            fn(block)
            t = time.perf_counter()
            for _ in range(3):
                fn(block)
            row[name] = (time.perf_counter() - t) / 3 * 1e3
        same = unit_block(d, block, 4096, method="sobol", seed=1).tobytes() == \
            _reference_unit_block(d, block, 4096, "sobol", 1).tobytes()
        row["identical"] = bool(same)
        out[str(block)] = row
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=10_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--child", nargs=3, metavar=("METHOD", "VARIANT", "N"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        method, variant, n = args.child
        print(json.dumps(child(method, variant, int(n))))
        return 0
    import numpy as np

    report: dict = {
        "date": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "machine": {"machine": platform.machine(), "cpu_count": os.cpu_count(), "platform": platform.platform()},
        "load_average_at_start": list(os.getloadavg()),
        "scenario": "scenarios/baseline.yaml",
        "samples": args.samples,
        "repeats": args.repeats,
        "runs": {},
    }
    for method in ("sobol", "mc"):
        for variant in ("reference", "current"):
            runs = [_whole_process(method, variant, args.samples) for _ in range(args.repeats)]
            key = f"{method}_{variant}"
            report["runs"][key] = {
                "process_s_median": statistics.median(r["process_s"] for r in runs),
                "process_s_all": [round(r["process_s"], 3) for r in runs],
                "draw_s_median": statistics.median(r["draw_s"] for r in runs),
                "draw_s_all": [round(r["draw_s"], 3) for r in runs],
                "setup_s_median": statistics.median(r["setup_s"] for r in runs),
                "user_cpu_s_median": statistics.median(r["user_cpu_s"] for r in runs),
                "system_cpu_s_median": statistics.median(r["system_cpu_s"] for r in runs),
                "checksum": runs[0]["checksum"],
                "parameters": runs[0]["parameters"],
            }
            row = report["runs"][key]
            print(f"{key:18} whole process {row['process_s_median']:6.2f} s (draw {row['draw_s_median']:5.2f} s; "
                  f"CPU user {row['user_cpu_s_median']:5.2f} s, system {row['system_cpu_s_median']:5.2f} s; "
                  f"runs {row['process_s_all']})", flush=True)
        same = report["runs"][f"{method}_reference"]["checksum"] == report["runs"][f"{method}_current"]["checksum"]
        report["runs"][f"{method}_same_numbers"] = same
    report["sobol_block_ms"] = _block_times(_priors())
    report["load_average_at_end"] = list(os.getloadavg())
    args.output.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    for block, row in report["sobol_block_ms"].items():
        print(f"sobol block {block:>4}: reference {row['reference_ms']:6.1f} ms, current {row['current_ms']:5.1f} ms, "
              f"identical {row['identical']}")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
