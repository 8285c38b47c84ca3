"""Self-contained HTML reports: one file an analyst can send, open offline and print.

- :func:`render_report` - one scenario (``results/<name>/report.html``);
- :func:`render_index` - a batch overview (``results/index.html``).

They never run the model and never look for results: the caller passes the summary (the
``summary.json`` content), the sensitivity rows, the article figures used and the figure
files to embed. The only files read are those figure files, embedded as ``data:`` URIs so
the page needs no server, no network and no other file, and (for the index) whether each
scenario's ``report.html`` exists, so that no link points at a missing page.

How: the untyped inputs become frozen view objects (:mod:`.views`, built by
:mod:`.build_report` and :mod:`.build_index`), with every number already in words from
:mod:`model.presentation.numbers`; the Jinja2 templates in ``templates/`` read only their
attributes, autoescaped (scenario descriptions and quotes come from users), and inline
``report.css``.

Wording rules: model numbers are medians with 90 % intervals, formatted for people
("11.7 million", "28 bn USD", "41 %"); every article figure is a claim and is shown as
"reported by <claimant>", never as a fact.
"""

from __future__ import annotations

from ..numbers import format_interval, format_value
from .build_index import index_page
from .build_report import report_page
from .render import render_index, render_index_page, render_report, render_report_page

__all__ = [
    "format_interval",
    "format_value",
    "index_page",
    "render_index",
    "render_index_page",
    "render_report",
    "render_report_page",
    "report_page",
]
