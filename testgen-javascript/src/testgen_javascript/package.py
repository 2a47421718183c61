"""What a JavaScript/TypeScript project looks like: package.json, node_modules, its test framework.

Everything here reads files only; nothing runs. The facts end up in ``Detection.details`` and
``Framework.details`` so the later stages (paths, assembling, running) agree on them.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from testgen.errors import InputError

LANGUAGE = "javascript"
FRAMEWORKS = ("jest", "vitest", "mocha", "node:test")
DEFAULT_FRAMEWORK = "node:test"

JS_SUFFIXES = (".js", ".mjs", ".cjs", ".jsx")
TS_SUFFIXES = (".ts", ".mts", ".cts", ".tsx")
SUFFIXES = JS_SUFFIXES + TS_SUFFIXES

# The npm package a framework is run from, for "install X" messages and binary lookup.
FRAMEWORK_PACKAGES = {"jest": "jest", "vitest": "vitest", "mocha": "mocha"}

LOCK_FILES = (
    ("pnpm-lock.yaml", "pnpm"),
    ("yarn.lock", "yarn"),
    ("bun.lockb", "bun"),
    ("bun.lock", "bun"),
    ("package-lock.json", "npm"),
    ("npm-shrinkwrap.json", "npm"),
)

NODE_HINT = "install Node.js 18+ from https://nodejs.org and make sure `node` is on PATH"


def is_typescript(path: str | Path) -> bool:
    return str(path).endswith(TS_SUFFIXES)


def is_declaration_file(path: str | Path) -> bool:
    name = str(path)
    return name.endswith((".d.ts", ".d.mts", ".d.cts"))


def require_node(purpose: str) -> str:
    """The ``node`` executable, or a TG205 error saying what it was needed for."""
    node = shutil.which("node")
    if node is None:
        raise InputError(f"node is not installed (needed to {purpose})", code="TG205",
                         hint=NODE_HINT)
    return node


@dataclass(frozen=True)
class PackageInfo:
    """The facts of one package.json that the plugin acts on."""

    root: Path
    """Directory holding package.json (or the project root when there is none)."""
    manifest: dict[str, Any] = field(default_factory=dict)
    exists: bool = False

    @property
    def module_type(self) -> str:
        """``"module"`` (ESM) or ``"commonjs"``, from the ``type`` field."""
        return "module" if self.manifest.get("type") == "module" else "commonjs"

    @property
    def dependencies(self) -> dict[str, str]:
        deps: dict[str, str] = {}
        for key in ("dependencies", "devDependencies", "peerDependencies",
                    "optionalDependencies"):
            value = self.manifest.get(key)
            if isinstance(value, dict):
                deps.update({str(k): str(v) for k, v in value.items()})
        return deps

    @property
    def test_script(self) -> str:
        scripts = self.manifest.get("scripts")
        return str(scripts.get("test", "")) if isinstance(scripts, dict) else ""

    @property
    def workspaces(self) -> tuple[str, ...]:
        value = self.manifest.get("workspaces")
        if isinstance(value, dict):  # yarn's {"packages": [...]}
            value = value.get("packages")
        if isinstance(value, list):
            return tuple(str(v) for v in value)
        return ()

    def has_dependency(self, name: str) -> bool:
        return name in self.dependencies


@lru_cache(maxsize=256)
def _read_manifest(path: Path, mtime: float) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def find_package(start: Path, stop: Path | None = None) -> PackageInfo:
    """The nearest package.json at or above ``start`` (not above ``stop`` when given)."""
    start = start if start.is_dir() else start.parent
    for directory in (start, *start.parents):
        manifest = directory / "package.json"
        if manifest.is_file():
            return PackageInfo(directory, _read_manifest(manifest, manifest.stat().st_mtime), True)
        if stop is not None and directory == stop:
            break
    return PackageInfo(stop or start)


def find_node_package(name: str, start: Path) -> Path | None:
    """Directory of npm package ``name`` as Node would resolve it from ``start``."""
    start = start if start.is_dir() else start.parent
    for directory in (start, *start.parents):
        candidate = directory / "node_modules" / name
        if (candidate / "package.json").is_file():
            return candidate
    return None


def package_bin(name: str, start: Path, relative: str) -> Path | None:
    """A file inside an installed package (``jest``, ``bin/jest.js``), if installed."""
    pkg = find_node_package(name, start)
    if pkg is None:
        return None
    target = pkg / relative
    return target if target.is_file() else None


def package_manager(root: Path) -> str:
    for directory in (root, *root.parents):
        for lock, manager in LOCK_FILES:
            if (directory / lock).exists():
                return manager
        if (directory / ".git").exists():
            break
    return "npm"


def install_command(manager: str, package: str) -> str:
    return {"pnpm": f"pnpm add -D {package}", "yarn": f"yarn add -D {package}",
            "bun": f"bun add -d {package}"}.get(manager, f"npm install --save-dev {package}")


def uses_typescript(pkg: PackageInfo) -> bool:
    return (pkg.root / "tsconfig.json").is_file() or pkg.has_dependency("typescript")


def framework_from_script(script: str) -> str | None:
    """The framework a ``test`` script runs, judged by its commands."""
    try:
        words = shlex.split(script)
    except ValueError:
        words = script.split()
    names = {os.path.basename(w) for w in words}
    for name in ("vitest", "jest", "mocha"):
        if name in names or f"{name}.js" in names or f"{name}.mjs" in names:
            return name
    if "--test" in words and ("node" in names or "tsx" in names):
        return "node:test"
    return None


def framework_from_dependencies(pkg: PackageInfo) -> str | None:
    deps = pkg.dependencies
    for name in ("vitest", "jest", "mocha"):
        if name in deps:
            return name
    if "ts-jest" in deps or "babel-jest" in deps:
        return "jest"
    return None


def detect_framework(pkg: PackageInfo) -> tuple[str, str]:
    """``(framework, reason)`` for a package: its test script, then its dependencies."""
    from_script = framework_from_script(pkg.test_script)
    if from_script:
        return from_script, f"package.json test script runs {from_script}"
    from_deps = framework_from_dependencies(pkg)
    if from_deps:
        return from_deps, f"package.json depends on {from_deps}"
    return DEFAULT_FRAMEWORK, "no test framework in package.json; node:test needs no install"


def framework_details(pkg: PackageInfo, framework: str) -> dict[str, Any]:
    """Facts the later stages need: module type, TypeScript, helpers, what is missing."""
    root = pkg.root
    manager = package_manager(root)
    details: dict[str, Any] = {
        "package_root": str(root),
        "module_type": pkg.module_type,
        "typescript": uses_typescript(pkg),
        "package_manager": manager,
        "workspaces": list(pkg.workspaces),
        "chai": pkg.has_dependency("chai") and find_node_package("chai", root) is not None,
        "sinon": pkg.has_dependency("sinon") and find_node_package("sinon", root) is not None,
        "prettier": find_node_package("prettier", root) is not None,
        "test_script": pkg.test_script,
    }
    package = FRAMEWORK_PACKAGES.get(framework)
    if package and find_node_package(package, root) is None:
        details["missing"] = package
        details["install"] = install_command(manager, package)
    return details


def workspace_packages(pkg: PackageInfo) -> list[Path]:
    """Package directories named by ``workspaces`` globs (monorepos)."""
    found: list[Path] = []
    for pattern in pkg.workspaces:
        for match in sorted(pkg.root.glob(pattern.rstrip("/"))):
            if (match / "package.json").is_file() and "node_modules" not in match.parts:
                found.append(match)
    return found


def module_kind(path: Path, pkg: PackageInfo, text: str = "") -> str:
    """``"esm"`` or ``"cjs"``: how Node loads this file."""
    suffix = path.suffix
    if suffix in (".mjs", ".mts"):
        return "esm"
    if suffix in (".cjs", ".cts"):
        return "cjs"
    if suffix in (".ts", ".tsx"):
        return "esm"  # TypeScript sources are written with import/export
    if pkg.module_type == "module":
        return "esm"
    if text and _looks_like_esm(text):
        return "esm"
    return "cjs"


def _looks_like_esm(text: str) -> bool:
    for line in text.splitlines():
        stripped = line.lstrip()
        if stripped.startswith(("import ", "import{", "export ", "export{")):
            return True
    return False
