"""The keep rule's mutation step: a test that adds no line is kept for a mutant only it kills."""

from __future__ import annotations

from testgen.keep import judge_by_mutants
from testgen.kit.mutation import Mutant
from testgen.model import TestCandidate


def mutant(line: int, original: str = "<", replacement: str = "<=") -> Mutant:
    return Mutant(file="m.py", line=line, column=1, start_byte=line * 10, end_byte=line * 10 + 1,
                  original=original, replacement=replacement, operator="comparison",
                  id=f"m{line}")


def spare(name: str) -> TestCandidate:
    return TestCandidate(id=name, definition="m.py::f", test_name=name, code="",
                         status="no-gain", reason="passes, but covers no line")


def test_the_test_killing_most_goes_first_and_a_second_killer_of_the_same_is_left():
    a, b, c = spare("a"), spare("b"), spare("c")
    killers = {mutant(3): {"a", "b"}, mutant(4): {"b"}, mutant(7): {"c"}}

    judge_by_mutants([a, b, c], killers, runs="4/4")

    assert (b.status, b.mutants_killed) == ("kept", 2)
    assert b.reason == ("passes 4/4, covers no new line but kills 2 mutant(s) no other test "
                        "does (line 3: '<' → '<=')")
    assert (a.status, a.mutants_killed) == ("no-gain", 0)  # what it kills, b kills too
    assert (c.status, c.mutants_killed) == ("kept", 1)


def test_no_killer_keeps_nothing():
    a = spare("a")
    judge_by_mutants([a], {}, runs="4/4")
    assert a.status == "no-gain" and a.reason == "passes, but covers no line"
