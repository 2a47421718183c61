"""``Python.validate``: does the test file compile, and do its imports exist?

* Each candidate is compiled on its own, so a syntax error is blamed on the candidate that has
  it (and the others stay in the running); then the whole file is compiled, and an error there
  is attributed by line range.
* The file's import statements are checked in one helper launch with the project's interpreter
  (``importlib.util.find_spec`` for modules; for project modules, that each imported name
  exists), so an invented module or function fails the candidate that brought it instead of the
  whole file failing to collect.
"""

from __future__ import annotations

import ast
import json
import re
import textwrap

from testgen.model import Diagnostic, TestCandidate, TestFile, ValidationResult, Workspace

from . import interpreter
from .layout import module_location

_DEF = re.compile(r"^(\s*)(?:async\s+)?def\s+(\w+)\s*\(")
_FROM = re.compile(r"^\s*from\s+([\w.]+)\s+import\s+\(?([^)#]*)\)?")

_CHECK_IMPORTS = r"""
import importlib, importlib.util, json, sys
sys.path.insert(0, sys.argv[2])
problems = []
for module, names, line in json.loads(sys.argv[1]):
    try:
        spec = importlib.util.find_spec(module)
    except BaseException as exc:
        spec, error = None, f"{type(exc).__name__}: {exc}"
    else:
        error = f"No module named {module!r}"
    if spec is None:
        problems.append([line, error])
        continue
    if names and spec.origin and spec.origin.startswith(sys.argv[3]):
        try:
            loaded = importlib.import_module(module)
        except BaseException as exc:
            problems.append([line, f"importing {module} failed: {type(exc).__name__}: {exc}"])
            continue
        for name in names:
            if not hasattr(loaded, name):
                try:
                    importlib.import_module(f"{module}.{name}")
                except BaseException:
                    problems.append([line, f"cannot import name {name!r} from {module!r}"])
print(json.dumps(problems))
"""


def validate(test_file: TestFile, workspace: Workspace) -> ValidationResult:
    diagnostics: list[Diagnostic] = []
    for candidate in test_file.candidates:
        error = _compile_error(_as_module_code(candidate.code), candidate.test_name)
        if error is not None:
            line, message = error
            diagnostics.append(Diagnostic(message=f"{candidate.test_name}: {message}",
                                          file=test_file.path, line=line,
                                          candidate=candidate.id))
    error = _compile_error(test_file.content, test_file.path)
    if error is not None and not diagnostics:
        line, message = error
        owner = _candidate_at(test_file, line)
        diagnostics.append(Diagnostic(message=message, file=test_file.path, line=line,
                                      candidate=owner.id if owner else None))
    if error is None:
        diagnostics.extend(_import_problems(test_file, workspace))
    output = "\n".join(f"{d.file}:{d.line}: {d.message}" for d in diagnostics)
    return ValidationResult(ok=not diagnostics, diagnostics=diagnostics, output=output)


def _as_module_code(code: str) -> str:
    return textwrap.dedent(code)


def _compile_error(code: str, name: str) -> tuple[int, str] | None:
    try:
        compile(code, name, "exec", dont_inherit=True)
    except SyntaxError as exc:
        return exc.lineno or 0, f"SyntaxError: {exc.msg}"
    except ValueError as exc:  # null bytes
        return 0, f"ValueError: {exc}"
    return None


def _candidate_ranges(test_file: TestFile) -> list[tuple[int, int, TestCandidate]]:
    """Line range of each candidate in the assembled file (1-based): from its decorators to
    the line before the next candidate."""
    lines = test_file.content.splitlines()
    by_name = {c.test_name: c for c in test_file.candidates}
    starts: list[tuple[int, TestCandidate]] = []
    for index, line in enumerate(lines):
        match = _DEF.match(line)
        if match and match.group(2) in by_name:
            indent, start = match.group(1), index
            # Walk up over decorators, including a multi-line parametrize table.
            while start > 0 and lines[start - 1].strip() and not _DEF.match(lines[start - 1]) \
                    and (lines[start - 1].startswith(tuple(indent + c for c in "@)]"))
                         or len(lines[start - 1]) - len(lines[start - 1].lstrip()) > len(indent)):
                start -= 1
            starts.append((start + 1, by_name[match.group(2)]))
    ranges = []
    for i, (start, candidate) in enumerate(starts):
        end = starts[i + 1][0] - 1 if i + 1 < len(starts) else len(lines)
        ranges.append((start, end, candidate))
    return ranges


def _candidate_at(test_file: TestFile, line: int) -> TestCandidate | None:
    for start, end, candidate in _candidate_ranges(test_file):
        if start <= line <= end:
            return candidate
    return None


def _import_problems(test_file: TestFile, workspace: Workspace) -> list[Diagnostic]:
    checks = []
    for node in ast.parse(test_file.content).body:
        if isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names = [a.name for a in node.names if a.name != "*"]
            checks.append([node.module, names, node.lineno])
        elif isinstance(node, ast.Import):
            checks.extend([alias.name, [], node.lineno] for alias in node.names)
    if not checks:
        return []
    location = module_location(workspace.root, test_file.target)
    import_root = str(workspace.root / location.import_root) if location.import_root \
        else str(workspace.root)
    chosen = interpreter.choose(workspace, needs_pytest=False)
    proc = workspace.run([chosen.executable, "-c", _CHECK_IMPORTS, json.dumps(checks),
                          import_root, str(workspace.root)], cwd=workspace.root,
                         timeout=60, env=interpreter.environment(workspace, chosen),
                         count_launch=False)
    try:
        problems = json.loads(proc.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return []  # the check itself could not run: the test run will tell
    lines = test_file.content.splitlines()
    diagnostics = []
    for line, message in problems:
        owners = [c for c in test_file.candidates if _brings(c, lines[line - 1])]
        if not owners:
            diagnostics.append(Diagnostic(message=message, file=test_file.path, line=line))
        for owner in owners:
            diagnostics.append(Diagnostic(message=f"{message} (imported for "
                                          f"{owner.test_name})", file=test_file.path,
                                          line=line, candidate=owner.id))
    return diagnostics


def _brings(candidate: TestCandidate, import_line: str) -> bool:
    """Whether ``candidate`` asked for (part of) the merged import on ``import_line``."""
    line_match = _FROM.match(import_line)
    for own in candidate.imports:
        own_match = _FROM.match(own)
        if line_match and own_match and own_match.group(1) == line_match.group(1):
            return True
        if own.strip() == import_line.strip():
            return True
    return False


__all__ = ["validate"]
