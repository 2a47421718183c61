"""The keep rule's last step: which stable tests add coverage, judged one test at a time.

A candidate reaching this step compiled, passed, and passed every repeat run. It is kept when
it covers lines of its target that neither the project's own suite (the baseline) nor the tests
kept before it cover; with per-test coverage the tests are taken greedily, the one adding most
first. Without per-test coverage (a runner that measures only the whole file) the file's tests
are judged together, and branch gains count too.
"""

from __future__ import annotations

from typing import Any

from .model import FileCoverage, TestCandidate


def judge(stable: list[TestCandidate], file_coverage: FileCoverage | None,
          baseline: FileCoverage | None, covered_before: set[int], *, repeat: int,
          keep_no_gain: bool) -> set[int]:
    """Mark each of ``stable`` ``kept`` or ``no-gain`` with its reason and new lines; returns
    the lines covered once they are kept (``covered_before`` plus what they add)."""
    covered = set(covered_before)
    runs = f"{1 + repeat}/{1 + repeat}"
    if all(c.per_test_coverage for c in stable):
        for c in sorted(stable, key=lambda c: (-len(c.covered_lines - covered), c.id)):
            new = c.covered_lines - covered
            if new or keep_no_gain:
                c.status, c.new_lines = "kept", frozenset(new)
                c.reason = (f"passes {runs}, covers {len(new)} new line(s)" if new else
                            "passes every run (kept without gain: --keep-no-gain)")
                covered |= new
            else:
                _no_gain(c)
        return covered
    new = (set(file_coverage.covered) if file_coverage else set()) - covered
    gained_branches = bool(file_coverage and baseline and
                           file_coverage.branches_covered > baseline.branches_covered)
    for c in stable:
        if new or gained_branches or keep_no_gain:
            c.status, c.new_lines = "kept", frozenset(new)
            c.reason = f"passes {runs}; the file's tests cover {len(new)} new line(s)"
        else:
            _no_gain(c)
    return covered | new


def keep_unmeasured(stable: list[TestCandidate]) -> None:
    """No coverage tool: every stable test is kept, and the report says the gain is unknown."""
    for c in stable:
        c.status = "kept"
        c.reason = "passes every run (no coverage tool: gain not measured)"


def _no_gain(candidate: TestCandidate) -> None:
    candidate.status = "no-gain"
    candidate.reason = "passes, but covers no line the suite and kept tests miss"


def judge_by_mutants(spare: list[TestCandidate], killers: dict[Any, set[str]], *,
                     runs: str) -> None:
    """Keep the ``no-gain`` tests of ``spare`` that kill a mutant nothing else kills
    (``killers``: mutant → the candidates that kill it), greedily, the one killing most
    first; the others stay ``no-gain``."""
    kills = {c.id: {m for m, ids in killers.items() if c.id in ids} for c in spare}
    killed: set[Any] = set()
    for c in sorted(spare, key=lambda c: (-len(kills[c.id]), c.id)):
        new = kills[c.id] - killed
        if not new:
            continue
        first = min(new, key=lambda m: (m.line, m.start_byte))
        c.status = "kept"
        c.reason = (f"passes {runs}, covers no new line but kills {len(new)} mutant(s) no "
                    f"other test does (line {first.line}: {first.description})")
        c.mutants_killed = len(new)
        killed |= new
