"""The inputs the reported figures tie together: those calibration informs most, with their rank
correlations before and after calibration (numbers only; the corner plot draws them)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ...analysis.outcome import Ensemble, RunResult
from ...analysis.stats import weighted_quantile, weighted_spearman

__all__ = ["Tradeoffs", "TRADEOFF_INPUTS", "tradeoffs", "compute"]

#: Inputs shown in the corner plot.
TRADEOFF_INPUTS = 5
#: Prior futures (the first ones) that estimate the prior's distribution and rank correlations: the
#: calibrated futures they are compared with are 4,096 SMC particles or the prior ones weighted.
PRIOR_ROWS = 16_384


@dataclass(frozen=True)
class Tradeoffs:
    """The inputs the calibration informs most, for the corner plot.

    ``narrowing[k]``: 1 - (calibrated interquartile range / prior interquartile range) of input
    k on its prior's probability scale (0: not informed; 1: pinned down). ``prior_rank`` and
    ``calibrated_rank`` are their (k, k) Spearman matrices before and after calibration.
    """

    names: tuple[str, ...]
    narrowing: tuple[float, ...]
    prior_rank: np.ndarray
    calibrated_rank: np.ndarray


def tradeoffs(priors: Sequence, *, prior: Ensemble, calibrated: Ensemble, top: int = TRADEOFF_INPUTS) -> Tradeoffs:
    """The ``top`` uncertain inputs the calibration informs most.

    Each input is put on its prior's probability scale (its prior CDF, estimated by the prior
    samples: uniform before calibration);
    its score is how much calibration narrows its interquartile range there, plus how far it moves
    its median (both as shares of the prior's range). The inputs of the pair whose rank correlation
    calibration changes most are always included: that is the trade-off the figures impose.
    """
    uncertain = [p for p in priors if p.is_uncertain]
    names = [p.name for p in uncertain]
    m = len(calibrated.inputs)
    w = calibrated.head_weights(m)
    x_cal = calibrated.input_columns(names)
    prior_columns = prior.input_columns(names)[:PRIOR_ROWS]
    x_prior = np.sort(prior_columns, axis=0)
    # the prior CDF, estimated by the prior samples (exact CDFs of beta or truncated normals are slow)
    u_cal = np.column_stack([np.searchsorted(x_prior[:, j], x_cal[:, j]) / x_prior.shape[0]
                             for j in range(len(names))])
    q = np.asarray(weighted_quantile(u_cal, [0.25, 0.5, 0.75], w))
    narrowing = 1.0 - (q[2] - q[0]) / 0.5
    score = narrowing + 2.0 * np.abs(q[1] - 0.5)
    before = weighted_spearman(prior_columns, None)
    after = weighted_spearman(x_cal, w)
    change = np.abs(after - before)
    np.fill_diagonal(change, 0.0)
    i, j = np.unravel_index(int(np.argmax(change)), change.shape)
    chosen = [int(i), int(j)] if change[i, j] > 0 else []
    for k in np.argsort(-score, kind="stable"):
        if len(chosen) >= min(top, len(names)):
            break
        if int(k) not in chosen:
            chosen.append(int(k))
    chosen.sort()
    idx = np.ix_(chosen, chosen)
    return Tradeoffs(tuple(names[k] for k in chosen), tuple(float(narrowing[k]) for k in chosen),
                     before[idx], after[idx])




def compute(run: RunResult, context: object) -> Tradeoffs | None:
    """When the run is calibrated and has two uncertain inputs or more."""
    names = [p.name for p in run.priors if p.is_uncertain]
    if not run.calibration.calibrated or len(names) < 2:
        return None
    return tradeoffs(run.priors, prior=run.prior, calibrated=run.calibrated)
