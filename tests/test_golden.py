"""A golden summary: a small seeded baseline run, diffed on every test run.

A deliberate change to the model, the scenarios or the registry changes these numbers;
refresh the stored file on purpose, and review its diff before committing:

    NKMODEL_REFRESH_GOLDEN=1 python -m pytest tests/test_golden.py
"""

import json
import math
import os
from pathlib import Path

import pytest

from model.experiment import run_scenario
from model.features.registry import blocks_of, codecs
from model.inputs.loading import load_scenario
from model.inputs.registry import load_registry
from model.presentation.summary_json import to_json
from model.summary.build import summarise

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).with_name("golden") / "baseline_1024.json"


def small_baseline_summary() -> dict:
    registry = load_registry()
    scenario = load_scenario(ROOT / "scenarios" / "baseline.yaml", registry=registry).scenario
    scenario = scenario.model_copy(update={"sensitivity": scenario.sensitivity.model_copy(
        update={"methods": ["tornado", "rank"]})})
    return to_json(summarise(run_scenario(scenario, registry, samples=1024), features=blocks_of), codecs())


def assert_close(new, old, path="summary"):
    if isinstance(old, dict):
        assert sorted(new) == sorted(old), f"{path}: keys differ"
        for key in old:
            assert_close(new[key], old[key], f"{path}.{key}")
    elif isinstance(old, list):
        assert len(new) == len(old), f"{path}: lengths differ"
        for i, (a, b) in enumerate(zip(new, old)):
            assert_close(a, b, f"{path}[{i}]")
    elif isinstance(old, float) and isinstance(new, float):
        assert math.isclose(new, old, rel_tol=1e-5, abs_tol=1e-9), f"{path}: {new} != {old}"
    else:
        assert new == old, f"{path}: {new!r} != {old!r}"


def test_small_baseline_matches_the_golden_summary():
    summary = json.loads(json.dumps(small_baseline_summary()))
    if os.environ.get("NKMODEL_REFRESH_GOLDEN") == "1":
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(json.dumps(summary, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
        pytest.skip(f"golden summary rewritten: {GOLDEN}")
    assert GOLDEN.exists(), "no golden summary yet: run with NKMODEL_REFRESH_GOLDEN=1"
    assert_close(summary, json.loads(GOLDEN.read_text(encoding="utf-8")))
