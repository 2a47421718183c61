"""The shared plugin contract checks, run on examples/go."""

from __future__ import annotations

from pathlib import Path

from testgen.testing import ConformanceSuite

EXAMPLE = Path(__file__).parent.parent.parent / "examples" / "go"


class TestGoConformance(ConformanceSuite):
    language = "go"
    sample_project = EXAMPLE
    broken_source = ("broken.go", "package inventory\n\nfunc Broken( {\n\treturn 1\n}\n")
