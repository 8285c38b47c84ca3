"""The public API's docstrings point at names that exist (``model.simulate`` once named a
``model.scenario.PARAMETER_INFO`` that did not)."""

from __future__ import annotations

import importlib
import inspect
import re

import pytest

import model

_DOTTED = re.compile(r"``(model(?:\.\w+)+)")


def _resolve(dotted: str) -> object:
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj: object = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attr in parts[cut:]:
            obj = getattr(obj, attr)
        return obj
    raise ImportError(dotted)


@pytest.mark.parametrize("name", [n for n in model.__all__ if n != "__version__"])
def test_every_dotted_name_in_a_public_docstring_exists(name: str) -> None:
    doc = inspect.getdoc(getattr(model, name)) or ""
    for dotted in _DOTTED.findall(doc):
        _resolve(dotted)  # raises when the name does not exist


def test_simulate_says_where_its_params_come_from() -> None:
    doc = inspect.getdoc(model.simulate) or ""
    assert "model.inputs.schema.PARAMETER_INFO" in doc and "model.scenario" not in doc
