"""Real npm packages for ``bench_mutation.py --real javascript``: the offline engine's kept
tests scored on the shared mutants, and StrykerJS 9 on the same kept tests.

How the packages were chosen (before anything was measured): the dependency tree npm
resolves for ``express@4.21.2`` (express's own building blocks, by the jshttp and pillarjs
maintainers), keeping every package that

* has no runtime dependency of its own,
* requires no Node core module (no I/O, nothing but values in and out), and
* has at least 100 lines of code in its published ``.js`` sources, blank and comment lines
  not counted;

less those held out (``bytes`` and ``ms``: ``bench_javascript_offline.py``'s set). That gives
the six below, at the versions express 4.21.2 resolves to.

Each package is installed with npm (``--ignore-scripts``) and laid out by
``bench_javascript_offline.make_project``: its published sources and manifest, no tests (and
no ``*.min.js``: a build of the same source).
``testgen generate --engine offline --mutation sample --framework node:test`` writes the kept
tests, ``testgen validate --mutation sample`` scores them. StrykerJS (``@stryker-mutator/core``
9.x, the last major that runs on Node 20) then runs on the same kept tests with its
``command`` test runner (``node --test`` on the kept test files), mutating the same source
files; its score is read from its JSON report: detected (killed + timeout) over valid mutants
(killed, timeout, survived, no coverage), and over covered mutants (the command runner cannot
tell which mutants a test runs, so StrykerJS puts none under "no coverage" and both figures
are the same). Stryker's wall time is its own run (``concurrency: 1``: one core, like the
mutation runs of ``validate``). StrykerJS is installed once, with npm, into
``$TMPDIR/testgen-bench-stryker9``, outside the measured project.

ipaddr.js 1.9.1 is CoffeeScript output that assigns its whole API inside
``(function () { ... }).call(this)`` (``ipaddr.parse = function…``, with
``module.exports = ipaddr`` inside a guard): the offline engine reaches the members of that
object (``parse``, ``isValid``, ``parseCIDR``, ``subnetMatch``…) and the classes built in
nested IIFEs (``ipaddr.IPv4 = (function () { function IPv4 … })()``) with their prototype
methods, called on instances its static parsers build. It is in the set because the rule
chose it, not because it was tuned on.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

from . import Row, run, testgen_row

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench_javascript_offline import make_project  # noqa: E402

PACKAGES = {
    "content-type": "1.0.5",
    "cookie": "0.7.1",
    "ipaddr.js": "1.9.1",
    "media-typer": "0.3.0",
    "negotiator": "0.6.3",
    "path-to-regexp": "0.1.12",
}
STRYKER = "@stryker-mutator/core@9"
STRYKER_HOME = Path(tempfile.gettempdir()) / "testgen-bench-stryker9"
"""Installed once per machine, outside the measured project (its own node_modules)."""
NPM_INSTALL = ["npm", "install", "--no-audit", "--no-fund", "--loglevel=error",
               "--ignore-scripts"]


def install(specs: list[str], into: Path) -> None:
    into.mkdir(parents=True, exist_ok=True)
    if not (into / "package.json").exists():
        (into / "package.json").write_text(json.dumps({"name": "bench", "private": True}))
    done = run([*NPM_INSTALL, *specs], cwd=into, timeout=900)
    if done.returncode != 0:
        raise RuntimeError(f"npm install {' '.join(specs)} failed: {done.stderr[-600:]}")


def measure(name: str, work: Path) -> list[Row]:
    version = PACKAGES[name]
    package = f"{name}@{version}"
    install([f"{name}@{version}"], work / "install")
    project = make_project(work / "install" / "node_modules" / name, work / "project")
    for minified in project.rglob("*.min.js"):  # a build of the same source, not a source
        minified.unlink()
    sources = {str(p.relative_to(project)) for p in project.rglob("*.js")
               if "node_modules" not in p.parts}
    row = testgen_row(package, project, generate_args=("--framework", "node:test"),
                      files=sources)
    if not row.tests and not row.mutants:  # ipaddr.js: its API is assigned inside an IIFE
        row.note = "generate kept no test (no definition it can reach)"
    rows = [row]
    tests = sorted(str(p.relative_to(project)) for p in project.rglob("*.test.*")
                   if "node_modules" not in p.parts)
    row.extra["test_files"] = tests
    measured = sorted(sources - set(tests))
    rows.append(stryker_row(package, project, tests, measured, row.tests))
    return rows


def stryker_row(package: str, project: Path, tests: list[str], mutate: list[str],
                kept: int) -> Row:
    """StrykerJS 9 on the kept tests: the command runner runs them under ``node --test``."""
    if not tests:
        return Row(package, "stryker", note="no kept tests to run")
    binary = STRYKER_HOME / "node_modules" / ".bin" / "stryker"
    if not binary.exists():
        install([STRYKER], STRYKER_HOME)
    config = {
        "testRunner": "command",
        "commandRunner": {"command": "node --test " + " ".join(tests)},
        "mutate": mutate,
        "reporters": ["json"],
        "jsonReporter": {"fileName": "reports/stryker.json"},
        "coverageAnalysis": "off",
        "concurrency": 1,
        "tempDirName": ".stryker-tmp",
        "cleanTempDir": True,
        "timeoutMS": 5000,
    }
    (project / "stryker.config.json").write_text(json.dumps(config, indent=2))
    started = time.perf_counter()
    done = run([str(binary), "run", "stryker.config.json"], cwd=project, timeout=1800)
    wall = time.perf_counter() - started
    report_path = project / "reports" / "stryker.json"
    (project / "stryker.config.json").unlink()
    if not report_path.exists():
        return Row(package, "stryker", wall_s=wall,
                   note=f"stryker failed: {(done.stdout + done.stderr).strip()[-300:]}")
    report = json.loads(report_path.read_text())
    shutil.rmtree(project / "reports", ignore_errors=True)
    counts: dict[str, int] = {}
    for entry in report.get("files", {}).values():
        for mutant in entry.get("mutants", []):
            counts[mutant["status"]] = counts.get(mutant["status"], 0) + 1
    detected = counts.get("Killed", 0) + counts.get("Timeout", 0)
    survived, no_cov = counts.get("Survived", 0), counts.get("NoCoverage", 0)
    viable, covered = detected + survived + no_cov, detected + survived
    errors = counts.get("CompileError", 0) + counts.get("RuntimeError", 0)
    return Row(package, "stryker", tests=kept, mutants=sum(counts.values()), killed=detected,
               survived=survived, no_coverage=no_cov, errors=errors,
               score=round(100.0 * detected / viable, 2) if viable else None,
               covered_score=round(100.0 * detected / covered, 2) if covered else None,
               wall_s=wall, note="" if done.returncode == 0 else f"exit {done.returncode}",
               extra={"statuses": counts})
