"""``samples: auto`` as an optional feature: the draw decides the count (``model.experiment`` draws it, as
the first step of the run); this feature reports how it stopped."""

from __future__ import annotations

from ..base import Feature
from . import codec
from .figures import stopping_figures
from .report import section

FEATURE = Feature(
    name="stopping",
    applies=lambda scenario: True,  # the run has its record only when it drew samples: auto
    compute=lambda run, context: context.extra.get("stopping"),  # the draw's record (model.experiment)
    summarise=lambda run: run.features.get("stopping"),
    to_json=codec.to_json,
    from_json=codec.from_json,
    figures=stopping_figures,
    section=section,
)
