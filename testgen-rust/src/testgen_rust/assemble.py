"""Assemble candidates into ``tests/testgen_<module>.rs``: header, imports, tests, rustfmt."""

from __future__ import annotations

import re
import shutil
import subprocess

from testgen.kit.header import generated_header
from testgen.model import Framework, SourceFile, TestCandidate, TestFile

from . import nodes
from .features import cfg_gate
from .manifest import crate_for

HEADER_NOTE = ": integration tests of its public API."


def merge_imports(lines: list[str]) -> list[str]:
    """De-duplicate ``use`` lines and group ``use a::b; use a::c;`` into ``use a::{b, c};``."""
    grouped: dict[str, set[str]] = {}
    others: dict[str, None] = {}
    for line in lines:
        line = re.sub(r"\s+", " ", line.strip())
        match = re.fullmatch(r"use ((?:\w+::)*)(\w+|\{[^{}]*\}|\*);", line)
        if not match or not match.group(1):
            others[line] = None
            continue
        prefix = match.group(1)[:-2]
        leaf = match.group(2)
        items = [i.strip() for i in leaf.strip("{}").split(",") if i.strip()]
        grouped.setdefault(prefix, set()).update(items)
    merged = []
    for prefix in sorted(grouped, key=lambda p: (not p.startswith("std"), p)):
        items = sorted(grouped[prefix], key=lambda i: (i != "self", i.lower()))
        merged.append(f"use {prefix}::{items[0]};" if len(items) == 1 else
                      f"use {prefix}::{{{', '.join(items)}}};")
    return merged + sorted(others)


def rustfmt(text: str, edition: str) -> str:
    """Format with rustfmt when it is installed; the text unchanged if it fails."""
    binary = shutil.which("rustfmt")
    if binary is None:
        return text
    try:
        done = subprocess.run([binary, "--edition", edition or "2021", "--emit", "stdout"],
                              input=text, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return text
    if done.returncode != 0 or not done.stdout.strip():
        return text
    return done.stdout


def assemble(candidates: list[TestCandidate], framework: Framework, source: SourceFile,
             path: str) -> TestFile:
    crate = crate_for(source.path, stop=source.project_root)
    edition = crate.edition if crate else "2021"
    parts = [generated_header("//", source.rel_path, note=HEADER_NOTE)]
    gates = feature_gates(candidates, source)
    distinct = {gates.get(c.id, "") for c in candidates}
    file_gate = distinct.pop() if len(distinct) == 1 else ""
    if file_gate:
        # Every test needs the same non-default features: gate the whole file on them.
        parts.append(f"#![cfg({file_gate})]\n")
        gates = {}
    if crate is not None and edition == "2015" and crate.lib_name:
        parts.append(f"extern crate {crate.lib_name};\n")
    plain = [line for c in candidates if not gates.get(c.id) for line in c.imports]
    imports = merge_imports(plain)
    if imports:
        parts.append("\n".join(imports) + "\n")
    for gate in sorted(set(gates.values())):
        # Imports of feature-gated items exist only when the feature is on.
        gated = merge_imports([line for c in candidates if gates.get(c.id) == gate
                               for line in c.imports if line not in plain])
        if gated:
            parts.append("\n".join(f"#[cfg({gate})]\n{line}" for line in gated) + "\n")
    helpers = list(dict.fromkeys(h.strip() for c in candidates for h in c.helpers if h.strip()))
    for helper in helpers:
        parts.append(helper + "\n")
    used: set[str] = set()
    for candidate in candidates:
        _unique_name(candidate, used)
        gate = f"#[cfg({gates[candidate.id]})]\n" if gates.get(candidate.id) else ""
        parts.append(gate + candidate.code.strip() + "\n")
    content = rustfmt("\n".join(parts), edition)
    test_ids = {c.test_name: c.id for c in candidates}
    ranges = candidate_ranges(content, test_ids)
    for candidate in candidates:
        if candidate.test_name in ranges:
            candidate.details["lines"] = ranges[candidate.test_name]
    return TestFile(path=path, language="rust", framework=framework.name, content=content,
                    target=source.rel_path, candidates=list(candidates), test_ids=test_ids)


def feature_gates(candidates: list[TestCandidate], source: SourceFile) -> dict[str, str]:
    """Candidate id → the ``cfg`` gate of the non-default features its target needs."""
    from .syntax import extract, parse

    wanted = {c.definition for c in candidates}
    needs = {}
    if any(w.startswith(source.rel_path + "::") for w in wanted):
        try:
            definitions = extract(parse(source))
        except Exception:  # noqa: BLE001 - a file that no longer parses has no gates
            definitions = []
        needs = {d.key: d.details.get("features") or [] for d in definitions
                 if d.key in wanted}
    return {c.id: cfg_gate(needs[c.definition]) for c in candidates
            if needs.get(c.definition)}


def _unique_name(candidate: TestCandidate, used: set[str]) -> None:
    """Two candidates (say, of different test types) may pick the same name: the later one
    is renamed, its id kept."""
    name = candidate.test_name
    if name in used:
        n = 2
        while f"{name}_{n}" in used:
            n += 1
        new = f"{name}_{n}"
        candidate.code = re.sub(rf"\bfn {re.escape(name)}\b", f"fn {new}", candidate.code, 1)
        candidate.test_name = new
    used.add(candidate.test_name)


def candidate_ranges(content: str, test_ids: dict[str, str]) -> dict[str, tuple[int, int]]:
    """Line range (1-based, inclusive) of each test function, attributes included."""
    tree = nodes.parse(content)
    ranges: dict[str, tuple[int, int]] = {}
    for item in tree.root_node.named_children:
        if item.type == "function_item":
            name = nodes.text_of(item.child_by_field_name("name"))
            if name in test_ids:
                trivia = [n for n in nodes.leading_trivia(item) if n.type == "attribute_item"]
                start = (trivia[0] if trivia else item).start_point[0] + 1
                ranges[name] = (start, item.end_point[0] + 1)
        elif item.type in ("macro_invocation", "expression_statement"):
            text = nodes.text_of(item)
            for name in re.findall(r"\bfn\s+(\w+)", text):
                if name in test_ids:
                    ranges[name] = (item.start_point[0] + 1, item.end_point[0] + 1)
    return ranges
