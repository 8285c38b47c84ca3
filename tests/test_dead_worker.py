"""A worker that dies (killed by a user or by the out-of-memory killer) fails its scenario; the
batch finishes the others, writes the index and releases the lock (issue 23, item 2).

``multiprocessing.Pool`` waited forever for a dead worker's task, holding the lock; the pool is
now built on ``ProcessPoolExecutor``, which reports the death.
"""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from model.storage.results_folder import read_manifest
from model.workers import WORKER_DIED, WorkerDied, WorkerPool

ROOT = Path(__file__).resolve().parents[1]
SMALL = """name: {name}
extends: baseline
description: A small test scenario ({name}).
samples: {samples}
sensitivity:
  metrics: [nk_share_of_fired]
  methods: [rank]
"""

pytestmark = pytest.mark.skipif(not Path("/proc").is_dir(), reason="finds the workers in /proc (Linux)")


def _die_on(value: int) -> int:
    """A task that kills its own worker on 13, as the out-of-memory killer would (SIGKILL)."""
    if value == 13:
        os.kill(os.getpid(), signal.SIGKILL)
    time.sleep(0.05)
    return value * 2


def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            out += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return out


def _workers_of(pid: int) -> list[int]:
    """The batch's worker processes (spawned interpreters running ``spawn_main``)."""
    found = []
    for child in _children(pid):
        try:
            if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes():
                found.append(child)
        except OSError:
            pass
    return found


def _age_seconds(pid: int) -> float:
    ticks = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19])
    uptime = float(Path("/proc/uptime").read_text().split()[0])
    return uptime - ticks / os.sysconf("SC_CLK_TCK")


def test_a_worker_killed_while_mapping_blocks_raises_instead_of_hanging():
    started = time.monotonic()
    with WorkerPool(2) as pool:
        assert list(pool.map(_die_on, [1, 2, 3])) == [2, 4, 6]
        with pytest.raises(WorkerDied, match="worker process died"):
            list(pool.map(_die_on, [1, 13, 3, 4]))
        assert list(pool.map(_die_on, [5, 6])) == [10, 12]  # fresh workers for what comes next
    assert time.monotonic() - started < 60


def test_a_worker_killed_side_by_side_fails_only_its_own_task():
    results: dict[int, object] = {}
    with WorkerPool(2) as pool:
        pool.run_each(_die_on, [1, 13, 3, 4, 5], lambda task, result: results.__setitem__(task, result))
    assert {k: v for k, v in results.items() if k != 13} == {1: 2, 3: 6, 4: 8, 5: 10}
    assert isinstance(results[13], WorkerDied)


def test_a_killed_worker_fails_its_scenario_and_the_batch_finishes(tmp_path):
    folder = tmp_path / "sc"
    folder.mkdir()
    (folder / "baseline.yaml").write_text((ROOT / "scenarios" / "baseline.yaml").read_text(encoding="utf-8")
                                          .replace("name: baseline", "name: baseline_full"), encoding="utf-8")
    files = []
    for name in ("alpha", "beta"):
        files.append(folder / f"{name}.yaml")
        files[-1].write_text(SMALL.format(name=name, samples=16384), encoding="utf-8")
    out = tmp_path / "results"
    cmd = [sys.executable, str(ROOT / "run.py"), "run", *map(str, files), "--out", str(out), "--workers", "2",
           "--no-progress"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        workers: list[int] = []
        while time.monotonic() < deadline and proc.poll() is None:  # both running a scenario for a while
            workers = _workers_of(proc.pid)
            if len(workers) == 2 and min(_age_seconds(w) for w in workers) > 3.0:
                break
            time.sleep(0.1)
        assert len(workers) == 2, "the batch did not start two workers"
        os.kill(workers[0], signal.SIGKILL)
        killed_at = time.monotonic()
        _, err = proc.communicate(timeout=180)  # multiprocessing.Pool hung here for good
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 1, err
    assert err.count(WORKER_DIED) == 1, err
    assert "Traceback" not in err and "leaked" not in err, err
    finished = [n for n in ("alpha", "beta") if read_manifest(out / n) is not None]
    assert len(finished) == 1  # the other scenario ran to the end
    assert (out / "index.html").is_file()
    assert not [p for p in out.iterdir() if p.name.startswith((".staging-", ".previous-"))]
    with open(out / ".lock", "a") as fh:  # released: a later run would not be refused as busy
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    print(f"batch finished {time.monotonic() - killed_at:.1f} s after the kill")


def test_a_killed_batch_prints_no_leaked_semaphore_warning(tmp_path):
    folder = tmp_path / "sc"
    folder.mkdir()
    (folder / "baseline.yaml").write_text((ROOT / "scenarios" / "baseline.yaml").read_text(encoding="utf-8")
                                          .replace("name: baseline", "name: baseline_full"), encoding="utf-8")
    files = []
    for name in ("alpha", "beta"):
        files.append(folder / f"{name}.yaml")
        files[-1].write_text(SMALL.format(name=name, samples=4096), encoding="utf-8")
    cmd = [sys.executable, str(ROOT / "run.py"), "run", *map(str, files), "--out", str(tmp_path / "r"),
           "--workers", "2", "--no-progress"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(_workers_of(proc.pid)) < 2 and proc.poll() is None:
        time.sleep(0.1)
    time.sleep(1.0)
    proc.kill()
    _, err = proc.communicate(timeout=60)  # stderr closes when the resource tracker has exited too
    assert "leaked semaphore" not in err, err
