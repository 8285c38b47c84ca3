"""What one scenario's results folder holds, except the report and the manifest: ``summary.json``,
the CSV files, ``samples.npz``, the charts; and the hash that says whether a folder is current.

The folder itself (staging, manifest, swap into place) is ``model.storage.results_folder``'s;
the batch (``model.batch``) calls both.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import multiprocessing
import platform
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from ..analysis.outcome import RunResult
from ..core.catalogue import METRICS, TRAJECTORIES
from ..features.base import Feature
from ..inputs.figure_files import figure_provenance
from ..inputs.loading import ResolvedScenario
from ..inputs.registry import Registry
from ..inputs.specs import FigureSpec
from ..presentation.charts.for_run import FigureSet, numbered_charts
from ..presentation.charts.saving import forget_compressor, save_figure
from ..presentation.summary_json import to_json
from ..summary.build import summarise
from ..summary.codec import num
from ..summary.types import QUANTILES, RunSummary
from .results_folder import write_json

__all__ = ["SAMPLES_CSV_CAP", "Written", "csv_text", "figures_used", "metric_columns", "package_versions", "scenario_hash",
           "sensitivity_rows", "trajectory_rows", "write_outputs"]

SAMPLES_CSV_CAP = 200_000  # beyond this, per-sample values are in samples.npz only
_PACKAGES = ["numpy", "scipy", "matplotlib", "pydantic", "PyYAML", "tqdm", "simpy"]


def scenario_hash(resolved: ResolvedScenario, *, samples: int | None, seed: int | None) -> str:
    """Hash of the scenario as resolved (after ``extends``) plus command-line overrides."""
    data = resolved.scenario.model_dump(mode="json")
    data["samples"] = samples if samples is not None else data["samples"]
    data["seed"] = seed if seed is not None else data["seed"]
    if resolved.registry is not None and resolved.registry.files:  # a changed figure file makes a run stale
        data["figure_files_sha256"] = {str(f): hashlib.sha256(f.read_bytes()).hexdigest()
                                       for f in sorted(set(resolved.registry.files.values()))}
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def package_versions() -> dict[str, str]:
    """Versions of Python and of the packages that shape a result, for the manifest."""
    out = {"python": platform.python_version()}
    for pkg in _PACKAGES:
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = "not installed"
    return out


def csv_text(header: list[str], rows: list[list[Any]]) -> str:
    """A CSV file's text (``None`` written as an empty cell)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([["" if v is None else v for v in row] for row in rows])
    return buf.getvalue()


def figures_used(resolved: ResolvedScenario, registry: Registry) -> list[dict[str, Any]]:
    """The article figures a scenario uses, as input or observation, with their provenance (the
    report's source table)."""
    sc = resolved.scenario
    used: dict[str, str] = {}
    for name in type(sc.parameters).model_fields:
        spec = getattr(sc.parameters, name)
        if isinstance(spec, FigureSpec):
            used.setdefault(spec.figure, f"input to {name}")
    for fid, obs in sc.observations.items():
        used[fid] = f"observation of {obs.output}"
    rows = []
    for fid, role in used.items():
        fig = registry.get(fid)
        rows.append({"id": fid, "value": fig.display_value, "unit": fig.unit, "claimant": fig.claimant,
                     "as_of": fig.as_of, "source": fig.source_label, "quote": fig.quote, "note": fig.note,
                     "reliability": f"{fig.reliability}: {fig.reliability_reason}", "role": role,
                     **figure_provenance(fig, registry)})
    return rows


def trajectory_rows(summary: RunSummary) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of ``trajectories.csv``: one row per month and trajectory (calibrated quantiles, mean)."""
    header = ["month", "trajectory", "unit"] + [f"p{round(q * 100)}" for q in QUANTILES] + ["mean"]
    rows = []
    for name, entry in TRAJECTORIES.items():
        bands = summary.bands[name]
        for t, month in enumerate(summary.months):
            rows.append([month, name, entry.unit] + [num(bands.calibrated[q][t]) for q in QUANTILES]
                        + [num(bands.mean[t])])
    return header, rows


def metric_columns(run: RunResult) -> tuple[list[str], np.ndarray]:
    """Header and (samples, columns) values of ``samples.csv``: sample index, inputs, metrics, weight."""
    m = len(run.samples)
    header = ["sample"] + run.samples.names + list(METRICS) + ["weight"]
    columns = [np.arange(m, dtype=float), *run.samples.values.T,
               *(run.metrics[name][:m].astype(float) for name in METRICS), run.weights[:m]]
    return header, np.column_stack(columns)


SENSITIVITY_COLUMNS = ["metric", "parameter", "S1", "S1_low", "S1_high", "ST", "ST_low", "ST_high",
                       "swing_low", "swing_high", "swing", "rank_correlation",
                       "S1_calibrated", "S1_calibrated_low", "S1_calibrated_high"]


def sensitivity_rows(summary: RunSummary) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of ``sensitivity.csv``: one row per metric and input."""
    rows = []
    for d in summary.drivers:
        for i in d.inputs:
            swing = None if i.swing_low is None or i.swing_high is None else num(i.swing_high - i.swing_low)
            rows.append([d.metric, i.name, *(num(getattr(i, k)) for k in SENSITIVITY_COLUMNS[2:10]), swing,
                         num(i.rank_correlation), num(i.S1_calibrated), num(i.S1_calibrated_low),
                         num(i.S1_calibrated_high)])
    return list(SENSITIVITY_COLUMNS), rows


@dataclass(frozen=True)
class Written:
    """What :func:`write_outputs` wrote that the report is made of."""

    summary: RunSummary
    charts: dict[str, tuple[str, Path]]  # file stem -> (title, PNG path)


def write_outputs(run: RunResult, registry: Registry, folder: Path, *, features: Sequence[Feature] = (),
                  figures: FigureSet = "headline", lang: str = "en", chart_processes: int = 1) -> Written:
    """Write a run's data files and charts into ``folder``: ``summary.json`` from the typed summary (the
    features' blocks included), the CSV files, ``samples.npz`` and the charts (``figures``: which), these
    drawn by ``chart_processes`` processes side by side (:func:`draw_charts`)."""
    summary = summarise(run, features=lambda r: {f.name: b for f in features if f.summarise is not None
                                                 and (b := f.summarise(r)) is not None})
    codecs = {f.name: (f.to_json, f.from_json) for f in features if f.to_json is not None and f.from_json is not None}
    write_json(folder / "summary.json", to_json(summary, codecs))
    if summary.bands:
        (folder / "trajectories.csv").write_text(csv_text(*trajectory_rows(summary)), encoding="utf-8")
    header, values = metric_columns(run)
    np.savetxt(folder / "samples.csv", values[:SAMPLES_CSV_CAP], delimiter=",", header=",".join(header),
               comments="", fmt=["%d"] + ["%.6g"] * (len(header) - 1))
    kept = len(run.samples)  # the first samples only: bounded files for runs of millions (see README)
    arrays: dict[str, Any] = {"parameters": run.samples.values, "names": np.array(run.samples.names),
                              "weights": run.weights[:kept], **{f"metric_{k}": v[:kept] for k, v in run.metrics.items()}}
    np.savez_compressed(folder / "samples.npz", **arrays)
    (folder / "sensitivity.csv").write_text(csv_text(*sensitivity_rows(summary)), encoding="utf-8")
    charts = draw_charts(lambda part: numbered_charts(summary, run, registry, features=features, figures=figures,
                                                      lang=lang, part=part), folder, chart_processes)
    return Written(summary, charts)


Charts = Callable[[tuple[int, int]], Iterator[tuple[int, str, str, Any]]]


def _draw_share(charts: Charts, folder: Path, part: tuple[int, int]) -> list[tuple[int, str, str]]:
    drawn = []
    for i, stem, title, fig in charts(part):
        save_figure(fig, folder / stem)
        drawn.append((i, stem, title))
    return drawn


def _child(charts: Charts, folder: Path, part: tuple[int, int], pipe: Any) -> None:
    """A forked process's share of the charts; what it drew (or what went wrong) goes back through ``pipe``."""
    try:
        forget_compressor()  # the parent's PNG thread is not in this process
        pipe.send(("ok", _draw_share(charts, folder, part)))
    except BaseException as exc:  # noqa: BLE001 - reported by the parent, which raises it
        pipe.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        pipe.close()


def draw_charts(charts: Charts, folder: Path, processes: int = 1) -> dict[str, tuple[str, Path]]:
    """Draw and save the charts ``charts(part)`` yields into ``folder``: file stem -> (title, PNG path), in
    the charts' order. With ``processes`` > 1 (on a system that forks), forked processes draw every
    n-th chart each beside this one: the same files in a fraction of the time where cores are idle
    (one scenario's run); neither the files nor their order depend on how many draw them."""
    if processes <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        drawn = _draw_share(charts, folder, (0, 1))
    else:
        context = multiprocessing.get_context("fork")
        children = []
        for k in range(1, processes):
            receive, send = context.Pipe(duplex=False)
            child = context.Process(target=_child, args=(charts, folder, (k, processes), send), daemon=True)
            child.start()
            send.close()
            children.append((child, receive))
        drawn = _draw_share(charts, folder, (0, processes))
        for child, receive in children:
            try:
                status, got = receive.recv()
            except EOFError:  # the process died without a word (killed, out of memory)
                status, got = "error", f"a chart process died (exit code {child.exitcode})"
            child.join()
            if status != "ok":
                raise RuntimeError(f"drawing the charts: {got}")
            drawn += got
        drawn.sort(key=lambda x: x[0])  # stable: a job's several charts keep their order
    return {stem: (title, folder / f"{stem}.png") for _, stem, title in drawn}
