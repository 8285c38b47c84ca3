"""Optional features, one folder each (``base.Feature`` says what a folder holds and when the run calls it).

Registering a feature is one line here: its folder's name in ``FEATURES``, in the order their
sections appear in the report. The pipeline reads them through ``model.features.registry``.
"""

FEATURES: tuple[str, ...] = (
    "alternatives",  # structural alternatives on the same samples, side by side
    "discovery",  # which input regions lead to a condition (PRIM boxes, tree rules)
    "tradeoffs",  # the inputs the figures tie together after calibration
    "correlations",  # inputs that move together
    "stopping",  # samples: auto, drawn until the answers are precise
    "logistics",  # the discrete-event delivery chain
    "hindcast",  # would the model have predicted the later figures (python run.py hindcast)
)
