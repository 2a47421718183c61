"""Tests at a constant of the code and next to it: ``score >= 90`` answers the same for 91 as
for 95, so the line cover keeps one of them, yet only ``grade(90)`` tells ``>= 90`` from
``> 90``. The offline engine offers such calls beside its line cover (marked
``alternative``); the keep rule drops them unless ``generate --mutation`` finds they kill a
mutant no other test kills."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from testgen.model import OfflineRequest
from testgen_python.plugin import Python

PYTHON = Python()

GRADES = '''
def grade(score: int) -> str:
    """Letter grade of a score out of 100."""
    if score >= 90:
        return "A"
    if score >= 80:
        return "B"
    if score > 69:
        return "C"
    return "F"
'''


def _testgen(root, *args: str) -> dict:
    done = subprocess.run([sys.executable, "-m", "testgen", *args, "--format", "json"],
                          cwd=root, capture_output=True, text=True, timeout=600,
                          env={**os.environ, "NO_COLOR": "1"})
    assert done.stdout.strip(), done.stderr[-2000:]
    return json.loads(done.stdout)


def test_calls_at_the_constants_are_offered_beside_the_line_cover(project):
    from testgen.sandbox import shadow_workspace

    project.write("grades.py", GRADES)
    definition = project.definition("grades.py", "grade")
    with shadow_workspace(project.root) as ws:
        probes = PYTHON.probe(definitions=[definition], workspace=ws, test_type="unit")
    candidates = PYTHON.offline_candidates(request=OfflineRequest(
        definition=definition, framework=project.framework("pytest"), test_type="unit",
        probes=[p for p in probes if p.definition == definition.key]))
    cover = [c for c in candidates if not c.details["alternative"]]
    spare = [c for c in candidates if c.details["alternative"]]
    assert 4 <= len(cover) <= 6  # one per branch, as before
    assert 1 <= len(spare) <= 6
    calls = " ".join(c.code for c in spare)
    assert any(f"grade({n})" in calls for n in (90, 80, 69, 70))


def test_generate_with_mutation_keeps_the_boundary_tests_that_kill_mutants(project):
    project.write("grades.py", GRADES)
    generated = _testgen(project.root, "generate", "--path", "grades.py", "--engine",
                         "offline", "--mutation", "sample")
    assert generated["summary"]["kept"] >= 5
    written = "".join((project.root / path).read_text() for path in generated["written"])
    assert "grade(90)" in written and "grade(80)" in written
    assert project.pytest().returncode == 0
    report = _testgen(project.root, "validate", "--mutation", "full")
    comparisons = {3, 5, 7}  # the lines of `score >= 90`, `>= 80`, `> 69`
    survivors = [s for s in report["mutation"]["survivors"] if s["line"] in comparisons]
    assert not survivors, survivors


LABELS = '''
LONGEST_NAME = 253


def check_label(label: str) -> str:
    if len(label) > 63:
        raise ValueError("label too long")
    return label.lower()


def check_name(name: str) -> bool:
    return len(name) < LONGEST_NAME
'''


def test_strings_as_long_as_the_lengths_the_code_compares_with_are_tried(project):
    from testgen.sandbox import shadow_workspace

    project.write("labels.py", LABELS)
    definitions = project.definitions("labels.py")
    with shadow_workspace(project.root) as ws:
        probes = PYTHON.probe(definitions=definitions, workspace=ws, test_type="unit")
    calls = {p.call: p for p in probes}
    assert calls["check_label('a' * 63)"].outcome == "return"
    assert calls["check_label('a' * 64)"].exception == "ValueError"
    assert "check_label('a' * 62)" in calls
    # a module-level constant counts as well
    assert calls["check_name('a' * 252)"].value == "True"
    assert calls["check_name('a' * 253)"].value == "False"
