"""Run Go tests: the existing suite with ``go test -json -coverprofile`` (one launch per
module), and candidates each on their own with their own cover profile (one launch).

Per-test outcomes come from the JSON events of top-level tests (subtests roll up into their
parent); coverage from the profiles, mapped to project-relative source files.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import uuid
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from testgen.model import FileCoverage, Framework, RunResult, TestFile, TestOutcome, Workspace

from .coverage import parse_profile
from .gomod import Module, read_module
from .toolchain import (COMPILE_TIMEOUT, go_env, no_module_error, package_in_workspace,
                        require_go, test_file_tags)

SKIP_DIRS = {".git", "vendor", "node_modules", "testdata", ".testgen"}
PER_TEST_TIMEOUT = 60
"""Seconds one candidate may run on its own (the whole launch scales with their number)."""


@dataclass
class _Test:
    package: str
    name: str
    outcome: str = ""
    elapsed: float = 0.0
    output: list[str] = field(default_factory=list)


@dataclass
class _Group:
    """The tests of one module: package pattern → test names (empty: the whole suite)."""

    module: Module
    packages: dict[str, list[str]] = field(default_factory=dict)


def run(framework: Framework, test_files: list[TestFile], workspace: Workspace,
        coverage: bool) -> RunResult:
    require_go("run Go tests")
    groups: dict[Path, _Group] = {}
    if test_files:
        for test_file in test_files:
            pkg = package_in_workspace(workspace, test_file.path)
            if pkg is None:
                raise no_module_error(test_file.path, workspace.project_root)
            group = groups.setdefault(pkg.module.root, _Group(pkg.module))
            names = group.packages.setdefault(pkg.pattern, [])
            names.extend(n for n in test_file.test_ids if n not in names)
    else:
        for module in find_modules(workspace.root):
            groups[module.root] = _Group(module, {"./...": []})
    if not groups:
        raise no_module_error(_first_go_file(workspace.root), workspace.project_root)
    tags = test_file_tags(test_files)
    result = RunResult(ok=True, coverage_available=coverage)
    multi = len(groups) > 1 or not test_files
    modules = [g.module for g in groups.values()]
    profiles: list[str] = []
    for index, group in enumerate(groups.values()):
        if coverage and test_files:
            # Candidates: each test runs on its own with its own profile, so the keep rule
            # credits every test with the lines it covers, not with those of the whole file.
            for pattern, names in group.packages.items():
                profiles += _run_each_test(group.module, pattern, names, workspace, result,
                                           multi, modules, tags)
        else:
            names = [n for ns in group.packages.values() for n in ns]
            profiles.append(_run_module(group.module, list(group.packages), names, workspace,
                                        coverage, index, result, multi, tags))
    if coverage:
        result.coverage = _source_coverage("\n".join(profiles), modules, workspace)
    return result


def _first_go_file(root: Path) -> str:
    for path in sorted(root.rglob("*.go")):
        rel = path.relative_to(root)
        if not any(part in SKIP_DIRS for part in rel.parts[:-1]):
            return rel.as_posix()
    return "."


def find_modules(root: Path) -> list[Module]:
    modules = []
    for go_mod in sorted(root.rglob("go.mod")):
        if any(part in SKIP_DIRS for part in go_mod.relative_to(root).parts[:-1]):
            continue
        module = read_module(go_mod)
        if module is not None and module.path:
            modules.append(module)
    return modules


def _source_coverage(profile: str, modules: list[Module],
                     workspace: Workspace) -> dict[str, FileCoverage]:
    return {rel: cov for rel, cov in parse_profile(profile, modules, workspace.root).items()
            if not rel.endswith("_test.go")}


def _run_module(module: Module, patterns: list[str], names: list[str], workspace: Workspace,
                coverage: bool, index: int, result: RunResult, multi: bool,
                tags: tuple[str, ...]) -> str:
    """``go test`` over ``patterns`` in one launch; returns the cover profile's text."""
    profile = workspace.scratch / f"cover-{index}-{workspace.launches}.out"
    argv = ["go", "test", "-json", "-count=1", f"-timeout={max(5, int(workspace.timeout))}s"]
    if coverage:
        argv += ["-covermode=set", f"-coverprofile={profile}"]
    if names:
        argv += ["-run", "^(" + "|".join(re.escape(n) for n in names) + ")$"]
    argv += patterns
    proc = workspace.run(argv, cwd=module.root, timeout=workspace.timeout + COMPILE_TIMEOUT,
                         env=go_env(workspace, tags), memory_mb=None)
    result.duration += proc.duration
    result.output = (result.output + "\n" + proc.output).strip()
    tests, build_errors, package_failures = _parse_events(proc.stdout)
    before = len(result.tests)
    result.tests += _outcomes(tests, module, workspace, multi)
    mine = result.tests[before:]
    if proc.timed_out:
        result.ok = False
        result.error = f"go test {proc.killed_reason}"
    elif build_errors:
        result.ok = False
        result.error = "build failed: " + " | ".join(build_errors)[:2000]
    elif any(t.outcome == "failed" for t in mine) or proc.returncode != 0:
        result.ok = False
        if not mine and not result.error:
            tail = [line for line in proc.output.splitlines() if line.strip()][-5:]
            result.error = "go test failed: " + (" | ".join(package_failures or tail))[:2000]
    if names and not mine and not result.error:
        result.error = "no tests ran"
        result.ok = False
    if not coverage:
        return ""
    try:
        return profile.read_text(encoding="utf-8")
    except OSError:
        return ""


def _run_each_test(module: Module, pattern: str, names: list[str], workspace: Workspace,
                   result: RunResult, multi: bool, modules: list[Module],
                   tags: tuple[str, ...]) -> list[str]:
    """Compile the package's test binary once with ``-cover``, then run every test alone
    (``-test.run '^Name$'``, its own profile) from one shell script: one launch.

    Returns the profiles' texts; each outcome carries the lines its own run covered.
    """
    run_dir = workspace.scratch / f"each-{uuid.uuid4().hex[:10]}"
    run_dir.mkdir(parents=True)
    binary = run_dir / "package.test"
    env = go_env(workspace, tags)
    build = workspace.run(["go", "test", "-c", "-cover", "-covermode=set", "-o", str(binary),
                           pattern], cwd=module.root, timeout=workspace.timeout + COMPILE_TIMEOUT,
                          env=env, memory_mb=None, count_launch=False)
    result.duration += build.duration
    if not build.ok or not binary.is_file():
        result.ok = False
        tail = [line for line in build.output.splitlines() if line.strip()][-5:]
        result.error = ("build failed: " + " | ".join(tail)[:2000] if tail else
                        f"go test -c built no test binary for {pattern}")
        result.output = (result.output + "\n" + build.output).strip()
        return []
    package_dir = (module.root / pattern).resolve()
    import_path = module.import_path(package_dir)
    per_test = max(5, min(PER_TEST_TIMEOUT, int(workspace.timeout)))
    lines = ["#!/bin/sh", "if command -v timeout >/dev/null 2>&1; then",
             f"  run() {{ timeout -s KILL {per_test + 5} \"$@\"; }}", "else",
             '  run() { "$@"; }', "fi"]
    slots = []
    for index, name in enumerate(names):
        profile = run_dir / f"t{index}.out"
        counters = run_dir / f"t{index}"
        counters.mkdir()
        slots.append((name, profile))
        argv = [*_test2json(), "-t", "-p", import_path, str(binary), "-test.v=test2json",
                "-test.count=1", f"-test.run=^{name}$", f"-test.timeout={per_test}s",
                f"-test.coverprofile={profile}", f"-test.gocoverdir={counters}"]
        lines.append("run " + " ".join(shlex.quote(a) for a in argv))
    script = run_dir / "run-each.sh"
    script.write_text("\n".join(lines) + "\n", encoding="utf-8")
    timeout = min(1800.0, workspace.timeout + (per_test + 5) * len(names))
    proc = workspace.run(["sh", str(script)], cwd=package_dir, timeout=timeout, env=env,
                         memory_mb=None)
    result.duration += proc.duration
    result.output = (result.output + "\n" + proc.output).strip()
    tests, _build_errors, _failures = _parse_events(proc.stdout)
    outcomes = {o.test_id: o for o in _outcomes(tests, module, workspace, multi)}
    prefix = _test_prefix(import_path, module, workspace) if multi else ""
    texts = []
    for name, profile in slots:
        test_id = prefix + name
        outcome = outcomes.get(test_id)
        if outcome is None:
            if proc.timed_out:
                result.tests.append(TestOutcome(test_id, "error", "timed out"))
            continue
        try:
            text = profile.read_text(encoding="utf-8")
        except OSError:
            text = ""
        texts.append(text)
        covered = {rel: cov.covered for rel, cov in
                   _source_coverage(text, modules, workspace).items() if cov.covered}
        result.tests.append(TestOutcome(test_id, outcome.outcome, outcome.message,
                                        outcome.duration, covered=covered))
    if proc.timed_out:
        result.ok = False
        result.error = f"the tests did not finish ({proc.killed_reason})"
    elif any(t.outcome != "passed" for t in result.tests):
        result.ok = False
    shutil.rmtree(run_dir, ignore_errors=True)  # the binary is large; the texts are read
    return texts


@lru_cache(maxsize=1)
def _test2json() -> tuple[str, ...]:
    """The test2json tool that turns a test binary's output into ``go test -json`` events."""
    try:
        tool_dir = subprocess.run(["go", "env", "GOTOOLDIR"], capture_output=True, text=True,
                                  timeout=60).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        tool_dir = ""
    tool = Path(tool_dir) / "test2json"
    return (str(tool),) if tool_dir and tool.is_file() else ("go", "tool", "test2json")


def _outcomes(tests: dict[tuple[str, str], _Test], module: Module, workspace: Workspace,
              multi: bool) -> list[TestOutcome]:
    found = []
    for test in tests.values():
        outcome = test.outcome
        message = ""
        if outcome not in ("passed", "failed", "skipped"):
            outcome = "failed"
            message = "did not finish (timed out or the test binary crashed)"
        if outcome == "failed" and not message:
            message = _failure_message(test.output)
        test_id = test.name
        if multi:
            test_id = _test_prefix(test.package, module, workspace) + test.name
        found.append(TestOutcome(test_id=test_id, outcome=outcome, message=message,
                                 duration=test.elapsed))
    return found


def _test_prefix(import_path: str, module: Module, workspace: Workspace) -> str:
    try:
        rel_root = module.root.resolve().relative_to(workspace.root.resolve())
    except ValueError:
        rel_root = Path(".")
    pkg_dir = _package_dir(import_path, module, rel_root)
    return "" if pkg_dir == "." else f"{pkg_dir}/"


def _package_dir(import_path: str, module: Module, rel_root: Path) -> str:
    if import_path == module.path:
        sub = ""
    elif import_path.startswith(module.path + "/"):
        sub = import_path[len(module.path) + 1:]
    else:
        return import_path
    joined = (rel_root / sub).as_posix() if sub else rel_root.as_posix()
    return joined or "."


def _parse_events(stdout: str) -> tuple[dict[tuple[str, str], _Test], list[str], list[str]]:
    tests: dict[tuple[str, str], _Test] = {}
    build_errors: list[str] = []
    package_failures: list[str] = []
    package_output: dict[str, list[str]] = {}
    for line in stdout.splitlines():
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            event = json.loads(line)
        except ValueError:
            continue
        action = event.get("Action")
        package = event.get("Package") or event.get("ImportPath") or ""
        name = event.get("Test") or ""
        if action == "build-output":
            build_errors.append(event.get("Output", "").rstrip())
            continue
        if action == "build-fail":
            continue
        if not name:
            if action == "output":
                package_output.setdefault(package, []).append(event.get("Output", ""))
            elif action == "fail":
                out = "".join(package_output.get(package, []))
                if "[build failed]" in out or "[setup failed]" in out:
                    build_errors.append(out.strip())
                else:
                    package_failures.append(f"{package}: {out.strip()[-500:]}")
            continue
        top = name.split("/", 1)[0]
        test = tests.setdefault((package, top), _Test(package=package, name=top))
        if action == "output":
            test.output.append(event.get("Output", ""))
        elif name == top and action in ("pass", "fail", "skip"):
            test.outcome = {"pass": "passed", "fail": "failed", "skip": "skipped"}[action]
            test.elapsed = float(event.get("Elapsed") or 0.0)
    for package, lines in package_output.items():
        text = "".join(lines)
        match = re.search(r"panic: test timed out after (\S+)\s+running tests:\s*\n((?:\s+\S+ "
                          r"\([^)]*\)\n?)+)", text)
        if match:
            for entry in match.group(2).strip().splitlines():
                running = entry.strip().split(" ", 1)[0].split("/", 1)[0]
                test = tests.get((package, running))
                if test is not None:
                    test.outcome = "failed"
                    test.output.append(f"timed out after {match.group(1)}\n")
    return tests, build_errors, package_failures


def _failure_message(output: list[str]) -> str:
    lines = [line.rstrip() for line in "".join(output).splitlines()
             if line.strip() and not line.strip().startswith(("=== RUN", "=== PAUSE",
                                                              "=== CONT", "--- PASS"))]
    return "\n".join(lines[-20:])[:4000]
