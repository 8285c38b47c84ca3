"""The batch index (model.presentation.report.index: ``index_page``/``render_index``): one card per scenario
with its question, its window and its own headline answers; and which scenarios it compares
(model.presentation.comparison: the same window, or at the last month every window holds, the note
saying which)."""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pytest

from model.presentation.comparison import AT_DATE_TRAJECTORIES, comparison_figures, comparison_groups
from model.presentation.numbers import format_interval, format_value
from model.presentation.report import index_page, render_index
from model.presentation.report.common import figure_row
from model.presentation.report.index import IndexEntry
from model.presentation.report.views import IndexGroup, IndexPage
from model.summary.types import RunSummary, Stats
from tests.summaries import SUMMARY, summary

_ATTACK = "<script>alert('x')</script>"
_ESCAPED = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"


def _png(path: Path) -> Path:
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot([0, 1, 2], [0, 1, 4])
    fig.savefig(path, dpi=50)
    plt.close(fig)
    return path


def _results_folder(tmp_path: Path, *with_report: str) -> Path:
    folder = tmp_path / "results"
    for name in with_report:
        (folder / name).mkdir(parents=True)
        (folder / name / "report.html").write_text("<!DOCTYPE html>", encoding="utf-8")
    folder.mkdir(exist_ok=True)
    return folder


def _ok(s: RunSummary) -> IndexEntry:
    return IndexEntry(s.scenario, "ok", "", s)


def _cards(doc: str) -> list[str]:
    return re.findall(r'<article class="scenario">.*?</article>', doc, re.DOTALL)


def _over(name: str, start: str, end: str, headline: list[str] | None = None) -> RunSummary:
    return summary(scenario=name, description=f"What if {name}?", window={"start": start, "end": end},
                   **({"headline": headline} if headline is not None else {}))


def test_index_links_and_failures(tmp_path: Path) -> None:
    png = _png(tmp_path / "cmp.png")
    entries = [_ok(summary()),
               IndexEntry("cutoff_2025", "failed", "ValueError: <bad> input (at dynamics.py:12)", None,
                          "What if the deliveries stop?")]
    group = IndexGroup("Compared: scenarios over Sep 2023 to Aug 2026", "Same window", (figure_row("Comparison", png),))
    doc = render_index(index_page(entries, groups=[group], generated="2025-01-01T10:00:00+00:00",
                                  folder=_results_folder(tmp_path, "baseline")))
    assert 'href="baseline/report.html"' in doc
    assert "cutoff_2025/report.html" not in doc  # nothing to link to
    assert "failed:" in doc and "ValueError: &lt;bad&gt; input (at dynamics.py:12)" in doc
    assert "What if the deliveries stop?" in doc  # a failed scenario without a result still says its question
    assert "41 %" in doc and "33–50 %" in doc and "11.7 million" in doc and "1,158" in doc
    assert SUMMARY["description"].replace("'", "&#39;") in doc
    assert 'src="data:image/png;base64,' in doc
    assert "2025-01-01T10:00:00+00:00" in doc and "2 scenario(s)." in doc
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", doc, re.IGNORECASE)
    assert "<script" not in doc and "<link" not in doc


def test_index_never_links_a_missing_report(tmp_path: Path) -> None:
    # every entry has a summary, but only "baseline" has its report.html on disk
    entries = [IndexEntry(name, "ok", "", summary()) for name in ("baseline", "no_report", "../baseline")]
    folder = _results_folder(tmp_path, "baseline")
    (folder / "no_report").mkdir()  # the folder is there, its report is not
    doc = render_index(index_page(entries, folder=folder))
    assert re.findall(r'href="([^"]*)"', doc) == ["baseline/report.html"]
    assert "<h2>no_report</h2>" in doc
    # without a folder nothing can be checked, so nothing is linked
    assert "href=" not in render_index(index_page(entries))
    assert [r.href for r in index_page(entries, folder=folder).rows] == ["baseline/report.html", "", ""]


@pytest.mark.parametrize("lang", ["en", "de"])
def test_one_card_per_scenario_with_its_question_window_and_own_answers(lang: str) -> None:
    a = _over("alpha", "2023-09", "2026-08", ["nk_share_of_fired", "killed_total"])
    b = _over("beta", "2024-01", "2027-12", ["nk_deliveries_total"])
    failed = IndexEntry("gamma", "failed", "it broke", None, "What if gamma?")
    page = index_page([_ok(a), _ok(b), failed], lang=lang)
    doc = render_index(page)
    cards = _cards(doc)
    assert len(cards) == 3 == len(page.rows)
    window = {"en": ("Sep 2023 to Aug 2026", "Jan 2024 to Dec 2027"),
              "de": ("Sep 2023 bis Aug 2026", "Jan 2024 bis Dez 2027")}[lang]
    for card, s, w in zip(cards, (a, b), window):
        assert f"What if {s.scenario}?" in card and w in card
        labels = re.findall(r"<dt>(.*?)</dt>", card)
        assert len(labels) == len(s.headline)  # its own headline answers, no other
        for m, label in zip(s.headline, labels):
            stats = s.metrics[m]
            assert format_value(stats.p50, stats.unit, lang) in card
            assert format_interval(stats.p5, stats.p95, stats.unit, lang) in card
            assert label == page.rows[[r.name for r in page.rows].index(s.scenario)].answers[s.headline.index(m)].label
    assert "11.7 million" not in cards[0] and ("11.7 million" if lang == "en" else "11,7 Mio.") in cards[1]
    assert "What if gamma?" in cards[2] and "<dl" not in cards[2] and "it broke" in cards[2]
    assert f'<html lang="{lang}">' in doc


def test_comparison_groups_same_window_and_at_a_common_month() -> None:
    a = _over("a", "2023-09", "2026-08", ["nk_share_of_fired", "killed_total"])
    b = _over("b", "2023-09", "2026-08", ["killed_total", "nk_deliveries_total"])
    c = _over("c", "2024-01", "2027-08")
    d = _over("d", "2027-01", "2028-12")  # no month in common with a and b
    groups = comparison_groups([a, b, c])
    assert [(g.scenarios, g.window, g.month) for g in groups] == [
        (("a", "b"), ("2023-09", "2026-08"), None),  # only the two over the same window side by side
        (("a", "b", "c"), None, "2026-08"),  # all three at the last month every window holds
    ]
    same, at = groups
    assert same.names == ("nk_share_of_fired", "killed_total", "nk_deliveries_total")  # headline metrics first
    assert at.names == AT_DATE_TRAJECTORIES
    assert same.key != at.key and same.key and at.key  # file stems of the two groups differ
    assert same.heading("en") == "Compared: scenarios over Sep 2023 to Aug 2026"
    assert same.note("en") == "Same window, so the answers can be set side by side: a, b."
    assert at.heading("en") == "Compared at a common date: Aug 2026"
    assert at.note("en").startswith("The windows differ, so totals are compared at the last month every window")
    assert at.note("en").endswith(": a, b, c.")
    assert "Aug 2026" in at.heading("de") and "a, b, c" in at.note("de") and at.note("de") != at.note("en")
    # one window: one group, no comparison at a date
    (only,) = comparison_groups([a, b])
    assert only.month is None and only.key == ""
    # windows without a common month, each alone: nothing is compared
    assert comparison_groups([a, d]) == [] and comparison_groups([a]) == []
    assert [g.scenarios for g in comparison_groups([a, b, d])] == [("a", "b")]


def test_comparison_charts_show_only_what_each_group_compares() -> None:
    a = _over("a", "2023-09", "2026-08", ["nk_share_of_fired"])
    b = _over("b", "2023-09", "2026-08", ["nk_share_of_fired"])
    c = _over("c", "2024-01", "2027-08", ["nk_share_of_fired"])
    same, at = comparison_groups([a, b, c])
    charts = list(comparison_figures([a, b, c], same, "caption"))
    assert [stem for stem, _, _ in charts] == [f"compare_nk_share_of_fired{same.key}"]
    for _, _, fig in charts:
        assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["a", "b"]
        plt.close(fig)
    at_month = {name: {"killed_cumulative": Stats(10.0, 5.0, 9.0, 14.0, "soldiers")} for name in "abc"}
    charts = list(comparison_figures([a, b, c], at, "caption", at_month))
    assert [stem for stem, _, _ in charts] == [f"compare_killed_cumulative{at.key}"]  # the others have no numbers
    assert "Aug 2026" in charts[0][1]
    for _, _, fig in charts:
        assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["a", "b", "c"]
        plt.close(fig)


def test_the_groups_are_closed_sections_with_their_note(tmp_path: Path) -> None:
    a, b, c = _over("a", "2023-09", "2026-08"), _over("b", "2023-09", "2026-08"), _over("c", "2024-01", "2027-08")
    png = _png(tmp_path / "c.png")
    groups = [IndexGroup(g.heading("en"), g.note("en"), (figure_row(g.key, png),)) for g in comparison_groups([a, b, c])]
    doc = render_index(index_page([_ok(a), _ok(b), _ok(c)], groups=groups))
    found = re.findall(r'<details class="comparison">\s*<summary><span class="heading">(.*?)</span>'
                       r'<span class="lead">(.*?)</span></summary>', doc, re.DOTALL)
    assert found == [(g.heading, g.note) for g in groups]
    assert doc.count('src="data:image/png;base64,') == 2


def test_index_escapes_user_text(tmp_path: Path) -> None:
    s = summary(scenario="x", description=f"Question {_ATTACK}")
    entries = [IndexEntry("<b>x</b>", "failed", _ATTACK, s)]
    doc = render_index(index_page(entries, groups=[IndexGroup("g", "n", (figure_row(_ATTACK, tmp_path / "gone.png"),))],
                                  generated=_ATTACK))
    assert "<script" not in doc and "<b>x</b>" not in doc
    assert doc.count(_ESCAPED) == 4  # question, message, caption, generated
    assert "Figure missing:" in doc and "gone.png" in doc


def test_every_index_branch_renders() -> None:
    for entries in ([], [IndexEntry("a", "odd", "m", None)], [_ok(summary())],
                    [_ok(summary(calibrated=False, log_evidence=None, observations=[]))]):
        for lang in ("en", "de"):
            page = index_page(entries, lang=lang)
            assert isinstance(page, IndexPage)
            doc = render_index(page)
            assert doc.count("<article") == len(entries)
            assert doc.startswith("<!DOCTYPE html>") and doc.rstrip().endswith("</html>")
