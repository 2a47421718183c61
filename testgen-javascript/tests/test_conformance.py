"""The shared plugin contract checks, run on examples/javascript."""

from __future__ import annotations

from pathlib import Path

from testgen.testing import ConformanceSuite

EXAMPLE = Path(__file__).parent.parent.parent / "examples" / "javascript"


class TestJavaScriptConformance(ConformanceSuite):
    language = "javascript"
    sample_project = EXAMPLE
    broken_source = ("broken.js", "export function broken( {\n  return 1;\n")
