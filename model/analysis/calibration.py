"""How well each Monte Carlo future reproduces the article figures, and what follows.

The observation model: each observed figure is the model quantity at its date times a
lognormal error; the figure's 90 % error range is ``value / (1 + spread)`` to
``value × (1 + spread)`` (spread from the scenario, else from the figure's reliability),
or, for a claim in words, the interval the words mean ("Hunderte": 200-999, model/inputs/phrases.yaml).
The likelihood of a future is the product of these densities (with their normalising constants, so that the marginal
likelihood, the model evidence, can be compared between scenarios on the same figures).

The calibrated ("posterior") sample comes either from importance weighting of the prior
samples or, when that leaves too few effective samples, from tempered Sequential Monte
Carlo (``model.analysis.smc``); this module takes either and computes the diagnostics:

- effective sample size ``ESS = 1 / sum(w²)`` (weights summing to 1): how many
  equally weighted samples the calibrated result is worth;
- per figure, the model's p5/p50/p95 at its date before and after calibration and
  whether the reported value (or range) meets the calibrated 90 % band;
- leave-one-out: where the reported value falls in the model calibrated on all
  *other* figures; outside the 5-95 % band means the figure disagrees with the rest;
- pairs that pull against each other: ``r_ij = mean(L_i L_j) / (mean(L_i) mean(L_j))``
  over the prior samples, the factor by which fitting one figure changes how well the
  model can fit the other (1: unrelated, above 1: they support each other, below
  ``CONFLICT_RATIO``: they pull against each other; a ratio of marginal likelihoods).

Leave-one-out and the pairwise ratios are always computed from the *prior* samples by
importance weighting, whichever method made the posterior: both are statements about
marginal likelihoods over the prior (what the other figures alone imply), which the prior
design estimates directly; only the calibrated bands and weights come from the posterior.

Series: figures that observe the same trajectory at different dates are one series whose
errors are correlated (``model.analysis.series``): one multiplicative error shared by the
series (a share ``series_correlation`` of each figure's log-error variance, default 0.5)
plus an independent part per date, so ``K`` reports of one cumulative count weigh like
``K / (1 + (K - 1) ρ)`` independent ones. Leave-one-out and the pairwise ratios use the
joint density of the figures they keep.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np
from scipy import stats

from ..core.months import month_index, month_name
from ..inputs.claims import phrase_interval
from ..inputs.registry import DEFAULT_RELATIVE_SPREAD, Figure
from .likelihoods import log_capacity, log_count, log_undated, log_words
from .series import series_correction, series_groups
from .smc import importance_weights
from .stats import normalise_log_weights, quantiles_under

__all__ = ["ObservedFigure", "ObservationFit", "Calibration", "Posterior", "observed_figure", "calibrate",
           "log_likelihoods", "MIN_HEALTHY_ESS", "with_node_columns", "observation_points", "date_draws",
           "fill_drawn_dates", "date_nodes", "integrated_over_dates",
           "MAX_DATE_NODES"]

Z90 = float(stats.norm.ppf(0.95))
MIN_HEALTHY_ESS = 100.0
CONFLICT_RATIO = 0.5


@dataclass(frozen=True)
class ObservedFigure:
    """An article figure as the calibration uses it (values in the output's unit), read as the kind of
    claim it is (``model.inputs.claims``; the likelihoods: ``model.analysis.likelihoods``).

    ``low``/``high``: the model values the claim allows - a count's 90 % error range, a capacity claim's
    bound times its fill range, the interval the words mean (``high`` may be inf). ``sigma``: the
    log-error standard deviation (from the 90 % range or the reliability). ``node_columns``: for an
    undated total, the columns of ``observed_values`` holding the model at each of its possible months
    (``months``); its own column then holds, per sample, one of them in turn (a draw of the date).
    """

    figure_id: str
    output: str
    month: str
    reported: float | None  # the value stated (None: the figure is words), or the geometric middle of a range
    low: float
    high: float
    label: str
    is_range: bool = False  # a count given as a range, not a value
    kind: str = "count"
    sigma: float = 0.0  # 0: from low/high (a count's 90 % range)
    months: tuple[str, ...] = ()  # an undated total's possible months
    node_columns: tuple[int, ...] = ()
    fill: tuple[float, float] = (1.0, 1.0)  # a capacity claim's fill and calibre-mix factor range
    bound: str = "interval"  # words: interval, at_least, at_most
    words: str = ""  # words: as the quote has them

    @property
    def sigma_log(self) -> float:
        if self.sigma > 0:
            return self.sigma
        return float(np.log(self.high / self.low) / (2 * Z90))

    @property
    def centre_log(self) -> float:
        """ln of the value reported (a count's range: its geometric middle)."""
        if self.reported is not None and self.kind in ("capacity", "total_undated"):
            return float(np.log(self.reported))
        return float((np.log(self.high) + np.log(self.low)) / 2)

    @property
    def allowed(self) -> tuple[float, float]:
        """The model values the claim allows without error: a count its value, a capacity claim its
        bound times the fill range, words their interval."""
        if self.kind == "words" and self.bound != "interval":
            return (self.low, float("inf")) if self.bound == "at_least" else (0.0, self.high)
        if self.kind in ("capacity", "words") or self.is_range:
            return self.low, self.high
        assert self.reported is not None
        return self.reported, self.reported

    def log_likelihood(self, model_values: np.ndarray) -> np.ndarray:
        """Log density (words: log probability) of the claim given each sample's model value (same unit);
        an undated total takes the (n, K) values at its possible months."""
        if self.kind == "capacity":
            return log_capacity(model_values, self.centre_log, self.sigma_log, *self.fill)
        if self.kind == "words":
            return log_words(model_values, self.low, self.high, self.sigma_log, self.bound)
        if self.kind == "total_undated" and np.ndim(model_values) == 2:
            return log_undated(model_values, self.centre_log, self.sigma_log)
        return log_count(model_values, self.centre_log, self.sigma_log)


MAX_DATE_NODES = 6  # an undated total's date is integrated over at most this many months, evenly spread


def date_nodes(first: str, last: str) -> tuple[str, ...]:
    """Up to ``MAX_DATE_NODES`` months from ``first`` to ``last``, evenly spread, both ends included."""
    a, b = month_index(first), month_index(last)
    count = b - a + 1
    if count <= MAX_DATE_NODES:
        return tuple(month_name(a + i) for i in range(count))
    picks = np.unique(np.rint(np.linspace(a, b, MAX_DATE_NODES)).astype(int))
    return tuple(month_name(int(i)) for i in picks)


def observed_figure(figure: Figure, *, output: str, month: str, spread: float | None, factor: float = 1.0,
                    window: tuple[str, str] | None = None, between: tuple[str, str] | None = None) -> ObservedFigure:
    """Build the calibration's view of a registry figure (``factor`` converts its unit).

    ``window``: the scenario's first and last month (an undated total's period ends at the last unless
    the claim or ``between`` says otherwise); ``between``: an undated total's period as the scenario
    gives it.
    """
    claim = figure.claim
    kind = figure.claim_kind
    s = spread if spread is not None else DEFAULT_RELATIVE_SPREAD[figure.reliability]
    label = f"{figure.display_value} ({figure.claimant.split(',')[0]}, {figure.as_of})"
    if kind == "words":
        assert claim is not None and claim.phrase is not None
        low, high = phrase_interval(claim.phrase, figure.value)
        return ObservedFigure(figure.id, output, month, None, low * factor, high * factor, label, kind="words",
                              sigma=float(np.log1p(s) / Z90), bound=claim.bound, words=claim.words or "")
    if kind == "capacity":
        assert claim is not None and claim.fill is not None and figure.value is not None
        value = figure.value * factor
        return ObservedFigure(figure.id, output, month, value, value * claim.fill.low, value * claim.fill.high, label,
                              kind="capacity", sigma=float(np.log1p(s) / Z90), fill=(claim.fill.low, claim.fill.high))
    has_range = figure.low is not None and figure.high is not None
    # a value with a spread; the figure's own range when it has one and no spread is given
    if figure.value is not None and (spread is not None or not has_range):
        value = figure.value * factor
        low, high = value / (1 + s), value * (1 + s)
        reported = value
    else:
        low, high = figure.low * factor, figure.high * factor  # type: ignore[operator]
        if spread is not None:
            low, high = low / (1 + spread), high * (1 + spread)
        reported = float(np.sqrt(low * high)) if figure.value is None else figure.value * factor
    if kind == "total_undated":
        assert claim is not None and claim.period_from is not None
        first, last = between or (claim.period_from, claim.period_to or (window[1] if window else month))
        nodes = date_nodes(first, last)
        return ObservedFigure(figure.id, output, nodes[-1], float(reported), float(low), float(high), label,
                              kind=kind, months=nodes)
    return ObservedFigure(figure.id, output, month, float(reported), float(low), float(high), label,
                          is_range=figure.value is None, kind=kind)


def with_node_columns(observed: list[ObservedFigure]) -> list[ObservedFigure]:
    """The figures with the columns of their extra dates numbered: one column per figure first, then
    the possible months of each undated total in turn (the layout of ``observed_values``)."""
    out, column = [], len(observed)
    for o in observed:
        if o.months:
            out.append(replace(o, node_columns=tuple(range(column, column + len(o.months)))))
            column += len(o.months)
        else:
            out.append(o)
    return out


def observation_points(observed: list[ObservedFigure]) -> list[tuple[str, str]]:
    """(trajectory, month) of every column of ``observed_values`` after the figures' own: the
    possible months of the undated totals (the figures' own columns are their months, or a draw of
    them for an undated total)."""
    return [(o.output, m) for o in observed for m in o.months]


def date_draws(observed: list[ObservedFigure]) -> tuple[tuple[int, tuple[int, ...]], ...]:
    """(own column, columns of its possible months) of each undated total."""
    return tuple((j, o.node_columns) for j, o in enumerate(observed) if o.node_columns)


def fill_drawn_dates(values: np.ndarray, draws: tuple[tuple[int, tuple[int, ...]], ...], sample_index: np.ndarray
                     ) -> None:
    """Fill, in place, each undated total's own column from the values at its possible months: sample
    ``i`` takes month ``i mod K`` (a draw of the date that does not depend on how samples are split)."""
    rows = np.arange(values.shape[0])
    for j, cols in draws:
        pick = np.asarray(cols)[np.asarray(sample_index) % len(cols)]
        values[:, j] = values[rows, pick]


@dataclass(frozen=True)
class ObservationFit:
    figure_id: str
    reported: float
    low: float
    high: float
    month: str
    prior: tuple[float, float, float]  # p5, p50, p95 of the model at the figure's date
    calibrated: tuple[float, float, float]
    fits: bool  # reported range meets the calibrated 90 % band
    loo_quantile: float  # where the reported value falls in the model calibrated on the others
    in_tension: bool


@dataclass(frozen=True)
class Posterior:
    """A calibrated sample made elsewhere (SMC): model values at the figures' dates and weights."""

    values: np.ndarray  # (m, k)
    weights: np.ndarray  # (m,), sum 1
    method: Literal["importance", "smc"]
    log_evidence: float
    effective_sample_size: float
    stages: int = 1
    evaluations: int = 0
    acceptance_rates: tuple[float, ...] = ()
    temperatures: tuple[float, ...] = (0.0, 1.0)
    unique_fraction: float = 1.0


@dataclass
class Calibration:
    """Posterior weights (summing to 1) and how each figure fits (numbers only; the sentences a
    person reads are made by ``model.presentation.words``).

    ``weights`` belong to the calibrated sample: the prior samples themselves (importance
    weighting) or the SMC particles."""

    weights: np.ndarray
    effective_sample_size: float
    fits: list[ObservationFit]
    conflicts: list[tuple[str, str, float]] = field(default_factory=list)  # (figure a, figure b, ratio)
    method: Literal["none", "importance", "smc"] = "importance"
    log_evidence: float | None = None  # natural log of the marginal likelihood of the observed figures
    stages: int = 1
    evaluations: int = 0  # model evaluations beyond the prior sample, counted per sample
    acceptance_rates: tuple[float, ...] = ()
    temperatures: tuple[float, ...] = (0.0, 1.0)
    unique_fraction: float = 1.0
    series: tuple[tuple[str, ...], ...] = ()  # figure ids of each trajectory observed more than once
    series_correlation: float = 0.0  # ρ: share of each figure's log-error variance common to its series

    @property
    def calibrated(self) -> bool:
        return bool(self.fits)


def _check_integrated(observed: list[ObservedFigure], integrated: dict[str, np.ndarray] | None) -> None:
    """``integrated`` is all or nothing: the columns of the undated totals' months follow the figures'."""
    missing = [o.figure_id for o in observed if o.node_columns and integrated is not None and o.figure_id not in integrated]
    if missing:
        raise ValueError(f"integrated lacks the undated totals {missing}: give every one of them, or none")


_ROWS_AT_ONCE = 1 << 18  # samples whose log densities are computed at once: bounds the float64 temporaries


def integrated_over_dates(model_values: np.ndarray, observed: list[ObservedFigure]) -> dict[str, np.ndarray]:
    """Each undated total's log-likelihood (float32, as :func:`log_likelihoods` keeps it), integrated over its
    possible months, from the (n, k + those months) model values: what a run keeps per sample in place of
    the model values at those months (``integrated=`` of :func:`log_likelihoods` and :func:`calibrate`)."""
    return {o.figure_id: log_likelihoods(model_values, [o])[:, 0] for o in observed if o.node_columns}


def log_likelihoods(model_values: np.ndarray, observed: list[ObservedFigure], *,
                    integrated: dict[str, np.ndarray] | None = None) -> np.ndarray:
    """(n, k) log density of each figure given each sample's model values, in float32: seven significant
    digits are ample for weights and halve the memory of large runs.

    ``model_values``: (n, k + the undated totals' extra dates), or (n, k) when ``integrated`` holds every
    undated total's log-likelihood (by figure id, from :func:`integrated_over_dates`), which is then
    taken as it is. Computed in blocks of samples, so the float64 temporaries stay small whatever n.
    """
    values = np.asarray(model_values)
    _check_integrated(observed, integrated)
    out = np.empty((values.shape[0], len(observed)), dtype=np.float32)
    for j in range(len(observed)):
        _figure_log_likelihood(values, observed, j, integrated, out=out[:, j])
    return out


def _figure_log_likelihood(values: np.ndarray, observed: list[ObservedFigure], j: int,
                           integrated: dict[str, np.ndarray] | None, *, out: np.ndarray | None = None) -> np.ndarray:
    """Column ``j`` of :func:`log_likelihoods` (float32), into ``out`` if given."""
    o = observed[j]
    n = values.shape[0]
    out = np.empty(n, dtype=np.float32) if out is None else out
    if o.node_columns and integrated is not None:
        out[:] = integrated[o.figure_id]
        return out
    for a in range(0, n, _ROWS_AT_ONCE):
        rows = slice(a, min(a + _ROWS_AT_ONCE, n))
        out[rows] = o.log_likelihood(values[rows, list(o.node_columns)] if o.node_columns else values[rows, j])
    return out


def _summed_log_likelihoods(model_values: np.ndarray, observed: list[ObservedFigure],
                            integrated: dict[str, np.ndarray] | None) -> np.ndarray:
    """(n,) float64 sum over the figures of :func:`log_likelihoods`, the same numbers, made a block of
    samples at a time: the (n, k) log densities need not exist while the weights are made."""
    n = model_values.shape[0]
    total = np.empty(n)
    for a in range(0, n, _ROWS_AT_ONCE):
        rows = slice(a, min(a + _ROWS_AT_ONCE, n))
        part = None if integrated is None else {fid: v[rows] for fid, v in integrated.items()}
        np.sum(log_likelihoods(model_values[rows], observed, integrated=part), axis=1, dtype=np.float64, out=total[rows])
    return total


def _cdfs_from_log_weights(values: np.ndarray, log_w: np.ndarray, xs: tuple[float, ...]) -> list[float]:
    """Share of the weight exp(log_w) on values <= x, for each x, computed in place in ``log_w``
    (overwritten): no array of weights (nor of the finite log weights) is made, which keeps
    ten-million-sample runs in bounded memory."""
    finite = np.isfinite(log_w)
    if not finite.any():
        return [float(np.mean(values <= x)) for x in xs]
    top = np.max(log_w, where=finite, initial=-np.inf)
    del finite
    np.subtract(log_w, top, out=log_w)
    np.exp(log_w, out=log_w)  # exp(-inf) = 0
    total = log_w.sum()
    return [float(np.sum(log_w, where=values <= x) / total) for x in xs]


def _log_mean_exp(log_w: np.ndarray) -> float:
    """log(mean(exp(log_w))), computed in place in ``log_w`` (overwritten)."""
    top = float(np.max(log_w))
    if not np.isfinite(top):
        return top
    np.subtract(log_w, top, out=log_w)
    np.exp(log_w, out=log_w)
    return top + float(np.log(log_w.mean()))


def _weighted_cdf(values: np.ndarray, weights: np.ndarray, x: float) -> float:
    return float(np.sum(weights[values <= x]))


def calibrate(model_values: np.ndarray, observed: list[ObservedFigure], *,
              posterior: Posterior | None = None, series_correlation: float = 0.0,
              integrated: dict[str, np.ndarray] | None = None) -> Calibration:
    """Calibrate, and say how every observed figure fits.

    Parameters
    ----------
    model_values
        (n, k): prior sample i's model value for figure j at its date, in the figure's unit (an
        undated total: at a date drawn for the sample), then the model values at the undated totals'
        possible months, unless ``integrated`` holds their log-likelihoods.
    observed
        The k figures, in the same order as the columns.
    posterior
        The calibrated sample when made by SMC; without it the prior samples are
        importance-weighted by their likelihood.
    series_correlation
        ``ρ`` of the figures that share a trajectory (see ``model.analysis.series``); 0:
        every figure's error is independent.
    integrated
        Each undated total's log-likelihood per prior sample, already integrated over its possible
        months (``integrated_over_dates``, by figure id): ``model_values`` is then (n, k).
    """
    model_values = np.asarray(model_values)
    n = model_values.shape[0]
    if not observed:
        w = np.full(n, 1.0 / n)
        return Calibration(w, float(n), [], [], method="none")
    _check_integrated(observed, integrated)
    extra = 0 if integrated is not None else sum(len(o.node_columns) for o in observed)
    if model_values.shape != (n, len(observed) + extra):
        raise ValueError(f"model_values has shape {model_values.shape}, expected ({n}, {len(observed) + extra})")
    # In an order that keeps few arrays of n at once (ten million samples: 80 MB each): the summed
    # log-likelihood, then the weights, the bands, leave-one-out a figure at a time, and only then
    # every figure's log density for the pairs
    total = _summed_log_likelihoods(model_values, observed, integrated)
    rho = float(series_correlation)
    groups = series_groups(observed) if rho > 0 else []
    if groups:
        total = total + series_correction(model_values, observed, rho)
    if posterior is None:
        weights, ess, log_evidence = importance_weights(total)
        post_values = model_values
        run = Posterior(model_values, weights, "importance", log_evidence, ess)
    else:
        weights, post_values, run = posterior.weights, np.asarray(posterior.values), posterior
    q = np.array([0.05, 0.5, 0.95])
    bands = []
    for j in range(len(observed)):
        v = model_values[:, j]
        if post_values is model_values:  # importance weighting: the same samples, one sort
            prior_q, post_q = quantiles_under(v, [None, weights], q)
        else:
            (prior_q,) = quantiles_under(v, [None], q)
            (post_q,) = quantiles_under(post_values[:, j], [weights], q)
        bands.append((tuple(float(x) for x in prior_q), tuple(float(x) for x in post_q)))
    loglik: np.ndarray | None = None  # (n, k) float32 log densities, made when first needed
    fits: list[ObservationFit] = []
    for j, (o, (prior, post)) in enumerate(zip(observed, bands)):
        v = model_values[:, j]
        allowed_low, allowed_high = o.allowed
        centre = o.reported if o.reported is not None else (
            allowed_low if not np.isfinite(allowed_high) else float(np.sqrt(allowed_low * allowed_high)))
        fit = allowed_low <= post[2] and allowed_high >= post[0]  # the claim meets the calibrated 90 % band
        if len(observed) > 1 and any(j in g for g in groups):  # its series without it: a new joint density
            if loglik is None:
                loglik = log_likelihoods(model_values, observed, integrated=integrated)
            rest = [i for i in range(len(observed)) if i != j]
            without = loglik[:, rest].sum(axis=1, dtype=np.float64) + series_correction(
                model_values, observed, rho, present=rest)
            others = normalise_log_weights(without)
            loo, below, above = (_weighted_cdf(v, others, x) for x in (centre, allowed_low, allowed_high))
        elif len(observed) > 1:
            others = total - _figure_log_likelihood(model_values, observed, j, integrated)
            loo, below, above = _cdfs_from_log_weights(v, others, (centre, allowed_low, allowed_high))
            del others
        else:
            loo, below, above = (float(np.mean(v <= x)) for x in (centre, allowed_low, allowed_high))
        # in tension: the others put the model almost surely below what the claim allows, or above it
        tension = below > 0.95 or above < 0.05
        fits.append(ObservationFit(o.figure_id, centre, o.low, o.high, o.month, prior, post,  # type: ignore[arg-type]
                                   bool(fit), loo, tension))
    del total
    if loglik is None:
        loglik = log_likelihoods(model_values, observed, integrated=integrated)
    conflicts: list[tuple[str, str, float]] = []
    log_mean = []
    buffer = np.empty(n)  # one work array for the pairwise sums
    for j in range(len(observed)):
        buffer[:] = loglik[:, j]
        log_mean.append(_log_mean_exp(buffer))
    for i in range(len(observed)):
        for j in range(i + 1, len(observed)):
            np.add(loglik[:, i], loglik[:, j], out=buffer, dtype=np.float64)
            if any(i in g and j in g for g in groups):
                buffer += series_correction(model_values, observed, rho, present=(i, j))
            joint = _log_mean_exp(buffer)
            ratio = float(np.exp(joint - log_mean[i] - log_mean[j]))
            if ratio < CONFLICT_RATIO:
                conflicts.append((observed[i].figure_id, observed[j].figure_id, float(ratio)))
    return Calibration(weights, float(run.effective_sample_size), fits, conflicts, method=run.method,
                       log_evidence=float(run.log_evidence), stages=run.stages, evaluations=run.evaluations,
                       acceptance_rates=run.acceptance_rates, temperatures=run.temperatures,
                       unique_fraction=run.unique_fraction,
                       series=tuple(tuple(observed[j].figure_id for j in g) for g in series_groups(observed)),
                       series_correlation=rho)
