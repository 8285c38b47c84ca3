"""Worker processes: memory reuse (model.workers.keep_freed_memory)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# A process that makes and frees twenty arrays of 1 MiB a hundred times, as the month loop
# does with its temporaries, and prints the page faults of the last hundred rounds.
_CHURN = textwrap.dedent("""
    import resource, sys
    import numpy as np
    sys.path.insert(0, {root!r})
    if {keep}:
        from model.workers import keep_freed_memory
        assert keep_freed_memory()
    def one_round():
        arrays = [np.ones(131_072) for _ in range(20)]
        del arrays
    one_round()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(100):
        one_round()
    print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
""")


def _faults(keep: bool) -> int:
    code = _CHURN.format(root=str(ROOT), keep=keep)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    return int(done.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt is Linux's")
def test_freed_arrays_are_reused_instead_of_faulted_in_again():
    without, kept = _faults(False), _faults(True)
    # glibc's defaults return the freed 20 MiB each round and fault it in again (~5,000 pages
    # a round); kept, the rounds after the first reuse the same memory
    assert without > 50_000
    assert kept < without / 20
