"""The value of information in words: which next report would narrow each headline answer most."""

from __future__ import annotations

from collections.abc import Iterator

from ..summary.types import RunSummary
from . import texts
from .numbers import format_count, format_value
from .words import month_words

__all__ = ["value_lines", "SHOWN"]

SHOWN = 5  # candidates listed per answer


def value_lines(summary: RunSummary, *, source: str) -> Iterator[str]:
    """The ranking as printed by ``python run.py value``: per headline answer, the candidate reports that
    would narrow it most, with the expected narrowing of its 90 % interval (or of its spread, where the
    interval cannot narrow)."""
    yield (f"{summary.scenario}: which next report would narrow the answers most "
           f"({format_count(summary.calibration.effective_sample_size)} effective calibrated futures, window "
           f"{month_words(summary.window[0])} to {month_words(summary.window[1])}; {source})")
    if not summary.value_of_information:
        yield "  (the scenario is not calibrated, or no candidate report varies across its futures)"
    for v in summary.value_of_information:
        by_spread = v.ranked_by == "standard_deviation"
        yield ""
        yield f"{texts.label(v.metric)}:"
        if not v.candidates:
            continue
        first = v.candidates[0]
        if by_spread:
            yield ("  its 90 % interval spans as far as it can whatever is reported; ranked by how much each report "
                   f"would narrow its spread (standard deviation {format_value(first.sd_before, v.unit)})")
        else:
            yield f"  90 % interval now {format_value(first.width_before, v.unit)} wide; expected after the report:"
        for k, c in enumerate(v.candidates[:SHOWN], 1):
            share = 100 * (c.sd_narrowing if by_spread else c.narrowing)
            after = format_value(c.sd_after if by_spread else c.width_after, v.unit)
            what = texts.trajectory_text(c.quantity, "description") or c.quantity
            when = f"in {c.date}" if c.summed else f"at {c.date}"
            yield f"  {k}. {what} {when} ({c.reliability} reliability): {share:.0f} % narrower ({after})"
