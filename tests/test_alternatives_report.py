"""The report's table of structural alternatives, built from summary.json's `alternatives`."""

from model.features.alternatives.report import alternatives_section


def _entry(name, firing, p50, never):
    return {"name": name, "choices": {"firing": firing, "supply_decline": "proportional"},
            "metrics": {"nk_share_of_fired": {"p5": 0.2, "p50": p50, "p95": 0.4, "unit": "fraction"},
                        "months_to_fire_drop_after_cutoff": {"p5": 0.0, "p50": None, "p95": None,
                                                             "share_never": never, "unit": "months"}},
            "log_evidence": -2.3, "observations_fit": 5, "observations": 5}


def test_no_alternatives_no_section():
    assert alternatives_section({"alternatives": []}) is None


def test_each_structure_is_a_row_with_its_choices_answers_and_evidence():
    section = alternatives_section({"alternatives": [_entry("scenario", "stock_target", 0.27, 0.28),
                                                     _entry("demand_firing", "demand", 0.29, 0.63)]})
    assert section is not None
    assert [r.name for r in section.rows] == ["as in the scenario", "demand_firing"]
    assert section.rows[0].firing.startswith("stock_target") and section.rows[1].firing.startswith("demand")
    assert section.headers[0] == "North Korean share of fired shells"
    assert "27 %" in section.rows[0].cells[0] and "63 %" in section.rows[1].cells[1]
    assert section.rows[1].fit == "5 of 5" and section.rows[1].evidence
