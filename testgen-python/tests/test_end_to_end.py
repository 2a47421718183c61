"""The whole chain of Language methods on real projects: what `testgen generate` gets
from this plugin."""

import json
import subprocess
import sys

import pytest

from testgen.sandbox import shadow_workspace
from testgen_python.plugin import Python

PYTHON = Python()

pytestmark = pytest.mark.slow


def test_generated_tests_compile_pass_and_cover_the_example(example_generated):
    for rel, generated in example_generated.items():
        assert generated.validation.ok, (rel, generated.validation.output)
        assert generated.run.ok, (rel, generated.run.error,
                                  [(o.test_id, o.message) for o in generated.run.tests
                                   if o.outcome != "passed"])
        assert set(generated.test_file.test_ids) == generated.passed()
        coverage = generated.run.coverage[rel]
        assert coverage.percent >= 90, (rel, sorted(coverage.missing))


def test_one_probe_launch_and_one_run_launch_per_file(example_generated):
    assert {g.launches for g in example_generated.values()} == {2}


def test_written_tests_pass_three_times_under_plain_pytest(example_copy, example_generated):
    for _ in range(3):
        done = example_copy.pytest()
        assert done.returncode == 0, done.stdout + done.stderr
    assert "passed" in done.stdout


def test_written_files_are_the_plugins_convention(example_generated):
    assert {g.test_file.path for g in example_generated.values()} == {
        "tests/test_pricing_testgen.py", "tests/test_cart_testgen.py",
        "tests/test_text_testgen.py"}


def test_generated_code_reads_like_hand_written_tests(example_generated):
    pricing = example_generated["src/shop/pricing.py"].test_file.content
    assert "def test_parse_price_matches_docstring_example():" in pricing
    assert "with pytest.raises(PricingError, match='price cannot be negative'):" in pricing
    cart = example_generated["src/shop/cart.py"].test_file.content
    assert "cart = Cart()" in cart
    # pythonpath = ["src"] is configured: no sys.path bootstrap is needed
    assert "sys.path.insert" not in pricing


def test_unittest_projects_get_unittest_files_that_pass(project, chain):
    project.write("tests/test_existing.py", """
        import unittest
        class TestNothing(unittest.TestCase):
            def test_nothing(self):
                self.assertTrue(True)
    """)
    project.write("geometry.py", """
        import math

        def hypotenuse(a: float, b: float) -> float:
            if a < 0 or b < 0:
                raise ValueError("sides must not be negative")
            return math.sqrt(a * a + b * b)
    """)
    generated = chain(project, "geometry.py", write_back=True)
    content = generated.test_file.content
    assert generated.test_file.framework == "unittest"
    assert "class TestHypotenuse(unittest.TestCase):" in content
    assert "self.assertAlmostEqual(" in content
    assert generated.run.ok
    done = subprocess.run([sys.executable, "-m", "unittest", "discover", "-s", "tests"],
                          cwd=project.root, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_every_test_type_produces_passing_tests(example_copy, chain):
    for test_type in ("edge-cases", "negative", "table-driven", "integration", "regression"):
        generated = chain(example_copy, "src/shop/cart.py", test_type=test_type)
        assert generated.test_file.candidates, test_type
        failing = [(o.test_id, o.message) for o in generated.run.tests if o.outcome != "passed"]
        assert not failing, (test_type, failing)


def test_hostile_module_does_not_stop_the_others(project, chain):
    project.write("tools.py", """
        import os

        def wipe(path: str) -> None:
            os.remove("/etc/hostname")

        def forever(n: int) -> int:
            while True:
                n += 1

        def double(n: int) -> int:
            return 2 * n
    """)
    generated = chain(project, "tools.py")
    reasons = {p.definition.split("::")[1]: p.reason for p in generated.probes
               if p.outcome != "return"}
    assert "deletes files" in reasons["wipe"]
    assert "did not return" in reasons["forever"]
    assert any(c.test_name.startswith("test_double") for c in generated.test_file.candidates)
    assert generated.run.ok


def test_coverage_of_validate_matches_coverage_report_on_the_example(example_copy):
    """`testgen validate` numbers for the example equal `coverage report`'s."""
    with shadow_workspace(example_copy.root) as ws:
        result = PYTHON.run(framework=example_copy.framework(), test_files=[], workspace=ws,
                            coverage=True)
    subprocess.run([sys.executable, "-m", "coverage", "run", "--branch", "--source=.", "-m",
                    "pytest", "-q", "-p", "no:cacheprovider"], cwd=example_copy.root,
                   check=True, capture_output=True)
    subprocess.run([sys.executable, "-m", "coverage", "json", "-o", "cov.json"],
                   cwd=example_copy.root, check=True, capture_output=True)
    report = json.loads((example_copy.root / "cov.json").read_text())["files"]
    sources = {path for path in report if not path.startswith("tests/")}
    assert set(result.coverage) == sources  # tests are measured by neither as sources
    for path in sources:
        ours, theirs = result.coverage[path], report[path]
        assert len(ours.statements) == theirs["summary"]["num_statements"], path
        assert len(ours.covered) == theirs["summary"]["covered_lines"], path
        assert ours.branches_covered == theirs["summary"]["covered_branches"], path
