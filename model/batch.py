"""Run many scenarios into ``results/``: validate all first, skip what is current,
write each folder atomically, keep going when one fails, and index the batch.

The batch's options are one :class:`RunOptions`; where the work runs is an executor
(``model.executors``): local runs spread scenarios over worker processes, fed the parsed
scenarios; a Dask cluster receives the sample blocks of each scenario. Either way the numbers
are identical, because every block draws its own random stream from the scenario seed and the
block index (see ``model.inputs.sampling``).
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ._version import __version__
from .analysis.outcome import RunResult
from .executors import SchedulerUnreachable, dask_client, open_executor
from .experiment import run_scenario
from .features.alternatives.spec import alternatives_of
from .features.logistics.run import chunk_count
from .features.logistics.spec import logistics_of
from .features.registry import codecs, features
from .inputs.loading import ResolvedScenario
from .inputs.registry import Registry, load_registry
from .inputs.sample_count import planned_samples
from .inputs.sampling import block_ranges
from .presentation import texts
from .presentation.charts.for_run import FigureSet
from .presentation.charts.saving import save_figure
from .presentation.comparison import comparison_figures, comparison_groups
from .presentation.numbers import format_count
from .presentation.report import index_page, render_index, render_report, report_page
from .presentation.report.common import figure_row
from .presentation.report.index import IndexEntry
from .presentation.report.views import IndexGroup
from .presentation.summary_json import from_json
from .storage.results_folder import (
    FolderInTheWay,
    ResultsLock,
    Staging,
    check_writable,
    code_version,
    in_the_way,
    is_current,
    read_manifest,
    recover,
    safe_target,
    write_text_atomic,
)
from .storage.scenario_files import SAMPLES_CSV_CAP, figures_used, package_versions, scenario_hash, write_outputs
from .summary.types import RunSummary, Stats
from .workers import WorkerDied, usable_cores
from .workers import keep_freed_memory as _keep_freed_memory
from .workers import one_blas_thread as _one_blas_thread

__all__ = ["RunOptions", "ScenarioOutcome", "scenario_hash", "execute_scenario", "run_batch", "write_index",
           "SAMPLES_CSV_CAP", "SchedulerUnreachable"]

INDEX_STATE = ".index-state.json"  # what the index shows; also marks index.html as this tool's


@dataclass(frozen=True)
class RunOptions:
    """How a batch runs: where it writes, the overrides of the scenarios' samples and seed, on what it
    runs, and what it writes (the language of its pages and charts, which charts)."""

    out_dir: Path
    samples: int | None = None
    seed: int | None = None
    workers: int = 1
    scheduler: str | None = None  # a Dask scheduler's address
    redo: bool = False  # run scenarios whose results are current too
    progress: bool | None = None  # progress bars (None: when stderr is a terminal)
    lang: str = "en"
    figures: FigureSet = "headline"  # "all": every chart, as before the headline-only default


@dataclass
class ScenarioOutcome:
    """How one scenario of a batch ended: ``ok``, ``skipped`` (current) or ``failed``."""

    name: str
    path: str
    status: str
    message: str = ""
    seconds: float = 0.0


def _manifest(resolved: ResolvedScenario, run: RunResult, options: RunOptions, started: str) -> dict[str, Any]:
    manifest = {
        "scenario": run.scenario.name,
        "scenario_file": str(resolved.path),
        "scenario_path": str(resolved.path.resolve()),
        "extends_chain": [str(p) for p in resolved.chain],
        "resolved": run.scenario.model_dump(mode="json"),
        "scenario_hash": scenario_hash(resolved, samples=options.samples, seed=options.seed),
        "seed": run.scenario.seed,
        "samples": run.scenario.samples,
        "packages": package_versions(),
        "code_version": code_version(),
        "package_version": __version__,
        "started": started,
        "lang": options.lang,
        "figures": options.figures,
    }
    chain = run.features.get("logistics")
    if chain is not None:  # wall time here: summary.json must not vary from run to run
        manifest["logistics"] = {"seconds": round(chain.seconds, 3), "replications": chain.replications,
                                 "events_per_replication": float(chain.end["events"].mean())}
    return manifest


def execute_scenario(resolved: ResolvedScenario, registry: Registry, options: RunOptions, *,
                     map_blocks: Callable = map, on_block: Callable[[int], None] | None = None,
                     chart_processes: int = 1) -> None:
    """Run one validated scenario and write ``out_dir/<name>/`` atomically; the report and the charts in
    the options' language (the manifest records it and the charts chosen: a result made otherwise is
    not current), the charts drawn by ``chart_processes`` processes side by side."""
    started = datetime.now(timezone.utc).isoformat(timespec="seconds")
    registry = resolved.registry if resolved.registry is not None else registry  # plus its figure files
    target = safe_target(options.out_dir, resolved.scenario.name)
    reason = in_the_way(target)  # before the computation, not after it (Staging checks again)
    if reason is not None:
        raise FolderInTheWay(target, reason)
    run = run_scenario(resolved.scenario, registry, samples=options.samples, seed=options.seed,
                       map_blocks=map_blocks, on_block=on_block)
    with Staging(target) as staging:
        written = write_outputs(run, registry, staging.folder, features=features(), figures=options.figures,
                                lang=options.lang, chart_processes=chart_processes)
        manifest = _manifest(resolved, run, options, started)
        manifest["finished"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
        charts = {stem: (title, staging.folder / path.name) for stem, (title, path) in written.charts.items()}
        page = report_page(written.summary, features=features(), figures=charts,
                           sources=figures_used(resolved, registry), manifest=manifest, lang=options.lang)
        (staging.folder / "report.html").write_text(render_report(page), encoding="utf-8")
        staging.commit(manifest)


def _execute_in_worker(task: tuple[ResolvedScenario, Registry, RunOptions]) -> tuple[str, str, float]:
    """Process-pool entry point: run one parsed scenario (the worker reads no file but the results).

    Returns ``(path, error message or "", seconds)``; never raises, so one failure cannot
    stop the pool's other scenarios.
    """
    resolved, registry, options = task
    t0 = time.perf_counter()
    try:
        execute_scenario(resolved, registry, options)
    except Exception as exc:  # noqa: BLE001 - reported by the main process
        return str(resolved.path), _failure_message(exc), 0.0
    return str(resolved.path), "", time.perf_counter() - t0


def _refuse_outputs_in_the_way(out_dir: Path) -> None:
    """Raise :class:`FolderInTheWay` before anything runs when the index or the comparison the batch
    writes would replace something this tool did not write (a user's ``index.html`` or
    ``comparison/`` in the folder given as ``--out``)."""
    reason = in_the_way(out_dir / "comparison")
    if reason is not None:
        raise FolderInTheWay(out_dir / "comparison", reason)
    index = out_dir / "index.html"
    if os.path.lexists(index) and not (index.is_file() and (out_dir / INDEX_STATE).is_file()):
        raise FolderInTheWay(index, f"was not written by this tool (there is no {INDEX_STATE} beside it); the batch "
                                    "writes its own index.html there, so it is left as it is: move it away, or give "
                                    "the run another --out")


def _failure_message(exc: BaseException) -> str:
    if isinstance(exc, (FolderInTheWay, WorkerDied)):
        return str(exc)
    if isinstance(exc, OSError) and exc.filename:  # a file the run reads or writes: its path, not a line of code
        return f"{exc.filename}: {exc.strerror or exc}"
    last = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
    where = f" (at {Path(last[0].filename).name}:{last[0].lineno})" if last else ""
    return f"{type(exc).__name__}: {exc}{where}"


def run_batch(resolved: Sequence[ResolvedScenario], options: RunOptions, *, registry: Registry | None = None,
              log: Callable[[str], None] | None = None) -> list[ScenarioOutcome]:
    """Run validated scenarios (see ``model.inputs.validation.validate_files``) into ``options.out_dir``.

    ``registry``: the one the scenarios were validated with (read once; loaded here if not given).
    Holds the folder's lock for the whole batch: a second batch on the same folder raises
    :class:`~model.storage.results_folder.ResultsBusy` before touching anything.
    """
    from tqdm import tqdm

    registry = registry if registry is not None else load_registry()
    if log is None:
        def log(line: str) -> None:  # above the progress bars, not through them
            tqdm.write(line, file=sys.stderr)
    client = dask_client(options.scheduler) if options.scheduler is not None else contextlib.nullcontext()
    with client as connected:  # first: an unreachable cluster touches no folder
        return _run_batch_on(resolved, options, registry, connected, log)


def _run_batch_on(resolved: Sequence[ResolvedScenario], options: RunOptions, registry: Registry, client: Any,
                  log: Callable[[str], None]) -> list[ScenarioOutcome]:
    from tqdm import tqdm

    out_dir = options.out_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    show = sys.stderr.isatty() if options.progress is None else options.progress
    with ResultsLock(out_dir):
        for line in recover(out_dir):
            log(line)
        _refuse_outputs_in_the_way(out_dir)
        outcomes: list[ScenarioOutcome] = []
        todo: list[ResolvedScenario] = []
        for r in resolved:
            target = safe_target(out_dir, r.scenario.name)
            current = scenario_hash(r, samples=options.samples, seed=options.seed)
            if not options.redo and is_current(target, current, lang=options.lang, figures=options.figures):
                outcomes.append(ScenarioOutcome(r.scenario.name, str(r.path), "skipped",
                                                "results are complete and current"))
                log(f"{r.scenario.name}: results are complete and current, skipped (use --redo to run again)")
            elif (reason := in_the_way(target)) is not None:  # refused before anything is computed
                outcomes.append(_outcome(r, str(FolderInTheWay(target, reason)), 0.0, out_dir, log))
            else:
                todo.append(r)
        if todo:
            check_writable(out_dir)  # a read-only folder: refused before a scenario is computed in vain
        bar = tqdm(total=len(todo), desc="scenarios", unit="scenario", disable=not show, file=sys.stderr)
        try:
            outcomes += _run_todo(todo, options, registry, client, show, log, bar)
        finally:
            bar.close()
        order = {str(r.path): i for i, r in enumerate(resolved)}
        outcomes.sort(key=lambda o: order.get(o.path, 0))
        write_index(out_dir, outcomes, scenarios=resolved, log=log, lang=options.lang)
    return outcomes


#: Largest run for which the main process keeps the memory it frees (``keep_freed_memory``).
KEEP_FREED_MEMORY_SAMPLES = 1_048_576


def _workers_for(todo: list[ResolvedScenario], options: RunOptions) -> int:
    """No more processes than there is work for: scenarios side by side, or one scenario's blocks and
    its delivery chain's replications."""
    if len(todo) > 1:
        return min(options.workers, len(todo))
    sc = todo[0].scenario
    n = planned_samples(sc, options.samples)  # samples: auto -> its most
    chain = logistics_of(sc)
    return min(options.workers, max(len(block_ranges(n)), chunk_count(chain.replications) if chain else 0))


def _run_todo(todo: list[ResolvedScenario], options: RunOptions, registry: Registry, client: Any, show: bool,
              log: Callable[[str], None], bar: Any) -> list[ScenarioOutcome]:
    """Run the scenarios that are not current on the executor the options ask for: scenarios side by
    side on a pool (the longest first, so no core idles at the end), else one after the other with
    each scenario's blocks spread over it."""
    if not todo:
        return []
    if max(planned_samples(r.scenario, options.samples) for r in todo) <= KEEP_FREED_MEMORY_SAMPLES:
        # for this process's life: the memory it frees it reuses (model/workers.py); not for
        # runs of millions, whose peak memory it would raise (10 M samples: +60 to +135 MiB)
        _keep_freed_memory()
    outcomes: list[ScenarioOutcome] = []
    by_path = {str(r.path): r for r in todo}
    # Ctrl-C and SIGTERM reach the main process only (workers ignore them): it terminates the
    # workers, whose unfinished staging folders recover() then removes; a worker that dies on its
    # own (killed, out of memory) fails the scenario it ran, and the others go on
    try:
        with _one_blas_thread(), open_executor(_workers_for(todo, options), client) as executor:
            if executor.side_by_side and len(todo) > 1:
                longest_first = sorted(todo, key=lambda r: -_expected_seconds(r, options.samples))

                def done(task: tuple[ResolvedScenario, Registry, RunOptions], result: Any) -> None:
                    path = str(task[0].path)
                    message, secs = (str(result), 0.0) if isinstance(result, WorkerDied) else (result[1], result[2])
                    outcomes.append(_outcome(by_path[path], message, secs, options.out_dir, log))
                    bar.update()

                executor.run_each(_execute_in_worker, [(r, registry, options) for r in longest_first], done)
            else:
                for r in todo:
                    outcomes.append(_run_one(r, options, registry, executor.map, show, log))
                    bar.update()
    finally:
        recover(options.out_dir)  # the staging folder a dead or terminated worker left (a live process's is kept)
    return outcomes


def _expected_seconds(r: ResolvedScenario, samples: int | None) -> float:
    """A rough run time, only to start the longest scenarios first: about 1.5 s for 16,384 samples
    (figures and reports included; more samples cost less than in proportion) per structure calibrated
    (the scenario's own and each alternative), 0.045 s per logistics replication (measured on two cores).
    Results never depend on it."""
    sc = r.scenario
    runs = 1 + len(alternatives_of(sc))
    chain = logistics_of(sc)
    return 1.5 * max(planned_samples(sc, samples) / 16_384, 1.0) ** 0.5 * runs + 0.045 * (chain.replications if chain else 0)


def _outcome(r: ResolvedScenario, message: str, secs: float, out_dir: Path,
             log: Callable[[str], None]) -> ScenarioOutcome:
    if message:
        log(f"{r.scenario.name}: FAILED: {message}")
        return ScenarioOutcome(r.scenario.name, str(r.path), "failed", message)
    log(f"{r.scenario.name}: done in {secs:.1f} s -> {out_dir / r.scenario.name}")
    return ScenarioOutcome(r.scenario.name, str(r.path), "ok", seconds=secs)


def _run_one(r: ResolvedScenario, options: RunOptions, registry: Registry, mapper: Callable, show: bool,
             log: Callable[[str], None]) -> ScenarioOutcome:
    from tqdm import tqdm

    n = planned_samples(r.scenario, options.samples)  # samples: auto -> its most (the bar may end early)
    t0 = time.perf_counter()
    with tqdm(total=n, desc=r.scenario.name, unit="sample", leave=False, disable=not show or len(block_ranges(n)) < 2,
              file=sys.stderr) as sample_bar:
        done = [0]

        def on_block(count: int) -> None:
            sample_bar.update(count - done[0])
            done[0] = count

        try:
            # scenarios one after the other: this process's charts on every core the batch may use
            execute_scenario(r, registry, options, map_blocks=mapper, on_block=on_block,
                             chart_processes=min(options.workers, usable_cores()))
        except Exception as exc:  # noqa: BLE001 - one scenario's failure must not stop the rest
            return _outcome(r, _failure_message(exc), 0.0, options.out_dir, log)
    return _outcome(r, "", time.perf_counter() - t0, options.out_dir, log)


def _scenario_file_exists(manifest: dict[str, Any]) -> bool:
    for key in ("scenario_path", "scenario_file"):
        value = manifest.get(key)
        if isinstance(value, str) and Path(value).is_file():
            return True
    return False


def _read_summary(folder: Path) -> RunSummary | None:
    """A result folder's summary, read back into the types (None: unreadable, or written by an older
    version without the keys the index needs)."""
    try:
        return from_json(json.loads((folder / "summary.json").read_text(encoding="utf-8")), codecs())
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _at_month(folder: Path, month: str, names: Sequence[str]) -> dict[str, Stats]:
    """The calibrated quantiles of ``names`` at ``month``, from a result folder's ``trajectories.csv``."""
    out: dict[str, Stats] = {}
    try:
        with (folder / "trajectories.csv").open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                if row["month"] == month and row["trajectory"] in names:
                    p5, p50, p95, mean = (float(row[k]) if row.get(k) else None for k in ("p5", "p50", "p95", "mean"))
                    out[row["trajectory"]] = Stats(mean, p5, p50, p95, row["unit"])
    except (OSError, KeyError, ValueError):
        return {}
    return out


def _comparison(out_dir: Path, summaries: Sequence[RunSummary], lang: str) -> list[IndexGroup]:
    """The comparison charts of what is comparable (``model.presentation.comparison``), written into
    ``out_dir/comparison/`` atomically; the index's groups."""
    groups = comparison_groups(summaries)
    comparison_dir = out_dir / "comparison"
    out: list[IndexGroup] = []
    if not groups:
        return out
    with Staging(comparison_dir) as staging:
        caption = texts.text("run.comparison_caption", lang, scenarios=", ".join(
            texts.text("run.comparison_scenario", lang, scenario=s.scenario, samples=format_count(s.samples, lang),
                       seed=s.seed) for s in summaries))
        for g in groups:
            at = {s.scenario: _at_month(out_dir / s.scenario, g.month, g.names) for s in summaries} \
                if g.month is not None else None
            rows = []
            for stem, title, fig in comparison_figures(summaries, g, caption, at, lang):
                save_figure(fig, staging.folder / stem)
                rows.append(figure_row(title, staging.folder / f"{stem}.png"))
            out.append(IndexGroup(g.heading(lang), g.note(lang), tuple(rows)))
        staging.commit({"scenarios": [s.scenario for s in summaries], "code_version": code_version()})
    return out


def write_index(out_dir: Path, outcomes: Sequence[ScenarioOutcome], *,
                scenarios: Sequence[ResolvedScenario] = (), log: Callable[[str], None] | None = None,
                lang: str = "en") -> Path:
    """``out_dir/index.html`` over every complete result folder, plus this batch's failures.

    A folder whose scenario file no longer exists (and is not part of this batch) stays on disk
    but is left out of the index and the comparison. When nothing ran and the index already
    shows the same folders, nothing is rewritten (so a batch with nothing to do also works on a
    read-only results folder).
    """
    in_batch = {r.scenario.name for r in scenarios}
    entries: dict[str, IndexEntry] = {}
    state: list[list[Any]] = []
    for folder in sorted(p for p in out_dir.iterdir() if p.is_dir() and not p.name.startswith(".")):
        manifest = read_manifest(folder)
        if manifest is None or folder.name == "comparison":
            continue
        if folder.name not in in_batch and not _scenario_file_exists(manifest):
            if log is not None:
                log(f"{folder.name}: its scenario file {manifest.get('scenario_file')} is gone; the results stay in "
                    f"{folder} but are not listed")
            continue
        summary = _read_summary(folder)
        if summary is None:
            continue
        entries[folder.name] = IndexEntry(folder.name, "ok", "", summary)
        state.append([folder.name, manifest.get("finished"), manifest.get("scenario_hash")])
    for o in outcomes:
        if o.status == "failed":
            previous = entries[o.name].summary if o.name in entries else None
            note = " (showing the earlier result)" if previous else ""
            entries[o.name] = IndexEntry(o.name, "failed", o.message + note, previous)
            state.append([o.name, "failed", o.message])
    state_text = json.dumps({"entries": state, "code_version": code_version(), **({"lang": lang} if lang != "en" else {})},
                            sort_keys=True) + "\n"
    state_file = out_dir / INDEX_STATE
    index = out_dir / "index.html"
    try:
        unchanged = index.is_file() and state_file.read_text(encoding="utf-8") == state_text
    except OSError:
        unchanged = False
    if unchanged:
        return index
    summaries = [e.summary for e in entries.values() if e.summary is not None]
    groups = _comparison(out_dir, summaries, lang) if len(summaries) > 1 else []
    try:  # the lecturer's guide the index links (python run.py teach rewrites it with the lessons)
        from .teaching.guide import ensure_guide

        ensure_guide(out_dir / "teaching", lang)
    except OSError as exc:
        if log is not None:
            log(f"{out_dir / 'teaching'}: the lecturer's guide was not written ({exc.strerror or exc})")
    page = index_page(list(entries.values()), groups=groups,
                      generated=datetime.now(timezone.utc).isoformat(timespec="seconds"), folder=out_dir, lang=lang,
                      features=features())
    write_text_atomic(index, render_index(page))
    write_text_atomic(state_file, state_text)
    return index
