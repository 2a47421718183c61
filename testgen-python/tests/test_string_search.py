"""Strings grown from the ones that ran new lines: the planned inputs stop at the first rule
of a parser, and a character of the code's own put in the middle of one of them reaches the
next."""

from __future__ import annotations

from testgen_python.plugin import Python

PYTHON = Python()

PIPES = '''
def split_pipeline(expr: str) -> tuple:
    if "|" in expr:
        left, right = expr.split("|", 1)
        if left and right:
            return ("pipe", left.strip(), right.strip())
        raise ValueError("empty side")
    return ("name", expr)
'''


def test_a_parser_is_reached_past_its_first_rule_by_strings_grown_from_the_planned_ones(
        project):
    from testgen.sandbox import shadow_workspace

    project.write("pipes.py", PIPES)
    definitions = project.definitions("pipes.py")
    with shadow_workspace(project.root) as ws:
        probes = PYTHON.probe(definitions=definitions, workspace=ws, test_type="unit")
    values = [p.value for p in probes if p.outcome == "return"]
    assert any(v.startswith("('pipe', ") for v in values), [p.call for p in probes]
    # the same code gets the same tests
    with shadow_workspace(project.root) as ws:
        again = PYTHON.probe(definitions=definitions, workspace=ws, test_type="unit")
    assert [p.call for p in again] == [p.call for p in probes]
