"""Tempered Sequential Monte Carlo (SMC) calibration on the unit hypercube.

The prior is independent uniform on ``[0, 1]^d``; the caller's log-likelihood maps a
point ``u`` to model parameters itself (inverse CDFs) and scores it. Calibration goes
from the prior (temperature ``β = 0``) to the posterior (``β = 1``) through targets
``prior(u) · L(u)^β``:

1. weight the prior particles by ``L^(β' - β)``, with ``β'`` chosen by bisection so the
   weights keep a target effective sample size (ESS);
2. resample systematically, so the population is equally weighted again;
3. move every particle with random-walk Metropolis steps that leave the tempered target
   invariant, restoring the diversity the resampling removed.

Moves are made in probit space ``z = Φ⁻¹(u)``, where the prior is the standard normal
``N(0, I)``: unbounded, so a Gaussian proposal never leaves the support. When the
likelihood is flat enough that plain importance weighting of the prior particles already
has the target ESS, the result is that single weighting step.

The product of the mean incremental weights of the stages estimates the marginal
likelihood ``Z = ∫ L(u) du`` (the evidence), reported on the log scale.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy.special import logsumexp, ndtr, ndtri

__all__ = ["SMCResult", "temper", "importance_weights", "systematic_resample", "UNIT_EPS"]

FloatArray = npt.NDArray[np.float64]
LogLikelihood = Callable[[np.ndarray], np.ndarray]

UNIT_EPS = 1e-12  # u stays in [UNIT_EPS, 1 - UNIT_EPS]: inverse CDFs never see 0 or 1
_MOVE_PROBABILITY = 0.99  # steps per stage: a particle moves at least once with this chance
_MIN_MOVES = 2
_SCALE_RATIO_BOUNDS = (0.3, 3.0)  # largest change of the proposal scale between stages
_BISECTION_RTOL = 1e-10


@dataclass(frozen=True)
class SMCResult:
    """Calibrated particles and diagnostics.

    Attributes
    ----------
    unit_samples : (n, d) final particles, strictly inside (0, 1).
    log_likelihood : (n,) full (β = 1) log-likelihood of ``unit_samples``.
    weights : (n,) normalised weights (sum 1). Importance path: the normalised likelihood;
        SMC path: equal, the particles having been resampled and moved at β = 1 (if the
        stage cap stopped the run early, importance weights from the last β to 1).
    log_evidence : natural log of the marginal likelihood ``log ∫ L(u) du``.
    effective_sample_size : Kish ESS ``1 / Σ w²`` of the last stage's weights before its
        resampling (importance path: of ``weights``), in particles.
    unique_fraction : share of distinct rows of ``unit_samples``.
    temperatures : ``0 = β_0 < β_1 < ... < β_K`` (``β_K = 1`` unless the cap was hit).
    acceptance_rates : mean Metropolis acceptance rate of each SMC stage (empty for
        importance).
    evaluations : log-likelihood evaluations, counted per particle (one call on n
        particles counts n).
    stages : number of weighting steps, ``len(temperatures) - 1``.
    method : ``"importance"`` (one weighting step) or ``"smc"``.
    reached_temperature_one : False when ``max_stages`` stopped the tempering early.
    """

    unit_samples: np.ndarray
    log_likelihood: np.ndarray
    weights: np.ndarray
    log_evidence: float
    effective_sample_size: float
    unique_fraction: float
    temperatures: tuple[float, ...]
    acceptance_rates: tuple[float, ...]
    evaluations: int
    stages: int
    method: Literal["importance", "smc"]
    reached_temperature_one: bool


def importance_weights(log_likelihood_values: np.ndarray) -> tuple[np.ndarray, float, float]:
    """Weight equally weighted prior draws by their likelihood (the one-step method).

    Parameters
    ----------
    log_likelihood_values : (n,) log-likelihood of each prior draw; ``-inf`` marks a
        zero-likelihood draw (weight 0).

    Returns
    -------
    weights : (n,) normalised weights ``L_i / Σ L_j``.
    ess : Kish effective sample size ``1 / Σ w²``, in draws (1 to n).
    log_evidence : ``log mean L``, the Monte Carlo estimate of ``log ∫ L(u) du``.
    """
    ll = _check_log_likelihood(np.asarray(log_likelihood_values, dtype=float), None)
    if not np.isfinite(ll).any():
        raise ValueError("every log-likelihood is -inf: no draw is compatible with the data")
    weights = np.empty_like(ll)  # the work array of the sum, then the weights: one array of n, not four
    log_total = _log_sum_exp(ll, work=weights)
    np.subtract(ll, log_total, out=weights)
    np.exp(weights, out=weights)
    weights /= weights.sum()  # exact normalisation after rounding
    return weights, _kish_ess(weights), log_total - math.log(ll.size)


def _log_sum_exp(values: np.ndarray, *, work: np.ndarray) -> float:
    """``scipy.special.logsumexp`` of finite-or-``-inf`` values with at least one finite, in one work
    array (overwritten) where scipy makes four of the same size (ten million draws: 80 MB each).

    The same steps as scipy's (1.15 and later), so the same number: the largest value's own terms
    are taken out of the sum, ``log1p(Σ exp(x - max) / m) + log(m) + max`` (``m``: how many values
    equal the largest), on one-element arrays as scipy computes them.
    """
    top = np.max(values, keepdims=True)
    at_top = values == top
    m = np.sum(at_top, dtype=float, keepdims=True)
    np.subtract(values, top, out=work)
    work[at_top] = -np.inf  # their terms are the log1p's 1 and log(m)
    del at_top
    np.exp(work, out=work)
    s = np.sum(work, keepdims=True)
    s = np.where(s == 0, s, s / m)
    return float((np.log1p(s) + np.log(m) + top)[0])


def systematic_resample(weights: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Systematic resampling: n indices from one uniform draw.

    Index ``i`` appears ``floor(n w_i)`` or ``ceil(n w_i)`` times, so the resampling noise
    is lower than multinomial; a zero-weight index never appears.

    Parameters
    ----------
    weights : (n,) non-negative weights (normalised here).
    rng : the generator providing the single uniform.

    Returns
    -------
    (n,) int64 indices into ``weights``, sorted.
    """
    w = np.asarray(weights, dtype=float)
    if w.ndim != 1 or w.size == 0:
        raise ValueError("weights must be a non-empty 1-d array")
    if not np.all(np.isfinite(w)) or np.any(w < 0) or w.sum() <= 0:
        raise ValueError("weights must be finite, non-negative and not all zero")
    n = w.size
    cumulative = np.cumsum(w / w.sum())
    cumulative[-1] = 1.0  # rounding must not leave the last position past the end
    positions = (rng.random() + np.arange(n)) / n
    # side="right": position p goes to the first i with cumulative[i] > p, so an empty
    # interval (zero weight) is never hit
    indices = np.searchsorted(cumulative, positions, side="right")
    return np.minimum(indices, n - 1).astype(np.int64)


def temper(
    log_likelihood: LogLikelihood,
    unit_samples: np.ndarray,
    *,
    seed: int | np.random.SeedSequence,
    target_ess_fraction: float = 0.5,
    initial_log_likelihood: np.ndarray | None = None,
    max_stages: int = 50,
    max_moves_per_stage: int = 20,
) -> SMCResult:
    """Calibrate prior particles to the posterior by adaptive likelihood tempering.

    Parameters
    ----------
    log_likelihood : vectorised ``ℓ(u)``: (m, d) points in (0, 1) -> (m,) log-likelihoods,
        ``-inf`` allowed (zero likelihood), NaN and ``+inf`` not. Called on all particles at
        once.
    unit_samples : (n, d) draws from the uniform prior (random or quasi-random). Values are
        clipped to ``[UNIT_EPS, 1 - UNIT_EPS]``.
    seed : seeds ``np.random.default_rng``, the only randomness used; the same inputs and
        seed give identical outputs.
    target_ess_fraction : ESS kept by each weighting step, as a share of the particles that
        can carry weight (finite ℓ). Also the threshold for the importance path: plain
        weighting is kept when its ESS is at least this share of n.
    initial_log_likelihood : (n,) ℓ of ``unit_samples`` if already known (not re-evaluated,
        not counted in ``evaluations``).
    max_stages : cap on the SMC stages; when hit, the result keeps importance weights from
        the last temperature to 1 and ``reached_temperature_one`` is False.
    max_moves_per_stage : cap on the Metropolis steps per stage.

    Returns
    -------
    SMCResult
    """
    if not 0.0 < target_ess_fraction <= 1.0:
        raise ValueError("target_ess_fraction must be in (0, 1]")
    if max_stages < 1 or max_moves_per_stage < 1:
        raise ValueError("max_stages and max_moves_per_stage must be at least 1")
    u = np.asarray(unit_samples, dtype=float)
    if u.ndim != 2 or u.shape[0] < 2 or u.shape[1] < 1:
        raise ValueError("unit_samples must be an (n, d) array with n >= 2, d >= 1")
    if not np.all(np.isfinite(u)) or np.any(u < 0.0) or np.any(u > 1.0):
        raise ValueError("unit_samples must lie in [0, 1]")
    u = np.clip(u, UNIT_EPS, 1.0 - UNIT_EPS)  # copies: the caller's array is never changed
    n, d = u.shape
    rng = np.random.default_rng(seed)

    evaluations = 0
    if initial_log_likelihood is None:
        ll = _evaluate(log_likelihood, u)
        evaluations += n
    else:
        ll = _check_log_likelihood(np.array(initial_log_likelihood, dtype=float), n)

    weights, ess, log_evidence = importance_weights(ll)
    if ess >= target_ess_fraction * n:
        return SMCResult(
            unit_samples=u,
            log_likelihood=ll,
            weights=weights,
            log_evidence=log_evidence,
            effective_sample_size=ess,
            unique_fraction=_unique_fraction(u),
            temperatures=(0.0, 1.0),
            acceptance_rates=(),
            evaluations=evaluations,
            stages=1,
            method="importance",
            reached_temperature_one=True,
        )

    z = ndtri(u)
    beta = 0.0
    log_evidence = 0.0
    temperatures = [0.0]
    acceptance_rates: list[float] = []
    # 2.38/√d is optimal for a Gaussian target with the proposal shaped like its covariance
    scale = 2.38 / math.sqrt(d)
    target_acceptance = _target_acceptance(d)
    while beta < 1.0 and len(temperatures) <= max_stages:
        # Particles are equally weighted here. Zero-likelihood particles (only possible in
        # the first stage) lose their weight at any β' > 0, so the target ESS is a share of
        # the others: any smaller step could not keep more.
        target_ess = target_ess_fraction * np.count_nonzero(np.isfinite(ll))
        new_beta = _next_temperature(ll, beta, target_ess)
        log_increment = (new_beta - beta) * ll  # -inf stays -inf since new_beta > beta
        log_evidence += float(logsumexp(log_increment)) - math.log(n)
        incremental = np.exp(log_increment - logsumexp(log_increment))
        ess = _kish_ess(incremental)
        beta = new_beta
        temperatures.append(beta)

        keep = systematic_resample(incremental, rng)
        z, u, ll = z[keep], u[keep], ll[keep]
        z, u, ll, acceptance, steps = _move(
            log_likelihood, z, u, ll, beta, scale, max_moves_per_stage, rng
        )
        evaluations += steps * n
        acceptance_rates.append(acceptance)
        scale *= _scale_ratio(acceptance, target_acceptance)

    reached = beta >= 1.0
    if reached:
        weights = np.full(n, 1.0 / n)
    else:
        # Stage cap hit: the particles target β < 1; weighting them by L^(1-β) keeps the
        # result an (if degenerate) estimate of the posterior and of the evidence.
        log_increment = (1.0 - beta) * ll
        log_evidence += float(logsumexp(log_increment)) - math.log(n)
        weights = np.exp(log_increment - logsumexp(log_increment))
        weights /= weights.sum()
        ess = _kish_ess(weights)

    return SMCResult(
        unit_samples=u,
        log_likelihood=ll,
        weights=weights,
        log_evidence=float(log_evidence),
        effective_sample_size=float(ess),
        unique_fraction=_unique_fraction(u),
        temperatures=tuple(temperatures),
        acceptance_rates=tuple(acceptance_rates),
        evaluations=evaluations,
        stages=len(temperatures) - 1,
        method="smc",
        reached_temperature_one=reached,
    )


def _next_temperature(ll: FloatArray, beta: float, target_ess: float) -> float:
    """Largest β' in (β, 1] whose incremental weights exp((β' - β)ℓ) keep ``target_ess``.

    The ESS of exp(δℓ) falls as δ grows, so bisection on δ finds where it crosses the
    target. Works on log ESS = 2 lse(δℓ) - lse(2δℓ), which never overflows.
    """
    log_target = math.log(max(target_ess, 1.0))

    def log_ess(delta: float) -> float:
        a = delta * ll
        return float(2.0 * logsumexp(a) - logsumexp(2.0 * a))

    if log_ess(1.0 - beta) >= log_target:
        return 1.0
    lo, hi = 0.0, 1.0 - beta  # ESS(lo) >= target (limit at 0+), ESS(hi) < target
    while hi - lo > _BISECTION_RTOL * hi:
        mid = 0.5 * (lo + hi)
        if not lo < mid < hi:  # no float left between them (only for absurd ℓ ranges)
            break
        if log_ess(mid) >= log_target:
            lo = mid
        else:
            hi = mid
    delta = lo if lo > 0.0 else hi  # β must strictly increase
    return min(beta + delta, 1.0)


def _move(
    log_likelihood: LogLikelihood,
    z: FloatArray,
    u: FloatArray,
    ll: FloatArray,
    beta: float,
    scale: float,
    max_moves: int,
    rng: np.random.Generator,
) -> tuple[FloatArray, FloatArray, FloatArray, float, int]:
    """Random-walk Metropolis in z space targeting N(z; 0, I) · exp(β ℓ(Φ(z))).

    Proposals are N(z, scale² Σ) with Σ the particle covariance, so the steps follow the
    shape of the current target. Steps continue until a particle would have moved at least
    once with probability ``_MOVE_PROBABILITY`` at the stage's mean acceptance rate, or
    until ``max_moves``. Returns the moved (z, u, ℓ), the mean acceptance rate and the
    number of steps.
    """
    n, d = z.shape
    chol = _proposal_factor(z)
    z, u, ll = z.copy(), u.copy(), ll.copy()
    half_sq = 0.5 * np.einsum("ij,ij->i", z, z)
    accepted = 0
    steps = 0
    needed = max_moves
    while steps < needed:
        proposal = z + scale * (rng.standard_normal((n, d)) @ chol.T)
        u_proposal = _to_unit(proposal)
        ll_proposal = _evaluate(log_likelihood, u_proposal)
        half_sq_proposal = 0.5 * np.einsum("ij,ij->i", proposal, proposal)
        # the proposal is symmetric, so only the target ratio counts; ll (current) is finite,
        # so an -inf proposal gives -inf and is always rejected
        log_ratio = beta * (ll_proposal - ll) - (half_sq_proposal - half_sq)
        accept = np.log(rng.random(n)) < log_ratio
        z[accept] = proposal[accept]
        u[accept] = u_proposal[accept]
        ll[accept] = ll_proposal[accept]
        half_sq[accept] = half_sq_proposal[accept]
        accepted += int(np.count_nonzero(accept))
        steps += 1
        needed = min(max_moves, _moves_needed(accepted / (steps * n)))
    return z, u, ll, accepted / (steps * n), steps


def _moves_needed(acceptance: float) -> int:
    """Steps so that 1 - (1 - a)^k >= _MOVE_PROBABILITY (at least _MIN_MOVES)."""
    if acceptance <= 0.0:
        return 2**31  # capped by the caller
    if acceptance >= 1.0:
        return _MIN_MOVES
    k = math.log1p(-_MOVE_PROBABILITY) / math.log1p(-acceptance)
    return max(_MIN_MOVES, math.ceil(k))


def _proposal_factor(z: FloatArray) -> FloatArray:
    """Cholesky factor of the particle covariance, regularised so it always exists."""
    d = z.shape[1]
    cov = np.atleast_2d(np.cov(z, rowvar=False))
    # a relative jitter keeps near-collinear particles factorisable; the absolute floor
    # keeps a collapsed population (all particles identical) from freezing at zero step
    jitter = 1e-10 * float(np.trace(cov)) / d + 1e-14
    try:
        return np.linalg.cholesky(cov + jitter * np.eye(d))
    except np.linalg.LinAlgError:
        return np.diag(np.sqrt(np.maximum(np.diag(cov), 0.0) + jitter))


def _target_acceptance(d: int) -> float:
    """Roughly optimal random-walk acceptance: 0.44 in 1-d falling to 0.234 from 5-d."""
    return max(0.234, 0.44 - 0.05 * (d - 1))


def _scale_ratio(acceptance: float, target: float) -> float:
    """Factor for the proposal scale that would bring ``acceptance`` to ``target``.

    For a Gaussian target the acceptance rate is about 2Φ(-c·k/2) for scale c (k fixed by
    the target), so c ∝ -Φ⁻¹(a/2); the factor is bounded so one odd stage cannot wreck
    the scale.
    """
    a = min(max(acceptance, 1e-3), 0.999)
    ratio = float(ndtri(target / 2.0) / ndtri(a / 2.0))
    return min(max(ratio, _SCALE_RATIO_BOUNDS[0]), _SCALE_RATIO_BOUNDS[1])


def _to_unit(z: FloatArray) -> FloatArray:
    out: FloatArray = np.clip(ndtr(z), UNIT_EPS, 1.0 - UNIT_EPS)
    return out


def _evaluate(log_likelihood: LogLikelihood, u: FloatArray) -> FloatArray:
    # the caller gets its own copy so an in-place change cannot corrupt the particles
    return _check_log_likelihood(np.asarray(log_likelihood(u.copy()), dtype=float), u.shape[0])


def _check_log_likelihood(ll: FloatArray, n: int | None) -> FloatArray:
    if ll.ndim != 1 or (n is not None and ll.shape[0] != n) or ll.size == 0:
        expected = f"({n},)" if n is not None else "(n,)"
        raise ValueError(f"log-likelihood must have shape {expected}, got {ll.shape}")
    if np.isnan(ll).any() or np.isposinf(ll).any():
        raise ValueError("log-likelihood values must be finite or -inf (no NaN, no +inf)")
    return ll


def _kish_ess(weights: FloatArray) -> float:
    return float(weights.sum() ** 2 / np.sum(weights * weights))


def _unique_fraction(u: FloatArray) -> float:
    return float(np.unique(u, axis=0).shape[0] / u.shape[0])
