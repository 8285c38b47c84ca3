"""Every value the schema accepts runs to finite numbers and drawable charts (issue 23, item 3).

Generic over ``model.inputs.schema.PARAMETER_INFO``, so a parameter added later is covered with
no change here: each parameter at each of its bounds (zero included; an open upper end at the
largest magnitude the priors allow, ``MAX_MAGNITUDE``), first one at a time with the others at the
baseline's medians, through the model's equations under every structure, with and without a
cut-off (one vectorised call: one row a case); then every parameter at its low bound at once, and
at its high bound at once, through ``validate`` and a whole small run (64 samples, calibration,
drivers, every chart drawn).
"""

from __future__ import annotations

import itertools
import shutil
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest

from model.core.catalogue import METRICS, TRAJECTORIES, applies
from model.core.dynamics import Structure, simulate
from model.experiment import run_scenario
from model.features.registry import blocks_of, features
from model.inputs.events import build_timeline
from model.inputs.loading import load_scenario
from model.inputs.priors import MAX_MAGNITUDE, build_priors
from model.inputs.registry import load_registry
from model.inputs.schema import PARAMETER_INFO, ParameterInfo
from model.inputs.validation import validate_files
from model.presentation.charts.for_run import run_figures
from model.summary.build import summarise

ROOT = Path(__file__).resolve().parents[1]


def _bounds(info: ParameterInfo) -> tuple[float, float]:
    """The parameter's lowest and highest valid value; an open end at the largest magnitude the
    priors allow (``model.inputs.priors.MAX_MAGNITUDE``)."""
    low = info.low if info.low is not None else -MAX_MAGNITUDE
    high = info.high if info.high is not None else MAX_MAGNITUDE
    return float(low), float(high)


def _not_finite(values: np.ndarray, *, may_not_happen: bool) -> np.ndarray:
    """Rows with a value that is not a finite number (nan allowed where it means 'did not happen')."""
    bad = ~np.isfinite(values)
    if may_not_happen:
        bad &= ~np.isnan(values)
    return bad.reshape(len(values), -1).any(axis=1)


@pytest.mark.parametrize("scenario", ["baseline", "nk_cutoff"])
def test_every_parameter_at_each_bound_gives_finite_outputs(scenario):
    resolved = load_scenario(ROOT / "scenarios" / f"{scenario}.yaml")
    medians = {p.name: p.median() for p in build_priors(resolved.scenario.parameters, load_registry())}
    cases = [(name, bound) for name, info in PARAMETER_INFO.items() for bound in _bounds(info)]
    cases += [("all", "low"), ("all", "high")]
    params = {name: np.full(len(cases), medians[name]) for name in PARAMETER_INFO}
    for row, (name, bound) in enumerate(cases):
        if name == "all":
            for other, info in PARAMETER_INFO.items():
                params[other][row] = _bounds(info)[0 if bound == "low" else 1]
        else:
            params[name][row] = bound
    timeline = build_timeline(resolved.scenario)
    for firing, decline in itertools.product(("demand", "stock_target"), ("constant", "proportional")):
        with np.errstate(all="raise"):  # a division by zero or an overflow is a failure, not a warning
            out = simulate(params, timeline, shortage_threshold=resolved.scenario.shortage_threshold,
                           structure=Structure(firing=firing, supply_decline=decline), keep=TRAJECTORIES)
        broken = {}
        for metric, values in out.metrics.items():
            if not applies(metric, has_cutoff=timeline.cutoff is not None):  # a cut-off's metric without one: nan
                assert np.isnan(values).all(), metric
                continue
            rows = _not_finite(values, may_not_happen=bool(METRICS[metric].never))
            broken.update({f"{metric} with {cases[r][0]} at {cases[r][1]}": True for r in np.flatnonzero(rows)})
        for trajectory, values in out.trajectories.items():
            rows = _not_finite(values, may_not_happen=False)
            broken.update({f"{trajectory} with {cases[r][0]} at {cases[r][1]}": True for r in np.flatnonzero(rows)})
        assert not broken, f"{firing}/{decline}: not finite: {sorted(broken)[:10]}"


def _all_at(tmp_path: Path, parent: str, which: str) -> Path:
    for f in (ROOT / "scenarios").glob("*.yaml"):
        shutil.copy(f, tmp_path / f.name)
    lines = [f"  {name}: {{dist: fixed, value: {_bounds(info)[0 if which == 'low' else 1]!r}, unit: {info.unit}, "
             "assumption: at its schema bound}" for name, info in PARAMETER_INFO.items()]
    path = tmp_path / f"bounds_{which}.yaml"
    path.write_text(f"name: bounds_{which}\nextends: {parent}\ndescription: every parameter at its {which} bound\n"
                    "samples: 64\nsensitivity: {sobol_samples: 64}\nparameters:\n" + "\n".join(lines) + "\n",
                    encoding="utf-8")
    return path


@pytest.mark.parametrize("parent", ["baseline", "nk_cutoff"])
@pytest.mark.parametrize("which", ["low", "high"])
def test_what_validate_accepts_at_the_bounds_runs_and_draws(tmp_path, parent, which):
    registry = load_registry()
    resolved, problems = validate_files([_all_at(tmp_path, parent, which)], registry)
    assert not problems, [str(p) for p in problems]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning on the way is a defect too
        run = run_scenario(resolved[0].scenario, registry)
        for run_of in [run.prior, run.calibrated]:
            for metric, values in run_of.metrics.items():
                if not applies(metric, has_cutoff=run.timeline.cutoff is not None):
                    assert np.isnan(values).all(), metric  # a cut-off's metric without one means nothing
                    continue
                assert not _not_finite(values, may_not_happen=bool(METRICS[metric].never)).any(), metric
        summary = summarise(run, features=blocks_of)
        figures = 0
        for _stem, _title, fig in run_figures(summary, run, registry, features=features(), figures="all"):
            fig.canvas.draw()  # axis limits, ticks and text laid out as when saved
            plt.close(fig)
            figures += 1
    assert figures > 0


@pytest.mark.parametrize("value", ["0", "1.0e-300"])
def test_a_gdp_the_payments_cannot_be_divided_by_is_refused_by_validate(tmp_path, capsys, value):
    from model.cli import main

    shutil.copy(ROOT / "scenarios" / "baseline.yaml", tmp_path / "baseline.yaml")
    path = tmp_path / "gdp.yaml"
    path.write_text("name: gdp\nextends: baseline\ndescription: no economy\nparameters:\n"
                    f"  nk_gdp_usd: {{dist: fixed, value: {value}, unit: usd, assumption: x}}\n", encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    assert f"{path}:5: parameters.nk_gdp_usd.value: must be ≥ 1 (usd)" in capsys.readouterr().err
