"""The ``precision:`` section: when ``samples: auto`` stops, and its checks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from pydantic import BaseModel, Field

from ...core.catalogue import METRICS, MetricName, applies
from ...inputs.number_rule import INPUT_MODEL_CONFIG, WholeNumber
from ..discovery.spec import has_cutoff_event

__all__ = ["Precision", "DEFAULT_MAX_SAMPLES", "SCENARIO_FIELDS", "MERGE_FIELDS", "problems", "precision_of"]

#: Largest number of samples ``samples: auto`` draws unless ``precision.max_samples`` says otherwise:
#: sixteen blocks of 65,536.
DEFAULT_MAX_SAMPLES = 1_048_576

Add = Callable[[tuple, str], None]


class _Strict(BaseModel):
    model_config = INPUT_MODEL_CONFIG


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


SCENARIO_FIELDS: dict[str, tuple[Any, Any]] = {
    "precision": (Precision, Field(default_factory=Precision, description="when samples: auto stops")),
}
MERGE_FIELDS = ("precision",)  # merged field by field


def precision_of(scenario: Any) -> Precision:
    return getattr(scenario, "precision", None) or Precision()


def problems(data: dict[str, Any], window: Any, registry: Any, add: Add) -> None:
    """Metrics to make precise that apply to the scenario."""
    section = data.get("precision")
    cutoff = has_cutoff_event(data)
    chosen = section.get("metrics") if isinstance(section, dict) else None
    if chosen is None and isinstance(data.get("sensitivity"), dict):
        chosen = data["sensitivity"].get("metrics")
    if isinstance(section, dict) and section.get("metrics") == []:
        add(("precision", "metrics"), "an empty list: name the metrics whose quantiles must be known, or leave "
                                      "metrics out for the sensitivity metrics")
        return
    if data.get("samples") == "auto" and isinstance(chosen, list) and not any(
            isinstance(m, str) and m in METRICS and applies(m, has_cutoff=cutoff) for m in chosen):
        # nothing to make precise: the first check would find the (empty) target met
        add(("samples",), "auto draws until chosen quantiles are known well enough, and no metric that applies "
                          "here is chosen: name one under precision.metrics (by default the sensitivity.metrics)")
    if not isinstance(section, dict) or not isinstance(section.get("metrics"), list):
        return
    for k, metric in enumerate(section["metrics"]):
        if isinstance(metric, str) and metric in METRICS and not applies(metric, has_cutoff=cutoff):
            add(("precision", "metrics", k), f"'{metric}' is measured from a North Korean cut-off, and this "
                                             "scenario has no nk_deliveries_stop event")
