"""Typed run summaries for the tests: a trimmed ``summary.json`` read back through the one reader
(``model.presentation.summary_json.from_json``), and small real runs, each made once per test session.

``SUMMARY`` is a trimmed ``summary.json`` of the baseline (numbers as a run writes them); ``summary()``
reads a copy of it, changed where asked, into a :class:`~model.summary.types.RunSummary`.
``feature_run()`` runs a small scenario that switches every optional feature on but the logistics
chain (``samples: auto`` with at most 1,024 samples, correlations, discovery, one alternative), and
``small_run(name)`` one of the shipped scenarios with 256 samples.
"""

from __future__ import annotations

import atexit
import copy
import dataclasses
import math
import shutil
import tempfile
import textwrap
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from model.analysis.outcome import RunResult
from model.experiment import run_scenario
from model.features.registry import blocks_of, codecs
from model.inputs.loading import load_scenario
from model.inputs.registry import load_registry
from model.presentation.summary_json import from_json, to_json
from model.summary.build import summarise
from model.summary.types import RunSummary

ROOT = Path(__file__).resolve().parents[1]

# A trimmed summary.json of the baseline scenario.
SUMMARY: dict[str, Any] = {
    "scenario": "baseline",
    "description": "How much of Russia's artillery fire has North Korea supplied since 2023?",
    "seed": 20230913,
    "samples": 16384,
    "sampling": "sobol",
    "window": {"start": "2023-09", "end": "2026-08"},
    "cutoff": None,
    "headline": ["nk_share_of_fired", "nk_deliveries_total", "killed_total"],
    "calibrated": True,
    "effective_sample_size": 493.002,
    "log_evidence": -4.2,
    "calibration": {"method": "smc", "stages": 3, "model_evaluations": 49152, "acceptance_rates": [0.24, 0.25],
                    "temperatures": [0.0, 0.4, 1.0], "unique_fraction": 0.99, "series": [], "series_correlation": 0.5},
    "samples_kept": 16384,
    "observations": [
        {
            "id": "nk_shells_delivered_2024", "output": "nk_deliveries_cumulative", "month": "2024-06",
            "reported": 3500000.0, "claim": "count", "allowed": [3500000.0, 3500000.0],
            "error_range_90": [2800000.0, 4375000.0],
            "p5": 2808930.0, "p50": 3441680.0, "p95": 4241550.0,
            "prior_p5": 1499510.0, "prior_p50": 2985770.0, "prior_p95": 5845370.0,
            "fits": True, "leave_one_out_quantile": 0.597805, "in_tension_with_others": False,
        },
        {
            "id": "nk_share_of_munitions_2025", "output": "nk_share_of_fired", "month": "2025-07",
            "reported": 0.4, "claim": "share", "allowed": [0.4, 0.4], "error_range_90": [0.266667, 0.6],
            "p5": 0.321489, "p50": 0.413871, "p95": 0.50754,
            "prior_p5": 0.111254, "prior_p50": 0.352001, "prior_p95": 0.54138,
            "fits": True, "leave_one_out_quantile": 0.472042, "in_tension_with_others": False,
        },
    ],
    "conflicting_pairs": [],
    "metrics": {
        "nk_deliveries_total": {"mean": 11526300.0, "p5": 7955650.0, "p50": 11666000.0, "p95": 14666800.0,
                                "unit": "shells"},
        "nk_share_of_fired": {"mean": 0.414197, "p5": 0.327563, "p50": 0.412875, "p95": 0.504657, "unit": "fraction"},
        "shortfall_total": {"mean": 785564.0, "p5": 0.0, "p50": 0.0, "p95": 5389640.0, "unit": "shells"},
        "killed_total": {"mean": 1289.87, "p5": 576.279, "p50": 1158.04, "p95": 2364.25, "unit": "soldiers"},
        "payments_total_usd": {"mean": 28711800000.0, "p5": 18950300000.0, "p50": 27822500000.0,
                               "p95": 41202100000.0, "unit": "usd"},
        "payments_share_of_nk_gdp": {"mean": 1.25963, "p5": 0.799136, "p50": 1.20917, "p95": 1.92787,
                                     "unit": "fraction"},
    },
    "prior_metrics": {
        "nk_deliveries_total": {"mean": 9620020.0, "p5": 4686940.0, "p50": 9018990.0, "p95": 16599700.0,
                                "unit": "shells"},
        "nk_share_of_fired": {"mean": 0.365965, "p5": 0.214454, "p50": 0.360482, "p95": 0.537103, "unit": "fraction"},
    },
    "driver_indices": {
        "nk_share_of_fired": {"swing_baseline": 0.41, "inputs": [
            {"name": "nk_shipping_capacity_per_month", "S1": 0.5, "S1_low": 0.45, "S1_high": 0.55, "ST": 0.56,
             "ST_low": 0.5, "ST_high": 0.62, "swing_low": 0.35, "swing_high": 0.47, "rank_correlation": 0.8},
            {"name": "nk_stockpile_start", "S1": 0.3, "ST": 0.33, "swing_low": 0.44, "swing_high": 0.39,
             "rank_correlation": -0.4},
            {"name": "nk_dud_rate_old", "S1": 0.0, "ST": 0.01, "swing_low": 0.41, "swing_high": 0.42,
             "rank_correlation": 0.02},
        ]},
    },
    "structure": {"firing": "stock_target", "supply_decline": "proportional"},
    "fire_drop_threshold": 0.8,
    "shortage_threshold": 0.1,
    "value_of_information": [],
    "figure_inputs": {"ru_production_per_month": "ru_shell_production_per_year"},
}

FIGURES_USED: list[dict[str, Any]] = [
    {
        "id": "nk_shells_delivered_2024",
        "value": "3,500,000",
        "unit": "shells",
        "as_of": "2024-06",
        "claimant": "South Korean intelligence (NIS), as reported by Frederic Spohr, Focus Online",
        "source": "000_e163d328edb36f81.txt",
        "quote": "Laut südkoreanischem Geheimdienst hat Nordkorea rund 3,5 Millionen Granaten nach Russland geliefert.",
        "note": '"According to South Korean intelligence, NK delivered 3.5 million shells."',
        "reliability": "medium: indirect evidence",
        "role": "observation of nk_deliveries_cumulative",
    },
]

MANIFEST: dict[str, Any] = {
    "scenario_hash": "f00dcafe" * 8,
    "code_version": "0.1.0+abcdef123456",
    "packages": {"python": "3.12.0", "numpy": "2.1.0"},
    "started": "2025-01-01T10:00:00+00:00",
    "finished": "2025-01-01T10:02:00+00:00",
}


def summary_json(**changes: Any) -> dict[str, Any]:
    """A copy of :data:`SUMMARY` with ``changes`` (top-level keys) applied."""
    out = copy.deepcopy(SUMMARY)
    out.update(copy.deepcopy(changes))
    return out


def typed(d: Mapping[str, Any]) -> RunSummary:
    """A ``summary.json`` document read back into the types, every feature's block included."""
    return from_json(d, codecs())


def summary(**changes: Any) -> RunSummary:
    """:data:`SUMMARY`, changed where asked, as a typed summary."""
    return typed(summary_json(**changes))


# ------------------------------------------------------------------------------------------- small runs
FEATURES_SCENARIO = """\
    name: features
    extends: baseline
    description: every optional feature on a small run
    samples: auto
    precision: {metrics: [nk_share_of_fired], quantiles: [0.5], tolerance: 0.5, max_samples: 1024}
    calibration: {method: importance}
    sensitivity: {metrics: [nk_share_of_fired, nk_deliveries_total], methods: [tornado, rank]}
    correlations:
      - params: [nk_stockpile_start, nk_dud_rate_old]
        rank: 0.4
        reason: "a larger stock is older stock"
    discovery:
      long_shortage: "months_short >= 1"
      nk_dominant: "nk_share_of_fired > 0.3"
    alternatives:
      demand_firing: {firing: demand, supply_decline: constant}
    """


def feature_scenario(folder: Path) -> Path:
    """The scenario of :func:`feature_run`, written into ``folder`` beside a copy of the baseline."""
    (folder / "baseline.yaml").write_text((ROOT / "scenarios" / "baseline.yaml").read_text(encoding="utf-8"),
                                          encoding="utf-8")
    path = folder / "features.yaml"
    path.write_text(textwrap.dedent(FEATURES_SCENARIO), encoding="utf-8")
    return path


@cache
def _folder() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="nkmodel-test-features-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


@cache
def feature_run(map_blocks: Callable[..., Any] = map) -> RunResult:
    """A run of :data:`FEATURES_SCENARIO` (once per session and mapping)."""
    registry = load_registry()
    scenario = load_scenario(feature_scenario(_folder()), registry=registry).scenario
    return run_scenario(scenario, registry, map_blocks=map_blocks)


@cache
def small_run(name: str = "baseline", samples: int = 256) -> RunResult:
    """A shipped scenario run with few samples (once per session)."""
    registry = load_registry()
    scenario = load_scenario(ROOT / "scenarios" / f"{name}.yaml", registry=registry).scenario
    return run_scenario(scenario, registry, samples=samples)


def summary_of(run: RunResult) -> RunSummary:
    """The run's typed summary with every feature's block."""
    return summarise(run, features=blocks_of)


def written(s: RunSummary) -> dict[str, Any]:
    """``summary.json`` of a typed summary (every feature's keys)."""
    return to_json(s, codecs())


# ------------------------------------------------------------------------------------------- comparing
def plain(x: Any) -> Any:
    """A typed value as plain data: dataclasses as dicts (fields that compare only), tuples as lists, arrays
    as lists, and every number that is not finite (or None) as None, as summary.json writes it. A summary's
    drivers are keyed by their metric (the file holds them by metric, its keys sorted)."""
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        out = {f.name: plain(getattr(x, f.name)) for f in dataclasses.fields(x) if f.compare}
        if isinstance(x, RunSummary):
            out["drivers"] = {d.metric: plain(d) for d in x.drivers}
        return out
    if isinstance(x, Mapping):
        return {str(k): plain(v) for k, v in x.items()}
    if isinstance(x, np.ndarray):
        return plain(x.tolist())
    if isinstance(x, (list, tuple)):
        return [plain(v) for v in x]
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (int, np.integer)) and not isinstance(x, bool):
        return int(x)
    if isinstance(x, (float, np.floating)):
        return float(x) if math.isfinite(float(x)) else None
    return x


def differences(a: Any, b: Any, path: str = "", rel: float = 1e-5) -> list[str]:
    """Where two plain values differ beyond ``rel`` (numbers; the rounding of summary.json is 6 digits)."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = [f"{path}.{k}: only in one" for k in set(a) ^ set(b)]
        for k in a.keys() & b.keys():
            out += differences(a[k], b[k], f"{path}.{k}", rel)
        return out
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{path}: {len(a)} items against {len(b)}"]
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in differences(x, y, f"{path}[{i}]", rel)]
    numbers = (int, float)
    if isinstance(a, numbers) and isinstance(b, numbers) and not isinstance(a, bool) and not isinstance(b, bool):
        return [] if math.isclose(a, b, rel_tol=rel, abs_tol=1e-12) else [f"{path}: {a!r} != {b!r}"]
    return [] if a == b else [f"{path}: {a!r} != {b!r}"]
