"""The model's output catalogue: every trajectory and metric with its unit and its words.

This is the one list that the scenario schema (which outputs may be observed or analysed),
the equations (which arrays they fill), the summary, the charts and the reports share.
Each entry carries its unit, a one-line description, a label (a table row or a sentence),
a short label (a column header or chart legend) and, where it is drawn, a chart title;
the headline lists below say which outputs each page and chart shows, in order. A second
language plugs in here: the English texts are keyed by the output's name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

__all__ = [
    "Output", "TRAJECTORIES", "METRICS", "TrajectoryName", "MetricName",
    "KEY_METRICS", "INDEX_METRICS", "HISTOGRAM_METRICS", "SENSITIVITY_METRICS", "FAN_TRAJECTORIES",
    "applies", "header", "label", "title", "unit_of",
]


@dataclass(frozen=True)
class Output:
    """One model output: its unit and the words people read about it."""

    name: str
    unit: str
    description: str
    label: str
    short_label: str
    chart_title: str = ""
    axis_label: str = ""  # the y axis of a fan chart, where it differs from the unit
    never: str = ""  # what a missing value means, for outputs that may not happen in the window
    needs_cutoff: bool = False  # only meaningful when North Korean deliveries stop in the window


def _catalogue(*entries: Output) -> dict[str, Output]:
    return {e.name: e for e in entries}


# Monthly values unless the name says cumulative.
TRAJECTORIES: dict[str, Output] = _catalogue(
    Output("ru_production", "shells/month", "Russian shell production", "Russian shell production",
           "Russian production", "Russian artillery-shell production", "shells per month"),
    Output("ru_reserve_release", "shells/month", "shells drawn from old Russian reserves",
           "Shells drawn from old Russian reserves", "reserve release"),
    Output("ru_reserve", "shells", "old Russian shells left in reserve", "Old Russian shells left in reserve",
           "Russian reserve left"),
    Output("nk_production", "shells/month", "new North Korean shell production", "New North Korean production",
           "NK production"),
    Output("nk_deliveries", "shells/month", "shells shipped from North Korea",
           "Shells shipped from North Korea", "NK deliveries", "North Korean shells shipped per month",
           "shells per month"),
    Output("nk_deliveries_cumulative", "shells", "shells shipped from North Korea since the start",
           "Shells shipped from North Korea since the start", "NK shells delivered",
           "North Korean shells delivered to Russia (cumulative)", "shells"),
    Output("nk_usable_deliveries", "shells/month", "North Korean shells that work (deliveries less duds)",
           "Working North Korean shells delivered", "usable NK deliveries"),
    Output("nk_stockpile", "shells", "North Korean exportable stock left", "North Korean exportable stock left",
           "NK stock left", "North Korea's exportable shell stock", "shells"),
    Output("nk_stock_old", "shells", "North Korean old stock left that needs refurbishing",
           "North Korean old stock left (needs refurbishing)", "NK old stock left"),
    Output("nk_shipped_for_refurbishment", "shells/month", "North Korean old shells shipped to Russian plants",
           "North Korean old shells shipped for refurbishment", "NK old shells shipped"),
    Output("nk_refurbished", "shells/month", "working North Korean shells out of Russian refurbishment plants",
           "Working North Korean shells out of refurbishment", "NK shells refurbished"),
    Output("nk_refurbishment_queue", "shells", "North Korean old shells waiting in Russian refurbishment plants",
           "North Korean shells in Russian refurbishment plants", "NK shells in refurbishment"),
    Output("shells_wanted", "shells/month", "shells Russia wants to fire", "Shells Russia wants to fire",
           "shells wanted"),
    Output("shells_fired", "shells/month", "shells Russia fires", "Shells Russia fires", "shells fired",
           "Shells Russia fires", "shells per month"),
    Output("shortfall", "shells/month", "shells wanted but not available",
           "Shortfall: shells wanted but not available", "shortfall",
           "Russian shortfall: shells wanted but not available", "shells per month"),
    Output("nk_share_of_fired", "fraction", "share of fired shells that came from North Korea",
           "North Korean share of fired shells", "NK share of fire",
           "Share of Russian fire from North Korean shells", "share of shells fired"),
    Output("nk_share_of_munitions", "fraction",
           "share of all munitions Russia uses (shells, rockets, mortar bombs, missiles) that came from North Korea",
           "North Korean share of all munitions used", "NK share of munitions",
           "Share of all munitions Russia uses from North Korea", "share of munitions"),
    Output("ru_stock", "shells", "usable shells in Russian depots at month end",
           "Usable shells in Russian depots", "Russian stock"),
    Output("ru_stock_days", "days", "Russian depot stock in days of wanted fire at month end",
           "Russian stock in days of fire", "stock (days of fire)",
           "Russia's shell stock in days of fire", "days of fire"),
    Output("depot_losses", "shells/month", "shells lost from Russian depots (strikes, attrition, spoilage)",
           "Shells lost from Russian depots", "depot losses"),
    Output("troops_in_theatre", "soldiers", "North Korean soldiers deployed", "North Korean soldiers deployed",
           "NK troops", "North Korean soldiers deployed", "soldiers"),
    Output("killed_cumulative", "soldiers", "North Korean soldiers killed since deployment",
           "North Korean soldiers killed since deployment", "NK killed",
           "North Korean soldiers killed (cumulative)", "soldiers"),
    Output("wounded_cumulative", "soldiers", "North Korean soldiers wounded since deployment",
           "North Korean soldiers wounded since deployment", "NK wounded"),
    Output("payments", "usd/month", "value Russia transfers to North Korea",
           "Value Russia transfers to North Korea", "payments"),
    Output("payments_cumulative_usd", "usd", "value transferred since the start",
           "Value transferred to North Korea since the start", "payments so far",
           "Value Russia transferred to North Korea (cumulative)", "US dollars"),
    Output("payments_shells", "usd/month", "value transferred for shells (price per shell times shells shipped)",
           "Value transferred for shells", "for shells"),
    Output("payments_troops", "usd/month", "value transferred for soldiers (pay per soldier-month)",
           "Value transferred for soldiers", "for soldiers"),
    Output("payments_missiles", "usd/month", "value transferred for missiles while deliveries run",
           "Value transferred for missiles", "for missiles"),
    Output("payments_technology", "usd/month", "value of technology transferred while deliveries run",
           "Value of technology transferred", "technology"),
    Output("payments_other", "usd/month", "value of other support (oil, food, equipment) while deliveries run",
           "Value of other support", "other support"),
    Output("payments_share_of_gdp_12m", "fraction",
           "value transferred in the last 12 months as a share of North Korean GDP in those months",
           "Value transferred in a year, share of that year's GDP", "a year's value / GDP",
           "Value transferred in a year as a share of North Korean GDP", "share of a year's GDP"),
)

METRICS: dict[str, Output] = _catalogue(
    Output("nk_deliveries_total", "shells", "shells shipped from North Korea over the window",
           "Shells shipped from North Korea", "Shells shipped from NK", "North Korean shells delivered"),
    Output("nk_usable_total", "shells", "working North Korean shells delivered over the window",
           "Working North Korean shells delivered", "Working NK shells",
           "working North Korean shells delivered"),
    Output("nk_duds_total", "shells", "North Korean shells that fail", "North Korean shells that fail (duds)",
           "NK duds", "North Korean duds"),
    Output("nk_share_of_fired", "fraction", "share of all shells fired over the window that came from North Korea",
           "North Korean share of fired shells", "NK share of fired shells", "North Korean share of fired shells"),
    Output("shells_fired_total", "shells", "shells Russia fired over the window", "Shells fired by Russia",
           "Shells fired", "shells fired by Russia"),
    Output("shortfall_total", "shells", "shells wanted but not available over the window",
           "Shortfall: shells wanted but not available", "Shortfall (shells)", "Russian shortfall"),
    Output("months_short", "months", "months in which Russia fell short by more than the threshold",
           "Months in which Russia ran short", "Months short", "months short"),
    Output("months_to_shortage_after_cutoff", "months",
           "months from the North Korean cut-off to the first month short by more than the threshold",
           "Months from a North Korean cut-off to a Russian shortage", "Months from cut-off to shortage",
           "months from cut-off to shortage", never="no shortage within the window", needs_cutoff=True),
    Output("months_to_fire_drop_after_cutoff", "months",
           "months from the North Korean cut-off to the first month Russia fires less than the drop threshold "
           "(share of its fire in the three months before the cut)",
           "Months from a North Korean cut-off until Russian fire drops", "Months from cut-off to falling fire",
           "months from cut-off to falling fire", never="fire does not drop within the window", needs_cutoff=True),
    Output("ru_stock_days_at_cutoff", "days",
           "Russian depot stock at the North Korean cut-off, in days of wanted fire",
           "Russian stock at the cut-off, in days of fire", "Stock at cut-off (days)",
           "Russian stock at the cut-off (days of fire)", needs_cutoff=True),
    Output("depot_losses_total", "shells", "shells lost from Russian depots over the window",
           "Shells lost from Russian depots", "Depot losses", "shells lost from Russian depots"),
    Output("ru_reserve_end", "shells", "old Russian shells left in reserve at the end of the window",
           "Old Russian shells left in reserve at the end", "Russian reserve left", "old Russian reserve left"),
    Output("nk_stockpile_end", "shells", "North Korean exportable stock left at the end of the window",
           "North Korean exportable stock left at the end", "NK stock left", "North Korean exportable stock left"),
    Output("ru_production_end", "shells/month", "Russian production rate in the last month",
           "Russian production in the last month", "Russian production at the end",
           "Russian production at the end"),
    Output("troops_peak", "soldiers", "largest North Korean troop strength in theatre",
           "Peak North Korean troop strength in theatre", "Peak NK troops", "peak North Korean troops"),
    Output("soldier_months", "soldier-months", "months of combat experience accumulated by North Korean soldiers",
           "Soldier-months of combat experience gained by North Korea", "NK soldier-months",
           "North Korean soldier-months in combat"),
    Output("soldiers_rotated", "soldiers", "North Korean soldiers who served in theatre, rotations included",
           "North Korean soldiers who served, rotations included", "NK soldiers who served",
           "North Korean soldiers who served"),
    Output("killed_total", "soldiers", "North Korean soldiers killed", "North Korean soldiers killed",
           "NK soldiers killed", "North Korean soldiers killed"),
    Output("wounded_total", "soldiers", "North Korean soldiers wounded", "North Korean soldiers wounded",
           "NK soldiers wounded", "North Korean soldiers wounded"),
    Output("payments_total_usd", "usd", "value Russia transferred to North Korea over the window",
           "Value transferred by Russia to North Korea", "Value transferred to NK",
           "value transferred to North Korea"),
    Output("payments_share_of_nk_gdp", "fraction",
           "value transferred in the 12 months with the most, as a share of North Korean GDP in those months",
           "Value transferred in the peak year, share of that year's North Korean GDP", "Peak year's value / NK GDP",
           "value transferred in a year as a share of that year's North Korean GDP"),
    Output("payments_total_over_nk_gdp", "fraction",
           "value transferred over the whole window divided by one year of North Korean GDP (reference year)",
           "Value transferred over the window, in years of North Korean GDP", "Window total / one year's GDP",
           "value transferred over the window in years of North Korean GDP"),
)

# Headline lists: which outputs each page or chart shows, in this order (where present).
KEY_METRICS: tuple[str, ...] = ("nk_share_of_fired", "nk_deliveries_total", "shortfall_total",
                                "months_to_fire_drop_after_cutoff", "months_to_shortage_after_cutoff", "killed_total",
                                "payments_total_usd", "payments_share_of_nk_gdp")
INDEX_METRICS: tuple[str, ...] = ("nk_share_of_fired", "nk_deliveries_total", "shortfall_total",
                                  "months_to_fire_drop_after_cutoff", "months_to_shortage_after_cutoff",
                                  "payments_share_of_nk_gdp")
HISTOGRAM_METRICS: tuple[str, ...] = ("nk_share_of_fired", "nk_deliveries_total", "shortfall_total", "killed_total",
                                      "payments_share_of_nk_gdp", "months_to_shortage_after_cutoff",
                                      "months_to_fire_drop_after_cutoff")
SENSITIVITY_METRICS: tuple[str, ...] = ("nk_share_of_fired", "nk_deliveries_total", "shortfall_total",
                                        "killed_total", "payments_share_of_nk_gdp")
FAN_TRAJECTORIES: tuple[str, ...] = ("nk_deliveries_cumulative", "nk_share_of_fired", "ru_production", "shortfall",
                                      "shells_fired", "ru_stock_days", "troops_in_theatre", "killed_cumulative",
                                      "payments_cumulative_usd")


def applies(name: str, *, has_cutoff: bool) -> bool:
    """Whether a metric means anything in a run (cut-off metrics need a cut-off)."""
    entry = METRICS.get(name)
    return entry is not None and (has_cutoff or not entry.needs_cutoff)


def _entry(name: str) -> Output | None:
    return METRICS.get(name) or TRAJECTORIES.get(name)


def label(name: str) -> str:
    """The output's label (for a table row); a readable fallback for an unknown name."""
    entry = _entry(name)
    return entry.label if entry else name.replace("_", " ").capitalize()


def header(name: str) -> str:
    """The output's short label (a column header or a legend entry)."""
    entry = _entry(name)
    return entry.short_label if entry else name.replace("_", " ")


def title(name: str) -> str:
    """The output's chart title (also the noun in a generated sentence)."""
    entry = _entry(name)
    if entry is None:
        return name.replace("_", " ")
    return entry.chart_title or entry.description


def unit_of(name: str) -> str:
    entry = _entry(name)
    return entry.unit if entry else ""


# For the schema: the same names as the catalogues above, never typed twice.
if TYPE_CHECKING:  # type checkers see plain names; pydantic sees the Literal of every name
    TrajectoryName = str
    MetricName = str
else:
    TrajectoryName = Literal[tuple(TRAJECTORIES)]
    MetricName = Literal[tuple(METRICS)]
