"""Keep a shadow copy's module references pointing where they point in the user's tree.

The shadow copy holds the project root only. A ``replace x => ../other`` in a ``go.mod``, or a
``use ../other`` in a ``go.work``, that leads outside the project would resolve to nothing
next to the copy; such paths are rewritten to the original (read-only) location. A
``go.work`` above the project root, which ``go`` would find from the user's tree but not from
the copy, is written into the scratch directory with its paths resolved and named by
``GOWORK``: modules inside the project map to the copy, the others to where they are.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path

from testgen.model import Workspace

SKIP_DIRS = {".git", "vendor", "node_modules", "testdata", ".testgen"}
_LOCK = threading.Lock()


@dataclass
class _Layout:
    rewritten: dict[Path, str] = field(default_factory=dict)
    """Shadow file → the content it must have (re-applied after a rebuild of the copy)."""
    env: dict[str, str] = field(default_factory=dict)
    outside: list[Path] = field(default_factory=list)
    """Directories outside the project the build reads: the sandbox must show them."""


_LAYOUTS: dict[Path, _Layout] = {}


def module_env(workspace: Workspace) -> dict[str, str]:
    """Fix the shadow copy's module files (once per workspace) and return the environment
    the ``go`` command needs there (``GOWORK`` for a workspace file above the project)."""
    with _LOCK:
        layout = _LAYOUTS.get(workspace.root)
        if layout is None:
            layout = _LAYOUTS[workspace.root] = _plan(workspace)
        for path, content in layout.rewritten.items():
            try:
                current = path.read_text(encoding="utf-8")
            except OSError:
                current = None
            if current != content:
                workspace.write(path.relative_to(workspace.root).as_posix(), content)
        for directory in layout.outside:
            if directory not in workspace.readonly:
                workspace.readonly.append(directory)
        return dict(layout.env)


def _plan(workspace: Workspace) -> _Layout:
    layout = _Layout()
    project = workspace.project_root.resolve()
    for shadow in _module_files(workspace.root):
        rel = shadow.relative_to(workspace.root)
        original_dir = (project / rel).parent
        text = shadow.read_text(encoding="utf-8", errors="replace")
        fixed = rewrite_paths(text, lambda p: _outside_only(p, original_dir, project,
                                                            layout.outside))
        if fixed != text:
            layout.rewritten[shadow] = fixed
    if not (workspace.root / "go.work").is_file() and "GOWORK" not in os.environ:
        above = _work_file_above(project)
        if above is not None:
            text = above.read_text(encoding="utf-8", errors="replace")
            uses_inside = [u for u in _uses(text)
                           if _inside(_resolve(u, above.parent), project)]
            if uses_inside:
                target = workspace.scratch / "gowork" / "go.work"
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(rewrite_paths(text, lambda p: _to_copy(
                    p, above.parent, project, workspace.root, layout.outside)),
                    encoding="utf-8")
                sums = above.with_name("go.work.sum")
                if sums.is_file():
                    shutil.copyfile(sums, target.with_name("go.work.sum"))
                layout.env["GOWORK"] = str(target)
    return layout


def _module_files(root: Path) -> list[Path]:
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS and not d.startswith(".")]
        found += [Path(dirpath) / n for n in filenames if n in ("go.mod", "go.work")]
    return sorted(found)


def _work_file_above(project: Path) -> Path | None:
    for directory in project.parents:
        candidate = directory / "go.work"
        if candidate.is_file():
            return candidate
    return None


_DIRECTIVE = re.compile(r"^(\s*(replace|use)\b\s*)(\(?)(.*)$")


def rewrite_paths(text: str, change) -> str:
    """``text`` of a go.mod/go.work with every filesystem path of ``use`` and of the target
    side of ``replace`` passed through ``change`` (which returns the new path or ``None``)."""
    out = []
    block = ""
    for line in text.splitlines(keepends=True):
        body, newline = (line[:-1], "\n") if line.endswith("\n") else (line, "")
        code, sep, comment = body.partition("//")
        prefix, kind = "", ""
        if block:
            if code.strip().startswith(")"):
                block = ""
            else:
                kind = block
        else:
            match = _DIRECTIVE.match(code)
            if match:
                kind = match.group(2)
                prefix = match.group(1) + match.group(3)
                code = match.group(4)
                if match.group(3):
                    block = kind
        if kind == "use":
            code = _swap_path(code, change)
        elif kind == "replace" and "=>" in code:
            left, right = code.split("=>", 1)
            code = left + "=>" + _swap_path(right, change)
        out.append(prefix + code + sep + comment + newline)
    return "".join(out)


def _swap_path(region: str, change) -> str:
    tokens = region.split()
    if len(tokens) != 1:
        return region  # empty, or ``=> module v1.2.3``: not a directory
    raw = tokens[0]
    path = raw.strip('"`')
    if not (path.startswith(("./", "../")) or path in (".", "..") or os.path.isabs(path)):
        return region
    new = change(path)
    if new is None:
        return region
    return region.replace(raw, f'"{new}"' if any(c.isspace() for c in new) else new, 1)


def _uses(text: str) -> list[str]:
    found = []
    rewrite_paths(text, lambda p: found.append(p))
    return found


def _resolve(path: str, base: Path) -> Path:
    return Path(os.path.normpath(base / path))


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _outside_only(path: str, base: Path, project: Path, outside: list[Path]) -> str | None:
    """Paths leading out of the project become absolute (and are noted in ``outside``); those
    inside stay (the copy has them at the same relative place)."""
    target = _resolve(path, base)
    if _inside(target, project):
        return None
    outside.append(target)
    return None if os.path.isabs(path) else str(target)


def _to_copy(path: str, base: Path, project: Path, copy: Path, outside: list[Path]) -> str:
    target = _resolve(path, base)
    if _inside(target, project):
        return str(copy / target.relative_to(project))
    outside.append(target)
    return str(target)
