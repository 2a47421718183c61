"""Where a generated test file goes: beside its source, or in the project's test directory.

A project whose tests live in ``test/`` or ``tests/`` (mocha's and many node:test projects'
habit) gets ``test/<path below src>/<name>.testgen.test.<ext>``; a project that keeps tests in
``__tests__`` directories gets one beside the source's; otherwise the file sits beside the
source, as jest and vitest projects usually do.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from testgen.model import Framework, SourceFile

from .runtime import SKIP_DIRS

TEST_DIRS = ("test", "tests")
TEST_SUFFIXES = tuple(f".{kind}.{ext}" for kind in ("test", "spec")
                      for ext in ("js", "mjs", "cjs", "jsx", "ts", "mts", "cts", "tsx"))


def test_path(source: SourceFile, framework: Framework) -> str:
    rel = PurePosixPath(source.rel_path)
    name = f"{rel.name[: -len(rel.suffix)]}.testgen.test{rel.suffix}"
    layout = _layout(source.project_root)
    if layout == "__tests__":
        return str(rel.parent / "__tests__" / name)
    if layout in TEST_DIRS:
        parts = rel.parent.parts
        inner = PurePosixPath(*parts[1:]) if parts and parts[0] in ("src", "lib") else \
            PurePosixPath(*parts) if parts else PurePosixPath()
        return str(PurePosixPath(layout) / inner / name)
    return str(rel.parent / name)


def _layout(root: Path) -> str:
    """``"test"``, ``"tests"``, ``"__tests__"`` or ``"beside"``: where existing tests live."""
    counts = {"test": 0, "tests": 0, "__tests__": 0, "beside": 0}
    seen = 0
    for directory, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS and not d.startswith(".")]
        rel_parts = Path(directory).relative_to(root).parts
        for name in files:
            if not name.endswith(TEST_SUFFIXES) and not (
                    rel_parts and rel_parts[0] in TEST_DIRS and name.endswith(
                        (".js", ".mjs", ".cjs", ".ts", ".mts", ".cts"))):
                continue
            seen += 1
            if "__tests__" in rel_parts:
                counts["__tests__"] += 1
            elif rel_parts and rel_parts[0] in TEST_DIRS:
                counts[rel_parts[0]] += 1
            else:
                counts["beside"] += 1
        if seen > 200:
            break
    if not any(counts.values()):
        return "beside"
    return max(counts, key=lambda k: (counts[k], k == "beside"))
