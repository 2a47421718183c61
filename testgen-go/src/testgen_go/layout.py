"""Where a generated test file goes: beside its source, in the same package."""

from __future__ import annotations

from pathlib import PurePosixPath

from testgen.model import Framework, SourceFile


def test_path(source: SourceFile, framework: Framework) -> str:
    """``pkg/money.go`` → ``pkg/money_testgen_test.go`` (same directory, same package)."""
    return test_path_of(source.rel_path)


def test_path_of(rel_path: str) -> str:
    path = PurePosixPath(rel_path)
    return str(path.with_name(f"{path.stem}_testgen_test.go"))


test_path.__test__ = False  # type: ignore[attr-defined]  # not a pytest test
