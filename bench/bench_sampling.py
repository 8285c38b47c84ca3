"""Benchmark drawing ten million samples of the baseline's parameters, as a user's process does.

Run from the repository root::

    python bench/bench_sampling.py                 # writes bench/sampling.json
    python bench/bench_sampling.py --samples 2000000 --repeats 1

Each measurement is a whole process (``python bench/bench_sampling.py --child METHOD VARIANT N``)
timed from the parent, so imports, loading the scenario, building the priors and the memory of the
result all count; the child also reports its own drawing time (``sample_parameters`` alone: the
tables of the slow inverse CDFs, the design points, the inverse CDFs and the first touch of the
result) and its peak memory. Variants:

``current``
    ``model.inputs.sampling.sample_parameters`` as it is, what ``run.py sample`` calls: blocks drawn on
    threads (the CPUs, at most 4), each block's inverse CDFs written in place into the result.
``one_thread``
    The same on one thread (``threads=1``): the same numbers (checksum), and what the threads gain.
``touched``
    The same into a result array allocated and written once before the clock starts
    (``sample_parameters(..., out=)``): the drawing alone, without the first touch of 2 GB of new
    memory (``touch_s``, timed apart), which dominates on this virtual machine.
``reference``
    The sampler as it was at the start of issue 12: each Sobol block from a fresh engine fast-forwarded
    point by point to its first point (``qmc.Sobol.fast_forward``), the inverse CDFs as whole-block
    numpy expressions, blocks one after the other on one thread. The same numbers (checksum; bit for
    bit in tests/test_sampling_dependence.py). ``--reference-repeats`` runs (default 1: ~30 s each).

Also timed as whole processes: ``run.py sample scenarios/baseline.yaml --samples N``, what a user
types (the draw, then the percentiles of every input; ``--cli-repeats`` runs), and, in this process,
one Sobol block's design points at blocks 0, 1, 50 and 152 both ways.

The machine has 2 cores shared with other work, and the first touch of fresh memory on this kind of
virtual machine costs from 0.1 to 3 s per GB depending on what ran before (the host hands pages over
on first use): the figures vary from run to run. Each is the median of its runs; every run's wall
time, CPU times, peak memory and the load average at its start are recorded.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import resource
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
SEED = 20230913


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


def _reference_inverse(dist, u):  # type: ignore[no-untyped-def]
    """An inverse CDF as it was computed at the start of issue 12: one numpy expression over the block."""
    import numpy as np
    from scipy import special

    from model.inputs.sampling import _table

    name = dist.dist.name
    if name in ("beta", "truncnorm"):
        table = _table(name, tuple(float(a) for a in dist.args),
                       tuple(sorted((k, float(v)) for k, v in dist.kwds.items())))
        pos = (u - 1e-3) / table.step
        i = np.clip(pos.astype(np.int64), 0, 65_535)
        t = (pos - i) * table.step
        c = table.coef
        out = ((c[0, i] * t + c[1, i]) * t + c[2, i]) * t + c[3, i]
        tail = (u < 1e-3) | (u > 1 - 1e-3)
        out[tail] = dist.ppf(u[tail])
        return out
    if name in ("lognorm", "norm", "uniform"):
        shapes, loc, scale = dist.dist._parse_args(*dist.args, **dist.kwds)
        if name == "lognorm":
            return loc + scale * np.exp(shapes[0] * special.ndtri(u))
        if name == "norm":
            return loc + scale * special.ndtri(u)
        return loc + scale * u
    return dist.ppf(u)


def _reference_sample(priors, n: int, method: str, seed: int):  # type: ignore[no-untyped-def]
    """The sampler at the start of issue 12: blocks one by one on one thread, fast_forward for Sobol,
    each inverse CDF a whole-block expression with its temporaries."""
    import numpy as np

    from model.inputs.sampling import block_ranges, uncertain_count

    d = uncertain_count(priors)
    values = np.empty((len(priors), n))
    for block, start, stop in block_ranges(n):
        u = np.ascontiguousarray(_reference_unit_block(d, block, stop - start, method, seed).T)
        k = 0
        for j, prior in enumerate(priors):
            if prior.is_uncertain:
                values[j, start:stop] = _reference_inverse(prior.dist, u[k])
                k += 1
            else:
                values[j, start:stop] = prior.fixed_value
    return values.T


def child(method: str, variant: str, n: int) -> dict[str, float]:
    t0 = time.perf_counter()
    from model.inputs.sampling import sample_parameters

    priors = _priors()
    touch = None
    if variant == "touched":
        import numpy as np

        t = time.perf_counter()
        buffer = np.empty((len(priors), n))
        buffer.fill(0.0)
        touch = time.perf_counter() - t
    t1 = time.perf_counter()
    if variant == "touched":
        values = sample_parameters(priors, n, method=method, seed=SEED, out=buffer).values  # type: ignore[arg-type]
    elif variant == "current":
        values = sample_parameters(priors, n, method=method, seed=SEED).values  # type: ignore[arg-type]
    elif variant == "one_thread":
        values = sample_parameters(priors, n, method=method, seed=SEED, threads=1).values  # type: ignore[arg-type]
    else:
        values = _reference_sample(priors, n, method, SEED)
    t2 = time.perf_counter()
    result = {"setup_s": t1 - t0, "draw_s": t2 - t1, "checksum": float(values[::9973].sum()),
              "parameters": len(priors), "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    if touch is not None:
        result["touch_s"] = touch
    return result


def _timed(command: list[str]) -> tuple[dict[str, float], str]:
    """Wall and CPU times of one whole process, and its standard output."""
    load = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    out = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"process_s": wall, "load_average_1min_at_start": load,
            "user_cpu_s": after.ru_utime - before.ru_utime,  # CPU time: less sensitive to other work
            "system_cpu_s": after.ru_stime - before.ru_stime,  # mostly the first touch of the result's memory
            "peak_rss_mib": after.ru_maxrss / 1024}, out.stdout


def _whole_process(method: str, variant: str, n: int) -> dict[str, float]:
    times, stdout = _timed([sys.executable, str(Path(__file__).resolve()), "--child", method, variant, str(n)])
    result = json.loads(stdout.strip().splitlines()[-1])
    return {**times, **result}  # the child's own peak memory replaces the children's maximum


def _cli(n: int) -> dict[str, float]:
    times, _ = _timed([sys.executable, str(ROOT / "run.py"), "sample", str(SCENARIO), "--samples", str(n)])
    return times


def _summary(runs: list[dict[str, float]]) -> dict:
    row: dict = {}
    for key in ("process_s", "draw_s", "setup_s", "touch_s", "user_cpu_s", "system_cpu_s", "peak_rss_mib"):
        if key in runs[0]:
            row[f"{key}_median"] = statistics.median(r[key] for r in runs)
    for key in ("process_s", "draw_s", "touch_s", "load_average_1min_at_start"):
        if key in runs[0]:
            row[f"{key}_all"] = [round(r[key], 3) for r in runs]
    for key in ("checksum", "parameters"):
        if key in runs[0]:
            row[key] = runs[0][key]
    return row


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
    parser.add_argument("--repeats", type=int, default=5, help="runs of the current sampler (and of one_thread)")
    parser.add_argument("--reference-repeats", type=int, default=1, help="runs of the old sampler (0: none)")
    parser.add_argument("--cli-repeats", type=int, default=1, help="runs of `run.py sample` (0: none)")
    parser.add_argument("--methods", default="sobol,mc", help="comma-separated: sobol, mc, lhs")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--child", nargs=3, metavar=("METHOD", "VARIANT", "N"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        method, variant, n = args.child
        print(json.dumps(child(method, variant, int(n))))
        return 0
    import numpy as np
    import scipy

    report: dict = {
        "date": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "machine": {"machine": platform.machine(), "cpu_count": os.cpu_count(), "platform": platform.platform()},
        "load_average_at_start": list(os.getloadavg()),
        "scenario": "scenarios/baseline.yaml",
        "samples": args.samples,
        "repeats": args.repeats,
        "runs": {},
    }
    for method in args.methods.split(","):
        # interleaved, so that each variant meets the machine in the same states
        plan = [("current", args.repeats), ("one_thread", args.repeats), ("touched", args.repeats),
                ("reference", args.reference_repeats)]
        runs: dict[str, list[dict[str, float]]] = {v: [] for v, count in plan if count}
        for i in range(max(count for _, count in plan)):
            for variant, count in plan:
                if i < count:
                    runs[variant].append(_whole_process(method, variant, args.samples))
        for variant, done in runs.items():
            key = f"{method}_{variant}"
            row = report["runs"][key] = _summary(done)
            print(f"{key:18} whole process {row['process_s_median']:6.2f} s (draw {row['draw_s_median']:5.2f} s; "
                  f"CPU user {row['user_cpu_s_median']:5.2f} s, system {row['system_cpu_s_median']:5.2f} s; "
                  f"peak {row['peak_rss_mib_median']:,.0f} MiB; draws {row['draw_s_all']}; "
                  + (f"first touch apart {row['touch_s_median']:.2f} s; " if "touch_s_median" in row else "") +
                  f"load {row['load_average_1min_at_start_all']})", flush=True)
        checksums = {report["runs"][f"{method}_{v}"]["checksum"] for v in runs}
        report["runs"][f"{method}_same_numbers"] = len(checksums) == 1
    if args.cli_repeats:
        cli = [_cli(args.samples) for _ in range(args.cli_repeats)]
        row = report["runs"]["cli_sample"] = {"command": f"python run.py sample scenarios/baseline.yaml --samples "
                                              f"{args.samples}", **_summary(cli)}
        print(f"{'run.py sample':18} whole process {row['process_s_median']:6.2f} s (CPU user "
              f"{row['user_cpu_s_median']:5.2f} s, system {row['system_cpu_s_median']:5.2f} s; "
              f"load {row['load_average_1min_at_start_all']})", flush=True)
    report["sobol_block_ms"] = _block_times(_priors())
    report["load_average_at_end"] = list(os.getloadavg())
    args.output.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    for block, brow in report["sobol_block_ms"].items():
        print(f"sobol block {block:>4}: reference {brow['reference_ms']:6.1f} ms, current {brow['current_ms']:5.1f} ms, "
              f"identical {brow['identical']}")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
