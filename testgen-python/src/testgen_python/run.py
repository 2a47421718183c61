"""``Python.run``: one pytest launch with coverage, results as a ``RunResult``."""

from __future__ import annotations

import json
import os
import re
from itertools import count
from pathlib import Path

from testgen.model import FileCoverage, Framework, RunResult, TestFile, TestOutcome, Workspace

from . import interpreter
from .project import SKIP_DIRS, has_coverage_config, project_facts

OMIT = ("*/tests/*", "*/test/*", "*/test_*.py", "*_test.py", "*/conftest.py", "*/setup.py",
        "*/.venv/*", "*/venv/*", "*/env/*", "*/site-packages/*", "*/node_modules/*",
        "*/.tox/*", "*/.nox/*", "*/build/*", "*/dist/*", "*/.testgen/*", "*/docs/*",
        "*/noxfile.py")
SUITE_TIMEOUT = 900.0
"""Seconds the project's own suite may run, at least (``--timeout`` may allow more)."""
_PARAMS = re.compile(r"\[.*\]$")
_runs = count(1)


def run(framework: Framework, test_files: list[TestFile], workspace: Workspace,
        coverage: bool) -> RunResult:
    chosen = interpreter.choose(workspace, needs_pytest=True)
    n = next(_runs)
    out = workspace.scratch / f"run-{os.getpid()}-{n}.json"
    request = {
        "root": str(workspace.root), "out": str(out), "coverage": coverage,
        "data_file": str(workspace.scratch / f".coverage-{os.getpid()}-{n}"),
        "source_dirs": source_dirs(workspace.root), "omit": list(OMIT),
        "coverage_config": has_coverage_config(workspace.root),
        "targets": sorted({tf.target for tf in test_files if tf.target}),
        "tests": [tf.path for tf in test_files], "pytest_args": [],
        # The project's own suite runs as `python -m pytest` would (the project root on
        # sys.path), so suites that rely on that still run; generated tests must pass under
        # the plain `pytest` command.
        "project_on_path": not test_files,
    }
    request_path = workspace.scratch / f"run-{os.getpid()}-{n}.request.json"
    request_path.write_text(json.dumps(request), encoding="utf-8")
    env = interpreter.environment(workspace, chosen)
    # A new hash seed per launch, as for a user running pytest: the repeat runs then catch
    # tests that depend on set or dict-of-str ordering.
    env["PYTHONHASHSEED"] = "random"
    # The per-launch timeout is sized for generated tests; the project's own suite (the
    # baseline of generate) may take minutes under coverage.
    timeout = workspace.timeout if test_files else max(workspace.timeout, SUITE_TIMEOUT)
    proc = workspace.run([chosen.executable, "-m", "testgen_python._runner", str(request_path)],
                         cwd=workspace.root, env=env, timeout=timeout)
    try:
        data = json.loads(out.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        reason = proc.killed_reason or f"the test runner exited with status {proc.returncode}"
        return RunResult(ok=False, output=proc.output[-20000:], duration=proc.duration,
                         error=f"{reason}: {_tail(proc.output)}",
                         coverage_available=False, environment=chosen.describe())
    result = to_run_result(data, test_files, proc.output, proc.duration)
    result.environment = chosen.describe()
    return result


def to_run_result(data: dict, test_files: list[TestFile], output: str,
                  duration: float) -> RunResult:
    wanted = {test_id for tf in test_files for test_id in tf.test_ids}
    grouped: dict[str, list[dict]] = {}
    for test in data.get("tests", []):
        nodeid = test["nodeid"]
        base = _PARAMS.sub("", nodeid)
        grouped.setdefault(base if base in wanted else nodeid, []).append(test)
    outcomes = [_merge(test_id, entries) for test_id, entries in grouped.items()]

    # A test file that does not import fails collection: each of its tests gets that error.
    seen = {o.test_id for o in outcomes}
    for error in data.get("collect_errors", []):
        for tf in test_files:
            if error["path"] in (tf.path, "") or error["path"].startswith(tf.path + "::"):
                for test_id in tf.test_ids:
                    if test_id not in seen:
                        outcomes.append(TestOutcome(test_id, "error",
                                                    f"collection failed: {error['message']}"))
                        seen.add(test_id)

    coverage = {path: FileCoverage(
        file=path, statements=frozenset(c["statements"]), covered=frozenset(c["covered"]),
        branches_total=c["branches_total"], branches_covered=c["branches_covered"],
        missing_branches=tuple(tuple(b) for b in c["missing_branches"]))
        for path, c in data.get("coverage", {}).items()}
    error = data.get("error", "")
    if not error and data.get("collect_errors") and not test_files:
        error = "; ".join(f"{e['path']}: {e['message'].splitlines()[0] if e['message'] else ''}"
                          for e in data["collect_errors"])[:2000]
    exit_code = data.get("exit_code")
    ok = exit_code == 0 and not data.get("collect_errors") and not data.get("error")
    if exit_code == 5 and not test_files:
        error = error or "no tests were collected"
    return RunResult(ok=ok, tests=outcomes, coverage=coverage,
                     coverage_available=bool(data.get("coverage_available")),
                     output=output[-20000:], duration=data.get("duration", duration),
                     error=error)


def _merge(test_id: str, entries: list[dict]) -> TestOutcome:
    """One outcome for a parametrised test: failed if any case failed, lines of all cases."""
    order = {"error": 3, "failed": 2, "passed": 1, "skipped": 0}
    worst = max(entries, key=lambda e: order.get(e["outcome"], 0))
    if all(e["outcome"] == "skipped" for e in entries):
        worst = entries[0]
    elif worst["outcome"] == "skipped":
        worst = next(e for e in entries if e["outcome"] == "passed")
    covered: dict[str, set[int]] = {}
    for entry in entries:
        for path, lines in (entry.get("covered") or {}).items():
            covered.setdefault(path, set()).update(lines)
    message = worst.get("message", "")
    if len(entries) > 1 and worst["outcome"] in ("failed", "error"):
        message = f"{worst['nodeid']}: {message}"
    return TestOutcome(test_id=test_id, outcome=worst["outcome"], message=message,
                       duration=sum(e.get("duration", 0.0) for e in entries),
                       covered={p: frozenset(v) for p, v in covered.items()})


def source_dirs(root: Path) -> list[str]:
    """Directories coverage.py measures: the project root and every import root below it."""
    dirs = [""]
    if (root / "src").is_dir():
        dirs.append("src")
    for entry in project_facts(root).pytest.pythonpath:
        entry = entry.strip("./")
        if entry and entry not in dirs and (root / entry).is_dir() \
                and entry.split("/")[0] not in SKIP_DIRS:
            dirs.append(entry)
    return dirs


def _tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])
