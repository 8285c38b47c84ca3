"""What is wrong with an input, said one way everywhere: ``FILE:LINE: FIELD: message``, and one
"did you mean" for every misspelt name (keys, figure ids, scenario names, metrics, units)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Path_", "Problem", "YamlProblems", "dotted_path", "did_you_mean"]

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, printable as ``FILE:LINE: FIELD: message``."""

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        line = f"{self.line}" if self.line is not None else "?"
        where = f"{self.field}: " if self.field else ""
        return f"{self.file}:{line}: {where}{self.message}"


class YamlProblems(Exception):
    """Raised when a file cannot be read as a scenario; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def dotted_path(path: Path_) -> str:
    """``('parameters', 'x', 0)`` as ``parameters.x[0]``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def did_you_mean(word: str, options: Iterable[str], *, cutoff: float = 0.6, otherwise: str = "") -> str:
    """``"; did you mean 'x'?"`` for the closest option, else ``otherwise`` (e.g. the valid keys)."""
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=cutoff)
    if close:
        return f"; did you mean '{close[0]}'?"
    return otherwise
