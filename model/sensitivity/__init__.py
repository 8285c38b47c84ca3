"""Generic, vectorized sensitivity analysis (knows nothing about the domain model).

Every function takes either a *vectorized* model ``func`` mapping an ``(n, d)`` array of
inputs to an ``(n,)`` or ``(n, k)`` array of outputs, or the inputs and outputs of a Monte
Carlo run already done. All are pure: no file I/O, printing or plotting.

- :func:`sobol_analysis`: first- (S1) and total-order (ST) Sobol' indices with seeded
  bootstrap intervals (wraps ``scipy.stats.sobol_indices``);
- :func:`one_at_a_time_swings`: tornado swings, each input from a low to a high percentile;
- :func:`rank_correlations`: Spearman or PRCC from an ordinary (weighted) Monte Carlo run;
- :func:`convergence`: how a metric's mean, interval and quantiles settle as samples grow.
"""

from .convergence import convergence
from .screening import one_at_a_time_swings, rank_correlations
from .sobol import sobol_analysis

__all__ = ["convergence", "one_at_a_time_swings", "rank_correlations", "sobol_analysis"]
