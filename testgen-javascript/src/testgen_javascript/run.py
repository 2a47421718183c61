"""Run tests with the project's framework, one launch, machine-readable results and coverage.

| framework | results                                   | coverage                              |
|-----------|-------------------------------------------|---------------------------------------|
| node:test | our JSON-lines reporter (``js/``)          | ``NODE_V8_COVERAGE`` + own line mapping |
| mocha     | ``--reporter json``                        | ``NODE_V8_COVERAGE`` + own line mapping |
| jest      | ``--json --outputFile``                    | ``--coverageProvider=v8``, istanbul JSON |
| vitest    | ``--reporter=json --outputFile``           | ``@vitest/coverage-v8``, istanbul JSON  |

Runs of given test files measure each test's own lines, so the keep rule is per test:
node:test and mocha through ``js/per-test-coverage.cjs`` (V8 precise coverage taken around
each test); jest through ``js/jest-per-test.cjs``, appended to the project's configuration,
diffing istanbul's in-process counters (babel provider) around each test; vitest through
``js/vitest-per-test.mjs``, added to the project's setup files through vitest's node API,
taking V8 precise coverage around each test and mapping it back through the inline source
map of the module vite transformed. The vitest hook also measures coverage when the
project lacks ``@vitest/coverage-v8``.

Test ids are ``<project-relative test file>::<suite > … > test name>``, the same ids
``testgen_assemble`` writes into ``TestFile.test_ids``.
"""

from __future__ import annotations

import glob
import json
import os
import re
import shlex
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable

from testgen.model import FileCoverage, Framework, ProcessResult, RunResult, TestFile, \
    TestOutcome, Workspace

from .coverage import coverage_from_istanbul, coverage_from_v8, merge, \
    read_jest_per_test, read_per_test, read_vitest_per_test
from .layout import TEST_SUFFIXES
from .package import SUFFIXES, find_node_package, find_package, require_node
from .runtime import harness_file, node_options, typescript_env

RUN_TIMEOUT = 300.0
PER_TEST = "per-test-coverage.cjs"
VITEST_PER_TEST = "vitest-per-test.mjs"
TS_RUNNER_FLAGS = {"tsx", "tsx/esm", "tsx/cjs", "ts-node/register", "ts-node/esm",
                   "@swc-node/register", "esbuild-register"}


def run(framework: Framework, test_files: list[TestFile], workspace: Workspace,
        coverage: bool) -> RunResult:
    node = require_node("run JavaScript tests")
    package = {"jest": "jest", "vitest": "vitest", "mocha": "mocha"}.get(framework.name)
    if package and find_node_package(package, workspace.root) is None:
        return RunResult(ok=False, coverage_available=False, error=(
            f"{framework.name} is not installed in this project's node_modules; install it "
            f"with `npm install --save-dev {package}` (or use --framework node:test)"))
    runner: Callable[..., RunResult] = {
        "node:test": _node_test, "mocha": _mocha, "jest": _jest, "vitest": _vitest,
    }[framework.name]
    scratch = workspace.scratch / f"run-{workspace.launches}-{os.getpid()}"
    if scratch.exists():
        shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    return runner(node, [t.path for t in test_files], workspace, coverage, scratch)


# --------------------------------------------------------------------------- helpers


# Files coverage tools leave out by default besides *.test.* (nyc's and c8's exclude list):
# `test.js`, `test-x.js`, `x-test.js`, tool configuration.
NOT_SOURCE = re.compile(r"(?:test(?:-[^/]*)?|[^/]*-test|[^/]*\.config|\.[a-z]+rc)"
                        r"\.(?:[cm]?[jt]s|[jt]sx)$")


def is_test_path(rel: str) -> bool:
    parts = rel.split("/")
    return rel.endswith(TEST_SUFFIXES) or any(p in ("__tests__", "test", "tests")
                                              for p in parts[:-1]) \
        or NOT_SOURCE.fullmatch(parts[-1]) is not None


def _wanted(rel: str) -> bool:
    return rel.endswith(SUFFIXES) and not is_test_path(rel) and not rel.endswith(".d.ts") \
        and not rel.startswith("coverage/")  # dist/, lib/: what many packages ship and test


def _rel(path: str | Path, root: Path) -> str:
    p = Path(path)
    for base in (root, root.resolve()):
        try:
            return p.relative_to(base).as_posix()
        except ValueError:
            continue
    try:
        return p.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return p.as_posix()


def _result(process: ProcessResult, tests: list[TestOutcome], coverage: dict[str, FileCoverage],
            coverage_available: bool, errors: list[str]) -> RunResult:
    error = "; ".join(errors)
    if process.timed_out:
        error = error or f"the test run was stopped: {process.killed_reason}"
    elif not tests and not error:
        error = "no tests ran: " + (_tail(process.output) or f"exit status {process.returncode}")
    ok = not error and all(t.outcome in ("passed", "skipped") for t in tests)
    return RunResult(ok=ok, tests=tests, coverage=coverage,
                     coverage_available=coverage_available, output=process.output[-20000:],
                     duration=process.duration, error=error)


def _tail(text: str, lines: int = 6) -> str:
    return " / ".join(line.strip() for line in text.strip().splitlines()[-lines:])


def _env(workspace: Workspace, extra_node_options: str = "") -> dict[str, str]:
    env = typescript_env(workspace)
    options = node_options(env, extra_node_options)
    if options:
        env["NODE_OPTIONS"] = options
    env.update(_quiet_env(workspace))
    return env


def _tool_cache(workspace: Workspace) -> Path:
    return workspace.cache_dir / "javascript" if workspace.cache_dir else workspace.scratch


def _quiet_env(workspace: Workspace) -> dict[str, str]:
    """CI mode, no colours, and tool caches in TestGen's directory: node_modules is linked
    from the user's tree, so node_modules/.cache would be written there (find-cache-dir users
    such as babel-loader and ava honour CACHE_DIR; @babel/register BABEL_CACHE_PATH)."""
    cache = _tool_cache(workspace)
    return {"CI": "true", "FORCE_COLOR": "0", "CACHE_DIR": str(cache / "node-tools"),
            "BABEL_CACHE_PATH": str(cache / "babel-register.json")}


# --------------------------------------------------------------------------- node:test


def _node_test(node: str, files: list[str], workspace: Workspace, coverage: bool,
               scratch: Path) -> RunResult:
    report = scratch / "node-test.jsonl"
    flags, targets = (_script_arguments(workspace) if not files else ([], files))
    per_test = coverage and bool(files)
    env = _env(workspace, f"--require={harness_file(PER_TEST)}" if per_test else "")
    if coverage:
        env["NODE_V8_COVERAGE"] = str(scratch / "v8")
    if per_test:
        env.update(_per_test_env(workspace, scratch), TESTGEN_PER_TEST_NODE_TEST="1")
    argv = [node, *flags, "--test-reporter", harness_file("node-test-reporter.mjs").as_uri(),
            "--test-reporter-destination", str(report), "--test", *targets]
    process = workspace.run(argv, cwd=workspace.root, timeout=_timeout(workspace), env=env,
                            memory_mb=None)
    tests, errors = _read_node_report(report, workspace.root)
    cov = coverage_from_v8(scratch / "v8", workspace.root, _wanted) if coverage else {}
    if per_test:
        tests = _with_per_test(tests, cov, scratch, workspace)
    return _result(process, tests, cov, coverage, errors)


def _per_test_env(workspace: Workspace, scratch: Path) -> dict[str, str]:
    directory = scratch / "per-test"
    directory.mkdir(parents=True, exist_ok=True)
    return {"TESTGEN_PER_TEST_DIR": str(directory),
            "TESTGEN_PER_TEST_ROOT": workspace.root.resolve().as_uri()}


def _with_per_test(tests: list[TestOutcome], cov: dict[str, FileCoverage], scratch: Path,
                   workspace: Workspace) -> list[TestOutcome]:
    """Each test's own lines from ``js/per-test-coverage.cjs``; the whole run's coverage is
    completed with them (taking per-test counts resets what NODE_V8_COVERAGE sees)."""
    per_test, whole = read_per_test(scratch / "per-test", workspace.root, _wanted)
    merge(cov, whole)
    found = []
    for test in tests:
        rel, _, name = test.test_id.partition("::")
        lines = per_test.get((rel, name))
        found.append(replace(test, covered=lines) if lines is not None else test)
    return found


def _script_arguments(workspace: Workspace) -> tuple[list[str], list[str]]:
    """Flags and files of the project's ``node --test`` script, globs expanded."""
    pkg = find_package(workspace.root, stop=workspace.root)
    try:
        words = shlex.split(pkg.test_script)
    except ValueError:
        words = []
    if not words or os.path.basename(words[0]) != "node" or "--test" not in words:
        return [], []
    flags: list[str] = []
    targets: list[str] = []
    index = 1
    while index < len(words):
        word = words[index]
        if word in ("&&", "||", ";", "|"):
            break
        if word in ("--import", "--require", "-r", "--loader", "--experimental-loader"):
            value = words[index + 1] if index + 1 < len(words) else ""
            if value not in TS_RUNNER_FLAGS:  # TypeScript is run by our own loader
                flags.extend([word, value])
            index += 2
            continue
        if word.startswith("--"):
            if "=" in word and word.split("=", 1)[1] in TS_RUNNER_FLAGS:
                index += 1
                continue
            if word != "--test" and not word.startswith("--test-reporter"):
                flags.append(word)
        else:
            matches = sorted(glob.glob(word, root_dir=workspace.root, recursive=True))
            targets.extend(matches or [word])
        index += 1
    return flags, targets


def _read_node_report(report: Path, root: Path) -> tuple[list[TestOutcome], list[str]]:
    tests: list[TestOutcome] = []
    errors: list[str] = []
    if not report.is_file():
        return tests, errors
    for line in report.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if event.get("suite"):
            continue
        file = event.get("file") or ""
        name = event.get("name") or ""
        if event.get("nesting") == 0 and file and name in (file, _rel(file, root)):
            if event.get("outcome") == "failed":
                errors.append(f"{_rel(file, root)} could not run: {event.get('message')}")
            continue
        rel = _rel(file, root) if file else ""
        test_id = f"{rel}::{' > '.join(event.get('path') or [name])}"
        tests.append(TestOutcome(test_id=test_id, outcome=event.get("outcome", "failed"),
                                 message=event.get("message") or "",
                                 duration=float(event.get("duration") or 0) / 1000))
    return tests, errors


def _timeout(workspace: Workspace) -> float:
    return max(workspace.timeout, 60.0) if workspace.timeout else RUN_TIMEOUT


# --------------------------------------------------------------------------- mocha


def _mocha(node: str, files: list[str], workspace: Workspace, coverage: bool,
           scratch: Path) -> RunResult:
    package = find_node_package("mocha", workspace.root)
    binary = package / "bin" / "mocha.js"
    if not binary.is_file():
        binary = package / "bin" / "_mocha"
    report = scratch / "mocha.json"
    env = _env(workspace)
    per_test = coverage and bool(files)
    if coverage:
        env["NODE_V8_COVERAGE"] = str(scratch / "v8")
    if per_test:
        env.update(_per_test_env(workspace, scratch))
    argv = [node, str(binary), "--reporter", "json", "--reporter-option", f"output={report}",
            "--no-color", *(["--require", str(harness_file(PER_TEST))] if per_test else []),
            *files]
    if any(f.endswith((".ts", ".mts", ".tsx")) for f in files):
        argv[2:2] = ["--extension", "ts"]
    process = workspace.run(argv, cwd=workspace.root, timeout=_timeout(workspace), env=env,
                            memory_mb=None)
    tests: list[TestOutcome] = []
    errors: list[str] = []
    data = _read_json(report)
    if data is None:
        errors.append("mocha did not write its JSON report: " + _tail(process.output))
    else:
        failed = {(t.get("file"), t.get("fullTitle")) for t in data.get("failures", [])}
        pending = {(t.get("file"), t.get("fullTitle")) for t in data.get("pending", [])}
        for test in data.get("tests", []):
            key = (test.get("file"), test.get("fullTitle"))
            outcome = "failed" if key in failed else "skipped" if key in pending else "passed"
            err = test.get("err") or {}
            tests.append(TestOutcome(
                test_id=f"{_rel(test.get('file') or '', workspace.root)}::{test.get('fullTitle')}",
                outcome=outcome, message=str(err.get("message") or ""),
                duration=float(test.get("duration") or 0) / 1000))
        for failure in data.get("failures", []):
            if "hook" in str(failure.get("title", "")) and (
                    failure.get("file"), failure.get("fullTitle")) not in {
                    (t.get("file"), t.get("fullTitle")) for t in data.get("tests", [])}:
                errors.append(f"{failure.get('fullTitle')}: "
                              f"{(failure.get('err') or {}).get('message')}")
    cov = coverage_from_v8(scratch / "v8", workspace.root, _wanted) if coverage else {}
    if per_test:
        tests = _with_per_test(tests, cov, scratch, workspace)
    return _result(process, tests, cov, coverage, errors)


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


# --------------------------------------------------------------------------- jest / vitest


def _jest(node: str, files: list[str], workspace: Workspace, coverage: bool,
          scratch: Path) -> RunResult:
    binary = find_node_package("jest", workspace.root) / "bin" / "jest.js"
    report = scratch / "jest.json"
    extra = ""
    pkg = find_package(workspace.root, stop=workspace.root)
    if pkg.module_type == "module" and not _has_babel_config(workspace.root):
        extra = "--experimental-vm-modules"  # jest runs native ES modules only with this
    env = _quiet_env(workspace)  # jest transforms TypeScript itself
    if extra:
        env["NODE_OPTIONS"] = extra
    argv = [node, str(binary), "--ci", "--json", f"--outputFile={report}", "--colors=false",
            "--watchman=false"]
    cache = _tool_cache(workspace) / "jest"
    argv.append(f"--cacheDirectory={cache}")
    # Per-test coverage needs istanbul's in-process counters (the babel provider) and our
    # setup file after the project's own, through a config wrapping the project's.
    config_module = find_node_package("jest-config", workspace.root)
    per_test = coverage and bool(files) and config_module is not None and \
        (config_module / "package.json").is_file()
    if per_test:
        env.update(_per_test_env(workspace, scratch), TESTGEN_JEST_ROOT=str(workspace.root),
                   TESTGEN_JEST_CONFIG_MODULE=str(config_module))
        argv.append(f"--config={harness_file('jest-config.cjs')}")
    if coverage:
        argv += ["--coverage", f"--coverageProvider={'babel' if per_test else 'v8'}",
                 "--coverageReporters=json", f"--coverageDirectory={scratch / 'coverage'}"]
    if files:
        argv += ["--runTestsByPath", *[str(workspace.path(f)) for f in files]]
    process = workspace.run(argv, cwd=workspace.root, timeout=_timeout(workspace), env=env,
                            memory_mb=None)
    result = _jest_like(process, report, scratch / "coverage" / "coverage-final.json",
                        workspace, coverage)
    if per_test:
        per = read_jest_per_test(scratch / "per-test", workspace.root, _wanted)
        tests = []
        for test in result.tests:
            rel, _, name = test.test_id.partition("::")
            lines = per.get((rel, name), per.get((rel, "\0" + name.replace(" > ", " "))))
            tests.append(replace(test, covered=lines) if lines is not None else test)
        result = replace(result, tests=tests)
    return result


def _vitest(node: str, files: list[str], workspace: Workspace, coverage: bool,
            scratch: Path) -> RunResult:
    package = find_node_package("vitest", workspace.root)
    report = scratch / "vitest.json"
    env = _quiet_env(workspace)  # vitest transforms TypeScript itself
    has_coverage = find_node_package("@vitest/coverage-v8", workspace.root) is not None
    # Per-test coverage (and any coverage without the provider) comes from our setup file,
    # run through vitest's node API so the project's own setupFiles stay.
    per_test = coverage and (bool(files) or not has_coverage) and \
        (package / "dist" / "node.js").is_file()
    # A TypeScript config is bundled into node_modules/.vite-temp (the user's, read-only
    # here) unless vite's module runner loads it (vitest >= 3.1).
    loader = {"configLoader": "runner"} if _version_at_least(package, (3, 1)) else {}
    if per_test:
        env.update(_per_test_env(workspace, scratch))
        env["TESTGEN_VITEST"] = json.dumps({
            "node": (package / "dist" / "node.js").as_uri(), "files": files,
            "setup": str(harness_file(VITEST_PER_TEST)),
            # vitest keeps its results cache in node_modules/.vite, which is the user's.
            "options": {"run": True, "watch": False, "cache": False, "reporters": ["json"],
                        "outputFile": str(report), "color": False, **loader}})
        argv = [node, str(harness_file("vitest-run.mjs"))]
    else:
        argv = [node, str(package / "vitest.mjs"), "run", "--reporter=json",
                f"--outputFile={report}", "--watch=false", "--cache=false",
                *(f"--{k}={v}" for k, v in loader.items())]
        if coverage and has_coverage:
            argv += ["--coverage.enabled=true", "--coverage.provider=v8",
                     "--coverage.reporter=json",
                     f"--coverage.reportsDirectory={scratch / 'coverage'}"]
        argv += files
    process = workspace.run(argv, cwd=workspace.root, timeout=_timeout(workspace), env=env,
                            memory_mb=None)
    result = _jest_like(process, report, scratch / "coverage" / "coverage-final.json",
                        workspace, coverage and has_coverage and not per_test)
    if per_test:
        per, whole = read_vitest_per_test(scratch / "per-test", workspace.root, _wanted)
        tests = []
        for test in result.tests:
            rel, _, name = test.test_id.partition("::")
            lines = per.get((rel, name))
            tests.append(replace(test, covered=lines) if lines is not None else test)
        measured = any((scratch / "per-test").glob("*.jsonl"))
        result = replace(result, tests=tests, coverage=whole, coverage_available=measured)
        if not measured and result.tests:
            result.coverage_note = (
                "TestGen's vitest setup file did not run in the test workers (a workspace "
                "of projects that do not extend the root configuration?)")
    elif coverage and not has_coverage:
        version = str(_read_json(package / "package.json").get("version", "")) \
            if _read_json(package / "package.json") else ""
        result.coverage_note = (
            "vitest measures coverage only with @vitest/coverage-v8, which is not installed; "
            f"`npm install --save-dev @vitest/coverage-v8{'@' + version if version else ''}`")
    return result


def _version_at_least(package: Path, wanted: tuple[int, ...]) -> bool:
    manifest = _read_json(package / "package.json") or {}
    found = re.match(r"(\d+)\.(\d+)", str(manifest.get("version", "")))
    return found is not None and tuple(int(n) for n in found.groups()) >= wanted


def _has_babel_config(root: Path) -> bool:
    names = ("babel.config.js", "babel.config.cjs", "babel.config.mjs", "babel.config.json",
             ".babelrc", ".babelrc.js", ".babelrc.cjs", ".babelrc.json")
    if any((root / n).exists() for n in names):
        return True
    pkg = find_package(root, stop=root)
    return "babel" in pkg.manifest


def _jest_like(process: ProcessResult, report: Path, coverage_file: Path,
               workspace: Workspace, coverage: bool) -> RunResult:
    data = _read_json(report)
    tests: list[TestOutcome] = []
    errors: list[str] = []
    if data is None:
        errors.append("the runner did not write its JSON report: " + _tail(process.output))
    else:
        for suite in data.get("testResults", []):
            rel = _rel(suite.get("name") or "", workspace.root)
            assertions = suite.get("assertionResults") or []
            if suite.get("status") == "failed" and not assertions:
                message = (suite.get("message") or suite.get("failureMessage") or "").strip()
                errors.append(f"{rel} could not run: {message[:1500]}")
            for test in assertions:
                status = test.get("status")
                outcome = {"passed": "passed", "failed": "failed"}.get(status, "skipped")
                path = [*(test.get("ancestorTitles") or []), test.get("title") or ""]
                tests.append(TestOutcome(
                    test_id=f"{rel}::{' > '.join(path)}", outcome=outcome,
                    message="\n".join(test.get("failureMessages") or [])[:4000],
                    duration=float(test.get("duration") or 0) / 1000))
    cov = coverage_from_istanbul(coverage_file, workspace.root, _wanted) if coverage else {}
    return _result(process, tests, cov, coverage, errors)
