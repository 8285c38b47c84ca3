"""Draw parameter samples: points on the unit hypercube mapped through each inverse CDF.

Samples are produced in fixed blocks of ``BLOCK_SIZE`` so that a run split over any
number of workers or chunks gives the same numbers: block ``b`` draws from a random
stream derived from the scenario seed and ``b`` alone (``SeedSequence(seed,
spawn_key=(b,))``). Plain Monte Carlo and Latin hypercube use that stream directly
(Latin hypercube is stratified within each block); scrambled Sobol uses one
scrambling for the whole run and starts each block at its own first point, computed directly
(``_sobol_engine``: the same state as ``fast_forward``, in constant time per block).

:func:`sample_parameters` draws the blocks on threads (numpy's and scipy's loops run without
Python's lock), each writing straight into its columns of the result: a block's design points are
drawn in pieces into a per-thread array, parameter-major, and each inverse CDF is computed piece
by piece in place (``out=``), so no block-sized temporary is made; every operation is the one of
the plain whole-array expression, so the numbers are the same bit for bit whatever the threads.

Inputs that move together (a scenario's ``correlations:``) are imposed on the design inside
:func:`unit_to_values` (``correlation=``, a Gaussian copula before the inverse CDFs), or, for
Iman-Conover, on each drawn block by :func:`block_values`; see ``model.inputs.dependence``.
"""

from __future__ import annotations

import copy
import threading
import warnings
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np
from scipy import special
from scipy.interpolate import CubicSpline
from scipy.stats import qmc

from ..core.threads import default_threads
from .dependence import Dependence, block_seed
from .distributions import ParameterPrior

__all__ = ["BLOCK_SIZE", "SampleSet", "unit_block", "unit_to_values", "uncertain_count", "sample_block",
           "sample_parameters", "block_ranges", "inverse_cdf", "block_values"]

BLOCK_SIZE = 65_536
Method = Literal["mc", "lhs", "sobol"]
_SOBOL_STREAM = 2**31 - 1  # spawn key reserved for the Sobol scrambling
# ppf(0) and ppf(1) are infinite for unbounded distributions: design points are clipped to [eps, 1 - eps]
_TINY = float(np.finfo(float).eps)


@dataclass(frozen=True)
class SampleSet:
    """Parameter samples: ``values[i, j]`` is sample i of parameter ``names[j]`` (canonical units)."""

    names: list[str]
    values: np.ndarray

    def column(self, name: str) -> np.ndarray:
        return self.values[:, self.names.index(name)]

    def as_dict(self) -> dict[str, np.ndarray]:
        return {name: self.values[:, j] for j, name in enumerate(self.names)}

    def __len__(self) -> int:
        return self.values.shape[0]


def block_ranges(n: int) -> list[tuple[int, int, int]]:
    """``(block_index, start, stop)`` for each block of an ``n``-sample run."""
    return [(b, s, min(s + BLOCK_SIZE, n)) for b, s in enumerate(range(0, n, BLOCK_SIZE))]


def unit_block(d: int, block: int, size: int, *, method: Method, seed: int) -> np.ndarray:
    """``(size, d)`` points in the open unit hypercube for one block."""
    u = _unit_points(d, block, size, method=method, seed=seed)
    return np.clip(u, _TINY, 1 - _TINY, out=u)


def _unit_points(d: int, block: int, size: int, *, method: Method, seed: int) -> np.ndarray:
    """``(size, d)`` points in the unit hypercube for one block, not yet clipped away from 0 and 1."""
    if d == 0:
        return np.empty((size, 0))
    if method == "mc":
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(block,)))
        u = rng.random((size, d))
    elif method == "lhs":
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(block,)))
        u = qmc.LatinHypercube(d, rng=rng).random(size)
    elif method == "sobol":
        engine = _sobol_engine(d, block * BLOCK_SIZE, seed)
        if engine.num_generated == 0 and size & (size - 1):
            # balance properties need powers of two, scipy warns for a first draw that is not one (only
            # then: catch_warnings is not thread-safe, and blocks are drawn on threads)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)
                u = engine.random(size)
        else:
            u = engine.random(size)
    else:
        raise ValueError(f"unknown sampling method {method!r}; use 'mc', 'lhs' or 'sobol'")
    return u


@lru_cache(maxsize=8)
def _sobol_scrambled(d: int, seed: int) -> qmc.Sobol:
    """The run's scrambled Sobol engine at its first point (one scrambling per seed and dimension).
    Never drawn from: :func:`_sobol_engine` hands out copies."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(_SOBOL_STREAM,)))
    return qmc.Sobol(d, scramble=True, rng=rng)


def _sobol_engine(d: int, start: int, seed: int) -> qmc.Sobol:
    """A copy of the run's scrambled engine positioned as ``fast_forward(start)`` leaves it.

    ``fast_forward(n)`` walks the n points one by one (XOR-ing one direction number per point and
    dimension), so block b cost b times a block's work: 62 ms by block 152 against 6 ms for the
    first. In the Gray-code order scipy draws in, point ``k`` is ``shift ^ XOR of sv[:, i] over the
    set bits i of gray(k) = k ^ (k >> 1)``, so the state is computed from ``k`` directly (at most
    ``bits`` XORs); the numbers are the same bit for bit (``tests/test_sampling.py``). If scipy's
    private state is ever laid out differently, this falls back to ``fast_forward``.
    """
    engine = copy.deepcopy(_sobol_scrambled(d, seed))
    if start == 0:
        return engine
    quasi, sv = getattr(engine, "_quasi", None), getattr(engine, "_sv", None)
    if (engine.num_generated != 0 or not isinstance(quasi, np.ndarray) or not isinstance(sv, np.ndarray)
            or sv.shape[0] != d or quasi.shape != (d,) or start - 1 >= 2 ** sv.shape[1]):
        return engine.fast_forward(start)
    # fast_forward(start) from the first point leaves the state of point start - 1 and counts start drawn
    k = start - 1
    gray = k ^ (k >> 1)
    state = quasi.copy()  # the first point: the scrambling's shift
    for bit in range(sv.shape[1]):
        if gray >> bit & 1:
            state ^= sv[:, bit]
    engine._quasi = state
    engine.num_generated = start
    return engine


# Inverse CDFs that scipy computes slowly (beta for PERT, truncated normal: ~2 µs a value)
# are tabulated once per distribution: a cubic spline through 65,537 exact values between
# the 0.1 % and 99.9 % quantiles (largest error ~1e-9 of the 90 % width, measured), with
# the tails beyond computed exactly. This is what lets a million samples of twenty
# parameters be drawn in well under a second.
_TABLED = {"beta", "truncnorm"}
_TABLE_KNOTS = 65_537
_TABLE_TAIL = 1e-3

# The inverse CDFs run over a block in pieces of this many values, each written in place
# (``out=``) into the result or a small scratch array, so the temporaries stay in the CPU's
# cache instead of streaming ten arrays of a block's size through memory. Every operation is
# the same elementwise operation on the same operands as the plain expression, so the numbers
# are the same bit for bit (``tests/test_sampling_dependence.py``); the piece size changes no number.
_PIECE = 8_192
_GROUP = 8  # consecutive blocks a thread draws at a time (see sample_parameters)


class _InverseCdfTable:
    def __init__(self, dist: object):
        grid = np.linspace(_TABLE_TAIL, 1 - _TABLE_TAIL, _TABLE_KNOTS)
        self.step = grid[1] - grid[0]
        self.coef = CubicSpline(grid, dist.ppf(grid)).c  # type: ignore[attr-defined]
        self.knots = np.ascontiguousarray(self.coef.T)  # a knot's four coefficients side by side: one fetch
        self.dist = dist

    def __call__(self, u: np.ndarray) -> np.ndarray:
        u = np.ascontiguousarray(u, dtype=float)
        out = np.empty_like(u)
        scratch = _Scratch(min(len(u), _PIECE))
        for lo in range(0, len(u), _PIECE):
            self.spline(u[lo:lo + _PIECE], out[lo:lo + _PIECE], scratch)
        self.tails(u, out)
        return out

    def spline(self, u: np.ndarray, out: np.ndarray, scratch: _Scratch) -> None:
        """``out`` = the spline at ``u`` (tails not yet exact): ``((c0[i] t + c1[i]) t + c2[i]) t + c3[i]``
        with ``pos = (u - tail) / step``, ``i = clip(int(pos), 0, knots - 2)``, ``t = (pos - i) step``."""
        n = len(u)
        pos, i, c = scratch.pos[:n], scratch.index[:n], scratch.coef[:n]
        np.subtract(u, _TABLE_TAIL, out=pos)
        np.divide(pos, self.step, out=pos)
        np.copyto(i, pos, casting="unsafe")  # pos.astype(np.int64)
        np.clip(i, 0, _TABLE_KNOTS - 2, out=i)
        np.subtract(pos, i, out=pos)
        t = np.multiply(pos, self.step, out=pos)
        np.take(self.knots, i, axis=0, out=c)
        np.multiply(c[:, 0], t, out=out)
        for k in (1, 2):
            out += c[:, k]
            out *= t
        out += c[:, 3]

    def tails(self, u: np.ndarray, out: np.ndarray) -> None:
        """Beyond the 0.1 % and 99.9 % quantiles, the exact inverse (one scipy call for the lot)."""
        tail = np.flatnonzero((u < _TABLE_TAIL) | (u > 1 - _TABLE_TAIL))
        out[tail] = self.dist.ppf(u[tail])  # type: ignore[attr-defined]


class _Scratch:
    """Work arrays for one piece of a block (one set per thread)."""

    def __init__(self, size: int):
        self.pos = np.empty(size)
        self.index = np.empty(size, dtype=np.int64)
        self.coef = np.empty((size, 4))


@lru_cache(maxsize=64)
def _table(name: str, args: tuple, kwds: tuple) -> _InverseCdfTable:
    from scipy import stats

    return _InverseCdfTable(getattr(stats, name)(*args, **dict(kwds)))


@dataclass(frozen=True)
class _Inverse:
    """How one distribution's inverse CDF is computed: ``kind`` is ``lognorm``, ``norm``, ``uniform``
    (closed forms, skipping scipy's per-call argument handling), ``table`` or ``ppf`` (scipy itself)."""

    kind: str
    dist: object
    shape: float = 0.0
    loc: float = 0.0
    scale: float = 1.0
    table: _InverseCdfTable | None = None

    @property
    def piecewise(self) -> bool:
        return self.kind != "ppf"

    def piece(self, u: np.ndarray, out: np.ndarray, scratch: _Scratch) -> None:
        """``out`` = the inverse at ``u`` (both contiguous, one piece; tables' tails left for :meth:`finish`).
        The closed forms in the order of ``loc + scale * exp(shape * ndtri(u))``, ``loc + scale * ndtri(u)``
        and ``loc + scale * u``."""
        if self.kind == "table":
            assert self.table is not None
            self.table.spline(u, out, scratch)
            return
        if self.kind == "uniform":
            np.multiply(self.scale, u, out=out)
        else:
            special.ndtri(u, out=out)
            if self.kind == "lognorm":
                np.multiply(self.shape, out, out=out)
                np.exp(out, out=out)
            np.multiply(self.scale, out, out=out)
        if self.loc != 0 or self.kind == "norm":  # x + 0.0 is x for the x >= +0 the others give
            np.add(self.loc, out, out=out)

    def finish(self, u: np.ndarray, out: np.ndarray) -> None:
        """After the pieces of a block: a table's exact tails, or scipy's ``ppf`` for the whole block."""
        if self.kind == "table":
            assert self.table is not None
            self.table.tails(u, out)
        elif self.kind == "ppf":
            out[...] = self.dist.ppf(np.ascontiguousarray(u))  # type: ignore[attr-defined]


def _inverse(dist: object) -> _Inverse:
    family = getattr(dist, "dist", None)
    name = getattr(family, "name", None)
    if name in _TABLED:
        return _Inverse("table", dist, table=_table(
            name, tuple(float(a) for a in dist.args),  # type: ignore[attr-defined]
            tuple(sorted((k, float(v)) for k, v in dist.kwds.items()))))  # type: ignore[attr-defined]
    if name in ("lognorm", "norm", "uniform"):
        shapes, loc, scale = family._parse_args(*dist.args, **dist.kwds)  # type: ignore[union-attr, attr-defined]
        return _Inverse(name, dist, shape=shapes[0] if shapes else 0.0, loc=loc, scale=scale)
    return _Inverse("ppf", dist)


def inverse_cdf(dist: object, u: np.ndarray) -> np.ndarray:
    """``dist.ppf(u)`` for a frozen scipy distribution: closed forms for the common families
    (skipping scipy's per-call argument handling), a table where scipy is slow."""
    how = _inverse(dist)
    if not how.piecewise:
        return dist.ppf(u)  # type: ignore[attr-defined]
    u = np.ascontiguousarray(u, dtype=float)
    out = np.empty_like(u)
    scratch = _Scratch(min(u.size, _PIECE))
    flat_u, flat_out = u.reshape(-1), out.reshape(-1)
    for lo in range(0, flat_u.size, _PIECE):
        how.piece(flat_u[lo:lo + _PIECE], flat_out[lo:lo + _PIECE], scratch)
    how.finish(flat_u, flat_out)
    return out


def uncertain_count(priors: Sequence[ParameterPrior]) -> int:
    """How many of the priors are uncertain: the dimension of the unit hypercube design."""
    return sum(1 for p in priors if p.is_uncertain)


def unit_to_values(priors: Sequence[ParameterPrior], unit: np.ndarray, *,
                   correlation: Dependence | None = None) -> np.ndarray:
    """``(size, len(priors))`` parameter values from ``(size, d)`` design points, one column per
    uncertain prior in order, fixed parameters filled in.

    ``correlation``: inputs that move together; the Gaussian copula is applied to the (independent)
    design points before the inverse CDFs, so every marginal stays as specified. Without it the
    values are exactly those of independent inputs.

    The array is a transposed view of a parameter-major array, so each parameter's column is
    contiguous (what the model reads).
    """
    if correlation is not None:
        unit = correlation.correlate(np.asarray(unit, dtype=float))
    u = np.asarray(unit, dtype=float)
    out = np.empty((len(priors), u.shape[0]))
    _fill_values(priors, u, out)
    return out.T


class _Workspace:
    """One thread's work arrays: a block's design points, parameter-major, and scratch for a piece."""

    def __init__(self, d: int, size: int = BLOCK_SIZE):
        self.unit = np.empty((d, size))
        self.scratch = _Scratch(min(size, _PIECE))


def _inverses(priors: Sequence[ParameterPrior]) -> list[_Inverse | None]:
    return [_inverse(p.dist) if p.is_uncertain else None for p in priors]


def _fill_values(priors: Sequence[ParameterPrior], unit: np.ndarray, out: np.ndarray, *,
                 inverses: Sequence[_Inverse | None] | None = None, work: _Workspace | None = None) -> None:
    """Write the values of ``unit`` (size, d) into ``out`` (len(priors), size), parameter-major.

    The design points are transposed into ``work`` (piece by piece, which keeps the copy in the
    cache), then :func:`_fill_columns`."""
    size, d = unit.shape
    ws = work if work is not None and work.unit.shape[0] == d and work.unit.shape[1] >= size \
        else _Workspace(d, size)
    u = ws.unit[:, :size]
    for lo in range(0, size, _PIECE):
        np.copyto(u[:, lo:lo + _PIECE], unit[lo:lo + _PIECE].T)
    _fill_columns(priors, u, out, inverses=inverses, scratch=ws.scratch)


def _fill_columns(priors: Sequence[ParameterPrior], u: np.ndarray, out: np.ndarray, *,
                  inverses: Sequence[_Inverse | None] | None = None, scratch: _Scratch | None = None) -> None:
    """Write the values of the design points ``u`` (d, size), parameter-major (one contiguous row
    per uncertain prior), into ``out`` (len(priors), size): each inverse CDF writes its row of
    ``out`` piece by piece, then its exact tails."""
    hows = _inverses(priors) if inverses is None else inverses
    size = u.shape[1]
    work = scratch if scratch is not None else _Scratch(min(size, _PIECE))
    k = 0
    for j, (prior, how) in enumerate(zip(priors, hows)):
        if how is None:
            out[j] = prior.fixed_value
            continue
        column, row = u[k], out[j]
        k += 1
        if how.piecewise:
            for lo in range(0, size, _PIECE):
                how.piece(column[lo:lo + _PIECE], row[lo:lo + _PIECE], work)
        how.finish(column, row)


def _draw_unit_columns(d: int, block: int, size: int, *, method: Method, seed: int, out: np.ndarray) -> None:
    """:func:`unit_block` transposed into ``out`` (d, size), the same numbers bit for bit, drawn piece by
    piece: a scrambled Sobol engine or a random stream gives the same points drawn in pieces as drawn at
    once (Latin hypercube, stratified over the whole block, is drawn at once), and no array of a block's
    size is made (a new one each block is memory the kernel has to hand over, and zero, each time)."""
    if method == "lhs" or d == 0:
        u = _unit_points(d, block, size, method=method, seed=seed)
        for lo in range(0, size, _PIECE):
            np.clip(u[lo:lo + _PIECE].T, _TINY, 1 - _TINY, out=out[:, lo:lo + _PIECE])
        return
    if method == "mc":
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(block,)))
        draw = lambda m: rng.random((m, d))  # noqa: E731  (one stream, read in order)
    elif method == "sobol":
        engine = _sobol_engine(d, block * BLOCK_SIZE, seed)
        draw = engine.random
    else:
        raise ValueError(f"unknown sampling method {method!r}; use 'mc', 'lhs' or 'sobol'")
    for lo in range(0, size, _PIECE):
        m = min(_PIECE, size - lo)
        if method == "sobol" and lo == 0 and block == 0 and m & (m - 1):
            with warnings.catch_warnings():  # as in _unit_points
                warnings.simplefilter("ignore", UserWarning)
                piece = draw(m)
        else:
            piece = draw(m)
        np.clip(piece.T, _TINY, 1 - _TINY, out=out[:, lo:lo + m])


def block_values(priors: Sequence[ParameterPrior], unit: np.ndarray, *, correlation: Dependence | None = None,
                 seed: int | None = None, block: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Parameter values of one block of design points, and the independent design points they come from.

    Without ``correlation`` (or with the Gaussian copula) this is ``unit_to_values`` and ``unit``
    itself. With Iman-Conover and a drawn block (``seed`` and ``block`` given), the block's points
    are rearranged (seeded from the block's own stream, :func:`~model.inputs.dependence.block_seed`)
    and the points returned are their independent coordinates under the copula (what SMC moves).
    Points given without a block (SMC particles) always go through the copula.
    """
    u = np.asarray(unit, dtype=float)
    if correlation is None or correlation.method == "copula" or seed is None or block is None:
        return unit_to_values(priors, u, correlation=correlation), u
    arranged = correlation.rearrange(u, seed=block_seed(seed, block))
    return unit_to_values(priors, arranged), correlation.to_independent(arranged)


def sample_block(
    priors: Sequence[ParameterPrior], block: int, size: int, *, method: Method, seed: int,
    correlation: Dependence | None = None,
) -> np.ndarray:
    """``(size, len(priors))`` parameter values for one block, fixed parameters included."""
    unit = unit_block(uncertain_count(priors), block, size, method=method, seed=seed)
    return block_values(priors, unit, correlation=correlation, seed=seed, block=block)[0]


def sample_parameters(
    priors: Sequence[ParameterPrior], n: int, *, method: Method, seed: int,
    correlation: Dependence | None = None, threads: int | None = None, out: np.ndarray | None = None,
) -> SampleSet:
    """``n`` samples of every parameter; the same seed always gives the same array.

    ``out``: a C-contiguous float64 array of shape ``(len(priors), n)`` to write the values into
    (parameter-major; the result's ``values`` is its transpose), for a caller that keeps one buffer
    for several draws: new memory costs its first touch (on a virtual machine up to ~1 s per GB).

    Blocks are drawn on ``threads`` threads (default: the CPUs, at most 4; the inverse CDFs run
    without Python's lock), each writing its own columns, so the array does not depend on them.
    A thread takes ``_GROUP`` consecutive blocks at a time, so that the two threads of a 2-core
    machine mostly touch different pages of the (new, untouched) result: a page is zeroed by the
    kernel when first written, and two threads writing into one huge page wait for each other.
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    if out is None:
        values = np.empty((len(priors), n))
    elif out.shape != (len(priors), n) or out.dtype != np.float64 or not out.flags.c_contiguous:
        raise ValueError(f"out must be a C-contiguous float64 array of shape {(len(priors), n)}, "
                         f"got {out.dtype} {out.shape}")
    else:
        values = out
    d = uncertain_count(priors)
    local = threading.local()
    hows: list[_Inverse | None] = []

    def draw(block: int, start: int, stop: int) -> None:
        if correlation is not None and correlation.method != "copula":
            unit = unit_block(d, block, stop - start, method=method, seed=seed)
            values[:, start:stop] = block_values(priors, unit, correlation=correlation, seed=seed, block=block)[0].T
            return
        work = getattr(local, "work", None)
        if work is None:
            work = local.work = _Workspace(d)
        if correlation is None:
            u = work.unit[:, :stop - start]
            _draw_unit_columns(d, block, stop - start, method=method, seed=seed, out=u)
            _fill_columns(priors, u, values[:, start:stop], inverses=hows, scratch=work.scratch)
        else:
            unit = correlation.correlate(unit_block(d, block, stop - start, method=method, seed=seed))
            _fill_values(priors, unit, values[:, start:stop], inverses=hows, work=work)

    def draw_group(group: list[tuple[int, int, int]]) -> None:
        for item in group:
            draw(*item)

    ranges = block_ranges(n)
    workers = max(1, min(threads or default_threads(), len(ranges)))
    if workers == 1:
        hows.extend(_inverses(priors))
        draw_group(ranges)
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            # the tables (~0.1 s each for a beta) are built side by side before any block is drawn
            hows.extend(pool.map(lambda p: _inverse(p.dist) if p.is_uncertain else None, priors))
            if out is None:
                # New memory is handed over by the kernel (and on a virtual machine by the host)
                # page by page on first write: written once up front, one contiguous half per
                # thread, it costs less than when the threads fault it in while drawing, each
                # writing pieces of 26 rows (bench/bench_sampling.py: median 3.5 s against 4.3 s
                # for ten million samples, 8 whole processes each, interleaved).
                for _ in pool.map(lambda part: part.fill(0.0), np.array_split(values.reshape(-1), workers)):
                    pass
            groups = [ranges[i:i + _GROUP] for i in range(0, len(ranges), _GROUP)]
            for _ in pool.map(draw_group, groups):
                pass
    return SampleSet([p.name for p in priors], values.T)
