"""The command line as a Python tool: ``nkmodel``, ``python -m model`` and ``python run.py`` are one
CLI; every sub-command's ``--help`` describes each of its arguments; Dask is an extra, and
``--scheduler`` without it is a message naming the extra (exit 2), not an ImportError."""

from __future__ import annotations

import argparse
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from model import cli

ROOT = Path(__file__).resolve().parents[1]


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = cli._parser("nkmodel")
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_every_subcommand_and_argument_is_described() -> None:
    subs = _subcommands()
    assert {"run", "validate", "sample", "sources", "hindcast", "explore", "teach"} <= set(subs)
    for name, sub in subs.items():
        assert sub.description and len(sub.description) > 60, f"{name} --help says nothing of what it does"
        for action in sub._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            assert action.help and len(action.help) > 10, f"{name} {action.dest}: no help"


@pytest.mark.parametrize("command", ["validate", "sample", "hindcast", "explore"])
def test_help_names_the_positional_argument_and_what_it_takes(command: str, capsys) -> None:
    with pytest.raises(SystemExit) as stop:
        cli.main([command, "--help"], prog="nkmodel")
    assert stop.value.code == 0
    out = capsys.readouterr().out
    positional = [a for a in _subcommands()[command]._actions if not a.option_strings]
    assert positional
    for action in positional:
        assert (action.metavar or action.dest) in out and str(action.help).split()[0] in out
    assert f"example: nkmodel {command}" in out


def test_python_dash_m_model_is_the_same_command_line() -> None:
    for module in ("model", "model.cli"):
        done = subprocess.run([sys.executable, "-m", module, "validate", "--help"], cwd=ROOT, capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert f"usage: python -m {module} validate" in done.stdout and "FILE" in done.stdout


def test_the_install_declares_nkmodel() -> None:
    (script,) = [e for e in metadata.entry_points(group="console_scripts") if e.name == "nkmodel"]
    assert script.value == "model.cli:main" and script.load() is cli.main
    assert 'nkmodel = "model.cli:main"' in (ROOT / "pyproject.toml").read_text(encoding="utf-8")


def test_dask_is_an_extra_not_a_requirement() -> None:
    requires = metadata.requires("nk-artillery-model") or []
    dask = [r for r in requires if r.startswith("dask")]
    assert dask and all("extra == \"cluster\"" in r for r in dask), dask


def test_scheduler_without_dask_names_the_extra(monkeypatch, capsys) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError, as when absent
    assert cli.main(["run", str(ROOT / "scenarios" / "baseline.yaml"), "--scheduler", "tcp://127.0.0.1:1",
                     "--out", "never_written"]) == 2
    err = capsys.readouterr().err
    assert "[cluster]" in err and "pip install" in err and "Traceback" not in err
    assert not (ROOT / "never_written").exists()
