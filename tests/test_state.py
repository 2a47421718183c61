"""Incremental state: what is current, what is carried, what was written."""

from __future__ import annotations

from testgen.model import TestCandidate
from testgen.state import State


def candidate(definition, name):
    return TestCandidate(id=f"{definition}::{name}", definition=definition, test_name=name,
                         code=f"def {name}(): assert 1 == 1", imports=("import x",))


def test_state_round_trips_through_disk(tmp_path):
    state = State(tmp_path)
    state.record("a.py::f", "a.py", "h1", "unit", "offline", None,
                 [candidate("a.py::f", "test_f")], "kept")
    state.remember_write("test_a.py", "content")
    state.save()
    loaded = State.load(tmp_path)
    assert loaded.is_current("a.py::f", "h1", "unit", "offline", None)
    assert not loaded.is_current("a.py::f", "h2", "unit", "offline", None)
    assert not loaded.is_current("a.py::f", "h1", "unit", "llm", "m")
    assert loaded.written_by_us("test_a.py", "content")
    assert not loaded.written_by_us("test_a.py", "edited")


def test_carried_tests_are_those_of_unchanged_definitions(tmp_path):
    state = State(tmp_path)
    state.record("a.py::f", "a.py", "h1", "unit", "offline", None,
                 [candidate("a.py::f", "test_f")], "kept")
    state.record("a.py::g", "a.py", "h2", "unit", "offline", None,
                 [candidate("a.py::g", "test_g")], "kept")
    carried = state.carried_tests("a.py", {"a.py::f": "h1", "a.py::g": "changed"})
    assert [c.test_name for c in carried] == ["test_f"]
    assert carried[0].carried_over


def test_corrupt_state_starts_afresh(tmp_path):
    (tmp_path / ".testgen").mkdir()
    (tmp_path / ".testgen" / "state.json").write_text("{not json")
    assert State.load(tmp_path).entries == {}


def test_forget_missing_drops_deleted_definitions(tmp_path):
    state = State(tmp_path)
    state.record("a.py::f", "a.py", "h1", "unit", "offline", None, [], "none-kept")
    state.record("a.py::g", "a.py", "h2", "unit", "offline", None, [], "none-kept")
    state.forget_missing("a.py", {"a.py::g"})
    assert [e.definition for e in state.entries.values()] == ["a.py::g"]
