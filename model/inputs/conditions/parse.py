"""Text to a condition: a hand-written tokenizer and recursive-descent parser (no eval, no Python ast)."""

from __future__ import annotations

import math
import re
from collections.abc import Collection
from typing import Literal, NamedTuple, cast

from ..problems import did_you_mean
from .terms import MAX_COMPARISONS, MAX_DEPTH, MAX_LENGTH, AllOf, AnyOf, Comparison, Condition, ConditionError, Op

__all__ = ["parse_condition"]

# --------------------------------------------------------------------------- tokenizer


class _Token(NamedTuple):
    kind: Literal["name", "number", "op", "(", ")", "and", "or", "end"]
    text: str
    pos: int


# Digits may be grouped with single underscores between digits, as in Python
# literals; a sign is part of the number only when written directly before it.
_DIGITS = r"\d(?:_?\d)*"
_NUMBER_RE = re.compile(
    rf"[+-]?(?:{_DIGITS}(?:\.(?:{_DIGITS})?)?|\.{_DIGITS})(?:[eE][+-]?{_DIGITS})?"
)
_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_WORD_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.")
_HINTS = {
    "&": "; write 'and'",
    "|": "; write 'or'",
    "=": "; write '==' for equality",
    "!": "; write '!=' for inequality",
    "-": "; write negative numbers with the sign next to the digits, e.g. -3",
    "+": "; write the sign next to the digits, e.g. +3",
}


def _describe(token: _Token) -> str:
    return "end of text" if token.kind == "end" else repr(token.text)


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        if ch in "()":
            tokens.append(_Token(cast("Literal['(', ')']", ch), ch, i))
            i += 1
            continue
        two = text[i : i + 2]
        if two in ("<=", ">=", "==", "!="):
            tokens.append(_Token("op", two, i))
            i += 2
            continue
        if ch in "<>":
            tokens.append(_Token("op", ch, i))
            i += 1
            continue
        if two in ("=>", "=<"):
            raise ConditionError(
                f"unknown operator {two!r} at character {i}; did you mean {two[::-1]!r}?", i
            )
        number = _NUMBER_RE.match(text, i)
        if number and (ch.isdigit() or ch in "+-."):
            end = number.end()
            # "3months", "1.2.3", "3_" and "1e" must not split into two valid tokens.
            if end < n and text[end] in _WORD_CHARS:
                bad = _NAME_RE.match(text, end)
                stop = bad.end() if bad else end + 1
                raise ConditionError(
                    f"malformed number {text[i:stop]!r} at character {i}", i
                )
            tokens.append(_Token("number", number.group(), i))
            i = end
            continue
        if ch in "+-":
            after = _NAME_RE.match(text, i + 1)
            if after and after.group().lower() in ("nan", "inf", "infinity"):
                raise ConditionError(
                    f"threshold must be a finite number at character {i}, "
                    f"got {text[i:after.end()]!r}",
                    i,
                )
        name = _NAME_RE.match(text, i)
        if name:
            word = name.group()
            kind: Literal["name", "and", "or"] = (
                "and" if word == "and" else "or" if word == "or" else "name"
            )
            tokens.append(_Token(kind, word, i))
            i = name.end()
            continue
        raise ConditionError(
            f"unexpected character {ch!r} at character {i}{_HINTS.get(ch, '')}", i
        )
    tokens.append(_Token("end", "", n))
    return tokens


# --------------------------------------------------------------------------- parser


class _Parser:
    """Recursive descent over the token list; one method per grammar rule."""

    def __init__(self, text: str, metrics: Collection[str]) -> None:
        self.tokens = _tokenize(text)
        self.i = 0
        self.metrics = metrics
        self.n_comparisons = 0

    @property
    def tok(self) -> _Token:
        return self.tokens[self.i]

    def parse(self) -> Condition:
        condition = self.any_of(depth=0)
        if self.tok.kind != "end":
            tok = self.tok
            if tok.kind == ")":
                raise ConditionError(f"unmatched ')' at character {tok.pos}", tok.pos)
            hint = ""
            if tok.kind == "op":
                hint = "; chained comparisons are not supported, write 'a > 0 and a < 1'"
            elif tok.kind == "name" and tok.text.lower() in ("and", "or"):
                hint = "; keywords are lower case"
            raise ConditionError(
                f"expected 'and', 'or' or end of text at character {tok.pos}, "
                f"got {_describe(tok)}{hint}",
                tok.pos,
            )
        return condition

    def any_of(self, depth: int) -> Condition:
        terms = [self.all_of(depth)]
        while self.tok.kind == "or":
            self.i += 1
            terms.append(self.all_of(depth))
        return _flatten(AnyOf, terms)

    def all_of(self, depth: int) -> Condition:
        terms = [self.primary(depth)]
        while self.tok.kind == "and":
            self.i += 1
            terms.append(self.primary(depth))
        return _flatten(AllOf, terms)

    def primary(self, depth: int) -> Condition:
        tok = self.tok
        if tok.kind == "(":
            if depth >= MAX_DEPTH:
                raise ConditionError(
                    f"parentheses nested more than {MAX_DEPTH} deep at character {tok.pos}",
                    tok.pos,
                )
            self.i += 1
            inner = self.any_of(depth + 1)
            if self.tok.kind != ")":
                close = self.tok
                raise ConditionError(
                    f"expected ')' at character {close.pos} to close '(' at character "
                    f"{tok.pos}, got {_describe(close)}",
                    close.pos,
                )
            self.i += 1
            return inner
        return self.comparison()

    def comparison(self) -> Comparison:
        tok = self.tok
        if tok.kind != "name":
            what = "a metric name or '('"
            hint = ""
            if tok.kind == "number":
                hint = "; write the metric first, e.g. 'months_short >= 3'"
            raise ConditionError(
                f"expected {what} at character {tok.pos}, got {_describe(tok)}{hint}", tok.pos
            )
        self.n_comparisons += 1
        if self.n_comparisons > MAX_COMPARISONS:
            raise ConditionError(
                f"more than {MAX_COMPARISONS} comparisons: comparison "
                f"{self.n_comparisons} at character {tok.pos}",
                tok.pos,
            )
        self._check_metric(tok)
        self.i += 1
        op_tok = self.tok
        if op_tok.kind != "op":
            raise ConditionError(
                f"expected a comparison operator (< <= > >= == !=) at character "
                f"{op_tok.pos}, got {_describe(op_tok)}",
                op_tok.pos,
            )
        self.i += 1
        value_tok = self.tok
        if value_tok.kind == "name":
            if value_tok.text in self.metrics:
                raise ConditionError(
                    f"metric {value_tok.text!r} at character {value_tok.pos} compared with "
                    f"metric {tok.text!r}; a threshold must be a number",
                    value_tok.pos,
                )
            if value_tok.text.lower() in ("nan", "inf", "infinity"):
                raise ConditionError(
                    f"threshold must be a finite number at character {value_tok.pos}, "
                    f"got {value_tok.text!r}",
                    value_tok.pos,
                )
        if value_tok.kind != "number":
            raise ConditionError(
                f"expected a number at character {value_tok.pos}, got {_describe(value_tok)}",
                value_tok.pos,
            )
        threshold = float(value_tok.text)  # float() accepts the same "_" grouping
        if not math.isfinite(threshold):
            raise ConditionError(
                f"threshold {value_tok.text!r} at character {value_tok.pos} is not a finite "
                "number (too large for a float)",
                value_tok.pos,
            )
        self.i += 1
        return Comparison(tok.text, cast(Op, op_tok.text), threshold)

    def _check_metric(self, tok: _Token) -> None:
        if tok.text in self.metrics:
            return
        if tok.text in ("not", "true", "false", "True", "False", "None"):
            raise ConditionError(
                f"{tok.text!r} at character {tok.pos} is not part of the language; "
                "write a comparison such as 'months_short >= 3'",
                tok.pos,
            )
        known = sorted(self.metrics)
        listed = ", ".join(known[:10]) + (", ..." if len(known) > 10 else "")
        hint = did_you_mean(tok.text, known, otherwise=f"; known metrics: {listed}" if known else
                            "; no metrics are known")
        raise ConditionError(f"unknown metric {tok.text!r} at character {tok.pos}{hint}", tok.pos)


def _flatten(kind: type[AllOf] | type[AnyOf], terms: list[Condition]) -> Condition:
    # "(a and b) and c" and "a and (b and c)" mean the same thing; flattening
    # makes them equal trees, so conditions compare by meaning of structure.
    if len(terms) == 1:
        return terms[0]
    flat: list[Condition] = []
    for term in terms:
        flat.extend(term.terms if isinstance(term, kind) else (term,))
    return kind(tuple(flat))


def parse_condition(text: str, metrics: Collection[str]) -> Condition:
    """Parse condition text against the known metric names.

    Parameters
    ----------
    text : str
        E.g. ``"nk_share_of_fired > 0.5 and shortfall_total > 0"``; at most
        `MAX_LENGTH` characters and `MAX_COMPARISONS` comparisons.
    metrics : collection of str
        The metric names that may be used.

    Returns
    -------
    Condition
        A `Comparison`, or an `AllOf` / `AnyOf` of two or more terms (nested
        groups of the same kind are flattened).

    Raises
    ------
    ConditionError
        Saying what is wrong and at which 0-based character (``.position``).
    """
    if not isinstance(text, str):
        raise TypeError(f"condition text must be a str, got {type(text).__name__}")
    if isinstance(metrics, str):
        # A bare string is a Collection[str] of characters: surely a mistake.
        raise TypeError("metrics must be a collection of names, not a single string")
    if len(text) > MAX_LENGTH:
        raise ConditionError(
            f"condition is {len(text)} characters long, more than the limit of {MAX_LENGTH}; "
            f"text beyond character {MAX_LENGTH} is refused",
            MAX_LENGTH,
        )
    if not text.strip():
        raise ConditionError("empty condition at character 0", 0)
    return _Parser(text, frozenset(metrics)).parse()
