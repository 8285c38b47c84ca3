"""Every generated sentence a person reads: calibration findings and driver statements.

Numbers come in from ``model.analysis`` (no sentences there); the words are made here,
in one place, so a second language has one module to follow.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from ..analysis.calibration import MIN_HEALTHY_ESS, Calibration, ObservedFigure
from ..analysis.outcome import Drivers
from ..core.catalogue import title
from ..inputs.schema import PARAMETER_INFO
from ..sensitivity._checks import _as_int

__all__ = ["rank_drivers", "calibration_findings", "driver_statement", "NO_OBSERVATIONS"]

NO_OBSERVATIONS = "No observations: results are the uncalibrated Monte Carlo spread."


def calibration_findings(calibration: Calibration, observed: Sequence[ObservedFigure], *, samples: int) -> list[str]:
    """What the calibration says about the figures, most important first.

    Order: too few effective samples; each figure in tension with the rest; each pair that
    pulls against each other; figures not reproduced; or that all fit jointly.
    """
    if not observed:
        return [NO_OBSERVATIONS]
    findings: list[str] = []
    labels = {o.figure_id: o.label for o in observed}
    for fit in calibration.fits:
        if fit.in_tension:
            direction = "above" if fit.loo_quantile > 0.95 else "below"
            findings.append(
                f"{fit.figure_id} ({labels[fit.figure_id]}) is in tension with the other figures: calibrated on "
                f"them, the model puts {fit.loo_quantile:.0%} of its weight below the reported value, so the report "
                f"lies {direction} what the rest implies."
            )
    for a, b, ratio in calibration.conflicts:
        findings.append(
            f"{a} and {b} pull against each other: the samples "
            f"that fit one mostly miss the other (fitting one makes the other {1 / ratio:.3g} times less likely)."
        )
    ess = calibration.effective_sample_size
    if ess < MIN_HEALTHY_ESS:
        share = ess / samples
        hard = (" The reported figures are hard to reconcile under this model's assumptions (fewer than 1 % of "
                "the samples carry the weight).") if share < 0.01 else ""
        findings.insert(0, (
            f"Only {ess:.0f} effective samples of {samples:,} survive the weighting ({share:.1%}), so calibrated "
            f"results rest on few samples: run more samples (--samples).{hard}"
        ))
    misfits = [f.figure_id for f in calibration.fits if not f.fits]
    if misfits:
        findings.append("Not reproduced within the calibrated 90 % band: " + ", ".join(misfits) + ".")
    if not findings:
        findings.append("All observed figures are reproduced jointly; none pulls against the others.")
    return findings


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def rank_drivers(
    indices: ArrayLike,
    names: Sequence[str],
    *,
    metric_label: str,
    top: int = 3,
    threshold: float = 0.05,
    index_label: str = "ST",
    max_negligible: int = 4,
) -> str:
    """A short ranked English statement of which inputs drive a metric.

    Parameters
    ----------
    indices : array_like, shape (d,)
        One sensitivity index per input (e.g. total-order ``ST``); larger
        means more important.
    names : sequence of str
        Input names as they should appear in the sentence (humanise them
        before calling).
    metric_label : str
        What the indices describe, as a noun phrase used as the sentence's
        subject, e.g. ``"the share of shells from abroad"``; its first letter
        is capitalised.
    top : int, default 3
        At most this many drivers are named (only those at or above
        `threshold`).
    threshold : float, default 0.05
        Inputs whose index is below this "barely matter".
    index_label : str, default "ST"
        Label printed with the first value, e.g. ``"(ST 0.52)"``.
    max_negligible : int, default 4
        At most this many negligible inputs are named; the rest are counted.

    Returns
    -------
    str
        e.g. ``"The output depends mostly on a (ST 0.52) and b (0.31); c barely
        matters (ST < 0.05)."``
    """
    vals = np.asarray(indices, dtype=float)
    if vals.ndim != 1 or vals.size == 0:
        raise ValueError(f"indices must be a non-empty 1-D array, got shape {vals.shape}")
    if not np.isfinite(vals).all():
        raise ValueError(f"indices must be finite, got {vals.tolist()!r}")
    if isinstance(names, (str, bytes)) or len(names) != vals.size:
        raise ValueError(f"names must be a sequence of {vals.size} names, got {names!r}")
    if not isinstance(metric_label, str) or not metric_label.strip():
        raise ValueError(f"metric_label must be a non-empty string, got {metric_label!r}")
    top = _as_int(top, "top", minimum=1)
    max_negligible = _as_int(max_negligible, "max_negligible", minimum=0)
    try:
        threshold = float(threshold)
    except (TypeError, ValueError):
        raise ValueError(f"threshold must be a finite number >= 0, got {threshold!r}") from None
    if not (math.isfinite(threshold) and threshold >= 0):
        raise ValueError(f"threshold must be a finite number >= 0, got {threshold!r}")

    label = metric_label.strip()
    names_ = [str(nm) for nm in names]
    order = np.argsort(-vals, kind="stable")
    drivers = [int(i) for i in order[:top] if vals[i] >= threshold]
    negligible = [int(i) for i in order if vals[i] < threshold]
    thr = f"{threshold:g}"

    if drivers:
        parts = [f"{names_[drivers[0]]} ({index_label} {vals[drivers[0]]:.2f})"]
        parts += [f"{names_[i]} ({vals[i]:.2f})" for i in drivers[1:]]
        sentence = f"{label[0].upper()}{label[1:]} depends mostly on {_join(parts)}"
    else:
        sentence = f"No listed input clearly drives {label}: every {index_label} is below {thr}"
        negligible = []  # already said
    if negligible:
        shown = [names_[i] for i in negligible[:max_negligible]]
        rest = len(negligible) - len(shown)
        if rest:
            shown.append(f"{rest} other input{'s' if rest > 1 else ''}")
        verb = "barely matters" if len(negligible) == 1 else "barely matter"
        sentence += f"; {_join(shown)} {verb} ({index_label} < {thr})"
    return sentence + "."


def driver_statement(drivers: Drivers) -> str:
    """Which inputs drive one metric, in a sentence: by total Sobol index, else by tornado swing."""
    label = f"the metric \u201c{title(drivers.metric)}\u201d"
    pretty = [PARAMETER_INFO[n].label for n in drivers.names]
    if drivers.ST is not None:
        return rank_drivers(drivers.ST, pretty, metric_label=label)
    if drivers.swing_low is not None and drivers.swing_high is not None:
        swing = np.abs(drivers.swing_high - drivers.swing_low)
        return rank_drivers(swing / max(swing.sum(), 1e-300), pretty, metric_label=label, index_label="share of swing")
    return ""
