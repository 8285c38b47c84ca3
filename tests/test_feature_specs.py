"""The scenario sections the optional features add (model.inputs.feature_specs gathers each feature's
``spec.py``): ``correlations``, ``discovery``, ``samples: auto`` with ``precision``; problems name FILE:LINE
and the field, and ``extends`` merges the sections (fields, entries, or a list replaced whole)."""

from __future__ import annotations

import re
import shutil
import textwrap
from pathlib import Path

import pytest

from model.inputs.loading import ScenarioError, load_scenario
from model.inputs.registry import load_registry

REPO = Path(__file__).resolve().parents[1]
BASELINE = REPO / "scenarios" / "baseline.yaml"


@pytest.fixture(scope="module")
def registry():
    return load_registry()


def _child(folder: Path, name: str, body: str) -> Path:
    shutil.copy(BASELINE, folder / "baseline.yaml")
    path = folder / f"{name}.yaml"
    path.write_text(f"name: {name}\nextends: baseline\ndescription: test {name}\n" + textwrap.dedent(body).lstrip(),
                    encoding="utf-8")
    return path


def _line(path: Path, needle: str) -> int:
    return next(i for i, t in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in t)


CASES = [
    ("unknown-parameter", "correlations:\n  - params: [nk_stockpile_start, nk_dud_rate_olde]\n    rank: 0.4\n",
     "nk_dud_rate_olde", "correlations[0].params[1]", r"unknown parameter 'nk_dud_rate_olde'; did you mean "
     r"'nk_dud_rate_old'\?"),
    ("rank-above-one", "correlations:\n  - params: [nk_stockpile_start, nk_dud_rate_old]\n    rank: 1.4\n",
     "rank: 1.4", "correlations[0].rank", r"less than or equal to 1 \(got 1.4\)"),
    ("not-positive-definite", """\
        correlations:
          - params: [ru_production_growth_per_year, ru_production_ceiling_per_month]
            rank: 0.9
          - params: [ru_production_growth_per_year, nk_dud_rate_old]
            rank: 0.9
          - params: [ru_production_ceiling_per_month, nk_dud_rate_old]
            rank: -0.9
        """, "[ru_production_growth_per_year, ru_production_ceiling", "correlations[0]",
     r"cannot hold together.*not positive definite.*Conflicting pairs: "
     r".*ru_production_ceiling_per_month~nk_dud_rate_old"),
    ("pair-twice", """\
        correlations:
          - params: [nk_stockpile_start, nk_dud_rate_old]
            rank: 0.4
          - params: [nk_dud_rate_old, nk_stockpile_start]
            rank: 0.2
        """, "[nk_dud_rate_old, nk_stockpile_start]", "correlations[1]", r"already correlated in entry 0"),
    ("fixed-input", """\
        parameters:
          nk_dud_rate_old: {dist: fixed, value: 0.2, unit: fraction, assumption: test}
        correlations:
          - params: [nk_stockpile_start, nk_dud_rate_old]
            rank: 0.4
        """, "params: [nk_stockpile_start, nk_dud_rate_old]", "correlations[0].params[1]", r"is fixed"),
    ("condition-typo", 'discovery:\n  long_shortage: "month_short >= 3"\n', "long_shortage:", "discovery.long_shortage",
     r"unknown metric 'month_short' at character 0; did you mean 'months_short'\?"),
    ("condition-name", 'discovery:\n  long-shortage: "months_short >= 3"\n', "long-shortage:",
     "discovery.long-shortage", r"not usable as a condition's name"),
    ("samples-word", "samples: many\n", "samples:", "samples", r"valid integer or 'auto' \(got 'many'\)"),
    ("precision-key", "samples: auto\nprecision:\n  tolerence: 0.02\n", "tolerence", "precision.tolerence",
     r"unknown key; did you mean 'tolerance'\?"),
]


@pytest.mark.parametrize(("name", "body", "needle", "field", "message"), CASES, ids=[c[0] for c in CASES])
def test_problems_name_file_line_and_field(tmp_path: Path, registry, name, body, needle, field, message) -> None:
    path = _child(tmp_path, name.replace("-", "_"), body)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, registry=registry)
    hits = [p for p in info.value.problems if p.field == field]
    assert hits, [str(p) for p in info.value.problems]
    assert hits[0].file == str(path) and hits[0].line == _line(path, needle)
    assert re.search(message, hits[0].message), hits[0].message


def test_extends_merges_the_new_sections(tmp_path: Path, registry) -> None:
    parent = _child(tmp_path, "parent", """\
        samples: auto
        precision: {tolerance: 0.02, max_samples: 131072}
        correlations:
          - params: [nk_stockpile_start, nk_dud_rate_old]
            rank: 0.4
        discovery:
          long_shortage: "months_short >= 3"
          dominant: "nk_share_of_fired > 0.5"
        """)
    assert load_scenario(parent, registry=registry).scenario.samples == "auto"
    kid = tmp_path / "kid.yaml"
    kid.write_text(textwrap.dedent("""\
        name: kid
        extends: parent
        description: child of parent
        precision: {tolerance: 0.05}
        correlations: []
        discovery:
          dominant: null
          short: "months_short >= 1"
        """), encoding="utf-8")
    sc = load_scenario(kid, registry=registry).scenario
    assert sc.samples == "auto"
    assert (sc.precision.tolerance, sc.precision.max_samples) == (0.05, 131072)  # fields merge
    assert sc.correlations == []  # a list is replaced whole
    assert sc.discovery == {"long_shortage": "months_short >= 3", "short": "months_short >= 1"}  # entries merge
