"""The command line's arguments: ``model.cli``'s parser, its subcommands and the checks of each value.

Kept apart from the commands so that reading what a command accepts (``nkmodel run --help``) and what it
does (``model.cli``) are two short files. Every check raises ``argparse.ArgumentTypeError`` with a
sentence, which argparse prints with the argument's name and exit status 2.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def _whole_number(text: str) -> int:
    """A whole number written as in a scenario file (model.inputs.number_rule): 10000, 1e4, 1.0e4."""
    from .inputs.number_rule import NUMBER_PATTERN, whole_if_integral
    from .inputs.problems import shorten

    value = whole_if_integral(float(text)) if NUMBER_PATTERN.fullmatch(text.strip()) else None
    if isinstance(value, int):
        return value
    raise argparse.ArgumentTypeError(f"'{shorten(text)}' is not a whole number")


def _positive_int(text: str) -> int:
    value = _whole_number(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _sample_count(text: str) -> int:
    from .inputs.schema import MAX_SAMPLES, MIN_SAMPLES

    value = _positive_int(text)
    if not MIN_SAMPLES <= value <= MAX_SAMPLES:
        raise argparse.ArgumentTypeError(f"a sample count is from {MIN_SAMPLES} to {MAX_SAMPLES:,}, got {value:,}")
    return value


def _out_dir(text: str) -> Path:
    if not text.strip():
        raise argparse.ArgumentTypeError("give a folder name (an empty one would write into the current folder)")
    return Path(text)


def _seed(text: str) -> int:
    value = int(text) if text.strip().isdigit() else _whole_number(text)  # digits exactly: seeds near 2**63
    if not 0 <= value < 2**63:
        raise argparse.ArgumentTypeError("a seed is a whole number from 0 to 2**63-1")
    return value


def _month(text: str) -> str:
    import re

    if not re.match(r"^\d{4}-(0[1-9]|1[0-2])$", text):
        raise argparse.ArgumentTypeError(f"'{text}' is not a month written YYYY-MM, e.g. 2024-12")
    return text


def _scheduler_address(text: str) -> str:
    """A Dask scheduler's address, ``[PROTOCOL://]HOST:PORT``; checked before anything is touched."""
    import re

    from .inputs.problems import shorten

    match = re.fullmatch(r"(?:(?:tcp|tls|ws|wss|ucx)://)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9][A-Za-z0-9._-]*):(\d{1,5})",
                         text)
    if match is None or not 1 <= int(match.group(2)) <= 65535:
        raise argparse.ArgumentTypeError(f"'{shorten(text)}' is not a scheduler address: write tcp://HOST:PORT, "
                                         "e.g. tcp://10.0.0.5:8786")
    return text


_RAW = argparse.RawDescriptionHelpFormatter  # keep the examples' lines as written


def _sub(sub: Any, name: str, help: str, description: str) -> argparse.ArgumentParser:
    """A sub-command whose ``--help`` says what it does and shows an example."""
    return sub.add_parser(name, help=help, description=description, formatter_class=_RAW)


def _parser(prog: str = "python run.py") -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=prog, formatter_class=_RAW,
        description="Scenario model of Russia's artillery-supply dependency on North Korea.\n"
        "With no command, runs every scenario in scenarios/ into results/ (the same as 'run').\n"
        f"Each command has its own help: {prog} COMMAND --help",
        epilog="Exit status: 0 success; 1 a scenario failed while running; 2 invalid input.",
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    run = _sub(sub, "run", "run scenarios (default: all in scenarios/) into results/",
               "Validate the scenario files, then sample, simulate, calibrate and analyse each one, writing\n"
               "OUT/<scenario>/ (summary.json, CSV tables, charts, report.html) and OUT/index.html.\n"
               "Scenarios whose results are complete and current are skipped (see --redo).\n\n"
               f"example: {prog} run scenarios/baseline.yaml scenarios/nk_cutoff.yaml --samples 4096")
    run.add_argument("files", nargs="*", type=Path, metavar="FILE",
                     help="scenario YAML files to run (default: every scenarios/*.yaml in the current folder)")
    run.add_argument("--samples", type=_sample_count, metavar="N",
                     help="override every scenario's sample count (64 to 10,000,000)")
    run.add_argument("--seed", type=_seed, metavar="S", help="override every scenario's seed (0 to 2**63-1)")
    run.add_argument("--out", type=_out_dir, default=Path("results"), metavar="DIR",
                     help="output folder (default: results/)")
    run.add_argument("--workers", type=_positive_int, default=None, metavar="N",
                     help="local processes running scenarios side by side (default: the cores, at most 4; never "
                     "more than the cores unless --more-workers-than-cores)")
    run.add_argument("--more-workers-than-cores", action="store_true",
                     help="allow --workers above this computer's cores (each worker holds a scenario's arrays)")
    run.add_argument("--scheduler", metavar="ADDRESS", type=_scheduler_address,
                     help="run sample blocks on a Dask cluster, e.g. tcp://host:8786 "
                     "(needs the cluster extra: pip install -e '.[cluster]')")
    run.add_argument("--redo", action="store_true", help="run again even when results are complete and current")
    run.add_argument("--no-progress", action="store_true", help="no progress bars (none anyway when not a terminal)")
    run.add_argument("--lang", choices=("en", "de"), default="en",
                     help="language of the reports, the index and the charts (default: en)")
    run.add_argument("--figures", choices=("headline", "all"), default="headline",
                     help="which charts: 'headline' (default) the story, the mechanisms and the per-answer charts "
                     "of the scenario's headline answers; 'all' every metric's, every fan chart and a predictive "
                     "check per reported figure too")
    val = _sub(sub, "validate", "check scenario files without running them",
               "Check scenario files without running anything: every problem is printed as\n"
               "FILE:LINE: FIELD: message, all at once; exit status 2 when there is one. Numbers that are\n"
               "valid but implausible in the unit written (a percent below 1 where the parent scenario's\n"
               "prior lives above 1 %, a shells/day figure the size of a year's output) are warnings that\n"
               "name the likely unit; --strict makes them errors.\n\n"
               f"example: {prog} validate scenarios/*.yaml")
    val.add_argument("files", nargs="+", type=Path, metavar="FILE",
                     help="scenario YAML files to check (their 'extends' parents are read too)")
    val.add_argument("--strict", action="store_true",
                     help="treat warnings as errors: exit status 2 when any file has one")
    smp = _sub(sub, "sample", "draw a scenario's parameter samples and summarise them",
               "Draw a scenario's parameter samples (its sampling method and seed) and print each input's\n"
               "5th, 50th and 95th percentile with where it comes from; nothing is simulated.\n\n"
               f"example: {prog} sample scenarios/baseline.yaml --samples 100000")
    smp.add_argument("file", type=Path, metavar="FILE", help="scenario YAML file")
    smp.add_argument("--samples", type=_sample_count, metavar="N", help="number of samples (default: the scenario's)")
    smp.add_argument("--seed", type=_seed, metavar="S", help="seed (default: the scenario's)")
    smp.add_argument("--csv", type=Path, metavar="PATH",
                     help="also write the samples to this CSV file (must not exist)")
    src = _sub(sub, "sources", "list the article figures in the registry",
               "List the figures the model starts from (model/figures.yaml): value, unit, claimant, date,\n"
               "source; or one figure with its German quote, gloss and reliability.\n\n"
               f"example: {prog} sources --id nk_shells_delivered_2024")
    src.add_argument("--id", dest="figure_id", metavar="ID", help="show one figure with its quote")
    src.add_argument("--scenario", type=Path, metavar="FILE",
                     help="also list the figures of this scenario's figure files (figure_files:)")
    hc = _sub(sub, "hindcast", "calibrate on the figures dated up to a month, predict the later ones",
              "Would the model have predicted the later figures? Calibrate on the observations dated up to\n"
              "--until, predict those after it, and write DIR/<scenario>/hindcast.json and hindcast.png.\n\n"
              f"example: {prog} hindcast scenarios/baseline.yaml --until 2024-12")
    hc.add_argument("file", type=Path, metavar="FILE", help="scenario YAML file")
    hc.add_argument("--until", type=_month, required=True, metavar="YYYY-MM",
                    help="fit on the observations dated up to this month; predict those after it")
    hc.add_argument("--out", type=_out_dir, default=Path("results"), metavar="DIR",
                    help="results folder: writes DIR/<scenario>/hindcast.json and hindcast.png (default: results/)")
    hc.add_argument("--samples", type=_sample_count, metavar="N", help="override the scenario's sample count")
    hc.add_argument("--seed", type=_seed, metavar="S", help="override the scenario's seed")
    vo = _sub(sub, "value", "which next report would narrow the scenario's headline answers most",
              "Rank candidate reports (a model quantity at a date, with a reliability) by how much each would\n"
              "be expected to narrow the 90 %% interval of the scenario's headline answers (preposterior\n"
              "analysis on the calibrated futures, no new model runs). Reads the ranking from a current run in\n"
              "--out if there is one, else calibrates the scenario now (no charts, no files written).\n\n"
              f"example: {prog} value scenarios/nk_cutoff.yaml")
    vo.add_argument("file", type=Path, metavar="FILE", help="scenario YAML file")
    vo.add_argument("--out", type=_out_dir, default=Path("results"), metavar="DIR",
                    help="where a current run's results are looked for (default: results/)")
    vo.add_argument("--samples", type=_sample_count, metavar="N", help="override the scenario's sample count")
    vo.add_argument("--seed", type=_seed, metavar="S", help="override the scenario's seed")
    from .teaching.commands import add_commands  # explore, teach

    add_commands(sub, prog=prog)
    return p
