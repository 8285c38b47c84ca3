"""Tests for model.presentation.charts: figures are built from synthetic data and inspected."""

from __future__ import annotations

import re

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from model.presentation import charts
from model.presentation.charts import (
    PALETTE,
    convergence_plot,
    cutoff_chart,
    fan_chart,
    format_number,
    metric_histogram,
    months_to_dates,
    save_figure,
    scenario_comparison,
    sobol_bars,
    tornado_chart,
)
from model.presentation.charts.dates import MonthLocator
from model.presentation.charts.style import CAPTION_GID

CAPTION = ("Scenario 'baseline' - 1,000 samples, seed 42. "
           "Figures: 3.5 M (South Korean intelligence).")
MONTHS = [f"{y}-{m:02d}" for y in (2023, 2024, 2025, 2026) for m in range(1, 13)]
MONTHS = [m for m in MONTHS if "2023-09" <= m <= "2026-08"]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _quantiles(n: int = len(MONTHS), top: float = 6e6) -> dict[float, np.ndarray]:
    median = np.linspace(0.1e6, top, n)
    return {0.05: median * 0.6, 0.25: median * 0.85, 0.5: median,
            0.75: median * 1.15, 0.95: median * 1.5}


def _caption_texts(fig: Figure) -> list[str]:
    # The caption may be wrapped over several lines; compare without line breaks.
    return [t.get_text().replace("\n", " ") for t in fig.texts]


def _legend_texts(ax) -> list[str]:
    leg = ax.get_legend()
    assert leg is not None, "axes has no legend"
    return [t.get_text() for t in leg.get_texts()]


def _assert_common(fig: Figure, ax, title: str, xlabel: str | None, ylabel: str | None) -> None:
    assert isinstance(fig, Figure)
    assert ax.get_title().replace("\n", " ") == title
    if xlabel is not None:
        assert ax.get_xlabel() == xlabel
    if ylabel is not None:
        assert ax.get_ylabel() == ylabel
    assert CAPTION in _caption_texts(fig)


def _render(fig: Figure) -> None:
    """Draw fully, so errors in layout or formatters surface in the test."""
    fig.canvas.draw()


# --------------------------------------------------------------------------- helpers


def test_palette_is_okabe_ito():
    expected = {"#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2",
                "#D55E00", "#CC79A7"}
    assert set(PALETTE.values()) == expected
    assert all(re.fullmatch(r"#[0-9A-F]{6}", c) for c in PALETTE.values())


def test_all_exports_exist():
    for name in charts.__all__:
        assert hasattr(charts, name), name


@pytest.mark.parametrize(
    ("value", "reference", "expected"),
    [
        (3.5e6, None, "3.5 M"),
        (20e9, None, "20 bn"),
        (12_000, None, "12,000"),
        (0, None, "0"),
        (5e5, 2e6, "0.5 M"),
        (float("nan"), None, "n/a"),
        (None, None, "n/a"),
        (0.25, None, "0.25"),
    ],
)
def test_format_number(value, reference, expected):
    assert format_number(value, reference=reference) == expected


def test_months_to_dates():
    dates = months_to_dates(["2023-09", "2024-06"])
    assert dates.dtype == np.dtype("datetime64[D]")
    assert list(dates.astype(str)) == ["2023-09-01", "2024-06-01"]
    with pytest.raises(ValueError):
        months_to_dates(["June 2024"])


# --------------------------------------------------------------------------- fan chart


def test_fan_chart_basic():
    obs = [{"month": "2024-06", "value": 3.5e6, "low": 2.5e6, "high": 4.5e6,
            "label": "3.5 M delivered (South Korean intelligence)"}]
    fig = fan_chart(MONTHS, _quantiles(), title="Deliveries", ylabel="shells (cumulative)",
                    caption=CAPTION, observations=obs)
    ax = fig.axes[0]
    _assert_common(fig, ax, "Deliveries", "month", "shells (cumulative)")
    labels = _legend_texts(ax)
    assert labels == ["median", "50 % band", "90 % band",
                      "3.5 M delivered (South Korean intelligence)"]
    assert fig.get_size_inches() == pytest.approx((8.0, 4.5))
    _render(fig)
    # y ticks formatted readably ("2 M", ...), never in scientific notation
    ticks = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert any(t.endswith(" M") for t in ticks)
    assert not any("e+" in t for t in ticks)
    # x is a date axis with year labels
    xt = [t.get_text() for t in ax.get_xticklabels()]
    assert "2024" in xt and "2025" in xt


def test_fan_chart_prior_and_missing_bounds_and_note():
    obs = [
        {"month": "2024-06", "value": 3.5e6, "low": None, "high": 4.5e6, "label": "A"},
        {"month": "2025-08", "value": 6e6, "label": "B"},  # no low/high at all
    ]
    q = _quantiles()
    fig = fan_chart(MONTHS, q, title="T", ylabel="shells", caption=CAPTION, observations=obs,
                    prior_quantiles={0.5: q[0.5] * 1.2}, weights_note="ESS 300 of 1,000")
    ax = fig.axes[0]
    labels = _legend_texts(ax)
    assert labels == ["median", "50 % band", "90 % band", "prior median (uncalibrated)", "A", "B"]
    title = ax.get_legend().get_title().get_text()
    assert "model" in title and "ESS 300 of 1,000" in title
    dashed = [ln for ln in ax.get_lines() if ln.get_label() == "prior median (uncalibrated)"]
    assert len(dashed) == 1 and dashed[0].get_linestyle() != "-"
    _render(fig)


def test_fan_chart_only_median_and_float_keys():
    q = {np.float64(0.5): np.linspace(1, 10, len(MONTHS))}
    fig = fan_chart(MONTHS, q, title="T", ylabel="shells", caption=CAPTION, series_label="")
    assert _legend_texts(fig.axes[0]) == ["median"]
    _render(fig)


def test_fan_chart_requires_median_and_right_length():
    q = _quantiles()
    with pytest.raises(ValueError):
        fan_chart(MONTHS, {0.05: q[0.05], 0.95: q[0.95]}, title="T", ylabel="y", caption=CAPTION)
    with pytest.raises(ValueError):
        fan_chart(MONTHS[:-1], q, title="T", ylabel="y", caption=CAPTION)


def test_fan_chart_into_existing_axes():
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.5), layout="constrained")
    out = fan_chart(MONTHS, _quantiles(), title="Left", ylabel="shells", caption=CAPTION, ax=ax1)
    assert out is fig
    assert len(ax1.get_lines()) >= 1 and len(ax1.collections) == 2
    assert len(ax2.get_lines()) == 0
    # Second panel into the same figure: the caption is replaced, not duplicated.
    fan_chart(MONTHS, _quantiles(), title="Right", ylabel="shells", caption=CAPTION + " (b)",
              ax=ax2)
    captions = [t for t in fig.texts if t.get_gid() == CAPTION_GID]
    assert len(captions) == 1
    _render(fig)


def test_fan_chart_into_axes_without_layout_engine():
    fig, ax = plt.subplots()
    fan_chart(MONTHS, _quantiles(), title="T", ylabel="shells", caption=CAPTION, ax=ax)
    assert fig.subplotpars.bottom > 0.1
    _render(fig)


def test_fan_chart_long_and_short_spans():
    long_months = [f"{y}-{m:02d}" for y in range(2015, 2031) for m in range(1, 13)]
    fig = fan_chart(long_months, _quantiles(len(long_months)), title="T", ylabel="y",
                    caption=CAPTION)
    _render(fig)
    short = ["2024-01", "2024-02", "2024-03"]
    fig = fan_chart(short, _quantiles(3), title="T", ylabel="y", caption=CAPTION)
    _render(fig)


def test_colours_are_from_palette():
    fig = fan_chart(MONTHS, _quantiles(), title="T", ylabel="y", caption=CAPTION,
                    observations=[{"month": "2024-06", "value": 3e6, "label": "obs"}])
    ax = fig.axes[0]
    allowed = {c.lower() for c in PALETTE.values()}
    for line in ax.get_lines():
        if line.get_label().startswith("_"):
            continue
        assert to_hex(line.get_color()).lower() in allowed


# --------------------------------------------------------------------------- histogram


def test_metric_histogram_prior_and_posterior():
    rng = np.random.default_rng(0)
    values = rng.lognormal(np.log(3e6), 0.3, 2000)
    weights = np.exp(-0.5 * ((values - 3.5e6) / 4e5) ** 2) * 7.0  # unnormalised
    fig = metric_histogram(values, posterior_weights=weights, title="Deliveries 2024-06",
                           xlabel="shells delivered", caption=CAPTION,
                           observed={"value": 3.5e6, "low": 2.5e6, "high": 4.5e6,
                                     "label": "3.5 M (South Korean intelligence)"})
    ax = fig.axes[0]
    _assert_common(fig, ax, "Deliveries 2024-06", "shells delivered",
                   "share of samples per bin (%)")
    labels = _legend_texts(ax)
    assert len(labels) == 4
    assert any(lab.startswith("prior") for lab in labels)
    assert any(lab.startswith("calibrated") and "ESS" in lab for lab in labels)
    assert "3.5 M (South Korean intelligence)" in labels
    assert not any("dropped" in lab for lab in labels)
    # Heights are shares in percent: each histogram sums to 100 %.
    stairs = [p for p in ax.patches if isinstance(p, matplotlib.patches.StepPatch)]
    for sp in stairs:
        assert sp.get_data().values.sum() == pytest.approx(100.0)
    _render(fig)


def test_metric_histogram_drops_nan_and_inf():
    values = np.concatenate([np.linspace(1e6, 2e6, 100), [np.nan, np.inf, -np.inf]])
    fig = metric_histogram(values, title="T", xlabel="shells", caption=CAPTION)
    ax = fig.axes[0]
    labels = _legend_texts(ax)
    assert any("3 non-finite samples dropped" in lab for lab in labels)
    assert any("n = 100" in lab for lab in labels)
    _render(fig)


def test_metric_histogram_nan_weights_dropped_and_bad_weights():
    values = np.linspace(0, 1, 10)
    w = np.ones(10)
    w[0] = np.nan
    fig = metric_histogram(values, posterior_weights=w, title="T", xlabel="x (-)",
                           caption=CAPTION)
    assert any("1 non-finite sample dropped" in lab for lab in _legend_texts(fig.axes[0]))
    with pytest.raises(ValueError):
        metric_histogram(values, posterior_weights=np.ones(9), title="T", xlabel="x",
                         caption=CAPTION)
    with pytest.raises(ValueError):
        metric_histogram(values, posterior_weights=-np.ones(10), title="T", xlabel="x",
                         caption=CAPTION)
    with pytest.raises(ValueError):
        metric_histogram(values, posterior_weights=np.zeros(10), title="T", xlabel="x",
                         caption=CAPTION)


@pytest.mark.parametrize("value", [0.0, 2.0e6, -5.0])
def test_metric_histogram_degenerate(value):
    fig = metric_histogram(np.full(50, value), posterior_weights=np.ones(50), title="T",
                           xlabel="x", caption=CAPTION)
    ax = fig.axes[0]
    lo, hi = ax.get_xlim()
    assert lo < value < hi
    _render(fig)


def test_metric_histogram_all_non_finite():
    fig = metric_histogram([np.nan, np.inf], title="T", xlabel="x", caption=CAPTION)
    ax = fig.axes[0]
    assert any(t.get_text() == "no finite values" for t in ax.texts)
    _render(fig)


def test_metric_histogram_into_existing_axes():
    fig, ax = plt.subplots(layout="constrained")
    out = metric_histogram(np.arange(100.0), title="T", xlabel="x", caption=CAPTION, ax=ax,
                           bins=10)
    assert out is fig
    stairs = [p for p in ax.patches if isinstance(p, matplotlib.patches.StepPatch)]
    assert len(stairs) == 1 and len(stairs[0].get_data().values) == 10


# --------------------------------------------------------------------------- tornado


NAMES = ["NK dud rate (old stock)", "NK production rate", "Russian domestic output",
         "Front consumption per day", "Rail transfer capacity", "Barrel wear rate"]


def test_tornado_chart_sorted_and_bars():
    base = 3e6
    low = base - np.array([1e5, 8e5, 3e5, 5e5, 2e4, 6e5])
    high = base + np.array([1e5, 9e5, 2e5, 5e5, 1e4, np.nan])
    fig = tornado_chart(NAMES, low, high, base, title="Tornado", xlabel="stock (shells)",
                        caption=CAPTION, top=4)
    ax = fig.axes[0]
    _assert_common(fig, ax, "Tornado", "stock (shells)", None)
    assert "top 4 of 6" in ax.get_ylabel()
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    top_down = [t for _, t in sorted(zip(ax.get_yticks(), ticks), reverse=True)]
    # largest swing on top; the nan swing (Barrel wear rate) is not among the top 4
    assert top_down == ["NK production rate", "Front consumption per day",
                        "Russian domestic output", "NK dud rate (old stock)"]
    assert len(ax.patches) == 2 * 4  # two bars per shown input
    labels = _legend_texts(ax)
    assert "input at 5th percentile" in labels and "input at 95th percentile" in labels
    assert len(labels) == 3  # plus the baseline line
    assert any(abs(ln.get_xdata()[0] - base) < 1e-9 for ln in ax.get_lines())
    _render(fig)


def test_tornado_into_existing_axes():
    fig, ax = plt.subplots(layout="constrained")
    out = tornado_chart(["a", "b"], [1.0, 2.0], [3.0, 2.5], 2.0, title="T", xlabel="x",
                        caption=CAPTION, ax=ax)
    assert out is fig and len(ax.patches) == 4


# --------------------------------------------------------------------------- Sobol


def test_sobol_bars_sorted_clipped():
    n = len(NAMES)
    st = np.array([0.1, 0.6, 0.3, -0.02, np.nan, 0.2])
    s1 = np.array([0.05, 0.5, 0.25, -0.05, np.nan, 0.1])
    fig = sobol_bars(NAMES, s1, s1 - 0.05, s1 + 0.05, st, st - 0.1, st + 0.6,
                     title="Sobol", caption=CAPTION)
    ax = fig.axes[0]
    _assert_common(fig, ax, "Sobol", "Sobol index (share of output variance)", None)
    assert ax.get_xlim() == (0.0, 1.0)
    widths = [p.get_width() for p in ax.patches]
    assert len(widths) == 2 * n
    assert min(widths) >= 0 and max(widths) <= 1
    by_pos = [t.get_text() for _, t in sorted(zip(ax.get_yticks(), ax.get_yticklabels()),
                                              key=lambda p: -p[0])]
    assert by_pos[0] == "NK production rate"
    assert by_pos[-1] == "Rail transfer capacity"  # nan sorts last
    labels = _legend_texts(ax)
    assert labels[:2] == ["total-order ST", "first-order S1"]
    assert any("clipped" in lab for lab in labels)
    assert sum(t.get_text() == "n/a" for t in ax.texts) == 2
    _render(fig)


def test_sobol_top_and_existing_axes():
    fig, ax = plt.subplots(layout="constrained")
    v = np.linspace(0.1, 0.5, 6)
    out = sobol_bars(NAMES, v, v, v, v, v, v, title="S", caption=CAPTION, ax=ax, top=3)
    assert out is fig
    assert len(ax.patches) == 6 and len(ax.get_yticks()) == 3
    assert _legend_texts(ax) == ["total-order ST", "first-order S1"]


# --------------------------------------------------------------------------- convergence


def test_convergence_plot():
    n = np.unique(np.logspace(1, 4, 40).astype(int))
    mean = 3e6 + 1e6 / np.sqrt(n)
    fig = convergence_plot(n, mean, mean - 2e6 / np.sqrt(n), mean + 2e6 / np.sqrt(n),
                           mean * 0.6, mean * 1.5, title="Convergence", ylabel="shells",
                           caption=CAPTION)
    ax = fig.axes[0]
    _assert_common(fig, ax, "Convergence", None, "shells")
    assert ax.get_xlabel().startswith("samples")
    assert ax.get_xscale() == "log"
    assert len(_legend_texts(ax)) == 4
    _render(fig)
    xt = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert "1,000" in xt


def test_convergence_plot_drops_nonpositive_n_and_existing_axes():
    fig, ax = plt.subplots(layout="constrained")
    n = np.array([0, 10, 100, 1000])
    m = np.array([np.nan, 1.0, 1.1, 1.05])
    out = convergence_plot(n, m, m - 0.1, m + 0.1, m - 1, m + 1, title="C", ylabel="y (-)",
                           caption=CAPTION, ax=ax)
    assert out is fig
    assert all(len(ln.get_xdata()) == 3 for ln in ax.get_lines() if ln.get_label()[0] != "_")
    _render(fig)


# --------------------------------------------------------------------------- scenarios


def test_scenario_comparison_with_missing():
    names = ["baseline", "NK cut-off 2025-01", "no NK deliveries at all"]
    stats = [{"p5": 2e6, "p50": 3e6, "p95": 5e6, "mean": 3.2e6},
             {"p5": 1e6, "p50": 1.5e6, "p95": 2e6, "mean": None},
             {"p5": None, "p50": float("nan"), "p95": None, "mean": None}]
    fig = scenario_comparison(names, stats, title="Stock 2026-08", ylabel="shells",
                              caption=CAPTION)
    ax = fig.axes[0]
    _assert_common(fig, ax, "Stock 2026-08", "scenario", "shells")
    assert [t.get_text() for t in ax.get_xticklabels()] == names
    assert ax.get_xticklabels()[0].get_rotation() > 0  # long labels are rotated
    assert sum(t.get_text() == "n/a" for t in ax.texts) == 1
    labels = _legend_texts(ax)
    assert sorted(labels) == sorted(["median", "mean", "5th\u201395th percentile"])
    _render(fig)


def test_scenario_comparison_stats_none_and_length_check():
    fig = scenario_comparison(["a", "b"], [None, {"p50": 1.0}], title="T", ylabel="y",
                              caption=CAPTION)
    ax = fig.axes[0]
    assert ax.get_xticklabels()[0].get_rotation() == 0
    assert sum(t.get_text() == "n/a" for t in ax.texts) == 1
    _render(fig)
    with pytest.raises(ValueError):
        scenario_comparison(["a"], [None, None], title="T", ylabel="y", caption=CAPTION)


# --------------------------------------------------------------------------- cutoff


def test_cutoff_chart():
    sq = {0.05: np.linspace(8e6, 0, len(MONTHS)), 0.5: np.linspace(9e6, 1e6, len(MONTHS)),
          0.95: np.linspace(10e6, 2e6, len(MONTHS))}
    hq = {0.05: np.zeros(len(MONTHS)), 0.5: np.linspace(0, 3e5, len(MONTHS)),
          0.95: np.linspace(0, 6e5, len(MONTHS))}
    fig = cutoff_chart(MONTHS, sq, hq, cutoff_month="2025-01", title="Cut-off", caption=CAPTION)
    assert fig._suptitle.get_text() == "Cut-off"
    ax_stock, ax_short = fig.axes
    assert "shells" in ax_stock.get_ylabel()
    assert "shells/month" in ax_short.get_ylabel()
    assert ax_short.get_xlabel() == "month"
    assert CAPTION in _caption_texts(fig)
    assert any(t.get_text() == "North Korean deliveries stop" for t in ax_stock.texts)
    cut = matplotlib.dates.date2num(np.datetime64("2025-01-01"))
    for a in (ax_stock, ax_short):
        assert sorted(_legend_texts(a)) == ["90 % band", "median"]
        assert any(np.allclose(matplotlib.dates.date2num(ln.get_xdata()[0]), cut)
                   for ln in a.get_lines() if ln.get_label().startswith("_"))
    # the panels share the x axis
    assert ax_stock.get_shared_x_axes().joined(ax_stock, ax_short)
    _render(fig)


def test_cutoff_chart_axes_pair_and_rejects_single_axes():
    q = {0.05: np.zeros(len(MONTHS)), 0.5: np.ones(len(MONTHS)), 0.95: 2 * np.ones(len(MONTHS))}
    fig, axs = plt.subplots(2, 1, sharex=True, layout="constrained")
    out = cutoff_chart(MONTHS, q, q, cutoff_month="2025-01", title="T", caption=CAPTION, ax=axs)
    assert out is fig and all(len(a.get_lines()) >= 2 for a in axs)
    with pytest.raises(ValueError):
        cutoff_chart(MONTHS, q, q, cutoff_month="2025-01", title="T", caption=CAPTION, ax=axs[0])


# --------------------------------------------------------------------------- saving


def test_save_figure_writes_png_and_svg(tmp_path):
    fig = fan_chart(MONTHS, _quantiles(), title="T", ylabel="y", caption=CAPTION)
    paths = save_figure(fig, tmp_path / "sub" / "fan_deliveries")
    assert [p.suffix for p in paths] == [".png", ".svg"]
    for p in paths:
        assert p.exists() and p.stat().st_size > 0
        assert p.parent == tmp_path / "sub"
    assert paths[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "<svg" in paths[1].read_text()
    assert plt.get_fignums() == []  # made without pyplot: nothing global kept


def test_save_figure_keeps_dots_and_strips_known_suffix(tmp_path):
    fig = metric_histogram(np.arange(10.0), title="T", xlabel="x", caption=CAPTION)
    paths = save_figure(fig, str(tmp_path / "hist_v1.2"))
    assert [p.name for p in paths] == ["hist_v1.2.png", "hist_v1.2.svg"]
    fig = metric_histogram(np.arange(10.0), title="T", xlabel="x", caption=CAPTION)
    paths = save_figure(fig, tmp_path / "hist.png")
    assert [p.name for p in paths] == ["hist.png", "hist.svg"]


def test_save_figure_png_size(tmp_path):
    fig = fan_chart(MONTHS, _quantiles(), title="T", ylabel="y", caption=CAPTION)
    png, _ = save_figure(fig, tmp_path / "f")
    w, h = plt.imread(png).shape[1], plt.imread(png).shape[0]
    assert (w, h) == (1200, 675)  # 8 x 4.5 in at 150 dpi


def test_fonts_at_least_10pt():
    fig = fan_chart(MONTHS, _quantiles(), title="T", ylabel="y", caption=CAPTION,
                    observations=[{"month": "2024-06", "value": 3e6, "label": "obs"}])
    _render(fig)
    ax = fig.axes[0]
    texts = [ax.title, ax.xaxis.label, ax.yaxis.label, *ax.get_xticklabels(),
             *ax.get_yticklabels(), *ax.get_legend().get_texts(), *fig.texts]
    assert all(t.get_fontsize() >= 10 for t in texts if t.get_text())


# ------------------------------------------------------------------ speed-ups keep the look


@pytest.mark.parametrize(("step", "bymonth"), [(1, None), (3, (1, 4, 7, 10))])
def test_month_locator_matches_matplotlib(step, bymonth):
    lo, hi = matplotlib.dates.date2num(np.array(["2023-08-17", "2027-08-16"],
                                                dtype="datetime64[D]"))
    ours = MonthLocator(step).tick_values(lo, hi)
    ref = (matplotlib.dates.MonthLocator(bymonth=bymonth) if bymonth
           else matplotlib.dates.MonthLocator()).tick_values(
        *matplotlib.dates.num2date([lo, hi]))
    ref = ref[(ref >= lo) & (ref <= hi)]
    np.testing.assert_allclose(ours, ref)


def test_month_formatter_and_month_marks():
    fig = fan_chart(MONTHS, _quantiles(), title="T", ylabel="y", caption=CAPTION)
    _render(fig)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels[:5] == ["Oct", "2024", "Apr", "Jul", "Oct"]
    # monthly marks between the quarterly labels, not in the legend
    marks = [ln for ln in ax.get_lines() if ln.get_label() == "_month ticks"]
    assert len(marks) == 1
    n_months = len(MONTHS)
    assert n_months - n_months // 3 - 2 <= len(marks[0].get_xdata()) <= n_months
    assert "_month ticks" not in _legend_texts(ax)


def _inside(fig: Figure, artist) -> bool:
    renderer = fig.canvas.get_renderer()
    bb, fb = artist.get_window_extent(renderer), fig.bbox
    return fb.x0 - 0.5 <= bb.x0 and bb.x1 <= fb.x1 + 0.5 and fb.y0 - 0.5 <= bb.y0 \
        and bb.y1 <= fb.y1 + 0.5


LONG_TITLE = ("Value Russia transferred to North Korea (cumulative), in US dollars at 2024 "
              "prices, counting all channels")


def test_long_titles_wrap_inside_the_figure():
    fig = fan_chart(MONTHS, _quantiles(), title=LONG_TITLE, ylabel="y", caption=CAPTION)
    _render(fig)
    ax = fig.axes[0]
    assert "\n" in ax.get_title() and ax.get_title().replace("\n", " ") == LONG_TITLE
    assert _inside(fig, ax.title) and _inside(fig, fig.texts[0])
    # the tornado's title is centred on an axes pushed right by long input names
    fig = tornado_chart([n * 2 for n in NAMES], np.arange(6.0), np.arange(6.0) + 3, 2.0,
                        title="What moves it: payments as a share of North Korean GDP",
                        xlabel="x", caption=CAPTION)
    _render(fig)
    assert _inside(fig, fig.axes[0].title)
    fig = cutoff_chart(MONTHS, {0.05: np.zeros(len(MONTHS)), 0.5: np.ones(len(MONTHS)),
                                0.95: 2 * np.ones(len(MONTHS))},
                       {0.5: np.ones(len(MONTHS))}, cutoff_month="2025-01", title=LONG_TITLE,
                       caption=CAPTION)
    _render(fig)
    assert fig._suptitle.get_text().replace("\n", " ") == LONG_TITLE
    assert _inside(fig, fig._suptitle)


def test_long_y_label_wraps_at_underscores():
    n = np.array([10, 100, 1000])
    m = np.array([1.0, 1.1, 1.05])
    label = "months_to_shortage_after_cutoff_within_the_simulated_window (months)"
    fig = convergence_plot(n, m, m - 0.1, m + 0.1, m - 1, m + 1, title="C", ylabel=label,
                           caption=CAPTION)
    _render(fig)
    ax = fig.axes[0]
    assert "\n" in ax.get_ylabel() and ax.get_ylabel().replace("\n", "") == label
    assert _inside(fig, ax.yaxis.label)


def test_save_figure_draws_what_savefig_draws(tmp_path):
    png, _ = save_figure(fan_chart(MONTHS, _quantiles(), title="T", ylabel="y",
                                   caption=CAPTION), tmp_path / "fast")
    fig = fan_chart(MONTHS, _quantiles(), title="T", ylabel="y", caption=CAPTION)
    fig.savefig(tmp_path / "plain.png", dpi=150, facecolor="white")
    fast, plain = plt.imread(png), plt.imread(tmp_path / "plain.png")
    assert fast.shape == plain.shape
    assert np.mean(np.any(np.abs(fast - plain) > 0.1, axis=-1)) < 1e-3


def test_save_figure_lays_out_again_after_a_change(tmp_path):
    fig = metric_histogram(np.arange(100.0), title="T", xlabel="x", caption=CAPTION)
    ax = fig.axes[0]
    engine = fig.get_layout_engine()
    left = ax.get_position().x0  # laid out by the plot to place the legend
    ax.set_ylabel("a label\nover\nthree lines")
    assert fig.stale
    save_figure(fig, tmp_path / "h")
    assert fig.get_layout_engine() is engine  # restored
    assert ax.get_position().x0 > left  # room made for the wider label


# ------------------------------------------------------------- the charts' canvas and layout


def _text_pixels(canvas_cls, angle: float) -> np.ndarray:
    from model.presentation.charts.render import ChartCanvas  # noqa: F401 - canvas_cls may be it

    fig = Figure(figsize=(2, 1), dpi=100)
    canvas_cls(fig)
    fig.text(0.5, 0.5, "Shells 2024 (M)", ha="left", va="baseline", rotation=angle, fontsize=10)
    fig.canvas.draw()
    return 255 - np.asarray(fig.canvas.buffer_rgba())[..., 0].astype(float)  # ink


@pytest.mark.parametrize("angle", [0, 30, 90])
def test_cached_text_draws_what_agg_draws(angle):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from model.presentation.charts.render import ChartCanvas

    ours, stock = _text_pixels(ChartCanvas, angle), _text_pixels(FigureCanvasAgg, angle)
    again = _text_pixels(ChartCanvas, angle)  # from the cache this time
    np.testing.assert_array_equal(ours, again)
    if angle == 0:  # at a whole-pixel position: the very same pixels
        np.testing.assert_array_equal(ours, stock)
    # otherwise the string may sit up to half a pixel off: same ink, same place
    assert ours.sum() == pytest.approx(stock.sum(), rel=0.03)
    rows, cols = np.indices(ours.shape)
    for idx in (rows, cols):
        assert (idx * ours).sum() / ours.sum() == pytest.approx((idx * stock).sum() / stock.sum(), abs=0.6)


def test_mathtext_still_drawn():
    fig = fan_chart(MONTHS, _quantiles(), title="T", ylabel=r"$\sigma$ (shells)", caption=CAPTION)
    _render(fig)


def test_charts_are_not_pyplot_figures():
    before = plt.get_fignums()
    fan_chart(MONTHS, _quantiles(), title="T", ylabel="y", caption=CAPTION)
    cutoff_chart(MONTHS, _quantiles(), _quantiles(), cutoff_month="2025-01", title="T", caption=CAPTION)
    assert plt.get_fignums() == before


def test_grid_layout_matches_constrained_layout():
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    ours = fan_chart(MONTHS, _quantiles(), title="T", ylabel="shells", caption=CAPTION)
    ref = Figure(figsize=ours.get_size_inches(), dpi=ours.dpi, layout="constrained")
    FigureCanvasAgg(ref)
    fan_chart(MONTHS, _quantiles(), title="T", ylabel="shells", caption=CAPTION, ax=ref.add_subplot())
    ref.get_layout_engine().execute(ref)
    size = np.tile(ours.bbox.size, 2)
    np.testing.assert_allclose(np.array(ours.axes[0].get_position().extents) * size,
                               np.array(ref.axes[0].get_position().extents) * size, atol=1.0)


def test_grid_layout_keeps_decorations_inside_and_above_the_caption():
    figs = [tornado_chart(NAMES, np.arange(6.0), np.arange(6.0) + 3, 2.0, title=LONG_TITLE, xlabel="x",
                          caption=CAPTION),
            cutoff_chart(MONTHS, _quantiles(), _quantiles(), cutoff_month="2025-01", title=LONG_TITLE,
                         caption=CAPTION)]
    for fig in figs:
        _render(fig)
        renderer = fig.canvas.get_renderer()
        caption_top = max(t.get_window_extent(renderer).y1 for t in fig.texts if t.get_gid() == CAPTION_GID)
        for ax in fig.axes:
            tight = ax.get_tightbbox(renderer)
            assert tight.x0 >= -0.5 and tight.x1 <= fig.bbox.width + 0.5 and tight.y1 <= fig.bbox.height + 0.5
            assert tight.y0 >= caption_top - 0.5


def test_convergence_log_axis_marks_instead_of_minor_ticks():
    n = np.unique(np.logspace(2, 4, 12).astype(int))
    m = np.full(n.size, 1.0)
    fig = convergence_plot(n, m, m, m, m, m, title="C", ylabel="y", caption=CAPTION)
    ax = fig.axes[0]
    assert len(ax.xaxis.get_minorticklocs()) == 0
    (marks,) = [ln for ln in ax.get_lines() if ln.get_label() == "_log ticks"]
    expected = [k * 10.0**e for e in (2, 3) for k in range(2, 10)]
    np.testing.assert_allclose(marks.get_xdata(), [v for v in expected if n.min() <= v <= n.max()])
    assert "_log ticks" not in _legend_texts(ax)


def test_svg_keeps_text_as_text_and_is_reproducible(tmp_path):
    _, svg1 = save_figure(fan_chart(MONTHS, _quantiles(), title="Deliveries", ylabel="y", caption=CAPTION),
                          tmp_path / "a")
    _, svg2 = save_figure(fan_chart(MONTHS, _quantiles(), title="Deliveries", ylabel="y", caption=CAPTION),
                          tmp_path / "b")
    text = svg1.read_text()
    assert "<text" in text and "Deliveries" in text
    assert svg1.read_bytes() == svg2.read_bytes()
