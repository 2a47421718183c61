"""SARIF 2.1.0, the format code-scanning views read: results with file and line regions.

``validate`` reports uncovered lines (only the changed ones with ``--changed-since``) and,
with ``--mutation``, the mutants the suite lets survive on lines it runs,
``generate`` reports possible bugs and definitions no test could be kept for, ``analyze``
reports untested definitions. Validated in the suite against the OASIS 2.1.0 JSON schema.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable

from .. import __version__

SCHEMA = ("https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/"
          "sarif-schema-2.1.0.json")
RULES: dict[str, tuple[str, str]] = {
    # id: (short description, default level)
    "uncovered-changed-lines": ("Changed lines that no test executes", "warning"),
    "uncovered-lines": ("Lines that no test executes", "note"),
    "surviving-mutant": ("A small change of the code that no test notices", "warning"),
    "possible-bug": ("The code under test looks wrong (model verdict with evidence)", "error"),
    "no-test-kept": ("No generated test could be kept for this definition", "note"),
    "untested-definition": ("No existing test references or executes this definition",
                            "note"),
}


def render(data: dict[str, Any], *, kind: str = "", **_: Any) -> str:
    results = list(_results(kind, data))
    used = sorted({r["ruleId"] for r in results})
    log = {
        "$schema": SCHEMA, "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "TestGen", "version": __version__,
                "informationUri": "https://github.com/testgen-dev/testgen",
                "rules": [{"id": rule, "shortDescription": {"text": RULES[rule][0]},
                           "defaultConfiguration": {"level": RULES[rule][1]}}
                          for rule in used],
            }},
            "originalUriBaseIds": {"PROJECTROOT": {"uri": _dir_uri(data.get("project_root"))}},
            "results": results,
        }],
    }
    return json.dumps(log, indent=2) + "\n"


def _dir_uri(root: str | None) -> str:
    return Path(root).as_uri() + "/" if root else "file:///"


def _result(rule: str, message: str, file: str, start: int, end: int | None = None
            ) -> dict[str, Any]:
    region = {"startLine": max(start, 1)}
    if end is not None and end > start:
        region["endLine"] = end
    return {"ruleId": rule, "level": RULES[rule][1], "message": {"text": message},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": file, "uriBaseId": "PROJECTROOT"},
                "region": region}}]}


def _change(mutant: dict[str, Any]) -> str:
    def short(text: str) -> str:
        one = " ".join(text.split())
        return one if len(one) <= 60 else one[:59] + "…"
    return f"{short(mutant['original'])!r} → {short(mutant['replacement'])!r}"


def _ranges(ranges: Iterable[str]) -> Iterable[tuple[int, int]]:
    for item in ranges:
        first, _, last = item.partition("-")
        yield int(first), int(last or first)


def _results(kind: str, data: dict[str, Any]) -> Iterable[dict[str, Any]]:
    if kind == "validate":
        for r in (data.get("mutation") or {}).get("survivors", []):
            if r["status"] == "survived":
                yield _result("surviving-mutant",
                              f"{_change(r)} survives: no test fails"
                              + (f" ({r['definition']})" if r["definition"] else ""),
                              r["file"], r["line"])
        changes = data.get("changes")
        if changes is not None:
            for f in changes["files"]:
                for start, end in _ranges(f["uncovered"]):
                    yield _result("uncovered-changed-lines",
                                  f"changed line(s) {start}-{end} are executed by no test"
                                  if end > start else f"changed line {start} is executed "
                                                      f"by no test", f["path"], start, end)
            return
        for f in data.get("files", []):
            for start, end in _ranges(f.get("uncovered", [])):
                yield _result("uncovered-lines", "no test executes these lines", f["path"],
                              start, end)
    elif kind == "generate":
        for f in data.get("files", []):
            lines = f.get("lines", {})
            for name in f.get("definitions", []):
                start, end = lines.get(name, (1, None))
                mine = [c for c in f.get("candidates", [])
                        if c["definition"] == f"{f['source']}::{name}"]
                for c in mine:
                    if c["status"] == "possible-bug":
                        yield _result("possible-bug", f"{name}: {c['reason']}", f["source"],
                                      start, end)
                if mine and not any(c["status"] in ("kept", "possible-bug") for c in mine):
                    yield _result("no-test-kept", f"{name}: no generated test could be kept",
                                  f["source"], start, end)
    else:
        for f in data.get("files", []):
            for d in f.get("functions", []):
                if d["testable"] and not d["tested"] and d["kind"] != "class":
                    yield _result("untested-definition", f"{d['name']} has no test",
                                  d["file"], d["start_line"], d["end_line"])
