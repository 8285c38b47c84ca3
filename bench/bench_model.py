"""Benchmark the vectorized model against the plain loop, and a ten-million-sample run.

Run from the repository root::

    python bench/bench_model.py                   # full benchmark, writes bench/latest.json
    python bench/bench_model.py --samples 200000  # shrink the chunked large run

What it does, in one run:

1. Runs ``--samples`` samples (default ten million) in blocks of ``BLOCK_SIZE`` in a
   child process (this script with ``--ten-million``) that keeps only per-sample
   ``nk_share_of_fired`` (float32) and running sums, and reads the child's peak
   resident memory from ``resource.getrusage(RUSAGE_CHILDREN)`` once it has ended.
   This runs first, while this process is still small: a child's ``ru_maxrss``
   starts from its parent's size at the fork (the child's ``VmHWM`` is reported too).
2. Draws the baseline scenario's samples once, runs ``bench.loop_model.simulate_loop``
   on the first ``--loop-samples`` of them and ``model.core.dynamics.simulate`` on the same
   samples and on a full block (``BLOCK_SIZE``), and reports samples per second for
   each (``time.perf_counter``; best of ``--repeats`` runs of the vectorized model and
   of ``--loop-repeats`` runs of the loop). Both must give the same metrics on the
   same samples: the largest ``|a - b| / max(|b|, 1)`` over all metrics (nan equal to
   nan, nan on one side only an infinite difference) must not exceed 1e-6, or the
   script exits with code 1. The same check runs on a variant with a North Korean
   cut-off in 2025-01, so the shortage-after-cut-off metric is compared with real
   numbers too.
3. Writes ``bench/latest.json`` (or ``--output``) and prints a short table.

Targets: speedup at least 30x (aim 100x); the ten-million run under 2 GiB peak.
Missing a target is reported, not an error (``--strict`` makes it one).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import math
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np

from model.core.dynamics import simulate
from model.inputs.events import build_structure, build_timeline
from model.inputs.loading import load_scenario
from model.inputs.priors import scenario_priors
from model.inputs.registry import load_registry
from model.inputs.sampling import BLOCK_SIZE, block_ranges, sample_block, sample_parameters
from model.inputs.schema import Event

SCENARIO = ROOT / "scenarios" / "baseline.yaml"
DEFAULT_OUTPUT = ROOT / "bench" / "latest.json"
TOLERANCE = 1e-6
TARGET_SPEEDUP = 30.0
AIM_SPEEDUP = 100.0
TARGET_PEAK_MIB = 2048.0
CUTOFF_MONTH = "2025-01"


# --------------------------------------------------------------------------- helpers
def _load(cutoff: bool = False):
    """Scenario, priors, timeline and structure of the baseline (optionally with a cut-off event): its
    mechanisms as shipped, the uncertain switches chosen per sample."""
    registry = load_registry()
    sc = load_scenario(SCENARIO).scenario
    priors = scenario_priors(sc, registry)
    if cutoff:
        sc = sc.model_copy(
            update={
                "events": {**sc.events, "cut": Event(kind="nk_deliveries_stop", month=CUTOFF_MONTH)}
            }
        )
    return sc, priors, build_timeline(sc, registry), build_structure(sc)


def relative_differences(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> dict[str, float]:
    """Per metric ``max |a - b| / max(|b|, 1)``; nan == nan, nan on one side only -> inf."""
    if set(a) != set(b):
        raise ValueError(f"metric names differ: {sorted(set(a) ^ set(b))}")
    out = {}
    for name in sorted(a):
        x = np.asarray(a[name], dtype=float)
        y = np.asarray(b[name], dtype=float)
        if x.shape != y.shape:
            out[name] = math.inf
            continue
        nx, ny = np.isnan(x), np.isnan(y)
        if np.any(nx != ny):
            out[name] = math.inf
            continue
        with np.errstate(invalid="ignore"):
            d = np.abs(x - y) / np.maximum(np.abs(y), 1.0)
        d = np.where(nx & ny, 0.0, d)
        # inf - inf is nan: equal infinities count as equal, anything else as inf
        d = np.where(np.isnan(d), np.where(x == y, 0.0, math.inf), d)
        out[name] = float(d.max()) if d.size else 0.0
    return out


def _best_time(fn, repeats: int) -> float:
    best = math.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def _rss_mib(kib: float) -> float:
    # ru_maxrss is KiB on Linux, bytes on macOS
    return kib / (1024.0 * 1024.0) if sys.platform == "darwin" else kib / 1024.0


def _vm_hwm_mib() -> float | None:
    """Peak resident memory of this process image alone (Linux ``VmHWM``), else None.

    ``ru_maxrss`` survives ``exec``: a child started by a large parent reports at least
    the parent's size at fork time. ``VmHWM`` belongs to the new address space only.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return None


# --------------------------------------------------------------------------- part 1
def compare_and_time(
    loop_samples: int, vector_samples: int, repeats: int, loop_repeats: int = 3
) -> dict:
    from bench.loop_model import simulate_loop

    sc, priors, timeline, structure = _load()
    _, _, timeline_cut, _ = _load(cutoff=True)
    thr = sc.shortage_threshold
    n_all = max(vector_samples, loop_samples)
    samples = sample_parameters(priors, n_all, method=sc.sampling, seed=sc.seed)
    big = {k: np.ascontiguousarray(v[:vector_samples]) for k, v in samples.as_dict().items()}
    small = {k: np.ascontiguousarray(v[:loop_samples]) for k, v in samples.as_dict().items()}

    simulate(small, timeline, shortage_threshold=thr, structure=structure)  # warm up
    t_vec_small = _best_time(lambda: simulate(small, timeline, shortage_threshold=thr, structure=structure), repeats)
    t_vec_big = _best_time(lambda: simulate(big, timeline, shortage_threshold=thr, structure=structure), repeats)

    # best of a few for the loop too: a busy machine should not inflate the speedup
    loop = simulate_loop(small, timeline, shortage_threshold=thr, structure=structure)
    t_loop = _best_time(
        lambda: simulate_loop(small, timeline, shortage_threshold=thr, structure=structure), loop_repeats
    )

    vec = simulate(small, timeline, shortage_threshold=thr, structure=structure).metrics
    diffs = relative_differences(vec, loop)

    loop_cut = simulate_loop(small, timeline_cut, shortage_threshold=thr, structure=structure)
    vec_cut = simulate(small, timeline_cut, shortage_threshold=thr, structure=structure).metrics
    diffs_cut = relative_differences(vec_cut, loop_cut)

    loop_rate = loop_samples / t_loop
    vec_rate = vector_samples / t_vec_big
    return {
        "scenario": str(SCENARIO.relative_to(ROOT)),
        "months": len(timeline),
        "parameters": len(priors),
        "loop_samples": loop_samples,
        "loop_seconds": t_loop,
        "loop_repeats": loop_repeats,
        "loop_samples_per_s": loop_rate,
        "vectorized_chunk_samples": vector_samples,
        "vectorized_seconds": t_vec_big,
        "vectorized_samples_per_s": vec_rate,
        "vectorized_same_samples_seconds": t_vec_small,
        "vectorized_same_samples_per_s": loop_samples / t_vec_small,
        "vectorized_repeats": repeats,
        "speedup": vec_rate / loop_rate,
        "speedup_same_samples": (loop_samples / t_vec_small) / loop_rate,
        "max_relative_difference": max(diffs.values()),
        "relative_difference_by_metric": diffs,
        "max_relative_difference_cutoff": max(diffs_cut.values()),
        "relative_difference_by_metric_cutoff": diffs_cut,
        "cutoff_month": CUTOFF_MONTH,
    }


# --------------------------------------------------------------------------- part 2 (child)
def ten_million_child(n: int) -> dict:
    """Chunked run of ``n`` samples; keeps only ``nk_share_of_fired`` per sample."""
    sc, priors, timeline, structure = _load()
    names = [p.name for p in priors]
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    share = np.empty(n, dtype=np.float32)
    sums = {
        "nk_share_of_fired": 0.0,
        "nk_deliveries_total": 0.0,
        "killed_total": 0.0,
        "payments_share_of_nk_gdp": 0.0,
    }
    t_sample = t_sim = 0.0
    t0 = time.perf_counter()
    for block, start, stop in block_ranges(n):
        ta = time.perf_counter()
        values = sample_block(priors, block, stop - start, method=sc.sampling, seed=sc.seed)
        tb = time.perf_counter()
        params = {name: values[:, j] for j, name in enumerate(names)}
        metrics = simulate(
            params, timeline, shortage_threshold=sc.shortage_threshold, structure=structure, keep=()
        ).metrics
        t_sim += time.perf_counter() - tb
        t_sample += tb - ta
        share[start:stop] = metrics["nk_share_of_fired"]
        for k in sums:
            sums[k] += float(metrics[k].sum())
        del values, params, metrics
    seconds = time.perf_counter() - t0
    return {
        "samples": n,
        "blocks": len(block_ranges(n)),
        "seconds": seconds,
        "sampling_seconds": t_sample,
        "simulate_seconds": t_sim,
        "means": {k: v / n for k, v in sums.items()},
        "nk_share_of_fired_p5_p50_p95": [float(x) for x in np.percentile(share, [5, 50, 95])],
        "child_rss_after_imports_mib": _rss_mib(rss_before),
        "child_vm_hwm_mib": _vm_hwm_mib(),
    }


def ten_million(n: int) -> dict:
    """Run the chunked part in a child process and measure its peak resident memory.

    Call this before the parent grows: the child's ``ru_maxrss`` starts from the
    parent's peak at the moment of the fork (see ``_vm_hwm_mib``).
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    parent = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--ten-million", "--samples", str(n)],
        cwd=ROOT,
        capture_output=True,
        check=False,
        text=True,
    )
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"the {n:,}-sample child run failed with exit code {proc.returncode}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if before and peak <= before:
        print(
            "warning: an earlier child had a larger peak; peak_rss_mib may be overstated",
            file=sys.stderr,
        )
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    out["samples_per_s"] = n / out["seconds"]
    out["peak_rss_mib"] = _rss_mib(peak)
    out["parent_peak_rss_at_spawn_mib"] = _rss_mib(parent)
    return out


# --------------------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--samples",
        type=int,
        default=10_000_000,
        help="samples of the chunked large run (default 10,000,000)",
    )
    ap.add_argument(
        "--loop-samples",
        type=int,
        default=2_000,
        help="samples for the loop and the equivalence check",
    )
    ap.add_argument(
        "--vector-samples",
        type=int,
        default=BLOCK_SIZE,
        help="samples for timing the vectorized model",
    )
    ap.add_argument(
        "--repeats", type=int, default=5, help="repeats of the vectorized timing (best is kept)"
    )
    ap.add_argument(
        "--loop-repeats", type=int, default=3, help="repeats of the loop timing (best is kept)"
    )
    ap.add_argument(
        "--output",
        type=Path,
        default=DEFAULT_OUTPUT,
        help="JSON file to write (default bench/latest.json)",
    )
    ap.add_argument(
        "--strict", action="store_true", help="also exit 1 when a speed or memory target is missed"
    )
    ap.add_argument("--ten-million", action="store_true", help=argparse.SUPPRESS)  # child mode
    args = ap.parse_args(argv)
    if (
        args.samples < 1
        or args.loop_samples < 1
        or args.vector_samples < 1
        or args.repeats < 1
        or args.loop_repeats < 1
    ):
        ap.error("sample counts and repeats must be at least 1")

    if args.ten_million:
        print(json.dumps(ten_million_child(args.samples)))
        return 0

    part2 = ten_million(args.samples)  # first, while this process is still small
    part1 = compare_and_time(
        args.loop_samples, args.vector_samples, args.repeats, args.loop_repeats
    )
    result = {
        "date": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "machine": {
            "machine": platform.machine(),
            "cpu_count": os.cpu_count(),
            "platform": platform.platform(),
        },
        "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE"),
        **part1,
        "tolerance": TOLERANCE,
        "ten_million": part2,
    }
    ok_diff = (
        max(part1["max_relative_difference"], part1["max_relative_difference_cutoff"]) <= TOLERANCE
    )
    result["targets"] = {
        "speedup_min": TARGET_SPEEDUP,
        "speedup_aim": AIM_SPEEDUP,
        "speedup_met": part1["speedup"] >= TARGET_SPEEDUP,
        "peak_rss_mib_max": TARGET_PEAK_MIB,
        "peak_rss_met": part2["peak_rss_mib"] < TARGET_PEAK_MIB,
        "equivalence_met": ok_diff,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n")

    t = result["targets"]
    rows = [
        (
            "loop",
            f"{part1['loop_samples']:,}",
            f"{part1['loop_seconds']:.3f}",
            f"{part1['loop_samples_per_s']:,.0f}",
        ),
        (
            "vectorized (same samples)",
            f"{part1['loop_samples']:,}",
            f"{part1['vectorized_same_samples_seconds']:.4f}",
            f"{part1['vectorized_same_samples_per_s']:,.0f}",
        ),
        (
            "vectorized (one block)",
            f"{part1['vectorized_chunk_samples']:,}",
            f"{part1['vectorized_seconds']:.4f}",
            f"{part1['vectorized_samples_per_s']:,.0f}",
        ),
        (
            "chunked large run",
            f"{part2['samples']:,}",
            f"{part2['seconds']:.1f}",
            f"{part2['samples_per_s']:,.0f}",
        ),
    ]
    print(f"{'run':<28}{'samples':>12}{'seconds':>10}{'samples/s':>14}")
    for r in rows:
        print(f"{r[0]:<28}{r[1]:>12}{r[2]:>10}{r[3]:>14}")
    def mark(ok: bool) -> str:
        return "ok" if ok else "MISSED"
    print(
        f"speedup                     {part1['speedup']:.1f}x  (target >= {TARGET_SPEEDUP:.0f}x, aim "
        f"{AIM_SPEEDUP:.0f}x: {mark(t['speedup_met'])})"
    )
    print(
        f"max relative difference     {part1['max_relative_difference']:.2e} baseline, "
        f"{part1['max_relative_difference_cutoff']:.2e} with cut-off (limit {TOLERANCE:g}: {mark(ok_diff)})"
    )
    hwm = part2["child_vm_hwm_mib"]
    print(
        f"large run peak RSS          {part2['peak_rss_mib']:,.0f} MiB  (after imports "
        f"{part2['child_rss_after_imports_mib']:,.0f} MiB"
        + (f", VmHWM {hwm:,.0f} MiB" if hwm else "")
        + f"; limit {TARGET_PEAK_MIB:,.0f} MiB: {mark(t['peak_rss_met'])})"
    )
    print(
        f"large run time split        sampling {part2['sampling_seconds']:.1f} s, "
        f"simulate {part2['simulate_seconds']:.1f} s"
    )
    print(f"wrote {args.output}")
    if not ok_diff:
        print("FAIL: vectorized and loop models disagree", file=sys.stderr)
        return 1
    if args.strict and not (t["speedup_met"] and t["peak_rss_met"]):
        print("FAIL: a target was missed (--strict)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
