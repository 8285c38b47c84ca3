"""The scenario sections for the analyst's questions after "how uncertain?".

- ``discovery:`` conditions of interest over the metrics, by name (which futures lead to them?);
- ``correlations:`` inputs that move together, as target rank correlations of pairs, and
  ``correlation_method:`` how they are imposed;
- ``samples: auto`` with an optional ``precision:`` section: draw blocks of samples until the
  chosen quantiles are known well enough.

Example::

    samples: auto
    precision: {metrics: [nk_share_of_fired], tolerance: 0.01, max_samples: 1048576}
    correlations:
      - params: [nk_stockpile_start, nk_dud_rate_old]
        rank: 0.4
        reason: "a larger stock is older stock"
    discovery:
      long_shortage: "months_short >= 3"

Types only (pydantic models, strict); the checks that need the whole scenario (condition text,
parameter names, conflicting pairs) are in ``model.inputs.analyst_checks``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, PlainValidator
from pydantic_core import PydanticCustomError, PydanticKnownError

from ..core.catalogue import MetricName
from .number_rule import INPUT_MODEL_CONFIG, WholeNumber, whole_if_integral

__all__ = [
    "AUTO",
    "Correlation",
    "CorrelationMethod",
    "DEFAULT_MAX_SAMPLES",
    "DiscoveryConditions",
    "MAX_CONDITION_CHARS",
    "MAX_DISCOVERY_CONDITIONS",
    "Precision",
    "SampleCount",
    "planned_samples",
]

AUTO = "auto"
#: Largest number of samples ``samples: auto`` draws unless ``precision.max_samples`` says otherwise:
#: sixteen blocks of 65,536.
DEFAULT_MAX_SAMPLES = 1_048_576

CorrelationMethod = Literal["copula", "iman_conover"]


class _Strict(BaseModel):
    model_config = INPUT_MODEL_CONFIG  # one number rule for every field (model.inputs.number_rule)


def _sample_count(value: Any) -> int | str:
    """``samples:``: a whole number from MIN_SAMPLES to MAX_SAMPLES (``1.0e4`` is one), or ``auto``."""
    from .schema import MAX_SAMPLES, MIN_SAMPLES  # the bounds live with the schema (which imports this module)

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


class Correlation(_Strict):
    """Two inputs that move together: their target Spearman rank correlation.

    Imposed on the uniform design before the inverse CDFs, so each input keeps the
    distribution the scenario gives it; only how their values pair up changes.
    """

    params: list[str] = Field(min_length=2, max_length=2, description="the two parameters, by name")
    rank: float = Field(ge=-1, le=1, description="target Spearman rank correlation, from -1 to 1")
    reason: str | None = Field(None, description="why the two move together (shown in the report)")


class Precision(_Strict):
    """When ``samples: auto`` stops: the chosen quantiles of the chosen metrics known well enough.

    Default: the 5th, 50th and 95th percentiles of the sensitivity metrics known to within
    +-1 % of their 90 % width (p95 - p5), at 95 % confidence, or at most 1,048,576 samples.
    """

    metrics: list[MetricName] | None = Field(  # type: ignore[valid-type]
        None, description="metrics whose quantiles must be known; default: the sensitivity metrics")
    quantiles: list[Annotated[float, Field(gt=0, lt=1)]] = Field(
        default_factory=lambda: [0.05, 0.5, 0.95], min_length=1, max_length=20,
        description="probabilities of the quantiles that must be known")
    tolerance: float = Field(
        0.01, gt=0, le=0.5, description="largest half-width of each quantile's confidence interval, as a share "
        "of the metric's 90 % width (p95 - p5)")
    confidence: float = Field(0.95, ge=0.5, lt=1, description="confidence level of those intervals")
    max_samples: WholeNumber = Field(
        DEFAULT_MAX_SAMPLES, ge=64, le=10_000_000,
        description="most samples drawn, whether or not the target holds")


#: Most ``discovery:`` conditions: each runs PRIM and a classification tree on the samples and adds a
#: section to the report.
MAX_DISCOVERY_CONDITIONS = 10
#: Longest condition text: a condition is a few comparisons joined by and/or, not a program.
MAX_CONDITION_CHARS = 500

#: ``discovery:`` -- condition name -> condition text over the metric names (``model.inputs.conditions``).
DiscoveryConditions = Annotated[dict[str, Annotated[str, Field(max_length=MAX_CONDITION_CHARS)]],
                                Field(max_length=MAX_DISCOVERY_CONDITIONS)]


def planned_samples(scenario: Any, samples: int | None = None) -> int:
    """The most samples a run of ``scenario`` draws: ``samples`` (a command-line override) if given,
    else the scenario's count, or for ``samples: auto`` its ``precision.max_samples``."""
    if samples is not None:
        return samples
    if scenario.samples == AUTO:
        return int(scenario.precision.max_samples)
    return int(scenario.samples)
