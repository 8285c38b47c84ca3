"""The report's section of structural alternatives (model.features.alternatives.report), built from the
feature's typed block as summary.json holds it (``alternatives``)."""

from __future__ import annotations

import pytest

from model.features.alternatives.report import section
from model.features.alternatives.summary import from_json, to_json
from model.features.base import SectionContext
from model.features.registry import features
from model.presentation.report import render_report, report_page
from tests.summaries import summary_json, typed

HEADLINE = ["nk_share_of_fired", "months_to_fire_drop_after_cutoff"]


def _entry(name, firing, p50, never, fit=5):
    return {"name": name, "choices": {"firing": firing, "supply_decline": "proportional"},
            "metrics": {"nk_share_of_fired": {"p5": 0.2, "p50": p50, "p95": 0.4, "unit": "fraction"},
                        "months_to_fire_drop_after_cutoff": {"p5": 0.0, "p50": None, "p95": None,
                                                             "share_never": never, "unit": "months"}},
            "log_evidence": -2.3, "effective_sample_size": 400.0, "observations_fit": fit, "observations": 5,
            "in_tension": []}


def _block():
    return from_json({"alternatives": [_entry("scenario", "stock_target", 0.27, 0.28),
                                       _entry("demand_firing", "demand", 0.29, 0.63, fit=4)]})


def _summary():
    d = summary_json(headline=HEADLINE, cutoff="2025-01")
    d["metrics"]["months_to_fire_drop_after_cutoff"] = {"p5": 2.0, "p50": None, "p95": None, "share_never": 0.5,
                                                         "unit": "months"}
    return typed(d)


def test_no_alternatives_no_section() -> None:
    assert from_json({"alternatives": []}) is None and from_json({}) is None
    assert to_json(None) == {"alternatives": []}
    page = report_page(_summary(), features=features())
    assert "alternatives" not in [d.key for d in page.sections]


@pytest.mark.parametrize("lang", ["en", "de"])
def test_each_structure_is_a_row_with_its_changes_answers_and_evidence(lang: str) -> None:
    s = _summary()
    result = section(SectionContext(s, {}, lang), _block())
    view = result.view
    assert result.key == "alternatives" and result.template == "features/alternatives/section.html.j2"
    if lang == "en":
        assert [r.name for r in view.rows] == ["the scenario", "demand firing"]
        assert view.rows[0].changes == "as in the scenario"
        assert view.rows[1].changes == "how Russia fires: fires what it wants while the depot holds it"
        assert view.headers[0] == "North Korean share of fired shells" and len(view.headers) == 2
        assert view.rows[0].cells[0] == "27 % (90 % interval 20–40 %)"
        assert "not within the window in 63 %" in view.rows[1].cells[1]
        assert view.rows[1].fit == "4 of 5" and view.rows[1].evidence == "\u22122.30"
        assert result.heading == "Structural alternatives, on the same samples"
        assert result.lead == ("North Korean share of fired shells across the 2 structures: from 27 % to 29 % "
                               "(medians).")
    else:
        assert view.rows[0].name != "the scenario" and view.headers[0].startswith("Nordkoreanischer Anteil")
        assert view.rows[1].evidence == "\u22122,30" and "27 %" in view.rows[0].cells[0]
        assert result.lead and "27 %" in result.lead and "29 %" in result.lead
    assert "28 %" in view.rows[0].cells[1] and "63 %" in view.rows[1].cells[1]


def test_the_section_is_on_the_page_with_its_lead() -> None:
    s = _summary()
    s.features["alternatives"] = _block()
    doc = render_report(report_page(s, features=features()))
    assert '<details id="alternatives">' in doc
    assert "<strong>demand firing</strong>" in doc and "<th class=\"n\">ln Z</th>" in doc
    assert ("<span class=\"lead\">North Korean share of fired shells across the 2 structures: from 27 % to 29 % "
            "(medians).</span>") in doc
