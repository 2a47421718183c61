"""Line and branch coverage from gcov's JSON output, keyed by project-relative source path.

gcc 12's ``gcov --json-format --stdout`` prints one JSON document per data file. File names in
it are as the compiler saw them (``tests/../src/mathx.c``), relative to the directory gcc ran
in (``current_working_directory``), so they are normalised and made relative to the project.

Per-test coverage: the harness runs each test in a child process and, when
``TESTGEN_COVERAGE_DIR`` is set, points ``GCOV_PREFIX`` at ``<dir>/<test name>`` so each test
writes its own ``.gcda``. gcov wants the ``.gcno`` beside each ``.gcda``, so it is linked there.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from testgen.model import FileCoverage, Workspace

from .project import is_test_path

GCOV = "gcov"
PER_TEST_DIR = "per-test"
GCOV_BATCH = 32
"""Data files per gcov launch: the sandbox keeps the first 2 MB of a launch's output only."""


def available() -> bool:
    return shutil.which(GCOV) is not None


@dataclass
class Measured:
    files: dict[str, FileCoverage] = field(default_factory=dict)
    per_test: dict[tuple[Path, str], dict[str, frozenset[int]]] = field(default_factory=dict)
    """(build directory, test name) → source file → lines that test executed."""


def collect(workspace: Workspace, build_dirs: list[Path]) -> Measured:
    """Coverage of every program built in ``build_dirs``, merged, plus per-test lines."""
    lines: dict[str, dict[int, int]] = {}
    branches: dict[str, dict[tuple[int, int], int]] = {}
    measured = Measured()
    for directory in build_dirs:
        owners = {str(p): None for p in directory.glob("*.gcda")}
        for data in sorted((directory / PER_TEST_DIR).glob("*/**/*.gcda")):
            test = data.relative_to(directory / PER_TEST_DIR).parts[0]
            notes = directory / (data.stem + ".gcno")
            link = data.with_suffix(".gcno")
            if notes.exists() and not link.exists():
                os.symlink(notes, link)
            owners[str(data)] = test
        if not owners:
            continue
        files = list(owners)
        for start in range(0, len(files), GCOV_BATCH):
            result = workspace.run([GCOV, "--json-format", "--stdout",
                                    *files[start:start + GCOV_BATCH]], cwd=directory,
                                   count_launch=False)
            for document in result.stdout.splitlines():
                if not document.strip().startswith("{"):
                    continue
                parsed = json.loads(document)
                test = owners.get(str(directory / parsed.get("data_file", "")))
                hits = _merge(parsed, workspace.root, lines, branches)
                if test is not None:
                    measured.per_test[(directory, test)] = hits
    measured.files = {rel: FileCoverage(
        file=rel,
        statements=frozenset(counts),
        covered=frozenset(n for n, c in counts.items() if c > 0),
        branches_total=len(branches.get(rel, {})),
        branches_covered=sum(1 for c in branches.get(rel, {}).values() if c > 0),
        missing_branches=tuple(sorted(b for b, c in branches.get(rel, {}).items() if c == 0)),
    ) for rel, counts in sorted(lines.items())}
    return measured


def _merge(document: dict, root: Path, lines: dict, branches: dict) -> dict[str, frozenset]:
    """Add one gcov document to the totals; return the lines it saw executed, per file."""
    cwd = Path(document.get("current_working_directory") or root)
    hits: dict[str, frozenset[int]] = {}
    for entry in document.get("files", []):
        rel = _project_path(cwd, entry.get("file", ""), root)
        if rel is None:
            continue
        file_lines = lines.setdefault(rel, {})
        file_branches = branches.setdefault(rel, {})
        executed = set()
        for line in entry.get("lines", []):
            number, count = int(line["line_number"]), int(line.get("count", 0))
            file_lines[number] = file_lines.get(number, 0) + count
            if count:
                executed.add(number)
            for index, branch in enumerate(line.get("branches", [])):
                key = (number, index)
                file_branches[key] = file_branches.get(key, 0) + int(branch.get("count", 0))
        hits[rel] = frozenset(executed)
    return hits


def _project_path(cwd: Path, name: str, root: Path) -> str | None:
    """Project-relative posix path of a source file, or None for tests and outside files."""
    path = Path(os.path.normpath(cwd / name))
    try:
        rel = path.relative_to(root).as_posix()
    except ValueError:
        return None
    if not rel.endswith((".c", ".h")) or is_test_path(rel):
        return None
    return rel
