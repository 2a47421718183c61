"""Run generated tests (or the existing suite) with cargo; collect coverage."""

from __future__ import annotations

import os
import re
import shlex
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from testgen.model import FileCoverage, Framework, RunResult, TestFile, TestOutcome, Workspace

from .cargo import (
    BuildResult, build_tests, cargo_env, cargo_root, crate_dir_of, feature_args, parse_libtest,
    require_cargo, test_target_name,
)
from .features import gated_features
from .coverage import collect, collect_profiles, find_tools
from .manifest import find_manifests, load_crate

MAX_PER_TEST = 300
"""Up to this many tests, a measuring run gives each test its own profile (per-test
coverage lets the keep rule drop tests that add nothing over the others)."""
PER_TEST_TIMEOUT = 60
HUNG = re.compile(r"^test (\S+) has been running for over \d+ seconds", re.M)


def run(framework: Framework, test_files: list[TestFile], workspace: Workspace,
        coverage: bool) -> RunResult:
    require_cargo()
    started = time.monotonic()
    if test_files:
        groups: dict[str, list[TestFile]] = {}
        for test_file in test_files:
            groups.setdefault(crate_dir_of(test_file.path), []).append(test_file)
        results = [_run_crate(workspace, crate_rel, files, coverage)
                   for crate_rel, files in groups.items()]
    else:
        results = [_run_crate(workspace, crate_rel, [], coverage)
                   for crate_rel in _suite_roots(workspace)]
    merged = _merge(results)
    merged.duration = time.monotonic() - started
    return merged


def _suite_roots(workspace: Workspace) -> list[str]:
    """Cargo workspaces (or lone packages) to run the existing suite of, outermost only."""
    roots: list[str] = []
    for manifest in find_manifests(workspace.root):
        directory = manifest.parent
        rel = directory.relative_to(workspace.root).as_posix()
        rel = "" if rel == "." else rel
        if any(rel == r or rel.startswith(r + "/") or r == "" for r in roots):
            continue
        roots.append(rel)
    return roots


def _run_crate(workspace: Workspace, crate_rel: str, files: list[TestFile],
               coverage: bool) -> RunResult:
    crate_dir, ws_rel = cargo_root(workspace, crate_rel)
    if not (crate_dir / "Cargo.toml").is_file():
        return RunResult(False, error=f"no Cargo.toml in {crate_rel or 'the project root'}")
    targets = [test_target_name(f.path) for f in files]
    crate = load_crate(crate_dir)
    # Generated tests gated on non-default features are built with those features on; the
    # existing suite runs as the project's own `cargo test` does, with the defaults.
    features = [name for f in files for name in gated_features(
        f.content, crate.feature_table)] if crate is not None else []
    tools = find_tools()
    measure = coverage and tools.tools is not None
    whole_suite = not files
    build = build_tests(workspace, crate_dir, ws_rel, tests=targets or None,
                        extra=["--workspace"] if whole_suite and _is_workspace(crate_dir)
                        else [], features=features)
    expected_ids = [tid for f in files for tid in f.test_ids]
    if not build.ok:
        message = "the tests do not compile: " + (build.output.strip().splitlines() or
                                                  ["cargo failed"])[0]
        return RunResult(False, [TestOutcome(t, "error", build.output[-2000:])
                                 for t in expected_ids],
                         coverage_available=tools.tools is not None or not coverage,
                         output=build.output, error=message)
    per_test = measure and files and 0 < len(expected_ids) <= MAX_PER_TEST
    if per_test:
        return _run_each_test(workspace, crate_dir, ws_rel, files, build, tools.tools)
    profile_dir = None
    if measure:
        profile_dir = workspace.scratch / "profiles" / uuid.uuid4().hex[:12]
        profile_dir.mkdir(parents=True, exist_ok=True)
    env = cargo_env(workspace, ws_rel, profile_dir)
    argv = [require_cargo(), "test", "--no-fail-fast"]
    for target in targets:
        argv += ["--test", target]
    argv += feature_args(features)
    if whole_suite and _is_workspace(crate_dir):
        argv.append("--workspace")
    if whole_suite and tools.tools is not None:
        # Doc tests are compiled by rustdoc without coverage instrumentation and cannot
        # link against the instrumented library.
        # `--tests` is every target with `test = true`: the library's and binaries' unit
        # tests and tests/*.rs, which is what `cargo test` runs besides the doc tests.
        argv.append("--tests")
    result = workspace.run(argv, cwd=crate_dir, env=env, memory_mb=None)
    outcomes = parse_libtest(result.stdout)
    seen = {o.test_id for o in outcomes}
    error = ""
    if result.timed_out:
        hung = set(HUNG.findall(result.stdout))
        error = (f"the tests did not finish ({result.killed_reason}); "
                 + (f"still running: {', '.join(sorted(hung))}" if hung else
                    "a test loops or waits forever"))
        for test_id in expected_ids:
            if test_id not in seen:
                reason = "timed out" if test_id in hung or not hung else "not run (timeout)"
                outcomes.append(TestOutcome(test_id, "error", reason))
    elif not outcomes and result.returncode != 0:
        error = "cargo test failed before running tests: " + (
            result.stderr.strip().splitlines() or ["no output"])[-1]
    for test_id in expected_ids:
        if test_id not in {o.test_id for o in outcomes}:
            outcomes.append(TestOutcome(test_id, "error", "test did not run"))
    files_cov: dict[str, FileCoverage] = {}
    coverage_available = tools.tools is not None
    note = ""
    if measure and profile_dir is not None:
        data = collect(workspace, tools.tools, profile_dir, list(build.executables.values()),
                       workspace.root)
        files_cov = data.files
        if data.error:
            coverage_available = False
            note = f"coverage unavailable: {data.error}"
    elif coverage and not coverage_available:
        note = f"coverage unavailable: {tools.reason}"
    ok = result.ok and not error and all(o.outcome in ("passed", "skipped") for o in outcomes)
    output = (result.stdout + "\n" + result.stderr).strip()
    if note:
        output = note + "\n" + output
    return RunResult(ok=ok, tests=outcomes, coverage=files_cov,
                     coverage_available=coverage_available, output=output[-200_000:],
                     error=error)


def _run_each_test(workspace: Workspace, crate_dir: Path, ws_rel: str, files: list[TestFile],
                   build: BuildResult, tools) -> RunResult:
    """One launch that runs every test in its own process with its own coverage profile,
    then per-test and overall coverage from those profiles."""
    profile_dir = workspace.scratch / "profiles" / uuid.uuid4().hex[:12]
    profile_dir.mkdir(parents=True, exist_ok=True)
    env = cargo_env(workspace, ws_rel, profile_dir)
    env["CARGO_MANIFEST_DIR"] = str(crate_dir)
    slots: list[tuple[str, str, str]] = []  # (test id, binary, profile prefix)
    lines = ["#!/bin/sh", "if command -v timeout >/dev/null 2>&1; then",
             f"  run() {{ timeout -s KILL {PER_TEST_TIMEOUT} \"$@\"; }}", "else",
             '  run() { "$@"; }', "fi"]
    missing: list[TestOutcome] = []
    for test_file in files:
        binary = build.executables.get(f"test:{test_target_name(test_file.path)}")
        for index, test_id in enumerate(test_file.test_ids):
            if binary is None:
                missing.append(TestOutcome(test_id, "error", "no test binary was built"))
                continue
            prefix = f"t{len(slots)}"
            slots.append((test_id, binary, prefix))
            lines.append(f"LLVM_PROFILE_FILE={shlex.quote(str(profile_dir / prefix))}-%m.profraw "
                         f"run {shlex.quote(binary)} --exact {shlex.quote(test_id)} "
                         f"--test-threads=1")
    script = workspace.scratch / f"run-each-{uuid.uuid4().hex[:8]}.sh"
    script.write_text("\n".join(lines) + "\n")
    timeout = max(workspace.timeout, min(len(slots) * 5.0, 1800.0))
    result = workspace.run(["sh", str(script)], cwd=crate_dir, env=env, memory_mb=None,
                           timeout=timeout)
    outcomes = {o.test_id: o for o in parse_libtest(result.stdout)}
    tests: list[TestOutcome] = list(missing)
    per_test: dict[str, dict[str, frozenset[int]]] = {}
    totals: dict[str, FileCoverage] = {}
    errors = []
    jobs = []
    for test_id, binary, prefix in slots:
        raws = sorted(profile_dir.glob(f"{prefix}-*.profraw"))
        jobs.append((test_id, binary, prefix, raws))

    def measure(job):
        test_id, binary, prefix, raws = job
        return test_id, collect_profiles(workspace, tools, raws,
                                         profile_dir / f"{prefix}.profdata", [binary],
                                         workspace.root)

    with ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1))) as pool:
        for test_id, data in pool.map(measure, jobs):
            if data.error:
                errors.append(data.error)
                continue
            per_test[test_id] = {f: c.covered for f, c in data.files.items() if c.covered}
            for path, cov in data.files.items():
                previous = totals.get(path)
                totals[path] = cov if previous is None else FileCoverage(
                    path, previous.statements | cov.statements, previous.covered | cov.covered)
    for test_id, _, _ in slots:
        outcome = outcomes.get(test_id)
        if outcome is None:
            reason = "timed out" if result.timed_out else (
                f"killed after {PER_TEST_TIMEOUT}s (loops or waits forever)")
            tests.append(TestOutcome(test_id, "error", reason))
            continue
        tests.append(TestOutcome(outcome.test_id, outcome.outcome, outcome.message,
                                 covered=per_test.get(test_id, {})))
    error = ""
    if result.timed_out:
        error = f"the tests did not finish ({result.killed_reason})"
    elif any(t.outcome == "error" for t in tests):
        error = "the tests did not finish: " + next(
            f"{t.test_id} {t.message}" for t in tests if t.outcome == "error")
    ok = not error and all(t.outcome in ("passed", "skipped") for t in tests)
    coverage_available = not (errors and not per_test)
    output = (result.stdout + "\n" + result.stderr).strip()
    if errors:
        output = f"coverage unavailable for some tests: {errors[0]}\n" + output
    return RunResult(ok=ok, tests=tests, coverage=totals, coverage_available=coverage_available,
                     output=output[-200_000:], error=error)


def _is_workspace(crate_dir: Path) -> bool:
    try:
        return "[workspace]" in (crate_dir / "Cargo.toml").read_text(encoding="utf-8")
    except OSError:
        return False


def _merge(results: list[RunResult]) -> RunResult:
    if not results:
        return RunResult(False, error="no Cargo package found to run")
    if len(results) == 1:
        return results[0]
    merged = RunResult(ok=all(r.ok for r in results),
                       coverage_available=all(r.coverage_available for r in results))
    for result in results:
        merged.tests.extend(result.tests)
        for path, cov in result.coverage.items():
            previous = merged.coverage.get(path)
            if previous is None:
                merged.coverage[path] = cov
            else:
                merged.coverage[path] = FileCoverage(
                    path, previous.statements | cov.statements, previous.covered | cov.covered)
        merged.output += result.output + "\n"
    merged.error = "; ".join(r.error for r in results if r.error)
    return merged
