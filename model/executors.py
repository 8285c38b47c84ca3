"""Where a batch's work runs, behind one interface: in this process, on a pool of worker processes, or
on a Dask cluster.

An :class:`Executor` does two things: ``map`` spreads one scenario's sample blocks (and the delivery
chain's replications) over its workers, results in order; ``run_each`` runs whole scenarios side by
side, calling back as each ends. The numbers never depend on which one runs them: every block draws
its own random stream from the scenario seed and the block index (``model.inputs.sampling``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol

from .workers import WorkerPool, quiet_dask_on_interrupt

__all__ = ["Executor", "Serial", "Pool", "DaskCluster", "SchedulerUnreachable", "open_executor"]


class Executor(Protocol):
    """What a batch runs on."""

    side_by_side: bool  # whether run_each runs scenarios at the same time

    def map(self, fn: Callable[[Any], Any], tasks: Iterable[Any]) -> Iterator[Any]: ...

    def run_each(self, fn: Callable[[Any], Any], tasks: Iterable[Any], on_done: Callable[[Any, Any], None]) -> None: ...


class Serial:
    """Everything in this process, one after the other."""

    side_by_side = False

    def map(self, fn: Callable[[Any], Any], tasks: Iterable[Any]) -> Iterator[Any]:
        return map(fn, tasks)

    def run_each(self, fn: Callable[[Any], Any], tasks: Iterable[Any], on_done: Callable[[Any, Any], None]) -> None:
        for task in tasks:
            on_done(task, fn(task))


class Pool:
    """Worker processes of this computer (``model.workers.WorkerPool``): a dead worker fails only the
    scenario it was running."""

    side_by_side = True

    def __init__(self, pool: WorkerPool):
        self._pool = pool

    def map(self, fn: Callable[[Any], Any], tasks: Iterable[Any]) -> Iterator[Any]:
        return self._pool.map(fn, tasks)

    def run_each(self, fn: Callable[[Any], Any], tasks: Iterable[Any], on_done: Callable[[Any, Any], None]) -> None:
        self._pool.run_each(fn, tasks, on_done)


class DaskCluster:
    """A Dask cluster: each scenario's sample blocks on its workers, the scenarios one after the other."""

    side_by_side = False

    def __init__(self, client: Any):
        self._client = client

    def map(self, fn: Callable[[Any], Any], tasks: Iterable[Any]) -> Iterator[Any]:
        return iter(self._client.gather(self._client.map(fn, list(tasks), pure=False)))

    def run_each(self, fn: Callable[[Any], Any], tasks: Iterable[Any], on_done: Callable[[Any, Any], None]) -> None:
        for task in tasks:
            on_done(task, fn(task))


class SchedulerUnreachable(ConnectionError):
    """The Dask scheduler given with ``--scheduler`` does not answer; nothing was run or written."""


@contextlib.contextmanager
def dask_client(address: str) -> Iterator[Any]:
    """A Dask client connected to ``address`` (raises :class:`SchedulerUnreachable`)."""
    from distributed import Client

    with quiet_dask_on_interrupt():
        try:
            client = Client(address)
        except (OSError, ValueError, TimeoutError) as exc:  # refused, timed out, or no such host
            raise SchedulerUnreachable(f"cannot reach the Dask scheduler at {address} ({exc})") from None
        with client:
            yield client


@contextlib.contextmanager
def open_executor(workers: int, client: Any = None) -> Iterator[Executor]:
    """The executor for ``workers`` processes (1: this process), or the Dask ``client``'s cluster. On
    leaving, a pool's workers are shut down, or terminated at once when an exception (Ctrl-C included)
    leaves it."""
    if client is not None:
        yield DaskCluster(client)
    elif workers <= 1:
        yield Serial()
    else:
        with WorkerPool(workers) as pool:
            yield Pool(pool)
