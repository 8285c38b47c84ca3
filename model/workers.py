"""The worker processes of a batch: how they start, stop and share the cores.

Workers ignore Ctrl-C and SIGTERM (the main process stops them all at once), die with the
batch even after a SIGKILL, never commit once orphaned (``guard_parent``), and run numpy's
linear algebra on one thread.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
from collections.abc import Iterator
from typing import Any

from .storage.results_folder import guard_parent

__all__ = ["die_with_parent", "one_blas_thread", "quiet_dask_on_interrupt", "start_pool", "worker_init"]


def die_with_parent() -> None:
    """Ask Linux to kill this worker when the batch's process dies (even by SIGKILL)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the parent check in Staging.commit still holds
        pass


def one_blas_thread() -> contextlib.AbstractContextManager[Any]:
    """Linear algebra (numpy's OpenBLAS) on one thread while scenarios run; undone on exit.

    Workers already fill the cores; OpenBLAS threads on top of them spin while they wait
    for a core (measured, ``python run.py`` on two cores, nothing else running: 91.7 s and
    160 s user time with OpenBLAS's default of a thread a core, 66.0 s and 116 s with one).
    One thread everywhere also keeps every sum in the same order whatever the number of workers.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - comes with scikit-learn, a dependency
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def worker_init(parent_pid: int) -> None:
    """Worker processes leave Ctrl-C and SIGTERM to the main process, which stops them all at
    once; they die with it, and one left behind never commits (``guard_parent``)."""
    import matplotlib

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    one_blas_thread()  # for the worker's whole life
    die_with_parent()
    guard_parent(parent_pid)
    if os.getppid() != parent_pid:  # the batch died while this worker was starting
        os._exit(1)
    matplotlib.use("Agg")


def start_pool(workers: int) -> Any:
    """A spawn pool whose workers are born with Ctrl-C ignored (a signal in their first second,
    before their initializer runs, must not print a traceback from each of them)."""
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        return multiprocessing.get_context("spawn").Pool(workers, initializer=worker_init,
                                                         initargs=(os.getpid(),))
    finally:
        signal.signal(signal.SIGINT, previous)


@contextlib.contextmanager
def quiet_dask_on_interrupt() -> Iterator[None]:
    """On Ctrl-C, silence dask.distributed's own shutdown tracebacks: the interrupt is reported once."""
    import logging

    try:
        yield
    except BaseException:
        for name in ("distributed", "tornado", "asyncio"):
            logging.getLogger(name).setLevel(logging.CRITICAL + 1)
        raise
