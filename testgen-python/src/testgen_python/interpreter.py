"""Which Python runs the project's code, and how it reaches the shadow copy.

The interpreter is, first found first: ``--python`` / ``languages.python.interpreter``; the
active ``VIRTUAL_ENV`` (unless it is TestGen's own); the project's ``.venv``/``venv``/``env``;
``UV_PROJECT_ENVIRONMENT``; Poetry's environment (``poetry env info -p``) for a Poetry project;
the version named by ``.python-version`` (pyenv); and last the interpreter running TestGen.

The helpers that run inside the sandbox (``_runner``, ``_redirect`` and the ``harness``
package) are copied into a private boot directory reached through ``PYTHONPATH``; its ``sitecustomize``
moves the project's imports to the shadow copy (see ``_redirect``). TestGen's own
site-packages are never put on the project's path: when the environment lacks pytest or
coverage, a private overlay holding only those distributions and their dependencies is
appended *after* the environment's own packages.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

from testgen.errors import InputError
from testgen.model import Workspace

from ._redirect import ENV as REDIRECT_ENV

LANGUAGE = "python"
VENV_DIRS = (".venv", "venv", "env")
BOOT_MODULES = ("_runner.py", "_redirect.py")
BOOT_PACKAGES = ("harness",)
TOOLS = ("pytest", "coverage")


@dataclass(frozen=True)
class Interpreter:
    executable: str
    """Path of the python binary to launch."""
    source: str = "TestGen's own interpreter"
    """Why it was chosen (``the project's .venv``, ``--python``)."""
    version: str = ""
    """``major.minor``."""
    missing: tuple[str, ...] = ()
    """Test tools the environment lacks (of pytest, coverage)."""
    overlay: str | None = None
    """Directory holding the missing tools, appended to ``sys.path`` after the project's."""

    def describe(self) -> str:
        text = f"{self.executable} (Python {self.version}, {self.source})"
        if self.overlay and self.missing:
            text += f"; {' and '.join(self.missing)} from TestGen's private overlay"
        return text


@dataclass(frozen=True)
class _Facts:
    version: str
    has: tuple[str, ...]
    prefix: str


def choose(workspace: Workspace, *, needs_pytest: bool) -> Interpreter:
    """The interpreter for the project; with ``needs_pytest`` it can run pytest + coverage."""
    chosen, prefix = locate(Path(workspace.project_root),
                            workspace.language_settings(LANGUAGE))
    if prefix:
        _make_readable(workspace, prefix)
    if needs_pytest and chosen.missing:
        overlay = tools_overlay(workspace, chosen)
        chosen = Interpreter(chosen.executable, chosen.source, chosen.version, chosen.missing,
                             str(overlay))
    return chosen


def locate(root: Path, settings: Mapping[str, Any]) -> tuple[Interpreter, str]:
    """The project's interpreter, first found first (see the module docstring), and its
    ``sys.prefix``; nothing is prepared (no overlay, no sandbox binding)."""
    for executable, source, configured in _candidates(root, settings):
        facts = _inspect(executable)
        if facts is None:
            if configured:
                raise InputError(f"the Python interpreter {executable} ({source}) cannot be "
                                 f"run", code="TG205",
                                 hint="point --python (or languages.python.interpreter) at a "
                                      "python executable or a virtualenv directory")
            continue
        missing = tuple(t for t in TOOLS if t not in facts.has)
        return Interpreter(executable, source, facts.version, missing), facts.prefix
    facts = _inspect(sys.executable)
    return Interpreter(sys.executable, version=facts.version if facts else "",
                       missing=tuple(t for t in TOOLS if facts and t not in facts.has)), ""


def _make_readable(workspace: Workspace, prefix: str) -> None:
    """An environment outside the project must stay visible inside the sandbox."""
    path = Path(prefix)
    root = Path(workspace.project_root)
    if path == root or root in path.parents or path in workspace.readonly:
        return
    workspace.readonly.append(path)


def _candidates(root: Path, settings: Mapping[str, Any]):
    configured = settings.get("interpreter")
    if configured:
        path = Path(str(configured)).expanduser()
        path = Path(os.path.normpath(path if path.is_absolute() else root / path))
        yield _executable_in(path), f"--python / languages.{LANGUAGE}.interpreter", True
        return
    active = os.environ.get("VIRTUAL_ENV")
    if active and not _same_path(active, sys.prefix):
        yield _executable_in(Path(active)), "VIRTUAL_ENV", False
    for name in VENV_DIRS:
        candidate = root / name
        if (candidate / "pyvenv.cfg").is_file() or _executable_in(candidate) != str(candidate):
            executable = _executable_in(candidate)
            if Path(executable).exists():
                yield executable, f"the project's {name}", False
    uv_env = os.environ.get("UV_PROJECT_ENVIRONMENT")
    if uv_env:
        path = Path(uv_env) if Path(uv_env).is_absolute() else root / uv_env
        yield _executable_in(path), "UV_PROJECT_ENVIRONMENT", False
    poetry = _poetry_env(str(root))
    if poetry:
        yield _executable_in(Path(poetry)), "Poetry's environment (poetry env info -p)", False
    pinned = _python_version_file(root)
    if pinned:
        yield pinned, ".python-version", False


def _executable_in(path: Path) -> str:
    """A python executable, or the one inside a virtualenv / installation directory."""
    if path.is_dir():
        for rel in ("bin/python", "bin/python3", "Scripts/python.exe"):
            if (path / rel).exists():
                return str(path / rel)
    return str(path)


def _same_path(a: str, b: str) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve()
    except OSError:
        return False


@lru_cache(maxsize=16)
def _poetry_env(root: str) -> str | None:
    if not (Path(root) / "poetry.lock").is_file() or shutil.which("poetry") is None:
        return None
    try:
        done = subprocess.run(["poetry", "env", "info", "-p"], cwd=root, capture_output=True,
                              text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    path = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    return path if done.returncode == 0 and path and Path(path).is_dir() else None


def _python_version_file(root: Path) -> str | None:
    for directory in (root, *root.parents):
        pinned = directory / ".python-version"
        if pinned.is_file():
            break
    else:
        return None
    try:
        wanted = pinned.read_text(encoding="utf-8").split()[0].strip()
    except (OSError, IndexError):
        return None
    versions = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv") / "versions"
    if (versions / wanted / "bin" / "python").exists():
        return str(versions / wanted / "bin" / "python")
    if versions.is_dir():
        matches = sorted((p for p in versions.iterdir() if p.name.startswith(wanted + ".")),
                         key=lambda p: [int(x) if x.isdigit() else 0
                                        for x in p.name.split(".")])
        if matches and (matches[-1] / "bin" / "python").exists():
            return str(matches[-1] / "bin" / "python")
    return shutil.which(f"python{wanted}")


_INSPECT = r"""
import importlib.util, json, sys
print(json.dumps({"version": "%d.%d" % sys.version_info[:2], "prefix": sys.prefix,
                  "has": [t for t in sys.argv[1:] if importlib.util.find_spec(t)]}))
"""


@lru_cache(maxsize=16)
def _inspect(executable: str) -> _Facts | None:
    try:
        done = subprocess.run([executable, "-I", "-c", _INSPECT, *TOOLS], capture_output=True,
                              text=True, timeout=30)
        data = json.loads(done.stdout.strip().splitlines()[-1])
    except (OSError, subprocess.SubprocessError, ValueError, IndexError):
        return None
    return _Facts(data["version"], tuple(data["has"]), data["prefix"])


# --------------------------------------------------------------------------- tools overlay


def tools_overlay(workspace: Workspace, chosen: Interpreter) -> Path:
    """A directory with only the missing tools and their dependencies, copied from TestGen's
    environment, in TestGen's cache (built once per Python version and tool versions)."""
    return _overlay(_cache_dir(workspace), chosen)


@lru_cache(maxsize=8)
def _overlay(cache: Path, chosen: Interpreter) -> Path:
    from importlib import metadata

    dists = _closure(chosen.missing, chosen.version)
    install = (f"{chosen.executable} -m pip install {' '.join(chosen.missing)}  (or pass "
               f"--python with an environment that has them)")
    for dist in dists:
        if not _supports(dist, chosen.version):
            raise InputError(
                f"{' and '.join(chosen.missing)} missing from {chosen.describe()}, and "
                f"TestGen's {dist.metadata['Name']} {dist.version} does not support Python "
                f"{chosen.version}", code="TG205", hint=install)
    key = hashlib.sha256(json.dumps([chosen.version] + sorted(
        f"{d.metadata['Name']}=={d.version}" for d in dists)).encode()).hexdigest()[:12]
    base = cache / "python-tools" / f"py{chosen.version}-{key}"
    if (base / ".complete").is_file():
        return base
    tmp = base.with_name(f"{base.name}.tmp{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        for dist in dists:
            for file in dist.files or ():
                parts = Path(str(file)).parts
                if not parts or parts[0] == ".." or "__pycache__" in parts:
                    continue
                source = Path(str(dist.locate_file(file)))
                if source.is_file():
                    target = tmp / Path(*parts)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(source, target)
        (tmp / ".complete").write_text("\n".join(sorted(
            f"{d.metadata['Name']}=={d.version}" for d in dists)) + "\n", encoding="utf-8")
        try:
            os.replace(tmp, base)
        except OSError:  # another process built it first
            shutil.rmtree(tmp, ignore_errors=True)
    except (OSError, metadata.PackageNotFoundError) as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise InputError(f"{' and '.join(chosen.missing)} missing from {chosen.describe()}, "
                         f"and the private overlay could not be built ({exc})", code="TG205",
                         hint=install) from None
    return base


def _closure(names: tuple[str, ...], version: str) -> list:
    """The distributions of ``names`` in TestGen's environment and their dependencies, as
    they apply to Python ``version``."""
    from importlib import metadata

    from packaging.requirements import Requirement

    environment = {"python_version": version, "python_full_version": f"{version}.0",
                   "extra": ""}
    seen: dict[str, object] = {}
    todo = list(names)
    while todo:
        name = todo.pop()
        key = name.lower().replace("_", "-").replace(".", "-")
        if key in seen:
            continue
        dist = metadata.distribution(name)
        seen[key] = dist
        for line in dist.requires or ():
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate(environment):
                todo.append(requirement.name)
    return list(seen.values())


def _supports(dist, version: str) -> bool:
    from packaging.specifiers import SpecifierSet

    wanted = dist.metadata.get("Requires-Python")
    return not wanted or SpecifierSet(wanted).contains(f"{version}.0", prereleases=True)


def _cache_dir(workspace: Workspace) -> Path:
    if workspace.cache_dir is not None:
        return Path(workspace.cache_dir)
    override = os.environ.get("TESTGEN_CACHE_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_cache_dir("testgen"))


# --------------------------------------------------------------------------- launching


def boot_dir(workspace: Workspace) -> Path:
    """``testgen_python/{_runner,_redirect}.py``, the ``testgen_python/harness/`` package and
    the ``sitecustomize`` that redirects the project's imports, for PYTHONPATH."""
    boot = workspace.scratch / "boot"
    package = boot / "testgen_python"
    if not (boot / "sitecustomize.py").exists():
        package.mkdir(parents=True, exist_ok=True)
        (package / "__init__.py").write_text("", encoding="utf-8")
        here = Path(__file__).resolve().parent
        for name in BOOT_MODULES:
            shutil.copyfile(here / name, package / name)
        for name in BOOT_PACKAGES:
            shutil.copytree(here / name, package / name, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copyfile(here / "_sitecustomize.py", boot / "sitecustomize.py")
    return boot


def environment(workspace: Workspace, interpreter: Interpreter,
                extra: tuple[str, ...] = ()) -> dict[str, str]:
    path = [str(boot_dir(workspace)), *extra]
    redirect = [str(workspace.project_root), str(workspace.root)]
    if interpreter.overlay:
        redirect.append(interpreter.overlay)
    # Bytecode caching stays on (without it every launch recompiles pytest, coverage and the
    # project), but in TestGen's directories: nothing lands in the project or its venv.
    return {"PYTHONPATH": os.pathsep.join(path), REDIRECT_ENV: os.pathsep.join(redirect),
            "PYTHONDONTWRITEBYTECODE": "", "PYTHONIOENCODING": "utf-8", "PYTHONHASHSEED": "0",
            "PYTHONPYCACHEPREFIX": str(_pycache(workspace))}


def _pycache(workspace: Workspace) -> Path:
    # Written by the sandboxed child: only the workspace's own directories are sure to be
    # writable there.
    base = Path(workspace.cache_dir) if workspace.cache_dir is not None else workspace.scratch
    return base / "pycache"
