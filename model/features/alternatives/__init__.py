"""Structural alternatives: the same samples under other structural choices, calibrated and shown side by side."""
