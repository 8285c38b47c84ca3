"""What is wrong with an input, said one way everywhere: ``FILE:LINE: FIELD: message``, and one
"did you mean" for every misspelt name (keys, figure ids, scenario names, metrics, units)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from ..core.months import month_index, month_name

__all__ = ["Path_", "Problem", "YamlProblems", "dotted_path", "closest", "did_you_mean", "outside_window", "shorten",
           "SHOWN_CHARS"]

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, printable as ``FILE:LINE: FIELD: message``.

    ``severity``: ``"error"`` (the file is refused) or ``"warning"`` (valid but probably not what
    was meant, printed as ``FILE:LINE: FIELD: warning: message``; ``validate --strict`` refuses it)."""

    file: str
    line: int | None
    field: str
    message: str
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        line = f"{self.line}" if self.line is not None else "?"
        where = f"{shorten(self.field)}: " if self.field else ""  # a key may be as long as the file allows
        kind = "warning: " if self.severity == "warning" else ""
        return f"{self.file}:{line}: {where}{kind}{self.message}"


class YamlProblems(Exception):
    """Raised when a file cannot be read as a scenario; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


#: Most characters of a user's text a message repeats (a name, a condition, a path).
SHOWN_CHARS = 120


def shorten(text: str, limit: int = SHOWN_CHARS) -> str:
    """``text`` as a message repeats it: control characters written as escapes (a NUL byte or a
    line break in a name cannot garble or forge a message line), whole when short, else its start
    and end with the length between (a message never echoes a 10,000-character value back whole)."""
    text = re.sub(r"[\x00-\x1f\x7f]", lambda m: repr(m.group())[1:-1], text)
    if len(text) <= limit:
        return text
    keep = (limit - 1) // 2
    return f"{text[:keep]}…{text[-keep:]} ({len(text):,} characters)"


def dotted_path(path: Path_) -> str:
    """``('parameters', 'x', 0)`` as ``parameters.x[0]``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def closest(word: str, options: Iterable[str], *, cutoff: float = 0.6) -> str | None:
    """The option closest to ``word`` (a likely misspelling of it), or None."""
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=cutoff)
    return close[0] if close else None


def did_you_mean(word: str, options: Iterable[str], *, cutoff: float = 0.6, otherwise: str = "") -> str:
    """``"; did you mean 'x'?"`` for the closest option, else ``otherwise`` (e.g. the valid keys)."""
    close = closest(word, options, cutoff=cutoff)
    if close is not None:
        return f"; did you mean '{close}'?"
    return otherwise


def outside_window(month: str, start: str, horizon_months: int) -> str | None:
    """Why ``month`` ('YYYY-MM') is not in the window of ``horizon_months`` months from ``start``,
    naming the first or last valid month; None when it is inside."""
    first = month_index(start)
    last = first + horizon_months - 1
    where = month_index(month[:7])
    if first <= where <= last:
        return None
    edge = f"the last valid month is {month_name(last)}" if where > last else f"the first valid month is {start}"
    return f"{month} is outside the scenario window ({start} + {horizon_months} months); {edge}"
