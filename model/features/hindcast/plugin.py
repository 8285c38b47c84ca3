"""The hindcast as a feature: it is a command of its own (``python run.py hindcast``, ``run.py``
here), not a part of every run, so it hooks into none of a run's steps."""

from __future__ import annotations

from ..base import Feature

FEATURE = Feature(name="hindcast")
