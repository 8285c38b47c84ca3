"""Batch runs: atomic folders, skipping current results, failures, interruptions, Dask."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from model import batch
from model.cli import main
from model.storage.results_folder import Staging, read_manifest, recover, safe_target

CONTROL_FILES = {".lock", ".index-state.json"}  # the batch's own lock and index record

ROOT = Path(__file__).resolve().parents[1]
SMALL = """name: {name}
extends: baseline
description: A small test scenario ({name}).
samples: 128
sensitivity:
  metrics: [nk_share_of_fired]
  methods: [tornado, rank]
{extra}"""


@pytest.fixture
def scenario_dir(tmp_path):
    folder = tmp_path / "scenarios"
    folder.mkdir()
    shutil.copy(ROOT / "scenarios" / "baseline.yaml", folder / "baseline_full.yaml")
    text = (folder / "baseline_full.yaml").read_text().replace("name: baseline", "name: baseline_full")
    (folder / "baseline.yaml").write_text(text)
    (folder / "baseline_full.yaml").unlink()
    (folder / "alpha.yaml").write_text(SMALL.format(name="alpha", extra=""))
    (folder / "beta.yaml").write_text(SMALL.format(
        name="beta", extra="events:\n  cut: {kind: nk_deliveries_stop, month: 2025-10}\n"))
    return folder


def _ctrl_c_works() -> None:
    """A background job of a shell without job control starts with SIGINT ignored (CI runs so);
    a terminal's Ctrl-C is what these tests mimic, so the child gets the default handling back."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def run_cli(*args):
    return main(["run", *map(str, args), "--no-progress"])


def test_staging_replaces_only_on_commit(tmp_path):
    target = tmp_path / "out" / "s"
    with Staging(target) as st:
        (st.folder / "summary.json").write_text("{}")
        st.commit({"scenario": "s"})
    assert read_manifest(target)["complete"] is True
    with pytest.raises(RuntimeError), Staging(target) as st:
        (st.folder / "summary.json").write_text('{"new": 1}')
        raise RuntimeError("disk full")
    assert (target / "summary.json").read_text() == "{}"  # the earlier good result survives
    assert [p.name for p in target.parent.iterdir()] == ["s"]  # no staging left behind


def test_recover_restores_a_result_moved_aside_and_drops_unfinished(tmp_path):
    (tmp_path / ".previous-baseline-123").mkdir()
    (tmp_path / ".staging-alpha-456").mkdir()
    done = recover(tmp_path)
    assert (tmp_path / "baseline").is_dir()
    assert not (tmp_path / ".staging-alpha-456").exists()
    assert len(done) == 2


@pytest.mark.parametrize("name", ["..", ".hidden", "../x", "a/b", ""])
def test_names_cannot_escape_the_results_folder(tmp_path, name):
    with pytest.raises(ValueError, match="cannot be used"):
        safe_target(tmp_path, name)


def test_batch_writes_complete_folders_and_skips_current_ones(scenario_dir, tmp_path, capsys):
    out = tmp_path / "results"
    files = [scenario_dir / "alpha.yaml", scenario_dir / "beta.yaml"]
    assert run_cli(*files, "--out", out, "--workers", "1") == 0
    for name in ("alpha", "beta"):
        folder = out / name
        manifest = read_manifest(folder)
        assert manifest is not None and manifest["seed"] == 20230913 and manifest["samples"] == 128
        assert manifest["resolved"]["name"] == name
        for f in ("summary.json", "trajectories.csv", "samples.csv", "sensitivity.csv", "report.html",
                  "story.png", "story.svg", "mechanisms.png", "hist_nk_share_of_fired.png"):
            assert (folder / f).stat().st_size > 0, f
        assert manifest["figures"] == "headline"
        assert not (folder / "fan_nk_deliveries_cumulative.png").exists()  # every chart only with --figures all
        summary = json.loads((folder / "summary.json").read_text())
        for key in ("scenario", "seed", "samples", "effective_sample_size", "observations", "metrics"):
            assert key in summary
        for metric in ("nk_deliveries_total", "nk_share_of_fired", "shortfall_total", "killed_total",
                       "payments_total_usd", "payments_share_of_nk_gdp"):
            assert set(summary["metrics"][metric]) >= {"mean", "p5", "p50", "p95", "unit"}
    assert "months_to_shortage_after_cutoff" in json.loads((out / "beta" / "summary.json").read_text())["metrics"]
    assert (out / "cutoff_stock_shortfall.png").exists() is False
    assert (out / "beta" / "cutoff_stock_shortfall.png").exists()
    index = (out / "index.html").read_text()
    assert 'href="alpha/report.html"' in index and 'href="beta/report.html"' in index
    assert (out / "comparison").is_dir()

    before = (out / "alpha" / "summary.json").stat().st_mtime_ns
    capsys.readouterr()
    assert run_cli(*files, "--out", out) == 0
    err = capsys.readouterr().err
    assert "alpha: results are complete and current, skipped" in err
    assert (out / "alpha" / "summary.json").stat().st_mtime_ns == before
    # another seed is another result; and every chart on request
    assert run_cli(scenario_dir / "alpha.yaml", "--out", out, "--seed", "7", "--figures", "all") == 0
    assert json.loads((out / "alpha" / "summary.json").read_text())["seed"] == 7
    assert read_manifest(out / "alpha")["figures"] == "all"
    for f in ("fan_nk_deliveries_cumulative.png", "fan_nk_deliveries_cumulative.svg", "ppc_nk_shells_delivered_2024.png"):
        assert (out / "alpha" / f).stat().st_size > 0, f


def test_same_seed_gives_byte_identical_summaries_whatever_the_workers_and_figures(scenario_dir, tmp_path):
    files = [scenario_dir / "alpha.yaml", scenario_dir / "beta.yaml"]
    assert run_cli(*files, "--out", tmp_path / "one", "--workers", "1") == 0
    # two workers and every chart: the charts are drawn from the summary, never into it
    assert run_cli(*files, "--out", tmp_path / "two", "--workers", "2", "--figures", "all") == 0
    for name in ("alpha", "beta"):
        a = (tmp_path / "one" / name / "summary.json").read_bytes()
        b = (tmp_path / "two" / name / "summary.json").read_bytes()
        assert a == b


def test_invalid_scenario_stops_the_batch_before_anything_is_written(scenario_dir, tmp_path, capsys):
    (scenario_dir / "broken.yaml").write_text(SMALL.format(name="broken", extra="sampeling: mc\n"))
    out = tmp_path / "results"
    assert run_cli(scenario_dir / "alpha.yaml", scenario_dir / "broken.yaml", "--out", out) == 2
    err = capsys.readouterr().err
    assert "broken.yaml:8: sampeling: unknown key; did you mean 'sampling'?" in err
    assert not out.exists()


def test_a_failing_scenario_does_not_stop_the_others(scenario_dir, tmp_path, monkeypatch, capsys):
    real = batch.run_scenario

    def flaky(scenario, *args, **kwargs):
        if scenario.name == "alpha":
            raise FloatingPointError("simulated failure")
        return real(scenario, *args, **kwargs)

    monkeypatch.setattr(batch, "run_scenario", flaky)
    out = tmp_path / "results"
    status = run_cli(scenario_dir / "alpha.yaml", scenario_dir / "beta.yaml", "--out", out, "--workers", "1")
    assert status == 1
    assert "alpha: FAILED: FloatingPointError: simulated failure" in capsys.readouterr().err
    assert not (out / "alpha").exists()
    assert read_manifest(out / "beta") is not None
    assert "simulated failure" in (out / "index.html").read_text()


def test_a_crash_while_writing_keeps_the_earlier_result(scenario_dir, tmp_path, monkeypatch):
    out = tmp_path / "results"
    assert run_cli(scenario_dir / "alpha.yaml", "--out", out, "--workers", "1") == 0
    good = (out / "alpha" / "summary.json").read_bytes()

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(batch, "render_report", full_disk)
    assert run_cli(scenario_dir / "alpha.yaml", "--out", out, "--redo", "--seed", "5", "--workers", "1") == 1
    assert (out / "alpha" / "summary.json").read_bytes() == good
    assert read_manifest(out / "alpha")["seed"] == 20230913
    assert not [p for p in out.iterdir() if p.name.startswith(".") and p.name not in CONTROL_FILES]


@pytest.mark.parametrize("workers", ["1", "2"])
def test_killed_batch_resumes_without_redoing_finished_work(scenario_dir, tmp_path, workers):
    out = tmp_path / "results"
    for name in ("gamma", "delta", "epsilon"):  # larger, so the batch is still running at the Ctrl-C
        (scenario_dir / f"{name}.yaml").write_text(SMALL.format(name=name, extra="").replace("samples: 128",
                                                                                             "samples: 16384"))
    files = [str(scenario_dir / f"{n}.yaml") for n in ("alpha", "beta", "gamma", "delta", "epsilon")]
    cmd = [sys.executable, str(ROOT / "run.py"), "run", *files, "--out", str(out), "--workers", workers, "--no-progress"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                            preexec_fn=_ctrl_c_works)
    names = ("alpha", "beta", "gamma", "delta", "epsilon")
    deadline = time.time() + 240
    # Ctrl-C as soon as the first scenario has finished, whichever it is: the longest start first,
    # so the small alpha and beta come last and may finish within a poll of each other under load
    while time.time() < deadline and not any(read_manifest(out / n) is not None for n in names):
        time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C halfway: the terminal signals the whole process group
    assert proc.wait(timeout=60) == 130
    finished = {p.name for p in out.iterdir() if read_manifest(p) is not None}
    assert 1 <= len(finished) < 5
    assert not [p for p in out.iterdir() if p.name.startswith(".staging")]
    stamps = {n: (out / n / "summary.json").stat().st_mtime_ns for n in finished}

    again = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    for name in finished:
        assert f"{name}: results are complete and current, skipped" in again.stderr
        assert (out / name / "summary.json").stat().st_mtime_ns == stamps[name]
    assert all(read_manifest(out / n) is not None for n in names)


def test_dask_cluster_gives_the_same_numbers(scenario_dir, tmp_path):
    distributed = pytest.importorskip("distributed")
    files = [scenario_dir / "alpha.yaml"]
    assert run_cli(*files, "--out", tmp_path / "local", "--workers", "1") == 0
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        assert run_cli(*files, "--out", tmp_path / "dask", "--scheduler", cluster.scheduler_address) == 0
    a = (tmp_path / "local" / "alpha" / "summary.json").read_bytes()
    b = (tmp_path / "dask" / "alpha" / "summary.json").read_bytes()
    assert a == b
