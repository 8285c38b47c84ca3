"""Enough samples: ``samples: auto`` draws blocks until the chosen quantiles are known well enough."""
