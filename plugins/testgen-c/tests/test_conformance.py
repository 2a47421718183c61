"""The C plugin against the plugin contract (testgen.testing's conformance kit)."""

from pathlib import Path

from testgen.testing import ConformanceSuite


class TestCConformance(ConformanceSuite):
    language = "c"
    sample_project = Path(__file__).parent / "fixtures" / "sample"
    broken_source = ("broken.c", "int broken(int a {\n    return a;\n")
