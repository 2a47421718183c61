"""Python.probe: real executions, in one sandboxed launch per file, whatever the code does."""

import json
import shutil
from pathlib import Path

import pytest

from testgen.sandbox import shadow_workspace
from testgen_python.plugin import Python

PYTHON = Python()

BEHAVIOUR = '''
import asyncio
import os
import random
import json
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum


class Color(Enum):
    RED = 1
    GREEN = 2


class NegativeError(ValueError):
    pass


@dataclass
class Point:
    x: int
    y: int = 0


def price(amount: Decimal, rate: float = 0.5) -> Decimal:
    """Apply a rate.

    >>> price(Decimal("10"))
    Decimal('5.0')
    """
    if amount < 0:
        raise NegativeError(f"negative amount: {amount}")
    return amount * Decimal(str(rate))


def grade(score: int) -> str:
    if score >= 90:
        return "A"
    if score >= 50:
        return "B"
    return "C"


def shade(color: Color) -> str:
    return color.name.lower()


def move(p: Point, dx: int) -> Point:
    return Point(p.x + dx, p.y)


def sort_in_place(items: list) -> None:
    items.sort()


def countdown(n: int):
    while n > 0:
        yield n
        n -= 1


async def later(x: int) -> int:
    return x + 1


def ratio(a: float, b: float) -> float:
    return a / b


def spin(n: int) -> int:
    while True:
        n += 1


def bomb(n: int) -> list:
    return [0] * (10 ** 12)


def hard_exit(code: int) -> None:
    os._exit(3)


def delete_file(path: str) -> None:
    os.remove("/etc/hostname")


def call_home() -> bytes:
    return socket.create_connection(("example.com", 80)).recv(10)


def run_ls() -> str:
    return subprocess.check_output(["ls"]).decode()


def now() -> float:
    return time.time()


def roll() -> int:
    return random.randint(1, 6)


def recurse(n):
    return recurse(n + 1)


def crash() -> None:
    import ctypes
    ctypes.string_at(0)


def shout(text: str) -> None:
    print(text.upper())


def cli() -> int:
    import sys
    if len(sys.argv) < 2:
        print("usage: cli NAME")
        return 2
    print("hello", sys.argv[1])
    return 0
'''


@pytest.fixture(scope="module")
def behaviour(tmp_path_factory):
    root = tmp_path_factory.mktemp("probe") / "proj"
    root.mkdir()
    (root / "pyproject.toml").write_text('[project]\nname = "p"\n')
    (root / "behaviour.py").write_text(BEHAVIOUR.lstrip("\n"))
    from testgen.model import SourceFile
    source = SourceFile(root / "behaviour.py", "behaviour.py", "python",
                        (root / "behaviour.py").read_text(), root)
    definitions = PYTHON.extract(parsed=PYTHON.parse(source=source))
    with shadow_workspace(root) as ws:
        probes = PYTHON.probe(definitions=definitions, workspace=ws, test_type="unit")
        launches = ws.launches
    by_name: dict[str, list] = {}
    for p in probes:
        by_name.setdefault(p.definition.split("::")[1], []).append(p)
    return by_name, launches


def outcomes(behaviour, name):
    return behaviour[0][name]


def test_one_launch_probes_the_whole_file(behaviour):
    assert behaviour[1] == 1


def test_return_values_are_source_literals(behaviour):
    values = {p.value for p in outcomes(behaviour, "grade") if p.outcome == "return"}
    assert values == {"'A'", "'B'", "'C'"}


def test_constants_in_the_body_steer_the_inputs(behaviour):
    args = {p.args[0] for p in outcomes(behaviour, "grade")}
    assert args & {"89", "90", "91"}
    assert args & {"49", "50", "51"}


def test_exceptions_keep_their_exact_type_and_message(behaviour):
    raised = [p for p in outcomes(behaviour, "price") if p.outcome == "raise"
              and p.exception == "NegativeError"]
    assert raised
    assert raised[0].message.startswith("negative amount: -")
    assert "from behaviour import NegativeError" in raised[0].payload.imports


def test_doctest_examples_are_run_exactly(behaviour):
    (doc,) = [p for p in outcomes(behaviour, "price") if p.category == "doc-example"]
    assert doc.call == 'price(Decimal("10"))'
    assert doc.value == "Decimal('5.0')"
    assert "from decimal import Decimal" in doc.payload.imports


def test_enum_arguments_are_written_as_members(behaviour):
    values = {p.call: p.value for p in outcomes(behaviour, "shade")}
    assert values["shade(Color.RED)"] == "'red'"


def test_dataclass_arguments_are_built_from_their_hints(behaviour):
    returned = [p for p in outcomes(behaviour, "move") if p.outcome == "return"]
    assert returned
    assert returned[0].call.startswith("move(Point(x=")
    assert returned[0].value.startswith("Point(x=")


def test_mutated_arguments_are_recorded(behaviour):
    mutated = [p for p in outcomes(behaviour, "sort_in_place") if p.payload.mutated]
    assert any(p.args == ("[3, 1, 2]",) and p.payload.mutated == {"0": "[1, 2, 3]"}
               for p in mutated)


def test_generators_are_listed(behaviour):
    probe = next(p for p in outcomes(behaviour, "countdown") if p.call == "countdown(2)")
    assert probe.value == "[2, 1]"
    assert probe.payload.wrap == "list"


def test_coroutines_are_awaited(behaviour):
    probe = next(p for p in outcomes(behaviour, "later") if p.call == "later(1)")
    assert probe.value == "2"
    assert probe.payload.wrap == "await"


def test_floats_are_marked_for_approximate_comparison(behaviour):
    probe = next(p for p in outcomes(behaviour, "ratio") if p.outcome == "return")
    assert probe.payload.approx


def test_covered_lines_differ_between_branches(behaviour):
    lines = {p.value: p.covered_lines for p in outcomes(behaviour, "grade")
             if p.outcome == "return"}
    assert lines["'A'"] != lines["'C'"]


def test_results_are_checked_for_determinism(behaviour):
    assert all(p.deterministic for p in outcomes(behaviour, "grade"))


@pytest.mark.parametrize("name, outcome, reason", [
    ("spin", "timeout", "did not return"),
    ("bomb", "skipped", "memory"),
    ("hard_exit", "skipped", "os._exit"),
    ("delete_file", "skipped", "deletes files"),
    ("call_home", "skipped", "network"),
    ("run_ls", "skipped", "processes"),
    ("now", "skipped", "the clock"),
    ("roll", "skipped", "randomness"),
    ("recurse", "skipped", "recursion"),
    ("crash", "crash", "SIGSEGV"),
])
def test_hostile_definitions_get_an_outcome_and_a_reason(behaviour, name, outcome, reason):
    probes = outcomes(behaviour, name)
    assert {p.outcome for p in probes} == {outcome}
    assert reason in probes[0].reason


def test_the_file_system_was_not_touched(behaviour):
    assert Path("/etc/hostname").exists() or not Path("/etc").exists()


def probe_module(project, rel, text):
    project.write(rel, text)
    definitions = project.definitions(rel)
    with shadow_workspace(project.root) as ws:
        return PYTHON.probe(definitions=definitions, workspace=ws, test_type="unit")


@pytest.mark.parametrize("text, outcome, reason", [
    ("import sys\nsys.exit(3)\ndef f(x: int) -> int:\n    return x\n", "skipped",
     "sys.exit(3)"),
    ("import os\nos._exit(4)\ndef f(x: int) -> int:\n    return x\n", "skipped", "os._exit(4)"),
    ("import not_a_real_module_xyz\ndef f(x: int) -> int:\n    return x\n", "skipped",
     "No module named 'not_a_real_module_xyz'"),
    ("def f(x: int) -> int:\n    return x\nwhile True:\n    pass\n", "timeout",
     "did not finish"),
    ("def f(x: int) -> int:\n    return x\nx = (1,\n", "skipped", "syntax error"),
    ("def f(x: int) -> int:\n    return x\nDATA = [0] * (10 ** 12)\n", "skipped", "memory"),
])
def test_modules_that_cannot_be_imported_are_reported_per_definition(project, text, outcome,
                                                                      reason):
    probes = probe_module(project, "hostile.py", text)
    assert [p.outcome for p in probes] == [outcome]
    assert reason in probes[0].reason


def test_a_foreign_shared_library_named_like_the_module_is_reported(project):
    """A C extension (a copy of the stdlib's ``_csv``) sits beside ``fastcsv.py`` and wins the
    import, but exports no ``PyInit_fastcsv``."""
    import _csv

    library = Path(getattr(_csv, "__file__", "") or "/nonexistent")
    if not library.is_file():
        pytest.skip("_csv is built into this Python, not a shared library")
    shutil.copy(library, project.root / library.name.replace("_csv", "fastcsv"))
    probes = probe_module(project, "fastcsv.py", "def f(x: int) -> int:\n    return x\n")
    assert [p.outcome for p in probes] == ["skipped"]
    assert "cannot be imported" in probes[0].reason


def test_untestable_definitions_are_skipped_with_their_reason(project):
    probes = probe_module(project, "nested.py", "def outer():\n    def inner():\n"
                          "        return 1\n    return inner()\n")
    inner = next(p for p in probes if p.definition.endswith("outer.inner"))
    assert inner.outcome == "skipped"
    assert "nested inside outer()" in inner.reason


def test_printed_output_is_recorded(behaviour):
    probe = next(p for p in outcomes(behaviour, "shout") if p.call == "shout('hello')")
    assert probe.payload.stdout == "HELLO\n"


def test_command_line_entry_points_run_with_their_own_argv(behaviour):
    probes = [p for p in outcomes(behaviour, "cli") if p.outcome == "return"]
    by_argv = {p.payload.argv: p for p in probes}
    assert by_argv[("behaviour",)].value == "2"
    assert by_argv[("behaviour",)].payload.stdout == "usage: cli NAME\n"
    assert any(p.value == "0" and p.payload.stdout.startswith("hello ") for p in probes)


def test_what_names_the_probe_process_is_not_pinned(project, chain):
    # under the user's own `pytest` the program is another one
    project.write("launcher.py", """
        import sys


        def program(suffix: str) -> str:
            main = sys.modules["__main__"].__spec__
            return (main.name if main else "python") + suffix
    """)

    generated = chain(project, "launcher.py")

    probes = [p for p in generated.probes_of("program") if p.outcome == "return"]
    assert probes and not any(p.deterministic for p in probes)


def test_what_depends_on_the_copy_of_the_project_is_not_pinned(project, chain):
    project.write("where.py", """
        import os


        def here(prefix: str) -> str:
            return prefix + os.getcwd()


        def entries(prefix: str) -> list:
            return [prefix + name for name in sorted(os.listdir("."))]
    """)

    generated = chain(project, "where.py")

    for name in ("here", "entries"):
        assert not any(p.deterministic and p.outcome == "return"
                       for p in generated.probes_of(name)), generated.probes_of(name)


KILLS_THE_HARNESS = '''
import ctypes
import os

HARNESS = os.getpid()  # the harness process imports the module


def before(x: int) -> int:
    return x + 1


def killer(x: int) -> int:
    ctypes.CDLL(None).kill(HARNESS, 9)
    return x


def after(x: int) -> int:
    return x * 2
'''


def test_a_definition_that_kills_the_harness_is_left_out_of_another_launch(project):
    project.write("fatal.py", KILLS_THE_HARNESS)
    definitions = project.definitions("fatal.py")
    with shadow_workspace(project.root) as ws:
        probes = PYTHON.probe(definitions=definitions, workspace=ws, test_type="unit")
        launches = ws.launches
    by_name: dict[str, list] = {}
    for p in probes:
        by_name.setdefault(p.definition.split("::")[1], []).append(p)
    assert launches == 2
    assert [p.outcome for p in by_name["killer"]] == ["crash"]
    assert "the probe process died while running it" in by_name["killer"][0].reason, by_name["killer"]
    assert "return" in {p.outcome for p in by_name["before"]}
    assert "return" in {p.outcome for p in by_name["after"]}


def _launched(*lines, timed_out=False):
    from testgen.model import ProcessResult
    return ProcessResult(argv=("python",), returncode=-9 if timed_out else 0,
                         stdout="".join(json.dumps(line) + "\n" for line in lines), stderr="",
                         duration=1.0, timed_out=timed_out,
                         killed_reason="timeout after 60s" if timed_out else "")


def test_a_launch_that_times_out_gives_the_running_definition_the_timeout(project):
    from testgen.kit.probehost import Limits, run_calls
    from testgen_python.probe import PlannedDefinition, to_probes

    project.write("slow.py", "def a(x):\n    return x\ndef b(x):\n    return x\n"
                  "def c(x):\n    return x\n")
    calls = [PlannedDefinition(i, d) for i, d in enumerate(project.definitions("slow.py"))]
    keys = [c.definition.key for c in calls]
    answers = iter([
        _launched({"event": "loaded"}, {"event": "start", "id": 0},
                  {"event": "probe", "id": 0, "definition": keys[0], "outcome": "return",
                   "call": "a(1)", "value": "1"},
                  {"event": "result", "id": 0}, {"event": "start", "id": 1}, timed_out=True),
        _launched({"event": "loaded"}, {"event": "start", "id": 2},
                  {"event": "probe", "id": 2, "definition": keys[2], "outcome": "return",
                   "call": "c(1)", "value": "1"},
                  {"event": "result", "id": 2}, {"event": "done"}),
    ])
    session = run_calls(calls, lambda batch: next(answers), limits=Limits(launch_seconds=60))
    probes = to_probes(session, "slow")
    assert session.launches == 2
    assert [(p.definition, p.outcome) for p in probes] == [
        (keys[0], "return"), (keys[2], "return"), (keys[1], "timeout")]


def test_an_attribute_named_hash_is_not_a_call_of_hash(project):
    """``url.hash`` (a URL's fragment) is an attribute, not the builtin whose value changes
    with PYTHONHASHSEED: the calls stay deterministic and make tests; ``hash(text)`` does not."""
    probes = probe_module(project, "urls.py", '''
        class Url:
            def __init__(self) -> None:
                self.hash = None
                self.path = ""

            def parse(self, text: str) -> "Url":
                at = text.find("#")
                if at != -1:
                    self.hash = text[at:]
                    text = text[:at]
                self.path = text
                return self


        def fragment(text: str) -> str:
            return Url().parse(text).hash or ""


        def bucket(text: str) -> int:
            return hash(text) % 7
    ''')
    by_name: dict[str, list] = {}
    for p in probes:
        by_name.setdefault(p.definition.split("::")[1], []).append(p)
    assert any(p.deterministic and p.outcome == "return" for p in by_name["fragment"])
    assert all(p.deterministic for p in by_name["Url.parse"] if p.outcome == "return")
    assert not any(p.deterministic for p in by_name["bucket"])
