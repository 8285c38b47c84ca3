"""Tests for the condition language in model.inputs.conditions."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from model.inputs.conditions import (
    MAX_COMPARISONS,
    MAX_DEPTH,
    MAX_LENGTH,
    AllOf,
    AnyOf,
    Comparison,
    Condition,
    ConditionError,
    condition_metrics,
    condition_text,
    evaluate_condition,
    parse_condition,
)

METRICS = ("months_short", "nk_share_of_fired", "shortfall_total", "a", "b", "c")


def parse(text: str) -> Condition:
    return parse_condition(text, METRICS)


# --------------------------------------------------------------------------- parsing


def test_single_comparison() -> None:
    assert parse("months_short >= 3") == Comparison("months_short", ">=", 3.0)
    # Spaces are optional.
    assert parse("months_short>=3") == Comparison("months_short", ">=", 3.0)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("a > 3", 3.0),
        ("a > 0.25", 0.25),
        ("a > .25", 0.25),
        ("a > 3.", 3.0),
        ("a > 1e6", 1e6),
        ("a > 2.5E-3", 2.5e-3),
        ("a > 1e+16", 1e16),
        ("a > 3_000_000", 3_000_000.0),
        ("a > 1_000.5", 1000.5),
        ("a > -3", -3.0),
        ("a > -0.5e-2", -0.005),
        ("a > +7", 7.0),
    ],
)
def test_numbers(text: str, value: float) -> None:
    cond = parse(text)
    assert isinstance(cond, Comparison)
    assert cond.threshold == value


@pytest.mark.parametrize("op", ["<", "<=", ">", ">=", "==", "!="])
def test_every_operator_parses_and_evaluates(op: str) -> None:
    values = np.array([0.0, 1.0, 2.0])
    expected = {
        "<": [True, False, False],
        "<=": [True, True, False],
        ">": [False, False, True],
        ">=": [False, True, True],
        "==": [False, True, False],
        "!=": [True, False, True],
    }[op]
    cond = parse(f"a {op} 1")
    assert cond == Comparison("a", op, 1.0)  # type: ignore[arg-type]
    assert evaluate_condition(cond, {"a": values}).tolist() == expected


def test_and_binds_tighter_than_or() -> None:
    cond = parse("a > 0 or b > 0 and c > 0")
    a, b, c = (Comparison(m, ">", 0.0) for m in "abc")
    assert cond == AnyOf((a, AllOf((b, c))))
    assert parse("(a > 0 or b > 0) and c > 0") == AllOf((AnyOf((a, b)), c))
    # Check the meaning on the full truth table, including the rows
    # (a true, c false) where the two groupings disagree.
    rows = np.array(list(itertools.product([0.0, 1.0], repeat=3)))
    values = {"a": rows[:, 0], "b": rows[:, 1], "c": rows[:, 2]}
    got = evaluate_condition(cond, values)
    av, bv, cv = rows.T.astype(bool)
    assert got.tolist() == (av | (bv & cv)).tolist()
    assert got.tolist() != ((av | bv) & cv).tolist()


def test_groups_of_the_same_kind_are_flattened() -> None:
    a, b, c = (Comparison(m, "<", 1.0) for m in "abc")
    flat = AllOf((a, b, c))
    assert parse("a < 1 and b < 1 and c < 1") == flat
    assert parse("(a < 1 and b < 1) and c < 1") == flat
    assert parse("a < 1 and (b < 1 and c < 1)") == flat
    assert parse("((a < 1))") == a
    assert parse("a < 1 or (b < 1 or c < 1)") == AnyOf((a, b, c))


def test_condition_metrics_order_of_first_appearance() -> None:
    cond = parse("shortfall_total > 0 and (a > 1 or shortfall_total < 9) or months_short >= 3")
    assert condition_metrics(cond) == ("shortfall_total", "a", "months_short")


# --------------------------------------------------------------------------- evaluation


def test_evaluate_example_from_the_article_metrics() -> None:
    values = {
        "nk_share_of_fired": np.array([0.6, 0.6, 0.4, np.nan]),
        "shortfall_total": np.array([10.0, 0.0, 10.0, 10.0]),
    }
    cond = parse("nk_share_of_fired > 0.5 and shortfall_total > 0")
    got = evaluate_condition(cond, values)
    assert got.dtype == np.bool_
    assert got.tolist() == [True, False, False, False]


@pytest.mark.parametrize("op", ["<", "<=", ">", ">=", "==", "!="])
def test_nan_compares_false_for_every_operator(op: str) -> None:
    cond = parse(f"a {op} 1")
    assert evaluate_condition(cond, {"a": np.array([np.nan])}).tolist() == [False]


def test_nan_inside_or_and_and() -> None:
    values = {"a": np.array([np.nan, np.nan]), "b": np.array([1.0, -1.0])}
    assert evaluate_condition(parse("a != 1 or b > 0"), values).tolist() == [True, False]
    assert evaluate_condition(parse("a != 1 and b > 0"), values).tolist() == [False, False]


def test_evaluate_accepts_integer_and_bool_arrays() -> None:
    values = {"months_short": np.array([0, 3, 5]), "a": np.array([True, False, True])}
    cond = parse("months_short >= 3 and a == 1")
    assert evaluate_condition(cond, values).tolist() == [False, False, True]


def test_evaluate_refuses_missing_or_mismatched_metrics() -> None:
    cond = parse("a > 1 and b > 1")
    with pytest.raises(KeyError, match="'b'"):
        evaluate_condition(cond, {"a": np.zeros(3)})
    with pytest.raises(ValueError, match="'b' has 2 values, expected 3"):
        evaluate_condition(cond, {"a": np.zeros(3), "b": np.zeros(2)})
    with pytest.raises(ValueError, match="1-D"):
        evaluate_condition(cond, {"a": np.zeros((3, 1)), "b": np.zeros(3)})


# --------------------------------------------------------------------------- round trip


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("months_short>=3", "months_short >= 3"),
        ("a>1 or b>2 and c>3", "a > 1 or b > 2 and c > 3"),
        ("(a>1 or b>2) and c>3", "(a > 1 or b > 2) and c > 3"),
        ("a>1 and (b>2 or c>3 and a<0)", "a > 1 and (b > 2 or c > 3 and a < 0)"),
        ("a > 3_000_000", "a > 3000000"),
        ("a > 1e-7", "a > 1e-07"),
        ("a > -2.50", "a > -2.5"),
        ("a > 1e20", "a > 1e+20"),
        ("a > -0.0", "a > 0"),
    ],
)
def test_canonical_text(text: str, canonical: str) -> None:
    cond = parse(text)
    assert condition_text(cond) == canonical
    assert parse(canonical) == cond


def _random_condition(rng: np.random.Generator, depth: int) -> Condition:
    if depth == 0 or rng.uniform() < 0.3:
        op = ["<", "<=", ">", ">=", "==", "!="][int(rng.integers(6))]
        # Thresholds over many magnitudes, so the printing of floats is tested.
        threshold = float(rng.normal() * 10.0 ** rng.integers(-8, 18))
        return Comparison(str(rng.choice(METRICS)), op, threshold)  # type: ignore[arg-type]
    kind = AllOf if rng.uniform() < 0.5 else AnyOf
    terms = tuple(_random_condition(rng, depth - 1) for _ in range(int(rng.integers(2, 4))))
    return kind(terms)


def test_round_trip_of_random_conditions() -> None:
    rng = np.random.default_rng(7)
    n_nested = 0
    for _ in range(300):
        original = parse(condition_text(_random_condition(rng, depth=2)))  # a parsed tree
        text = condition_text(original)
        assert parse(text) == original
        assert condition_text(parse(text)) == text
        n_nested += "(" in text
    assert n_nested > 50  # the parenthesized cases were exercised


# --------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("text", "position", "message"),
    [
        ("", 0, "empty condition at character 0"),
        ("   ", 0, "empty condition at character 0"),
        (
            "(months_shrt >= 3)",
            1,
            "unknown metric 'months_shrt' at character 1; did you mean 'months_short'?",
        ),
        ("zzz > 1", 0, "unknown metric 'zzz' at character 0; known metrics: a, b, c"),
        ("a > b", 4, "metric 'b' at character 4 compared with metric 'a'"),
        ("a > inf", 4, "threshold must be a finite number at character 4, got 'inf'"),
        ("a > -inf", 4, "threshold must be a finite number at character 4, got '-inf'"),
        ("a > NaN", 4, "threshold must be a finite number at character 4, got 'NaN'"),
        ("a > 1e400", 4, "threshold '1e400' at character 4 is not a finite number"),
        ("a > 1 b", 6, "expected 'and', 'or' or end of text at character 6, got 'b'"),
        ("a > 1 and", 9, "expected a metric name or '(' at character 9, got end of text"),
        ("a > 1)", 5, "unmatched ')' at character 5"),
        ("(a > 1", 6, "expected ')' at character 6 to close '(' at character 0"),
        ("()", 1, "expected a metric name or '(' at character 1, got ')'"),
        ("a 3", 2, "expected a comparison operator (< <= > >= == !=) at character 2"),
        ("a >", 3, "expected a number at character 3, got end of text"),
        ("3 < a", 0, "write the metric first"),
        ("a > 0 < 1", 6, "chained comparisons are not supported"),
        ("a > 1 && b > 1", 6, "unexpected character '&' at character 6; write 'and'"),
        ("a > 1 || b > 1", 6, "unexpected character '|' at character 6; write 'or'"),
        ("a = 1", 2, "unexpected character '=' at character 2; write '=='"),
        ("a => 1", 2, "unknown operator '=>' at character 2; did you mean '>='?"),
        ("a > 3months", 4, "malformed number '3months' at character 4"),
        ("a > 3_", 4, "malformed number '3_' at character 4"),
        ("a > 1__0", 4, "malformed number '1__0' at character 4"),
        ("a > 1e", 4, "malformed number '1e' at character 4"),
        ("a > 1.2.3", 4, "malformed number '1.2.' at character 4"),
        ("a > - 3", 4, "unexpected character '-' at character 4"),
        ("not a > 1", 0, "'not' at character 0 is not part of the language"),
        ("a > 1 AND b > 1", 6, "keywords are lower case"),
        ("a > 1 and $", 10, "unexpected character '$' at character 10"),
    ],
)
def test_refusals(text: str, position: int, message: str) -> None:
    with pytest.raises(ConditionError) as info:
        parse(text)
    assert info.value.position == position
    assert message in str(info.value)
    assert isinstance(info.value, ValueError)


def test_length_limit() -> None:
    padded = "a > 1" + " " * (MAX_LENGTH - 5)
    assert len(padded) == MAX_LENGTH
    assert parse(padded) == Comparison("a", ">", 1.0)
    with pytest.raises(ConditionError) as info:
        parse(padded + " ")
    assert info.value.position == MAX_LENGTH
    assert f"condition is {MAX_LENGTH + 1} characters long" in str(info.value)


def test_comparison_limit() -> None:
    ok = " or ".join(["a > 1"] * MAX_COMPARISONS)
    cond = parse(ok)
    assert isinstance(cond, AnyOf) and len(cond.terms) == MAX_COMPARISONS
    too_many = ok + " or b > 2"
    with pytest.raises(ConditionError) as info:
        parse(too_many)
    assert info.value.position == len(ok) + 4  # the start of "b > 2"
    assert f"more than {MAX_COMPARISONS} comparisons" in str(info.value)


def test_depth_limit() -> None:
    ok = "(" * MAX_DEPTH + "a > 1" + ")" * MAX_DEPTH
    assert parse(ok) == Comparison("a", ">", 1.0)
    deep = "(" * (MAX_DEPTH + 1) + "a > 1" + ")" * (MAX_DEPTH + 1)
    with pytest.raises(ConditionError) as info:
        parse(deep)
    assert info.value.position == MAX_DEPTH
    assert "nested more than" in str(info.value)


def test_no_metrics_known() -> None:
    with pytest.raises(ConditionError, match="no metrics are known") as info:
        parse_condition("a > 1", [])
    assert info.value.position == 0


def test_wrong_argument_types() -> None:
    with pytest.raises(TypeError):
        parse_condition(b"a > 1", METRICS)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="single string"):
        parse_condition("a > 1", "a")


def test_nodes_validate_themselves() -> None:
    with pytest.raises(ValueError, match="op must be"):
        Comparison("a", "=<", 1.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="finite"):
        Comparison("a", ">", float("nan"))
    with pytest.raises(ValueError, match="non-empty tuple"):
        AllOf(())
    assert Comparison("a", ">", 3).threshold == 3.0  # an int is stored as a float
