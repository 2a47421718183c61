"""Where the generated tests of a source file go: one integration test file per module,
in the tests/ folder of the package that holds it."""

from __future__ import annotations

import re
from pathlib import Path

from testgen.model import Framework, SourceFile

from .manifest import crate_for, module_name


def test_path(source: SourceFile, framework: Framework) -> str:
    """``<crate>/tests/testgen_<module>.rs`` (project-relative)."""
    crate = crate_for(source.path, stop=source.project_root)
    if crate is None:
        return f"tests/testgen_{_safe(Path(source.rel_path).stem)}.rs"
    try:
        crate_rel = crate.root.resolve().relative_to(source.project_root.resolve()).as_posix()
    except ValueError:
        crate_rel = ""
    prefix = "" if crate_rel in ("", ".") else crate_rel + "/"
    return f"{prefix}tests/testgen_{module_name(crate, source.path.resolve())}.rs"


def _safe(name: str) -> str:
    return re.sub(r"[^0-9a-z_]+", "_", name.lower()).strip("_") or "lib"
