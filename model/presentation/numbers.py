"""The one formatter for every number a person reads: ``41 %``, ``11.7 million``, ``28 bn USD``.

Pages, tables and sentences take their numbers from here and nowhere else, so the shapes
stay the same everywhere and a second language is one entry in :data:`STYLES`: every
function takes ``lang`` and reads its separators and words from that language's
:class:`NumberStyle` (decimal mark, thousands separator, "million", "bn USD", "a month",
"90 % interval ..."). English (``"en"``) and German (``"de"``: decimal comma, ``16.384``,
``11,7 Mio.``, ``41 %``, ``28 Mrd. USD``) are defined; the words of everything else a person
reads are in :mod:`model.presentation.texts`.

Model numbers are medians with 90 % intervals; a quantile that lies beyond the simulated
window is ``None`` and reads "not within the window".
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from ..summary.codec import num

__all__ = [
    "NumberStyle",
    "STYLES",
    "as_float",
    "format_bare_interval",
    "format_correlation",
    "format_count",
    "format_index",
    "format_index_range",
    "format_input",
    "format_interval",
    "format_log_evidence",
    "format_median_interval",
    "format_percent",
    "format_range",
    "format_ratio",
    "format_signed",
    "format_stats",
    "format_value",
    "interval_ends",
    "style",
    "unit_words",
]


@dataclass(frozen=True)
class NumberStyle:
    """Separators and words of one language's numbers."""

    decimal: str = "."
    group: str = ","
    minus: str = "−"  # a signed change (swing, rank correlation); plain values keep "-"
    percent: str = " %"
    points: str = " pp"  # percentage points
    dash: str = "–"  # between the two ends of a range that share one unit: "33–50 %"
    spaced_dash: str = " – "  # between two ends with their own units: "985,000 – 4.6 million"
    million: str = " million"
    billion: str = " billion"
    usd: str = " USD"
    million_usd: str = " million USD"
    bn_usd: str = " bn USD"
    month_one: str = " month"
    month_many: str = " months"
    per: dict[str, str] = field(default_factory=lambda: {"month": " a month", "year": " a year", "day": " a day"})
    beyond: str = "not within the window"
    interval: str = "90 % interval {range}"
    interval_from: str = "90 % interval {low} to beyond the window"
    interval_up_to: str = "90 % interval up to {high}"
    up_to: str = "up to {high}"
    median_interval: str = "{median} ({interval})"
    unit_names: dict[str, str] = field(default_factory=lambda: {"usd": "USD", "bn usd": "bn USD"})
    other_units: dict[str, str] = field(default_factory=dict)  # words of the units formatted as written ("hours")
    input_units: dict[str, str] = field(default_factory=dict)  # what an input counts, where not English ("shells")


STYLES: dict[str, NumberStyle] = {
    "en": NumberStyle(),
    "de": NumberStyle(
        decimal=",", group=".", points=" Pp.", million=" Mio.", billion=" Mrd.", usd=" USD",
        million_usd=" Mio. USD", bn_usd=" Mrd. USD", month_one=" Monat", month_many=" Monate",
        per={"month": " pro Monat", "year": " pro Jahr", "day": " pro Tag"},
        beyond="nicht im Zeitfenster",
        interval="90-%-Intervall {range}",
        interval_from="90-%-Intervall {low} bis über das Zeitfenster hinaus",
        interval_up_to="90-%-Intervall bis {high}",
        up_to="bis {high}",
        unit_names={"usd": "USD", "bn usd": "Mrd. USD"},
        other_units={"hours": "Std.", "days": "Tage", "ratio": "Verhältnis"},
        input_units={"shells": "Granaten", "soldiers": "Soldaten", "months": "Monate", "month": "Monat",
                     "days": "Tage", "day": "Tag"},
    ),
}


def style(lang: str = "en") -> NumberStyle:
    """The number style of ``lang``; a clear error for a language not defined yet."""
    try:
        return STYLES[lang]
    except KeyError:
        raise ValueError(f"no number style for language {lang!r}; defined: {', '.join(STYLES)}") from None


# ---------------------------------------------------------------------------------------------
# Digits: the only places that write a number's digits
# ---------------------------------------------------------------------------------------------


def _localise(text: str, s: NumberStyle) -> str:
    """Python's "1,234.5" in the style's separators."""
    if s.decimal == "." and s.group == ",":
        return text
    return text.replace(",", "\0").replace(".", s.decimal).replace("\0", s.group)


def _fixed(x: float, decimals: int, s: NumberStyle, grouped: bool = True) -> str:
    return _localise(f"{x:,.{decimals}f}" if grouped else f"{x:.{decimals}f}", s)


def _general(x: float, digits: int, s: NumberStyle) -> str:
    return _localise(f"{x:.{digits}g}", s)


def as_float(x: Any) -> float | None:
    """A finite float at summary.json's six significant digits, or None for None / "" / nan / inf / anything
    unreadable. Rounding first as the file does keeps a page made from the run and one made from its
    summary.json the same (18,117.49 would show as 18,117, and the file's 18,117.5 as 18,118)."""
    if x is None or isinstance(x, bool):
        return None
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return num(v)  # summary.json's one rounding rule (None for nan and inf)


def _thousands(x: float, s: NumberStyle) -> str:
    return _fixed(round(x), 0, s)


def _sig3(x: float, s: NumberStyle) -> str:
    """Three significant figures with thousands separators (785,564 -> 786,000)."""
    if x == 0:
        return "0"
    digits = 2 - math.floor(math.log10(abs(x)))
    r = round(x, digits)
    return _fixed(round(r), 0, s) if digits <= 0 else _fixed(r, digits, s)


def _percent_number(p: float, s: NumberStyle) -> str:
    """A percentage without its sign: 41.3 -> "41", 3.04 -> "3.0", 0.5 -> "0.5"."""
    a = abs(p)
    if a == 0:
        return "0"
    if a >= 9.95:
        return _fixed(p, 0, s, grouped=False)
    if a >= 0.995:
        return _fixed(p, 1, s, grouped=False)
    return _general(p, 2, s)


def _scaled(x: float, scale: float, s: NumberStyle) -> str:
    v = x / scale
    return _fixed(v, 0 if abs(v) >= 99.95 else 1, s, grouped=False)


# ---------------------------------------------------------------------------------------------
# Values with their units
# ---------------------------------------------------------------------------------------------


def _parts(x: float, unit: str, s: NumberStyle) -> tuple[str, str]:
    """``(number, suffix)`` of one value in ``unit``; the suffix starts with a space or is empty."""
    base, _, per = unit.partition("/")
    per_text = s.per.get(per, f"/{per}" if per else "")
    if unit == "fraction":
        return _percent_number(x * 100, s), s.percent
    a = abs(x)
    if base == "usd":
        if a >= 1e9:
            v = x / 1e9
            return _fixed(v, 0 if abs(v) >= 9.95 else 1, s, grouped=False), s.bn_usd + per_text
        if a >= 1e6:
            return _scaled(x, 1e6, s), s.million_usd + per_text
        return _thousands(x, s), s.usd + per_text
    if base == "shells":
        if a >= 1e9:
            return _scaled(x, 1e9, s), s.billion + per_text
        if a >= 1e6:
            return _scaled(x, 1e6, s), s.million + per_text
        return (_thousands(x, s) if a < 1000 else _sig3(x, s)), per_text
    if base == "months":
        return _thousands(x, s), s.month_one if round(x) == 1 else s.month_many
    if base in {"soldiers", "soldier-months"}:
        return _thousands(x, s), per_text
    # Anything else: readable number plus the unit as written.
    text = _thousands(x, s) if x == round(x) and a >= 1 else _sig3(x, s)
    return text, f" {s.other_units.get(unit, unit.replace('_', ' '))}" if unit else ""


def format_value(x: Any, unit: str, lang: str = "en") -> str:
    """One model number for people: ``(0.41, "fraction")`` -> ``"41 %"``.

    None (a quantile beyond the simulated window) reads "not within the window".
    Shells read "11.7 million", US dollars "28 bn USD", months and soldiers are whole
    numbers with thousands separators.
    """
    s = style(lang)
    v = as_float(x)
    if v is None:
        return s.beyond
    number, suffix = _parts(v, unit, s)
    return number + suffix


def format_plain(x: float, lang: str = "en") -> str:
    """A number as Python's ``{:g}`` writes it (``10.5``, ``2``), in the language's decimal sign."""
    return _general(float(x), 6, style(lang))


def format_count(x: Any, lang: str = "en") -> str:
    """A whole count with thousands separators: ``16384`` -> ``"16,384"``; "" when unreadable."""
    v = as_float(x)
    return "" if v is None else _thousands(v, style(lang))


def format_percent(share: Any, lang: str = "en") -> str:
    """A share (0-1) as a percentage: ``0.0298`` -> ``"3.0 %"``; "" when unreadable."""
    s = style(lang)
    v = as_float(share)
    return "" if v is None else _percent_number(v * 100, s) + s.percent


def format_range(low: float, high: float, unit: str, lang: str = "en") -> str:
    """Two ends in one unit: ``"33–50 %"``; ``"985,000 – 4.6 million"`` when their units differ."""
    s = style(lang)
    (a, sa), (b, sb) = _parts(low, unit, s), _parts(high, unit, s)
    if sa == sb or a == "0":
        return f"{a}{s.dash}{b}{sb}"
    return f"{a}{sa}{s.spaced_dash}{b}{sb}"


def format_interval(p5: Any, p95: Any, unit: str, lang: str = "en") -> str:
    """The 90 % interval in words: ``"90 % interval 33–50 %"``.

    A null bound lies beyond the simulated window and is said so.
    """
    s = style(lang)
    lo, hi = as_float(p5), as_float(p95)
    if lo is None and hi is None:
        return s.interval.format(range=s.beyond)
    if hi is None:
        return s.interval_from.format(low=format_value(lo, unit, lang), beyond=s.beyond)
    if lo is None:
        return s.interval_up_to.format(high=format_value(hi, unit, lang))
    return s.interval.format(range=format_range(lo, hi, unit, lang))


def format_bare_interval(p5: Any, p95: Any, unit: str, lang: str = "en") -> str:
    """The 90 % interval without words: ``"33–50 %"``; a null bound is beyond the window."""
    s = style(lang)
    lo, hi = as_float(p5), as_float(p95)
    if lo is None and hi is None:
        return s.beyond
    if hi is None:
        return f"{format_value(lo, unit, lang)}{s.spaced_dash}{s.beyond}"
    if lo is None:
        return s.up_to.format(high=format_value(hi, unit, lang))
    return format_range(lo, hi, unit, lang)


def format_median_interval(p50: Any, p5: Any, p95: Any, unit: str, lang: str = "en") -> str:
    """``"41 % (90 % interval 33–50 %)"``; a null median is 'not within the window'."""
    s = style(lang)
    if as_float(p50) is None:
        if as_float(p5) is None:
            return s.beyond
        return s.median_interval.format(median=s.beyond, interval=format_interval(p5, None, unit, lang))
    return s.median_interval.format(
        median=format_value(p50, unit, lang), interval=format_interval(p5, p95, unit, lang)
    )


def interval_ends(text: str, lang: str = "en") -> list[tuple[str, str]]:
    """The ends of a range and what follows each, split where a line may break:
    ``"985,000 – 4.6 million"`` -> ``[("985,000", " –"), ("4.6 million", "")]``."""
    dash = style(lang).spaced_dash
    parts = text.split(dash)
    return [(p, dash.rstrip() if i < len(parts) - 1 else "") for i, p in enumerate(parts)]


# ---------------------------------------------------------------------------------------------
# Changes, indices, ratios
# ---------------------------------------------------------------------------------------------


def format_signed(x: Any, unit: str, lang: str = "en") -> str:
    """A signed change in ``unit``: ``+12 pp`` for fractions (percentage points), else ``−5,000``."""
    s = style(lang)
    v = as_float(x)
    if v is None:
        return "–"
    sign = "+" if v > 0 else (s.minus if v < 0 else "")
    if unit == "fraction":
        return f"{sign}{_percent_number(abs(v) * 100, s)}{s.points}"
    return sign + format_value(abs(v), unit, lang)


def format_index(x: Any, lang: str = "en") -> str:
    """A sensitivity index (0-1) to two decimals: ``"0.56"``; "–" when missing."""
    v = as_float(x)
    return "–" if v is None else _fixed(v, 2, style(lang), grouped=False)


def format_index_range(low: Any, high: Any, lang: str = "en") -> str:
    """A bootstrap interval of an index: ``"(0.50–0.62)"``; "" unless both ends are known."""
    lo, hi = as_float(low), as_float(high)
    if lo is None or hi is None:
        return ""
    s = style(lang)
    return f"({_fixed(lo, 2, s, grouped=False)}{s.dash}{_fixed(hi, 2, s, grouped=False)})"


def format_correlation(x: Any, lang: str = "en") -> str:
    """A rank correlation with its sign: ``"+0.80"``, ``"−0.40"``; "–" when missing."""
    v = as_float(x)
    if v is None:
        return "–"
    s = style(lang)
    return _localise(f"{v:+.2f}", s).replace("-", s.minus)


def format_ratio(x: Any, lang: str = "en") -> str:
    """A likelihood ratio to two significant figures: ``"0.031"``; "" when missing."""
    v = as_float(x)
    return "" if v is None else _general(v, 2, style(lang))


def unit_words(unit: str, lang: str = "en") -> str:
    """A unit as written next to a reported figure: ``"usd"`` -> ``"USD"``, ``"bn_usd"`` -> ``"bn USD"``."""
    words = unit.replace("_", " ")
    for raw, shown in sorted(style(lang).unit_names.items(), key=lambda kv: -len(kv[0])):
        words = words.replace(raw, shown)
    return words


def format_input(x: Any, unit: str, lang: str = "en") -> str:
    """A model input's value in words, with what it counts: ``(310000, "shells/month")`` ->
    ``"310,000 shells a month"``, ``(0.12, "fraction/year")`` -> ``"12 % a year"``, ``(1.15,
    "ratio")`` -> ``"1.15"``, ``(1.49, "months")`` -> ``"1.49 months"``; US dollars as
    :func:`format_value`. "" when unreadable."""
    s = style(lang)
    v = as_float(x)
    if v is None:
        return ""
    base, _, per = unit.partition("/")
    per_text = s.per.get(per, f"/{per}" if per else "")
    if base == "fraction":
        return _percent_number(v * 100, s) + s.percent + per_text
    if base in {"shells", "soldiers"}:
        number, suffix = _parts(v, base, s)  # "4.6" + " million" for shells, whole soldiers
        return f"{number}{suffix} {s.input_units.get(base, base)}{per_text}"
    if base == "ratio":
        return _general(v, 3, s)
    if base in {"months", "days"}:
        number = _thousands(v, s) if v == round(v) or abs(v) >= 100 else _sig3(v, s)
        word = base if number != "1" else base[:-1]
        return f"{number} {s.input_units.get(word, word)}"
    return format_value(v, unit, lang)


def format_stats(stats: Any, lang: str = "en", *, interval: bool = True) -> str:
    """A metric's calibrated answer in one cell: ``"41 % (90 % interval 33–50 %)"``, with the share of
    futures where it does not happen within the window when some do not; "–" without statistics.
    ``stats`` is a :class:`model.summary.types.Stats`; ``interval=False``: the median alone."""
    if stats is None:
        return "–"
    if not interval:
        return format_value(stats.p50, stats.unit, lang)
    text = format_median_interval(stats.p50, stats.p5, stats.p95, stats.unit, lang)
    never = as_float(stats.share_never)
    if never:
        from . import texts

        text += texts.text("page.never_share", lang, share=format_percent(never, lang))
    return text


def format_log_evidence(x: Any, lang: str = "en") -> str:
    """A log evidence or log Bayes factor, two decimals with a true minus sign: ``"−12.41"``; "–" unknown."""
    v = as_float(x)
    if v is None:
        return "–"
    return _fixed(v, 2, style(lang), grouped=False).replace("-", style(lang).minus)
