"""Scenario-simulation model of Russia's artillery-supply dependency on North Korea.

Layers, lowest first: ``registry`` (article figures) -> ``scenario`` (YAML schema)
-> ``distributions``/``sampling`` -> ``dynamics`` (the equations) -> ``calibration``
/``sensitivity`` -> ``plots``/``report`` -> ``batch`` -> ``cli``.
"""

__version__ = "0.1.0"
