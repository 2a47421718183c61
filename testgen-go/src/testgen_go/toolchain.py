"""Finding and calling the Go toolchain, and locating packages inside a workspace."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from testgen.errors import InputError
from testgen.model import Workspace

from .gomod import Module, find_module
from .shadow import module_env

GO_HINT = "install Go 1.21+ from https://go.dev/dl and make sure `go` is on PATH"
COMPILE_TIMEOUT = 240.0
"""Compiling is slow only on a cold build cache (the standard library); it runs no user code."""

DIAGNOSTIC = re.compile(r"^(?:vet: )?(?P<file>[^\s:][^:]*\.go):(?P<line>\d+)(?::(?P<col>\d+))?:"
                        r"\s*(?P<msg>.*)$")


def require_go(purpose: str) -> str:
    """Path of ``go``, or a TG205 error naming what to install."""
    found = shutil.which("go")
    if found is None:
        raise InputError(f"go is not installed (needed to {purpose})", code="TG205",
                         hint=GO_HINT)
    return found


def no_module_error(rel_file: str, project_root: Path) -> InputError:
    """TG206: a Go file outside any module cannot be built, probed or tested."""
    name = re.sub(r"[^a-z0-9._-]+", "-", project_root.name.lower()).strip("-") or "app"
    return InputError(
        f"{rel_file}: no go.mod at or above this file, so Go cannot build or test it",
        code="TG206",
        hint=f"make the project a Go module: `cd {project_root} && go mod init "
             f"example.com/{name} && go mod tidy`, then run TestGen again")


def gofmt(text: str) -> str | None:
    """``text`` formatted (and simplified, ``-s``) by gofmt, or ``None`` when gofmt is missing
    or rejects it."""
    exe = shutil.which("gofmt")
    if exe is None:
        return None
    try:
        proc = subprocess.run([exe, "-s"], input=text, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return proc.stdout if proc.returncode == 0 else None


@dataclass(frozen=True)
class PackageRef:
    """A package inside the workspace: its module and directory."""

    module: Module
    directory: Path
    """Absolute directory in the workspace."""
    rel_dir: str
    """Project-relative directory (``.`` for the root)."""

    @property
    def pattern(self) -> str:
        """The ``./dir`` pattern that names the package from the module root."""
        rel = self.directory.resolve().relative_to(self.module.root.resolve()).as_posix()
        return "." if rel == "." else f"./{rel}"

    @property
    def import_path(self) -> str:
        return self.module.import_path(self.directory)


def package_in_workspace(workspace: Workspace, rel_file: str) -> PackageRef | None:
    directory = workspace.path(rel_file).parent
    module = find_module(directory, stop=workspace.root)
    if module is None:
        return None
    rel_dir = Path(rel_file).parent.as_posix() or "."
    return PackageRef(module=module, directory=directory, rel_dir=rel_dir)


def go_env(workspace: Workspace, tags: tuple[str, ...] = ()) -> dict[str, str]:
    """Environment for ``go`` inside the sandbox: shared build cache, no VCS stamping, the
    custom build ``tags`` a file needs, and module references that lead out of the project
    resolved (see :mod:`.shadow`)."""
    flags = os.environ.get("GOFLAGS", "").split()
    if not any(f.startswith("-buildvcs") for f in flags):
        flags.append("-buildvcs=false")
    if tags:
        user = next((f for f in flags if f.startswith("-tags=")), None)
        merged = sorted(set(tags) | set(user[len("-tags="):].split(",") if user else ()))
        flags = [f for f in flags if f != user] + ["-tags=" + ",".join(t for t in merged if t)]
    env = {"GOFLAGS": " ".join(flags),
           "GOTOOLCHAIN": os.environ.get("GOTOOLCHAIN", "local"),
           "GOPROXY": os.environ.get("GOPROXY", "https://proxy.golang.org,direct")}
    if "GOCACHE" not in os.environ and "HOME" not in os.environ:
        env["GOCACHE"] = str((workspace.cache_dir or workspace.scratch) / "go-build")
    if "GOWORK" in os.environ:
        env["GOWORK"] = os.environ["GOWORK"]
    env.update(module_env(workspace))
    return env


def test_file_tags(test_files) -> tuple[str, ...]:
    """Custom build tags the generated test files need (they carry their source's
    ``//go:build`` line)."""
    from .buildtags import custom_tags

    found: set[str] = set()
    for test_file in test_files:
        found.update(custom_tags(PurePosixPath(test_file.path).name, test_file.content))
    return tuple(sorted(found))


def parse_diagnostics(output: str, base: Path) -> list[tuple[str, int, int, str]]:
    """(file relative to ``base`` or absolute, line, col, message) for each ``file:line:`` row."""
    found = []
    for raw in output.splitlines():
        line = raw.strip()
        match = DIAGNOSTIC.match(line)
        if not match:
            continue
        path = match.group("file")
        found.append((path, int(match.group("line")), int(match.group("col") or 0),
                      match.group("msg").strip()))
    return found


def resolve_path(path: str, cwd: Path) -> Path:
    candidate = Path(path)
    if not candidate.is_absolute():
        candidate = cwd / candidate
    return Path(os.path.normpath(candidate))
