"""``testgen analyze``: what is tested, what is not, and in which order to generate tests.

A definition counts as tested when an existing test references it (static, the default) or,
with ``--coverage``, when the existing suite executes its body. Priority puts untested,
complex, public code first.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .inventory import Inventory, body_lines, gc_paused, is_referenced
from .model import Definition, FileCoverage


@dataclass
class DefinitionReport:
    definition: Definition
    tested: bool
    evidence: str
    """``reference`` (a test mentions it), ``coverage`` (the suite runs it) or ``""``."""
    coverage: float | None = None
    uncovered: list[int] = field(default_factory=list)
    priority: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        d = self.definition
        return {
            "name": d.qualname, "kind": d.kind, "file": d.file, "start_line": d.start_line,
            "end_line": d.end_line, "signature": d.signature, "complexity": d.complexity,
            "public": d.is_public, "testable": d.testable,
            "untestable_reason": d.untestable_reason, "tested": self.tested,
            "evidence": self.evidence,
            "coverage": None if self.coverage is None else round(self.coverage, 2),
            "uncovered_lines": self.uncovered, "priority": round(self.priority, 3),
        }


@dataclass
class FileReport:
    path: str
    language: str
    lines: int
    definitions: list[DefinitionReport]
    syntax_errors: list[dict[str, Any]] = field(default_factory=list)
    coverage: FileCoverage | None = None

    @property
    def tested(self) -> int:
        return sum(1 for d in self.definitions if d.tested)

    def to_dict(self, detail: str) -> dict[str, Any]:
        out: dict[str, Any] = {
            "path": self.path, "language": self.language, "lines": self.lines,
            "definitions": len(self.definitions), "tested": self.tested,
            "syntax_errors": self.syntax_errors,
        }
        if self.coverage is not None:
            out["coverage"] = round(self.coverage.percent, 2)
        if detail == "per-function":
            out["functions"] = [d.to_dict() for d in self.definitions]
        return out


@dataclass
class AnalysisReport:
    project_root: Path
    files: list[FileReport]
    frameworks: dict[str, str]
    detections: list[dict[str, Any]]
    skipped: list[dict[str, str]]
    coverage_used: bool
    estimate: dict[str, Any] | None = None
    problems: list[dict[str, str]] = field(default_factory=list)

    def all_definitions(self) -> list[DefinitionReport]:
        return [d for f in self.files for d in f.definitions]

    def priorities(self, limit: int | None = None) -> list[DefinitionReport]:
        """Definitions worth a test, highest priority first (the first ``limit``)."""
        candidates = (d for f in self.files for d in f.definitions if d.priority > 0)
        if limit:
            # The top few of a whole tree's definitions: a heap, not a sort of all of them.
            return heapq.nsmallest(limit, candidates, key=_rank)
        return sorted(candidates, key=_rank)

    def summary(self) -> dict[str, Any]:
        defs = self.all_definitions()
        tested = sum(1 for d in defs if d.tested)
        return {
            "files": len(self.files), "lines": sum(f.lines for f in self.files),
            "definitions": len(defs), "tested": tested, "untested": len(defs) - tested,
            "tested_percent": round(100.0 * tested / len(defs), 2) if defs else 100.0,
            "testable": sum(1 for d in defs if d.definition.testable),
            "skipped_files": len(self.skipped),
        }

    @gc_paused()
    def to_dict(self, detail: str = "per-file") -> dict[str, Any]:
        out: dict[str, Any] = {
            "schema": "testgen.analyze/1", "project_root": str(self.project_root),
            "detail": detail, "coverage_used": self.coverage_used,
            "summary": self.summary(), "frameworks": self.frameworks,
            "detections": self.detections, "skipped": self.skipped,
            "priorities": [{"name": d.definition.qualname, "file": d.definition.file,
                            "line": d.definition.start_line,
                            "priority": round(d.priority, 3)} for d in self.priorities(20)],
            "problems": self.problems,
        }
        if detail != "summary":
            out["files"] = [f.to_dict(detail) for f in self.files]
        if self.estimate is not None:
            out["cost_estimate"] = self.estimate
        return out


def _rank(report: DefinitionReport) -> tuple[float, str]:
    return -report.priority, report.definition.key


def priority(definition: Definition, tested: bool, coverage: float | None) -> float:
    """Untested, complex, long, public code first; untestable code never."""
    if not definition.testable or definition.kind == "class":
        return 0.0
    size = definition.end_line - definition.start_line + 1
    weight = definition.complexity * math.sqrt(max(size, 1))
    if definition.is_public:
        weight *= 1.5
    if coverage is not None:
        return weight * (100.0 - coverage) / 100.0
    return weight if not tested else weight * 0.1


@gc_paused()  # one report per definition of a whole tree, none of them cyclic
def analyze(inventory: Inventory, coverage: dict[str, FileCoverage] | None = None
            ) -> AnalysisReport:
    files = []
    for item in inventory.files:
        identifiers = inventory.test_identifiers.get(item.source.language, set())
        file_cov = coverage.get(item.rel_path) if coverage is not None else None
        reports = []
        for definition in item.definitions:
            percent: float | None = None
            uncovered: list[int] = []
            if coverage is not None:
                if file_cov is None:
                    percent, tested, evidence = 0.0, False, ""
                else:
                    lines = body_lines(definition, file_cov)
                    hit = lines & file_cov.covered
                    percent = 100.0 * len(hit) / len(lines) if lines else 100.0
                    uncovered = sorted(lines - hit)
                    tested, evidence = bool(hit), "coverage" if hit else ""
            else:
                tested = is_referenced(definition, identifiers)
                evidence = "reference" if tested else ""
            reports.append(DefinitionReport(definition, tested, evidence, percent, uncovered,
                                            priority(definition, tested, percent)))
        errors = [{"line": e.line, "column": e.column, "message": e.message}
                  for e in item.syntax_errors]
        files.append(FileReport(item.rel_path, item.source.language, item.source.line_count,
                                reports, errors, file_cov))
    return AnalysisReport(
        project_root=inventory.project.root, files=files,
        frameworks={k: v.name for k, v in inventory.frameworks.items()},
        detections=[{"language": d.language, "framework": d.framework,
                     "root": str(d.root), "evidence": list(d.evidence)}
                    for d in inventory.detections],
        skipped=[{"path": s.path, "reason": s.reason, "code": s.code}
                 for s in inventory.scan.skipped],
        coverage_used=coverage is not None,
    )
