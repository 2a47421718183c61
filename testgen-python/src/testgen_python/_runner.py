"""Run pytest with coverage.py inside the sandbox and write what happened as JSON.

Launched as ``python -m testgen_python._runner REQUEST.json`` with the project's interpreter, so
it imports nothing but the standard library, pytest and coverage. The request names the project
root, the test files (none: the project's own suite), the directories to measure and where to
write the result:

    {"tests": [{"nodeid": ..., "outcome": passed|failed|error|skipped, "message": ...,
                "duration": ..., "covered": {file: [lines]}}],
     "collect_errors": [{"path": ..., "message": ...}],
     "coverage": {file: {"statements": [...], "covered": [...], "branches_total": n,
                         "branches_covered": n, "missing_branches": [[a, b], ...]}},
     "coverage_available": bool, "exit_code": n, "error": ""}

Coverage numbers come from coverage.py's own JSON report, so they equal ``coverage report``.
Per-test lines come from dynamic contexts: the context switches to the test's node id around
each test.
"""

from __future__ import annotations

import json
import os
import sys
import time

MESSAGE_LIMIT = 4000


class _Recorder:
    """A pytest plugin: per-test outcomes, and a coverage context per test."""

    def __init__(self, cov):
        self.cov = cov
        self.tests: dict[str, dict] = {}
        self.collect_errors: list[dict] = []

    def pytest_runtest_logstart(self, nodeid, location):
        if self.cov is not None:
            self.cov.switch_context(nodeid)

    def pytest_runtest_logfinish(self, nodeid, location):
        if self.cov is not None:
            self.cov.switch_context("")

    def pytest_runtest_logreport(self, report):
        entry = self.tests.setdefault(report.nodeid, {"nodeid": report.nodeid,
                                                      "outcome": "passed", "message": "",
                                                      "duration": 0.0})
        entry["duration"] += getattr(report, "duration", 0.0) or 0.0
        if report.when == "call":
            if report.passed:
                entry["outcome"] = "passed" if entry["outcome"] != "error" else "error"
            elif report.skipped:
                entry["outcome"] = "skipped"
                entry["message"] = _message(report)
            else:
                entry["outcome"] = "failed"
                entry["message"] = _message(report)
        elif report.failed:  # setup or teardown
            entry["outcome"] = "error"
            entry["message"] = f"error in {report.when}: {_message(report)}"
        elif report.skipped and report.when == "setup":
            entry["outcome"] = "skipped"
            entry["message"] = _message(report)

    def pytest_collectreport(self, report):
        if report.failed:
            self.collect_errors.append({"path": report.nodeid, "message": _message(report)})


def _message(report) -> str:
    crash = getattr(getattr(report, "longrepr", None), "reprcrash", None)
    text = getattr(report, "longreprtext", "") or ""
    if isinstance(report.longrepr, tuple):  # skips: (path, line, reason)
        return str(report.longrepr[-1])[:MESSAGE_LIMIT]
    head = f"{crash.message}\n" if crash is not None else ""
    return (head + text[-MESSAGE_LIMIT:]).strip()


def _start_coverage(coverage, request: dict, root: str, result: dict):
    """coverage.py as ``coverage run`` would measure it: with the project's own configuration
    (source, omit, exclusions) when it has one, else the project's import roots minus tests."""
    source = [os.path.join(root, d) if d else root for d in request["source_dirs"]]
    fixed = {"data_file": request["data_file"], "branch": True, "data_suffix": False}
    if request.get("coverage_config"):
        try:
            cov = coverage.Coverage(config_file=True, **fixed)
            if not any(_option(cov, name) for name in ("run:source", "run:include",
                                                        "run:source_pkgs")):
                cov.set_option("run:source", source)
                cov.set_option("run:omit", list(_option(cov, "run:omit") or [])
                               + request["omit"])
            else:
                # The files generated tests are for are measured even where the project's
                # own selection leaves them out (a stale ``include`` after a move to src/).
                targets = [os.path.join(root, t) for t in request.get("targets") or ()]
                name = "run:include" if _option(cov, "run:include") else "run:source"
                if targets and name == "run:include":
                    cov.set_option(name, list(_option(cov, name)) + targets)
                elif targets:
                    cov.set_option(name, list(_option(cov, name) or [])
                                   + sorted({os.path.dirname(t) for t in targets}))
            # Each test's lines come from contexts switched by the recorder.
            cov.set_option("run:dynamic_context", None)
            cov.start()
            return cov
        except Exception as exc:  # an unusable plugin or option: measure without it
            result["coverage_note"] = (f"the project's coverage configuration could not be "
                                       f"used ({type(exc).__name__}: {exc})")
    cov = coverage.Coverage(config_file=False, source=source, omit=request["omit"], **fixed)
    cov.start()
    return cov


def _option(cov, name: str):
    try:
        return cov.get_option(name)
    except Exception:  # an option this coverage.py does not know
        return None


def main(argv: list[str]) -> int:
    with open(argv[0], encoding="utf-8") as handle:
        request = json.load(handle)
    root = request["root"]
    os.chdir(root)
    # `python -m` puts the working directory on sys.path; the `pytest` command does not.
    # Generated tests must pass for a user who types `pytest`, so the runner behaves like the
    # command; the project's own suite runs like `python -m pytest` (see run.py).
    # Only the entry `python -m` added goes: the same directory may also come from an
    # editable install's .pth (moved to the shadow copy at start), which the user has too.
    if sys.path and sys.path[0] in ("", root, os.getcwd()):
        del sys.path[0]
    if request.get("project_on_path"):
        sys.path.insert(0, root)
    result: dict = {"tests": [], "collect_errors": [], "coverage": {},
                    "coverage_available": False, "exit_code": None, "error": ""}

    cov = None
    if request.get("coverage"):
        try:
            import coverage
        except ImportError:
            result["error_coverage"] = "coverage.py is not installed for this interpreter"
        else:
            cov = _start_coverage(coverage, request, root, result)

    try:
        import pytest
    except ImportError:
        result["error"] = "pytest is not installed for this interpreter"
        _write(request["out"], result)
        return 3

    recorder = _Recorder(cov)
    args = ["-q", "-p", "no:cacheprovider", f"--rootdir={root}", "-o",
            "console_output_style=classic", *request.get("pytest_args", [])]
    args += request.get("tests") or []
    started = time.monotonic()
    try:
        exit_code = pytest.main(args, plugins=[recorder])
    except BaseException as exc:  # a test that kills the session must not lose the report
        exit_code = -1
        result["error"] = f"pytest stopped: {type(exc).__name__}: {exc}"
    result["duration"] = time.monotonic() - started
    result["exit_code"] = int(exit_code)
    result["tests"] = list(recorder.tests.values())
    result["collect_errors"] = recorder.collect_errors

    if cov is not None:
        cov.stop()
        cov.save()
        result["coverage_available"] = True
        report_path = request["data_file"] + ".json"
        try:
            cov.json_report(outfile=report_path, show_contexts=True, ignore_errors=True)
        except coverage.exceptions.NoDataError:
            report = {"files": {}}
        else:
            with open(report_path, encoding="utf-8") as handle:
                report = json.load(handle)
        _coverage_into(result, report, root)
    _write(request["out"], result)
    return 0


def _coverage_into(result: dict, report: dict, root: str) -> None:
    """File coverage as coverage.py reports it, and the lines of each test.

    Lines that run when a module is imported (``def`` lines, constants) belong to no test's
    context; they are credited to every test that runs code of that module, since importing it
    is part of what the test does. Without that, a module no other test imports would look
    partly uncovered however complete its tests are.
    """
    per_test: dict[str, dict[str, list[int]]] = {}
    at_import: dict[str, list[int]] = {}
    for filename, data in report.get("files", {}).items():
        path = os.path.relpath(os.path.join(root, filename), root).replace(os.sep, "/")
        summary = data.get("summary", {})
        executed = data.get("executed_lines", [])
        result["coverage"][path] = {
            "statements": sorted(executed + data.get("missing_lines", [])),
            "covered": executed,
            "branches_total": summary.get("num_branches", 0),
            "branches_covered": summary.get("covered_branches", 0),
            "missing_branches": data.get("missing_branches", []),
        }
        for line, contexts in (data.get("contexts") or {}).items():
            for context in contexts:
                if context:
                    per_test.setdefault(context, {}).setdefault(path, []).append(int(line))
                else:
                    at_import.setdefault(path, []).append(int(line))
    for test in result["tests"]:
        covered = per_test.get(test["nodeid"], {})
        test["covered"] = {path: sorted(set(lines) | set(at_import.get(path, ())))
                           for path, lines in covered.items()}


def _write(path: str, result: dict) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(result, handle)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
