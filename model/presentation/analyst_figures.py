"""Which charts a run's analyst results get (``run.analyst``), with their titles and captions.

- ``discovery_<name>``: the PRIM peeling trajectories (calibrated and prior) with the chosen box, and
  the futures on the two inputs that box restricts most;
- ``convergence_stopping``: when ``samples: auto`` stopped (precision against the target at every
  checkpoint, and the first metric's quantiles);
- ``corner_inputs``: the inputs the calibration informs most, calibrated against prior.

The drawing is in :mod:`.charts.analyst`; saving is the caller's job.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from matplotlib.figure import Figure

from ..analysis.analyst import ConditionFinding, DiscoveryOn
from ..analysis.outcome import Ensemble, RunResult
from ..core.catalogue import METRICS
from ..inputs.conditions import evaluate_condition, parse_condition
from ..inputs.priors import info_of
from . import texts
from .analyst_summary import quantile_key
from .charts.analyst import corner_chart, peeling_chart, stopping_chart
from .charts.words import current, unit

__all__ = ["SCATTER_POINTS", "analyst_figures", "discovery_title"]

#: Futures drawn in a discovery scatter (a weighted resample of the kept ones).
SCATTER_POINTS = 4000


def _caption(run: RunResult) -> str:
    from .charts.for_run import caption_for  # for_run lists these charts: imported when drawing

    return caption_for(run, [])


def _w(key: str, **fields: object) -> str:
    return texts.text(f"achart.{key}", current(), **fields)


def _axis(name: str) -> str:
    info = info_of(name)
    assert info is not None
    return f"{texts.parameter_label(name, current())} ({unit(info.unit)})"


def discovery_title(name: str, condition: str) -> str:
    return _w("discovery_title", name=name.replace("_", " "), condition=condition)


def _resample(ensemble: Ensemble, m: int, seed: int, weighted: bool) -> np.ndarray:
    """Indices of up to ``SCATTER_POINTS`` of the first ``m`` futures, drawn in proportion to their
    weights (so a scatter of calibrated futures shows their density), the same for the same seed."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(2**31 - 5,)))
    k = min(SCATTER_POINTS, m)
    if not weighted:
        return np.sort(rng.choice(m, size=k, replace=False))
    return np.sort(rng.choice(m, size=k, replace=True, p=ensemble.head_weights(m)))


def _discovery_figure(run: RunResult, f: ConditionFinding) -> Figure:
    main: DiscoveryOn = f.calibrated or f.prior
    sides = [(f.calibrated, _w("side_calibrated")), (f.prior, _w("side_prior"))] if f.calibrated else \
        [(f.prior, _w("side_uncalibrated"))]
    trajectories = [([b.coverage for b in d.prim.boxes], [b.density for b in d.prim.boxes],
                     [b.n_restricted for b in d.prim.boxes], d.prim.chosen, label)
                    for d, label in sides if d is not None]
    order = [n for n, _, _ in main.without]
    if len(order) < 2:  # one restricted input: pair it with the prior box's most important other one
        order += [n for n, _, _ in f.prior.without if n not in order]
    scatter = box = None
    labels = ("", "")
    if len(order) >= 2:
        ensemble = run.calibrated if f.calibrated is not None else run.prior
        m = main.futures
        idx = _resample(ensemble, m, run.scenario.seed, f.calibrated is not None)
        cols = [ensemble.inputs.names.index(n) for n in order[:2]]
        xy = ensemble.inputs.values[idx][:, cols]
        holds = evaluate_condition(parse_condition(f.condition, METRICS),
                                   {k: v[:m][idx] for k, v in ensemble.metrics.items()})
        scatter = (xy[:, 0], xy[:, 1], holds)
        limits = main.prim.box.limits
        box = tuple(limits.get(n, (None, None)) for n in order[:2])  # type: ignore[assignment]
        labels = (_axis(order[0]), _axis(order[1]))
    note = _w("discovery_note")
    return peeling_chart(trajectories, share=main.share, scatter=scatter, axes_labels=labels,
                         box=box, title=discovery_title(f.name, f.condition),  # type: ignore[arg-type]
                         caption=_caption(run) + note)


def analyst_figures(run: RunResult) -> Iterator[tuple[str, str, Figure]]:
    """``(file stem, title, figure)`` of each analyst chart the run has."""
    a = run.analyst
    if a is None:
        return
    for f in a.discovery:
        yield f"discovery_{f.name}", discovery_title(f.name, f.condition), _discovery_figure(run, f)
    s = a.stopping
    if s is not None:
        first = s.target.metrics[0] if s.target.metrics else None
        title = _w("stopping_title")
        fig = stopping_chart(
            [c.samples for c in s.checks], {texts.header(m, current()): [c.worst(m) for c in s.checks] for m in s.target.metrics},
            tolerance=s.target.tolerance, stopped_at=s.samples,
            estimates=[c.estimates[first] for c in s.checks] if first else None,
            quantile_labels=[quantile_key(q) for q in s.target.quantiles] if first else (),
            estimate_label=f"{texts.title(first, current())} ({unit(METRICS[first].unit)})" if first else "",
            title=title,
            caption=_caption(run) + _w("stopping_note"))
        yield "convergence_stopping", title, fig
    t = a.tradeoffs
    if t is not None:
        cols_p = [run.prior.inputs.names.index(n) for n in t.names]
        cols_c = [run.calibrated.inputs.names.index(n) for n in t.names]
        m = len(run.calibrated.inputs)
        title = _w("corner_title")
        fig = corner_chart([texts.parameter_label(n, current()) for n in t.names], run.prior.inputs.values[:, cols_p],
                           run.calibrated.inputs.values[:, cols_c], run.calibrated.head_weights(m), title=title,
                           caption=_caption(run) + _w("corner_note"))
        yield "corner_inputs", title, fig
