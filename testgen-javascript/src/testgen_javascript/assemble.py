"""Assemble one generated test file: header, imports, helpers, tests, prettier when present."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from testgen.kit.header import generated_header
from testgen.model import Definition, Framework, SourceFile, TestCandidate, TestFile

from .frameworks import style_for
from .modules import binding, export_kind, exported_name, import_line, specifier
from .package import find_node_package, is_typescript, module_kind, find_package
from .syntax import extract, parse

PRETTIER_TIMEOUT = 30


def assemble(candidates: list[TestCandidate], framework: Framework, source: SourceFile,
             path: str) -> TestFile:
    definitions = {d.key: d for d in extract(parse(source))}
    pkg = find_package(source.path, stop=source.project_root)
    commonjs = module_kind(Path(source.path), pkg, source.text) == "cjs" and \
        not is_typescript(path)
    style = style_for(framework, commonjs=commonjs, typescript=is_typescript(path))
    framework_imports: list[str] = []
    for line in style.imports():
        _add(framework_imports, line)
    extra_imports: list[str] = []
    for candidate in candidates:
        for line in candidate.imports:
            if line not in style.imports():
                _add(extra_imports, line)
    names: list[tuple[str, str]] = []
    for candidate in candidates:
        definition = definitions.get(candidate.definition)
        if definition is None:
            continue
        entry = _import_entry(definition)
        if entry not in names:
            names.append(entry)
    spec = specifier(path, source.rel_path, style=_specifier_style(source, framework))
    source_imports = import_line(names, spec, commonjs=style.commonjs)
    helpers: list[str] = []
    for candidate in candidates:
        for helper in candidate.helpers:
            _add(helpers, helper)
    parts = [generated_header("//", source.rel_path)]
    imports = [*framework_imports, *extra_imports]
    parts.append("\n".join(imports) + "\n")
    if source_imports:
        parts.append("\n".join(source_imports) + "\n")
    parts.extend(f"{helper}\n" for helper in helpers)
    parts.extend(f"{candidate.code.rstrip()}\n" for candidate in candidates)
    content = "\n".join(parts)
    if framework.details.get("prettier") or find_node_package("prettier",
                                                              source.project_root):
        content = _prettier(content, source.project_root / path, source.project_root) or content
    test_ids: dict[str, str] = {}
    for candidate in candidates:
        for name in candidate.details.get("runner_names") or [candidate.test_name]:
            test_ids[f"{path}::{name}"] = candidate.id
    return TestFile(path=path, language="javascript", framework=framework.name,
                    content=content, target=source.rel_path, candidates=list(candidates),
                    test_ids=test_ids)


def _add(lines: list[str], line: str) -> None:
    if line not in lines:
        lines.append(line)


def _import_entry(definition: Definition) -> tuple[str, str]:
    kind = export_kind(definition)
    local = binding(definition)
    exported = exported_name(definition)
    if kind in ("default", "cjs-default"):
        return kind, f"default:{local}"
    return kind, exported if exported == local else f"{exported}:{local}"


def _specifier_style(source: SourceFile, framework: Framework) -> str:
    """How the project writes relative TypeScript imports: ``./x.js``, ``./x.ts`` or ``./x``."""
    if not is_typescript(source.rel_path):
        return "js"
    found = re.findall(r"""from\s+['"](\.{1,2}/[^'"]+)['"]""", source.text)
    if found:
        if all(f.endswith((".ts", ".mts", ".tsx")) for f in found):
            return "ts"
        if all(not re.search(r"\.[cm]?[jt]sx?$", f) for f in found):
            return "none"
        return "js"
    tsconfig = (source.project_root / "tsconfig.json")
    resolution = ""
    if tsconfig.is_file():
        match = re.search(r'"moduleResolution"\s*:\s*"([^"]+)"',
                          tsconfig.read_text(encoding="utf-8", errors="replace"))
        resolution = match.group(1).lower() if match else ""
        if not resolution:
            match = re.search(r'"module"\s*:\s*"([^"]+)"',
                              tsconfig.read_text(encoding="utf-8", errors="replace"))
            resolution = match.group(1).lower() if match else ""
    if resolution in ("nodenext", "node16"):
        return "js"
    if framework.name == "jest":
        return "none"  # jest's resolver does not map ./x.js to ./x.ts by itself
    return "js"


def _prettier(content: str, target: Path, root: Path) -> str | None:
    package = find_node_package("prettier", root)
    if package is None:
        return None
    for candidate in ("bin/prettier.cjs", "bin-prettier.js", "bin/prettier.js"):
        binary = package / candidate
        if binary.is_file():
            break
    else:
        return None
    try:
        done = subprocess.run(["node", str(binary), "--stdin-filepath", str(target)],
                              input=content, capture_output=True, text=True, cwd=root,
                              timeout=PRETTIER_TIMEOUT)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 and done.stdout.strip() else None
