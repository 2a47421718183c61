"""TestGen language plugin for Python (pytest, unittest)."""

__version__ = "0.1.0"
