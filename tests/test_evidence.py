"""Scenarios compared by evidence (log Bayes factors) in the index, and the report's new pieces."""

from __future__ import annotations

from typing import Any

import pytest

from model.presentation.report import render_index, render_report
from model.presentation.report.build_report import report_page
from model.presentation.report.evidence import evidence_groups, observation_signature
from model.presentation.words import evidence_reading


def _summary(name: str, log_z: float | None, spread: float = 0.25, month: str = "2024-06",
             extra: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    obs = [{"id": "nk_shells_delivered_2024", "output": "nk_deliveries_cumulative", "month": month,
            "reported": 3.5e6, "error_range_90": [3.5e6 / (1 + spread), 3.5e6 * (1 + spread)]}] + (extra or [])
    return {"scenario": name, "log_evidence": log_z, "observations": obs, "calibrated": log_z is not None,
            "calibration": {"series": [], "series_correlation": 0.5}, "metrics": {}}


def test_only_identical_observation_sets_are_compared() -> None:
    summaries = [_summary("alt", -3.0), _summary("baseline", -1.0), _summary("wider", -1.2, spread=0.5),
                 _summary("later", -1.1, month="2024-07"), _summary("none", None), _summary("also", -1.5)]
    groups, notes = evidence_groups(summaries)
    assert len(groups) == 1
    g = groups[0]
    assert g.reference == "baseline" and [r.name for r in g.rows] == ["baseline", "alt", "also"]
    assert [r.log_bayes_factor for r in g.rows] == ["", "\u22122.00", "\u22120.50"]
    assert "positive evidence for baseline over alt" in g.rows[1].reading
    assert g.rows[2].reading.startswith("no real difference")
    assert len(notes) == 3
    assert any(n.startswith("wider: no other scenario is calibrated on the same reported figures") for n in notes)
    assert any(n.startswith("none: not calibrated") for n in notes)
    # the series correlation matters only when a trajectory is observed twice
    a, b = _summary("a", -1.0), _summary("b", -1.0)
    b["calibration"]["series_correlation"] = 0.0
    assert observation_signature(a) == observation_signature(b)
    for s in (a, b):
        s["calibration"]["series"] = [["x", "y"]]
    assert observation_signature(a) != observation_signature(b)


@pytest.mark.parametrize(("log_b", "words"), [(0.9, "no real difference"), (1.1, "positive evidence for s"),
                                              (-2.9, "positive evidence for ref"), (3.1, "strong evidence for s"),
                                              (-5.1, "very strong evidence for ref")])
def test_kass_raftery_reading(log_b: float, words: str) -> None:
    assert words in evidence_reading(log_b, name="s", reference="ref")


def test_the_index_shows_the_bayes_factors() -> None:
    entries = [{"name": s["scenario"], "status": "ok", "message": "", "summary": s}
               for s in (_summary("baseline", -1.0), _summary("alt", -4.5))]
    html = render_index(entries)
    assert "Which scenario do the reported figures favour?" in html and "Kass &amp; Raftery" in html
    assert "\u22123.50" in html and "strong evidence for baseline over alt" in html


def test_predictive_checks_sit_in_the_calibration_section(tmp_path: Any) -> None:
    png = tmp_path / "ppc_nk_shells_delivered_2024.png"
    other = tmp_path / "fan_x.png"
    for p in (png, other):
        p.write_bytes(b"\x89PNG\r\n\x1a\n")
    summary = _summary("baseline", -1.9)
    page = report_page(summary, figures=[("check", png), ("fan", other)], figures_used=[], sensitivity=[])
    assert [f.filename for f in page.calibration.figures] == [png.name]
    assert [f.filename for f in page.figures] == [other.name]
    assert page.calibration.log_evidence == "\u22121.90"
    html = render_report(summary, figures=[("check", png), ("fan", other)], figures_used=[], sensitivity=[])
    assert html.index("Predictive checks") < html.index('id="figures"')
