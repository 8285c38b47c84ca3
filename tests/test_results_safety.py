"""Results that nothing can corrupt: each defect a hostile user found, as a test (issue 9, part 2).

Two runs on one folder, a kill of the main process (SIGTERM, SIGKILL), an early Ctrl-C, sample counts
outside the bounds, reserved names, a full disk while writing the index, a read-only folder, a deleted
summary or scenario file, a file where a results folder should be, warnings on extreme inputs.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from model import batch, executors
from model.cli import main
from model.storage import results_folder
from model.storage.results_folder import read_manifest, recover, write_text_atomic

ROOT = Path(__file__).resolve().parents[1]
SMALL = """name: {name}
extends: baseline
description: A small test scenario ({name}).
samples: {samples}
sensitivity:
  metrics: [nk_share_of_fired]
  methods: [rank]
"""


def _ctrl_c_works() -> None:
    """A background job of a shell without job control starts with SIGINT ignored (CI runs so);
    a terminal's Ctrl-C is what these tests mimic, so the child gets the default handling back."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _scenarios(folder: Path, **names_samples: int) -> list[Path]:
    folder.mkdir(exist_ok=True)
    text = (ROOT / "scenarios" / "baseline.yaml").read_text(encoding="utf-8")
    (folder / "baseline.yaml").write_text(text.replace("name: baseline", "name: baseline_full"), encoding="utf-8")
    out = []
    for name, samples in names_samples.items():
        path = folder / f"{name}.yaml"
        path.write_text(SMALL.format(name=name, samples=samples), encoding="utf-8")
        out.append(path)
    return out


def _cmd(*args: object) -> list[str]:
    return [sys.executable, str(ROOT / "run.py"), *map(str, args), "--no-progress"]


def _wait_for(predicate, timeout: float = 120.0) -> bool:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def _group_size(pgid: int) -> int:
    """How many live processes are in the process group (read from /proc: the batch and its workers)."""
    count = 0
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat_file.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended while we looked
            continue
        count += fields[0] != "Z" and int(fields[2]) == pgid  # state, ppid, pgrp
    return count


def test_a_second_run_on_the_same_folder_refuses_and_the_first_completes(tmp_path):
    slow, other = _scenarios(tmp_path / "sc", slow=4096, other=64)
    out = tmp_path / "results"
    first = subprocess.Popen(_cmd("run", slow, "--out", out, "--workers", "1"), cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert _wait_for(lambda: out.is_dir() and any(p.name.startswith(".staging-") for p in out.iterdir())
                     or first.poll() is not None)
    second = subprocess.run(_cmd("run", other, "--out", out), cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert second.returncode == 2
    assert "is being written by another run" in second.stderr
    _, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    manifest = read_manifest(out / "slow")
    assert manifest is not None and manifest["complete"] is True
    assert sorted(p.name for p in (out / "slow").iterdir()) == sorted(manifest["files"])
    assert (out / "slow" / "summary.json").is_file()


def test_recover_leaves_the_staging_of_a_live_process_alone(tmp_path):
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        (tmp_path / f".staging-alpha-{live.pid}").mkdir()
        (tmp_path / ".staging-beta-999999999").mkdir()  # no such process
        recover(tmp_path)
        assert (tmp_path / f".staging-alpha-{live.pid}").is_dir()
        assert not (tmp_path / ".staging-beta-999999999").exists()
    finally:
        live.kill()
        live.wait()


def test_a_folder_missing_a_file_is_neither_complete_nor_current(tmp_path):
    (path,) = _scenarios(tmp_path / "sc", alpha=64)
    out = tmp_path / "results"
    assert main(["run", str(path), "--out", str(out), "--no-progress", "--workers", "1"]) == 0
    assert read_manifest(out / "alpha") is not None
    (out / "alpha" / "summary.json").unlink()
    assert read_manifest(out / "alpha") is None
    assert main(["run", str(path), "--out", str(out), "--no-progress", "--workers", "1"]) == 0  # ran again
    assert (out / "alpha" / "summary.json").is_file()
    (out / "alpha" / "trajectories.csv").write_text("truncated")
    assert read_manifest(out / "alpha") is None  # a file of another size than written


@pytest.mark.parametrize("sig, code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_stops_the_batch_and_its_workers(tmp_path, sig, code):
    files = _scenarios(tmp_path / "sc", a=4096, b=4096, c=4096)
    out = tmp_path / "results"
    proc = subprocess.Popen(_cmd("run", *files, "--out", out, "--workers", "2"), cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True,
                            preexec_fn=_ctrl_c_works)
    assert _wait_for(lambda: out.is_dir() and any(p.name.startswith(".staging-") for p in out.iterdir()))
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == code, err
    assert "Traceback" not in err
    assert _wait_for(lambda: not _group_alive(proc.pid), timeout=10), "workers outlived the batch"
    assert not [p for p in out.iterdir() if p.name.startswith(".staging-")]


def test_after_sigkill_no_orphan_commits_anything(tmp_path):
    files = _scenarios(tmp_path / "sc", a=4096, b=4096)
    out = tmp_path / "results"
    proc = subprocess.Popen(_cmd("run", *files, "--out", out, "--workers", "2"), cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True,
                            preexec_fn=_ctrl_c_works)
    assert _wait_for(lambda: out.is_dir() and sum(p.name.startswith(".staging-") for p in out.iterdir()) == 2)
    proc.kill()
    proc.wait()
    # every process of the group is gone, so nothing can commit after this look
    assert _wait_for(lambda: not _group_alive(proc.pid), timeout=10), "workers outlived a SIGKILL of the batch"
    assert not [p for p in out.iterdir() if read_manifest(p) is not None]


def test_an_early_ctrl_c_prints_no_worker_traceback(tmp_path):
    files = _scenarios(tmp_path / "sc", a=4096, b=4096)
    proc = subprocess.Popen(_cmd("run", *files, "--out", tmp_path / "r", "--workers", "2"), cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                            preexec_fn=_ctrl_c_works)
    # as soon as the worker processes exist (still importing, nothing computed: a 4,096-sample scenario
    # takes seconds, so the batch cannot have finished)
    assert _wait_for(lambda: _group_size(proc.pid) >= 2, timeout=30)
    os.killpg(proc.pid, signal.SIGINT)  # as a terminal does: the whole process group
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err, err


@pytest.mark.parametrize("value", ["1", "63", "20000000"])
def test_samples_on_the_command_line_obey_the_yaml_bounds(tmp_path, value, capsys):
    (path,) = _scenarios(tmp_path / "sc", alpha=64)
    with pytest.raises(SystemExit) as exit_:
        main(["run", str(path), "--samples", value, "--out", str(tmp_path / "r")])
    assert exit_.value.code == 2
    assert "a sample count is from 64 to 10,000,000" in capsys.readouterr().err
    assert not (tmp_path / "r").exists()


def test_an_empty_out_is_refused(tmp_path, capsys):
    (path,) = _scenarios(tmp_path / "sc", alpha=64)
    with pytest.raises(SystemExit):
        main(["run", str(path), "--out", ""])
    assert "give a folder name" in capsys.readouterr().err


HOSTILE = {
    "figure_low_equals_high": ("parameters:\n  ru_production_per_month: {figure: ru_shell_production_per_year, "
                               "low: 3000000, high: 3000000}\n", "parameters.ru_production_per_month.low"),
    "bool_tag": ("shortage_threshold: !!bool abc\n", "shortage_threshold"),
    "lognormal_sigma": ("parameters:\n  nk_stockpile_start: {dist: lognormal, median: 1.0e7, sigma: 1000, "
                        "unit: shells, assumption: x}\n", "parameters.nk_stockpile_start.sigma"),
    "range_ci": ("parameters:\n  nk_stockpile_start: {dist: range, low: 1.0e6, high: 2.0e7, ci: 1.0e-12, "
                 "unit: shells, assumption: x}\n", "parameters.nk_stockpile_start.ci"),
    "huge_median": ("parameters:\n  nk_stockpile_start: {dist: lognormal, median: 1.0e300, sigma: 0.5, unit: shells, "
                    "assumption: x}\n", "parameters.nk_stockpile_start"),
    "tiny_spread": ("observations:\n  nk_shells_delivered_2024: {output: nk_deliveries_cumulative, spread: 1.0e-9}\n",
                    "observations.nk_shells_delivered_2024.spread"),
    "bool_value": ("parameters:\n  nk_dud_rate_old: {dist: fixed, value: true, unit: fraction, assumption: x}\n",
                   "parameters.nk_dud_rate_old.value"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_what_cannot_run_is_refused_by_validate_with_file_line_field(tmp_path, case, capsys):
    folder = tmp_path / "sc"
    _scenarios(folder)
    body, field = HOSTILE[case]
    path = folder / "hostile.yaml"
    path.write_text(f"name: hostile\nextends: baseline\ndescription: a hostile case\n{body}", encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:" in err and f": {field}:" in err, err
    assert "internal error" not in err


@pytest.mark.parametrize("name, description, message", [
    ("comparison", "x", "a folder the batch writes itself"),
    ("teaching", "x", "a folder the batch writes itself"),
    ("blank", "'   '", "it is blank"),
])
def test_reserved_names_and_blank_descriptions_are_refused(tmp_path, name, description, message, capsys):
    folder = tmp_path / "sc"
    _scenarios(folder)
    path = folder / f"{name}.yaml"
    path.write_text(f"name: {name}\nextends: baseline\ndescription: {description}\n", encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    assert message in capsys.readouterr().err


def test_the_index_follows_the_umask_and_a_full_disk_names_the_file(tmp_path, monkeypatch):
    old = os.umask(0o022)
    try:
        target = tmp_path / "index.html"
        write_text_atomic(target, "<html></html>")
        assert stat.S_IMODE(target.stat().st_mode) == 0o644

        def full(*args, **kwargs):
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(results_folder.os, "replace", full)
        with pytest.raises(OSError) as err:
            write_text_atomic(target, "<html>new</html>")
        assert err.value.filename == str(target)
        assert target.read_text() == "<html></html>"
        assert [p.name for p in tmp_path.iterdir()] == ["index.html"]  # no temporary file left behind
    finally:
        os.umask(old)


def test_nothing_to_do_writes_nothing(tmp_path, monkeypatch):
    files = _scenarios(tmp_path / "sc", alpha=64, beta=64)
    out = tmp_path / "results"
    assert main(["run", *map(str, files), "--out", str(out), "--no-progress", "--workers", "1"]) == 0

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Read-only file system", str(args[0]) if args else "")

    monkeypatch.setattr(batch, "write_text_atomic", refuse)
    monkeypatch.setattr(batch.Staging, "__enter__", refuse)
    assert main(["run", *map(str, files), "--out", str(out), "--no-progress", "--workers", "1"]) == 0


def test_results_of_a_deleted_scenario_stay_on_disk_but_leave_the_index(tmp_path):
    alpha, beta = _scenarios(tmp_path / "sc", alpha=64, beta=64)
    out = tmp_path / "results"
    assert main(["run", str(alpha), str(beta), "--out", str(out), "--no-progress", "--workers", "1"]) == 0
    assert 'href="beta/report.html"' in (out / "index.html").read_text()
    beta.unlink()
    assert main(["run", str(alpha), "--out", str(out), "--no-progress", "--workers", "1", "--redo"]) == 0
    index = (out / "index.html").read_text()
    assert 'href="alpha/report.html"' in index and "beta/report.html" not in index
    assert (out / "beta" / "summary.json").is_file()  # nothing computed is lost


def test_no_more_worker_processes_than_scenarios(tmp_path, monkeypatch):
    files = _scenarios(tmp_path / "sc", alpha=64, beta=64)
    started: list[int] = []
    real = executors.WorkerPool

    def record(workers: int):
        started.append(workers)
        return real(workers)

    monkeypatch.setattr(executors, "WorkerPool", record)  # the pool the batch's executor starts
    assert main(["run", *map(str, files), "--out", str(tmp_path / "r"), "--no-progress", "--workers", "12"]) == 0
    assert started == [2]


def test_a_file_where_a_results_folder_goes_is_left_alone(tmp_path, capsys):
    (path,) = _scenarios(tmp_path / "sc", alpha=64)
    out = tmp_path / "results"
    out.mkdir()
    (out / "alpha").write_text("my notes")
    assert main(["run", str(path), "--out", str(out), "--no-progress", "--workers", "1"]) == 1
    assert "exists and is not a results folder" in capsys.readouterr().err
    assert (out / "alpha").read_text() == "my notes"
    assert not [p for p in out.iterdir() if p.name.startswith(".previous-") or p.name.startswith(".staging-")]


def test_extreme_inputs_leak_no_warnings(tmp_path):
    folder = tmp_path / "sc"
    _scenarios(folder)
    path = folder / "extreme.yaml"
    path.write_text("""name: extreme
extends: baseline
description: nothing wanted, nothing shipped
samples: 64
parameters:
  shells_wanted_per_month: {dist: fixed, value: 0, unit: shells/month, assumption: test}
  nk_shipping_capacity_per_month: {dist: fixed, value: 0, unit: shells/month, assumption: test}
  ru_production_per_month: {dist: fixed, value: 0, unit: shells/month, assumption: test}
observations: {}
sensitivity: {metrics: [nk_share_of_fired], methods: [tornado, rank]}
""", encoding="utf-8")
    done = subprocess.run(_cmd("run", path, "--out", tmp_path / "r", "--workers", "1"), cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "Warning" not in done.stderr, done.stderr
