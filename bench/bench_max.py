"""The documented maximum as a user runs it: ``python run.py`` with ten million samples, for every
shipped scenario, at its own horizon and at the longest horizon the schema allows.

Run from the repository root::

    python bench/bench_max.py                          # every scenario, 10,000,000 samples, both horizons
    python bench/bench_max.py --only baseline nk_cutoff --horizons 240
    python bench/bench_max.py --samples 2000000        # a smaller check

Each run is ``run.py run FILE --samples N --workers 1 --no-progress --redo`` in a child process of its
own, into a fresh temporary folder (everything a user gets: sampling, the model, calibration over every
sample, sensitivity, value of information, figures, report, files), one after another. The long horizon
runs a temporary copy of the scenario folder with one more file, ``<name>_240_months.yaml``, that
``extends`` the scenario and sets ``window.horizon_months: 240``.

The child is this script with ``--child``: it calls ``model.cli.main`` as ``run.py`` does, and reads the
process's peak resident memory (``VmHWM``) when the computation (``run_scenario``) returns, resets it
(``/proc/self/clear_refs``) and reads it again at the end: the peak of computing and the peak of writing
the results (summary, files, charts, report), whose larger is the whole process's peak. CPU time comes
from ``os.wait4`` (that child alone), wall time from this script, the size of what it wrote from its
folder. ``bench/max.json`` is rewritten after every run, so an interrupted benchmark keeps what it
measured. Target (issue 23): every run under 2 GiB peak.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
LONGEST_HORIZON = 240  # months: window.horizon_months's maximum (model.inputs.schema)
PEAK_TARGET_MIB = 2048


def _scenario_names() -> list[str]:
    return sorted(p.stem for p in (ROOT / "scenarios").glob("*.yaml"))


def _long_copy(folder: Path, name: str, horizon: int) -> Path:
    """A scenario file beside the copies of the shipped ones that extends ``name`` to ``horizon`` months."""
    path = folder / f"{name}_{horizon}_months.yaml"
    path.write_text(f"name: {name}_{horizon}_months\nextends: {name}\n"
                    f"description: {name} run to {horizon} months (bench/bench_max.py)\n"
                    f"window:\n  horizon_months: {horizon}\n", encoding="utf-8")
    return path


def _peak_mib() -> float:
    """This process's peak resident memory since it started or since the last reset."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status (Linux only)")


def _child(phases_file: Path, argv: list[str]) -> int:
    """``run.py`` with its argv, reading the peak of the computation and of writing the results apart."""
    import model.batch
    from model.cli import main

    phases: dict[str, float] = {}
    compute = model.batch.run_scenario

    def run_scenario_measured(*args: Any, **kwargs: Any) -> Any:
        result = compute(*args, **kwargs)
        phases["compute_peak_mib"] = round(_peak_mib(), 1)
        Path("/proc/self/clear_refs").write_text("5", encoding="ascii")  # the peak from here on: writing
        return result

    model.batch.run_scenario = run_scenario_measured  # type: ignore[assignment]
    status = main(argv)
    phases["output_peak_mib"] = round(_peak_mib(), 1)
    phases_file.write_text(json.dumps(phases), encoding="utf-8")
    return status


def _run_child(scenario_file: Path, samples: int, out: Path) -> dict[str, Any]:
    """One whole ``run.py run`` process: its wall time, CPU time and peak resident memory."""
    phases_file = out.with_name("phases.json")
    phases_file.unlink(missing_ok=True)
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", str(phases_file), "--",
           "run", str(scenario_file), "--samples", str(samples), "--out", str(out), "--workers", "1",
           "--no-progress", "--redo"]
    t0 = time.perf_counter()
    child = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert child.stderr is not None
    stderr = child.stderr.read()  # until the child closes it (it exits); then its own rusage
    _pid, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - t0
    child.returncode = os.waitstatus_to_exitcode(status)
    phases = json.loads(phases_file.read_text(encoding="utf-8")) if phases_file.exists() else {}
    peak = max(phases.values(), default=usage.ru_maxrss / 1024)  # ru_maxrss (KiB) saw only the last phase
    return {"returncode": child.returncode, "stderr": stderr[-2000:], "seconds": round(seconds, 1),
            "cpu_user_s": round(usage.ru_utime, 1), "cpu_system_s": round(usage.ru_stime, 1),
            "peak_mib": round(peak, 1), **phases}


def _written(folder: Path) -> dict[str, Any]:
    sizes = {p.name: p.stat().st_size for p in folder.iterdir() if p.is_file()}
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    return {"written_mib": round(sum(sizes.values()) / 2**20, 1),
            "largest_files_mib": {k: round(v / 2**20, 1) for k, v in sorted(sizes.items(), key=lambda kv: -kv[1])[:3]},
            "samples_kept_on_disk": summary.get("samples_kept"),
            "calibration": summary.get("calibration", {}).get("method"),
            "effective_sample_size": summary.get("effective_sample_size")}


def main() -> int:
    if len(sys.argv) > 3 and sys.argv[1] == "--child" and sys.argv[3] == "--":
        return _child(Path(sys.argv[2]), sys.argv[4:])
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=10_000_000)
    parser.add_argument("--only", nargs="+", metavar="NAME", help="scenario names (default: every scenarios/*.yaml)")
    parser.add_argument("--horizons", nargs="+", choices=["own", str(LONGEST_HORIZON)], default=["own", str(LONGEST_HORIZON)],
                        help="the scenario's own horizon, the longest, or both (default)")
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "max.json")
    args = parser.parse_args()
    names = args.only or _scenario_names()
    unknown = sorted(set(names) - set(_scenario_names()))
    if unknown:
        parser.error(f"no such scenario: {', '.join(unknown)}; known: {', '.join(_scenario_names())}")
    record: dict[str, Any] = {
        "date": _dt.date.today().isoformat(),
        "python": platform.python_version(),
        "cores": os.cpu_count(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "samples": args.samples,
        "workers": 1,
        "command": "python run.py run FILE --samples N --workers 1 --no-progress --redo",
        "targets": {"peak_mib_below": PEAK_TARGET_MIB},
        "runs": [],
    }
    failed = 0
    with tempfile.TemporaryDirectory(prefix="nkmodel-max-") as tmp:
        scenarios = Path(tmp) / "scenarios"
        shutil.copytree(ROOT / "scenarios", scenarios)
        for name in names:
            for horizon in args.horizons:
                file = scenarios / f"{name}.yaml" if horizon == "own" else _long_copy(scenarios, name, int(horizon))
                out = Path(tmp) / "results"
                print(f"{file.stem} ...", end=" ", flush=True)
                load = round(os.getloadavg()[0], 2)  # other work on the machine stretches the wall time
                measured = _run_child(file, args.samples, out)
                entry: dict[str, Any] = {"scenario": name, "horizon": "own" if horizon == "own" else int(horizon),
                                         "load_average_before": load,
                                         **{k: v for k, v in measured.items() if k not in ("returncode", "stderr")}}
                if measured["returncode"] != 0:
                    entry["failed"] = measured["stderr"]
                    failed += 1
                else:
                    entry.update(_written(out / file.stem))
                entry["under_target"] = measured["peak_mib"] < PEAK_TARGET_MIB
                print(f"{entry['peak_mib']:.0f} MiB (computing {entry.get('compute_peak_mib', 0):.0f}, writing "
                      f"{entry.get('output_peak_mib', 0):.0f}), {entry['seconds']:.0f} s"
                      + ("" if measured["returncode"] == 0 else " FAILED"), flush=True)
                shutil.rmtree(out, ignore_errors=True)
                record["runs"].append(entry)
                record["largest_peak_mib"] = max(r["peak_mib"] for r in record["runs"])
                args.output.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
