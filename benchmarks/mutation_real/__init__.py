"""Real packages of each ecosystem for ``bench_mutation.py --real``: how strong the offline
engine's kept tests are on code nobody here wrote, beside the ecosystem's own tools.

Each language module (``python``, ``javascript``, ``go``, ``rust``) offers

* ``PACKAGES``: short names, each pinned to a version inside the module;
* ``measure(name, work) -> list[Row]``: downloads the package into ``work`` (a fresh temp dir),
  removes the package's own tests so the kept tests are measured alone, runs
  :func:`testgen_row`, then the ecosystem's tool on the same tests (Pynguin's tests scored by
  the same mutants for Python; StrykerJS, gremlins, cargo-mutants on the kept tests for the
  others) and returns one row per tool.

The mutants of the ``testgen`` rows are those of ``validate --mutation`` (the shared operator
set of ``testgen.kit.mutation``, a seeded sample per file); an ecosystem tool counts its own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

TESTGEN = [sys.executable, "-m", "testgen"]
LANGUAGES = ("python", "javascript", "go", "rust")


@dataclass
class Row:
    """One tool's figures on one package."""

    package: str
    tool: str
    tests: int = 0
    """Tests the tool's suite holds (kept tests for ``testgen``)."""
    mutants: int = 0
    killed: int = 0
    """Killed plus timed out: detected."""
    survived: int = 0
    no_coverage: int = 0
    errors: int = 0
    score: float | None = None
    """Detected over viable mutants (killed + survived + no coverage), in percent."""
    covered_score: float | None = None
    """Detected over mutants on lines the tests run, in percent."""
    line_coverage: float | None = None
    """Line coverage of the measured source files by these tests, in percent."""
    wall_s: float = 0.0
    """Generation plus mutation analysis (for an ecosystem tool: its run on the same tests)."""
    note: str = ""
    extra: dict = field(default_factory=dict)


def run(argv: list[str], cwd: Path | None = None, timeout: float = 1800,
        env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "NO_COLOR": "1", **(env or {})})


def testgen_row(package: str, project: Path, *, path: Path | None = None,
                generate_args: tuple[str, ...] = (), mutation: str = "sample",
                files: set[str] | None = None) -> Row:
    """``testgen generate --engine offline --mutation sample`` on ``path`` (default: the
    project), then ``testgen validate --mutation sample`` on the project (its own tests
    removed beforehand: the kept tests alone). ``files``: project-relative source files to
    count (default: every file the mutation report lists)."""
    target = path or project
    started = time.perf_counter()
    gen = run([*TESTGEN, "generate", "--path", str(target), "--engine", "offline",
               "--mutation", mutation, "--format", "json", *generate_args], cwd=project)
    generated_s = time.perf_counter() - started
    if not gen.stdout.strip():
        return Row(package, "testgen", note=f"generate failed: {gen.stderr.strip()[-300:]}")
    kept = json.loads(gen.stdout)["summary"].get("kept", 0)
    row = validate_row(package, "testgen", project, mutation=mutation, files=files)
    row.tests, row.wall_s = kept, generated_s + row.wall_s
    row.extra["generate_s"] = round(generated_s, 1)
    return row


def validate_row(package: str, tool: str, project: Path, *, mutation: str = "sample",
                 files: set[str] | None = None) -> Row:
    """``testgen validate --mutation`` on ``project`` as it is: the score of whatever tests
    it holds (the kept tests, or another tool's), on the same seeded mutants."""
    started = time.perf_counter()
    val = run([*TESTGEN, "validate", "--path", str(project), "--mutation", mutation,
               "--format", "json"], cwd=project)
    wall = time.perf_counter() - started
    if val.returncode not in (0, 1) or not val.stdout.strip():
        return Row(package, tool, wall_s=wall,
                   note=f"validate failed: {val.stderr.strip()[-300:]}")
    report = json.loads(val.stdout)
    mutation_files = {f["path"]: f for f in report["mutation"]["files"]}
    chosen = set(mutation_files) if files is None else files & set(mutation_files)
    counts = {k: sum(mutation_files[p].get(k, 0) for p in chosen)
              for k in ("mutants", "killed", "timeout", "survived", "no_coverage", "error")}
    detected = counts["killed"] + counts["timeout"]
    viable = detected + counts["survived"] + counts["no_coverage"]
    covered = detected + counts["survived"]
    statements = sum(f["statements"] for f in report["files"] if f["path"] in chosen)
    hit = sum(f["covered"] for f in report["files"] if f["path"] in chosen)
    tests = report["summary"]["tests"]
    return Row(package, tool, tests=tests.get("passed", 0), mutants=counts["mutants"],
               killed=detected, survived=counts["survived"],
               no_coverage=counts["no_coverage"], errors=counts["error"],
               score=round(100.0 * detected / viable, 2) if viable else None,
               covered_score=round(100.0 * detected / covered, 2) if covered else None,
               line_coverage=round(100.0 * hit / statements, 2) if statements else None,
               wall_s=wall, note="; ".join(report["mutation"]["notes"].values()))
