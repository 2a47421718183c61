"""Make the shadow copy's manifests build where the project's build.

The shadow copy holds the project root only, so

* a ``path = "../shared"`` that leaves the root points at nothing there: such paths are
  rewritten, in the copy only, to the absolute path of the directory the user's manifest
  names;
* a workspace member taken as the project root has lost its workspace: what it inherits
  (``edition.workspace = true``, ``dep = { workspace = true }``, lints) is written into the
  copy's manifest, which becomes a workspace of its own, with the workspace's ``Cargo.lock``
  so the same dependency versions build offline.

Cargo only reads the directories outside the copy (build output goes to TestGen's own target
dir), so the user's tree is never written.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from testgen.model import Workspace

from .manifest import MANIFEST, find_manifests, load_crate, read_toml

PATH_VALUE = re.compile(r"""(?P<key>\bpath\s*=\s*)(?P<q>["'])(?P<value>[^"'\n]+)(?P=q)""")
_prepared: dict[str, dict[str, int]] = {}
"""Shadow root → manifest → mtime (ns) already checked, so each build re-reads nothing."""


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root + os.sep)


def prepare_shadow(workspace: Workspace) -> list[str]:
    """Everything above, once per manifest; returns the manifests changed (project-relative)."""
    changed = detach_member(workspace)
    return changed + [m for m in localise_path_dependencies(workspace) if m not in changed]


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
            make_visible(workspace, Path(original))
            return match.group("key") + json.dumps(original)

        new = PATH_VALUE.sub(absolute, text)
        if new != text:
            manifest.write_text(new, encoding="utf-8")
            changed.append(Path(manifest).relative_to(root).as_posix())
        seen[key] = manifest.stat().st_mtime_ns
    return changed


def make_visible(workspace: Workspace, directory: Path, depth: int = 0) -> None:
    """Let the sandboxed cargo read ``directory`` (outside the copy), the path dependencies
    its own manifest names and the workspace it belongs to."""
    directory = directory.resolve()
    if directory in workspace.readonly or depth > 8:
        return
    try:
        directory.relative_to(workspace.project_root.resolve())
        return  # inside the project: the sandbox shows it already
    except ValueError:
        pass
    workspace.readonly.append(directory)
    manifest = directory / MANIFEST if directory.is_dir() else directory
    try:
        text = manifest.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return
    for match in PATH_VALUE.finditer(text):
        target = (manifest.parent / match.group("value")).resolve()
        if target.is_dir() and not target.is_relative_to(directory):
            make_visible(workspace, target, depth + 1)
    crate = load_crate(manifest.parent)
    if crate is not None and crate.workspace_root is not None:
        make_visible(workspace, crate.workspace_root, depth + 1)


# --------------------------------------------------------------------------- detached members

DEPENDENCY_TABLES = ("dependencies", "dev-dependencies", "build-dependencies")


def detach_member(workspace: Workspace) -> list[str]:
    """Inline what the root package inherits from a workspace outside the project root."""
    shadow_manifest = workspace.root / MANIFEST
    marker = str(shadow_manifest) + "::detached"
    try:
        stamp = shadow_manifest.stat().st_mtime_ns
    except OSError:
        return []
    if _prepared.get(marker, {}).get("stamp") == stamp:
        return []  # done, and the copy was not rebuilt since
    _prepared[marker] = {"stamp": stamp}
    original = load_crate(workspace.project_root)
    if original is None or original.workspace_root is None:
        return []
    ws_root = original.workspace_root.resolve()
    if ws_root == workspace.project_root.resolve():
        return []
    data = read_toml(shadow_manifest)
    root_manifest = read_toml(ws_root / MANIFEST)
    if not data or not isinstance(root_manifest.get("workspace"), dict):
        return []
    shadow_manifest.write_text(to_toml(standalone_manifest(data, root_manifest, ws_root)),
                               encoding="utf-8")
    _prepared[marker] = {"stamp": shadow_manifest.stat().st_mtime_ns}
    make_visible(workspace, ws_root)
    lock = ws_root / "Cargo.lock"
    if lock.is_file() and not (workspace.root / "Cargo.lock").exists():
        (workspace.root / "Cargo.lock").write_bytes(lock.read_bytes())
    return [MANIFEST]


def standalone_manifest(data: dict, root_manifest: dict, ws_root: Path) -> dict:
    """A member's manifest with its inherited fields and dependencies written in, as its
    own workspace root (with the workspace root's ``[patch]`` and ``[profile]``)."""
    ws = root_manifest["workspace"]
    result = {k: v for k, v in data.items()}
    ws_package = ws.get("package") if isinstance(ws.get("package"), dict) else {}
    package = {}
    for key, value in (data.get("package") or {}).items():
        if isinstance(value, dict) and value.get("workspace") is True:
            if key not in ws_package:
                continue
            value = ws_package[key]
            if key in ("readme", "license-file") and isinstance(value, str):
                value = str(ws_root / value)
        package[key] = value
    package.pop("workspace", None)
    result["package"] = package
    ws_deps = ws.get("dependencies") if isinstance(ws.get("dependencies"), dict) else {}
    for table_name in DEPENDENCY_TABLES:
        if isinstance(data.get(table_name), dict):
            result[table_name] = _inline_deps(data[table_name], ws_deps, ws_root)
    targets = data.get("target")
    if isinstance(targets, dict):
        result["target"] = {
            cfg: {name: (_inline_deps(table, ws_deps, ws_root)
                         if name in DEPENDENCY_TABLES and isinstance(table, dict) else table)
                  for name, table in spec.items()} if isinstance(spec, dict) else spec
            for cfg, spec in targets.items()}
    lints = data.get("lints")
    if isinstance(lints, dict) and lints.get("workspace") is True:
        result.pop("lints")
        if isinstance(ws.get("lints"), dict):
            result["lints"] = ws["lints"]
    if isinstance(root_manifest.get("patch"), dict) and "patch" not in result:
        result["patch"] = {source: _inline_deps(table, {}, ws_root, patch=True)
                           for source, table in root_manifest["patch"].items()
                           if isinstance(table, dict)}
    if isinstance(root_manifest.get("profile"), dict) and "profile" not in result:
        result["profile"] = root_manifest["profile"]
    own_workspace = {"resolver": ws["resolver"]} if "resolver" in ws else {}
    result["workspace"] = own_workspace
    return result


def _inline_deps(table: dict, ws_deps: dict, ws_root: Path, *, patch: bool = False) -> dict:
    """Dependencies with ``{ workspace = true }`` replaced by the workspace's spec. Paths in
    the workspace's specs (and in its ``[patch]``) are relative to the workspace root."""
    inlined = {}
    for name, spec in table.items():
        from_workspace = patch and isinstance(spec, dict)
        if isinstance(spec, dict) and spec.get("workspace") is True and name in ws_deps:
            base = ws_deps[name]
            merged = dict(base) if isinstance(base, dict) else {"version": base}
            features = list(merged.get("features", [])) + list(spec.get("features", []))
            if features:
                merged["features"] = list(dict.fromkeys(features))
            for key in ("optional", "default-features", "package"):
                if key in spec:
                    merged[key] = spec[key]
            spec, from_workspace = merged, True
        if from_workspace and isinstance(spec.get("path"), str) and not os.path.isabs(
                spec["path"]):
            spec = {**spec, "path": os.path.normpath(str(ws_root / spec["path"]))}
        inlined[name] = spec
    return inlined


BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def _key(key: str) -> str:
    return key if BARE_KEY.match(key) else json.dumps(key)


def _value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + " }"
    return json.dumps(str(value))


def to_toml(data: dict) -> str:
    """TOML for a parsed manifest (tables, arrays of tables, inline values)."""
    lines: list[str] = []

    def table(path: list[str], body: dict, header: str | None) -> None:
        scalars = {k: v for k, v in body.items() if not isinstance(v, dict) and not (
            isinstance(v, list) and v and all(isinstance(i, dict) for i in v))}
        if header is not None:
            lines.append("")
            lines.append(header)
        for key, value in scalars.items():
            lines.append(f"{_key(key)} = {_value(value)}")
        for key, value in body.items():
            if key in scalars:
                continue
            sub = [*path, key]
            name = ".".join(_key(p) for p in sub)
            if isinstance(value, dict):
                table(sub, value, f"[{name}]")
            else:
                for item in value:
                    table(sub, item, f"[[{name}]]")

    table([], data, None)
    return "\n".join(lines).lstrip("\n") + "\n"
