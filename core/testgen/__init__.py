"""TestGen: generate unit tests that compile, pass every time and add coverage.

Plugins import exactly three things from the core: :data:`hookimpl` (this module),
:mod:`testgen.model` and :mod:`testgen.testing`.
"""

import pluggy

__version__ = "0.1.0"

PROJECT_NAME = "testgen"

hookimpl = pluggy.HookimplMarker(PROJECT_NAME)
"""Marker for hook implementations: ``@hookimpl def testgen_languages(register): ...``."""

__all__ = ["PROJECT_NAME", "__version__", "hookimpl"]
