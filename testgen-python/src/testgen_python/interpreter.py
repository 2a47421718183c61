"""Which Python runs the project's code: its own virtualenv when it has one, else ours.

The helper modules that run inside the sandbox (``_runner``, ``_probe``) are copied into a
private boot directory and reached through ``PYTHONPATH``, so the project's interpreter needs
nothing of TestGen installed and sees nothing of TestGen's dependencies.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from testgen.model import Workspace

VENV_DIRS = (".venv", "venv", "env")
BOOT_MODULES = ("_runner.py", "_probe.py")


@dataclass(frozen=True)
class Interpreter:
    executable: str
    """Path of the python binary to launch."""
    extra_path: tuple[str, ...] = ()
    """Directories appended to PYTHONPATH (our pytest/coverage for a venv that lacks them)."""
    source: str = "testgen"
    """``project venv`` or ``testgen``."""
    notes: tuple[str, ...] = field(default_factory=tuple)


def choose(root: Path, *, needs_pytest: bool) -> Interpreter:
    """The project's venv python when usable, else the interpreter running TestGen."""
    for name in VENV_DIRS:
        candidate = root / name / "bin" / "python"
        if not candidate.exists():
            continue
        version, has_tools = _inspect(str(candidate))
        if version is None:
            continue
        if not needs_pytest or has_tools:
            return Interpreter(str(candidate), source="project venv")
        if version == f"{sys.version_info[0]}.{sys.version_info[1]}":
            return Interpreter(str(candidate), extra_path=_our_site_dirs(),
                               source="project venv", notes=(
                                   "pytest/coverage borrowed from TestGen's environment",))
    return Interpreter(sys.executable)


@lru_cache(maxsize=16)
def _inspect(executable: str) -> tuple[str | None, bool]:
    code = ("import sys\ntry:\n import pytest, coverage\n ok=1\nexcept Exception:\n ok=0\n"
            "print('%d.%d %d' % (sys.version_info[0], sys.version_info[1], ok))")
    try:
        out = subprocess.run([executable, "-c", code], capture_output=True, text=True,
                             timeout=30).stdout.split()
    except (OSError, subprocess.SubprocessError):
        return None, False
    if len(out) != 2:
        return None, False
    return out[0], out[1] == "1"


def _our_site_dirs() -> tuple[str, ...]:
    import coverage
    import pytest

    dirs = []
    for module in (pytest, coverage):
        site = str(Path(module.__file__).resolve().parent.parent)
        if site not in dirs:
            dirs.append(site)
    return tuple(dirs)


def boot_dir(workspace: Workspace) -> Path:
    """A directory holding only ``testgen_python/{_runner,_probe}.py``, for PYTHONPATH."""
    boot = workspace.scratch / "boot"
    package = boot / "testgen_python"
    if not (package / BOOT_MODULES[-1]).exists():
        package.mkdir(parents=True, exist_ok=True)
        (package / "__init__.py").write_text("", encoding="utf-8")
        here = Path(__file__).resolve().parent
        for name in BOOT_MODULES:
            shutil.copyfile(here / name, package / name)
    return boot


def environment(workspace: Workspace, interpreter: Interpreter,
                extra: tuple[str, ...] = ()) -> dict[str, str]:
    path = [str(boot_dir(workspace)), *extra, *interpreter.extra_path]
    # Bytecode caching stays on: without it every launch recompiles pytest, coverage and the
    # project from source (seconds per launch when the environment was installed without .pyc).
    return {"PYTHONPATH": ":".join(path), "PYTHONDONTWRITEBYTECODE": "",
            "PYTHONIOENCODING": "utf-8"}
