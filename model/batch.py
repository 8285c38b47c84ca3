"""Run many scenarios into ``results/``: validate all first, skip what is current,
write each folder atomically, keep going when one fails, and index the batch.

Parallelism: local runs spread scenarios over processes (``workers``); a Dask
cluster (``scheduler``) receives the sample blocks of each scenario. Either way the
numbers are identical, because every block draws its own random stream from the
scenario seed and the block index (see ``model.sampling``).
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ._version import __version__
from .experiment import run_scenario
from .features.logistics.run import chunk_count
from .inputs.analyst_specs import planned_samples
from .inputs.loading import ResolvedScenario, load_scenario
from .inputs.registry import Registry, load_registry
from .inputs.sampling import block_ranges
from .presentation import texts
from .presentation.charts.for_run import comparison_figures
from .presentation.charts.saving import save_figure
from .presentation.numbers import format_count
from .presentation.report import render_index, render_report
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
from .workers import WorkerDied
from .workers import keep_freed_memory as _keep_freed_memory
from .workers import one_blas_thread as _one_blas_thread
from .workers import quiet_dask_on_interrupt as _quiet_dask_on_interrupt
from .workers import start_pool as _start_pool

__all__ = ["ScenarioOutcome", "scenario_hash", "execute_scenario", "run_batch", "write_index",
           "SAMPLES_CSV_CAP"]

INDEX_STATE = ".index-state.json"  # what the index shows; also marks index.html as this tool's


@dataclass
class ScenarioOutcome:
    """How one scenario of a batch ended: ``ok``, ``skipped`` (current) or ``failed``."""

    name: str
    path: str
    status: str
    message: str = ""
    seconds: float = 0.0


def execute_scenario(
    resolved: ResolvedScenario,
    out_dir: Path,
    registry: Registry,
    *,
    samples: int | None = None,
    seed: int | None = None,
    map_blocks: Callable = map,
    on_block: Callable[[int], None] | None = None,
    lang: str = "en",
) -> None:
    """Run one validated scenario and write ``out_dir/<name>/`` atomically; the report and the
    charts in ``lang`` (the manifest records it: a result in another language is not current)."""
    started = datetime.now(timezone.utc).isoformat(timespec="seconds")
    registry = resolved.registry if resolved.registry is not None else registry  # plus its figure files
    target = safe_target(out_dir, resolved.scenario.name)
    reason = in_the_way(target)  # before the computation, not after it (Staging checks again)
    if reason is not None:
        raise FolderInTheWay(target, reason)
    run = run_scenario(resolved.scenario, registry, samples=samples, seed=seed, map_blocks=map_blocks,
                       on_block=on_block)
    with Staging(target) as staging:
        written = write_outputs(run, registry, staging.folder, lang)
        manifest = {
            "scenario": run.scenario.name,
            "scenario_file": str(resolved.path),
            "scenario_path": str(resolved.path.resolve()),
            "extends_chain": [str(p) for p in resolved.chain],
            "resolved": run.scenario.model_dump(mode="json"),
            "scenario_hash": scenario_hash(resolved, samples=samples, seed=seed),
            "seed": run.scenario.seed,
            "samples": run.scenario.samples,
            "packages": package_versions(),
            "code_version": code_version(),
            "package_version": __version__,
            "started": started,
            "lang": lang,
        }
        if run.logistics is not None:  # wall time here: summary.json must not vary from run to run
            manifest["logistics"] = {"seconds": round(run.logistics.seconds, 3),
                                     "replications": run.logistics.replications,
                                     "events_per_replication": float(run.logistics.end["events"].mean())}
        manifest["finished"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
        html = render_report(written["summary"], figures=written["figures"],
                             figures_used=figures_used(resolved, registry), sensitivity=written["sensitivity"],
                             manifest=manifest, lang=lang)
        (staging.folder / "report.html").write_text(html, encoding="utf-8")
        staging.commit(manifest)


def _execute_in_worker(task: tuple[str, str, int | None, int | None, str]) -> tuple[str, str, float]:
    """Process-pool entry point: re-read the (already validated) file and run it.

    Returns ``(path, error message or "", seconds)``; never raises, so one failure cannot
    stop the pool's other scenarios.
    """
    path, out_dir, samples, seed, lang = task
    t0 = datetime.now()
    try:
        registry = load_registry()
        resolved = load_scenario(path, registry=registry)
        execute_scenario(resolved, Path(out_dir), registry, samples=samples, seed=seed, lang=lang)
    except Exception as exc:  # noqa: BLE001 - reported by the main process
        return path, _failure_message(exc), 0.0
    return path, "", (datetime.now() - t0).total_seconds()


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


def run_batch(
    resolved: Sequence[ResolvedScenario],
    *,
    out_dir: Path,
    samples: int | None = None,
    seed: int | None = None,
    workers: int = 1,
    scheduler: str | None = None,
    redo: bool = False,
    progress: bool | None = None,
    log: Callable[[str], None] | None = None,
    lang: str = "en",
) -> list[ScenarioOutcome]:
    """Run validated scenarios (see ``model.inputs.validation.validate_files``) into ``out_dir``.

    Holds ``out_dir``'s lock for the whole batch: a second batch on the same folder raises
    :class:`~model.storage.results_folder.ResultsBusy` before touching anything.
    """
    from tqdm import tqdm

    registry = load_registry()
    show = sys.stderr.isatty() if progress is None else progress
    if log is None:
        def log(line: str) -> None:  # above the progress bars, not through them
            tqdm.write(line, file=sys.stderr)
    with _scheduler_client(scheduler) as client:  # first: an unreachable cluster touches no folder
        return _run_batch_on(resolved, out_dir, registry, samples, seed, workers, client, redo, show, log, lang)


class SchedulerUnreachable(ConnectionError):
    """The Dask scheduler given with ``--scheduler`` does not answer; nothing was run or written."""


@contextlib.contextmanager
def _scheduler_client(address: str | None) -> Iterator[Any]:
    """A Dask client connected to ``address`` for the batch (None without a scheduler)."""
    if address is None:
        yield None
        return
    from distributed import Client

    with _quiet_dask_on_interrupt():
        try:
            client = Client(address)
        except (OSError, ValueError, TimeoutError) as exc:  # refused, timed out, or no such host
            raise SchedulerUnreachable(f"cannot reach the Dask scheduler at {address} ({exc})") from None
        with client:
            yield client


def _run_batch_on(resolved: Sequence[ResolvedScenario], out_dir: Path, registry: Registry, samples: int | None,
                  seed: int | None, workers: int, client: Any, redo: bool, show: bool, log: Callable[[str], None],
                  lang: str) -> list[ScenarioOutcome]:
    from tqdm import tqdm

    out_dir.mkdir(parents=True, exist_ok=True)
    with ResultsLock(out_dir):
        for line in recover(out_dir):
            log(line)
        _refuse_outputs_in_the_way(out_dir)
        outcomes: list[ScenarioOutcome] = []
        todo: list[ResolvedScenario] = []
        for r in resolved:
            target = safe_target(out_dir, r.scenario.name)
            if not redo and is_current(target, scenario_hash(r, samples=samples, seed=seed), lang=lang):
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
            outcomes += _run_todo(todo, out_dir, registry, samples, seed, workers, client, show, log, bar, lang)
        finally:
            bar.close()
        order = {str(r.path): i for i, r in enumerate(resolved)}
        outcomes.sort(key=lambda o: order.get(o.path, 0))
        write_index(out_dir, outcomes, scenarios=resolved, log=log, lang=lang)
    return outcomes


#: Largest run for which the main process keeps the memory it frees (``keep_freed_memory``).
KEEP_FREED_MEMORY_SAMPLES = 1_048_576


def _run_todo(todo: list[ResolvedScenario], out_dir: Path, registry: Registry, samples: int | None,
              seed: int | None, workers: int, client: Any, show: bool,
              log: Callable[[str], None], bar: Any, lang: str = "en") -> list[ScenarioOutcome]:
    """Run the scenarios that are not current, on the chosen executor."""
    if not todo:
        return []
    if max(planned_samples(r.scenario, samples) for r in todo) <= KEEP_FREED_MEMORY_SAMPLES:
        # for this process's life: the memory it frees it reuses (model/workers.py); not for
        # runs of millions, whose peak memory it would raise (10 M samples: +60 to +135 MiB)
        _keep_freed_memory()
    with _one_blas_thread():
        return _run_todo_on(todo, out_dir, registry, samples, seed, workers, client, show, log, bar, lang)


def _run_todo_on(todo: list[ResolvedScenario], out_dir: Path, registry: Registry, samples: int | None,
                 seed: int | None, workers: int, client: Any, show: bool,
                 log: Callable[[str], None], bar: Any, lang: str) -> list[ScenarioOutcome]:
    outcomes: list[ScenarioOutcome] = []
    if client is not None:  # a Dask cluster: each scenario's sample blocks on its workers
        def dask_map(func: Callable, tasks: Any) -> list[Any]:
            return client.gather(client.map(func, list(tasks), pure=False))

        for r in todo:
            outcomes.append(_run_one(r, out_dir, registry, samples, seed, dask_map, show, log, lang))
            bar.update()
        return outcomes
    # no more processes than there is work for: scenarios side by side, or one scenario's blocks
    if len(todo) > 1:
        workers = min(workers, len(todo))
    else:
        n = planned_samples(todo[0].scenario, samples)  # samples: auto -> its most
        logistics = todo[0].scenario.logistics  # its replications go over the same pool, in chunks
        workers = min(workers, max(len(block_ranges(n)), chunk_count(logistics.replications) if logistics else 0))
    if workers <= 1:
        for r in todo:
            outcomes.append(_run_one(r, out_dir, registry, samples, seed, map, show, log, lang))
            bar.update()
        return outcomes
    # Ctrl-C and SIGTERM reach the main process only (workers ignore them): it terminates the
    # workers, whose unfinished staging folders recover() then removes; a worker that dies on its
    # own (killed, out of memory) fails the scenario it ran, and the others go on
    try:
        with _start_pool(workers) as pool:
            if len(todo) > 1:  # scenarios side by side, the longest first (no core idles at the end)
                by_path = {str(r.path): r for r in todo}
                longest_first = sorted(todo, key=lambda r: -_expected_seconds(r, samples))
                tasks = [(str(r.path), str(out_dir), samples, seed, lang) for r in longest_first]

                def done(task: tuple[str, ...], result: Any) -> None:
                    path = task[0]
                    message, secs = (str(result), 0.0) if isinstance(result, WorkerDied) else (result[1], result[2])
                    outcomes.append(_outcome(by_path[path], message, secs, out_dir, log))
                    bar.update()

                pool.run_each(_execute_in_worker, tasks, done)
            else:  # one scenario: its sample blocks side by side
                outcomes.append(_run_one(todo[0], out_dir, registry, samples, seed, pool.map, show, log, lang))
                bar.update()
    finally:
        recover(out_dir)  # the staging folder a dead or terminated worker left (a live process's is kept)
    return outcomes


def _expected_seconds(r: ResolvedScenario, samples: int | None) -> float:
    """A rough run time, only to start the longest scenarios first: about 12 s for 16,384
    samples (figures and reports included; more samples cost less than in proportion) per
    structural alternative, 0.045 s per logistics replication (measured on two cores).
    Results never depend on it."""
    sc = r.scenario
    runs = 1 + len(getattr(sc, "alternatives", None) or {})
    logistics = sc.logistics.replications if sc.logistics else 0
    return 12.0 * max(planned_samples(sc, samples) / 16_384, 1.0) ** 0.5 * runs + 0.045 * logistics


def _outcome(r: ResolvedScenario, message: str, secs: float, out_dir: Path,
             log: Callable[[str], None]) -> ScenarioOutcome:
    if message:
        log(f"{r.scenario.name}: FAILED: {message}")
        return ScenarioOutcome(r.scenario.name, str(r.path), "failed", message)
    log(f"{r.scenario.name}: done in {secs:.1f} s -> {out_dir / r.scenario.name}")
    return ScenarioOutcome(r.scenario.name, str(r.path), "ok", seconds=secs)


def _run_one(r: ResolvedScenario, out_dir: Path, registry: Registry, samples: int | None, seed: int | None,
             mapper: Callable, show: bool, log: Callable[[str], None], lang: str = "en") -> ScenarioOutcome:
    from tqdm import tqdm

    n = planned_samples(r.scenario, samples)  # samples: auto -> its most (the bar may end early)
    t0 = datetime.now()
    with tqdm(total=n, desc=r.scenario.name, unit="sample", leave=False, disable=not show or len(block_ranges(n)) < 2,
              file=sys.stderr) as sample_bar:
        done = [0]

        def on_block(count: int) -> None:
            sample_bar.update(count - done[0])
            done[0] = count

        try:
            execute_scenario(r, out_dir, registry, samples=samples, seed=seed, map_blocks=mapper, on_block=on_block,
                             lang=lang)
        except Exception as exc:  # noqa: BLE001 - one scenario's failure must not stop the rest
            return _outcome(r, _failure_message(exc), 0.0, out_dir, log)
    return _outcome(r, "", (datetime.now() - t0).total_seconds(), out_dir, log)


def _scenario_file_exists(manifest: dict[str, Any]) -> bool:
    for key in ("scenario_path", "scenario_file"):
        value = manifest.get(key)
        if isinstance(value, str) and Path(value).is_file():
            return True
    return False


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
    entries: dict[str, dict[str, Any]] = {}
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
        try:
            summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        entries[folder.name] = {"name": folder.name, "status": "ok", "message": "", "summary": summary}
        state.append([folder.name, manifest.get("finished"), manifest.get("scenario_hash")])
    for o in outcomes:
        if o.status == "failed":
            previous = entries.get(o.name, {}).get("summary")
            note = " (showing the earlier result)" if previous else ""
            entries[o.name] = {"name": o.name, "status": "failed", "message": o.message + note, "summary": previous}
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
    summaries = [e["summary"] for e in entries.values() if e["summary"] is not None]
    comparison_dir = out_dir / "comparison"
    figures: list[tuple[str, Path]] = []
    if len(summaries) > 1:
        with Staging(comparison_dir) as staging:
            caption = texts.text("run.comparison_caption", lang, scenarios=", ".join(
                texts.text("run.comparison_scenario", lang, scenario=s["scenario"],
                           samples=format_count(s["samples"], lang), seed=s["seed"]) for s in summaries))
            for stem, title, fig in comparison_figures(summaries, caption, lang=lang):
                save_figure(fig, staging.folder / stem)
                figures.append((title, comparison_dir / f"{stem}.png"))
            staging.commit({"scenarios": [s["scenario"] for s in summaries], "code_version": code_version()})
    try:  # the lecturer's guide the index links (python run.py teach rewrites it with the lessons)
        from .teaching.guide import ensure_guide

        ensure_guide(out_dir / "teaching", lang)
    except OSError as exc:
        if log is not None:
            log(f"{out_dir / 'teaching'}: the lecturer's guide was not written ({exc.strerror or exc})")
    html = render_index(list(entries.values()), figures=figures,
                        generated=datetime.now(timezone.utc).isoformat(timespec="seconds"), folder=out_dir, lang=lang)
    write_text_atomic(index, html)
    write_text_atomic(state_file, state_text)
    return index
