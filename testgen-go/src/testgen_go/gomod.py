"""Read ``go.mod`` and ``go.work`` files: module path, Go version, requirements, workspace uses."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

TESTIFY = "github.com/stretchr/testify"


@dataclass(frozen=True)
class Module:
    """A Go module: the directory of its ``go.mod`` and what the file says."""

    root: Path
    path: str
    go_version: str = ""
    requires: dict[str, str] = field(default_factory=dict)

    @property
    def uses_testify(self) -> bool:
        return TESTIFY in self.requires

    def go_at_least(self, minor: int) -> bool:
        """Whether the ``go`` directive is at least ``1.<minor>`` (unknown counts as yes)."""
        match = re.match(r"1\.(\d+)", self.go_version)
        return match is None or int(match.group(1)) >= minor

    def import_path(self, directory: Path) -> str:
        """Import path of the package in ``directory`` (inside this module)."""
        rel = directory.resolve().relative_to(self.root.resolve()).as_posix()
        return self.path if rel == "." else f"{self.path}/{rel}"


def _strip_comment(line: str) -> str:
    return line.split("//", 1)[0].strip()


def parse_go_mod(text: str, root: Path) -> Module:
    path = ""
    version = ""
    requires: dict[str, str] = {}
    in_require = False
    for raw in text.splitlines():
        line = _strip_comment(raw)
        if not line:
            continue
        if in_require:
            if line == ")":
                in_require = False
                continue
            parts = line.split()
            if len(parts) >= 2:
                requires[parts[0]] = parts[1]
            continue
        if line.startswith("module "):
            path = line.split(None, 1)[1].strip().strip('"')
        elif line.startswith("go "):
            version = line.split(None, 1)[1].strip()
        elif line.startswith("require"):
            rest = line[len("require"):].strip()
            if rest == "(":
                in_require = True
            else:
                parts = rest.split()
                if len(parts) >= 2:
                    requires[parts[0]] = parts[1]
    return Module(root=root, path=path, go_version=version, requires=requires)


@lru_cache(maxsize=256)
def _read_module(go_mod: Path, mtime: float) -> Module:
    return parse_go_mod(go_mod.read_text(encoding="utf-8", errors="replace"), go_mod.parent)


def read_module(go_mod: Path) -> Module | None:
    try:
        return _read_module(go_mod, go_mod.stat().st_mtime)
    except OSError:
        return None


def find_module(directory: Path, stop: Path | None = None) -> Module | None:
    """The module whose ``go.mod`` is at or above ``directory`` (not above ``stop``)."""
    directory = directory.resolve()
    stop = stop.resolve() if stop is not None else None
    for candidate in (directory, *directory.parents):
        go_mod = candidate / "go.mod"
        if go_mod.is_file():
            return read_module(go_mod)
        if stop is not None and candidate == stop:
            break
    return None


def parse_go_work(text: str) -> dict[str, object]:
    """``{"go": "1.22", "use": ["./a", "./b"]}`` from a ``go.work`` file."""
    version = ""
    uses: list[str] = []
    in_use = False
    for raw in text.splitlines():
        line = _strip_comment(raw)
        if not line:
            continue
        if in_use:
            if line == ")":
                in_use = False
            else:
                uses.append(line.strip('"'))
            continue
        if line.startswith("go "):
            version = line.split(None, 1)[1].strip()
        elif line.startswith("use"):
            rest = line[3:].strip()
            if rest == "(":
                in_use = True
            elif rest:
                uses.append(rest.strip('"'))
    return {"go": version, "use": uses}
