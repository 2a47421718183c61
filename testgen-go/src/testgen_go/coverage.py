"""Read ``go test -coverprofile`` files into per-file line and statement coverage.

A profile line is ``import/path/file.go:startLine.startCol,endLine.endCol numStmts count``.
Every line a block spans is a statement line; the lines of blocks that ran are covered.
Statements are counted as ``go tool cover -func`` counts them: per block, once, even when the
block appears in several profiles (they are merged by position, as ``go tool cover`` does).
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
    """Project-relative file → coverage, over every block of ``text`` (profiles may be
    concatenated; ``mode:`` lines are ignored)."""
    blocks: dict[tuple[str, int, int, int, int], tuple[int, bool]] = {}
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
        key = (rel, int(match.group("sl")), int(match.group("sc")), int(match.group("el")),
               int(match.group("ec")))
        ran = int(match.group("count")) > 0
        previous = blocks.get(key)
        blocks[key] = (int(match.group("stmts")), ran or bool(previous and previous[1]))
    statements: dict[str, set[int]] = {}
    covered: dict[str, set[int]] = {}
    counts: dict[str, list[int]] = {}
    for (rel, start, _sc, end, _ec), (stmts, ran) in blocks.items():
        count = counts.setdefault(rel, [0, 0])
        count[0] += stmts
        count[1] += stmts if ran else 0
        if stmts == 0:
            continue
        lines = range(start, end + 1)
        statements.setdefault(rel, set()).update(lines)
        if ran:
            covered.setdefault(rel, set()).update(lines)
    return {rel: FileCoverage(file=rel, statements=frozenset(lines),
                              covered=frozenset(covered.get(rel, set())),
                              statement_count=counts[rel][0],
                              statements_covered=counts[rel][1])
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
