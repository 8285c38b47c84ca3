"""Teaching: lessons as notebooks, an explorer with sliders, and a lecturer's guide.

Documented for the notebooks in ``notebooks/`` (which call nothing else but ``model`` itself):

- :mod:`model.teaching.lessons`: :class:`~model.teaching.lessons.Lesson` shows a lesson's texts,
  quotes, tables and charts in English or German;
- :mod:`model.teaching.explorer`: :class:`~model.teaching.explorer.Explorer`, the fast path the
  explorer app runs on (fixed futures, re-mapped when a slider moves);
- :mod:`model.teaching.build`: ``python run.py teach`` (notebooks to offline HTML, the guide page);
- :mod:`model.teaching.app`: the Streamlit app ``python run.py explore`` starts.

Every text a person reads comes from :mod:`model.presentation.texts` in the chosen language.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__all__ = ["Lesson", "Explorer", "Settings", "build_teaching"]

_WHERE = {"Lesson": "model.teaching.lessons", "Explorer": "model.teaching.explorer",
          "Settings": "model.teaching.explorer", "build_teaching": "model.teaching.build"}


def __getattr__(name: str) -> Any:  # loaded on first use: the app does not need the notebook tools
    if name in _WHERE:
        value = getattr(import_module(_WHERE[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'model.teaching' has no attribute {name!r}")
