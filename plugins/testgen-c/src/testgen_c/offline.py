"""Turn probes into tests that pin what a function really returned.

Each test type picks the probes that suit it:

* ``unit`` — up to three typical calls with different results, one test each;
* ``edge-cases`` — up to four boundary calls (0, -1, INT_MAX, "", …), one test each;
* ``negative`` — calls on invalid inputs (``NULL`` strings) that returned normally;
* ``table-driven`` — one test with a table of every observed call;
* ``regression`` — one test checking every observed call in a row;
* ``integration`` — nothing: the offline engine has no call sequences for C.

Only deterministic ``return`` probes become tests. A crash is a finding, not a behaviour to
pin: it stays in the probes (and in the LLM prompt), and the report shows it.

Names come from ``testgen.kit.selection.TestNames``; ``selection.select`` is not used: it
covers lines, and the C probe records none, so C picks by input category instead.
"""

from __future__ import annotations

import re

from testgen.kit.selection import TestNames, behaviour
from testgen.model import OfflineRequest, Probe, TestCandidate

from .payload import Returned
from .scalars import check_macro, classify, identifier_part

LIMITS = {"unit": 3, "edge-cases": 4, "negative": 3, "table-driven": 16, "regression": 16}
CATEGORIES = {"unit": ("typical", "literal", "doc-example"), "edge-cases": ("boundary",),
              "negative": ("invalid",)}
MAX_NAME = 72
"""A longer name is made from the input's category instead of its arguments."""


def offline_candidates(request: OfflineRequest) -> list[TestCandidate]:
    test_type = request.test_type
    if test_type not in LIMITS:
        return []
    names = TestNames("test_", max_length=MAX_NAME + 15)
    function = request.definition.name
    usable = [p for p in request.probes if p.outcome == "return" and p.deterministic
              and p.value is not None and isinstance(p.payload, Returned)]
    if test_type in CATEGORIES:
        chosen = _distinct([p for p in usable if p.category in CATEGORIES[test_type]],
                           LIMITS[test_type])
        return [_single(request, p, _name(names, function, p)) for p in chosen]
    chosen = _distinct(usable, LIMITS[test_type], by_value=False)
    if len(chosen) < 2:
        return []
    if test_type == "table-driven":
        return [_table(request, chosen, names.make(function, "table"))]
    return [_sequence(request, chosen, names.make(function, "keeps_its_recorded_results"))]


def _distinct(probes: list[Probe], limit: int, *, by_value: bool = True) -> list[Probe]:
    """Up to ``limit`` probes, skipping repeated calls and, ``by_value``, results already
    shown (``selection.behaviour``): a different result is a different path through the code."""
    calls: set[tuple[str, ...]] = set()
    shown: set[tuple] = set()
    chosen = []
    for probe in probes:
        if probe.args not in calls and not (by_value and behaviour(probe) in shown):
            shown.add(behaviour(probe))
            chosen.append(probe)
        calls.add(probe.args)
    return chosen[:limit]


def _candidate(request: OfflineRequest, name: str, code: str) -> TestCandidate:
    definition = request.definition
    return TestCandidate(id=f"{definition.key}::{name}", definition=definition.key,
                         test_name=name, code=code, test_type=request.test_type,
                         engine="offline", imports=(), helpers=())


def _check(probe: Probe, actual: str | None = None, expected: str | None = None) -> str:
    kind = probe.payload.kind
    actual = actual or probe.call
    expected = expected or probe.value or ""
    if kind == "bool" and expected in ("true", "false"):
        return f"{'CHECK_TRUE' if expected == 'true' else 'CHECK_FALSE'}({actual});"
    return f"{check_macro(kind)}({actual}, {expected});"


def _single(request: OfflineRequest, probe: Probe, name: str) -> TestCandidate:
    code = f"TEST({name})\n{{\n    {_check(probe)}\n}}\n"
    return _candidate(request, name, code)


def _name(names: TestNames, function: str, probe: Probe) -> str:
    """``test_clamp_returns_5_for_2_and_5_and_8``; ``test_is_even_is_true_for_4``."""
    value = identifier_part(probe.value or "")[:24]
    verb = f"is_{value}" if probe.payload.kind == "bool" else f"returns_{value}"
    args = "_and_".join(identifier_part(a)[:16] for a in probe.args)
    words = (function, verb, "for", args) if args else (function, verb)
    if len("test_" + "_".join(words)) > MAX_NAME:
        words = (function, verb, probe.category, "input")
    return names.make(*words)


def _sequence(request: OfflineRequest, probes: list[Probe], name: str) -> TestCandidate:
    body = "\n".join(f"    {_check(p)}" for p in probes)
    return _candidate(request, name, f"TEST({name})\n{{\n{body}\n}}\n")


def _table(request: OfflineRequest, probes: list[Probe], name: str) -> TestCandidate:
    definition = request.definition
    params = [p.name for p in definition.parameters]
    want = "expected" if "expected" not in params else "expected_"
    fields = [f"        {_field_type(p.annotation or 'int')} {p.name};"
              for p in definition.parameters]
    fields.append(f"        {_field_type(definition.returns or 'int')} {want};")
    rows = [f"        {{{', '.join([*p.args, p.value or '0'])}}},"
            for p in probes]
    call = f"{definition.name}({', '.join(f'cases[i].{n}' for n in params)})"
    check = _check(probes[0], actual=call, expected=f"cases[i].{want}")
    if probes[0].payload.kind == "bool":
        check = f"CHECK_EQ_INT({call}, cases[i].{want});"
    code = "\n".join([
        f"TEST({name})", "{", "    static const struct {", *fields, "    } cases[] = {", *rows,
        "    };", "    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {",
        "        testgen_row = (long)i;", f"        {check}", "    }",
        "    testgen_row = -1;", "}", ""])
    return _candidate(request, name, code)


def _field_type(annotation: str) -> str:
    """A struct member type for a parameter: drop top-level ``const`` on scalars (the table
    itself is const) but keep ``const char *``."""
    ctype = classify(annotation, returned=True)
    if ctype.kind == "string":
        return "const char *"
    return re.sub(r"\bconst\s+", "", ctype.text).strip()
