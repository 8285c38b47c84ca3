"""What the explorer shows for one result, in one language: slider words, sources, the fan's spec.

Plain functions (no Streamlit), so that the app (``model.teaching.app``), its tests and the
benchmark build exactly the same texts and chart. Every text comes from the catalogue
(``model.presentation.texts``), every number from ``model.presentation.numbers``.
"""

from __future__ import annotations

import html
from typing import Any

from ..presentation import numbers
from ..presentation.texts import has, text
from .explorer import COMPARED_WITH, FAN_TRAJECTORY, Explorer, ExplorerResult, Slider
from .lessons import format_input

__all__ = ["shown_number", "month_words", "slider_source", "number_source", "fan_svg"]


# ---------------------------------------------------------------------------------------------- words
def shown_number(value: float, step: float, lang: str) -> str:
    """A slider position in the language's digits: ``11,0`` / ``11.0``, ``250`` ."""
    decimals = 0 if step >= 1 else 1
    s = numbers.style(lang)
    raw = f"{value:,.{decimals}f}"
    return raw.replace(",", "\0").replace(".", s.decimal).replace("\0", s.group)


def month_words(month: str, lang: str, *, long: bool = False) -> str:
    """``"2025-10"`` -> ``"Oct 2025"`` (an axis, a slider) or ``"October 2025"`` (a sentence)."""
    year, mon = month.split("-")
    return f"{text(f'month_long.{int(mon)}' if long else f'month.{int(mon)}', lang)} {year}"


def slider_source(ex: Explorer, s: Slider, lang: str) -> str:
    """Where a slider's assumption comes from: the claimant of its figure, or why it is assumed."""
    if s.figure_id and s.figure_id in ex.registry:
        fig = ex.registry.get(s.figure_id)
        key = f"figure.{s.figure_id}.claimant"
        claimant = text(key, lang) if has(key) else fig.claimant
        value = format_input(fig.value, fig.unit, lang) if fig.value is not None else fig.display_value
        reported_key = f"unit.reported.{fig.unit.replace('/', '_')}"
        if has(reported_key) and fig.value is not None:
            value = text(reported_key, lang, value=numbers.format_value(fig.value, fig.unit.split("/")[0], lang))
        return text("explorer.source_figure", lang, claimant=claimant, value=value,
                    as_of=month_words(fig.as_of, lang, long=True) if len(fig.as_of) == 7 else fig.as_of)
    origin = s.origin
    why = origin.split(":", 1)[1].strip() if origin.startswith("assumption:") else origin
    if lang != "en":
        key = f"explorer.why.{s.name}"
        why = text(key, lang) if has(key) else why
    return text("explorer.source_assumption", lang, why=why)


def number_source(ex: Explorer, name: str, result: ExplorerResult, lang: str) -> str:
    """What a key number can be held against, with the claimant; or what it is, if no article gives it."""
    fid = COMPARED_WITH.get(name)
    if fid and fid in ex.registry:
        fig = ex.registry.get(fid)
        key = f"figure.{fid}.claimant_short"
        claimant = text(key, lang) if has(key) else fig.claimant.split(",")[0]
        unit = fig.unit
        shown = numbers.format_value(fig.value, unit, lang)
        reported_key = f"unit.reported.{unit.replace('/', '_')}"
        if has(reported_key):
            shown = text(reported_key, lang, value=shown)
        return text("explorer.compare", lang, value=shown, claimant=claimant,
                    as_of=month_words(fig.as_of, lang, long=True) if len(fig.as_of) == 7 else fig.as_of)
    if name == "months_to_shortage_after_cutoff":
        never = result.stats[name].get("share_never") or 0.0
        return text("explorer.source_months_to_shortage_after_cutoff", lang, never=numbers.format_percent(never, lang))
    key = f"explorer.source_{name}"
    return text(key, lang) if has(key) else ""


# ---------------------------------------------------------------------------------------------- chart
def fan_svg(ex: Explorer, result: ExplorerResult, lang: str) -> str:
    """The fan of North Korea's share of fire as one SVG element: median, 50 % and 90 % bands, the
    reported figure with its error range, the cut-off month. Drawn here (a few hundred characters of
    markup, under a millisecond) rather than by a chart library in the browser, which took about
    100 ms a move there (measured)."""
    months = result.months
    n = len(months)
    width, height, left, right, top, bottom = 900, 360, 64, 16, 34, 52
    pw, ph = width - left - right, height - top - bottom

    def x(t: float) -> float:
        return left + (t / max(n - 1, 1)) * pw

    def y(v: float) -> float:
        return top + (1.0 - min(max(float(v), 0.0), 1.0)) * ph

    def band(lo: Any, hi: Any) -> str:
        pts = [(x(t), y(lo[t])) for t in range(n)] + [(x(t), y(hi[t])) for t in reversed(range(n))]
        return " ".join(f"{a:.1f},{b:.1f}" for a, b in pts)

    q = result.bands
    esc = html.escape
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
           f'aria-label="{esc(text("trajectory.nk_share_of_fired.chart_title", lang))}" '
           'style="font-family: sans-serif; max-width: 980px">',
           f'<text x="{left}" y="20" font-size="16" font-weight="600" fill="#222">'
           f'{esc(text("trajectory.nk_share_of_fired.chart_title", lang))}</text>']
    for k in range(0, 6):  # grid and y labels: 0 %, 20 %, ..., 100 %
        v = k / 5
        out.append(f'<line x1="{left}" x2="{width - right}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#e3e3e3"/>')
        out.append(f'<text x="{left - 8}" y="{y(v) + 4:.1f}" font-size="12" text-anchor="end" fill="#555">'
                   f'{esc(numbers.format_percent(v, lang) if v else "0" + numbers.style(lang).percent)}</text>')
    for t, m in enumerate(months):  # x labels every six months
        if (int(m[5:]) - 1) % 6 == 0:
            out.append(f'<line x1="{x(t):.1f}" x2="{x(t):.1f}" y1="{top + ph}" y2="{top + ph + 5}" stroke="#555"/>')
            out.append(f'<text x="{x(t):.1f}" y="{top + ph + 19}" font-size="12" text-anchor="middle" fill="#555">'
                       f'{esc(month_words(m, lang))}</text>')
    out.append(f'<text x="{left + pw / 2:.1f}" y="{height - 8}" font-size="12" text-anchor="middle" fill="#555">'
               f'{esc(text("chart.month", lang))}</text>')
    out.append(f'<text transform="translate(14 {top + ph / 2:.1f}) rotate(-90)" font-size="12" text-anchor="middle" '
               f'fill="#555">{esc(text("trajectory.nk_share_of_fired.axis_label", lang))}</text>')
    out.append(f'<polygon points="{band(q[0.05], q[0.95])}" fill="#0072B2" fill-opacity="0.18"/>')
    out.append(f'<polygon points="{band(q[0.25], q[0.75])}" fill="#0072B2" fill-opacity="0.35"/>')
    median = " ".join(f"{x(t):.1f},{y(q[0.5][t]):.1f}" for t in range(n))
    out.append(f'<polyline points="{median}" fill="none" stroke="#0072B2" stroke-width="3"/>')
    if result.cutoff is not None and result.cutoff in months:
        cx = x(months.index(result.cutoff) - 0.5)
        out.append(f'<line x1="{cx:.1f}" x2="{cx:.1f}" y1="{top}" y2="{top + ph}" stroke="#555" stroke-width="2" '
                   'stroke-dasharray="6 4"/>')
        out.append(f'<text x="{cx + 6:.1f}" y="{top + 14}" font-size="12" fill="#555">{esc(text("chart.cutoff", lang))}'
                   "</text>")
    obs = ex.observation(FAN_TRAJECTORY)
    if obs is not None and obs.month in months and obs.reported is not None:  # a claim in words has no point
        ox, oy = x(months.index(obs.month)), y(obs.reported)
        out.append(f'<line x1="{ox:.1f}" x2="{ox:.1f}" y1="{y(obs.low):.1f}" y2="{y(obs.high):.1f}" stroke="#D55E00" '
                   'stroke-width="2.5"/>')
        out.append(f'<rect x="{ox - 7:.1f}" y="{oy - 7:.1f}" width="14" height="14" fill="#D55E00" stroke="black" '
                   f'transform="rotate(45 {ox:.1f} {oy:.1f})"/>')
    out.append(f'<line x1="{left}" x2="{left}" y1="{top}" y2="{top + ph}" stroke="#555"/>')
    out.append(f'<line x1="{left}" x2="{width - right}" y1="{top + ph}" y2="{top + ph}" stroke="#555"/>')
    out.append("</svg>")
    return "".join(out)
