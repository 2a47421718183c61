"""Run C test programs; read their result lines and coverage.

Every test file is its own program. All programs of one run are built first (compiler
launches, not counted as test launches), then run by one small shell loop in ONE sandboxed
launch. Programs written with the harness print ``ok NAME`` / ``FAIL NAME: message``; their
test ids are ``<file>::<NAME>``. Any other test program (a hand-written ``main`` with
``assert``) is one test whose id is its path and whose outcome is its exit status.
"""

from __future__ import annotations

import re
import shlex
import shutil
from dataclasses import dataclass, replace
from pathlib import Path

from testgen.model import Framework, RunResult, TestFile, TestOutcome, Workspace

from . import coverage as cov
from .build import binary_name, compile_program, first_error
from .project import require_compiler, test_programs

_OK = re.compile(r"^ok (\S+)\s*$")
_FAIL = re.compile(r"^FAIL (\S+): ?(.*)$")
_MARK = re.compile(r"^@@testgen (start|exit) (\d+)(?: (\d+))?$")


@dataclass
class Program:
    rel_path: str
    binary: Path
    build_error: str = ""


def run(framework: Framework, test_files: list[TestFile], workspace: Workspace,
        coverage: bool) -> RunResult:
    require_compiler("run C tests")
    if test_files:
        paths = [workspace.path(t.path) for t in test_files]
    else:
        paths = test_programs(workspace.root)
    if not paths:
        return RunResult(ok=True, coverage_available=cov.available(),
                         output="no test programs found")
    measure = coverage and cov.available()
    build_root = workspace.scratch / "c-run"
    shutil.rmtree(build_root, ignore_errors=True)
    programs = []
    for index, path in enumerate(paths):
        rel = path.relative_to(workspace.root).as_posix()
        binary = build_root / str(index) / binary_name(rel)
        built = compile_program(workspace, path, binary, coverage=measure)
        programs.append(Program(rel, binary, "" if built.ok else first_error(built.output)))
    runnable = [p for p in programs if not p.build_error]
    outcomes: list[TestOutcome] = []
    output = ""
    duration = 0.0
    if runnable:
        finished = workspace.run(["sh", "-c", _loop(runnable)], cwd=workspace.root)
        output, duration = finished.output, finished.duration
        outcomes = _parse(output, runnable, finished.killed_reason)
    for program in programs:
        if program.build_error:
            outcomes.append(TestOutcome(test_id=program.rel_path, outcome="error",
                                        message=f"does not compile: {program.build_error}"))
    files = {}
    if measure:
        measured = cov.collect(workspace, [p.binary.parent for p in runnable])
        files = measured.files
        outcomes = [_with_coverage(o, runnable, measured) for o in outcomes]
    failed = [o for o in outcomes if o.outcome in ("failed", "error")]
    error = ""
    if programs and not runnable:
        error = "no test program compiled: " + programs[0].build_error
    return RunResult(ok=not failed and not error, tests=outcomes, coverage=files,
                     coverage_available=measure or not coverage, output=output,
                     duration=duration, error=error)


def _with_coverage(outcome: TestOutcome, programs: list[Program],
                   measured: cov.Measured) -> TestOutcome:
    """Attach the lines a harness test executed (an empty map if it wrote no data)."""
    path, _, name = outcome.test_id.partition("::")
    if not name or outcome.outcome != "passed":
        return outcome
    program = next((p for p in programs if p.rel_path == path), None)
    if program is None:
        return outcome
    covered = measured.per_test.get((program.binary.parent, name), {})
    return replace(outcome, covered=covered)


def _loop(programs: list[Program]) -> str:
    """One shell script that runs every program and marks where each starts and ends."""
    steps = []
    for index, program in enumerate(programs):
        per_test = shlex.quote(str(program.binary.parent / cov.PER_TEST_DIR))
        steps.append(f"echo '@@testgen start {index}'; "
                     f"TESTGEN_COVERAGE_DIR={per_test} {shlex.quote(str(program.binary))}; "
                     f"echo \"@@testgen exit {index} $?\"")
    return "\n".join(steps)


def _parse(output: str, programs: list[Program], killed: str) -> list[TestOutcome]:
    outcomes: list[TestOutcome] = []
    current: int | None = None
    seen: dict[int, list[TestOutcome]] = {}
    captured: dict[int, list[str]] = {}
    exits: dict[int, int] = {}
    for line in output.splitlines():
        mark = _MARK.match(line)
        if mark:
            current = int(mark[2])
            if mark[1] == "exit":
                exits[current] = int(mark[3] or 0)
                current = None
            continue
        if current is None:
            continue
        captured.setdefault(current, []).append(line)
        path = programs[current].rel_path
        if ok := _OK.match(line):
            seen.setdefault(current, []).append(TestOutcome(f"{path}::{ok[1]}", "passed"))
        elif fail := _FAIL.match(line):
            seen.setdefault(current, []).append(
                TestOutcome(f"{path}::{fail[1]}", "failed", message=fail[2]))
    for index, program in enumerate(programs):
        if index in seen:
            outcomes += seen[index]
        elif index in exits:
            status = exits[index]
            tail = "\n".join(captured.get(index, [])[-20:])
            outcomes.append(TestOutcome(
                program.rel_path, "passed" if status == 0 else "failed",
                message="" if status == 0 else f"exit status {status}\n{tail}".strip()))
        else:
            outcomes.append(TestOutcome(program.rel_path, "error",
                                        message=killed or "the program did not finish"))
    return outcomes
