"""Tests for the article-figure registry (model/figures.yaml, model/registry.py)."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

# The package is not installed in the venv and pyproject sets no pytest ``pythonpath``; make the
# repository root importable so ``/work/venv/bin/pytest`` works from a plain checkout.
_REPO_ROOT = Path(__file__).resolve().parents[1]
if str(_REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(_REPO_ROOT))

from model.inputs.registry import (
    DEFAULT_FIGURES_PATH,
    DEFAULT_RELATIVE_SPREAD,
    RELIABILITIES,
    UNITS,
    USES,
    Figure,
    Registry,
    load_registry,
)

REQUIRED_IDS = [
    "nk_shells_delivered_2024",
    "ru_shell_production_per_year",
    "nk_share_of_munitions_2025",
    "nk_soldiers_kursk",
    "nk_soldiers_killed_kursk",
    "nk_troops_30000_reports",
    "nk_military_support_value_usd",
    "nk_gdp_usd",
    "nk_artillery_pieces",
    "nk_population",
    "nk_stocks_not_renewed_since",
    "hwasong11_warhead_kg",
    "hwasong11_range_km",
    "nk_trade_share_china",
    "nk_calibre_mortar_mm",
    "nk_calibre_artillery_122_mm",
    "nk_calibre_artillery_152_mm",
    "nk_failed_launches",
    "nk_failed_satellite_attempts_2023",
    "ru_debt_writeoff_share_2012",
    "moscow_pyongyang_flights_per_week",
]

KEY_ORDER = [
    "id",
    "value",
    "low",
    "high",
    "unit",
    "as_of",
    "claimant",
    "source",
    "quote",
    "note",
    "reliability",
    "reliability_reason",
    "used_as",
    "claim",
]


def normalise(text: str) -> str:
    """Same normalisation as shared/tools/check_quotes.py."""
    text = re.sub(r"[\u201c\u201d\u201e\u00ab\u00bb\"]", '"', text)
    text = re.sub(r"[\u2018\u2019\u201a']", "'", text)
    text = text.replace("\u2013", "-").replace("\u2014", "-")
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry()


@pytest.fixture(scope="module")
def raw_entries() -> list[dict[str, Any]]:
    return yaml.safe_load(DEFAULT_FIGURES_PATH.read_text(encoding="utf-8"))["figures"]


@pytest.fixture(scope="module")
def seeds(seeds_dir: Path) -> dict[str, str]:
    files = sorted(seeds_dir.glob("*.txt"))
    return {p.name: normalise(p.read_text(encoding="utf-8")) for p in files}


def _figure(**overrides: Any) -> Figure:
    base: dict[str, Any] = {
        "id": "test_figure",
        "value": 10.0,
        "unit": "shells",
        "as_of": "2024-06",
        "claimant": "Test claimant",
        "source": "000_e163d328edb36f81.txt",
        "quote": "Zitat.",
        "note": "A note.",
        "reliability": "medium",
        "reliability_reason": "Because.",
        "used_as": "context",
    }
    base.update(overrides)
    return Figure(**{k: v for k, v in base.items() if v is not ...})


# --- the registry file ------------------------------------------------------------------------


@pytest.mark.parametrize("figure_id", REQUIRED_IDS)
def test_required_id_present(registry: Registry, figure_id: str) -> None:
    assert figure_id in registry


def test_every_quote_verbatim_in_its_seed(registry: Registry, seeds: dict[str, str]) -> None:
    missing = [f.id for f in registry if normalise(f.quote) not in seeds[f.source]]
    assert not missing, f"quotes not found verbatim: {missing}"


def test_every_source_is_a_seed_file(registry: Registry, seeds_dir: Path) -> None:
    for figure in registry:
        assert (seeds_dir / figure.source).is_file(), f"{figure.id}: {figure.source}"


def test_reliability_unit_and_use_valid(registry: Registry) -> None:
    for figure in registry:
        assert figure.reliability in RELIABILITIES
        assert figure.reliability in DEFAULT_RELATIVE_SPREAD
        assert figure.unit in UNITS
        assert figure.used_as in USES


def test_keys_in_documented_order(raw_entries: list[dict[str, Any]]) -> None:
    for entry in raw_entries:
        keys = list(entry)
        assert keys == [k for k in KEY_ORDER if k in entry], entry.get("id")


def test_ids_unique_and_all_seeds_cited(
    raw_entries: list[dict[str, Any]], registry: Registry, seeds: dict[str, str]
) -> None:
    ids = [e["id"] for e in raw_entries]
    assert len(ids) == len(set(ids)) == len(registry)
    assert {f.source for f in registry} == set(seeds)


def test_required_figures_match_the_brief(registry: Registry) -> None:
    r = registry
    assert r.get("nk_shells_delivered_2024").value == 3.5e6
    assert r.get("nk_shells_delivered_2024").as_of == "2024-06"
    assert r.get("nk_shells_delivered_2024").used_as == "observation"
    assert r.get("ru_shell_production_per_year").unit == "shells/year"
    assert r.get("ru_shell_production_per_year").used_as == "input"
    share = r.get("nk_share_of_munitions_2025")
    assert (share.value, share.unit, share.as_of) == (0.40, "fraction", "2025-07")
    killed = r.get("nk_soldiers_killed_kursk")
    assert killed.value is None and (killed.low, killed.high) == (200, 999)
    assert r.get("nk_military_support_value_usd").value == 20.0e9
    assert r.get("nk_gdp_usd").value == 23.0e9
    assert r.get("nk_gdp_usd").used_as == "input"
    assert r.get("nk_artillery_pieces").low == 20000
    assert r.get("hwasong11_warhead_kg").high == 500
    assert r.get("hwasong11_range_km").high == 200
    assert r.get("ru_debt_writeoff_share_2012").as_of == "2012"
    flights = r.get("moscow_pyongyang_flights_per_week")
    assert (flights.value, flights.as_of) == (2, "2025-07-27")
    assert r.get("nk_calibre_artillery_152_mm").value == 152


def test_by_use(registry: Registry) -> None:
    inputs = {f.id for f in registry.by_use("input")}
    assert {"ru_shell_production_per_year", "nk_gdp_usd"} <= inputs
    with pytest.raises(ValueError, match="used_as"):
        registry.by_use("parameter")


# --- Figure validation ------------------------------------------------------------------------


def test_rejects_low_above_high() -> None:
    with pytest.raises(ValueError, match="low .* must not exceed high"):
        _figure(value=None, low=900, high=200)


def test_rejects_missing_value_and_bounds() -> None:
    with pytest.raises(ValueError, match="requires value or at least one of low/high"):
        _figure(value=None)


def test_rejects_value_outside_bounds() -> None:
    with pytest.raises(ValueError, match="above high"):
        _figure(value=10, high=5)
    with pytest.raises(ValueError, match="below low"):
        _figure(value=1, low=5)


def test_rejects_bad_unit_reliability_and_extra_keys() -> None:
    with pytest.raises(ValueError, match="unit"):
        _figure(unit="rounds")
    with pytest.raises(ValueError, match="reliability"):
        _figure(reliability="certain")
    with pytest.raises(ValueError, match="extra"):
        _figure(comment="not allowed")


def test_rejects_bad_id_and_as_of() -> None:
    with pytest.raises(ValueError, match="snake_case"):
        _figure(id="NK-Shells")
    with pytest.raises(ValueError, match="as_of"):
        _figure(as_of="June 2024")


def test_figure_is_frozen() -> None:
    fig = _figure()
    with pytest.raises(ValueError):
        fig.value = 3.0  # type: ignore[misc]


# --- central, display_value, as_of_month -------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "central", "display"),
    [
        ({"value": 3.5e6}, 3.5e6, "3,500,000"),
        ({"value": None, "low": 200, "high": 900}, 550.0, "200–900"),
        ({"value": None, "low": 20000}, 20000.0, "≥ 20,000"),
        ({"value": None, "high": 500}, 500.0, "≤ 500"),
        ({"value": 0.4, "unit": "fraction"}, 0.4, "0.4"),
        ({"value": 1991, "unit": "year"}, 1991.0, "1991"),
        ({"value": 15000, "low": 10000, "high": 20000}, 15000.0, "15,000 (10,000–20,000)"),
    ],
)
def test_central_and_display_value(kwargs: dict[str, Any], central: float, display: str) -> None:
    fig = _figure(**kwargs)
    assert fig.central == pytest.approx(central)
    assert fig.display_value == display


def test_registry_display_values(registry: Registry) -> None:
    assert registry.get("nk_shells_delivered_2024").display_value == "3,500,000"
    assert registry.get("nk_soldiers_killed_kursk").display_value == "200–999"
    assert registry.get("nk_artillery_pieces").display_value == "≥ 20,000"
    assert registry.get("hwasong11_warhead_kg").display_value == "≤ 500"
    assert registry.get("nk_soldiers_killed_kursk").central == 599.5


@pytest.mark.parametrize(
    ("as_of", "month"),
    [("2025-07-27", "2025-07"), ("2024-06", "2024-06"), ("2012", "2012-01")],
)
def test_as_of_month(as_of: str, month: str) -> None:
    assert _figure(as_of=as_of).as_of_month() == month


def test_as_of_accepts_yaml_dates_and_ints() -> None:
    import datetime

    assert _figure(as_of=datetime.date(2025, 7, 27)).as_of == "2025-07-27"
    assert _figure(as_of=2012).as_of == "2012"


# --- Registry behaviour -----------------------------------------------------------------------


def test_get_typo_suggests_right_id(registry: Registry) -> None:
    with pytest.raises(KeyError, match="nk_soldiers_kursk"):
        registry.get("nk_soldier_kursk")
    with pytest.raises(KeyError, match="nk_shells_delivered_2024"):
        registry.get("nk_shells_delivred_2024")


def test_get_unknown_without_match(registry: Registry) -> None:
    with pytest.raises(KeyError, match="unknown figure id 'zzz'") as info:
        registry.get("zzz")
    assert "did you mean" not in str(info.value)


def test_container_protocol(registry: Registry) -> None:
    assert len(registry) == len(registry.ids) == len(list(registry))
    assert registry.ids[0] == next(iter(registry)).id
    assert "nk_gdp_usd" in registry
    assert "nope" not in registry
    assert registry["nk_gdp_usd"] is registry.get("nk_gdp_usd")


def test_load_registry_rejects_duplicate_id(tmp_path: Path) -> None:
    entry = yaml.safe_load(DEFAULT_FIGURES_PATH.read_text(encoding="utf-8"))["figures"][0]
    path = tmp_path / "dup.yaml"
    path.write_text(yaml.safe_dump({"figures": [entry, entry]}, allow_unicode=True), "utf-8")
    with pytest.raises(ValueError, match=f"duplicate figure id '{entry['id']}'"):
        load_registry(path)


def test_load_registry_names_invalid_entry(tmp_path: Path) -> None:
    entry = dict(yaml.safe_load(DEFAULT_FIGURES_PATH.read_text(encoding="utf-8"))["figures"][0])
    entry["unit"] = "rounds"
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump({"figures": [entry]}, allow_unicode=True), "utf-8")
    with pytest.raises(ValueError, match=entry["id"]):
        load_registry(str(path))


def test_load_registry_rejects_wrong_shape(tmp_path: Path) -> None:
    path = tmp_path / "shape.yaml"
    path.write_text("- just a list\n", "utf-8")
    with pytest.raises(ValueError, match="figures"):
        load_registry(path)


def test_default_relative_spread() -> None:
    assert DEFAULT_RELATIVE_SPREAD == {"high": 0.1, "medium": 0.25, "low": 0.5}
