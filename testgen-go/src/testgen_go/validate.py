"""Compile-check a generated test file: ``go vet``, then ``go test -run '^$'``.

Diagnostics in the generated file are attributed to the candidate whose test function holds
the line, so the pipeline can drop that one candidate and try the others again.
Problems in the project's own files are reported too, without a candidate.
"""

from __future__ import annotations

from pathlib import Path

from testgen.model import Diagnostic, TestFile, ValidationResult, Workspace

from .assemble import function_ranges
from .toolchain import (COMPILE_TIMEOUT, go_env, package_in_workspace, parse_diagnostics,
                        require_go, resolve_path, test_file_tags)


def validate(test_file: TestFile, workspace: Workspace) -> ValidationResult:
    require_go("compile Go tests")
    pkg = package_in_workspace(workspace, test_file.path)
    if pkg is None:
        return ValidationResult(ok=False, diagnostics=[Diagnostic(
            f"no go.mod above {test_file.path}; run `go mod init` in the project",
            file=test_file.path)])
    ranges = _candidate_ranges(test_file)
    timeout = max(workspace.timeout, COMPILE_TIMEOUT)
    env = go_env(workspace, test_file_tags([test_file]))
    vet = workspace.run(["go", "vet", pkg.pattern], cwd=pkg.module.root, timeout=timeout,
                        env=env, memory_mb=None, count_launch=False)
    diagnostics = _diagnostics(vet.output, pkg.module.root, workspace, test_file, ranges)
    ours = [d for d in diagnostics if d.file == test_file.path]
    outputs = [vet.output]
    compiled = False
    if vet.timed_out:
        diagnostics.append(Diagnostic(f"go vet {vet.killed_reason}", file=test_file.path))
    elif not ours:
        build = workspace.run(["go", "test", "-count=1", "-run", "^$", pkg.pattern],
                              cwd=pkg.module.root, timeout=timeout, env=env, memory_mb=None,
                              count_launch=False)
        outputs.append(build.output)
        compiled = build.ok
        if not build.ok:
            found = _diagnostics(build.output, pkg.module.root, workspace, test_file, ranges)
            known = {(d.file, d.line, d.message) for d in diagnostics}
            diagnostics += [d for d in found if (d.file, d.line, d.message) not in known]
            if not found:
                tail = build.output.strip().splitlines()[-3:]
                diagnostics.append(Diagnostic(
                    "could not build the tests: " + (" | ".join(tail) or build.killed_reason),
                    file=test_file.path))
    ours = [d for d in diagnostics if d.file == test_file.path]
    return ValidationResult(ok=compiled and not ours, diagnostics=diagnostics,
                            output="\n".join(o for o in outputs if o).strip())


def _candidate_ranges(test_file: TestFile) -> list[tuple[int, int, str]]:
    ranges = function_ranges(test_file.content)
    out = []
    for name, candidate_id in test_file.test_ids.items():
        if name in ranges:
            start, end = ranges[name]
            out.append((start, end, candidate_id))
    return out


def _diagnostics(output: str, module_root: Path, workspace: Workspace, test_file: TestFile,
                 ranges: list[tuple[int, int, str]]) -> list[Diagnostic]:
    found = []
    for path, line, col, message in parse_diagnostics(output, module_root):
        full = resolve_path(path, module_root)
        try:
            rel = full.relative_to(workspace.root).as_posix()
        except ValueError:
            rel = path
        candidate = None
        if rel == test_file.path:
            candidate = next((cid for start, end, cid in ranges if start <= line <= end), None)
        where = f"{rel}:{line}" + (f":{col}" if col else "")
        found.append(Diagnostic(f"{where}: {message}", file=rel, line=line,
                                candidate=candidate))
    return found
