"""Tests for model/units.py: explicit conversion factors between the units a scenario may write."""

from __future__ import annotations

import re

import pytest

from model.inputs.units import UNITS, UnitError, compatible_units, conversion_factor

CANONICAL = sorted({canonical for canonical, _ in UNITS.values()})


@pytest.mark.parametrize(
    "written, canonical, factor",
    [
        ("shells/year", "shells/month", 1 / 12),
        ("shells/day", "shells/month", 365.25 / 12),
        ("million_shells/year", "shells/month", 1e6 / 12),
        ("million_shells", "shells", 1e6),
        ("soldiers/year", "soldiers/month", 1 / 12),
        ("bn_usd", "usd", 1e9),
        ("million_usd", "usd", 1e6),
        ("bn_usd/year", "usd/month", 1e9 / 12),
        ("million_usd/month", "usd/month", 1e6),
        ("usd/soldier/year", "usd/soldier/month", 1 / 12),
        ("percent", "fraction", 0.01),
        ("percent/year", "fraction/year", 0.01),
        ("percent/month", "fraction/month", 0.01),
        ("years", "months", 12.0),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_conversion_factor(written, canonical, factor):
    assert conversion_factor(written, canonical) == pytest.approx(factor, rel=1e-15)


def test_three_million_a_year_is_250_thousand_a_month():
    assert 3_000_000 * conversion_factor("shells/year", "shells/month") == pytest.approx(250_000)


@pytest.mark.parametrize("canonical", CANONICAL)
def test_every_canonical_unit_converts_to_itself_by_one(canonical):
    assert UNITS[canonical] == (canonical, 1.0)
    assert conversion_factor(canonical, canonical) == 1.0
    assert canonical in compatible_units(canonical)


def test_every_unit_has_a_positive_factor_to_a_known_canonical_unit():
    for written, (canonical, factor) in UNITS.items():
        assert canonical in UNITS, written
        assert factor > 0, written


def test_compatible_units_lists_every_unit_measuring_the_same_thing():
    assert compatible_units("shells/month") == ["shells/month", "shells/year", "shells/day", "million_shells/year"]
    assert compatible_units("fraction") == ["fraction", "percent"]
    assert compatible_units("months") == ["months", "years"]
    assert compatible_units("no such unit") == []


def test_unknown_unit_raises_with_the_valid_units():
    with pytest.raises(
        UnitError,
        match=re.escape("unknown unit 'shells/fortnight'; for this field use one of: "
                        "shells/month, shells/year, shells/day, million_shells/year"),
    ):
        conversion_factor("shells/fortnight", "shells/month")


def test_unit_names_are_case_sensitive():
    with pytest.raises(UnitError, match=r"unknown unit 'Percent'; for this field use one of: fraction, percent"):
        conversion_factor("Percent", "fraction")


@pytest.mark.parametrize(
    "written, canonical, valid",
    [
        ("shells/month", "fraction", "fraction, percent"),
        ("shells/year", "shells", "shells, million_shells"),  # a rate is not a stock
        ("fraction/year", "fraction/month", "fraction/month, percent/month"),
        ("usd", "usd/month", "usd/month, million_usd/month, usd/year, bn_usd/year"),
        ("years", "fraction/year", "fraction/year, percent/year"),
    ],
    ids=["rate-as-fraction", "rate-as-stock", "per-year-as-per-month", "stock-as-flow", "years-as-rate"],
)
def test_incompatible_unit_raises_with_the_valid_units(written, canonical, valid):
    with pytest.raises(
        UnitError,
        match=re.escape(f"unit '{written}' cannot be converted to '{canonical}'; use one of: {valid}"),
    ):
        conversion_factor(written, canonical)


def test_unit_error_is_a_value_error():
    assert issubclass(UnitError, ValueError)
