"""The worker processes of a batch: how they start, stop, share the cores and die.

Workers ignore Ctrl-C and SIGTERM (the main process stops them all at once), die with the
batch even after a SIGKILL, never commit once orphaned (``guard_parent``), and run numpy's
linear algebra on one thread.

A worker can also die on its own: killed by a user, or by the kernel's out-of-memory killer.
:class:`WorkerPool` is built on ``concurrent.futures.ProcessPoolExecutor``, which notices a dead
worker (``BrokenProcessPool``) where ``multiprocessing.Pool`` waits forever for its task: the
scenario it was running fails with :data:`WORKER_DIED`, and the batch goes on with the others.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from .storage.results_folder import guard_parent

__all__ = ["WORKER_DIED", "WorkerDied", "WorkerPool", "die_with_parent", "keep_freed_memory", "one_blas_thread",
           "quiet_dask_on_interrupt", "return_freed_memory", "start_pool", "usable_cores", "worker_init"]

WORKER_DIED = ("its worker process died while running it (killed by a signal: by a user, or by the system's "
               "out-of-memory killer when memory runs short); nothing of this run was kept, an earlier result "
               "stays in place")


class WorkerDied(RuntimeError):
    """A worker process died while it held a task (``str`` is :data:`WORKER_DIED`)."""

    def __init__(self) -> None:
        super().__init__(WORKER_DIED)


# glibc's mallopt parameters (malloc.h)
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
#: Arrays from this size on get memory of their own from the kernel, returned when freed.
MMAP_THRESHOLD_BYTES = 32 * 2**20
#: Free memory a process keeps at the top of its heap instead of returning it.
TRIM_THRESHOLD_BYTES = 128 * 2**20
_keeps_freed_memory = False  # set by keep_freed_memory(): the process's allocator settings, process-wide by nature


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity where the system has one, as under a
    container's or a job scheduler's limit), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not Linux
        return max(1, os.cpu_count() or 1)


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
    global _keeps_freed_memory
    _keeps_freed_memory = bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)) and bool(
        mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES))
    return _keeps_freed_memory


def return_freed_memory() -> None:
    """Give the memory glibc holds freed back to the kernel (``malloc_trim``), unless this process keeps
    it on purpose (:func:`keep_freed_memory`); nothing where that is not glibc.

    After the blocks of a run of millions the heap keeps what the block temporaries left in its middle,
    which trimming its top alone never returns: 65 MiB of a ten-million-sample run, measured after the
    blocks of ``nk_cutoff`` (1,525 MiB resident, 1,460 MiB after).
    """
    if _keeps_freed_memory:
        return
    try:
        import ctypes

        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # pragma: no cover - not glibc (macOS, musl)
        pass


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


@contextlib.contextmanager
def _children_ignore_ctrl_c() -> Iterator[None]:
    """Workers started inside are born with Ctrl-C ignored (a signal in their first second, before
    their initializer runs, must not print a traceback from each of them); the executor starts its
    processes when work is submitted, so every submit runs inside this."""
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _quiet_resource_tracker() -> None:
    """Keep the "leaked semaphore objects to clean up" warning of multiprocessing's resource
    tracker off the terminal: when the batch is killed (SIGKILL) the tracker unlinks the
    semaphores of the executor's queues itself, and its warning only alarms the user. The
    tracker is a fresh interpreter that takes its warning filters from ``sys.warnoptions``, so
    the filter is added before it starts (it starts with the first queue)."""
    option = "ignore:resource_tracker:UserWarning"
    if option not in sys.warnoptions:
        sys.warnoptions.append(option)


def _executor(processes: int) -> ProcessPoolExecutor:
    _quiet_resource_tracker()
    return ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn"), initializer=worker_init,
                               initargs=(os.getpid(),))


def _stop_now(executors: Iterable[ProcessPoolExecutor]) -> None:
    """Terminate the executors' workers at once (Ctrl-C, SIGTERM, an error) and wait for them."""
    processes = []
    for executor in executors:
        # ProcessPoolExecutor gives no public way to stop a running task before Python 3.14
        # (terminate_workers); its process table has the same name from 3.8 to 3.14
        processes += list((getattr(executor, "_processes", None) or {}).values())
        executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(5)
        if process.is_alive():
            process.kill()
            process.join()


class WorkerPool:
    """Up to ``workers`` worker processes for one batch, started on first use.

    :meth:`run_each` runs scenarios side by side, each slot a one-process executor of its own, so
    a worker that dies takes down only the scenario it was running (a fresh process takes the
    slot's next one); :meth:`map` spreads one scenario's sample blocks over all the processes, and
    a worker that dies fails that scenario. Either way :class:`WorkerDied`, never a hang. Used as
    a context manager: on leaving, the workers are shut down, or terminated at once when an
    exception (Ctrl-C included) leaves it.
    """

    def __init__(self, workers: int):
        self.workers = workers
        self._slots: list[ProcessPoolExecutor | None] = [None] * workers
        self._shared: ProcessPoolExecutor | None = None

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, kind: type[BaseException] | None, *rest: object) -> None:
        executors = [e for e in [*self._slots, self._shared] if e is not None]
        self._slots, self._shared = [None] * self.workers, None
        if kind is None:
            for executor in executors:
                executor.shutdown(wait=True)
        else:
            _stop_now(executors)

    def _drop(self, slot: int) -> None:
        executor = self._slots[slot]
        if executor is not None:
            executor.shutdown(wait=True)
        self._slots[slot] = None

    def _submit_once(self, slot: int, fn: Callable[[Any], Any], task: Any) -> Future[Any]:
        executor = self._slots[slot]
        if executor is None:
            executor = self._slots[slot] = _executor(1)
        with _children_ignore_ctrl_c():
            return executor.submit(fn, task)

    def _submit(self, slot: int, fn: Callable[[Any], Any], task: Any) -> Future[Any]:
        try:
            return self._submit_once(slot, fn, task)
        except BrokenProcessPool:  # its worker died while idle: nothing was lost, a fresh one takes over
            self._drop(slot)
            return self._submit_once(slot, fn, task)

    def run_each(self, fn: Callable[[Any], Any], tasks: Iterable[Any],
                 on_done: Callable[[Any, Any], None]) -> None:
        """Call ``fn(task)`` for every task, at most ``workers`` at once, in the order given;
        ``on_done(task, result)`` in the main process as each finishes, ``result`` being a
        :class:`WorkerDied` when the task's worker died."""
        waiting = list(tasks)
        running: dict[Future[Any], tuple[int, Any]] = {}
        while waiting or running:
            busy = {slot for slot, _ in running.values()}
            for slot in range(self.workers):
                if waiting and slot not in busy:
                    task = waiting.pop(0)
                    running[self._submit(slot, fn, task)] = (slot, task)
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                slot, task = running.pop(future)
                try:
                    result = future.result()
                except BrokenProcessPool:
                    self._drop(slot)
                    result = WorkerDied()
                on_done(task, result)

    def map(self, fn: Callable[[Any], Any], tasks: Iterable[Any]) -> Iterator[Any]:
        """``fn`` over ``tasks`` on all the workers, results in order (like ``map``); raises
        :class:`WorkerDied` when a worker dies while the tasks run."""
        tasks = list(tasks)
        try:
            results = self._map_once(fn, tasks)
        except BrokenProcessPool:  # a worker died while idle between two maps: nothing was lost
            self._drop_shared()
            try:
                results = self._map_once(fn, tasks)
            except BrokenProcessPool:
                raise WorkerDied() from None
        try:
            yield from results
        except BrokenProcessPool:
            self._drop_shared()
            raise WorkerDied() from None

    def _map_once(self, fn: Callable[[Any], Any], tasks: list[Any]) -> Iterator[Any]:
        if self._shared is None:
            self._shared = _executor(self.workers)
        with _children_ignore_ctrl_c():
            return self._shared.map(fn, tasks)

    def _drop_shared(self) -> None:
        if self._shared is not None:
            self._shared.shutdown(wait=True)
        self._shared = None


def start_pool(workers: int) -> WorkerPool:
    """The batch's worker processes (none start before work is given to them)."""
    return WorkerPool(workers)


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
