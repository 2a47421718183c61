"""Run untrusted code safely: a shadow copy of the project and limited subprocesses.

Every subprocess that runs user code (probe, test runner, compiler) goes through
:func:`run_limited`: its own process group, a wall timeout after which the whole group is
killed, CPU and address-space limits, and an environment scrubbed of secrets. The project is
copied (never hard-linked: code under test that writes to a hard-linked file would change the
user's file) into a temp directory; heavy dependency directories are symlinked read-only.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Mapping, Sequence

from .model import ProcessResult, Workspace
from .scan import GLOBAL_IGNORES

# Variables a toolchain needs to find itself; everything else (API keys above all) is dropped.
ENV_ALLOWLIST = (
    "PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "TERM",
    "GOPATH", "GOROOT", "GOCACHE", "GOMODCACHE", "GOFLAGS", "GOPROXY", "GONOSUMDB", "GOSUMDB",
    "GOTOOLCHAIN", "CARGO_HOME", "RUSTUP_HOME", "RUSTUP_TOOLCHAIN", "CARGO_TARGET_DIR",
    "NODE_PATH", "NPM_CONFIG_CACHE", "VIRTUAL_ENV", "PYENV_ROOT", "PYENV_VERSION",
    "SSL_CERT_FILE", "SYSTEMROOT", "LLVM_PROFDATA", "LLVM_COV",
)
SECRET_MARKERS = ("KEY", "TOKEN", "SECRET", "PASSWORD", "CREDENTIAL", "AUTH")

# Dependency directories that are linked into the shadow copy instead of copied.
LINKED_DIRS = frozenset({"node_modules", ".venv", "venv", "vendor"})
# dist/ and build/ are not scanned for sources, but they are copied: they hold the code many
# packages ship (a `main` pointing into dist/), which their tests and the probes import.
COPY_SKIP = frozenset(GLOBAL_IGNORES - LINKED_DIRS - {"dist", "build"}) | {".testgen"}

OUTPUT_LIMIT = 2_000_000  # characters kept of each stream

_active: set[subprocess.Popen] = set()
_active_lock = threading.Lock()


def scrubbed_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k in ENV_ALLOWLIST and not any(m in k for m in SECRET_MARKERS)}
    env.setdefault("PATH", os.defpath)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["PYTHONHASHSEED"] = "0"
    env["NO_COLOR"] = "1"
    env.update(extra or {})
    return env


def _limits(cpu_seconds: int | None, memory_mb: int | None):
    def apply() -> None:
        import resource

        if cpu_seconds:
            resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))
        if memory_mb:
            limit = memory_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    return apply


def run_limited(argv: Sequence[str], *, cwd: Path, timeout: float = 60.0,
                env: Mapping[str, str] | None = None, memory_mb: int | None = 2048,
                stdin: str | None = None, cpu_seconds: int | None = None) -> ProcessResult:
    """Run ``argv`` in its own process group with limits; kill the group on timeout."""
    start = time.monotonic()
    cpu = cpu_seconds or max(5, int(timeout * 2))
    try:
        proc = subprocess.Popen(
            list(argv), cwd=str(cwd), env=scrubbed_env(env), text=True,
            encoding="utf-8", errors="replace",
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
            preexec_fn=_limits(cpu, memory_mb),
        )
    except FileNotFoundError as exc:
        return ProcessResult(tuple(argv), 127, "", f"command not found: {exc.filename}",
                             time.monotonic() - start, killed_reason="not found")
    with _active_lock:
        _active.add(proc)
    timed_out = False
    try:
        out, err = proc.communicate(stdin, timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        _kill_group(proc)
        out, err = proc.communicate()
    finally:
        # Children that outlived their parent (daemonised, orphaned) go too.
        _kill_group(proc)
        with _active_lock:
            _active.discard(proc)
    reason = ""
    if timed_out:
        reason = f"timeout after {timeout:g}s"
    elif proc.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        reason = "killed (CPU limit)"
    elif "MemoryError" in (err or "")[-2000:]:
        reason = "memory limit"
    return ProcessResult(tuple(argv), proc.returncode, (out or "")[:OUTPUT_LIMIT],
                         (err or "")[:OUTPUT_LIMIT], time.monotonic() - start,
                         timed_out=timed_out, killed_reason=reason)


def kill_all() -> None:
    """Kill every sandboxed process group still running (on Ctrl-C)."""
    with _active_lock:
        procs = list(_active)
    for proc in procs:
        _kill_group(proc)


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _copy_tree(src: Path, dst: Path) -> None:
    """Copy ``src`` into ``dst``; link dependency dirs; skip VCS and caches; keep symlinks."""
    dst.mkdir(parents=True, exist_ok=True)
    with os.scandir(src) as entries:
        for entry in entries:
            target = dst / entry.name
            if entry.is_symlink():
                try:
                    os.symlink(os.readlink(entry.path), target)
                except OSError:
                    pass
            elif entry.is_dir(follow_symlinks=False):
                if entry.name in LINKED_DIRS:
                    os.symlink(entry.path, target)
                elif entry.name not in COPY_SKIP:
                    _copy_tree(Path(entry.path), target)
            elif entry.is_file(follow_symlinks=False):
                try:
                    shutil.copy2(entry.path, target)
                except OSError:
                    pass  # unreadable files stay out of the shadow copy


@contextmanager
def shadow_workspace(project_root: Path, *, timeout: float = 60.0,
                     cache_dir: Path | None = None, keep: bool = False) -> Iterator[Workspace]:
    """A shadow copy of ``project_root`` with a sandboxed runner, removed afterwards."""
    base = Path(tempfile.mkdtemp(prefix="testgen-"))
    root = base / project_root.name
    scratch = base / ".scratch"
    scratch.mkdir()
    _copy_tree(project_root, root)

    def runner(argv, *, cwd, timeout, env, memory_mb, stdin):
        return run_limited(argv, cwd=cwd, timeout=timeout, env=env, memory_mb=memory_mb,
                           stdin=stdin)

    workspace = Workspace(root=root, project_root=project_root, scratch=scratch,
                          runner=runner, timeout=timeout, cache_dir=cache_dir)
    try:
        yield workspace
    finally:
        if not keep:
            shutil.rmtree(base, ignore_errors=True)


def rebuild(workspace: Workspace) -> None:
    """Copy the project afresh into ``workspace.root`` (after code under test damaged it)."""
    shutil.rmtree(workspace.root, ignore_errors=True)
    _copy_tree(workspace.project_root, workspace.root)


__all__ = ["kill_all", "rebuild", "run_limited", "scrubbed_env", "shadow_workspace"]
