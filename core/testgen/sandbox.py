"""Run untrusted code safely: a shadow copy of the project and sandboxed subprocesses.

Every subprocess that runs user code (probe, test runner, compiler) goes through
:func:`run_limited`. Where bubblewrap works (Linux), it runs in new user, PID, network, IPC and
mount namespaces: the whole filesystem read-only, credential locations hidden, a private
``/proc`` (no ancestor's environment or working directory is reachable), a private ``/tmp``, no
network, and only the shadow copy and TestGen's build cache writable; at a timeout the whole
PID namespace dies. Elsewhere (macOS, containers without user namespaces) the fallback is its
own process group killed as a whole, CPU and address-space limits and an environment scrubbed
of secrets. The project is copied (never hard-linked: code under test that writes to a
hard-linked file would change the user's file) into a temp directory named after the owning
process, so copies left by a killed run are swept at the next start.
"""

from __future__ import annotations

import atexit
import itertools
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Mapping, Sequence

from .model import ProcessResult, Workspace
from .scan import GLOBAL_IGNORES

# Variables every program needs; each language adds its toolchain's (Language.env_passthrough).
# Everything else (API keys above all) is dropped.
ENV_ALLOWLIST = (
    "PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "TERM", "SSL_CERT_FILE",
    "SYSTEMROOT",
)
SECRET_MARKERS = ("KEY", "TOKEN", "SECRET", "PASSWORD", "CREDENTIAL", "AUTH")

# Places in the home directory that hold credentials: hidden (empty) inside the OS sandbox.
CREDENTIAL_PATHS = (
    ".ssh", ".aws", ".azure", ".gnupg", ".kube", ".docker", ".netrc", ".git-credentials",
    ".npmrc", ".pypirc", ".config/gh", ".config/gcloud", ".config/hub", ".config/git",
    ".local/share/keyrings", ".local/share/python_keyring", ".password-store",
)

# Dependency directories that are linked into the shadow copy instead of copied.
LINKED_DIRS = frozenset({"node_modules", ".venv", "venv", "vendor"})
# dist/ and build/ are not scanned for sources, but they are copied: they hold the code many
# packages ship (a `main` pointing into dist/), which their tests and the probes import.
COPY_SKIP = frozenset(GLOBAL_IGNORES - LINKED_DIRS - {"dist", "build"}) | {".testgen"}

OUTPUT_LIMIT = 2_000_000  # characters kept of each stream
SHADOW_PREFIX = "testgen-"
_SHADOW_NAME = re.compile(rf"^{SHADOW_PREFIX}(\d+)-")

RUN_MARKER = "TESTGEN_SANDBOX_RUN"

_active: set[subprocess.Popen] = set()
_active_lock = threading.Lock()
_run_ids = itertools.count(1)
_stopping = threading.Event()


# --------------------------------------------------------------------------- which sandbox


@dataclass(frozen=True)
class Sandbox:
    """The isolation in force for this run: ``bubblewrap`` or ``limited``."""

    kind: str
    detail: str = ""

    @property
    def isolated(self) -> bool:
        return self.kind == "bubblewrap"

    def describe(self) -> str:
        if self.isolated:
            return "sandbox: bubblewrap"
        return f"sandbox: limited — install bubblewrap ({self.detail})" if self.detail \
            else "sandbox: limited — install bubblewrap"

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "detail": self.detail}


_sandbox: Sandbox | None = None
_sandbox_lock = threading.Lock()
_announced = False


def sandbox_in_force() -> Sandbox:
    """Which sandbox runs user code in this process (probed once: ``bwrap … true``).

    ``TESTGEN_SANDBOX=limited`` chooses the fallback on purpose (benchmarks, debugging).
    """
    global _sandbox
    with _sandbox_lock:
        if _sandbox is None:
            _sandbox = _probe_sandbox()
        return _sandbox


def use_sandbox(sandbox: Sandbox | None) -> None:
    """Choose the sandbox for the rest of the process (``None``: probe again). For benchmarks
    that compare the sandboxes within one run."""
    global _sandbox
    with _sandbox_lock:
        _sandbox = sandbox


def announce(echo) -> None:
    """Say once per run which sandbox is in force (``echo`` prints a line to stderr)."""
    global _announced
    if not _announced:
        _announced = True
        echo(sandbox_in_force().describe())


def _reset_for_tests() -> None:
    global _sandbox, _announced
    with _sandbox_lock:
        _sandbox, _announced = None, False


def _probe_sandbox() -> Sandbox:
    if os.environ.get("TESTGEN_SANDBOX", "").lower() in ("limited", "off", "none"):
        return Sandbox("limited", "TESTGEN_SANDBOX=limited")
    if not sys.platform.startswith("linux"):
        return Sandbox("limited", f"no bubblewrap on {sys.platform}")
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return Sandbox("limited", "bwrap not found on PATH")
    argv = _bwrap_argv(bwrap, ["true"], cwd=Path("/"), writable=())
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=20,
                              env=scrubbed_env())
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Sandbox("limited", f"bwrap does not start: {exc}")
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or [f"exit {done.returncode}"])[-1]
        return Sandbox("limited", f"bwrap does not work here: {reason[:160]}")
    return Sandbox("bubblewrap", bwrap)


def _hidden_paths() -> list[Path]:
    """Credential locations and TestGen's own configuration (it may hold keys)."""
    home = Path.home()
    hidden = [home / rel for rel in CREDENTIAL_PATHS]
    try:
        from .config import user_config_dir

        hidden.append(user_config_dir())
    except Exception:  # noqa: BLE001 - a broken platformdirs must not disable the sandbox
        pass
    return [p for p in hidden if os.path.lexists(p)]


def _installations(argv: Sequence[str]) -> list[str]:
    """Where the programs a launch needs are installed, when the private /tmp would hide them:
    the interpreter running TestGen and every directory on its path (a CI job's checkout and
    venv often live in /tmp, and plugins launch harness files from their packages), and the
    command's own directory."""
    places = {sys.prefix, sys.base_prefix, sys.exec_prefix, *(p for p in sys.path if p)}
    if argv and os.sep in argv[0]:
        places.add(os.path.dirname(os.path.realpath(argv[0])))
    tmp = os.path.realpath("/tmp") + os.sep
    return sorted(p for p in {os.path.realpath(p) for p in places}
                  if (p + os.sep).startswith(tmp) and os.path.isdir(p))


def _bwrap_argv(bwrap: str, argv: Sequence[str], *, cwd: Path, writable: Sequence[Path],
                readonly: Sequence[Path] = ()) -> list[str]:
    out = [bwrap, "--unshare-user-try", "--unshare-pid", "--unshare-net", "--unshare-ipc",
           "--unshare-uts", "--unshare-cgroup-try", "--die-with-parent", "--new-session",
           "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"]
    # After the tmpfs on /tmp: the shadow copy usually lives there, and a project there stays
    # visible (read-only) for the dependency directories the copy links to.
    for path in (*_installations(argv), *readonly):
        real = os.path.realpath(path)
        if os.path.isdir(real):
            out += ["--ro-bind", real, real]
    for path in _hidden_paths():  # after the project: one may lie inside it
        if path.is_dir() and not path.is_symlink():
            out += ["--tmpfs", str(path)]
        else:
            out += ["--ro-bind", "/dev/null", str(path)]
    seen: set[str] = set()
    for path in writable:
        real = os.path.realpath(path)
        if real in seen or not os.path.isdir(real):
            continue
        seen.add(real)
        out += ["--bind", real, real]
    out += ["--chdir", str(cwd), "--", *argv]
    return out


# --------------------------------------------------------------------------- running


def scrubbed_env(extra: Mapping[str, str] | None = None,
                 passthrough: Sequence[str] = ()) -> dict[str, str]:
    """TestGen's environment reduced to :data:`ENV_ALLOWLIST` and ``passthrough``, never a
    variable whose name looks like a secret, plus ``extra``."""
    keep = set(ENV_ALLOWLIST) | set(passthrough)
    env = {k: v for k, v in os.environ.items()
           if k in keep and not any(m in k for m in SECRET_MARKERS)}
    env.setdefault("PATH", os.defpath)
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
                stdin: str | None = None, cpu_seconds: int | None = None,
                writable: Sequence[Path] | None = None, readonly: Sequence[Path] = (),
                cache_home: Path | None = None, sandbox: Sandbox | None = None,
                passthrough: Sequence[str] = ()) -> ProcessResult:
    """Run ``argv`` sandboxed, in its own process group with limits; kill it all on timeout.

    Under bubblewrap only ``writable`` (default: ``cwd``) can be written, and tools keep their
    caches under ``cache_home`` (``XDG_CACHE_HOME``, one of the writable places).
    """
    start = time.monotonic()
    if _stopping.is_set():
        return ProcessResult(tuple(argv), -signal.SIGKILL, "", "not started: interrupted", 0.0,
                             killed_reason="interrupted")
    cpu = cpu_seconds or max(5, int(timeout * 2))
    sandbox = sandbox or sandbox_in_force()
    child_env = scrubbed_env(env, passthrough)
    command = list(argv)
    if sandbox.isolated:
        places = list(writable if writable is not None else (cwd,))
        if cache_home is not None:
            cache_home.mkdir(parents=True, exist_ok=True)
            child_env.setdefault("XDG_CACHE_HOME", str(cache_home))
            places.append(cache_home)
        child_env["TMPDIR"] = "/tmp"
        resolved = shutil.which(command[0], path=child_env.get("PATH")) if command else None
        if resolved is None and command and os.sep not in command[0]:
            return ProcessResult(tuple(argv), 127, "", f"command not found: {command[0]}",
                                 time.monotonic() - start, killed_reason="not found")
        command = _bwrap_argv(sandbox.detail, command, cwd=cwd, writable=places,
                              readonly=readonly)
    # Output goes to files, not pipes: a detached child holding a pipe open would keep the
    # read waiting long after the process itself ended.
    marker = f"{os.getpid()}-{next(_run_ids)}"
    child_env[RUN_MARKER] = marker
    with tempfile.TemporaryFile() as out_file, tempfile.TemporaryFile() as err_file:
        try:
            proc = subprocess.Popen(
                command, cwd=str(cwd), env=child_env,
                stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                stdout=out_file, stderr=err_file, start_new_session=True,
                preexec_fn=_limits(cpu, memory_mb),
            )
        except FileNotFoundError as exc:
            return ProcessResult(tuple(argv), 127, "", f"command not found: {exc.filename}",
                                 time.monotonic() - start, killed_reason="not found")
        with _active_lock:
            _active.add(proc)
        timed_out = False
        try:
            proc.communicate(stdin.encode("utf-8") if stdin is not None else None,
                             timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            _kill_group(proc)
            proc.wait()
        finally:
            # Children that outlived their parent (daemonised, detached) go too; under
            # bubblewrap the PID namespace has died with its init already.
            _kill_group(proc)
            if not sandbox.isolated:
                _kill_marked(marker)
            with _active_lock:
                _active.discard(proc)
        out, err = _read_back(out_file), _read_back(err_file)
    reason = ""
    if timed_out:
        reason = f"timeout after {timeout:g}s"
    elif proc.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        reason = "killed (CPU limit)"
    elif "MemoryError" in err[-2000:]:
        reason = "memory limit"
    return ProcessResult(tuple(argv), proc.returncode, out, err, time.monotonic() - start,
                         timed_out=timed_out, killed_reason=reason)


def _read_back(handle) -> str:
    handle.seek(0)
    return handle.read(OUTPUT_LIMIT * 4).decode("utf-8", errors="replace")[:OUTPUT_LIMIT]


def _marked_processes() -> Iterator[tuple[int, str]]:
    """``(pid, launch marker)`` of every other process carrying a launch marker in its
    environment; nothing without ``/proc`` (macOS)."""
    prefix = f"{RUN_MARKER}=".encode()
    try:
        pids = [int(n) for n in os.listdir("/proc") if n.isdigit()]
    except OSError:
        return
    for pid in pids:
        if pid == os.getpid():
            continue
        try:
            with open(f"/proc/{pid}/environ", "rb") as handle:
                items = handle.read().split(b"\0")
        except OSError:
            continue
        for item in items:
            if item.startswith(prefix):
                yield pid, item[len(prefix):].decode("utf-8", errors="replace")
                break


def _kill_marked(marker: str) -> None:
    """Fallback sandbox: kill every process still carrying this launch's marker in its
    environment (children that left the process group with ``setsid``)."""
    for _ in range(3):  # a child may fork while the first sweep runs
        found = False
        for pid, found_marker in _marked_processes():
            if found_marker != marker:
                continue
            try:
                os.kill(pid, signal.SIGKILL)
                found = True
            except OSError:
                continue
        if not found:
            return


def kill_all() -> None:
    """Stop: kill every sandboxed process still running, and launch no new one."""
    _stopping.set()
    with _active_lock:
        procs = list(_active)
    for proc in procs:
        _kill_group(proc)


def stopping() -> bool:
    """Whether :func:`kill_all` was called (the run is being interrupted)."""
    return _stopping.is_set()


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _copy_tree(src: Path, dst: Path) -> None:
    """Copy ``src`` into ``dst``; link dependency dirs; skip VCS and caches; keep symlinks."""
    dst.mkdir(parents=True, exist_ok=True)
    try:
        listing = list(os.scandir(src))
    except OSError:
        return  # an unreadable directory stays out of the shadow copy, as the scan skips it
    for entry in listing:
        target = dst / entry.name
        if entry.is_symlink():
            if _loops(entry.path):
                continue  # `sub/up -> ..`: test runners would walk it forever
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


def build_cache_dir() -> Path:
    """TestGen's cache for toolchain build products (build caches, target dirs): the only
    persistent place sandboxed processes may write to, so the response cache and the user's
    own toolchain caches stay out of their reach. One per user (``TESTGEN_BUILD_CACHE``
    overrides it), shared by every project and by runs with their own ``TESTGEN_CACHE_DIR``,
    since a cold build cache costs tens of seconds per language."""
    raw = os.environ.get("TESTGEN_BUILD_CACHE")
    if raw:
        path = Path(raw).expanduser()
    else:
        import platformdirs

        path = Path(platformdirs.user_cache_dir("testgen")) / "build"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _loops(link: str) -> bool:
    """Whether a symlink points at a directory that contains it (a cycle)."""
    try:
        resolved = os.path.realpath(link)
        if not os.path.isdir(resolved):
            return False
        here = os.path.realpath(os.path.dirname(link))
    except OSError:
        return True
    return here == resolved or here.startswith(resolved.rstrip(os.sep) + os.sep)


@contextmanager
def shadow_workspace(project_root: Path, *, timeout: float = 60.0,
                     cache_dir: Path | None = None, keep: bool = False,
                     passthrough: Sequence[str] = ()) -> Iterator[Workspace]:
    """A shadow copy of ``project_root`` with a sandboxed runner, removed afterwards.
    ``passthrough``: environment variables the languages' toolchains read."""
    sweep_stale()
    base = Path(tempfile.mkdtemp(prefix=f"{SHADOW_PREFIX}{os.getpid()}-"))
    with _bases_lock:
        _bases.add(base)
    try:
        root = base / project_root.name
        scratch = base / ".scratch"
        scratch.mkdir()
        _copy_tree(project_root, root)
        cache = cache_dir if cache_dir is not None else build_cache_dir()
        writable = (base, cache)
        readonly: list[Path] = []  # Workspace.readonly: plugins add to it

        def runner(argv, *, cwd, timeout, env, memory_mb, stdin):
            return run_limited(argv, cwd=cwd, timeout=timeout, env=env, memory_mb=memory_mb,
                               stdin=stdin, writable=writable,
                               readonly=(project_root, *readonly), cache_home=cache / "xdg",
                               passthrough=passthrough)

        workspace = Workspace(root=root, project_root=project_root, scratch=scratch,
                              runner=runner, timeout=timeout, cache_dir=cache,
                              readonly=readonly)
        yield workspace
    finally:
        if not keep:
            remove_shadow(base)
        else:
            with _bases_lock:
                _bases.discard(base)


def remove_shadow(base: Path) -> None:
    """Delete a shadow copy, even one whose code under test made directories read-only."""
    def unlock(function, path, _exc) -> None:
        try:
            os.chmod(os.path.dirname(path), 0o700)
            os.chmod(path, 0o700)
            function(path)
        except OSError:
            pass

    if sys.version_info >= (3, 12):
        shutil.rmtree(base, onexc=unlock)
    else:
        shutil.rmtree(base, onerror=unlock)
    with _bases_lock:
        _bases.discard(base)


def remove_all_shadows() -> None:
    """Delete every shadow copy of this process (at exit, whatever ended the run)."""
    with _bases_lock:
        bases = list(_bases)
    for base in bases:
        remove_shadow(base)


_bases: set[Path] = set()
_bases_lock = threading.Lock()
_swept = False
atexit.register(remove_all_shadows)


def sweep_stale(directory: Path | None = None) -> list[Path]:
    """Remove shadow copies whose owning process is gone (a run killed with SIGKILL)."""
    global _swept
    if _swept and directory is None:
        return []
    _swept = True
    if directory is None:
        _kill_orphans()
    removed = []
    where = directory or Path(tempfile.gettempdir())
    try:
        entries = list(os.scandir(where))
    except OSError:
        return []
    for entry in entries:
        match = _SHADOW_NAME.match(entry.name)
        if not match or not entry.is_dir(follow_symlinks=False):
            continue
        if _alive(int(match.group(1))):
            continue
        remove_shadow(Path(entry.path))
        removed.append(Path(entry.path))
    return removed


def _kill_orphans() -> None:
    """Fallback sandbox: processes of launches whose TestGen process died (``SIGKILL``) and
    that left their process group; found by the launch marker in their environment."""
    for pid, marker in _marked_processes():
        owner = marker.split("-")[0]
        if owner.isdigit() and not _alive(int(owner)):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def rebuild(workspace: Workspace) -> None:
    """Copy the project afresh into ``workspace.root`` (after code under test damaged it)."""
    remove_shadow(workspace.root)
    _copy_tree(workspace.project_root, workspace.root)


__all__ = ["Sandbox", "announce", "kill_all", "rebuild", "remove_all_shadows", "run_limited",
           "sandbox_in_force", "scrubbed_env", "shadow_workspace", "sweep_stale", "use_sandbox"]
