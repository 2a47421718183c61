"""One name per test in a generated file: a later namesake is renamed, or refused."""

from __future__ import annotations

from testgen.model import TestCandidate
from testgen.pipeline import _dedupe_names
from testgen.plugins import Plugins


def candidate(n: int, name: str, code: str) -> TestCandidate:
    return TestCandidate(id=f"c{n}", definition="m.py::f", test_type="unit", test_name=name,
                         code=code)


def test_a_later_test_of_the_same_name_is_renamed_in_its_code():
    python = Plugins.load().language("python")
    first = candidate(1, "test_f", "def test_f():\n    assert f(1) == 1\n")
    second = candidate(2, "test_f", "def test_f():\n    assert f(2) == 2\n")
    third = candidate(3, "test_f", "def test_f():\n    assert f(3) == 3\n")

    _dedupe_names([first, second, third], python)

    assert [c.test_name for c in (first, second, third)] == ["test_f", "test_f_2", "test_f_3"]
    assert second.code.startswith("def test_f_2():") and second.status == "pending"
    assert first.code.startswith("def test_f():")


def test_a_namesake_whose_code_does_not_show_the_name_is_an_error():
    python = Plugins.load().language("python")
    first = candidate(1, "test_f", "def test_f():\n    pass\n")
    second = candidate(2, "test_f", "assert True\n")  # no definition to rename

    _dedupe_names([first, second], python)

    assert (second.status, second.reason) == ("error", "duplicate test name test_f")
