"""Compile C programs (probes, test programs) with gcc inside the workspace."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from testgen.model import ProcessResult, Workspace

from .project import COMPILER, include_flags, link_sources

STANDARD = "-std=gnu11"
"""GNU C11: C11 plus POSIX (fork, pipes), which the harness needs."""
STRICT = ("-Werror=implicit-function-declaration", "-Werror=implicit-int")
"""Calling an undeclared function is only a warning in C; in a test it is always a mistake."""

_DIAGNOSTIC = re.compile(r"^(?P<file>[^:\n]+):(?P<line>\d+):(?:(?P<col>\d+):)?\s*"
                         r"(?P<kind>fatal error|error|undefined reference)(?P<rest>.*)$",
                         re.MULTILINE)


@dataclass(frozen=True)
class CompilerMessage:
    file: str
    line: int
    message: str


def compile_program(workspace: Workspace, main: Path, output: Path, *, coverage: bool = False,
                    warnings: bool = True) -> ProcessResult:
    """Build ``main`` plus the project sources it needs (see ``project.link_sources``)."""
    root = workspace.root
    sources = [main, *link_sources(root, main)]
    argv = [COMPILER, STANDARD, "-O0", "-g", *include_flags(root), *STRICT]
    if not warnings:
        argv.append("-w")
    if coverage:
        argv.append("--coverage")
    argv += ["-o", str(output), *(_relative(p, root) for p in sources), "-lm"]
    output.parent.mkdir(parents=True, exist_ok=True)
    return workspace.run(argv, cwd=root, timeout=max(workspace.timeout, 120),
                         count_launch=False)


def messages(output: str) -> list[CompilerMessage]:
    """Errors (compiler and linker) with their file and line, in order."""
    found = []
    for match in _DIAGNOSTIC.finditer(output):
        rest = match["rest"].lstrip(": ").strip()
        text = (f"undefined reference {rest}" if match["kind"] == "undefined reference"
                else rest)
        found.append(CompilerMessage(match["file"].strip(), int(match["line"]), text))
    return found


def first_error(output: str) -> str:
    found = messages(output)
    if found:
        return f"{found[0].file}:{found[0].line}: {found[0].message}"
    lines = [line for line in output.splitlines() if line.strip()]
    return lines[0] if lines else "compiler failed without a message"


def binary_name(rel_path: str) -> str:
    """``tests/testgen_mathx_test.c`` → ``tests_testgen_mathx_test``."""
    return re.sub(r"[^A-Za-z0-9_]", "_", rel_path.rsplit(".", 1)[0])


def _relative(path: Path, root: Path) -> str:
    try:
        return Path(os.path.relpath(path, root)).as_posix() if path.is_relative_to(root) \
            else str(path)
    except ValueError:
        return str(path)
