"""Alternatives and the intensity profile are checked like events (issue 23, item 9): an
alternative has a usable name and changes the structure; an intensity month lies in the window."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from model.cli import main
from model.inputs.loading import load_scenario

ROOT = Path(__file__).resolve().parents[1]


def _scenario(folder: Path, body: str) -> Path:
    shutil.copy(ROOT / "scenarios" / "baseline.yaml", folder / "baseline.yaml")
    path = folder / "alt.yaml"
    path.write_text(f"name: alt\nextends: baseline\ndescription: structural alternatives\n{body}", encoding="utf-8")
    return path


@pytest.mark.parametrize("body, field, message", [
    ("alternatives:\n  'two words': {firing: demand}\n", "alternatives.two words", "is not usable as an alternative's name"),
    ("alternatives:\n  empty: {}\n", "alternatives.empty", "changes nothing"),
    ("alternatives:\n  only_a_note: {note: same as before}\n", "alternatives.only_a_note", "changes nothing"),
    # (baseline averages firing, supply_decline and firing_order: fixing one of them is a change; depot is fixed)
    ("alternatives:\n  same: {depot: limited}\n", "alternatives.same",
     "depot: limited gives the scenario's own structure; an alternative must differ from it"),
    ("alternatives:\n  one: {depot: unlimited}\n  two: {nk_stock: single}\n"  # baseline: limited, tiers
     "  three: {nk_stock: single, depot: limited}\n", "alternatives.three",
     "gives the same structure as alternative 'two'; an alternative must differ from it"),
    ("intensity_profile:\n  - {month: 2023-09, factor: 1}\n  - {month: 2031-01, factor: 2}\n",
     "intensity_profile[1].month", "2031-01 is outside the scenario window"),
    ("intensity_profile:\n  - {month: 2023-01, factor: 1}\n", "intensity_profile[0].month", "outside the scenario window"),
    ("intensity_profile:\n  - {month: 2024-01, factor: 1}\n  - {month: 2024-01, factor: 2}\n",
     "intensity_profile[1].month", "2024-01 is given twice"),
], ids=["name", "empty", "no-change", "no-op", "duplicate", "after-window", "before-window", "twice"])
def test_what_the_report_would_show_twice_or_never_is_refused(tmp_path, capsys, body, field, message):
    path = _scenario(tmp_path, body)
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:" in err and f": {field}: " in err and message in err, err
    assert "internal error" not in err


def test_real_alternatives_and_a_profile_inside_the_window_are_accepted(tmp_path):
    r = load_scenario(_scenario(tmp_path, "alternatives:\n  demand_firing: {firing: demand}\n"
                                          "  thinning: {supply_decline: constant}\n"
                                          "intensity_profile:\n  - {month: 2024-01, factor: 1}\n"
                                          "  - {month: 2025-06, factor: 1.3}\n"))
    assert list(r.scenario.alternatives) == ["demand_firing", "thinning"]
