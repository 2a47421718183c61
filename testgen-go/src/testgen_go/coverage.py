"""Read ``go test -coverprofile`` files into per-file line coverage.

A profile line is ``import/path/file.go:startLine.startCol,endLine.endCol numStmts count``.
Every line a block spans is a statement line; the lines of blocks that ran are covered.
Paths are mapped back to project-relative files through the module that holds them.
"""

from __future__ import annotations

import re
from pathlib import Path

from testgen.model import FileCoverage

from .gomod import Module

BLOCK = re.compile(r"^(?P<file>.+\.go):(?P<sl>\d+)\.(?P<sc>\d+),(?P<el>\d+)\.(?P<ec>\d+) "
                   r"(?P<stmts>\d+) (?P<count>\d+)$")


def parse_profile(text: str, modules: list[Module], project_root: Path) -> dict[str,
                                                                                 FileCoverage]:
    statements: dict[str, set[int]] = {}
    covered: dict[str, set[int]] = {}
    cache: dict[str, str | None] = {}
    for line in text.splitlines():
        match = BLOCK.match(line.strip())
        if not match:
            continue
        import_file = match.group("file")
        if import_file not in cache:
            cache[import_file] = _project_path(import_file, modules, project_root)
        rel = cache[import_file]
        if rel is None:
            continue
        lines = range(int(match.group("sl")), int(match.group("el")) + 1)
        if int(match.group("stmts")) == 0:
            continue
        statements.setdefault(rel, set()).update(lines)
        if int(match.group("count")) > 0:
            covered.setdefault(rel, set()).update(lines)
    return {rel: FileCoverage(file=rel, statements=frozenset(lines),
                              covered=frozenset(covered.get(rel, set())))
            for rel, lines in statements.items()}


def _project_path(import_file: str, modules: list[Module], project_root: Path) -> str | None:
    best: Module | None = None
    for module in modules:
        if import_file == module.path or import_file.startswith(module.path + "/"):
            if best is None or len(module.path) > len(best.path):
                best = module
    if best is None:
        path = Path(import_file)
        if path.is_absolute():
            try:
                return path.resolve().relative_to(project_root.resolve()).as_posix()
            except ValueError:
                return None
        return None
    rest = import_file[len(best.path):].lstrip("/")
    full = best.root / rest
    try:
        return full.resolve().relative_to(project_root.resolve()).as_posix()
    except ValueError:
        return None
