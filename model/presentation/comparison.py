"""Which scenarios a batch sets side by side, and how: only what is comparable.

Two answers over windows of different length are not comparable (twelve more months kill more
soldiers whatever the cut-off does), so scenarios are compared (1) on their headline metrics within
a group of the same window, and (2) across windows on the cumulative trajectories at the last month
every window holds (``trajectories.csv``'s quantiles at that month). Each group says which it is.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from matplotlib.figure import Figure

from ..core.catalogue import METRICS, TRAJECTORIES
from ..summary.types import RunSummary, Stats
from . import texts
from .charts.comparison import scenario_comparison
from .charts.for_run import metric_axis
from .charts.style import percent_formatter
from .charts.words import language, unit
from .words import month_words

__all__ = ["ComparisonGroup", "comparison_groups", "comparison_figures", "AT_DATE_TRAJECTORIES"]

#: What is compared across windows, at the last month they share.
AT_DATE_TRAJECTORIES = ("nk_deliveries_cumulative", "killed_cumulative", "payments_cumulative_usd")


@dataclass(frozen=True)
class ComparisonGroup:
    """Scenarios compared together: on the same window (``month`` None), or at a common month."""

    key: str  # a part of the charts' file stems
    scenarios: tuple[str, ...]
    window: tuple[str, str] | None
    month: str | None
    names: tuple[str, ...]  # the metrics (same window) or trajectories (at a month) compared

    def heading(self, lang: str) -> str:
        if self.month is not None:
            return texts.text("index.group_at", lang, month=month_words(self.month, lang))
        assert self.window is not None
        return texts.text("index.group_window", lang, start=month_words(self.window[0], lang),
                          end=month_words(self.window[1], lang))

    def note(self, lang: str) -> str:
        key = "index.group_at_note" if self.month is not None else "index.group_window_note"
        return texts.text(key, lang, scenarios=", ".join(self.scenarios))


def comparison_groups(summaries: Sequence[RunSummary]) -> list[ComparisonGroup]:
    """The groups of at least two scenarios: one per shared window (the metrics every member has, headline
    metrics of any member first), and one at the last common month when the windows differ."""
    by_window: dict[tuple[str, str], list[RunSummary]] = {}
    for s in summaries:
        by_window.setdefault(s.window, []).append(s)
    groups = []
    for window, members in by_window.items():
        if len(members) < 2:
            continue
        headline = [m for s in members for m in s.headline]
        shared = [m for m in dict.fromkeys(headline) if all(m in s.metrics for s in members)]
        key = "" if len(by_window) == 1 else f"_{window[0]}_{window[1]}"
        groups.append(ComparisonGroup(key, tuple(s.scenario for s in members), window, None, tuple(shared)))
    if len(by_window) > 1 and len(summaries) > 1:
        start = max(s.window[0] for s in summaries)
        end = min(s.window[1] for s in summaries)
        if start <= end:
            groups.append(ComparisonGroup(f"_at_{end}", tuple(s.scenario for s in summaries), None, end,
                                          AT_DATE_TRAJECTORIES))
    return groups


def comparison_figures(summaries: Sequence[RunSummary], group: ComparisonGroup, caption: str,
                       at_month: Mapping[str, Mapping[str, Stats]] | None = None,
                       lang: str = "en") -> Iterator[tuple[str, str, Figure]]:
    """The group's charts, one per metric (or trajectory at the common month), in ``lang``.
    ``at_month``: scenario -> trajectory -> its quantiles at the group's month."""
    members = [s for s in summaries if s.scenario in group.scenarios]
    names = [s.scenario for s in members]
    for name in group.names:
        with language(lang):
            if group.month is None:
                title = texts.text("runchart.across", lang, label=texts.title(name, lang))
                stats = [s.metrics.get(name) for s in members]
                ylabel = metric_axis(name) if name in METRICS else name
            else:
                title = texts.text("runchart.across_at", lang, label=texts.trajectory_text(name, "description", lang)
                                   or name, month=month_words(group.month, lang))
                stats = [(at_month or {}).get(s.scenario, {}).get(name) for s in members]
                ylabel = unit(TRAJECTORIES[name].unit)
            if not any(x is not None for x in stats):
                continue
            fig = scenario_comparison(names, stats, title=title, ylabel=ylabel, caption=caption)
            if group.month is None and METRICS[name].unit == "fraction":
                fig.axes[0].yaxis.set_major_formatter(percent_formatter())
        yield f"compare_{name}{group.key}", title, fig
