"""Run Go tests with ``go test -json -count=1 -coverprofile``: one launch per module.

Per-test outcomes come from the JSON events of top-level tests (subtests roll up into their
parent); coverage from the profile, mapped to project-relative source files.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from testgen.model import RunResult, TestFile, TestOutcome, Workspace

from .coverage import parse_profile
from .gomod import Module, read_module
from .toolchain import COMPILE_TIMEOUT, go_env, package_in_workspace, require_go

SKIP_DIRS = {".git", "vendor", "node_modules", "testdata", ".testgen"}


@dataclass
class _Test:
    package: str
    name: str
    outcome: str = ""
    elapsed: float = 0.0
    output: list[str] = field(default_factory=list)


def run(test_files: list[TestFile], workspace: Workspace, coverage: bool) -> RunResult:
    require_go("run Go tests")
    groups: dict[Path, tuple[Module, list[str], list[str]]] = {}
    if test_files:
        for test_file in test_files:
            pkg = package_in_workspace(workspace, test_file.path)
            if pkg is None:
                return RunResult(ok=False, error=f"no go.mod above {test_file.path}")
            module, patterns, names = groups.setdefault(pkg.module.root, (pkg.module, [], []))
            if pkg.pattern not in patterns:
                patterns.append(pkg.pattern)
            names.extend(n for n in test_file.test_ids if n not in names)
    else:
        for module in find_modules(workspace.root):
            groups[module.root] = (module, ["./..."], [])
    if not groups:
        return RunResult(ok=True, coverage_available=coverage,
                         error="no Go module found (no go.mod)")
    result = RunResult(ok=True, coverage_available=coverage)
    multi = len(groups) > 1 or not test_files
    modules = [m for m, _p, _n in groups.values()]
    for index, (module, patterns, names) in enumerate(groups.values()):
        _run_module(module, patterns, names, workspace, coverage, index, result, multi,
                    modules)
    return result


def find_modules(root: Path) -> list[Module]:
    modules = []
    for go_mod in sorted(root.rglob("go.mod")):
        if any(part in SKIP_DIRS for part in go_mod.relative_to(root).parts[:-1]):
            continue
        module = read_module(go_mod)
        if module is not None and module.path:
            modules.append(module)
    return modules


def _run_module(module: Module, patterns: list[str], names: list[str], workspace: Workspace,
                coverage: bool, index: int, result: RunResult, multi: bool,
                modules: list[Module]) -> None:
    profile = workspace.scratch / f"cover-{index}-{workspace.launches}.out"
    argv = ["go", "test", "-json", "-count=1", f"-timeout={max(5, int(workspace.timeout))}s"]
    if coverage:
        argv += ["-covermode=set", f"-coverprofile={profile}"]
    if names:
        argv += ["-run", "^(" + "|".join(re.escape(n) for n in names) + ")$"]
    argv += patterns
    proc = workspace.run(argv, cwd=module.root, timeout=workspace.timeout + COMPILE_TIMEOUT,
                         env=go_env(workspace), memory_mb=None)
    result.duration += proc.duration
    result.output = (result.output + "\n" + proc.output).strip()
    tests, build_errors, package_failures = _parse_events(proc.stdout)
    try:
        rel_root = module.root.resolve().relative_to(workspace.root.resolve())
    except ValueError:
        rel_root = Path(".")
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
            pkg_dir = _package_dir(test.package, module, rel_root)
            test_id = test.name if pkg_dir == "." else f"{pkg_dir}/{test.name}"
        result.tests.append(TestOutcome(test_id=test_id, outcome=outcome, message=message,
                                        duration=test.elapsed))
    if proc.timed_out:
        result.ok = False
        result.error = f"go test {proc.killed_reason}"
    elif build_errors:
        result.ok = False
        result.error = "build failed: " + " | ".join(build_errors)[:2000]
    elif any(t.outcome == "failed" for t in result.tests) or proc.returncode != 0:
        result.ok = False
        if not result.tests and not result.error:
            tail = [line for line in proc.output.splitlines() if line.strip()][-5:]
            result.error = "go test failed: " + (" | ".join(package_failures or tail))[:2000]
    if names and not result.tests and not result.error:
        result.error = "no tests ran"
        result.ok = False
    if coverage:
        try:
            text = profile.read_text(encoding="utf-8")
        except OSError:
            text = ""
        for rel, cov in parse_profile(text, modules, workspace.root).items():
            if rel.endswith("_test.go"):
                continue
            if rel in result.coverage:
                merged = result.coverage[rel]
                merged.statements = merged.statements | cov.statements
                merged.covered = merged.covered | cov.covered
            else:
                result.coverage[rel] = cov


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
