"""Scenarios compared by evidence (log Bayes factors) in the index (model.presentation.report.evidence, from
typed run summaries), and where the predictive checks sit in the report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from model.features.registry import features
from model.presentation.report import index_page, render_index, render_report, report_page
from model.presentation.report.evidence import evidence_groups, observation_signature
from model.presentation.report.index import IndexEntry
from model.presentation.words import evidence_reading
from model.summary.types import RunSummary
from tests.summaries import summary


def _summary(name: str, log_z: float | None, spread: float = 0.25, month: str = "2024-06",
             extra: list[dict[str, Any]] | None = None, series: list[list[str]] | None = None,
             rho: float = 0.5) -> RunSummary:
    obs = [{"id": "nk_shells_delivered_2024", "output": "nk_deliveries_cumulative", "month": month,
            "reported": 3.5e6, "claim": "count", "allowed": [3.5e6, 3.5e6],
            "error_range_90": [3.5e6 / (1 + spread), 3.5e6 * (1 + spread)], "fits": True,
            "leave_one_out_quantile": 0.5}] + (extra or [])
    return summary(scenario=name, log_evidence=log_z, observations=obs, calibrated=log_z is not None,
                   calibration={"series": series or [], "series_correlation": rho})


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
    assert g.figures == "nk_shells_delivered_2024"
    assert len(notes) == 3
    assert any(n.startswith("wider: no other scenario is calibrated on the same reported figures") for n in notes)
    assert any(n.startswith("later: no other scenario is calibrated on the same reported figures") for n in notes)
    assert any(n.startswith("none: not calibrated") for n in notes)


def test_the_series_correlation_matters_only_when_a_trajectory_is_observed_twice() -> None:
    a, b = _summary("a", -1.0, rho=0.5), _summary("b", -1.0, rho=0.0)
    assert observation_signature(a) == observation_signature(b)
    a, b = (_summary(n, -1.0, series=[["x", "y"]], rho=r) for n, r in (("a", 0.5), ("b", 0.0)))
    assert observation_signature(a) != observation_signature(b)
    # and a claim's kind and what it allows are part of what the evidence is the probability of
    other = _summary("c", -1.0)
    assert observation_signature(other) == observation_signature(_summary("d", -2.0))
    words = _summary("w", -1.0, extra=[{"id": "x", "output": "killed_cumulative", "month": "2025-07", "reported": None,
                                        "claim": "words", "allowed": [200.0, None], "error_range_90": [200.0, 999.0]}])
    assert observation_signature(words) != observation_signature(other)


@pytest.mark.parametrize(("log_b", "words"), [(0.9, "no real difference"), (1.1, "positive evidence for s"),
                                              (-2.9, "positive evidence for ref"), (3.1, "strong evidence for s"),
                                              (-5.1, "very strong evidence for ref")])
def test_kass_raftery_reading(log_b: float, words: str) -> None:
    assert words in evidence_reading(log_b, name="s", reference="ref")


def test_the_index_shows_the_bayes_factors() -> None:
    entries = [IndexEntry(s.scenario, "ok", "", s) for s in (_summary("baseline", -1.0), _summary("alt", -4.5))]
    html = render_index(index_page(entries))
    assert "Which scenario do the reported figures favour?" in html and "Kass &amp; Raftery" in html
    assert "\u22123.50" in html and "strong evidence for baseline over alt" in html
    german = render_index(index_page(entries, lang="de"))
    assert "\u22123,50" in german and "baseline" in german


def test_predictive_checks_sit_in_the_calibration_section(tmp_path: Path) -> None:
    png = tmp_path / "ppc_nk_shells_delivered_2024.png"
    other = tmp_path / "fan_x.png"
    for p in (png, other):
        p.write_bytes(b"\x89PNG\r\n\x1a\n")
    s = _summary("baseline", -1.9)
    figures = {"ppc_nk_shells_delivered_2024": ("check", png), "fan_x": ("fan", other)}
    page = report_page(s, features=features(), figures=figures)
    sections = {d.key: d.view for d in page.sections}
    assert [f.filename for f in sections["calibration"].figures] == [png.name]
    assert [f.filename for f in sections["mechanisms"].figures] == [other.name]
    html = render_report(page)
    assert html.index("Predictive checks") < html.index('<details id="mechanisms">')
    assert html.index('<details id="calibration">') < html.index("Predictive checks")
