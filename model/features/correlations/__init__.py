"""Inputs that move together: the stated pairs, their achieved rank correlations and what calibration makes of them."""
