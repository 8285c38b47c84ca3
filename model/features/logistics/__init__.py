"""The discrete-event delivery chain: ships, trains and depots between North Korea and the front (SimPy)."""
