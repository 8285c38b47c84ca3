"""Scenario discovery: which combinations of inputs lead to an outcome?

Given the sampled inputs of a Monte Carlo run, ``x`` (n futures by d inputs),
and a boolean outcome per future, ``y`` (for example from
`model.inputs.conditions.evaluate_condition`), these functions describe the
region of input space where the outcome happens as simple, readable ranges of
the inputs. Every future may carry a non-negative weight (calibration or
importance weights); all shares below are then weighted shares.

This package returns numbers only: no text, printing or plotting. Its modules:

- ``results``: the result types (`Box`, `PrimResult`, `Rule`) and the checks of
  the data shared by both methods;
- ``peeling``: `prim`, weighted peeling, the one-standard-error choice, pasting
  and pruning;
- ``tree``: `tree_rules`, the leaves of a weighted CART tree as rules.

Everything public is imported from here: ``from model.features.discovery.methods import prim``.

Functions
---------
prim
    Weighted Patient Rule Induction Method (Friedman & Fisher 1999): a
    trajectory of ever smaller, ever denser boxes; one is chosen by a
    one-standard-error rule on density among boxes with coverage >= 0.5,
    then pasted and pruned of limits that do not matter.
tree_rules
    The leaves of a shallow weighted classification tree as rules.

Terms (all weighted; "mass" is a sum of weights)
-------------------------------------------------
share
    Mass of futures with y, divided by the total mass: the base rate.
support
    Mass inside a box / total mass.
density
    Mass of futures with y inside a box / mass inside the box.
coverage
    Mass of futures with y inside a box / mass of futures with y.

References
----------
Friedman, J. H. and Fisher, N. I. (1999). Bump hunting in high-dimensional
data. Statistics and Computing 9, 123-143.
"""

from __future__ import annotations

from .peeling import PRUNE_SE, prim
from .results import Box, PrimResult, Rule
from .tree import tree_rules

__all__ = ["PRUNE_SE", "Box", "PrimResult", "Rule", "prim", "tree_rules"]
