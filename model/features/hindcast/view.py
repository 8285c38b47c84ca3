"""A hindcast for people: ``hindcast.json``, the terminal table and the figure.

``hindcast.json`` (sorted keys, numbers to six significant digits, byte-stable for the same
scenario, seed and ``--until``)::

    {"scenario", "until", "seed", "samples",
     "fitted": [figure ids dated up to --until],
     "calibration": {"method", "effective_sample_size", "log_evidence"},
     "futures": m, "effective_futures": ...,            # what the predictions rest on
     "withheld": [{"id", "output", "month", "reported", "error_range_90": [low, high],
                   "predictive": {"p5", "p50", "p95"}, "inside_90", "percentile",
                   "crps_log", "log_score", "series_conditioned",
                   "prior_predictive": {"p5", "p50", "p95", "inside_90", "percentile",
                                        "crps_log", "log_score"}}],
     "total_log_score", "prior_total_log_score", "notes": {...}}

``percentile`` is the predictive probability of a report at or below the reported value;
``crps_log`` the continuous ranked probability score of the log value (0 for a perfect
sharp prediction; about the typical relative miss), ``log_score`` the log predictive density
of the log value (higher is better). The prior columns say what the model predicted before
any calibration, so the difference shows what fitting the earlier figures gained.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from ...analysis.calibration import ObservedFigure
from ...analysis.predictive import PredictiveCheck
from ...core.catalogue import TRAJECTORIES
from ...inputs.registry import Registry
from ...presentation.charts.predictive import HindcastMark, HindcastPanel, hindcast_chart
from ...presentation.numbers import format_count, format_value
from ...summary.build import trajectory_quantiles
from .compute import Hindcast

__all__ = ["hindcast_document", "hindcast_lines", "hindcast_figure", "NOTES"]

NOTES = {
    "predictive": "what a report at the figure's date was expected to say: the calibrated model value at that date "
                  "times the figure's lognormal error (its 90 % error range)",
    "percentile": "predictive probability of a report at or below the reported value (0.5: as expected; below 0.05 "
                  "or above 0.95: outside the 90 % interval)",
    "crps_log": "continuous ranked probability score of the log of the report (lower is better; 0 for a sharp and "
                "exact prediction, about the typical relative miss otherwise)",
    "log_score": "log predictive density of the log of the report, natural log (higher is better); summed over "
                 "the withheld figures one at a time",
    "dates": "an observation is dated by the month the model is compared at (its at:, by default the figure's "
             "as_of); fitted: dated up to --until, withheld: after it",
}


def _num(x: float | None) -> float | None:
    if x is None or not math.isfinite(float(x)):
        return None
    return float(f"{float(x):.6g}")


def _check(c: PredictiveCheck) -> dict[str, Any]:
    return {"p5": _num(c.p5), "p50": _num(c.p50), "p95": _num(c.p95), "inside_90": c.inside,
            "percentile": _num(c.percentile), "crps_log": _num(c.crps), "log_score": _num(c.log_score)}


def hindcast_document(h: Hindcast) -> dict[str, Any]:
    """The content of ``hindcast.json`` (see the module docstring)."""
    cal = h.run.calibration
    withheld = []
    for p in h.points:
        o = p.observed
        c = _check(p.calibrated)
        withheld.append({
            "id": o.figure_id, "output": o.output, "month": o.month,
            "reported": None if o.reported is None else _num(o.reported), "claim": o.kind,
            "allowed": [_num(o.allowed[0]), _num(o.allowed[1])], "error_range_90": [_num(o.low), _num(o.high)],
            "predictive": {k: c[k] for k in ("p5", "p50", "p95")},
            "inside_90": c["inside_90"], "percentile": c["percentile"], "crps_log": c["crps_log"],
            "log_score": c["log_score"], "series_conditioned": p.series_conditioned,
            "prior_predictive": _check(p.prior),
        })
    return {
        "scenario": h.scenario.name,
        "until": h.until,
        "seed": h.run.scenario.seed,
        "samples": h.run.scenario.samples,
        "fitted": [o.figure_id for o in h.fitted],
        "calibration": {"method": cal.method, "effective_sample_size": _num(cal.effective_sample_size),
                        "log_evidence": _num(cal.log_evidence) if cal.log_evidence is not None else None},
        "futures": h.futures,
        "effective_futures": _num(h.effective_futures),
        "withheld": withheld,
        "total_log_score": _num(sum(p.calibrated.log_score for p in h.points)),
        "prior_total_log_score": _num(sum(p.prior.log_score for p in h.points)),
        "notes": NOTES,
    }


def _unit(output: str) -> str:
    return TRAJECTORIES[output].unit


def _mark_span(o: ObservedFigure) -> tuple[float, float, float]:
    """(value, low, high) a figure is drawn with: a count its value and error range; a bound or words the
    values they allow (an open interval from its lower edge)."""
    if o.kind in ("count", "share", "total_undated") and o.reported is not None:
        return o.reported, o.low, o.high
    low, high = o.allowed
    point = o.reported if o.reported is not None else low
    return point, low, high if np.isfinite(high) else point


def claim_value(o: ObservedFigure, unit: str, lang: str = "en") -> str:
    """What a figure says, as the claim it is: a value; "“schon Hunderte” (at least 200)"; "at most about
    3.5 million"; "20 bn by an open date"."""
    if o.kind == "words":
        low, high = o.allowed
        span = f"≥ {format_value(low, unit, lang)}" if not np.isfinite(high) else (
            f"{format_value(o.low, unit, lang)}–{format_value(o.high, unit, lang)}")
        return f"“{o.words}” ({span})"
    assert o.reported is not None
    if o.kind == "capacity":
        return f"≤ {format_value(o.reported, unit, lang)}"
    return format_value(o.reported, unit, lang)


def hindcast_lines(h: Hindcast) -> list[str]:
    """The terminal report: what was fitted, then one row per withheld figure."""
    cal = h.run.calibration
    fitted = ", ".join(f"{o.figure_id} ({o.month})" for o in h.fitted) or "nothing (the prior alone)"
    how = (f"{cal.method}, effective sample size {format_count(cal.effective_sample_size)}" if h.fitted
           else "uncalibrated")
    lines = [f"Hindcast of {h.scenario.name}: calibrated on the figures dated up to {h.until}: {fitted}; {how}.",
             f"Predictions for the {len(h.points)} later figure(s), from {format_count(h.futures)} futures "
             f"(effective {format_count(h.effective_futures)}):", ""]
    header = ("figure", "month", "reported", "predicted median (90 % interval)", "inside", "pctl", "CRPS",
              "log score", "prior: inside, pctl, log score")
    rows = []
    for p in h.points:
        o, c, b = p.observed, p.calibrated, p.prior
        u = _unit(o.output)
        rows.append((o.figure_id, o.month, claim_value(o, u),
                     f"{format_value(c.p50, u)} ({format_value(c.p5, u)} to {format_value(c.p95, u)})",
                     "yes" if c.inside else "NO", f"{c.percentile:.2f}", f"{c.crps:.3f}", f"{c.log_score:.2f}",
                     f"{'yes' if b.inside else 'NO'}, {b.percentile:.2f}, {b.log_score:.2f}"))
    widths = [max(len(r[i]) for r in rows + [header]) for i in range(len(header))]
    lines.append("  ".join(h_.ljust(w) for h_, w in zip(header, widths)).rstrip())
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c_.ljust(w) for c_, w in zip(r, widths)).rstrip() for r in rows]
    inside = sum(p.calibrated.inside for p in h.points)
    lines += ["", f"{inside} of {len(h.points)} reported value(s) inside the 90 % predictive interval; total log "
                  f"score {sum(p.calibrated.log_score for p in h.points):.2f} (before calibration "
                  f"{sum(p.prior.log_score for p in h.points):.2f}; higher is better). pctl: predictive percentile of "
                  "the reported value; CRPS of its log (lower is better)."]
    return lines


def _formatter(unit: str) -> Any:
    def fmt(x: float) -> str:
        if x == 0:
            return "0"
        return format_value(x, unit)
    return fmt


def hindcast_figure(h: Hindcast, registry: Registry) -> Figure:
    """Prediction fans (the model calibrated up to ``until``) with the withheld figures on them."""
    run = h.run
    months = list(run.timeline.months)
    cal = run.calibrated
    m = next(iter(cal.trajectories.values())).shape[0]
    w = cal.head_weights(m)
    outputs = list(dict.fromkeys([p.observed.output for p in h.points]))
    panels = []
    for output in outputs:
        entry = TRAJECTORIES[output]
        q = trajectory_quantiles(cal.trajectories[output].astype(float), w)
        prior_median = None
        if run.calibration.calibrated:
            prior_median = np.asarray(trajectory_quantiles(run.prior.trajectories[output].astype(float))[0.5])
        marks = []
        for o in h.fitted:
            if o.output == output:
                marks.append(HindcastMark(o.month, *_mark_span(o), _label(o.figure_id, registry), False))
        for p in h.points:
            o = p.observed
            if o.output == output:
                marks.append(HindcastMark(o.month, *_mark_span(o), _label(o.figure_id, registry), True,
                                          (p.calibrated.p5, p.calibrated.p50, p.calibrated.p95)))
        panels.append(HindcastPanel(entry.chart_title, entry.axis_label, q, prior_median, marks,
                                    _formatter(entry.unit)))
    sc = run.scenario
    fitted = ", ".join(o.figure_id for o in h.fitted) or "no figure"
    caption = (f"Scenario '{h.scenario.name}': {sc.samples:,} samples ({sc.sampling}), seed {sc.seed}; calibrated "
               f"({run.calibration.method}) on the figures dated up to {h.until} only ({fitted}). Bands: the model "
               "value; wide blue bars: the 90 % predictive interval of a report (model spread and the report's "
               "error). Reported figures are claims by their claimants.")
    return hindcast_chart(months, panels, until=h.until,
                          title=f"Hindcast: would the model have predicted the figures after {h.until}?",
                          caption=caption)


def _label(figure_id: str, registry: Registry) -> str:
    if figure_id not in registry:
        return figure_id
    fig = registry.get(figure_id)
    return f"{fig.display_value} ({fig.claimant.split(',')[0]}, {fig.as_of})"
