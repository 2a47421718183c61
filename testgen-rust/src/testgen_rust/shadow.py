"""Make the shadow copy's manifests build where the project's build: path dependencies.

The shadow copy holds the project root only, so a ``path = "../shared"`` that leaves the root
points at nothing there. Such paths are rewritten, in the copy only, to the absolute path of
the directory the user's manifest names. Cargo only reads those directories (build output goes
to TestGen's own target dir), so the user's tree is never written.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from testgen.model import Workspace

from .manifest import find_manifests

PATH_VALUE = re.compile(r"""(?P<key>\bpath\s*=\s*)(?P<q>["'])(?P<value>[^"'\n]+)(?P=q)""")
_prepared: dict[str, dict[str, int]] = {}
"""Shadow root → manifest → mtime (ns) already checked, so each build re-reads nothing."""


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root + os.sep)


def localise_path_dependencies(workspace: Workspace) -> list[str]:
    """Rewrite path dependencies that leave the project root; returns the manifests changed
    (project-relative)."""
    root = workspace.root
    root_text = os.path.normpath(str(root))
    seen = _prepared.setdefault(str(root), {})
    changed = []
    for manifest in find_manifests(root, max_depth=8):
        try:
            stamp = manifest.stat().st_mtime_ns
        except OSError:
            continue
        key = str(manifest)
        if seen.get(key) == stamp:
            continue
        rel_dir = manifest.parent.relative_to(root)
        text = manifest.read_text(encoding="utf-8", errors="replace")

        def absolute(match: re.Match) -> str:
            value = match.group("value")
            if os.path.isabs(value):
                return match.group(0)
            if _inside(os.path.normpath(str(manifest.parent / value)), root_text):
                return match.group(0)
            original = os.path.normpath(str(workspace.project_root / rel_dir / value))
            if not os.path.exists(original):
                return match.group(0)
            return match.group("key") + json.dumps(original)

        new = PATH_VALUE.sub(absolute, text)
        if new != text:
            manifest.write_text(new, encoding="utf-8")
            changed.append(Path(manifest).relative_to(root).as_posix())
        seen[key] = manifest.stat().st_mtime_ns
    return changed
