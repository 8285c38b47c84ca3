"""How many threads a computation spreads over by default: one place for the rule."""

from __future__ import annotations

import os

__all__ = ["MAX_DEFAULT_THREADS", "default_threads"]

#: Beyond this, numpy's loops share memory bandwidth and gain little from more threads.
MAX_DEFAULT_THREADS = 4


def default_threads() -> int:
    """The CPUs of this machine, at most :data:`MAX_DEFAULT_THREADS` (at least 1)."""
    return min(MAX_DEFAULT_THREADS, os.cpu_count() or 1)
