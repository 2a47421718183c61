"""The shared plugin contract checks, run on examples/python."""

from __future__ import annotations

from pathlib import Path

from testgen.testing import ConformanceSuite

EXAMPLE = Path(__file__).parent.parent.parent / "examples" / "python"


class TestPythonConformance(ConformanceSuite):
    language = "python"
    sample_project = EXAMPLE
    broken_source = ("broken.py", "def broken(:\n    return 1\n")
