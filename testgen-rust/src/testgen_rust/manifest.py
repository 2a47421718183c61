"""Read Cargo manifests: which crate a file belongs to, its name, edition, targets and deps."""

from __future__ import annotations

import fnmatch
import os
import re
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from .features import FeatureTable, feature_table

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

MANIFEST = "Cargo.toml"
SKIP_DIRS = frozenset({"target", ".git", "node_modules", ".testgen", "vendor", ".venv"})
TEST_STYLE_CRATES = ("proptest", "rstest", "pretty_assertions", "quickcheck", "test-case")
DEFAULT_EDITION = "2015"  # what cargo assumes when a manifest names none


@dataclass(frozen=True)
class Crate:
    """One Cargo package: where it is and what it builds."""

    root: Path
    """Directory holding the package's ``Cargo.toml``."""
    package: str
    """Package name as written in the manifest (may contain ``-``)."""
    lib_name: str | None
    """Name tests use to import the library (``use lib_name::...``); None without a lib."""
    edition: str
    lib_path: str | None
    """Library root relative to :attr:`root` (``src/lib.rs``)."""
    bin_paths: tuple[str, ...] = ()
    features: tuple[str, ...] = ()
    default_features: tuple[str, ...] = ()
    dependencies: tuple[str, ...] = ()
    dev_dependencies: tuple[str, ...] = ()
    build_script: str | None = None
    workspace_root: Path | None = None
    """Root of the Cargo workspace this package belongs to (its own root when standalone)."""
    test_targets: tuple[str, ...] = field(default=())
    """Integration test files that exist already (``tests/*.rs``), relative to :attr:`root`."""
    autotests: bool = True
    """False when the manifest turns off discovery of ``tests/*.rs`` (``autotests = false``)."""
    declared_tests: tuple[str, ...] = ()
    """Names of ``[[test]]`` targets declared in the manifest."""
    proc_macro: bool = False
    """The library is a ``proc-macro`` crate (its functions run inside the compiler)."""
    feature_table: FeatureTable = field(default_factory=FeatureTable, compare=False)
    """``[features]`` and optional dependencies, to resolve features as cargo does."""

    @property
    def target_root(self) -> Path:
        """The directory whose ``target/`` cargo would use: the workspace root."""
        return self.workspace_root or self.root

    def uses(self, dependency: str) -> bool:
        return dependency in self.dev_dependencies or dependency in self.dependencies


def read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}


def _inherited(value: Any, workspace_package: dict[str, Any], key: str, default: Any) -> Any:
    if isinstance(value, dict) and value.get("workspace"):
        return workspace_package.get(key, default)
    return default if value is None else value


def _find_workspace(crate_root: Path, package: dict[str, Any] | None = None
                    ) -> tuple[Path | None, dict[str, Any]]:
    """The workspace ``crate_root`` belongs to, as cargo finds it: ``package.workspace`` when
    the manifest names one, else the nearest manifest above that declares ``[workspace]`` and
    does not ``exclude`` the package."""
    explicit = (package or {}).get("workspace")
    if isinstance(explicit, str):
        directory = (crate_root / explicit).resolve()
        data = read_toml(directory / MANIFEST)
        if isinstance(data.get("workspace"), dict):
            return directory, data["workspace"]
    for directory in (crate_root, *crate_root.parents):
        manifest = directory / MANIFEST
        if manifest.is_file():
            data = read_toml(manifest)
            workspace = data.get("workspace")
            if isinstance(workspace, dict):
                rel = os.path.relpath(crate_root, directory).replace(os.sep, "/")
                excluded = any(rel == e.rstrip("/") or rel.startswith(e.rstrip("/") + "/")
                               for e in workspace.get("exclude", []) if isinstance(e, str))
                if not excluded:
                    return directory, workspace
                return None, {}
    return None, {}


def load_crate(root: Path) -> Crate | None:
    """The package whose manifest is ``root/Cargo.toml``; None for a workspace-only manifest."""
    data = read_toml(root / MANIFEST)
    package = data.get("package")
    if not isinstance(package, dict) or not package.get("name"):
        return None
    workspace_root, workspace = _find_workspace(root, package)
    ws_package = workspace.get("package", {}) if isinstance(workspace, dict) else {}
    edition = str(_inherited(package.get("edition"), ws_package, "edition", DEFAULT_EDITION))
    name = str(package["name"])

    lib = data.get("lib") if isinstance(data.get("lib"), dict) else {}
    lib_path = lib.get("path") or ("src/lib.rs" if (root / "src/lib.rs").is_file() else None)
    lib_name = (lib.get("name") or name).replace("-", "_") if lib_path else None

    bins = [b.get("path") for b in data.get("bin", []) if isinstance(b, dict) and b.get("path")]
    if (root / "src/main.rs").is_file():
        bins.append("src/main.rs")
    bin_dir = root / "src/bin"
    if bin_dir.is_dir():
        bins.extend(p.relative_to(root).as_posix() for p in sorted(bin_dir.rglob("*.rs")))

    features = data.get("features") if isinstance(data.get("features"), dict) else {}
    build = package.get("build")
    if build is None and (root / "build.rs").is_file():
        build = "build.rs"
    tests_dir = root / "tests"
    test_targets = tuple(p.relative_to(root).as_posix() for p in sorted(tests_dir.glob("*.rs"))
                         ) if tests_dir.is_dir() else ()
    return Crate(
        root=root, package=name, lib_name=lib_name, edition=edition, lib_path=lib_path,
        bin_paths=tuple(dict.fromkeys(bins)),
        features=tuple(k for k in features if k != "default"),
        default_features=tuple(features.get("default", ())),
        dependencies=tuple(_dep_names(data.get("dependencies"))),
        dev_dependencies=tuple(_dep_names(data.get("dev-dependencies"))),
        build_script=build if isinstance(build, str) else None,
        workspace_root=workspace_root or root,
        test_targets=test_targets,
        autotests=package.get("autotests", True) is not False,
        declared_tests=tuple(str(t.get("name")) for t in data.get("test", [])
                             if isinstance(t, dict) and t.get("name")),
        proc_macro=bool(lib.get("proc-macro") or lib.get("proc_macro")),
        feature_table=feature_table(data),
    )


def _dep_names(table: Any) -> list[str]:
    if not isinstance(table, dict):
        return []
    names = []
    for key, spec in table.items():
        # `name = { package = "real-name" }` renames a dependency; tests see the key.
        names.append(key)
        if isinstance(spec, dict) and spec.get("package"):
            names.append(str(spec["package"]))
    return names


@lru_cache(maxsize=256)
def _crate_at(root: str, mtime: float) -> Crate | None:
    return load_crate(Path(root))


def crate_for(path: Path, stop: Path | None = None) -> Crate | None:
    """The package a source file belongs to: the nearest ``Cargo.toml`` with ``[package]``."""
    start = path if path.is_dir() else path.parent
    for directory in (start, *start.parents):
        manifest = directory / MANIFEST
        if manifest.is_file():
            crate = _crate_at(str(directory), manifest.stat().st_mtime)
            if crate is not None:
                return crate
        if stop is not None and directory == stop:
            break
    return None


def find_manifests(root: Path, max_depth: int = 4) -> list[Path]:
    """Every ``Cargo.toml`` under ``root`` (build outputs and VCS dirs skipped), shallow first."""
    found: list[Path] = []
    root_depth = len(root.parts)
    for directory, dirs, files in os.walk(root):
        depth = len(Path(directory).parts) - root_depth
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
        if depth >= max_depth:
            dirs[:] = []
        if MANIFEST in files:
            found.append(Path(directory) / MANIFEST)
    return found


def workspace_members(root: Path) -> list[str]:
    """Member globs of a ``[workspace]`` manifest, expanded against the file system."""
    data = read_toml(root / MANIFEST)
    workspace = data.get("workspace") if isinstance(data.get("workspace"), dict) else {}
    members: list[str] = []
    for pattern in workspace.get("members", []):
        for candidate in sorted(root.glob(pattern)):
            if (candidate / MANIFEST).is_file():
                members.append(candidate.relative_to(root).as_posix())
    excluded = workspace.get("exclude", [])
    return [m for m in members if not any(fnmatch.fnmatch(m, e) for e in excluded)]


TEST_ATTR = re.compile(r"#\[\s*(?:tokio::|async_std::)?test\b|#\[\s*rstest\b")


def count_tests(crate: Crate) -> tuple[int, list[str]]:
    """How many ``#[test]`` functions the crate has, and which files hold them."""
    total, files = 0, []
    for directory in ("src", "tests"):
        base = crate.root / directory
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*.rs")):
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            hits = len(TEST_ATTR.findall(text))
            if hits:
                total += hits
                files.append(path.relative_to(crate.root).as_posix())
    return total, files


def module_name(crate: Crate, file: Path) -> str:
    """Short module name for file names: ``src/a/b.rs`` → ``a_b``, ``src/lib.rs`` → ``lib``."""
    rel = file.relative_to(crate.root).as_posix()
    if rel.startswith("src/"):
        rel = rel[4:]
    rel = re.sub(r"\.rs$", "", rel)
    rel = re.sub(r"/mod$", "", rel)
    name = re.sub(r"[^0-9A-Za-z_]+", "_", rel).strip("_").lower()
    return name or "lib"
