"""The package version (its own module so every layer may read it without importing the package API)."""

__version__ = "0.2.0"
