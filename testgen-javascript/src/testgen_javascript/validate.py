"""Static checks of a generated test file: ``node --check`` for JavaScript, ``tsc --noEmit`` for
TypeScript (with the project's tsconfig) when the project has the compiler.

Diagnostics inside a test's lines are attributed to its candidate, so one broken test does not
sink the others. Missing type declarations of test runners (``@types/mocha``, ``@types/node``)
say nothing about the generated code and are not counted.
"""

from __future__ import annotations

import json
import re
from typing import Any

from testgen.model import Diagnostic, TestFile, ValidationResult, Workspace

from .package import find_node_package, is_typescript, require_node
from .syntax import parse_text, text_of
from .typestrip import strip_types

TSC_LINE = re.compile(r"^(?P<file>[^(\n]+)\((?P<line>\d+),(?P<col>\d+)\): error (?P<code>TS\d+): "
                      r"(?P<msg>.*)$", re.M)
# Codes about the environment's type declarations, not the generated code.
IGNORED_TS_CODES = {"TS2582", "TS2593", "TS7016", "TS2875"}
RUNNER_MODULES = re.compile(r"'(node:\w+|vitest|@jest/globals|mocha|chai|sinon)'")
RUNNER_GLOBALS = re.compile(r"Cannot find name '(describe|it|test|expect|before|after|"
                            r"beforeEach|afterEach|jest|vi)'")
CHECK_TIMEOUT = 120.0


def validate(test_file: TestFile, workspace: Workspace) -> ValidationResult:
    missing = _missing_framework(test_file, workspace)
    if missing:
        return ValidationResult(ok=False, diagnostics=[Diagnostic(missing, test_file.path)],
                                output=missing)
    node = require_node("check generated JavaScript tests")
    if is_typescript(test_file.path):
        typescript = find_node_package("typescript", workspace.root)
        if typescript is not None:
            return _tsc(test_file, workspace, node, typescript)
        return _strip_and_check(test_file, workspace, node)
    target = workspace.path(test_file.path)
    result = workspace.run([node, "--check", str(target)], cwd=workspace.root,
                           timeout=CHECK_TIMEOUT, memory_mb=None, count_launch=False)
    if result.ok:
        return ValidationResult(ok=True, output=result.output)
    return _syntax_failure(test_file, result.output)


def _missing_framework(test_file: TestFile, workspace: Workspace) -> str:
    package = {"jest": "jest", "vitest": "vitest", "mocha": "mocha"}.get(test_file.framework)
    if package and find_node_package(package, workspace.root) is None:
        return (f"{test_file.framework} is not installed in this project's node_modules; "
                f"install it with `npm install --save-dev {package}` "
                f"(or generate node:test tests with --framework node:test)")
    return ""


def _syntax_failure(test_file: TestFile, output: str) -> ValidationResult:
    line = None
    match = re.search(r":(\d+)\n", output)
    if match:
        line = int(match.group(1))
    candidate = candidate_at(test_file, line) if line else None
    return ValidationResult(ok=False, output=output, diagnostics=[
        Diagnostic(_first_error(output), test_file.path, line, candidate)])


def _first_error(output: str) -> str:
    for line in output.splitlines():
        if "Error" in line:
            return line.strip()
    return output.strip().splitlines()[-1] if output.strip() else "syntax check failed"


def _strip_and_check(test_file: TestFile, workspace: Workspace, node: str) -> ValidationResult:
    stripped = strip_types(test_file.content, test_file.path)
    if not stripped.erasable:
        return ValidationResult(ok=True, output=f"not checked: {stripped.reason}")
    check = workspace.scratch / "check" / (test_file.path.replace("/", "__") + ".mjs")
    check.parent.mkdir(parents=True, exist_ok=True)
    check.write_text(stripped.text, encoding="utf-8")
    result = workspace.run([node, "--check", str(check)], cwd=workspace.root,
                           timeout=CHECK_TIMEOUT, memory_mb=None, count_launch=False)
    if result.ok:
        return ValidationResult(ok=True, output=result.output)
    return _syntax_failure(test_file, result.output)


def _tsc(test_file: TestFile, workspace: Workspace, node: str, typescript: Any) -> ValidationResult:
    config = workspace.root / "tsconfig.testgen.json"
    base = workspace.root / "tsconfig.json"
    options: dict[str, Any] = {"noEmit": True, "skipLibCheck": True, "incremental": False,
                               "composite": False}
    settings: dict[str, Any] = {"include": [test_file.path], "files": []}
    if base.is_file():
        settings["extends"] = "./tsconfig.json"
    else:
        options.update({"target": "ES2022", "module": "NodeNext",
                        "moduleResolution": "NodeNext", "allowJs": True, "strict": False,
                        "esModuleInterop": True})
    settings["compilerOptions"] = options
    config.write_text(json.dumps(settings, indent=2), encoding="utf-8")
    tsc = typescript / "bin" / "tsc"
    result = workspace.run([node, str(tsc), "-p", str(config), "--pretty", "false"],
                           cwd=workspace.root, timeout=CHECK_TIMEOUT, memory_mb=None,
                           count_launch=False)
    diagnostics = []
    for match in TSC_LINE.finditer(result.stdout + "\n" + result.stderr):
        file, code, message = match["file"].strip(), match["code"], match["msg"]
        if not file.endswith(test_file.path) and not test_file.path.endswith(file):
            continue  # the project's own sources are not ours to judge
        if code in IGNORED_TS_CODES or RUNNER_GLOBALS.search(message) or (
                code == "TS2307" and RUNNER_MODULES.search(message)):
            continue
        line = int(match["line"])
        diagnostics.append(Diagnostic(f"{code}: {message}", test_file.path, line,
                                      candidate_at(test_file, line)))
    if not diagnostics and not result.ok and "error TS" not in result.output:
        if result.timed_out or result.returncode not in (0, 1, 2):
            return ValidationResult(ok=False, output=result.output, diagnostics=[
                Diagnostic(f"tsc failed: {result.output[-300:]}", test_file.path)])
    return ValidationResult(ok=not diagnostics, diagnostics=diagnostics, output=result.output)


def test_blocks(content: str, path: str) -> list[tuple[str, int, int]]:
    """``(test name, first line, last line)`` of every top-level test in a test file."""
    tree = parse_text(content, path)
    blocks = []
    for statement in tree.root_node.named_children:
        if statement.type != "expression_statement":
            continue
        call = statement.named_children[0] if statement.named_children else None
        if call is None or call.type != "call_expression":
            continue
        fn = call.child_by_field_name("function")
        name_node = None
        if fn is not None and text_of(fn) in ("test", "it"):
            args = call.child_by_field_name("arguments")
            name_node = args.named_children[0] if args and args.named_children else None
        elif fn is not None and fn.type == "call_expression" and text_of(
                fn.child_by_field_name("function")).endswith(".each"):
            args = call.child_by_field_name("arguments")
            name_node = args.named_children[0] if args and args.named_children else None
        if name_node is None or name_node.type != "string":
            continue
        name = "".join(text_of(c) if c.type == "string_fragment" else
                       _unescape(text_of(c)) for c in name_node.named_children)
        blocks.append((name, statement.start_point[0] + 1, statement.end_point[0] + 1))
    return blocks


def _unescape(escape: str) -> str:
    try:
        return json.loads(f'"{escape}"')
    except ValueError:
        return escape[1:] if escape.startswith("\\") else escape


def candidate_at(test_file: TestFile, line: int | None) -> str | None:
    if line is None:
        return None
    by_name = {c.test_name: c.id for c in test_file.candidates}
    for name, start, end in test_blocks(test_file.content, test_file.path):
        if start <= line <= end:
            if name in by_name:
                return by_name[name]
            base = name.removesuffix(" for %s")
            return by_name.get(base)
    return None

