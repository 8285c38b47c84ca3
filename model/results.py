"""A run's results folder read back for analysis: the typed summary and the tables as pandas DataFrames.

::

    import model
    r = model.read_results("results/baseline")
    r.summary.metrics["nk_share_of_fired"].p50      # the calibrated median, as the report shows it
    r.samples                                        # one row per kept future: inputs, metrics, weight
    r.trajectories.query("trajectory == 'ru_stock'") # monthly quantiles (p5 ... p95, mean)
    r.sensitivity                                    # one row per metric and input

Nothing is computed again: the numbers are those the run wrote (``summary.json``, ``samples.npz``,
``trajectories.csv``, ``sensitivity.csv``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .features.registry import codecs
from .presentation.summary_json import from_json
from .storage.results_folder import read_manifest
from .summary.types import RunSummary

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Results", "read_results"]


@dataclass(frozen=True)
class Results:
    """One scenario's results: its summary, its tables and its manifest."""

    folder: Path
    summary: RunSummary  # every number the report shows, typed (model.summary.types)
    samples: pd.DataFrame  # per kept future: its inputs, its metrics and its calibrated weight
    trajectories: pd.DataFrame  # per month and trajectory: calibrated quantiles and mean
    sensitivity: pd.DataFrame  # per metric and input: Sobol indices, tornado swings, rank correlation
    manifest: dict[str, Any]  # how the run was made (scenario hash, code version, packages, times)


def read_results(folder: str | Path) -> Results:
    """Read the results folder of one scenario (``results/<name>``) written by ``python run.py``.

    Raises ``FileNotFoundError`` naming the folder when it holds no complete result (no manifest:
    never run, or still being written)."""
    import pandas as pd

    folder = Path(folder)
    manifest = read_manifest(folder)
    if manifest is None:
        raise FileNotFoundError(f"{folder}: no complete result here (no manifest.json); run "
                                f"`python run.py run <scenario>.yaml` first")
    summary = from_json(json.loads((folder / "summary.json").read_text(encoding="utf-8")), codecs())
    with np.load(folder / "samples.npz", allow_pickle=False) as z:
        names = [str(n) for n in z["names"]]
        kept = len(z["weights"])
        columns: dict[str, Any] = {n: z["parameters"][:, j] for j, n in enumerate(names)}
        columns.update({k.removeprefix("metric_"): z[k][:kept] for k in z.files if k.startswith("metric_")})
        columns["weight"] = z["weights"]
    samples = pd.DataFrame(columns)
    samples.index.name = "sample"
    trajectories = pd.read_csv(folder / "trajectories.csv") if (folder / "trajectories.csv").is_file() \
        else pd.DataFrame()
    sensitivity = pd.read_csv(folder / "sensitivity.csv")
    return Results(folder, summary, samples, trajectories, sensitivity, manifest)
