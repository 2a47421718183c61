"""Probing, the harness, running and coverage with the real gcc."""

from __future__ import annotations

import shutil
from dataclasses import replace

import pytest

from testgen.model import OfflineRequest, TestCandidate
from testgen_c.payload import Returned

pytestmark = pytest.mark.skipif(shutil.which("gcc") is None, reason="gcc is not installed")


@pytest.fixture
def extracted(plugins, workspace, source_file):
    """``extracted(rel)`` → (source, definitions) of a file in the workspace."""

    def extract(rel):
        source = source_file(workspace.root, rel)
        return source, plugins.extract(plugins.parse(source))

    return extract


def candidate(name: str, body: str) -> TestCandidate:
    return TestCandidate(id=f"src/mathx.c::ratio_percent::{name}",
                         definition="src/mathx.c::ratio_percent", test_name=name,
                         code=f"TEST({name})\n{{\n    {body}\n}}\n")


def test_probe_records_returns_as_c_literals_in_one_launch(plugins, extracted, workspace):
    _, defs = extracted("src/strutil.c")
    probes = plugins.probe("c", defs, workspace, "unit")
    assert workspace.launches == 1
    day = {p.call: p for p in probes if p.definition.endswith("::day_name")}
    assert day["day_name(2)"].value == '"Tuesday"'
    assert day["day_name(INT_MAX)"].value == '"unknown"'
    assert day["day_name(INT_MAX)"].category == "boundary"


def test_each_return_probe_carries_the_kind_of_its_value_as_a_typed_payload(plugins, extracted,
                                                                            workspace):
    _, defs = extracted("src/strutil.c")
    day = next(p for p in plugins.probe("c", defs, workspace, "unit")
               if p.call == "day_name(2)")
    assert day.payload == Returned(kind="string")


def test_a_crashing_call_is_recorded_and_the_others_still_run(plugins, extracted, workspace):
    _, defs = extracted("src/mathx.c")
    probes = [p for p in plugins.probe("c", defs, workspace, "unit")
              if p.definition.endswith("::ratio_percent")]
    by_call = {p.call: p for p in probes}
    assert by_call["ratio_percent(2, 0)"].outcome == "crash"
    assert by_call["ratio_percent(2, 0)"].exception == "SIGFPE"
    assert by_call["ratio_percent(2, 5)"].value == "40"


def test_a_call_that_exits_is_a_crash_named_for_its_status(plugins, workspace, source_file):
    source = source_file(workspace.root, "src/leave.c", "#include <stdlib.h>\n"
                         "int leave(int a) { exit(3); return a; }\n")
    probes = plugins.probe("c", plugins.extract(plugins.parse(source)), workspace, "unit")
    assert {(p.outcome, p.exception, p.message) for p in probes} == {
        ("crash", "exit", "called exit(3)")}


def test_a_call_that_hangs_the_whole_probe_is_a_timeout_and_the_others_run_again(
        plugins, workspace, source_file):
    source = source_file(workspace.root, "src/hang.c", """#include <signal.h>
int hang(int a)
{
    sigset_t all;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, 0); /* not even the per-call alarm stops it */
    for (;;) {}
    return a;
}
int twice(int a) { return 2 * a; }
""")
    quick = replace(workspace, timeout=3)
    probes = plugins.probe("c", plugins.extract(plugins.parse(source)), quick, "unit")
    hang = [p.outcome for p in probes if p.definition.endswith("::hang")]
    assert hang[0] == "timeout" and set(hang[1:]) == {"skipped"}
    assert {p.outcome for p in probes if p.definition.endswith("::twice")} == {"return"}
    assert quick.launches == 2


def test_functions_without_generated_inputs_are_skipped_with_a_reason(plugins, extracted,
                                                                      workspace):
    _, defs = extracted("src/strutil.c")
    to_upper = [p for p in plugins.probe("c", defs, workspace, "unit")
                if p.definition.endswith("::to_upper")]
    assert [p.outcome for p in to_upper] == ["skipped"]
    assert "nothing a test could check" in to_upper[0].reason


def test_code_that_does_not_compile_gives_skipped_probes(plugins, workspace, source_file):
    source = source_file(workspace.root, "src/bad.c", "int f(int a) { return a + ; }\n"
                         "int g(int a) { return undeclared(a); }\n")
    defs = plugins.extract(plugins.parse(source))
    probes = plugins.probe("c", [d for d in defs if d.name == "g"], workspace, "unit")
    assert {p.outcome for p in probes} == {"skipped"}
    assert "does not compile" in probes[0].reason


def test_generated_tests_pass_and_credit_lines_to_each_test(plugins, extracted, workspace,
                                                            framework):
    source, defs = extracted("src/mathx.c")
    clamp = next(d for d in defs if d.name == "clamp")
    probes = plugins.probe("c", [clamp], workspace, "unit")
    candidates = plugins.offline_candidates(OfflineRequest(
        definition=clamp, framework=framework, test_type="unit", probes=probes))
    path = plugins.test_path(source, framework)
    test_file = plugins.assemble(candidates, framework, source, path)
    workspace.write(test_file.path, test_file.content)
    assert plugins.validate(test_file, workspace).ok
    run = plugins.run("c", framework, [test_file], workspace, True)
    assert {t.test_id: t.outcome for t in run.tests} == dict.fromkeys(test_file.test_ids,
                                                                      "passed")
    covered = {t.test_id.split("::")[-1]: t.covered["src/mathx.c"] for t in run.tests}
    # clamp: line 17 the signature, 19-20 the low branch, 21-22 the high branch
    assert covered["test_clamp_returns_8_for_10_and_5_and_8"] == {17, 19, 21, 22}
    assert covered["test_clamp_returns_5_for_2_and_5_and_8"] == {17, 19, 20}
    assert run.coverage["src/mathx.c"].covered >= {17, 19, 20, 21, 22}


def test_a_crashing_test_fails_alone(plugins, extracted, workspace, framework):
    source, _ = extracted("src/mathx.c")
    test_file = plugins.assemble([
        candidate("test_divides_by_zero", "CHECK_EQ_INT(ratio_percent(1, 0), 0);"),
        candidate("test_wrong_expectation", "CHECK_EQ_INT(ratio_percent(1, 2), 51);"),
        candidate("test_half", "CHECK_EQ_INT(ratio_percent(1, 2), 50);"),
    ], framework, source, "tests/testgen_mathx_test.c")
    workspace.write(test_file.path, test_file.content)
    run = plugins.run("c", framework, [test_file], workspace, False)
    outcomes = {t.test_id.split("::")[-1]: t for t in run.tests}
    assert outcomes["test_divides_by_zero"].outcome == "failed"
    assert "signal 8" in outcomes["test_divides_by_zero"].message
    assert outcomes["test_wrong_expectation"].outcome == "failed"
    assert "== 50, expected 51" in outcomes["test_wrong_expectation"].message
    assert outcomes["test_half"].outcome == "passed"


def test_compile_errors_are_blamed_on_their_test(plugins, extracted, workspace, framework):
    source, _ = extracted("src/mathx.c")
    good = candidate("test_good", "CHECK_EQ_INT(ratio_percent(1, 2), 50);")
    bad = candidate("test_bad", "CHECK_EQ_INT(no_such_function(4), 2);")
    test_file = plugins.assemble([good, bad], framework, source, "tests/testgen_mathx_test.c")
    workspace.write(test_file.path, test_file.content)
    result = plugins.validate(test_file, workspace)
    assert not result.ok
    assert result.failing_candidates == {bad.id}


def test_the_existing_suite_runs_as_one_test_per_program(plugins, extracted, workspace, framework):
    run = plugins.run("c", framework, [], workspace, True)
    assert [(t.test_id, t.outcome) for t in run.tests] == [("tests/test_mathx.c", "passed")]
    gcd_lines = set(range(6, 14))
    assert gcd_lines & run.coverage["src/mathx.c"].covered
    assert 33 not in run.coverage["src/mathx.c"].covered  # factorial is untested


def test_offline_table_driven_test_checks_every_row(plugins, extracted, workspace, framework):
    source, defs = extracted("src/strutil.c")
    day_name = next(d for d in defs if d.name == "day_name")
    probes = plugins.probe("c", [day_name], workspace, "table-driven")
    [table] = plugins.offline_candidates(OfflineRequest(
        definition=day_name, framework=framework, test_type="table-driven", probes=probes))
    assert '{2, "Tuesday"},' in table.code
    test_file = plugins.assemble([table], framework, source, "tests/testgen_strutil_test.c")
    workspace.write(test_file.path, test_file.content)
    run = plugins.run("c", framework, [test_file], workspace, False)
    assert [t.outcome for t in run.tests] == ["passed"]
