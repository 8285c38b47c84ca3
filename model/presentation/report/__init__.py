"""Self-contained HTML pages: one file an analyst can send, open offline and print.

- :func:`report_page` + :func:`render_report`: one scenario (``results/<name>/report.html``);
- :func:`index_page` + :func:`render_index`: a batch overview (``results/index.html``).

Both are made from typed run summaries (``model.summary``) and never run the model: the pages'
view objects (:mod:`.views`) are built with every number already in words, the Jinja2 templates
read only their attributes, autoescaped (scenario descriptions and quotes come from users), and
inline ``report.css``. The charts are embedded as ``data:`` URIs, so a page needs no server, no
network and no other file; the index links a scenario's report only when that file exists.

Wording rules: model numbers are medians with 90 % intervals, formatted for people ("11.7 million",
"28 bn USD", "41 %"); every article figure is a claim and is shown as "reported by <claimant>",
never as a fact.
"""

from __future__ import annotations

from .index import index_page
from .page import report_page
from .render import render_index, render_report

__all__ = ["index_page", "render_index", "render_report", "report_page"]
