"""Inputs that move together: target Spearman rank correlations imposed on the uniform design.

A scenario states target Spearman rank correlations ``rho_s`` between pairs of inputs. The
samples are a uniform design ``u`` of shape ``(n, d)`` (Monte Carlo, Latin hypercube or
scrambled Sobol) that is later mapped through each input's inverse CDF. Because an inverse
CDF is increasing, rank correlations survive that mapping unchanged, so they can be
imposed on ``u`` itself, and each input keeps exactly the marginal the scenario gives it.

Two ways to do it:

``gaussian_copula``
    ``z = Phi^-1(u)``, correlate ``z`` with the Cholesky factor of the normal's Pearson
    matrix ``r = 2 sin(pi rho_s / 6)`` and map back, ``u' = Phi(z')``. Each column of
    ``u'`` is exactly uniform in distribution and the population Spearman matrix is
    exactly the target. A column of a stratified design (LHS, Sobol) is no longer
    stratified once mixed with other columns.
``iman_conover``
    Reorders each column's own values (a permutation per column), so a stratified
    marginal stays exactly stratified and only the pairing of values across columns
    changes; the rank correlations approach the target as ``n`` grows.

In both, columns that appear in no stated pair are passed through byte for byte.

Use ``check_rank_matrix`` to vet a scenario's pairs (it names conflicting pairs) and
``rank_matrix`` to build the ``(d, d)`` target matrix the two methods take.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import linalg, special, stats

__all__ = [
    "PairsLike",
    "RankPair",
    "achieved_rank_correlation",
    "check_rank_matrix",
    "correlated_columns",
    "gaussian_copula",
    "iman_conover",
    "rank_matrix",
    "spearman_to_pearson",
]

# Same clipping as the sampler's unit design: ppf(0) and ppf(1) are infinite for
# unbounded distributions, so u' must stay strictly inside (0, 1).
_TINY = float(np.finfo(float).eps)

# A target matrix counts as positive definite when its smallest eigenvalue exceeds this.
# Singular targets (e.g. a pair at exactly +-1) have no Cholesky factor.
_PD_TOL = 1e-10

# Upper bound on the number of candidate removal sets tried when naming conflicting pairs
# (each try is two small eigen-decompositions, ~50 us), so a check stays well under a second.
_SEARCH_BUDGET = 5_000

# Rows per chunk in the Gaussian copula: keeps the working arrays in cache (measured ~2x
# faster than whole-array passes at n = 1,000,000).
_CHUNK_ROWS = 8_192


@dataclass(frozen=True)
class RankPair:
    """A stated target: Spearman rank correlation ``rho`` (in [-1, 1]) of inputs ``a``, ``b``."""

    a: str
    b: str
    rho: float

    @property
    def label(self) -> str:
        """``"a~b (+0.90)"``: how a pair is named in messages."""
        try:
            return f"{self.a}~{self.b} ({float(self.rho):+.2f})"
        except (TypeError, ValueError):
            return f"{self.a}~{self.b} ({self.rho!r})"


#: What ``check_rank_matrix`` and ``rank_matrix`` accept as the stated pairs.
PairsLike = Mapping[tuple[str, str], float] | Iterable[RankPair | tuple[str, str, float]]


def spearman_to_pearson(rho_s: np.ndarray | float) -> np.ndarray:
    """Pearson correlation ``r = 2 sin(pi rho_s / 6)`` of a bivariate normal whose Spearman
    rank correlation is ``rho_s`` (the inverse of ``rho_s = 6/pi arcsin(r / 2)``); maps
    0 -> 0 and +-1 -> +-1, and is slightly larger in magnitude in between (0.5 -> 0.518)."""
    return 2.0 * np.sin(np.pi * np.asarray(rho_s, dtype=float) / 6.0)


# --------------------------------------------------------------------------
# Building and checking the target matrix
# --------------------------------------------------------------------------


def _parse_pairs(pairs: PairsLike) -> tuple[list[RankPair], list[str]]:
    """The pairs as ``RankPair`` objects, and problems with items that are not pairs at all."""
    items: Iterable[object]
    if isinstance(pairs, Mapping):
        items = [(k[0], k[1], v) if isinstance(k, tuple) and len(k) == 2 else (k, v)
                 for k, v in pairs.items()]
    else:
        items = pairs
    out: list[RankPair] = []
    problems: list[str] = []
    for item in items:
        if isinstance(item, RankPair):
            out.append(item)
        elif isinstance(item, (tuple, list)) and len(item) == 3:
            out.append(RankPair(str(item[0]), str(item[1]), item[2]))
        else:
            problems.append(f"{item!r} is not a pair (input_a, input_b, rank correlation)")
    return out, problems


def _min_eigen(matrix: np.ndarray) -> tuple[float, str, np.ndarray]:
    """Smallest eigenvalue over the two matrices that must be positive definite, which of
    them it belongs to, and its eigenvector.

    Iman-Conover and the Gaussian copula both factor the normal-scores Pearson matrix
    ``2 sin(pi rho / 6)``; the Spearman matrix itself must be positive definite too, as
    the correlation matrix of the ranks. Neither implies the other exactly.
    """
    best: tuple[float, str, np.ndarray] | None = None
    for which, m in (("Spearman", matrix), ("normal-scores Pearson", spearman_to_pearson(matrix))):
        vals, vecs = np.linalg.eigh(m)
        if best is None or vals[0] < best[0]:
            best = (float(vals[0]), which, vecs[:, 0])
    assert best is not None
    return best


def _is_pd(matrix: np.ndarray) -> bool:
    return _min_eigen(matrix)[0] > _PD_TOL


def _fill(k: int, pairs: Sequence[tuple[int, int, float]], drop: Iterable[int] = ()) -> np.ndarray:
    m = np.eye(k)
    skip = set(drop)
    for p, (i, j, rho) in enumerate(pairs):
        if p not in skip:
            m[i, j] = m[j, i] = rho
    return m


def _contributions(matrix: np.ndarray, local: Sequence[tuple[int, int, float]],
                   skip: Iterable[int] = ()) -> tuple[float, dict[int, float]]:
    """Smallest eigenvalue and each stated pair's share of it.

    With ``v`` the unit eigenvector of the smallest eigenvalue of the failing matrix ``R``,
    ``lambda = v' R v = 1 + sum over pairs of 2 R_ij v_i v_j``: a pair's term says how much it
    pulls the eigenvalue down (negative) or up.
    """
    lam, which, v = _min_eigen(matrix)
    r = matrix if which == "Spearman" else spearman_to_pearson(matrix)
    drop = set(skip)
    return lam, {p: 2.0 * r[i, j] * v[i] * v[j] for p, (i, j, _) in enumerate(local)
                 if p not in drop}


def _conflict_message(names: Sequence[str], members: list[int], pairs: list[RankPair],
                      local: list[tuple[int, int, float]]) -> str:
    """Name the conflicting pairs of one connected group of inputs (see ``check_rank_matrix``)."""
    k = len(members)
    full = _fill(k, local)
    lam, which, _ = _min_eigen(full)
    _, contrib = _contributions(full, local)
    worst = sorted((p for p in contrib if contrib[p] < 0), key=lambda p: contrib[p])[:3]
    head = (f"rank correlations among {', '.join(names[i] for i in members)} cannot hold "
            f"together: the {which} matrix is not positive definite (smallest eigenvalue "
            f"{lam:.3g})")
    tail = ("; largest contributions to that eigenvalue: "
            + ", ".join(f"{pairs[p].label} {contrib[p]:+.2f}" for p in worst)) if worst else ""
    m = len(local)
    tried = 0
    for size in range(1, m + 1):
        count = math.comb(m, size)
        if tried + count > _SEARCH_BUDGET:
            break
        tried += count
        sets = [c for c in itertools.combinations(range(m), size) if _is_pd(_fill(k, local, c))]
        if sets:
            named = sorted({p for c in sets for p in c})
            options = "; ".join("{" + ", ".join(pairs[p].label for p in c) + "}" for c in sets)
            return (f"{head}. Conflicting pairs: {', '.join(pairs[p].label for p in named)}; "
                    f"dropping {size} pair(s) is the fewest that makes it possible, any of: "
                    f"{options}{tail}")
    # Too many pairs for an exhaustive search: drop greedily the pair that pulls the smallest
    # eigenvalue down most, until the block is positive definite.
    dropped: list[int] = []
    while True:
        lam_now, share = _contributions(_fill(k, local, dropped), local, dropped)
        if lam_now > _PD_TOL:
            break
        dropped.append(min(share, key=lambda p: share[p]))
    return (f"{head}. Conflicting pairs (too many to search for the fewest; dropped greedily, "
            f"largest contribution to the negative eigenvalue first): "
            f"{', '.join(pairs[p].label for p in dropped)}{tail}")


def check_rank_matrix(names: Sequence[str], pairs: PairsLike) -> list[str]:
    """Problems with a scenario's stated rank correlations; an empty list means they are usable.

    Parameters
    ----------
    names
        The inputs, in column order of the design.
    pairs
        Target Spearman rank correlations: ``RankPair`` objects, ``(a, b, rho)`` tuples or
        a mapping ``{(a, b): rho}``. Unstated pairs are 0. Pairs naming an input not in
        ``names`` are skipped here: the caller reports unknown names.

    Returns
    -------
    list of str
        One message per problem: a value that is not a number in [-1, 1] (NaN included),
        a pair naming the same input twice, a pair given twice (either order), and target
        matrices that are not positive definite.

    Notes
    -----
    Conflict-naming rule. Inputs linked by stated pairs form connected groups; the matrix is
    positive definite exactly when each group's block is, so each failing group is reported
    on its own and pairs elsewhere are never blamed. For a failing group, the fewest stated
    pairs whose removal (setting them to 0) makes the block positive definite are found by
    exhaustive search (up to 5,000 candidate sets); every pair in some smallest removal set
    is named as conflicting, and the alternative sets are listed. For ``a~b 0.9, b~c 0.9,
    a~c -0.9`` dropping any one pair is not enough, any two is, so all three are named. If
    the search is too large the pairs are instead dropped greedily, each time the one with
    the most negative contribution ``2 r_ij v_i v_j`` to the smallest eigenvalue
    ``lambda = v' R v`` (``v`` its unit eigenvector), until the block is positive definite;
    those pairs are named. Either way the message ends with the (up to) three pairs with the
    largest such contributions, which points at a pair whose value is wrong even when
    dropping it alone (setting it to 0) would not be enough.
    "Positive definite" means smallest eigenvalue above 1e-10 for both the Spearman matrix
    and its normal-scores Pearson matrix ``2 sin(pi rho / 6)``, which both methods factor;
    so a pair at exactly +-1 is refused (it makes the matrix singular).
    """
    index = {name: i for i, name in enumerate(names)}
    parsed, problems = _parse_pairs(pairs)
    seen: dict[frozenset[str], RankPair] = {}
    usable: list[tuple[int, int, float, RankPair]] = []
    for pair in parsed:
        try:
            rho = float(pair.rho)
        except (TypeError, ValueError):
            rho = math.nan
        if not -1.0 <= rho <= 1.0:  # NaN fails this too
            problems.append(f"pair {pair.a}~{pair.b}: rank correlation {pair.rho!r} is not a "
                            "number in [-1, 1]")
            continue
        if pair.a == pair.b:
            problems.append(f"pair {pair.a}~{pair.b} names the same input twice")
            continue
        key = frozenset((pair.a, pair.b))
        if key in seen:
            problems.append(f"pair {pair.a}~{pair.b} is given twice ({seen[key].label} and "
                            f"{pair.label})")
            continue
        seen[key] = pair
        if pair.a in index and pair.b in index:
            usable.append((index[pair.a], index[pair.b], rho, pair))

    # connected groups of inputs (union-find over the stated pairs)
    parent = list(range(len(names)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j, _, _ in usable:
        parent[root(i)] = root(j)
    groups: dict[int, list[int]] = {}
    for c in sorted({c for i, j, _, _ in usable for c in (i, j)}):
        groups.setdefault(root(c), []).append(c)
    for members in groups.values():
        pos = {c: p for p, c in enumerate(members)}
        group = root(members[0])
        mine = [(pos[i], pos[j], rho, pair) for i, j, rho, pair in usable if root(i) == group]
        local = [(i, j, rho) for i, j, rho, _ in mine]
        if not _is_pd(_fill(len(members), local)):
            problems.append(_conflict_message(names, members, [p for *_, p in mine], local))
    return problems


def rank_matrix(names: Sequence[str], pairs: PairsLike) -> np.ndarray:
    """The ``(d, d)`` target Spearman matrix: 1 on the diagonal, each stated pair's ``rho`` at
    ``[a, b]`` and ``[b, a]``, 0 elsewhere (``d = len(names)``).

    Raises
    ------
    ValueError
        If a pair names an unknown input, or ``check_rank_matrix`` finds problems (all are
        listed, one a line).
    """
    parsed, problems = _parse_pairs(pairs)  # parsed once: ``pairs`` may be an iterator
    index = {name: i for i, name in enumerate(names)}
    unknown = sorted({nm for p in parsed for nm in (p.a, p.b) if nm not in index})
    if unknown:
        problems.append(f"unknown input(s) in correlation pairs: {', '.join(unknown)}")
    problems += check_rank_matrix(names, parsed)
    if problems:
        raise ValueError("invalid rank correlations:\n" + "\n".join(problems))
    out = np.eye(len(names))
    for p in parsed:
        i, j = index[p.a], index[p.b]
        out[i, j] = out[j, i] = float(p.rho)
    return out


def correlated_columns(matrix: np.ndarray) -> np.ndarray:
    """Indices of the columns that appear in at least one nonzero off-diagonal entry."""
    m = np.asarray(matrix, dtype=float)
    off = m - np.diag(np.diag(m))
    return np.flatnonzero((off != 0).any(axis=0))


# --------------------------------------------------------------------------
# Imposing the correlations
# --------------------------------------------------------------------------


def _check_inputs(u: np.ndarray, matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Validated ``u`` (float), the target matrix and its correlated columns."""
    u = np.asarray(u, dtype=float)
    if u.ndim != 2:
        raise ValueError(f"u must be a 2-D (n, d) array, got shape {u.shape}")
    d = u.shape[1]
    m = np.asarray(matrix, dtype=float)
    if m.shape != (d, d):
        raise ValueError(f"rank_matrix must have shape ({d}, {d}) for u of shape {u.shape}, "
                         f"got {m.shape}")
    if not np.isfinite(m).all():
        raise ValueError("rank_matrix must be finite")
    if not np.allclose(m, m.T, rtol=0, atol=1e-12) or not np.allclose(np.diag(m), 1, atol=1e-12):
        raise ValueError("rank_matrix must be symmetric with a unit diagonal")
    cols = correlated_columns(m)
    sub = m[np.ix_(cols, cols)]
    if cols.size and not _is_pd(sub):
        names = [f"column {c}" for c in range(d)]
        pairs = [(names[i], names[j], m[i, j]) for i, j in itertools.combinations(range(d), 2)
                 if m[i, j] != 0]
        problems = check_rank_matrix(names, pairs)
        raise ValueError("rank_matrix is not usable:\n" + "\n".join(problems))
    return u, m, cols


def gaussian_copula(u: np.ndarray, rank_matrix: np.ndarray) -> np.ndarray:
    """Impose target Spearman rank correlations on a uniform design with a Gaussian copula.

    Parameters
    ----------
    u
        ``(n, d)`` design, values strictly inside (0, 1).
    rank_matrix
        ``(d, d)`` target Spearman matrix (see ``rank_matrix``); must be positive definite
        on the correlated columns.

    Returns
    -------
    numpy.ndarray
        A new ``(n, d)`` array ``u'``. For the correlated columns ``u' = Phi(z L')`` with
        ``z = Phi^-1(u)`` and ``L`` the Cholesky factor of ``2 sin(pi rho_s / 6)``: every
        column is exactly uniform in distribution and the population Spearman matrix is
        exactly the target, because the Spearman correlation of a bivariate normal with
        Pearson ``r`` is ``6/pi arcsin(r / 2)``. Values are clipped to ``[eps, 1 - eps]``
        (``eps`` = 2.2e-16), as the sampler does. Columns in no pair are copied byte for
        byte, and so is the first correlated column (its normal score is the Cholesky
        anchor, ``z'_0 = z_0``); the input is not modified.
    """
    u, m, cols = _check_inputs(u, rank_matrix)
    out = u.copy(order="K")
    if cols.size == 0:
        return out
    # Cholesky of the normal's Pearson matrix, transposed so rows map as z' = z L^T. L is
    # lower triangular with L[0, 0] = 1, so the first correlated column is z'_0 = z_0 and
    # keeps its values exactly; only the other columns are computed.
    lt = np.linalg.cholesky(spearman_to_pearson(m[np.ix_(cols, cols)])).T[:, 1:]
    rest = cols[1:]
    # a slice when the columns are contiguous: fancy-index writes cost ~10x more
    dest: slice | np.ndarray = (slice(int(rest[0]), int(rest[-1]) + 1)
                                if rest.size and np.all(np.diff(rest) == 1) else rest)
    n = u.shape[0]
    for start in range(0, n, _CHUNK_ROWS):
        rows = slice(start, min(start + _CHUNK_ROWS, n))
        z = special.ndtri(u[rows][:, cols])
        if not np.isfinite(z).all():
            raise ValueError("u must lie strictly inside (0, 1) on the correlated columns")
        zc = z @ lt
        special.ndtr(zc, out=zc)
        np.clip(zc, _TINY, 1.0 - _TINY, out=zc)
        out[rows, dest] = zc
    return out


def iman_conover(u: np.ndarray, rank_matrix: np.ndarray, *, seed: int) -> np.ndarray:
    """Impose target rank correlations by rearranging each column's own values (Iman-Conover).

    Parameters
    ----------
    u
        ``(n, d)`` design (any values; usually the uniform design).
    rank_matrix
        ``(d, d)`` target Spearman matrix (see ``rank_matrix``).
    seed
        Seeds the random pairing of the scores; the same seed gives the same array.

    Returns
    -------
    numpy.ndarray
        A new ``(n, d)`` array in which each correlated column is a permutation of the same
        column of ``u`` (so an LHS or Sobol marginal stays exactly stratified) and the
        others are copied byte for byte.

    Notes
    -----
    Van der Waerden scores ``a_i = Phi^-1(i / (n + 1))`` are put in an independent random
    order per column, giving ``S`` (n, k). The scores' own sample correlation ``E`` is not
    exactly the identity, so with ``E = Q Q'`` and target ``C = P P'`` the scores are mixed as
    ``S* = S Q^-T P'``, whose sample Pearson correlation is exactly ``C`` (the correction of
    Iman and Conover, 1982). Each column of ``u`` is then reordered to have the ranks of the
    matching column of ``S*``. ``C`` is the normal-scores Pearson matrix ``2 sin(pi rho_s / 6)``
    rather than the Spearman target itself: ``S*`` is close to multivariate normal, and the
    ranks of a normal with Pearson ``r`` have Spearman ``6/pi arcsin(r / 2)``, so this makes
    the achieved Spearman correlation approach the target (using ``C = rho_s`` directly leaves
    a bias of -0.009 at ``rho_s = 0.9``). Cost: two sorts per correlated column.
    The rearrangement randomises the row order of the correlated columns relative to the
    untouched ones; for a Sobol design it keeps each column's one-dimensional stratification
    but not the joint low-discrepancy structure of the correlated columns.
    """
    u, m, cols = _check_inputs(u, rank_matrix)
    out = u.copy(order="K")
    k = cols.size
    if k == 0:
        return out
    n = u.shape[0]
    if n <= k:
        raise ValueError(f"iman_conover needs more rows than correlated columns ({k}), got {n}")
    if not np.isfinite(u[:, cols]).all():
        raise ValueError("u must be finite on the correlated columns")
    rng = np.random.default_rng(seed)
    scores = special.ndtri(np.arange(1, n + 1) / (n + 1))
    s = np.empty((n, k))
    for j in range(k):
        s[:, j] = rng.permutation(scores)
    e = np.corrcoef(s, rowvar=False) if k > 1 else np.ones((1, 1))
    q = np.linalg.cholesky(np.atleast_2d(e))
    p = np.linalg.cholesky(spearman_to_pearson(m[np.ix_(cols, cols)]))
    # S* = S Q^-T P^T: solve Q^T X = P^T for X
    mix = linalg.solve_triangular(q, p.T, trans="T", lower=True)
    target = s @ mix
    for j, c in enumerate(cols):
        order = np.argsort(target[:, j], kind="stable")
        out[order, c] = np.sort(u[:, c])
    return out


def achieved_rank_correlation(x: np.ndarray) -> np.ndarray:
    """``(d, d)`` Spearman rank correlation matrix of the columns of ``x`` (n, d).

    Ties get average ranks; a constant column has no rank correlation and gives NaN in its
    row and column (1 on the diagonal is not forced).
    """
    x = np.asarray(x, dtype=float)
    if x.ndim != 2:
        raise ValueError(f"x must be a 2-D (n, d) array, got shape {x.shape}")
    ranks = stats.rankdata(x, axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.atleast_2d(np.corrcoef(ranks, rowvar=False))
