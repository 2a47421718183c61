"""Running Node on a workspace: the shipped JS helpers and TypeScript support.

Node 20 cannot load ``.ts`` files by itself. Before a launch, every TypeScript file of the
workspace is type-stripped (see :mod:`typestrip`) into the scratch directory, and the launch
registers ``js/register.mjs``, whose loader hooks serve the stripped twins. Files that cannot be
stripped fall back to the project's ``typescript`` package (``transpileModule``).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from importlib import resources
from pathlib import Path
from typing import Mapping

from testgen.model import Workspace

from .package import TS_SUFFIXES, find_node_package, is_declaration_file
from .typestrip import strip_types

SKIP_DIRS = {"node_modules", ".git", "dist", "build", "coverage", ".testgen", ".next", "out"}


def harness_file(name: str) -> Path:
    """Absolute path of a helper shipped in ``testgen_javascript/js``."""
    return Path(str(resources.files("testgen_javascript") / "js" / name))


def typescript_files(root: Path) -> list[Path]:
    found: list[Path] = []
    for directory, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS and not d.startswith(".")]
        for name in files:
            if name.endswith(TS_SUFFIXES) and not is_declaration_file(name):
                found.append(Path(directory) / name)
    return found


def typescript_env(workspace: Workspace) -> dict[str, str]:
    """Environment for a Node launch that may import TypeScript; ``{}`` when there is none."""
    files = typescript_files(workspace.root)
    if not files:
        return {}
    out_dir = workspace.scratch / "ts-stripped"
    out_dir.mkdir(parents=True, exist_ok=True)
    mapping: dict[str, str] = {}
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        digest = hashlib.sha256(f"{path}\0{text}".encode()).hexdigest()[:20]
        twin = out_dir / f"{digest}.mjs"
        if not twin.exists():
            stripped = strip_types(text, path.name)
            if not stripped.erasable:
                continue  # the loader transpiles it with the project's typescript package
            twin.write_text(stripped.text, encoding="utf-8")
        mapping[str(path)] = str(twin)
        mapping[os.path.realpath(path)] = str(twin)
    map_file = workspace.scratch / "ts-map.json"
    map_file.write_text(json.dumps(mapping), encoding="utf-8")
    env = {"TESTGEN_TS_MAP": str(map_file)}
    aliases = path_aliases(workspace.root)
    if aliases:
        paths_file = workspace.scratch / "ts-paths.json"
        paths_file.write_text(json.dumps(aliases), encoding="utf-8")
        env["TESTGEN_TS_PATHS"] = str(paths_file)
    typescript = find_node_package("typescript", workspace.root)
    if typescript is not None:
        env["TESTGEN_TYPESCRIPT"] = str(typescript)
    return env


def node_argv_prefix(env: Mapping[str, str]) -> list[str]:
    """Node flags that register the TypeScript loader when ``env`` says it is needed."""
    if "TESTGEN_TS_MAP" not in env:
        return []
    return ["--import", harness_file("register.mjs").as_uri()]


def node_options(env: Mapping[str, str], existing: str = "") -> str:
    """``NODE_OPTIONS`` carrying the loader to every Node process a runner starts."""
    parts = [existing] if existing else []
    if "TESTGEN_TS_MAP" in env:
        parts.append(f"--import={harness_file('register.mjs').as_uri()}")
    return " ".join(parts)


_JSONC = re.compile(r'("(?:\\.|[^"\\])*")|//[^\n]*|/\*.*?\*/', re.S)


def read_jsonc(path: Path) -> dict:
    """A tsconfig.json: JSON with comments and trailing commas; ``{}`` when unreadable."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return {}
    text = _JSONC.sub(lambda m: m.group(1) or "", text)
    text = re.sub(r",(\s*[}\]])", r"\1", text)
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def path_aliases(root: Path) -> list[dict]:
    """tsconfig.json ``compilerOptions.paths`` as absolute templates for the loader."""
    options = read_jsonc(root / "tsconfig.json").get("compilerOptions") or {}
    paths = options.get("paths") if isinstance(options, dict) else None
    if not isinstance(paths, dict):
        return []
    base = (root / str(options.get("baseUrl") or ".")).resolve()
    aliases = []
    for pattern, targets in paths.items():
        if not isinstance(targets, list):
            continue
        prefix, star, suffix = str(pattern).partition("*")
        aliases.append({"prefix": prefix, "suffix": suffix, "wildcard": bool(star),
                        "targets": [str(base / str(t)) for t in targets]})
    return aliases
