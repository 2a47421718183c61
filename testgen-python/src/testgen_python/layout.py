"""Where a generated test file goes and how it imports the module under test.

The generated file must pass under a plain ``pytest`` run from the project root, without the
user changing anything. So for each source file we work out:

* its **import root**: the directory that has to be on ``sys.path`` for its dotted name to
  import (``src`` for ``src/shop/cart.py`` in a src layout, the project root for a flat one);
* whether pytest already puts that directory on ``sys.path`` for the test file: through the
  ``pythonpath`` ini option, a ``conftest.py`` in that directory, or pytest's ``prepend`` import
  mode, which inserts the test file's *basedir* (the first parent without ``__init__.py``);
* if not, the test file starts with a two-line ``sys.path`` bootstrap that inserts the import
  root relative to ``__file__`` (so it works from any working directory).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePosixPath

from testgen.model import Framework, SourceFile

from .project import SKIP_DIRS, project_facts

GENERATED_SUFFIX = "_testgen"
_RELATIVE_IMPORT = re.compile(r"^\s*from\s+\.", re.M)


@dataclass(frozen=True)
class ModuleLocation:
    module: str
    """Dotted import name of the source file (``shop.cart``)."""
    import_root: str
    """Project-relative directory that must be on ``sys.path`` ("" for the project root)."""


def module_location(project_root: Path, rel_path: str, text: str | None = None) -> ModuleLocation:
    """How the source file at ``rel_path`` is imported."""
    path = PurePosixPath(rel_path)
    parts = [path.stem] if path.name != "__init__.py" else []
    directory = path.parent
    while str(directory) not in ("", ".") and (project_root / directory / "__init__.py").is_file():
        parts.insert(0, directory.name)
        directory = directory.parent
    import_root = "" if str(directory) == "." else str(directory)
    if not parts:  # an __init__.py outside any package: a namespace package directory
        parts = [path.parent.name]
        import_root = str(path.parent.parent) if str(path.parent.parent) != "." else ""
    # A module with relative imports in a namespace package (no __init__.py): its package
    # starts below ``src`` or the project root.
    if text is not None and _RELATIVE_IMPORT.search(text) and import_root:
        root_parts = PurePosixPath(import_root).parts
        anchor = 1 if root_parts[:1] == ("src",) else 0
        parts = list(root_parts[anchor:]) + parts
        import_root = "src" if anchor else ""
    return ModuleLocation(module=".".join(parts), import_root=import_root)


def test_path(source: SourceFile, framework: Framework) -> str:
    """``tests/test_<module>_testgen.py`` when the project has a tests dir, else beside it
    (pytest and unittest alike)."""
    project_root, rel_path = source.project_root, source.rel_path
    facts = project_facts(project_root)
    location = module_location(project_root, rel_path)
    stem = location.module.rsplit(".", 1)[-1]
    if _stem_is_ambiguous(project_root, stem):
        stem = location.module.replace(".", "_")
    name = f"test_{stem}{GENERATED_SUFFIX}.py"
    if facts.tests_dir:
        return f"{facts.tests_dir}/{name}"
    parent = PurePosixPath(rel_path).parent
    return name if str(parent) == "." else f"{parent}/{name}"


def needs_bootstrap(project_root: Path, test_rel_path: str, location: ModuleLocation) -> bool:
    """Whether plain ``pytest`` leaves ``location.import_root`` off ``sys.path`` for the test."""
    settings = project_facts(project_root).pytest
    wanted = _normalise(location.import_root)
    if any(_normalise(p) == wanted for p in settings.pythonpath):
        return False
    if settings.import_mode != "importlib":
        if (project_root / wanted / "conftest.py").is_file():
            return False
        if _normalise(_basedir(project_root, test_rel_path)) == wanted:
            return False
    return True


def bootstrap_lines(test_rel_path: str, location: ModuleLocation) -> list[str]:
    """Source lines that put the import root on ``sys.path``, relative to the test file."""
    depth = len(PurePosixPath(test_rel_path).parts) - 1
    base = f"Path(__file__).resolve().parents[{depth}]"
    target = base + "".join(f' / "{part}"' for part in PurePosixPath(location.import_root).parts)
    return [f"sys.path.insert(0, str({target}))"]


def _basedir(project_root: Path, test_rel_path: str) -> str:
    directory = PurePosixPath(test_rel_path).parent
    while str(directory) not in ("", ".") and (project_root / directory / "__init__.py").is_file():
        directory = directory.parent
    return "" if str(directory) == "." else str(directory)


def _normalise(rel: str) -> str:
    rel = rel.strip().rstrip("/")
    return "" if rel in (".", "./") else rel.removeprefix("./")


@lru_cache(maxsize=32)
def _stems(project_root: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    for dirpath, dirnames, filenames in os.walk(project_root):
        dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS and not d.startswith(".")]
        for name in filenames:
            if name.endswith(".py") and name != "__init__.py" and not name.startswith("test_"):
                stem = name[:-3]
                counts[stem] = counts.get(stem, 0) + 1
    return counts


def _stem_is_ambiguous(project_root: Path, stem: str) -> bool:
    return _stems(Path(project_root)).get(stem, 0) > 1
