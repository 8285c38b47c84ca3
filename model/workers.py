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

__all__ = ["die_with_parent", "keep_freed_memory", "one_blas_thread", "quiet_dask_on_interrupt", "start_pool",
           "worker_init"]

# glibc's mallopt parameters (malloc.h)
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
#: Arrays from this size on get memory of their own from the kernel, returned when freed.
MMAP_THRESHOLD_BYTES = 32 * 2**20
#: Free memory a process keeps at the top of its heap instead of returning it.
TRIM_THRESHOLD_BYTES = 128 * 2**20


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


def keep_freed_memory() -> bool:
    """Let this process reuse the memory of freed arrays instead of returning it to the kernel
    and asking for it again (glibc ``mallopt``); False where that is not glibc.

    The model's month loop makes and frees arrays of one slice of samples (128 KiB and up) by
    the thousand. With glibc's defaults the freed top of the heap goes back to the kernel and
    the next array faults fresh pages in again, each zeroed by the kernel and, on a virtual
    machine, handed over by the host: ``python run.py run scenarios/baseline.yaml`` made
    395,000-417,000 page faults and spent 1.4-2.3 s in the kernel, against 76,000-77,000 and
    0.6-0.75 s with these settings (wall 9.6 s against 8.9 s, median of 3 whole processes each,
    interleaved). Arrays of 32 MiB and more still get memory of their own, returned when freed;
    even so a heap kept warm raised the peak of a ten-million-sample run by 60-135 MiB, so the
    batch's main process keeps freed memory only for runs up to a million samples (batch.py).
    """
    try:
        import ctypes

        libc = ctypes.CDLL(None)
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # pragma: no cover - not glibc (macOS, musl)
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)) and bool(mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES))


def worker_init(parent_pid: int) -> None:
    """Worker processes leave Ctrl-C and SIGTERM to the main process, which stops them all at
    once; they die with it, and one left behind never commits (``guard_parent``)."""
    import matplotlib

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    one_blas_thread()  # for the worker's whole life
    keep_freed_memory()
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
