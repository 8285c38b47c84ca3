"""Command line: ``python run.py [run|validate|sample|sources|hindcast|explore|teach] ...``.

Thin by design: parse arguments, call the library, print. Every user mistake ends as
a message on stderr (``FILE:LINE: FIELD: message``) and an exit status, never as a
Python traceback.

Exit status: 0 success; 1 a scenario failed while running; 2 invalid input.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .cli_parser import _parser

__all__ = ["main", "classroom"]

SCENARIO_DIR = Path("scenarios")


def _err(line: str) -> None:
    print(line, file=sys.stderr)


def _warn(resolved: Sequence[Any]) -> int:
    """Print the warnings of valid scenarios (numbers likely in the wrong unit); how many."""
    warnings = [w for r in resolved for w in r.warnings]
    for w in warnings:
        _err(str(w))
    return len(warnings)


def _scenario_files_readable(files: Sequence[Path]) -> bool:
    """Say which files cannot be read as scenario files (missing, a folder, a device, a symlink
    loop, a name the system refuses); True when all can."""
    from .inputs.problems import shorten
    from .inputs.safe_yaml import file_problem

    found = [(f, why) for f in files if (why := file_problem(f, kind="scenario file")) is not None]
    for f, why in found:
        _err(f"{shorten(str(f))}: {why}")
    return not found


def _cmd_validate(files: Sequence[Path], strict: bool = False) -> int:
    from .inputs.registry import load_registry
    from .inputs.validation import validate_files

    registry = load_registry()
    resolved, problems = validate_files(files, registry)
    for problem in problems:
        _err(str(problem))
    warned = _warn(resolved)
    for r in resolved:
        if strict and r.warnings:
            continue
        note = f", {len(r.warnings)} warning(s)" if r.warnings else ""
        print(f"{r.path}: ok ({r.scenario.name}: {len(r.scenario.events)} events, "
              f"{len(r.scenario.observations)} observations{note})")
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        _err(f"{len(errors)} problem(s) in {len({p.file for p in errors})} file(s)")
    if warned:
        _err(f"{warned} warning(s); --strict makes them errors" if not strict
             else f"{warned} warning(s), errors under --strict")
    return 2 if errors or (strict and warned) else 0


def _cmd_sources(figure_id: str | None, scenario: Path | None = None) -> int:
    from .inputs.registry import load_registry

    registry = load_registry()
    if scenario is not None:
        from .inputs.loading import ScenarioError, load_scenario

        try:
            resolved = load_scenario(scenario, registry=registry)
        except ScenarioError as exc:
            for problem in exc.problems:
                _err(str(problem))
            return 2
        registry = resolved.registry if resolved.registry is not None else registry
    if figure_id is not None and figure_id in registry.files:
        fig = registry.get(figure_id)
        rows = [("id", fig.id), ("value", f"{fig.display_value} {fig.unit}"), ("claimant", fig.claimant),
                ("as of", fig.as_of), ("source", fig.source_label), ("figure file", str(registry.files[fig.id])),
                ("quote", fig.quote.strip()), ("translation", (fig.translation or "").strip())]
        rows += [("gloss (en)", fig.note.strip())] if fig.note else []
        rows += [("reliability", f"{fig.reliability}: {fig.reliability_reason}"), ("used as", fig.used_as)]
        for key, value in rows:
            print(f"{key:>12}  {value}")
        return 0
    if figure_id is not None:
        try:
            fig = registry.get(figure_id)
        except KeyError as exc:
            _err(str(exc.args[0]) if exc.args else str(exc))
            return 2
        rows = [("id", fig.id), ("value", f"{fig.display_value} {fig.unit}"), ("claimant", fig.claimant),
                ("as of", fig.as_of), ("source", f"../shared/seeds/{fig.source}"), ("quote (de)", fig.quote.strip()),
                ("gloss (en)", (fig.note or "").strip()),
                ("reliability", f"{fig.reliability}: {fig.reliability_reason}"),
                ("used as", fig.used_as)]
        for key, value in rows:
            print(f"{key:>12}  {value}")
        return 0

    def cut(text: str, width: int) -> str:
        return text if len(text) <= width else text[: width - 1] + "…"

    header = ("id", "value", "unit", "claimant", "date", "source")
    table: list[tuple[str, ...]] = [(f.id, f.display_value, f.unit, cut(f.claimant, 44), f.as_of,
             f.source if isinstance(f.source, str) else cut(f"{f.source.publisher}, {f.source.published} "
                                                            f"({registry.files[f.id].name})", 60))
            for f in registry]
    widths = [max(len(str(r[i])) for r in table + [header]) for i in range(len(header))]
    print("  ".join(h.ljust(w) for h, w in zip(header, widths)))
    print("  ".join("-" * w for w in widths))
    for r in table:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)))
    added = len(registry.files)
    note = f" ({added} from the scenario's figure files)" if added else ""
    print(f"\n{len(table)} figures{note}. Show one with its quote: python run.py sources --id ID"
          + (f" --scenario {scenario}" if added else ""))
    return 0


def _cmd_hindcast(args: argparse.Namespace) -> int:
    from .inputs.registry import load_registry
    from .inputs.validation import validate_files

    if not _scenario_files_readable([args.file]):
        return 2
    registry = load_registry()
    resolved, problems = validate_files([args.file], registry)
    if problems:
        for problem in problems:
            _err(str(problem))
        return 2
    _warn(resolved)
    from .features.hindcast.run import HindcastError, run_hindcast, write_hindcast  # after validation, like run
    from .features.hindcast.view import hindcast_lines
    from .storage.results_folder import ResultsBusy

    r = resolved[0]
    registry = r.registry if r.registry is not None else registry
    try:
        hindcast = run_hindcast(r.scenario, registry, args.until, samples=args.samples, seed=args.seed)
    except HindcastError as exc:
        _err(f"{args.file}: {exc}")
        return 2
    for line in hindcast_lines(hindcast):
        print(line)
    try:
        written = write_hindcast(hindcast, registry, args.out)
    except ResultsBusy as exc:
        _err(f"{exc}; nothing was written")
        return 2
    print(f"\nwrote {', '.join(str(p) for p in written)}")
    return 0


def _cmd_value(args: argparse.Namespace) -> int:
    import json

    from .inputs.registry import load_registry
    from .inputs.validation import validate_files

    if not _scenario_files_readable([args.file]):
        return 2
    registry = load_registry()
    resolved, problems = validate_files([args.file], registry)
    if problems:
        for problem in problems:
            _err(str(problem))
        return 2
    _warn(resolved)
    from .batch import scenario_hash
    from .presentation.summary_json import from_json
    from .presentation.value_view import value_lines
    from .storage.results_folder import is_current

    r = resolved[0]
    folder = args.out / r.scenario.name
    digest = scenario_hash(r, samples=args.samples, seed=args.seed)
    current = next((lang for lang in ("en", "de") if is_current(folder, digest, lang=lang)), None)
    if current is not None:
        summary = from_json(json.loads((folder / "summary.json").read_text(encoding="utf-8")))
        for line in value_lines(summary, source=f"from the run in {folder}/"):
            print(line)
        return 0
    from .experiment import run_scenario
    from .summary.build import summarise

    sc = r.scenario.model_copy(update={  # only what the ranking needs: no sensitivity, discovery or chain
        "sensitivity": r.scenario.sensitivity.model_copy(update={"methods": []}), "discovery": {}, "logistics": None})
    run = run_scenario(sc, r.registry if r.registry is not None else registry, samples=args.samples, seed=args.seed)
    for line in value_lines(summarise(run), source="calibrated just now; `python run.py run` keeps it in summary.json"):
        print(line)
    return 0


def _cmd_sample(file: Path, samples: int | None, seed: int | None, csv_path: Path | None) -> int:
    import numpy as np

    from .inputs.priors import scenario_priors
    from .inputs.registry import load_registry
    from .inputs.sampling import sample_parameters
    from .inputs.validation import validate_files

    if not _scenario_files_readable([file]):
        return 2
    registry = load_registry()
    found, problems = validate_files([file], registry)  # what validate refuses is not sampled either
    if problems:
        for problem in problems:
            _err(str(problem))
        return 2
    resolved = found[0]
    sc = resolved.scenario
    registry = resolved.registry if resolved.registry is not None else registry  # plus its figure files
    _warn([resolved])
    from .analysis.stats import column_percentiles
    from .features.correlations.words import correlation_table
    from .inputs.dependence import dependence_of
    from .inputs.sampling import BLOCK_SIZE

    n = samples or (sc.samples if isinstance(sc.samples, int) else BLOCK_SIZE)  # samples: auto -> one block
    if csv_path is not None and csv_path.exists():
        _err(f"{csv_path}: exists already; choose a new file name (nothing is overwritten)")
        return 2
    priors = scenario_priors(sc, registry)
    dependence = dependence_of(sc, priors)
    s = sample_parameters(priors, n, method=sc.sampling, seed=seed if seed is not None else sc.seed,
                          correlation=dependence)
    auto = " (samples: auto decides how many a run draws; shown: the first block)" if not samples and \
        not isinstance(sc.samples, int) else ""
    print(f"{sc.name}: {n:,} samples by {sc.sampling}, seed {seed if seed is not None else sc.seed}{auto}\n")
    print(f"{'parameter':34} {'unit':18} {'p5':>12} {'p50':>12} {'p95':>12}  origin")
    for p, q in zip(priors, column_percentiles(s.values, [5, 50, 95]), strict=True):
        print(f"{p.name:34} {p.unit:18} {q[0]:12.4g} {q[1]:12.4g} {q[2]:12.4g}  {p.origin[:70]}")
    if dependence is not None:
        print("\n" + "\n".join(correlation_table(dependence, s)))
    if csv_path is not None:
        header = ",".join(s.names)
        np.savetxt(csv_path, s.values, delimiter=",", header=header, comments="", fmt="%.8g")
        print(f"\nwrote {csv_path}")
    return 0


def _worker_count(asked: int | None, beyond_cores: bool) -> int:
    """How many worker processes a batch may start: as asked, but not more than the cores unless
    ``--more-workers-than-cores`` says so (each worker holds a scenario's arrays: 16 workers on 2
    cores took 4.9 GB and ran no faster); by default the cores, at most 4."""
    from .workers import usable_cores

    cores = usable_cores()
    if asked is None:
        return min(4, cores)
    if asked > cores and not beyond_cores:
        _err(f"--workers {asked}: this computer has {cores} core{'s' if cores != 1 else ''}, so {cores} worker"
             f"{'s' if cores != 1 else ''} run (each holds a scenario's arrays); add --more-workers-than-cores "
             f"to start {asked}")
        return cores
    return asked


def _cmd_run(args: argparse.Namespace) -> int:
    from .inputs.registry import load_registry
    from .inputs.validation import validate_files

    if args.scheduler is not None:
        no_cluster = _cluster_missing()
        if no_cluster is not None:
            _err(no_cluster)
            return 2
    files = list(args.files) or sorted(SCENARIO_DIR.glob("*.yaml"))
    if not files:
        _err(f"no scenario files given and none found in {SCENARIO_DIR}/")
        return 2
    if not _scenario_files_readable(files):
        return 2
    registry = load_registry()
    resolved, problems = validate_files(files, registry)
    if problems:
        for problem in problems:
            _err(str(problem))
        _err(f"nothing was run; {args.out}/ is untouched")
        return 2
    _warn(resolved)
    workers = _worker_count(args.workers, args.more_workers_than_cores)
    from .batch import (  # after validation: a bad scenario never needs the plotting stack
        RunOptions,
        SchedulerUnreachable,
        run_batch,
    )
    from .storage.results_folder import FolderInTheWay, ResultsBusy, ResultsUnwritable

    options = RunOptions(args.out, samples=args.samples, seed=args.seed, workers=workers, scheduler=args.scheduler,
                         redo=args.redo, progress=False if args.no_progress else None, lang=args.lang,
                         figures=args.figures)
    try:
        outcomes = run_batch(resolved, options, registry=registry)
    except (ResultsBusy, ResultsUnwritable) as exc:
        _err(str(exc))
        return 2
    except FolderInTheWay as exc:  # the index or the comparison would replace a user's file
        _err(f"{exc}; nothing was run")
        return 2
    except SchedulerUnreachable as exc:
        _err(f"--scheduler: {exc}; nothing was run, {args.out}/ is untouched")
        return 2
    failed = [o for o in outcomes if o.status == "failed"]
    ok = [o for o in outcomes if o.status == "ok"]
    skipped = [o for o in outcomes if o.status == "skipped"]
    print(f"{len(ok)} run, {len(skipped)} skipped (current), {len(failed)} failed; open {args.out / 'index.html'}")
    return 1 if failed else 0


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C: the batch stops its workers and cleans up."""


def _terminate(signum: int, frame: object) -> None:
    raise Terminated()


def _prog() -> str:
    """How this command line was started, for its help: ``python run.py``, ``nkmodel``, ``python -m model``."""
    started = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else ""
    if started in ("__main__.py", "cli.py"):
        return "python -m model"
    if started.endswith(".py") or not started:
        return f"python {started or 'run.py'}"
    return started.removesuffix(".exe")


def _cluster_missing() -> str | None:
    """Why ``--scheduler`` cannot work here (Dask is an extra), or None."""
    import importlib.util

    try:
        found = importlib.util.find_spec("distributed") is not None
    except (ImportError, ValueError):
        found = False
    if found:
        return None
    return ("--scheduler runs on a Dask cluster, and Dask is not installed here; install the cluster extra: "
            "pip install -e '.[cluster]' (or pip install 'nk-artillery-model[cluster]')")


def main(argv: Sequence[str] | None = None, *, prog: str | None = None) -> int:
    """Entry point of ``python run.py``, ``nkmodel`` and ``python -m model``; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0].startswith("--") and argv[0] not in ("-h", "--help"):
        argv = ["run", *argv]
    args = _parser(prog or _prog()).parse_args(argv)
    debug = bool(os.environ.get("NKMODEL_DEBUG"))
    previous_term = signal.signal(signal.SIGTERM, _terminate)  # SIGTERM stops a run like Ctrl-C
    try:
        if args.command == "validate":
            return _cmd_validate(args.files, args.strict)
        if args.command == "sources":
            return _cmd_sources(args.figure_id, args.scenario)
        if args.command == "hindcast":
            return _cmd_hindcast(args)
        if args.command == "sample":
            return _cmd_sample(args.file, args.samples, args.seed, args.csv)
        if args.command == "value":
            return _cmd_value(args)
        if args.command in ("explore", "teach", "classroom"):
            from .teaching.commands import run_command

            return run_command(args)
        return _cmd_run(args)
    except Terminated:
        _err("terminated; finished scenarios are kept, unfinished ones left no trace")
        return 143
    except KeyboardInterrupt:
        _err("interrupted; finished scenarios are kept, unfinished ones left no trace")
        return 130
    except OSError as exc:
        where = getattr(exc, "filename", None)
        _err(f"{where}: {exc.strerror or exc}" if where else f"{exc.strerror or exc}")
        return 1
    except Exception as exc:
        if debug:
            raise
        _err(f"internal error: {type(exc).__name__}: {exc} (set NKMODEL_DEBUG=1 for the traceback)")
        return 1
    finally:
        signal.signal(signal.SIGTERM, previous_term)


def classroom() -> int:
    """Entry point of the ``nkmodel-classroom`` launcher: ``classroom`` with any arguments given."""
    return main(["classroom", *sys.argv[1:]], prog="nkmodel")


if __name__ == "__main__":  # python -m model.cli
    sys.exit(main(prog="python -m model.cli"))
