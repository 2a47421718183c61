"""How a test file reaches a definition: the name it binds and the import that binds it."""

from __future__ import annotations

import posixpath
import re
from pathlib import PurePosixPath

from testgen.model import Definition

from .package import is_typescript

RESERVED = {"default", "class", "function", "new", "delete", "in", "import", "export",
            "return", "this", "test", "it", "describe", "expect", "assert", "mock"}


def binding(definition: Definition) -> str:
    """The name a test uses for the exported function or class the definition lives in."""
    kind = export_kind(definition)
    if kind in ("named", "cjs"):
        return exported_name(definition)
    name = definition.parent if definition.kind == "method" and definition.parent \
        else definition.name
    if re.fullmatch(r"[A-Za-z_$][\w$]*", name) and name not in RESERVED:
        return name
    return module_binding(definition.file)


def module_binding(rel_path: str) -> str:
    stem = PurePosixPath(rel_path).name.split(".")[0]
    parts = [p for p in re.split(r"[^A-Za-z0-9]+", stem) if p]
    name = (parts[0] + "".join(p[:1].upper() + p[1:] for p in parts[1:])) if parts else ""
    if not name or not re.match(r"[A-Za-z_$]", name) or name in RESERVED:
        name = f"subject{name[:1].upper()}{name[1:]}" if name else "subject"
    return name


def instance_name(class_name: str) -> str:
    name = class_name[:1].lower() + class_name[1:]
    if name == class_name or name in RESERVED:
        name = f"a{class_name}"
    return name


def export_kind(definition: Definition) -> str:
    return str((definition.details or {}).get("export") or "named")


def exported_name(definition: Definition) -> str:
    details = definition.details or {}
    fallback = definition.parent if definition.kind == "method" else definition.name
    return str(details.get("export_name") or fallback)


def specifier(test_path: str, source_path: str, *, style: str = "js") -> str:
    """Relative module specifier from the test file to the source file.

    ``style``: ``"js"`` writes TypeScript sources as ``./x.js`` (NodeNext / bundler style),
    ``"ts"`` keeps ``./x.ts``, ``"none"`` drops the extension.
    """
    rel = posixpath.relpath(source_path, posixpath.dirname(test_path) or ".")
    if not rel.startswith("."):
        rel = f"./{rel}"
    if is_typescript(source_path):
        base, ext = posixpath.splitext(rel)
        if style == "js":
            rel = base + {".ts": ".js", ".mts": ".mjs", ".cts": ".cjs", ".tsx": ".js"}[ext]
        elif style == "none":
            rel = base
    return rel


def import_line(names: list[tuple[str, str]], spec: str, *, commonjs: bool) -> list[str]:
    """Import statements binding ``names`` (``(export kind, exported name → local)``)."""
    default_local = None
    named: list[str] = []
    cjs_default = None
    for kind, pair in names:
        exported, _, local = pair.partition(":")
        local = local or exported
        if kind == "default":
            default_local = local
        elif kind == "cjs-default":
            cjs_default = local
        else:
            named.append(exported if exported == local else f"{exported} as {local}")
    lines: list[str] = []
    named = sorted(set(named))
    if commonjs:
        if cjs_default:
            lines.append(f"const {cjs_default} = require('{spec}');")
        if named:
            parts = [n.replace(" as ", ": ") for n in named]
            lines.append(f"const {{ {', '.join(parts)} }} = require('{spec}');")
        if default_local:
            lines.append(f"const {{ default: {default_local} }} = require('{spec}');")
        return lines
    head = []
    if default_local or cjs_default:
        head.append(default_local or cjs_default)
    if named:
        head.append(f"{{ {', '.join(named)} }}")
    if head:
        lines.append(f"import {', '.join(head)} from '{spec}';")
    return lines
