"""Python.run: one pytest launch, per-test outcomes, coverage equal to coverage.py's own."""

import json
import subprocess
import sys

import pytest

from testgen.model import TestCandidate, TestFile
from testgen.sandbox import shadow_workspace
from testgen_python.plugin import Python

PYTHON = Python()

CALC = """
def sign(x):
    if x > 0:
        return 1
    if x < 0:
        return -1
    return 0


def halve(x):
    return x / 2
"""


def run(project, test_files=(), coverage=True):
    framework = project.framework()
    with shadow_workspace(project.root) as ws:
        for tf in test_files:
            ws.write(tf.path, tf.content)
        result = PYTHON.run(framework=framework, test_files=list(test_files), workspace=ws,
                            coverage=coverage)
        return result, ws.launches


def make_test_file(path, content, names, prefix=""):
    return TestFile(path=path, language="python", framework="pytest", content=content,
                    target="calc.py", candidates=[TestCandidate(id=f"c::{n}", definition="d",
                                                                test_name=n, code="")
                                                  for n in names],
                    test_ids={f"{path}::{prefix}{n}": f"c::{n}" for n in names})


@pytest.fixture
def calc(project):
    project.write("calc.py", CALC)
    return project


def test_outcomes_of_passing_failing_erroring_and_skipped_tests(calc):
    content = """
import pytest
from calc import sign

@pytest.fixture
def broken():
    raise RuntimeError("fixture broke")

def test_positive():
    assert sign(5) == 1

def test_wrong():
    assert sign(5) == 2

def test_error(broken):
    pass

@pytest.mark.skip(reason="not today")
def test_skipped():
    pass
"""
    tf = make_test_file("test_calc_testgen.py", content,
                   ["test_positive", "test_wrong", "test_error", "test_skipped"])
    result, launches = run(calc, [tf])
    outcomes = {o.test_id.split("::")[1]: o for o in result.tests}
    assert launches == 1
    assert outcomes["test_positive"].outcome == "passed"
    assert outcomes["test_wrong"].outcome == "failed"
    assert "assert 1 == 2" in outcomes["test_wrong"].message
    assert outcomes["test_error"].outcome == "error"
    assert "fixture broke" in outcomes["test_error"].message
    assert outcomes["test_skipped"].outcome == "skipped"
    assert set(tf.test_ids) == {o.test_id for o in result.tests}


def test_parametrised_cases_are_merged_into_the_candidate_id(calc):
    content = """
import pytest
from calc import sign

@pytest.mark.parametrize("x, expected", [(3, 1), (-3, -1), (0, 5)])
def test_table(x, expected):
    assert sign(x) == expected
"""
    tf = make_test_file("test_calc_testgen.py", content, ["test_table"])
    result, _ = run(calc, [tf])
    (outcome,) = result.tests
    assert outcome.test_id == "test_calc_testgen.py::test_table"
    assert outcome.outcome == "failed"
    assert outcome.covered["calc.py"] >= {2, 3, 4, 5, 6}


def test_per_test_coverage_comes_from_contexts(calc):
    content = """
from calc import halve, sign

def test_positive():
    assert sign(1) == 1

def test_halve():
    assert halve(4) == 2
"""
    tf = make_test_file("test_calc_testgen.py", content, ["test_positive", "test_halve"])
    result, _ = run(calc, [tf])
    covered = {o.test_id.split("::")[1]: o.covered["calc.py"] for o in result.tests}
    # the `def` lines ran at import: they count for every test that uses the module
    assert covered["test_positive"] == {1, 2, 3, 9}
    assert covered["test_halve"] == {1, 9, 10}


def test_a_file_that_fails_to_import_reports_every_test_as_error(calc):
    content = "from calc import does_not_exist\n\ndef test_a():\n    assert True\n"
    tf = make_test_file("test_calc_testgen.py", content, ["test_a"])
    result, _ = run(calc, [tf])
    (outcome,) = result.tests
    assert outcome.outcome == "error"
    assert "does_not_exist" in outcome.message


def test_empty_test_files_run_the_existing_suite(calc):
    calc.write("tests/test_sign.py", "from calc import sign\n\n"
               "def test_zero():\n    assert sign(0) == 0\n")
    calc.write("pyproject.toml", '[project]\nname = "p"\n[tool.pytest.ini_options]\n'
               'pythonpath = ["."]\n')
    result, launches = run(calc)
    assert launches == 1
    assert [o.test_id for o in result.tests] == ["tests/test_sign.py::test_zero"]
    assert result.ok
    assert set(result.coverage) == {"calc.py"}  # tests are not sources


def test_coverage_equals_what_coverage_report_says(calc):
    calc.write("pyproject.toml", '[project]\nname = "p"\n[tool.pytest.ini_options]\n'
               'pythonpath = ["."]\n')
    calc.write("tests/test_sign.py", "from calc import sign\n\n"
               "def test_positive():\n    assert sign(2) == 1\n")
    calc.write("extra/helpers.py", "def unused():\n    return 1\n")
    result, _ = run(calc)

    subprocess.run([sys.executable, "-m", "coverage", "run", "--branch", "--source=.",
                    "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=calc.root,
                   check=True, capture_output=True)
    subprocess.run([sys.executable, "-m", "coverage", "json", "-o", "cov.json"], cwd=calc.root,
                   check=True, capture_output=True)
    expected = json.loads((calc.root / "cov.json").read_text())["files"]

    ours = result.coverage["calc.py"]
    theirs = expected["calc.py"]
    assert ours.statements == frozenset(theirs["executed_lines"] + theirs["missing_lines"])
    assert ours.covered == frozenset(theirs["executed_lines"])
    assert ours.branches_total == theirs["summary"]["num_branches"]
    assert ours.branches_covered == theirs["summary"]["covered_branches"]
    assert [list(b) for b in ours.missing_branches] == theirs["missing_branches"]
    assert ours.percent == pytest.approx(100 * theirs["summary"]["covered_lines"] /
                                         theirs["summary"]["num_statements"])


def test_without_coverage_the_run_still_reports_outcomes(calc):
    tf = make_test_file("test_calc_testgen.py", "from calc import sign\n\ndef test_a():\n"
                   "    assert sign(1) == 1\n", ["test_a"])
    result, _ = run(calc, [tf], coverage=False)
    assert result.tests[0].outcome == "passed"
    assert result.coverage == {}
