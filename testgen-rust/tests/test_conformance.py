"""The shared plugin contract checks, run on examples/rust."""

from __future__ import annotations

from pathlib import Path

from testgen.testing import ConformanceSuite

EXAMPLE = Path(__file__).parent.parent.parent / "examples" / "rust"


class TestRustConformance(ConformanceSuite):
    language = "rust"
    sample_project = EXAMPLE
    expect_framework = "cargo-test"
    broken_source = ("broken.rs", "pub fn broken( -> i32 {\n    1\n}\n")
