"""What a C project looks like: its files, its test programs, the framework and the toolchain.

C has no standard package manifest or test framework, so the plugin keeps to a few simple
conventions, all documented in the README:

* sources are ``*.c`` files outside test directories; headers (``*.h``) are not sources;
* a test program is a ``*.c`` file under ``tests/`` or ``test/`` (or named ``test_*.c`` /
  ``*_test.c``) that defines ``main``;
* a test program is built from itself plus every project source that it does not
  ``#include`` and that has no ``main`` of its own, so both "unity build" tests
  (``#include "../src/x.c"``) and tests linked against ``x.c`` work.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from testgen.errors import InputError, PluginError
from testgen.model import Detection, Framework, Project

LANGUAGE = "c"
FRAMEWORK = "testgen-harness"
FRAMEWORKS = (FRAMEWORK,)
EXTENSIONS = (".c",)
MANIFESTS = ("Makefile", "makefile", "GNUmakefile", "CMakeLists.txt", "meson.build")
TEST_DIRS = ("tests", "test")
TEST_FILE_PATTERNS = ("tests/", "test/", "test_*.c", "*_test.c")
COMPILER = "gcc"
SKIP_DIRS = frozenset({".git", ".hg", ".svn", ".testgen", "build", "dist", "node_modules",
                       "vendor", "target", "venv", ".venv", "__pycache__"})
INCLUDE_DIRS = ("include", "src")
"""Project directories added with ``-I`` when they exist, as most C Makefiles do."""

_MAIN = re.compile(r"^[ \t]*(?:int|void)\s+main\s*\(", re.MULTILINE)
_INCLUDE_C = re.compile(r'^[ \t]*#[ \t]*include[ \t]*"([^"]+\.c)"', re.MULTILINE)


# --------------------------------------------------------------------------- files


def walk_c_files(root: Path, limit: int | None = None) -> list[Path]:
    """Every ``*.c`` file under ``root`` (sorted), skipping build and VCS directories."""
    found: list[Path] = []
    for directory, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
        for name in sorted(files):
            if name.endswith(".c"):
                found.append(Path(directory) / name)
                if limit is not None and len(found) >= limit:
                    return found
    return found


def is_test_path(rel_path: str) -> bool:
    """Whether a project-relative path is a test file by the conventions above."""
    parts = rel_path.split("/")
    name = parts[-1]
    return (any(p in TEST_DIRS for p in parts[:-1]) or name.startswith("test_")
            or name.endswith("_test.c"))


def defines_main(text: str) -> bool:
    return _MAIN.search(text) is not None


def included_sources(test_file: Path) -> set[Path]:
    """The ``.c`` files a test ``#include``s (resolved next to the test file)."""
    try:
        text = test_file.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return set()
    return {Path(os.path.normpath(test_file.parent / m)) for m in _INCLUDE_C.findall(text)}


def link_sources(root: Path, test_file: Path) -> list[Path]:
    """Project sources to compile together with ``test_file`` (see the module docstring)."""
    included = included_sources(test_file)
    sources = []
    for path in walk_c_files(root):
        rel = path.relative_to(root).as_posix()
        if is_test_path(rel) or path == test_file or Path(os.path.normpath(path)) in included:
            continue
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if not defines_main(text):
            sources.append(path)
    return sources


def test_programs(root: Path) -> list[Path]:
    """The project's existing test programs: test files that define ``main``."""
    programs = []
    for path in walk_c_files(root):
        if not is_test_path(path.relative_to(root).as_posix()):
            continue
        try:
            if defines_main(path.read_text(encoding="utf-8", errors="replace")):
                programs.append(path)
        except OSError:
            continue
    return programs


def include_flags(root: Path) -> list[str]:
    return [f"-I{root / d}" for d in INCLUDE_DIRS if (root / d).is_dir()]


def require_compiler(purpose: str) -> str:
    """The compiler's path, or a TG205 error saying how to install it."""
    path = shutil.which(COMPILER)
    if path is None:
        raise InputError(f"{COMPILER} is not installed (needed to {purpose})", code="TG205",
                         hint="install gcc (Debian/Ubuntu: apt-get install gcc) and make sure "
                              "`gcc` is on PATH")
    return path


# --------------------------------------------------------------------------- the project


def detect(project: Project) -> list[Detection]:
    """C is present when the project has a ``*.c`` file; build files are extra evidence."""
    root = Path(project.root)
    sources = walk_c_files(root, limit=1)
    if not sources:
        return []
    evidence = [f"{sources[0].relative_to(root).as_posix()}: C source"]
    evidence += [f"{m}: build file" for m in MANIFESTS if (root / m).is_file()]
    return [Detection(language=LANGUAGE, root=root, framework=FRAMEWORK,
                      evidence=tuple(evidence))]


def select_framework(project: Project, requested: str | None) -> Framework:
    configured = project.language_settings(LANGUAGE).get("framework")
    name = requested or configured
    if name and name not in FRAMEWORKS:
        raise PluginError(f"framework {name!r} is not supported for C",
                          code="TG504", hint=f"use one of: {', '.join(FRAMEWORKS)}")
    if requested:
        return Framework(name=FRAMEWORK, language=LANGUAGE, reason="requested")
    if configured:
        return Framework(name=FRAMEWORK, language=LANGUAGE, reason="configured")
    return Framework(name=FRAMEWORK, language=LANGUAGE,
                     reason="the C plugin's own harness (no dependency to install)")
