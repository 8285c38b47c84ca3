"""A small, validated condition language over metric names.

A *condition* picks out the Monte Carlo futures in which something happens,
for example ``"months_short >= 3"`` or
``"nk_share_of_fired > 0.5 and shortfall_total > 0"``. It is written as text
(in a scenario file or on the command line), checked against the metric names
that exist, and evaluated on arrays of metric values.

Grammar (``and`` binds tighter than ``or``; keywords are lower case)::

    condition  := all_of ( "or" all_of )*
    all_of     := primary ( "and" primary )*
    primary    := "(" condition ")" | comparison
    comparison := METRIC OP NUMBER
    OP         := "<" | "<=" | ">" | ">=" | "==" | "!="
    METRIC     := [A-Za-z_][A-Za-z0-9_]*        (must be a known metric)
    NUMBER     := [+-]? digits with optional "_" separators, fraction, exponent
                  e.g. 3, -0.5, .25, 1e6, 2.5E-3, 3_000_000

The metric always comes first and the threshold is a finite number; a metric
compared with a metric, ``not``, chained comparisons and arithmetic are not part
of the language. The tokenizer and recursive-descent parser are hand-written:
no ``eval`` and no Python ``ast``, so text from a file can never run code.

Functions
---------
parse_condition
    Text to a `Condition` tree; raises `ConditionError` with the character
    offset of the problem.
evaluate_condition
    A `Condition` on a mapping of metric arrays to a boolean mask (NaN compares
    False, also for ``!=``).
condition_metrics
    The metric names a condition uses, in order of first appearance.
condition_text
    Canonical text of a condition; ``parse_condition`` reads it back to an equal
    condition.
"""

from .parse import parse_condition
from .terms import MAX_COMPARISONS, MAX_DEPTH, MAX_LENGTH, AllOf, AnyOf, Comparison, Condition, ConditionError
from .use import condition_metrics, condition_text, evaluate_condition

__all__ = [
    "AllOf",
    "AnyOf",
    "Comparison",
    "Condition",
    "ConditionError",
    "MAX_COMPARISONS",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "condition_metrics",
    "condition_text",
    "evaluate_condition",
    "parse_condition",
]
