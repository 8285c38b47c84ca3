"""Self-contained HTML reports: one file an analyst can send, open offline and print.

Two pure string builders:

- :func:`render_report` - one scenario (``results/<name>/report.html``);
- :func:`render_index` - a batch overview (``results/index.html``).

They never run the model and never look for results: the caller passes the
summary (the ``summary.json`` content), the sensitivity rows, the article figures
used and the figure files to embed. The only files read are those figure files,
which are embedded as ``data:`` URIs so the page needs no server, no network and
no other file. All text is escaped; scenario descriptions come from users.

Wording rules: model numbers are medians with 90 % intervals, formatted for
people ("11.7 million", "28 bn USD", "41 %"); every article figure is a claim and
is shown as "reported by <claimant>", never as a fact.
"""

from __future__ import annotations

import base64
import html
import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..core.catalogue import INDEX_METRICS, KEY_METRICS, METRICS, TRAJECTORIES, header, label

__all__ = [
    "format_interval",
    "format_value",
    "render_index",
    "render_report",
]

_BEYOND = "not within the window"
_MODEL = "Open scenario-simulation model of Russia's artillery-supply dependency on North Korea."
_CONDITIONAL = (
    "These are model results that hold only if the article figures, claims by the named "
    "claimants, are roughly right."
)
_SENSITIVITY_LEGEND = (
    "ST: total-order Sobol' index, the share of the metric's variance in which the input plays "
    "a part (bootstrap interval in brackets); S1: the share it explains alone. Swing: change in "
    "the metric when the input moves from its 5th to its 95th percentile, all others at their "
    "medians (pp = percentage points). Rank correlation: sign and strength of the monotone "
    "relation."
)
_FITS_LEGEND = (
    '"Fits": the reported range overlaps the calibrated model\'s 90 % interval. '
    '"In tension": a model calibrated on the other reported figures alone puts this one '
    "outside its 5-95 % range."
)
_INDEX_INTRO = (
    "One row per scenario. Each number cell gives the calibrated median and, below it, the "
    "90 % interval. " + _CONDITIONAL + " Open a scenario's report for its calibration, drivers "
    "and sources."
)
_ESS_WARNING = 100

_CSS = """
:root {
  --accent: #0072B2;   /* Okabe-Ito blue */
  --warn: #D55E00;     /* Okabe-Ito vermillion */
  --ok: #009E73;       /* Okabe-Ito bluish green */
  --muted: #555;
  --rule: #b8b8b8;
  --head: #eef3f8;
}
html { color: #1a1a1a; background: #fff; line-height: 1.5;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
body { max-width: 60em; margin: 0 auto; padding: 1.5em 1.25em 3em; }
body.wide { max-width: 80em; }
h1 { font-size: 2em; line-height: 1.2; margin: .3em 0 .2em; }
h2 { font-size: 1.4em; margin: 2.2em 0 .6em; padding-bottom: .15em;
  border-bottom: 2px solid var(--accent); }
h3 { font-size: 1.12em; margin: 1.6em 0 .4em; }
p, ul, ol { margin: .5em 0 .9em; }
.kicker { color: var(--muted); font-size: .95em; margin: 0; text-transform: uppercase;
  letter-spacing: .05em; }
.question { font-size: 1.15em; margin: .8em 0 1.2em; padding: .2em 0 .2em .9em;
  border-left: 4px solid var(--accent); }
.muted, .note { color: var(--muted); }
.small { font-size: .9em; }
ul.key { list-style: none; padding: 0; margin: 1em 0 1.5em; }
ul.key li { margin: 0 0 .8em; padding: .55em .9em; background: #f6f8fa;
  border-left: 4px solid var(--accent); }
ul.key .label { font-weight: 600; }
ul.key .value { font-size: 1.2em; font-weight: 700; }
ul.key .prior, ul.key .never { display: block; color: var(--muted); font-size: .9em; }
table { border-collapse: collapse; width: 100%; margin: .6em 0 1.3em; font-size: .9em; }
th, td { border: 1px solid var(--rule); padding: .35em .5em; text-align: left;
  vertical-align: top; }
thead th { background: var(--head); }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
table.sensitivity td.n { white-space: nowrap; }
table.metrics { table-layout: fixed; }
table.metrics th:first-child { width: 44%; }
table.metrics.three th:first-child { width: 38%; }
.interval { display: block; color: var(--muted); font-size: .88em; font-weight: normal; }
.num { white-space: nowrap; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .92em; }
td code { overflow-wrap: anywhere; }
.yes { color: #00684b; font-weight: 600; }
.no { color: #a63f00; font-weight: 700; }
.claim { display: block; color: var(--muted); font-size: .92em; }
.warning { margin: 1em 0; padding: .7em 1em; border: 2px solid var(--warn);
  border-left-width: 8px; background: #fdf1e8; }
.warning strong:first-child { color: #a63f00; }
figure { margin: 1.6em 0; break-inside: avoid; }
figure img { display: block; max-width: 100%; height: auto; border: 1px solid #ddd; }
figcaption { color: var(--muted); font-size: .92em; margin-top: .35em; }
.missing { padding: 1.2em; border: 2px dashed var(--rule); background: #fafafa;
  color: var(--muted); }
q:lang(de) { quotes: "\\201E" "\\201C"; font-style: italic; }
.gloss { display: block; margin-top: .35em; color: var(--muted); font-size: .95em; }
table.figures th:nth-child(1) { width: 15%; }
table.figures th:nth-child(2) { width: 10%; }
table.figures th:nth-child(3) { width: 20%; }
table.figures th:nth-child(5) { width: 16%; }
table.observations th:nth-child(1) { width: 22%; }
table.index td:first-child { white-space: nowrap; font-weight: 600; }
.status-ok { color: #00684b; font-weight: 600; }
.status-failed { color: #a63f00; font-weight: 700; }
footer { margin-top: 3em; padding-top: .8em; border-top: 1px solid var(--rule);
  color: var(--muted); font-size: .88em; }
footer dl { display: grid; grid-template-columns: max-content 1fr; gap: .15em 1em; margin: .5em 0; }
footer dt { font-weight: 600; }
footer dd { margin: 0; overflow-wrap: anywhere; }
a { color: var(--accent); }
@media print {
  body, body.wide { max-width: none; padding: 0; font-size: 10pt; }
  h2, h3 { break-after: avoid; }
  tr, li, .warning { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
  ul.key li { background: none; }
}
"""


# ---------------------------------------------------------------------------------------------
# Numbers for people
# ---------------------------------------------------------------------------------------------


def _as_float(x: Any) -> float | None:
    """A finite float, or None for None / "" / nan / inf / anything unreadable."""
    if x is None or isinstance(x, bool):
        return None
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def _thousands(x: float) -> str:
    return f"{round(x):,}"


def _sig3(x: float) -> str:
    """Three significant figures with thousands separators (785,564 -> 786,000)."""
    if x == 0:
        return "0"
    digits = 2 - math.floor(math.log10(abs(x)))
    r = round(x, digits)
    return f"{round(r):,}" if digits <= 0 else f"{r:,.{digits}f}"


def _percent(p: float) -> str:
    a = abs(p)
    if a == 0:
        return "0"
    if a >= 9.95:
        return f"{p:.0f}"
    if a >= 0.995:
        return f"{p:.1f}"
    return f"{p:.2g}"


def _scaled(x: float, scale: float) -> str:
    v = x / scale
    return f"{v:.0f}" if abs(v) >= 99.95 else f"{v:.1f}"


def _parts(x: float, unit: str) -> tuple[str, str]:
    """``(number, suffix)`` of one value in ``unit``; the suffix starts with a space or is empty."""
    base, _, per = unit.partition("/")
    per_text = f" a {per}" if per in {"month", "year", "day"} else (f"/{per}" if per else "")
    if unit == "fraction":
        return _percent(x * 100), " %"
    if base == "usd":
        a = abs(x)
        if a >= 1e9:
            v = x / 1e9
            return (f"{v:.0f}" if abs(v) >= 9.95 else f"{v:.1f}"), " bn USD" + per_text
        if a >= 1e6:
            return _scaled(x, 1e6), " million USD" + per_text
        return _thousands(x), " USD" + per_text
    if base == "shells":
        a = abs(x)
        if a >= 1e9:
            return _scaled(x, 1e9), " billion" + per_text
        if a >= 1e6:
            return _scaled(x, 1e6), " million" + per_text
        return (_thousands(x) if a < 1000 else _sig3(x)), per_text
    if base == "months":
        return _thousands(x), " month" if round(x) == 1 else " months"
    if base in {"soldiers", "soldier-months"}:
        return _thousands(x), per_text
    # Anything else: readable number plus the unit as written.
    text = _thousands(x) if x == round(x) and abs(x) >= 1 else _sig3(x)
    return text, f" {unit.replace('_', ' ')}" if unit else ""


def format_value(x: Any, unit: str) -> str:
    """One model number for people: ``(0.41, "fraction")`` -> ``"41 %"``.

    None (a quantile beyond the simulated window) reads "not within the window".

    Shells read "11.7 million", US dollars "28 bn USD", months and soldiers are whole
    numbers with thousands separators.
    """
    v = _as_float(x)
    if v is None:
        return _BEYOND
    number, suffix = _parts(v, unit)
    return number + suffix


def _range_text(lo: float, hi: float, unit: str) -> str:
    (a, sa), (b, sb) = _parts(lo, unit), _parts(hi, unit)
    if sa == sb or a == "0":
        return f"{a}–{b}{sb}"
    return f"{a}{sa} – {b}{sb}"


def format_interval(p5: Any, p95: Any, unit: str) -> str:
    """The 90 % interval in words: ``"90 % interval 33–50 %"``.

    A null bound lies beyond the simulated window and is said so.
    """
    lo, hi = _as_float(p5), _as_float(p95)
    if lo is None and hi is None:
        return f"90 % interval {_BEYOND}"
    if hi is None:
        return f"90 % interval from {format_value(lo, unit)}; the upper end is {_BEYOND}"
    if lo is None:
        return f"90 % interval up to {format_value(hi, unit)}"
    return f"90 % interval {_range_text(lo, hi, unit)}"


def _median_interval(stats: Mapping[str, Any] | None, unit: str) -> str:
    """``"41 % (90 % interval 33–50 %)"``, or 'not within the window' where the median is null."""
    if not stats:
        return "not available"
    median = _as_float(stats.get("p50"))
    if median is None:
        return _BEYOND + (
            f" ({format_interval(stats.get('p5'), None, unit)})"
            if _as_float(stats.get("p5")) is not None
            else ""
        )
    return (
        f"{format_value(median, unit)} ({format_interval(stats.get('p5'), stats.get('p95'), unit)})"
    )


def _bare_interval(p5: Any, p95: Any, unit: str) -> str:
    """The 90 % interval without words: ``"33–50 %"``; a null bound is beyond the window."""
    lo, hi = _as_float(p5), _as_float(p95)
    if lo is None and hi is None:
        return _BEYOND
    if hi is None:
        return f"{format_value(lo, unit)} – {_BEYOND}"
    if lo is None:
        return f"up to {format_value(hi, unit)}"
    return _range_text(lo, hi, unit)


def _interval_html(text: str, prefix: str = "") -> str:
    """An interval as escaped HTML that breaks only between its two ends.

    ``"796,000 – 3.0 million"`` may wrap after the dash but never inside
    ``3.0 million``; a long phrase ("not within the window") wraps normally.
    ``prefix`` (e.g. ``"range "``) stays on the line of the first end.
    """
    parts = text.split(" – ")
    out = []
    for i, part in enumerate(parts):
        piece = (prefix if i == 0 else "") + part + (" –" if i < len(parts) - 1 else "")
        out.append(f'<span class="num">{_e(piece)}</span>' if len(part) <= 18 else _e(piece))
    return " ".join(out)


def _median_range_cell(
    stats: Mapping[str, Any] | None, unit: str, metric: str = "", strong: bool = False
) -> tuple[str, str]:
    """One table cell (escaped HTML): the median, the bare 90 % interval below it and, for
    metrics that may not happen within the window, how often they do not."""
    if not stats:
        return "–", "n"
    value = _e(format_value(stats.get("p50"), unit))
    if strong:
        value = f"<strong>{value}</strong>"
    cell = (
        f'<span class="num">{value}</span>'
        f'<span class="interval">'
        f"{_interval_html(_bare_interval(stats.get('p5'), stats.get('p95'), unit))}</span>"
    )
    share_never = _as_float(stats.get("share_never"))
    if share_never is not None:
        cell += f'<span class="interval">{_e(_never_words(metric, share_never))}</span>'
    return cell, "n"


def _breakable_id(name: Any) -> str:
    """An identifier as escaped HTML that may wrap after its underscores."""
    return _e(name).replace("_", "_<wbr>")


def _never_words(metric: str, share_never: float) -> str:
    """``"no shortage within the window in 23 % of samples"``."""
    words = (METRICS[metric].never if metric in METRICS else "") or "not reached within the window"
    return f"{words} in {_percent(share_never * 100)} % of samples"


def _signed(x: float | None, unit: str) -> str:
    """A signed change in ``unit``: fractions in percentage points."""
    if x is None:
        return "–"
    sign = "+" if x > 0 else ("−" if x < 0 else "")
    if unit == "fraction":
        return f"{sign}{_percent(abs(x) * 100)} pp"
    return sign + format_value(abs(x), unit)


def _index(x: Any, lo: Any = None, hi: Any = None) -> str:
    """A sensitivity index with its bootstrap interval: ``0.56 (0.50–0.62)``."""
    v = _as_float(x)
    if v is None:
        return "–"
    lo_v, hi_v = _as_float(lo), _as_float(hi)
    if lo_v is None or hi_v is None:
        return f"{v:.2f}"
    return f'{v:.2f} <span class="muted">({lo_v:.2f}–{hi_v:.2f})</span>'


# ---------------------------------------------------------------------------------------------
# HTML helpers
# ---------------------------------------------------------------------------------------------


def _e(x: Any) -> str:
    """Escape any value as HTML text (None -> empty)."""
    return "" if x is None else html.escape(str(x), quote=True)


def _label(metric: str) -> str:
    return label(metric)


def _unit_of(metric: str, stats: Mapping[str, Any] | None = None) -> str:
    if stats and stats.get("unit"):
        return str(stats["unit"])
    if metric in METRICS:
        return METRICS[metric].unit
    return ""


def _page(title: str, body: str, *, wide: bool = False) -> str:
    cls = ' class="wide"' if wide else ""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>{_CSS}</style>\n</head>\n"
        f"<body{cls}>\n{body}\n</body>\n</html>\n"
    )


def _table(
    headers: Sequence[tuple[str, str]], rows: Iterable[Sequence[tuple[str, str]]], cls: str = ""
) -> str:
    """A table from already-escaped cells; each header/cell is ``(html, css class)``."""

    def cell(tag: str, content: str, c: str) -> str:
        return f'<{tag} class="{c}">{content}</{tag}>' if c else f"<{tag}>{content}</{tag}>"

    head = "".join(cell("th", h, c) for h, c in headers)
    body = "\n".join("<tr>" + "".join(cell("td", v, c) for v, c in row) + "</tr>" for row in rows)
    attr = f' class="{cls}"' if cls else ""
    return f"<table{attr}>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>"


_MIME = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".svg": "image/svg+xml",
    ".gif": "image/gif",
    ".webp": "image/webp",
}


def _figure(caption: str, path: str | Path) -> str:
    """One embedded image with its caption, or a visible note when the file cannot be read."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError:
        data = b""
    if not data:
        return (
            f'<figure class="missing-figure">\n<p class="missing">Figure missing: '
            f"<code>{_e(p.name)}</code> could not be read.</p>\n"
            f"<figcaption>{_e(caption)}</figcaption>\n</figure>"
        )
    mime = _MIME.get(p.suffix.lower(), "image/png")
    b64 = base64.b64encode(data).decode("ascii")
    return (
        f'<figure>\n<img src="data:{mime};base64,{b64}" alt="{_e(caption)}">\n'
        f"<figcaption>{_e(caption)}</figcaption>\n</figure>"
    )


def _figures_block(figures: Sequence[tuple[str, str | Path]]) -> str:
    return "\n".join(_figure(caption, path) for caption, path in figures)


# ---------------------------------------------------------------------------------------------
# Report sections
# ---------------------------------------------------------------------------------------------


def _key_numbers(summary: Mapping[str, Any]) -> str:
    metrics: Mapping[str, Any] = summary.get("metrics") or {}
    prior: Mapping[str, Any] = summary.get("prior_metrics") or {}
    calibrated = bool(summary.get("calibrated"))
    window = summary.get("window") or {}
    ess = _as_float(summary.get("effective_sample_size"))
    samples = summary.get("samples")

    start, end = _e(window.get("start", "?")), _e(window.get("end", "?"))
    lead = [f"Medians with 90 % intervals over the window {start} to {end}"]
    if calibrated:
        lead.append(", calibrated to the reported figures in the calibration section")
        if ess is not None:
            lead.append(f" (effective sample size {_thousands(ess)}")
            lead.append(f" of {_thousands(samples)} samples)" if _as_float(samples) else ")")
    elif _as_float(samples):
        lead.append(f" ({_thousands(samples)} samples, not calibrated)")
    lead.append(". " + _CONDITIONAL)

    items = []
    for m in KEY_METRICS:
        if m not in metrics:
            continue
        stats = metrics[m]
        unit = _unit_of(m, stats)
        extra = ""
        share_never = _as_float(stats.get("share_never"))
        if share_never is not None:
            extra += f'<span class="never">{_e(_never_words(m, share_never))}</span>'
        if calibrated and m in prior:
            extra += (
                f'<span class="prior">Before calibration: '
                f"{_e(_median_interval(prior[m], _unit_of(m, prior[m])))}</span>"
            )
        median = _as_float(stats.get("p50"))
        value = format_value(median, unit) if median is not None else _BEYOND
        interval = format_interval(stats.get("p5"), stats.get("p95"), unit)
        items.append(
            f'<li><span class="label">{_e(_label(m))}:</span> '
            f'<span class="value num">{_e(value)}</span> ({_e(interval)}){extra}</li>'
        )
    if not items:
        items.append('<li class="note">No metrics in this summary.</li>')

    # One cell per model (median, 90 % interval below it): two or three columns that fit the
    # page, instead of a median and an interval column each.
    rows = []
    for m, stats in metrics.items():
        unit = _unit_of(m, stats)
        row = [(_e(_label(m)), ""), _median_range_cell(stats, unit, m, strong=True)]
        if calibrated:
            prior_stats = prior.get(m)
            row.append(_median_range_cell(prior_stats, _unit_of(m, prior_stats) or unit, m))
        rows.append(row)
    sub = '<span class="interval">median, 90 % interval below</span>'
    headers = [("Metric", ""), (f"Model{sub}", "n")]
    if calibrated:
        headers = [("Metric", ""), (f"Calibrated{sub}", "n"), (f"Before calibration{sub}", "n")]
    table = _table(headers, rows, cls="metrics" + (" three" if calibrated else "")) if rows else ""
    return (
        '<section id="key-numbers">\n<h2>Key numbers</h2>\n'
        f'<p>{"".join(lead)}</p>\n<ul class="key">\n'
        + "\n".join(items)
        + "\n</ul>\n"
        + (f"<h3>All metrics</h3>\n{table}\n" if table else "")
        + "</section>"
    )


def _yes_no(flag: Any, good: bool) -> tuple[str, str]:
    """``(html, class)`` for a yes/no cell; ``good`` is the reassuring answer."""
    if flag is None:
        return "–", ""
    word = "yes" if flag else "no"
    return word, ("yes" if bool(flag) == good else "no")


def _obs_cell(obs: Mapping[str, Any], prefix: str, unit: str) -> str:
    """Model median at an observation with its 5-95 % range below (``prefix`` "prior_" or "")."""
    p50 = _as_float(obs.get(f"{prefix}p50"))
    if p50 is None:
        return "–"
    lo, hi = _as_float(obs.get(f"{prefix}p5")), _as_float(obs.get(f"{prefix}p95"))
    rng = ""
    if lo is not None and hi is not None:
        rng = f'<br><span class="muted small">{_interval_html(_range_text(lo, hi, unit))}</span>'
    return f'<span class="num">{_e(format_value(p50, unit))}</span>{rng}'


def _calibration(summary: Mapping[str, Any], claimants: Mapping[str, str]) -> str:
    parts = ['<section id="calibration">\n<h2>Calibration</h2>']
    calibrated = bool(summary.get("calibrated"))
    ess = _as_float(summary.get("effective_sample_size"))
    samples = _as_float(summary.get("samples"))
    observations = summary.get("observations") or []

    if calibrated:
        text = "The samples were weighted by how well they reproduce the reported figures below."
        if ess is not None:
            share = f" ({_percent(100 * ess / samples)} %)" if samples else ""
            text += (
                f" Effective sample size: <strong>{_e(_thousands(ess))}</strong>"
                + (f" of {_e(_thousands(samples))} samples{share}" if samples else "")
                + "."
            )
        parts.append(f"<p>{text}</p>")
    else:
        parts.append(
            "<p>This scenario is not calibrated: the numbers above follow from the input "
            "ranges alone"
            + (", compared here with the reported figures." if observations else ".")
            + "</p>"
        )
    if calibrated and ess is not None and ess < _ESS_WARNING:
        parts.append(
            '<div class="warning" role="note"><strong>Warning:</strong> only '
            f"{_e(_thousands(ess))} effective samples remain after calibration "
            f"(fewer than {_ESS_WARNING}). "
            "The calibrated numbers rest on a handful of samples and may change with another seed; "
            "run more samples or check whether the reported figures contradict each other.</div>"
        )

    if observations:
        rows = []
        for o in observations:
            output = str(o.get("output", ""))
            unit = TRAJECTORIES[output].unit if output in TRAJECTORIES else ""
            err_lo, err_hi = (list(o.get("error_range_90") or []) + [None, None])[:2]
            reported = f'<span class="num">{_e(format_value(o.get("reported"), unit))}</span>'
            if _as_float(err_lo) is not None and _as_float(err_hi) is not None:
                err_text = _range_text(float(err_lo), float(err_hi), unit)
                err_html = _interval_html(err_text, "range ")
                reported += f'<br><span class="muted small">{err_html}</span>'
            fid = str(o.get("id", ""))
            claim = claimants.get(fid)
            figure_cell = f"<code>{_breakable_id(fid)}</code>" + (
                f'<span class="claim">reported by {_e(claim)}</span>' if claim else ""
            )
            what = TRAJECTORIES[output].description if output in TRAJECTORIES else output.replace("_", " ")
            where = f'{_e(what)}<br><span class="muted small">{_e(o.get("month", ""))}</span>'

            fits = _yes_no(o.get("fits"), good=True)
            tension = _yes_no(o.get("in_tension_with_others"), good=False)
            rows.append(
                [
                    (figure_cell, ""),
                    (where, ""),
                    (reported, ""),
                    (_obs_cell(o, "prior_", unit), ""),
                    (_obs_cell(o, "", unit), ""),
                    fits,
                    tension,
                ]
            )
        parts.append(
            _table(
                [
                    ("Reported figure", ""),
                    ("Model output, month", ""),
                    ("Reported (90 % error range)", ""),
                    ("Model before calibration: median (5–95 %)", ""),
                    ("Model after calibration", ""),
                    ("Fits", ""),
                    ("In tension with others", ""),
                ],
                rows,
                cls="observations",
            )
        )
        parts.append(f'<p class="muted small">{_e(_FITS_LEGEND)}</p>')
    else:
        parts.append("<p>No reported figures are used as observations in this scenario.</p>")

    findings = summary.get("calibration_findings") or []
    if findings:
        parts.append(
            "<h3>Findings</h3>\n<ul>\n"
            + "\n".join(f"<li>{_e(f)}</li>" for f in findings)
            + "\n</ul>"
        )
    pairs = summary.get("conflicting_pairs") or []
    if pairs:
        items = []
        for pair in pairs:
            ratio = _as_float(pair.get("ratio")) if isinstance(pair, Mapping) else None
            if isinstance(pair, Mapping):
                text = f"<code>{_e(pair.get('a'))}</code> and <code>{_e(pair.get('b'))}</code>"
            else:
                text = " and ".join(f"<code>{_e(x)}</code>" for x in pair)
            items.append(
                f"<li>{text}" + (f" (ratio {ratio:.2g})" if ratio is not None else "") + "</li>"
            )
        parts.append(
            "<h3>Reported figures that pull against each other</h3>\n<ul>\n"
            + "\n".join(items)
            + "\n</ul>"
        )
    parts.append("</section>")
    return "\n".join(parts)


def _sort_key(row: Mapping[str, Any]) -> tuple[int, float]:
    st = _as_float(row.get("ST"))
    if st is not None:
        return (0, -st)
    swing = _as_float(row.get("swing"))
    if swing is not None:
        return (1, -abs(swing))
    return (2, 0.0)


def _sensitivity(
    summary: Mapping[str, Any], sensitivity: Sequence[Mapping[str, Any]], top: int = 5
) -> str:
    drivers: Mapping[str, str] = summary.get("drivers") or {}
    metrics: Mapping[str, Any] = summary.get("metrics") or {}
    by_metric: dict[str, list[Mapping[str, Any]]] = {}
    for row in sensitivity:
        by_metric.setdefault(str(row.get("metric", "")), []).append(row)
    order = list(drivers) + [m for m in by_metric if m not in drivers]
    parts = ['<section id="sensitivity">\n<h2>What drives the results</h2>']
    if not order:
        parts.append("<p>No sensitivity analysis in this run.</p>\n</section>")
        return "\n".join(parts)
    parts.append(f'<p class="muted small">{_e(_SENSITIVITY_LEGEND)}</p>')
    for m in order:
        rows = by_metric.get(m, [])
        unit = _unit_of(m, metrics.get(m))
        parts.append(f"<h3>{_e(_label(m))}</h3>")
        if m in drivers:
            parts.append(f"<p>{_e(drivers[m])}</p>")
        if not rows:
            continue
        ranked = sorted(rows, key=_sort_key)
        shown = ranked[:top]
        body = []
        for r in shown:
            rc = _as_float(r.get("rank_correlation"))
            body.append(
                [
                    (f"<code>{_e(r.get('parameter'))}</code>", ""),
                    (_index(r.get("ST"), r.get("ST_low"), r.get("ST_high")), "n"),
                    (_index(r.get("S1"), r.get("S1_low"), r.get("S1_high")), "n"),
                    (
                        f'<span class="num">{_e(_signed(_as_float(r.get("swing")), unit))}</span>',
                        "n",
                    ),
                    (f"{rc:+.2f}".replace("-", "−") if rc is not None else "–", "n"),
                ]
            )
        parts.append(
            _table(
                [("Input", ""), ("ST", "n"), ("S1", "n"), ("Swing", "n"), ("Rank corr.", "n")],
                body,
                cls="sensitivity",
            )
        )
        if len(ranked) > top:
            parts.append(
                f'<p class="muted small">{len(ranked) - top} further inputs not shown.</p>'
            )
    parts.append("</section>")
    return "\n".join(parts)


def _unit_words(unit: str) -> str:
    return unit.replace("_", " ").replace("bn usd", "bn USD").replace("usd", "USD")


def _figures_used(figures_used: Sequence[Mapping[str, Any]]) -> str:
    parts = ['<section id="article-figures">\n<h2>Article figures used</h2>']
    if not figures_used:
        parts.append("<p>This scenario uses no article figures.</p>\n</section>")
        return "\n".join(parts)
    parts.append(
        "<p>Every figure below is a claim reported by the named claimant in the cited article, "
        "not an established fact. The German quote is verbatim from the source; the English gloss "
        "and the reliability grade are ours.</p>"
    )
    rows = []
    for f in figures_used:
        role = f.get("role")
        fig_cell = f"<code>{_breakable_id(f.get('id'))}</code>" + (
            f'<br><span class="muted small">{_breakable_id(role)}</span>' if role else ""
        )
        value = _e(f.get("value"))
        unit = f.get("unit")
        value_cell = f'<span class="num">{value}</span>' + (
            f" {_e(_unit_words(str(unit)))}" if unit else ""
        )
        claim_cell = (
            f"reported by {_e(f.get('claimant'))}" if f.get("claimant") else "claimant not recorded"
        )
        claim_cell += (
            f'<span class="claim">as of <span class="num">{_e(f.get("as_of"))}</span></span>'
            f'<span class="claim">source file <code>{_e(f.get("source"))}</code></span>'
        )
        quote_cell = f'<q lang="de">{_e(f.get("quote"))}</q>'
        if f.get("note"):
            quote_cell += f'<span class="gloss" lang="en">{_e(f.get("note"))}</span>'
        rel = str(f.get("reliability") or "")
        grade, sep, reason = rel.partition(":")
        rel_cell = f"<strong>{_e(grade.strip())}</strong>" + (
            f'<span class="claim small">{_e(reason.strip())}</span>'
            if sep and reason.strip()
            else ""
        )
        rows.append(
            [(fig_cell, ""), (value_cell, ""), (claim_cell, ""), (quote_cell, ""), (rel_cell, "")]
        )
    parts.append(
        _table(
            [
                ("Figure", ""),
                ("Value", ""),
                ("Claimant, date, source", ""),
                ("Quote (German, verbatim) and English gloss", ""),
                ("Reliability", ""),
            ],
            rows,
            cls="figures",
        )
    )
    parts.append("</section>")
    return "\n".join(parts)


def _footer(summary: Mapping[str, Any], manifest: Mapping[str, Any] | None) -> str:
    window = summary.get("window") or {}
    samples = summary.get("samples")
    items: list[tuple[str, str]] = [
        ("Seed", _e(summary.get("seed"))),
        ("Samples", _e(_thousands(samples) if _as_float(samples) is not None else samples)),
        ("Sampling", _e(summary.get("sampling"))),
        ("Window", f"{_e(window.get('start'))} to {_e(window.get('end'))}" if window else ""),
    ]
    if manifest:
        packages = manifest.get("packages") or manifest.get("package_versions")
        if isinstance(packages, Mapping):
            packages_text = ", ".join(f"{_e(k)} {_e(v)}" for k, v in packages.items())
        else:
            packages_text = _e(packages)
        items += [
            ("Scenario file", _e(manifest.get("scenario_file"))),
            (
                "Scenario hash",
                f"<code>{_e(manifest.get('scenario_hash'))}</code>"
                if manifest.get("scenario_hash")
                else "",
            ),
            (
                "Code version",
                f"<code>{_e(manifest.get('code_version'))}</code>"
                if manifest.get("code_version")
                else "",
            ),
            ("Package versions", packages_text),
            ("Started", _e(manifest.get("started"))),
            ("Finished", _e(manifest.get("finished"))),
        ]
    dl = "\n".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in items if v)
    note = (
        f"{_MODEL} All article figures are claims by their claimants; model numbers depend on them."
    )
    return f"<footer>\n<dl>\n{dl}\n</dl>\n<p>{_e(note)}</p>\n</footer>"


def render_report(
    summary: Mapping[str, Any],
    *,
    figures: Sequence[tuple[str, str | Path]],
    figures_used: Sequence[Mapping[str, Any]],
    sensitivity: Sequence[Mapping[str, Any]],
    manifest: Mapping[str, Any] | None = None,
) -> str:
    """One scenario's report as a single self-contained HTML document.

    Parameters
    ----------
    summary : mapping
        The scenario's ``summary.json`` content (see :mod:`model.summary`).
    figures : sequence of (caption, path)
        Image files (PNG) to embed, in order; an unreadable file shows a "figure missing" note.
    figures_used : sequence of mappings
        Article figures used by the scenario: ``id, value, unit, claimant, as_of, source, quote,
        note, reliability, role``.
    sensitivity : sequence of mappings
        Rows ``metric, parameter, S1, S1_low, S1_high, ST, ST_low, ST_high, swing,
        rank_correlation`` (values may be None).
    manifest : mapping, optional
        The run's manifest: ``scenario_hash``, ``code_version``, ``packages``, ``started``,
        ``finished`` (shown in the footer).

    Returns
    -------
    str
        The HTML document (UTF-8 text, no external resources).
    """
    name = str(summary.get("scenario", "scenario"))
    claimants = {
        str(f.get("id")): str(f.get("claimant")) for f in figures_used if f.get("claimant")
    }
    body = [
        "<header>",
        '<p class="kicker">Scenario report</p>',
        f"<h1>{_e(name)}</h1>",
        f'<p class="question">{_e(summary.get("description") or "")}</p>'
        if summary.get("description")
        else "",
        "</header>",
        "<main>",
        _key_numbers(summary),
        _calibration(summary, claimants),
    ]
    if figures:
        body.append(
            '<section id="figures">\n<h2>Figures</h2>\n' + _figures_block(figures) + "\n</section>"
        )
    body += [
        _sensitivity(summary, sensitivity),
        _figures_used(figures_used),
        "</main>",
        _footer(summary, manifest),
    ]
    return _page(f"{name} – scenario report", "\n".join(b for b in body if b))


# ---------------------------------------------------------------------------------------------
# Index
# ---------------------------------------------------------------------------------------------


def render_index(
    entries: Sequence[Mapping[str, Any]],
    *,
    figures: Sequence[tuple[str, str | Path]] = (),
    generated: str | None = None,
) -> str:
    """The batch overview: one row per scenario, linking to ``<name>/report.html``.

    Parameters
    ----------
    entries : sequence of mappings
        ``{name, status, message, summary}``; ``summary`` is the scenario's ``summary.json``
        content or None (a failed scenario without an earlier result).
    figures : sequence of (caption, path)
        Comparison figures to embed.
    generated : str, optional
        Timestamp shown in the footer.
    """
    present = [
        m
        for m in INDEX_METRICS
        if any(m in ((e.get("summary") or {}).get("metrics") or {}) for e in entries)
    ]
    headers = [("Scenario", ""), ("Question", ""), ("Status", "")] + [
        (_e(header(m)), "") for m in present
    ]
    rows = []
    for e in entries:
        name = str(e.get("name", ""))
        summary = e.get("summary") or None
        if summary is not None:
            name_cell = f'<a href="{_e(quote(name))}/report.html">{_e(name)}</a>'
        else:
            name_cell = _e(name)
        question = (summary or {}).get("description") or e.get("description") or "–"
        status = str(e.get("status") or "")
        message = str(e.get("message") or "")
        if status == "ok":
            status_cell = '<span class="status-ok">ok</span>'
        elif status == "failed":
            status_cell = f'<span class="status-failed">failed:</span> {_e(message)}'
        else:
            status_cell = _e(status) + (f": {_e(message)}" if message else "")
        row = [(name_cell, ""), (_e(question), "small"), (status_cell, "small")]
        metrics = (summary or {}).get("metrics") or {}
        for m in present:
            stats = metrics.get(m)
            if not stats:
                row.append(("–", ""))
                continue
            unit = _unit_of(m, stats)
            median = _as_float(stats.get("p50"))
            value = format_value(median, unit) if median is not None else _BEYOND
            interval = _bare_interval(stats.get("p5"), stats.get("p95"), unit)
            cell = (
                f'<span class="num"><strong>{_e(value)}</strong></span>'
                f'<br><span class="muted small">{_interval_html(interval)}</span>'
            )
            share_never = _as_float(stats.get("share_never"))
            if share_never is not None:
                cell += f'<br><span class="muted small">{_e(_never_words(m, share_never))}</span>'
            row.append((cell, ""))
        rows.append(row)
    body = [
        "<header>",
        '<p class="kicker">Batch overview</p>',
        "<h1>Scenario results</h1>",
        f"<p>{_e(_INDEX_INTRO)}</p>",
        "</header>",
        "<main>",
        _table(headers, rows, cls="index") if rows else "<p>No scenarios.</p>",
    ]
    if figures:
        body.append(
            '<section id="comparison">\n<h2>Comparison</h2>\n'
            + _figures_block(figures)
            + "\n</section>"
        )
    body.append("</main>")
    footer = f"Generated {_e(generated)}. " if generated else ""
    body.append(f"<footer>\n<p>{footer}{len(entries)} scenario(s). {_e(_MODEL)}</p>\n</footer>")
    return _page("Scenario results – index", "\n".join(body), wide=True)
