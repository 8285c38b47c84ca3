"""How many samples a scenario draws: a number, or ``auto`` (drawn until ``precision`` holds)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import PlainValidator
from pydantic_core import PydanticCustomError, PydanticKnownError

from .number_rule import whole_if_integral

__all__ = ["AUTO", "MIN_SAMPLES", "MAX_SAMPLES", "SampleCount", "planned_samples"]

AUTO = "auto"
MIN_SAMPLES = 64
MAX_SAMPLES = 10_000_000  # the documented maximum: memory stays bounded up to here (README)


def _sample_count(value: Any) -> int | str:
    """``samples:``: a whole number from MIN_SAMPLES to MAX_SAMPLES (``1.0e4`` is one), or ``auto``."""
    if isinstance(value, str) and value == AUTO:
        return AUTO
    value = whole_if_integral(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise PydanticCustomError("int_type", "Input should be a valid integer or 'auto'")
    if value < MIN_SAMPLES:
        raise PydanticKnownError("greater_than_equal", {"ge": MIN_SAMPLES})
    if value > MAX_SAMPLES:
        raise PydanticKnownError("less_than_equal", {"le": MAX_SAMPLES})
    return value


#: ``samples:`` -- a number of samples (strict int, bounds as before) or ``"auto"``.
SampleCount = Annotated[int | Literal["auto"], PlainValidator(_sample_count, json_schema_input_type=int | str)]


def planned_samples(scenario: Any, samples: int | None = None) -> int:
    """The most samples a run of ``scenario`` draws: ``samples`` (a command-line override) if given,
    else the scenario's count, or for ``samples: auto`` its ``precision.max_samples``."""
    if samples is not None:
        return samples
    if scenario.samples == AUTO:
        from ..features.stopping.spec import precision_of

        return int(precision_of(scenario).max_samples)
    return int(scenario.samples)
