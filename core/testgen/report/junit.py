"""JUnit XML, the test-report format every CI system shows: one test case per definition.

A gap (a definition no test executes fully, nothing kept for it, untested, a mutant of it
that survives the suite) and a ``possible-bug`` verdict are failures, so a CI's test tab lists
exactly what needs attention.
Validated in the suite against the JUnit schema CI systems use (Jenkins' ``junit-10.xsd``).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any


def render(data: dict[str, Any], *, kind: str = "", **_: Any) -> str:
    suites = ET.Element("testsuites", name=f"testgen {kind}".strip())
    for name, cases in _cases(kind, data):
        suite = ET.SubElement(suites, "testsuite", name=name, tests=str(len(cases)),
                              failures=str(sum(1 for c in cases if c[2] == "failure")),
                              errors="0",
                              skipped=str(sum(1 for c in cases if c[2] == "skipped")))
        for classname, case_name, outcome, message in cases:
            case = ET.SubElement(suite, "testcase", name=case_name, classname=classname)
            if outcome != "passed":
                ET.SubElement(case, outcome, message=message).text = message
    for attr in ("tests", "failures", "errors"):
        suites.set(attr, str(sum(int(s.get(attr, "0")) for s in suites)))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, "unicode") + "\n"


Case = tuple[str, str, str, str]
"""(classname, name, ``passed``/``failure``/``skipped``, message)."""


def _cases(kind: str, data: dict[str, Any]) -> list[tuple[str, list[Case]]]:
    if kind == "generate":
        return [(f["source"], _generate_cases(f)) for f in data.get("files", [])]
    if kind == "validate":
        by_file: dict[str, list[Case]] = {}
        for fn in data.get("functions", []):
            missed = fn["statements"] - fn["covered"]
            outcome, message = ("failure", f"{missed} of {fn['statements']} line(s) no test "
                                           f"executes") if missed else ("passed", "")
            by_file.setdefault(fn["file"], []).append(
                (fn["file"], fn["name"], outcome, message))
        return sorted(by_file.items()) + _mutation_cases(data.get("mutation"))
    out = []
    for f in data.get("files", []):
        functions = f.get("functions")
        if functions is None:  # --detail per-file: one case per file
            untested = f["definitions"] - f["tested"]
            cases = [(f["path"], f["path"], "failure" if untested else "passed",
                      f"{untested} definition(s) untested" if untested else "")]
        else:
            cases = [(f["path"], d["name"], *_analyze_outcome(d)) for d in functions]
        out.append((f["path"], cases))
    return out


def _mutation_cases(mutation: dict[str, Any] | None) -> list[tuple[str, list[Case]]]:
    """One suite ``mutation``: a case per definition, failing when a mutant of it survives
    on a line the tests run."""
    if not mutation:
        return []
    survivors: dict[tuple[str, str], list[str]] = {}
    for r in mutation.get("survivors", []):
        if r["status"] == "survived":
            survivors.setdefault((r["file"], r["definition"]), []).append(
                f"line {r['line']}: {r['original'][:40]!r} → {r['replacement'][:40]!r}")
    cases = []
    for d in mutation.get("definitions", []):
        name = f"mutation: {d['name'] or d['file']}"
        lines = survivors.get((d["file"], d["name"]), [])
        cases.append((d["file"], name, "failure", f"{len(lines)} mutant(s) survive: "
                      + "; ".join(lines)) if lines else (d["file"], name, "passed", ""))
    return [("mutation", cases)] if cases else []


def _generate_cases(entry: dict[str, Any]) -> list[Case]:
    source = entry["source"]
    if entry.get("skipped") and not entry.get("definitions"):
        return [(source, source, "skipped", entry["skipped"])]
    cases = []
    for name in entry.get("definitions", []):
        key = f"{source}::{name}"
        mine = [c for c in entry.get("candidates", []) if c["definition"] == key]
        bugs = [c for c in mine if c["status"] == "possible-bug"]
        if bugs:
            cases.append((source, name, "failure", f"possible bug: {bugs[0]['reason']}"))
        elif any(c["status"] == "kept" for c in mine) or entry.get("skipped"):
            cases.append((source, name, "passed", ""))
        else:
            why = "; ".join(sorted({f"{c['status']}: {c['reason']}" for c in mine})) or \
                "no candidate"
            cases.append((source, name, "failure", f"no test kept ({why})"))
    return cases


def _analyze_outcome(definition: dict[str, Any]) -> tuple[str, str]:
    if not definition["testable"]:
        return "skipped", definition["untestable_reason"] or "not testable"
    if definition["tested"]:
        return "passed", ""
    return "failure", "no test references or executes it"
