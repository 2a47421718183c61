"""``testgen validate``: run the project's existing tests with coverage, per language.

The suite runs in a shadow copy, so nothing it writes lands in the user's tree. Figures come
from the language's own coverage tool, so they match what that tool reports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable

from .inventory import Inventory, body_lines
from .model import FileCoverage, RunResult
from .plugins import Plugins
from .sandbox import shadow_workspace

if TYPE_CHECKING:
    from .changes import ChangeSet
    from .mutation import MutationReport


def line_ranges(lines: Iterable[int]) -> list[str]:
    """``[3, 4, 5, 9]`` → ``["3-5", "9"]``."""
    out: list[str] = []
    start = prev = None
    for line in sorted(set(lines)):
        if prev is not None and line == prev + 1:
            prev = line
            continue
        if start is not None:
            out.append(f"{start}-{prev}" if start != prev else str(start))
        start = prev = line
    if start is not None:
        out.append(f"{start}-{prev}" if start != prev else str(start))
    return out


@dataclass
class FunctionCoverage:
    name: str
    file: str
    line: int
    statements: int
    covered: int
    testable: bool

    @property
    def percent(self) -> float:
        return 100.0 * self.covered / self.statements if self.statements else 100.0


@dataclass
class ValidationReport:
    runs: dict[str, RunResult]
    inventory: Inventory
    functions: list[FunctionCoverage] = field(default_factory=list)
    min_coverage: float | None = None
    fail_on_missing: bool = False
    report_gaps: bool = False
    changes: ChangeSet | None = None
    """``--changed-since``: files and functions are those the change touches."""
    diff_coverage: float | None = None
    """``--diff-coverage``: the share of changed executable lines the suite must cover."""
    mutation: MutationReport | None = None
    """``--mutation``: what the suite did with each mutant of the sources."""
    min_mutation_score: float | None = None
    """``--min-mutation-score``: the share of viable mutants the suite must detect."""

    @property
    def files(self) -> list[FileCoverage]:
        found = (c for r in self.runs.values() for c in r.coverage.values())
        if self.changes is not None:
            changed = set(self.changes.files)
            found = (c for c in found if c.file in changed)
        return sorted(found, key=lambda c: c.file)

    def changed_lines(self) -> dict[str, tuple[frozenset[int], frozenset[int]]]:
        """File → (changed executable lines, those covered), for the files with any."""
        if self.changes is None:
            return {}
        out = {}
        for c in self.files:
            statements = self.changes.lines.get(c.file, frozenset()) & c.statements
            if statements:
                out[c.file] = (statements, statements & c.covered)
        return out

    def diff_total(self) -> tuple[int, int, float]:
        pairs = self.changed_lines().values()
        statements = sum(len(s) for s, _ in pairs)
        covered = sum(len(c) for _, c in pairs)
        return statements, covered, (100.0 * covered / statements if statements else 100.0)

    def total(self) -> tuple[int, int, float]:
        """Over the whole suite's coverage, whatever ``changes`` narrows the report to."""
        every = [c for r in self.runs.values() for c in r.coverage.values()]
        statements = sum(len(c.statements) for c in every)
        covered = sum(len(c.covered & c.statements) for c in every)
        return statements, covered, (100.0 * covered / statements if statements else 100.0)

    def statement_totals(self) -> dict[str, Any]:
        """Statement-weighted figures, for languages whose tool counts statements."""
        counted = [c for c in self.files if c.statement_count]
        if not counted:
            return {}
        total = sum(c.statement_count for c in counted)
        covered = sum(c.statements_covered for c in counted)
        return {"statement_count": total, "statements_covered": covered,
                "statements_percent": round(100.0 * covered / total, 2)}

    def tests(self) -> dict[str, int]:
        counts = {"passed": 0, "failed": 0, "error": 0, "skipped": 0}
        for run in self.runs.values():
            for t in run.tests:
                counts[t.outcome] = counts.get(t.outcome, 0) + 1
        return counts

    def missing_tests(self) -> list[FunctionCoverage]:
        return [f for f in self.functions if f.testable and f.statements and not f.covered]

    def failures(self) -> list[str]:
        """Why the command should exit 1 (empty when every threshold is met)."""
        reasons = []
        _, _, percent = self.total()
        if self.min_coverage is not None and percent + 1e-9 < self.min_coverage:
            reasons.append(f"TG401: line coverage {percent:.2f}% is below --min-coverage "
                           f"{self.min_coverage:g}%")
        if self.fail_on_missing and self.missing_tests():
            reasons.append(f"TG402: {len(self.missing_tests())} definition(s) have no test "
                           f"executing them")
        if self.diff_coverage is not None:
            statements, _, diff_percent = self.diff_total()
            if diff_percent + 1e-9 < self.diff_coverage:
                reasons.append(f"TG403: {diff_percent:.2f}% of the {statements} changed "
                               f"line(s) are covered, below --diff-coverage "
                               f"{self.diff_coverage:g}%")
        if self.mutation is not None and self.min_mutation_score is not None:
            mutation_score = self.mutation.summary()["score"]
            if mutation_score is not None and mutation_score + 1e-9 < self.min_mutation_score:
                reasons.append(f"TG404: mutation score {mutation_score:.2f}% is below "
                               f"--min-mutation-score {self.min_mutation_score:g}%")
        failed = self.tests()
        if failed["failed"] or failed["error"]:
            reasons.append(f"{failed['failed'] + failed['error']} existing test(s) failed")
        for language, run in self.runs.items():
            if run.error:
                reasons.append(f"{language}: {run.error}")
        return reasons

    def to_dict(self) -> dict[str, Any]:
        statements, covered, percent = self.total()
        files = []
        for c in self.files:
            entry: dict[str, Any] = {
                "path": c.file, "statements": len(c.statements),
                "covered": len(c.covered & c.statements), "percent": round(c.percent, 2),
                "branches": c.branches_total, "branches_covered": c.branches_covered,
            }
            entry["uncovered"] = line_ranges(c.missing)
            files.append(entry)
        out = {
            "schema": "testgen.validate/1",
            "project_root": str(self.inventory.project.root),
            "report_gaps": self.report_gaps,
            "summary": {"statements": statements, "covered": covered,
                        "percent": round(percent, 2), "lines_percent": round(percent, 2),
                        **self.statement_totals(), "tests": self.tests(),
                        "min_coverage": self.min_coverage,
                        "coverage_available": all(r.coverage_available
                                                  for r in self.runs.values()),
                        "passed": not self.failures()},
            "failures": self.failures(),
            "languages": {lang: {"framework": self.inventory.frameworks[lang].name,
                                 "tests": len(run.tests), "duration_s": round(run.duration, 3),
                                 "error": run.error, "environment": run.environment,
                                 "coverage_note": "" if run.coverage_available else
                                 run.coverage_note or "no coverage tool"}
                          for lang, run in self.runs.items()},
            "files": files,
            "functions": [{"name": f.name, "file": f.file, "line": f.line,
                           "statements": f.statements, "covered": f.covered,
                           "percent": round(f.percent, 2)} for f in self.functions],
            "missing_tests": [f"{f.file}::{f.name}" for f in self.missing_tests()],
        }
        if self.mutation is not None:
            out["mutation"] = {**self.mutation.to_dict(),
                               "min_score": self.min_mutation_score}
        if self.changes is not None:
            statements, covered, diff_percent = self.diff_total()
            out["changes"] = {
                **self.changes.to_dict(), "statements": statements, "covered": covered,
                "percent": round(diff_percent, 2), "min_percent": self.diff_coverage,
                "files": [{"path": f, "statements": len(s), "covered": len(c),
                           "uncovered": line_ranges(s - c)}
                          for f, (s, c) in sorted(self.changed_lines().items())],
            }
        return out


def run_existing(inventory: Inventory, plugins: Plugins, *, timeout: float,
                 languages: Iterable[str] | None = None) -> dict[str, RunResult]:
    """Run every language's existing suite once, with coverage, in one shadow copy."""
    wanted = list(languages or inventory.frameworks)
    runs: dict[str, RunResult] = {}
    with shadow_workspace(inventory.project.root, timeout=timeout,
                          passthrough=plugins.env_passthrough()) as workspace:
        workspace.settings = inventory.project.settings
        for language in wanted:
            framework = inventory.frameworks[language]
            runs[language] = plugins.run(language, framework, [], workspace, True)
    return runs


def validation_report(inventory: Inventory, runs: dict[str, RunResult], *,
                      min_coverage: float | None = None, fail_on_missing: bool = False,
                      report_gaps: bool = False, changes: ChangeSet | None = None,
                      diff_coverage: float | None = None,
                      mutation: MutationReport | None = None,
                      min_mutation_score: float | None = None) -> ValidationReport:
    coverage = {c.file: c for r in runs.values() for c in r.coverage.values()}
    functions = []
    for file in inventory.files:
        file_cov = coverage.get(file.rel_path)
        for definition in file.definitions:
            if definition.kind == "class":
                continue
            if file_cov is None:
                functions.append(FunctionCoverage(definition.qualname, definition.file,
                                                  definition.start_line, 0, 0,
                                                  definition.testable))
                continue
            lines = body_lines(definition, file_cov)
            functions.append(FunctionCoverage(definition.qualname, definition.file,
                                              definition.start_line, len(lines),
                                              len(lines & file_cov.covered),
                                              definition.testable))
    return ValidationReport(runs, inventory, functions, min_coverage, fail_on_missing,
                            report_gaps, changes, diff_coverage, mutation, min_mutation_score)
