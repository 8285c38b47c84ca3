"""The value of information in words: which next report would narrow each headline answer most."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ..core.catalogue import METRICS
from .numbers import format_count, format_value

__all__ = ["value_lines", "SHOWN"]

SHOWN = 5  # candidates listed per answer


def value_lines(summary: Mapping[str, Any], *, source: str) -> Iterator[str]:
    """The ranking as printed by ``python run.py value``: per headline answer, the candidate reports that
    would narrow it most, with the expected narrowing of its 90 % interval (or of its spread, where the
    interval cannot narrow)."""
    window = summary.get("window", {})
    yield (f"{summary['scenario']}: which next report would narrow the answers most "
           f"({format_count(summary.get('effective_sample_size') or 0)} effective calibrated futures, window "
           f"{window.get('start')} to {window.get('end')}; {source})")
    entries = summary.get("value_of_information") or []
    if not entries:
        yield "  (the scenario is not calibrated, or no candidate report varies across its futures)"
    for entry in entries:
        metric = entry["metric"]
        unit = entry.get("unit", "")
        cands = entry["candidates"]
        by_spread = entry.get("ranked_by") == "standard_deviation"
        yield ""
        yield f"{METRICS[metric].label if metric in METRICS else metric}:"
        if not cands:
            continue
        if by_spread:
            yield ("  its 90 % interval spans as far as it can whatever is reported; ranked by how much each report "
                   f"would narrow its spread (standard deviation {format_value(cands[0]['sd_before'], unit)})")
        else:
            yield f"  90 % interval now {format_value(cands[0]['width_before'], unit)} wide; expected after the report:"
        for k, c in enumerate(cands[:SHOWN], 1):
            share = c["sd_narrowing_percent"] if by_spread else c["narrowing_percent"]
            after = format_value(c["sd_after"] if by_spread else c["width_after"], unit)
            yield f"  {k}. {c['candidate']} ({c['reliability']} reliability): {share:.0f} % narrower ({after})"
