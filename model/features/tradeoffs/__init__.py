"""The inputs the reported figures tie together after calibration (the corner plot)."""
