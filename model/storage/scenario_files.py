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
import platform
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from ..analysis.outcome import RunResult
from ..inputs.figure_files import figure_provenance
from ..inputs.loading import ResolvedScenario
from ..inputs.registry import Registry
from ..inputs.specs import FigureSpec
from ..presentation.charts.for_run import run_figures
from ..presentation.charts.saving import save_figure
from ..presentation.summary import build_summary, metric_columns, sensitivity_rows, trajectory_bands, trajectory_rows
from .results_folder import write_json

__all__ = ["SAMPLES_CSV_CAP", "csv_text", "figures_used", "package_versions", "scenario_hash", "write_outputs"]

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


def write_outputs(run: RunResult, registry: Registry, folder: Path, lang: str = "en") -> dict[str, Any]:
    """Write a run's data files and charts into ``folder``; the summary, the charts and the
    sensitivity rows the report is made of."""
    summary = build_summary(run)
    write_json(folder / "summary.json", summary)
    bands = trajectory_bands(run)
    (folder / "trajectories.csv").write_text(csv_text(*trajectory_rows(run, bands)), encoding="utf-8")
    header, values = metric_columns(run)
    np.savetxt(folder / "samples.csv", values[:SAMPLES_CSV_CAP], delimiter=",", header=",".join(header),
               comments="", fmt=["%d"] + ["%.6g"] * (len(header) - 1))
    kept = len(run.samples)  # the first samples only: bounded files for runs of millions (see README)
    arrays: dict[str, Any] = {"parameters": run.samples.values, "names": np.array(run.samples.names),
                              "weights": run.weights[:kept], **{f"metric_{k}": v[:kept] for k, v in run.metrics.items()}}
    np.savez_compressed(folder / "samples.npz", **arrays)
    sens_header, sens_rows = sensitivity_rows(run)
    (folder / "sensitivity.csv").write_text(csv_text(sens_header, sens_rows), encoding="utf-8")
    figures = []
    for stem, title, fig in run_figures(run, registry, bands, lang=lang):
        save_figure(fig, folder / stem)
        figures.append((title, folder / f"{stem}.png"))
    sensitivity = [dict(zip(sens_header, row)) for row in sens_rows]
    return {"summary": summary, "figures": figures, "sensitivity": sensitivity}
