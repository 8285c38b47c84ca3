"""One number rule for every input field: what a scenario, a figure file or a ``logistics:``
section may write where a number is wanted.

- A number is written as YAML writes it, without quotes: ``2300000000``, ``2.3e10``,
  ``2.3E+10``, ``1.0e4``, ``-0.5``, ``.5``. (PyYAML follows YAML 1.1, which reads ``2.3e10`` and
  ``1e4``, an exponent without its sign or a number without a point, as text; the reader,
  ``model.inputs.safe_yaml``, reads them as numbers, as YAML 1.2 does.)
- Where a whole number is wanted (a count, a seed, a calendar month), a number whose value is
  whole is one: ``1.0e4`` is 10,000; ``36.5`` is not.
- Text is never a number, quoted (``'0.4'``) or not, nor is ``true``.

The pydantic models of the inputs share :data:`INPUT_MODEL_CONFIG` (strict: no text or truth
value becomes a number, unknown keys refused) and write whole-number fields as
:data:`WholeNumber`.
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Any

from pydantic import BeforeValidator, ConfigDict, Field

__all__ = ["INPUT_MODEL_CONFIG", "NUMBER_PATTERN", "WholeNumber", "whole_if_integral"]

#: A number as YAML 1.2 writes it (its core schema's int and float, without inf and nan).
NUMBER_PATTERN = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")

#: Every input model: unknown keys refused, frozen, finite numbers only, no text taken for a number.
INPUT_MODEL_CONFIG = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, strict=True)


def whole_if_integral(value: Any) -> Any:
    """A float whose value is whole as the ``int`` it is (``1.0e4`` -> 10000); anything else as it
    is, for the strict integer check to take or refuse."""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    return value


#: A whole number: an ``int``, or a float whose value is whole; never text or a truth value.
WholeNumber = Annotated[int, BeforeValidator(whole_if_integral), Field(strict=True)]
