"""Hindcasts: would the model have predicted the later figures from the earlier ones?

``python run.py hindcast SCENARIO --until YYYY-MM`` runs the scenario calibrated only on its
observations dated up to that month (an observation's date is the month the model is compared
at: its ``at:``, by default the figure's ``as_of``), with the scenario's own calibration method,
samples and seed. For every later observation it then asks what a report at that date should
have said: the calibrated futures' model values at its date, each with the figure's lognormal
error (``model.analysis.predictive``), give the predictive median and 90 % interval, whether
the reported value falls inside, its predictive percentile, the CRPS of its log and its log
predictive density (log score). When a withheld figure belongs to a series with fitted ones
(the same trajectory, see ``model.analysis.series``), its error is conditioned on theirs.

The model values at the withheld dates come from the calibrated trajectories, which a run
keeps for its first ``model.experiment.trajectory_samples(months)`` futures (with their weights
renormalised): all of them for the shipped scenarios, a bounded subsample for larger runs
(32,768 futures up to 48 months, fewer for longer windows).

``write_hindcast`` writes ``hindcast.json`` and ``hindcast.png``/``.svg`` into the scenario's
results folder (``results/<name>/`` or ``DIR/<name>/`` with ``--out DIR``), holding the results
folder's lock and replacing each file in one rename, so a run or a reader never sees half a
file and the run's own files are not touched (a later ``run`` of the scenario replaces the
whole folder, hindcast included; run the hindcast again after it).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from ...analysis.calibration import ObservedFigure
from ...core.months import month_index
from ...experiment import observed_figures, run_scenario
from ...inputs.registry import Registry
from ...inputs.schema import Scenario
from .compute import Hindcast, HindcastPoint, predict_withheld

__all__ = ["HindcastError", "HindcastPoint", "Hindcast", "split_observations", "run_hindcast", "write_hindcast",
           "HINDCAST_FILE"]

HINDCAST_FILE = "hindcast.json"


class HindcastError(ValueError):
    """The hindcast cannot be made (nothing to predict)."""


def split_observations(scenario: Scenario, registry: Registry, until: str
                       ) -> tuple[list[ObservedFigure], list[ObservedFigure]]:
    """The scenario's observations dated up to ``until`` (fitted) and after it (withheld)."""
    limit = month_index(until)
    observed = observed_figures(scenario, registry)
    return ([o for o in observed if month_index(o.month) <= limit],
            [o for o in observed if month_index(o.month) > limit])


def _fit_scenario(scenario: Scenario, fitted: Iterable[ObservedFigure]) -> Scenario:
    keep = {o.figure_id for o in fitted}
    update: dict[str, Any] = {
        "observations": {k: v for k, v in scenario.observations.items() if k in keep},
        "sensitivity": scenario.sensitivity.model_copy(update={"methods": []}),  # not needed for predictions
    }
    if "alternatives" in type(scenario).model_fields:
        update["alternatives"] = {}
    return scenario.model_copy(update=update)


def run_hindcast(scenario: Scenario, registry: Registry, until: str, *, samples: int | None = None,
                 seed: int | None = None, map_blocks: Callable[..., Any] = map) -> Hindcast:
    """Calibrate on the observations dated up to ``until`` and predict the later ones.

    Raises
    ------
    HindcastError
        When no observation is dated after ``until``.
    """
    fitted, withheld = split_observations(scenario, registry, until)
    if not withheld:
        dates = ", ".join(sorted({o.month for o in fitted})) or "none"
        raise HindcastError(f"no observation of {scenario.name} is dated after {until} (dates: {dates}); "
                            "choose an earlier --until")
    run = run_scenario(_fit_scenario(scenario, fitted), registry, samples=samples, seed=seed, map_blocks=map_blocks)
    return predict_withheld(run, scenario, until, fitted, withheld)


def write_hindcast(hindcast: Hindcast, registry: Registry, out_dir: Path) -> list[Path]:
    """Write ``hindcast.json`` and the hindcast figure into ``out_dir/<scenario>/``.

    Holds ``out_dir``'s :class:`~model.storage.results_folder.ResultsLock` while writing
    (``ResultsBusy`` when a batch is writing there) and replaces each file in one rename.
    Returns the files written.
    """
    from ...presentation.charts import save_figure
    from ...storage.results_folder import ResultsLock, safe_target, write_text_atomic
    from .view import hindcast_document, hindcast_figure

    out_dir.mkdir(parents=True, exist_ok=True)
    with ResultsLock(out_dir):  # refuse at once when a batch is writing there
        document = hindcast_document(hindcast)
        text = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        figure = hindcast_figure(hindcast, registry)
        folder = safe_target(out_dir, hindcast.scenario.name)
        folder.mkdir(exist_ok=True)
        written = [folder / HINDCAST_FILE]
        for stale in folder.glob(".hindcast-*"):  # left by a killed hindcast; none is running (we hold the lock)
            shutil.rmtree(stale, ignore_errors=True)
        tmp = folder / f".hindcast-{os.getpid()}"
        try:
            for path in save_figure(figure, tmp / "hindcast"):
                os.replace(path, folder / path.name)
                written.append(folder / path.name)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        write_text_atomic(folder / HINDCAST_FILE, text)
    return written
