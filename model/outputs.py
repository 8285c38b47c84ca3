"""The model's output vocabulary: trajectory and metric names with their units.

This is the one list that the scenario schema (which outputs may be observed or
analysed), the equations (which arrays they fill) and the reports share.
"""

from __future__ import annotations

from typing import Literal

__all__ = ["TRAJECTORIES", "METRICS", "SHORT_LABELS", "short_label", "TrajectoryName", "MetricName"]

# name -> (unit, description). Monthly values unless the name says cumulative.
TRAJECTORIES: dict[str, tuple[str, str]] = {
    "ru_production": ("shells/month", "Russian shell production"),
    "ru_reserve_release": ("shells/month", "shells drawn from old Russian reserves"),
    "nk_deliveries": ("shells/month", "shells shipped from North Korea"),
    "nk_deliveries_cumulative": ("shells", "shells shipped from North Korea since the start"),
    "nk_usable_deliveries": ("shells/month", "North Korean shells that work (deliveries less duds)"),
    "nk_stockpile": ("shells", "North Korean shell stockpile left"),
    "shells_wanted": ("shells/month", "shells Russia wants to fire"),
    "shells_fired": ("shells/month", "shells Russia fires"),
    "shortfall": ("shells/month", "shells wanted but not available"),
    "nk_share_of_fired": ("fraction", "share of fired shells that came from North Korea"),
    "ru_stock": ("shells", "usable shells in Russian depots at month end"),
    "troops_in_theatre": ("soldiers", "North Korean soldiers deployed"),
    "killed_cumulative": ("soldiers", "North Korean soldiers killed since deployment"),
    "wounded_cumulative": ("soldiers", "North Korean soldiers wounded since deployment"),
    "payments": ("usd/month", "value Russia transfers to North Korea"),
    "payments_cumulative_usd": ("usd", "value transferred since the start"),
}

METRICS: dict[str, tuple[str, str]] = {
    "nk_deliveries_total": ("shells", "shells shipped from North Korea over the window"),
    "nk_usable_total": ("shells", "working North Korean shells delivered over the window"),
    "nk_duds_total": ("shells", "North Korean shells that fail"),
    "nk_share_of_fired": ("fraction", "share of all shells fired over the window that came from North Korea"),
    "shells_fired_total": ("shells", "shells Russia fired over the window"),
    "shortfall_total": ("shells", "shells wanted but not available over the window"),
    "months_short": ("months", "months in which Russia fell short by more than the threshold"),
    "months_to_shortage_after_cutoff": (
        "months",
        "months from the North Korean cut-off to the first month short by more than the threshold",
    ),
    "nk_stockpile_end": ("shells", "North Korean stockpile left at the end of the window"),
    "ru_production_end": ("shells/month", "Russian production rate in the last month"),
    "troops_peak": ("soldiers", "largest North Korean troop strength in theatre"),
    "soldier_months": ("soldier-months", "months of combat experience accumulated by North Korean soldiers"),
    "soldiers_rotated": ("soldiers", "North Korean soldiers who served in theatre, rotations included"),
    "killed_total": ("soldiers", "North Korean soldiers killed"),
    "wounded_total": ("soldiers", "North Korean soldiers wounded"),
    "payments_total_usd": ("usd", "value Russia transferred to North Korea over the window"),
    "payments_share_of_nk_gdp": ("fraction", "payments over the window as a share of one year of North Korean GDP"),
}

# short names for titles; the long descriptions are in model.outputs.METRICS
SHORT_LABELS = {
    "nk_share_of_fired": "North Korean share of fired shells",
    "nk_deliveries_total": "North Korean shells delivered",
    "nk_usable_total": "working North Korean shells delivered",
    "nk_duds_total": "North Korean duds",
    "shortfall_total": "Russian shortfall",
    "months_short": "months short",
    "months_to_shortage_after_cutoff": "months from cut-off to shortage",
    "nk_stockpile_end": "North Korean stockpile left",
    "ru_production_end": "Russian production at the end",
    "killed_total": "North Korean soldiers killed",
    "wounded_total": "North Korean soldiers wounded",
    "soldier_months": "North Korean soldier-months in combat",
    "payments_total_usd": "value transferred to North Korea",
    "payments_share_of_nk_gdp": "payments as a share of North Korean GDP",
}

def short_label(metric: str) -> str:
    return SHORT_LABELS.get(metric, METRICS[metric][1])


# For the schema: the same names as the catalogues above, never typed twice.
TrajectoryName = Literal[tuple(TRAJECTORIES)]  # type: ignore[valid-type]
MetricName = Literal[tuple(METRICS)]  # type: ignore[valid-type]
