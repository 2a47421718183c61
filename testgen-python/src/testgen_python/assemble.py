"""``Python.assemble``: one test file from candidates.

The file reads top to bottom like a hand-written one: the generated-file header, imports merged
and grouped (standard library, third party, then the project), the ``sys.path`` bootstrap when
plain pytest would not find the code under test (see :mod:`testgen_python.layout`), shared
helpers, then the tests — top-level functions for pytest, methods grouped in one
``unittest.TestCase`` per target for unittest. Formatted with black or ruff when available.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import OrderedDict

from testgen.kit.header import generated_header
from testgen.model import Framework, SourceFile, TestCandidate, TestFile

from .layout import bootstrap_lines, module_location, needs_bootstrap

_FROM = re.compile(r"^from\s+([\w.]+)\s+import\s+\(?([^)]*)\)?\s*$")
_IMPORT = re.compile(r"^import\s+(.+)$")


def assemble(candidates: list[TestCandidate], framework: Framework, source: SourceFile,
             path: str) -> TestFile:
    location = module_location(source.project_root, source.rel_path, source.text)
    project_roots = {location.module.split(".")[0]}
    candidates = _unique_names(candidates)
    import_lines: list[str] = []
    helpers: list[str] = []
    for candidate in candidates:
        import_lines.extend(candidate.imports)
        for helper in candidate.helpers:
            if helper.strip() and helper.strip() not in (h.strip() for h in helpers):
                helpers.append(helper.rstrip() + "\n")
    if framework.name == "unittest":
        import_lines.append("import unittest")
    bootstrap = needs_bootstrap(source.project_root, path, location)
    if bootstrap:
        import_lines += ["import sys", "from pathlib import Path"]
    stdlib, third_party, project = _group_imports(import_lines, project_roots)

    parts = [generated_header("#", source.rel_path)]
    for block in (stdlib, third_party):
        if block:
            parts.append("\n".join(block) + "\n")
    if bootstrap:
        parts.append("# Plain `pytest` does not put the import root of the code under test on "
                     "sys.path.\n" + "\n".join(bootstrap_lines(path, location)) + "\n")
    if project:
        parts.append("\n".join(project) + "\n")
    text = "\n".join(parts)
    if helpers:
        text += "\n\n" + "\n\n".join(h.rstrip() + "\n" for h in helpers)

    test_ids: dict[str, str] = {}
    if framework.name == "unittest":
        body, test_ids = _unittest_body(candidates, path)
        text += "\n\n" + body
        text += '\n\nif __name__ == "__main__":\n    unittest.main()\n'
    else:
        for candidate in candidates:
            text += "\n\n" + candidate.code.strip("\n") + "\n"
            test_ids[f"{path}::{candidate.test_name}"] = candidate.id
    text = _format(text)
    return TestFile(path=path, language="python", framework=framework.name, content=text,
                    target=source.rel_path, candidates=list(candidates), test_ids=test_ids)


def _unittest_body(candidates: list[TestCandidate], path: str) -> tuple[str, dict[str, str]]:
    classes: OrderedDict[str, list[TestCandidate]] = OrderedDict()
    for candidate in candidates:
        name = candidate.details.get("class_name") or "TestGenerated"
        classes.setdefault(name, []).append(candidate)
    blocks, test_ids = [], {}
    for name, members in classes.items():
        methods = []
        for candidate in members:
            code = candidate.code.strip("\n")
            if not code.startswith("    "):  # a function from a model: indent it as a method
                code = "\n".join("    " + line if line else line for line in code.splitlines())
            methods.append(code)
            test_ids[f"{path}::{name}::{candidate.test_name}"] = candidate.id
        blocks.append(f"class {name}(unittest.TestCase):\n" + "\n\n".join(methods) + "\n")
    return "\n\n".join(blocks), test_ids


def _unique_names(candidates: list[TestCandidate]) -> list[TestCandidate]:
    """Two tests with one name would shadow each other: rename the later ones."""
    seen: set[tuple[str, str]] = set()
    for candidate in candidates:
        scope = candidate.details.get("class_name") or ""
        name = candidate.test_name
        if (scope, name) in seen:
            new = name
            counter = 2
            while (scope, new) in seen:
                new = f"{name}_{counter}"
                counter += 1
            candidate.code = re.sub(rf"\bdef {re.escape(name)}\(", f"def {new}(", candidate.code,
                                    count=1)
            candidate.test_name = new
        seen.add((scope, candidate.test_name))
    return candidates


def _group_imports(lines: list[str], project_roots: set[str]) -> tuple[list[str], ...]:
    """Merge ``from x import a`` lines per module and sort into three groups."""
    froms: OrderedDict[str, list[str]] = OrderedDict()
    plain: list[str] = []
    other: list[str] = []
    for raw in lines:
        for line in raw.splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            match = _FROM.match(line)
            if match:
                names = [n.strip() for n in match.group(2).split(",") if n.strip()]
                bucket = froms.setdefault(match.group(1), [])
                bucket.extend(n for n in names if n not in bucket)
            elif _IMPORT.match(line):
                for name in _IMPORT.match(line).group(1).split(","):
                    statement = f"import {name.strip()}"
                    if statement not in plain:
                        plain.append(statement)
            elif line not in other:
                other.append(line)
    groups: dict[str, list[tuple[str, str]]] = {"stdlib": [], "third": [], "project": []}
    for statement in plain:
        module = statement.split()[1]
        groups[_group_of(module, project_roots)].append((module, statement))
    for module, names in froms.items():
        statement = f"from {module} import {', '.join(sorted(names, key=_name_key))}"
        if len(statement) > 96:
            statement = (f"from {module} import (\n" +
                         "".join(f"    {n},\n" for n in sorted(names, key=_name_key)) + ")")
        groups[_group_of(module, project_roots)].append((module, statement))
    ordered = []
    for key in ("stdlib", "third", "project"):
        entries = sorted(groups[key], key=lambda e: (e[0].lower(), e[1].startswith("from")))
        ordered.append([statement for _, statement in entries])
    ordered[1].extend(other)
    return tuple(ordered)


def _group_of(module: str, project_roots: set[str]) -> str:
    top = module.split(".")[0]
    if module.startswith(".") or top in project_roots:
        return "project"
    if top in getattr(sys, "stdlib_module_names", ()) or top == "__future__":
        return "stdlib"
    return "third"


def _name_key(name: str) -> tuple:
    return (not name[:1].isupper(), name.lower())


def _format(text: str) -> str:
    """black, else ruff, else the text as it is (both are optional)."""
    try:
        import black
    except ImportError:
        black = None
    if black is not None:
        try:
            return black.format_str(text, mode=black.Mode(line_length=99))
        except Exception:  # noqa: BLE001 - invalid code is validate's business
            return text
    ruff = shutil.which("ruff")
    if ruff:
        try:
            done = subprocess.run([ruff, "format", "--line-length", "99", "-"], input=text,
                                  capture_output=True, text=True, timeout=20)
            if done.returncode == 0 and done.stdout.strip():
                return done.stdout
        except (OSError, subprocess.SubprocessError):
            pass
    return text


__all__ = ["assemble"]
