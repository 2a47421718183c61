"""Python.offline_candidates: probes become readable tests of each type."""

import ast
import re

import pytest

from testgen.model import OfflineRequest, Probe
from testgen_python.payload import PythonProbe
from testgen_python.plugin import Python

PYTHON = Python()

PRICING = '''
from decimal import Decimal


class PricingError(ValueError):
    pass


def parse_price(text: str) -> Decimal:
    """Parse a price.

    >>> parse_price("$1.50")
    Decimal('1.50')
    """
    cleaned = text.strip().lstrip("$")
    if not cleaned:
        raise PricingError("empty price")
    value = Decimal(cleaned)
    if value < 0:
        raise PricingError("price cannot be negative")
    return value


def bulk_discount(quantity: int) -> int:
    if quantity < 0:
        raise ValueError("quantity cannot be negative")
    if quantity >= 100:
        return 15
    if quantity >= 10:
        return 5
    return 0


def is_even(n: int) -> bool:
    return n % 2 == 0


def mean(values: list[float]) -> float:
    return sum(values) / len(values)


class Counter:
    def __init__(self, start: int = 0) -> None:
        self.count = start

    def add(self, n: int) -> None:
        if n < 0:
            raise ValueError("n must not be negative")
        self.count += n

    def reset(self) -> None:
        self.count = 0

    def value(self) -> int:
        return self.count


def report(total: int) -> None:
    print(f"total: {total}")


def main() -> int:
    import argparse
    parser = argparse.ArgumentParser(prog="pricing")
    parser.add_argument("amount")
    parser.add_argument("--cents", action="store_true")
    args = parser.parse_args()
    value = parse_price(args.amount)
    print(int(value * 100) if args.cents else value)
    return 0
'''


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """Every test type, pytest and unittest, from one probe of the module."""
    from testgen.model import Project, SourceFile
    from testgen.sandbox import shadow_workspace

    root = tmp_path_factory.mktemp("offline") / "proj"
    root.mkdir()
    (root / "pyproject.toml").write_text('[project]\nname = "p"\n')
    (root / "pricing.py").write_text(PRICING.lstrip("\n"))
    source = SourceFile(root / "pricing.py", "pricing.py", "python",
                        (root / "pricing.py").read_text(), root)
    definitions = PYTHON.extract(parsed=PYTHON.parse(source=source))
    with shadow_workspace(root) as ws:
        probes = PYTHON.probe(definitions=definitions, workspace=ws, test_type="integration")
    out = {}
    for framework_name in ("pytest", "unittest"):
        framework = PYTHON.select_framework(project=Project(root), requested=framework_name)
        for test_type in ("unit", "edge-cases", "negative", "table-driven", "integration",
                          "regression"):
            for d in definitions:
                out[(framework_name, test_type, d.qualname)] = \
                    PYTHON.offline_candidates(request=OfflineRequest(
                        definition=d, framework=framework, test_type=test_type,
                        probes=[p for p in probes if p.definition == d.key]))
    return out


def code_of(candidates):
    return "\n\n".join(c.code for c in candidates)


def test_unit_tests_have_descriptive_names_and_exact_values(generated):
    candidates = generated[("pytest", "unit", "bulk_discount")]
    names = {c.test_name for c in candidates}
    assert {"test_bulk_discount_returns_15", "test_bulk_discount_returns_5",
            "test_bulk_discount_returns_0"} <= names
    assert "test_bulk_discount_rejects_negative_quantity" in names
    code = code_of(candidates)
    assert re.search(r"assert bulk_discount\(\d+\) == 15", code)


def test_a_small_set_of_tests_covers_every_branch(generated):
    candidates = [c for c in generated[("pytest", "unit", "bulk_discount")]
                  if not c.details["alternative"]]  # the calls at its constants come apart
    assert len(candidates) <= 6
    covered = set().union(*(c.covered_lines for c in candidates))
    start = PRICING.lstrip("\n").splitlines().index("def bulk_discount(quantity: int) -> int:")
    body = set(range(start + 2, start + 9))  # 1-based: the seven lines after the `def`
    assert body <= covered


def test_exceptions_are_checked_with_their_exact_type_and_message(generated):
    code = code_of(generated[("pytest", "unit", "parse_price")])
    assert "with pytest.raises(PricingError, match='empty price'):" in code
    assert "with pytest.raises(PricingError, match='price cannot be negative'):" in code


def test_docstring_examples_become_tests(generated):
    (doc,) = [c for c in generated[("pytest", "unit", "parse_price")]
              if c.test_name == "test_parse_price_matches_docstring_example"]
    assert "assert parse_price(\"$1.50\") == Decimal('1.50')" in doc.code
    assert "from decimal import Decimal" in doc.imports
    assert "from pricing import parse_price" in doc.imports


def test_booleans_are_compared_by_identity(generated):
    code = code_of(generated[("pytest", "unit", "is_even")])
    assert re.search(r"assert is_even\(-?\d+\) is (True|False)", code)


def test_floats_use_approx(generated):
    code = code_of(generated[("pytest", "unit", "mean")])
    assert "pytest.approx(" in code


def test_no_trivial_assertions(generated):
    for key, candidates in generated.items():
        for c in candidates:
            assert "is not None" not in c.code, (key, c.code)
            assert "assert True" not in c.code, (key, c.code)


def test_every_candidate_is_valid_python_with_a_stable_id(generated):
    for (framework, test_type, qualname), candidates in generated.items():
        for c in candidates:
            if c.status == "possible-bug":
                continue  # a finding, not a test: no code
            ast.parse(c.code if framework == "pytest" else "class T:\n" + c.code)
            assert c.id == f"pricing.py::{qualname}::{c.test_name}"
            assert c.test_type == test_type and c.engine == "offline"


def test_a_division_by_zero_on_an_empty_list_is_reported_not_pinned(generated):
    [bug] = [c for c in generated[("pytest", "unit", "mean")] if c.status == "possible-bug"]
    assert bug.reason.startswith("mean([]) raises ZeroDivisionError")
    assert not bug.code and bug.details["possible_bug_evidence"] == bug.reason
    assert all("ZeroDivisionError" not in c.code for c in generated[("pytest", "unit", "mean")])


def test_negative_tests_only_check_errors(generated):
    candidates = generated[("pytest", "negative", "parse_price")]
    assert candidates
    assert all("pytest.raises(" in c.code for c in candidates)


def test_edge_cases_use_boundary_inputs(generated):
    names = {c.test_name for c in generated[("pytest", "edge-cases", "parse_price")]}
    assert any(word in name for name in names for word in ("empty", "blank", "unicode"))


def test_table_driven_tests_are_one_parametrised_candidate_per_table(generated):
    candidates = generated[("pytest", "table-driven", "bulk_discount")]
    table = next(c for c in candidates if "returns_expected_values" in c.test_name)
    assert table.code.startswith('@pytest.mark.parametrize(\n    "quantity, expected",')
    assert "def test_bulk_discount_returns_expected_values(quantity, expected):" in table.code
    assert "assert bulk_discount(quantity) == expected" in table.code


def test_methods_are_tested_on_a_fresh_object(generated):
    code = code_of(generated[("pytest", "unit", "Counter.add")])
    assert "counter = Counter()" in code
    assert "counter.add(" in code
    assert re.search(r"assert counter.count == \d+", code)


def test_integration_tests_follow_an_object_through_its_lifecycle(generated):
    candidates = generated[("pytest", "integration", "Counter")]
    lifecycle = next(c for c in candidates if c.test_name.startswith("test_counter_after_"))
    lines = lifecycle.code.splitlines()
    assert lines[1].strip() == "counter = Counter()"
    assert any(line.strip().startswith("counter.add(") for line in lines)
    assert any("assert counter.value() ==" in line for line in lines)


def test_regression_pins_many_recorded_outputs(generated):
    candidates = generated[("pytest", "regression", "bulk_discount")]
    assert any("@pytest.mark.parametrize" in c.code for c in candidates)


def test_unittest_candidates_are_methods_with_unittest_assertions(generated):
    candidates = generated[("unittest", "unit", "parse_price")]
    code = code_of(candidates)
    assert code.startswith("    def test_")
    assert "self.assertRaisesRegex(PricingError, 'empty price')" in code
    assert {c.details["class_name"] for c in candidates} == {"TestParsePrice"}
    assert "self.assertEqual(" in code


def test_unittest_tables_use_subtests(generated):
    code = code_of(generated[("unittest", "table-driven", "bulk_discount")])
    assert "with self.subTest(quantity=quantity):" in code


def test_nondeterministic_and_skipped_probes_make_no_tests(project):
    project.write("m.py", "def f(x: int) -> int:\n    return x\n")
    d = project.definitions("m.py")[0]
    probes = [Probe(definition=d.key, args=("1",), value="1", deterministic=False, call="f(1)",
                    payload=PythonProbe(module="m")),
              Probe(definition=d.key, outcome="skipped", reason="reads the clock",
                    payload=PythonProbe(module="m"))]
    request = OfflineRequest(definition=d, framework=project.framework(), test_type="unit",
                             probes=probes)
    assert PYTHON.offline_candidates(request=request) == []


def test_project_templates_override_the_packaged_ones(project, tmp_path):
    overrides = tmp_path / "templates" / "tests" / "pytest"
    overrides.mkdir(parents=True)
    (overrides / "unit.j2").write_text("def {{ case.name }}():\n    # house style\n"
                                       "    assert {{ case.call }} == {{ case.expected }}\n")
    project.write("m.py", "def f(x: int) -> int:\n    return x\n")
    d = project.definitions("m.py")[0]
    probe = Probe(definition=d.key, args=("1",), value="1", call="f(1)",
                  covered_lines=frozenset({2}), payload=PythonProbe(module="m"))
    (candidate,) = PYTHON.offline_candidates(request=OfflineRequest(
        definition=d, framework=project.framework(), test_type="unit", probes=[probe],
        template_dirs=(tmp_path / "templates",)))
    assert "# house style" in candidate.code


def test_printed_output_is_checked_with_capsys(generated):
    code = code_of(generated[("pytest", "unit", "report")])
    assert "def test_report_" in code and "(capsys):" in code
    assert "assert capsys.readouterr().out == 'total: " in code


def test_command_line_entry_points_get_their_argv_from_monkeypatch(generated):
    code = code_of(generated[("pytest", "unit", "main")])
    assert "(monkeypatch, capsys):" in code
    assert "monkeypatch.setattr(sys, \"argv\", ['pricing', " in code
    assert "assert main() == 0" in code


def test_unittest_patches_argv_and_captures_stdout(generated):
    code = code_of(generated[("unittest", "unit", "main")])
    assert "patcher = mock.patch.object(sys, \"argv\", ['pricing'," in code
    assert "self.addCleanup(patcher.stop)" in code
    assert "with contextlib.redirect_stdout(output):" in code
    assert "self.assertEqual(output.getvalue(), " in code


def test_an_argument_outside_its_annotation_makes_no_possible_bug(project):
    """A ``str`` given for a ``Pattern`` parameter fails inside: the input was wrong, not the
    code (seen on a real package: ``'str' object has no attribute 'fullmatch'``)."""
    from testgen.sandbox import shadow_workspace

    from testgen_python.offline import crashes_on_well_typed_input

    project.write("rx.py", '''
import re


def matches(text: str, pattern: re.Pattern) -> bool:
    return pattern.fullmatch(text) is not None


def inverse(x: float) -> float:
    return 1 / x
''')
    definitions = {d.name: d for d in project.definitions("rx.py")}
    with shadow_workspace(project.root, timeout=60) as workspace:
        probes = PYTHON.probe(definitions=list(definitions.values()), workspace=workspace,
                              test_type="edge-cases")
    crashes = [(p.definition.split("::")[-1], p.exception) for p in probes
               if p.outcome == "raise" and crashes_on_well_typed_input(
                   definitions[p.definition.split("::")[-1]], p)]
    assert ("inverse", "ZeroDivisionError") in crashes
    raised = {p.definition.split("::")[-1] for p in probes if p.outcome == "raise"}
    assert "matches" in raised  # it did fail inside, on an argument of the wrong type
    assert not [c for c in crashes if c[0] == "matches"]


def test_a_key_error_the_code_raises_itself_is_checked_with_its_message(project, chain):
    """``raise KeyError("... not registered")`` before ``del table[key]``: without the message
    the test passes just as well when the check is gone (the ``del`` raises KeyError too)."""
    project.write("registry.py", """
        TABLE = {"a": 1}


        def unregister(name: str) -> None:
            if name not in TABLE:
                raise KeyError("the name could not be removed because it is not registered")
            del TABLE[name]


        def lookup(name: str) -> int:
            return {"x": 1}[name]
    """)

    generated = chain(project, "registry.py")

    code = generated.test_file.content
    assert "pytest.raises(KeyError, match=" in code and "not registered" in code
    assert re.search(r"pytest.raises\(KeyError\):\n\s+lookup\(", code)


PARTS = '''
class Parts:
    def __init__(self):
        self.scheme = None
        self.rest = None

    def split(self, text: str) -> "Parts":
        if ":" in text:
            self.scheme, self.rest = text.split(":", 1)
        else:
            self.rest = text
        return self
'''


def test_none_is_checked_by_identity_in_both_frameworks(project, chain):
    project.write("parts.py", PARTS)
    for framework in ("pytest", "unittest"):
        code = chain(project, "parts.py", framework=framework).test_file.content
        assert "== None" not in code and "assertEqual(result.scheme, None)" not in code, code
        assert "result.scheme is None" in code or "assertIsNone(result.scheme)" in code, code
