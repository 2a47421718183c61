"""Statement coverage of JavaScript/TypeScript files, from V8 block ranges or istanbul JSON.

Executable lines are the lines where a statement starts (tree-sitter), the same idea as
istanbul's statement map. V8 reports nested ``[start, end) → count`` ranges in UTF-16 offsets;
a statement is covered when the innermost range around its first character has a count.
Because TypeScript is run type-stripped with the layout kept, the offsets of a ``.ts`` file
are offsets in its own text.
"""

from __future__ import annotations

import base64
import bisect
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator
from urllib.parse import unquote, urlparse

from testgen.model import FileCoverage

from .syntax import parse_text

STATEMENTS = {
    "expression_statement", "return_statement", "throw_statement", "lexical_declaration",
    "variable_declaration", "if_statement", "for_statement", "for_in_statement",
    "while_statement", "do_statement", "switch_statement", "try_statement",
    "break_statement", "continue_statement", "public_field_definition", "field_definition",
}
TS_SUFFIXES = (".ts", ".mts", ".cts", ".tsx")
_SKIP_PARENTS = {"for_statement", "for_in_statement"}  # `for (let i = 0; ...)` initialisers


@lru_cache(maxsize=512)
def statement_offsets(text: str, path: str) -> tuple[tuple[int, int], ...]:
    """``(utf16 offset, line)`` of the first character of every statement in ``text``."""
    tree = parse_text(text, path)
    data = text.encode("utf-8")
    found: dict[int, int] = {}
    for node in _counted_nodes(tree.root_node):
        kind = node.type
        if kind in STATEMENTS:
            if node.parent is not None and node.parent.type in _SKIP_PARENTS and \
                    node.parent.child_by_field_name("body") is not node:
                continue
            if kind == "lexical_declaration" and _declares_only_functions(node):
                continue
            if kind == "public_field_definition" and path.endswith(TS_SUFFIXES) and \
                    node.child_by_field_name("value") is None:
                continue  # `args!: string[]`: a type only, erased when compiled
            start = node.start_byte
        elif kind == "arrow_function":
            body = node.child_by_field_name("body")
            if body is None or body.type == "statement_block":
                continue
            start = body.start_byte  # `x => x + 1`: the expression body is a statement
        else:
            continue
        line = node.start_point[0] + 1 if kind != "arrow_function" else \
            body.start_point[0] + 1
        found.setdefault(start, line)
    return tuple(sorted((_utf16_offset(data, b), line) for b, line in found.items()))


IGNORE_NEXT = re.compile(r"(?:istanbul|c8|v8)\s+ignore\s+next")


def _counted_nodes(root: Any) -> Iterator[Any]:
    """Every node, less those a ``/* istanbul ignore next */`` (or c8/v8) comment excludes:
    the project's coverage tool does not count them, and neither does the figure here."""
    stack = [root]
    while stack:
        node = stack.pop()
        previous = node.prev_sibling
        if previous is not None and previous.type == "comment" and node.is_named and \
                IGNORE_NEXT.search(previous.text.decode("utf-8", "replace")):
            continue
        yield node
        stack.extend(reversed(node.children))


def _declares_only_functions(node: Any) -> bool:
    # `const f = () => {}` at top level runs at import: a statement istanbul counts too. Keep.
    return False


def statement_lines(text: str, path: str) -> frozenset[int]:
    return frozenset(line for _, line in statement_offsets(text, path))


def _utf16_offset(data: bytes, byte_offset: int) -> int:
    prefix = data[:byte_offset].decode("utf-8", errors="replace")
    return len(prefix.encode("utf-16-le")) // 2


def covered_by_ranges(text: str, path: str, ranges: Iterable[tuple[int, int, int]]) -> set[int]:
    """Lines whose statements ran, given V8 ranges ``(start, end, count)`` of one execution."""
    return covered_at(statement_offsets(text, path), ranges)


def url_to_path(url: str) -> Path | None:
    if url.startswith("file://"):
        return Path(unquote(urlparse(url).path))
    if url.startswith("/"):
        return Path(url)
    return None


def read_v8_directory(directory: Path) -> dict[Path, list[list[tuple[int, int, int]]]]:
    """Every script's executions in a ``NODE_V8_COVERAGE`` directory: path → list of range sets.

    Each process writes its own file; one script may appear in several of them.
    """
    found: dict[Path, list[list[tuple[int, int, int]]]] = {}
    if not directory.is_dir():
        return found
    for report in sorted(directory.glob("*.json")):
        try:
            data = json.loads(report.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for script in data.get("result", []):
            path = url_to_path(script.get("url", ""))
            if path is None:
                continue
            ranges = [(r["startOffset"], r["endOffset"], r["count"])
                      for fn in script.get("functions", []) for r in fn.get("ranges", [])]
            found.setdefault(path, []).append(ranges)
    return found


def coverage_from_v8(directory: Path, root: Path, wanted: Any) -> dict[str, FileCoverage]:
    """Project-relative coverage of the files ``wanted(rel_path)`` accepts."""
    result: dict[str, FileCoverage] = {}
    for path, executions in read_v8_directory(directory).items():
        rel = _relative(path, root)
        if rel is None or not wanted(rel):
            continue
        try:
            text = (root / rel).read_text(encoding="utf-8")
        except OSError:
            continue
        covered: set[int] = set()
        for ranges in executions:
            covered |= covered_by_ranges(text, rel, ranges)
        statements = statement_lines(text, rel)
        result[rel] = FileCoverage(file=rel, statements=statements,
                                   covered=frozenset(covered & statements))
    return result


def coverage_from_istanbul(report: Path, root: Path, wanted: Any) -> dict[str, FileCoverage]:
    """Project-relative coverage from an istanbul ``coverage-final.json`` (jest, vitest)."""
    result: dict[str, FileCoverage] = {}
    try:
        data = json.loads(report.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return result
    for file_name, entry in data.items():
        rel = _relative(Path(entry.get("path", file_name)), root)
        if rel is None or not wanted(rel):
            continue
        counts: dict[int, int] = {}
        for sid, loc in entry.get("statementMap", {}).items():
            line = loc["start"]["line"]
            counts[line] = max(counts.get(line, 0), int(entry.get("s", {}).get(sid, 0)))
        # The tool's own lines, counted as istanbul's line summary counts them (a line is
        # covered when a statement starting on it ran), so the figure is the project's:
        # v8-to-istanbul marks every line it maps, babel-istanbul the statements.
        statements = frozenset(counts)
        covered = frozenset(line for line in statements if counts.get(line, 0) > 0)
        result[rel] = FileCoverage(file=rel, statements=statements, covered=covered)
    return result


def merge(into: dict[str, FileCoverage], more: dict[str, FileCoverage]) -> None:
    for rel, cov in more.items():
        if rel in into:
            old = into[rel]
            into[rel] = FileCoverage(file=rel, statements=old.statements | cov.statements,
                                     covered=old.covered | cov.covered)
        else:
            into[rel] = cov


def _records(report: Path) -> Iterator[dict[str, Any]]:
    """The JSON records of a per-test report, one per line; a line cut short is skipped."""
    for raw in report.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            record = json.loads(raw)
        except ValueError:
            continue
        yield record


def _relative(path: Path, root: Path) -> str | None:
    try:
        rel = path.resolve().relative_to(root.resolve())
    except (ValueError, OSError):
        try:
            rel = path.relative_to(root)
        except ValueError:
            return None
    text = rel.as_posix()
    if text.startswith("node_modules/") or "/node_modules/" in text:
        return None
    return text


def read_per_test(directory: Path, root: Path, wanted: Any
                  ) -> tuple[dict[tuple[str, str], dict[str, frozenset[int]]],
                             dict[str, FileCoverage]]:
    """Per-test coverage written by ``js/per-test-coverage.cjs``.

    Returns ``{(test file, test name): {source: lines}}`` and the coverage of the whole run
    (the union of every record, inside tests or not), both project-relative.
    """
    per_test: dict[tuple[str, str], dict[str, set[int]]] = {}
    whole: dict[str, set[int]] = {}
    texts: dict[str, str | None] = {}
    if not directory.is_dir():
        return {}, {}
    for report in sorted(directory.glob("*.jsonl")):
        for line in report.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                continue
            test = record.get("test")
            name = " > ".join(test) if isinstance(test, list) else test
            key = (_relative(Path(record["file"]), root) or "", str(name)) \
                if name is not None and record.get("file") else None
            lines_by_file = per_test.setdefault(key, {}) if key else None
            for url, ranges in record.get("scripts", []):
                path = url_to_path(url)
                rel = _relative(path, root) if path is not None else None
                if rel is None or not wanted(rel):
                    continue
                if rel not in texts:
                    try:
                        texts[rel] = (root / rel).read_text(encoding="utf-8")
                    except OSError:
                        texts[rel] = None
                text = texts[rel]
                if text is None:
                    continue
                covered = covered_by_ranges(text, rel, [tuple(r) for r in ranges])
                whole.setdefault(rel, set()).update(covered)
                if lines_by_file is not None:
                    lines_by_file.setdefault(rel, set()).update(covered)
    frozen = {key: {rel: frozenset(lines) for rel, lines in files.items()}
              for key, files in per_test.items()}
    total = {rel: FileCoverage(file=rel, statements=statement_lines(texts[rel] or "", rel),
                               covered=frozenset(lines))
             for rel, lines in whole.items()}
    return frozen, total


# --------------------------------------------------------------------------- vitest scripts

_B64 = {c: i for i, c in enumerate(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")}
INLINE_MAP = re.compile(r"//# sourceMappingURL=data:application/json;(?:charset=utf-8;)?"
                        r"base64,([A-Za-z0-9+/=]+)\s*$", re.M)


def _vlq(segment: str) -> list[int]:
    values, shift, value = [], 0, 0
    for char in segment:
        digit = _B64[char]
        value += (digit & 31) << shift
        if digit & 32:
            shift += 5
            continue
        values.append(-(value >> 1) if value & 1 else value >> 1)
        shift, value = 0, 0
    return values


def decode_mappings(mappings: str) -> list[tuple[int, int, int, int]]:
    """``(generated line, generated column, original line, original column)``, 0-based,
    of a source map's segments (first source only: a transformed module has one)."""
    found = []
    source = orig_line = orig_col = 0
    for gen_line, line in enumerate(mappings.split(";")):
        gen_col = 0
        for segment in line.split(","):
            if not segment:
                continue
            values = _vlq(segment)
            gen_col += values[0]
            if len(values) >= 4:
                source += values[1]
                orig_line += values[2]
                orig_col += values[3]
                if source == 0:
                    found.append((gen_line, gen_col, orig_line, orig_col))
    return found


def _utf16_line_starts(text: str) -> list[int]:
    starts, total = [0], 0
    for line in text.split("\n")[:-1]:
        total += len(line.encode("utf-16-le")) // 2 + 1
        starts.append(total)
    return starts


@dataclass
class ScriptMap:
    """Where each original statement of a source file starts in the script V8 ran."""
    offsets: tuple[tuple[int, int], ...]  # (generated utf16 offset, original line)


def script_map(code: str, text: str, rel: str) -> ScriptMap | None:
    """Statement offsets of ``text`` moved into ``code`` (vitest's wrapped, transformed
    module) through the inline source map; the wrapper vitest puts before the module's
    first line shifts that line's columns."""
    found = list(INLINE_MAP.finditer(code))
    if not found:
        return None
    try:
        data = json.loads(base64.b64decode(found[-1].group(1)))
        segments = decode_mappings(data.get("mappings", ""))
    except (ValueError, KeyError, TypeError):
        return None
    first = code.split("\n", 1)[0]
    wrapper = first.find("=>{{")
    prefix = len(first[:wrapper + 4].encode("utf-16-le")) // 2 if wrapper >= 0 else 0
    gen_starts = _utf16_line_starts(code)
    by_line: dict[int, list[tuple[int, int, int]]] = {}
    for gen_line, gen_col, orig_line, orig_col in segments:
        by_line.setdefault(orig_line, []).append((orig_col, gen_line, gen_col))
    for entries in by_line.values():
        entries.sort()
    orig_starts = _utf16_line_starts(text)
    moved = []
    for offset, line in statement_offsets(text, rel):
        entries = by_line.get(line - 1)
        if not entries or line - 1 >= len(orig_starts):
            continue
        column = offset - orig_starts[line - 1]
        index = bisect.bisect_left(entries, (column, -1, -1))
        _, gen_line, gen_col = entries[min(index, len(entries) - 1)]
        if gen_line >= len(gen_starts):
            continue
        moved.append((gen_starts[gen_line] + gen_col + (prefix if gen_line == 0 else 0), line))
    return ScriptMap(tuple(sorted(moved)))


def covered_at(offsets: Iterable[tuple[int, int]], ranges: Iterable[tuple[int, int, int]]
               ) -> set[int]:
    """Lines whose offset's innermost V8 range has a count. The innermost range is the
    smallest one containing the offset; sorted by start, only the ranges that begin at or
    before the offset are scanned."""
    ranges = sorted((r for r in ranges if r[1] > r[0]), key=lambda r: (r[0], -(r[1] - r[0])))
    if not ranges:
        return set()
    starts = [r[0] for r in ranges]
    covered: set[int] = set()
    for offset, line in offsets:
        best: tuple[int, int, int] | None = None
        for index in range(bisect.bisect_right(starts, offset) - 1, -1, -1):
            start, end, count = ranges[index]
            if start <= offset < end and (best is None or end - start < best[1] - best[0]):
                best = ranges[index]
        if best is not None and best[2] > 0:
            covered.add(line)
    return covered


def _share(per_test: dict[tuple[str, str], dict[str, set[int]]], keys: set[tuple[str, str]],
           shared: dict[str, dict[str, set[int]]]) -> None:
    """Lines a test file runs outside its tests (its imports, hooks) are run by each of its
    tests on its own too: a test kept alone still imports what it tests."""
    for key in keys:
        files = per_test.setdefault(key, {})
        for rel, lines in shared.get(key[0], {}).items():
            files.setdefault(rel, set()).update(lines)


def read_vitest_per_test(directory: Path, root: Path, wanted: Any
                         ) -> tuple[dict[tuple[str, str], dict[str, frozenset[int]]],
                                    dict[str, FileCoverage]]:
    """Per-test coverage written by ``js/vitest-per-test.mjs``, as ``read_per_test``."""
    per_test: dict[tuple[str, str], dict[str, set[int]]] = {}
    whole: dict[str, set[int]] = {}
    statements: dict[str, frozenset[int]] = {}
    maps: dict[tuple[str, str], ScriptMap | None] = {}  # (report, url) → map
    if not directory.is_dir():
        return {}, {}
    for report in sorted(directory.glob("*.jsonl")):
        shared: dict[str, dict[str, set[int]]] = {}  # test file → lines outside its tests
        keys: set[tuple[str, str]] = set()
        for record in _records(report):
            if "source" in record:
                path = url_to_path(record["source"])
                rel = _relative(path, root) if path is not None else None
                if rel is None or not wanted(rel):
                    continue
                try:
                    text = (root / rel).read_text(encoding="utf-8")
                except OSError:
                    continue
                statements[rel] = statement_lines(text, rel)
                maps[(report.name, record["source"])] = script_map(record["code"], text, rel)
                continue
            test = record.get("test")
            name = " > ".join(test) if isinstance(test, list) else test
            rel_test = _relative(Path(record["file"]), root) or "" if record.get("file") \
                else None
            key = (rel_test, str(name)) if name is not None and rel_test is not None else None
            if key:
                keys.add(key)
                lines_by_file = per_test.setdefault(key, {})
            elif rel_test is not None:
                lines_by_file = shared.setdefault(rel_test, {})
            else:
                lines_by_file = {}  # after the last test: in the whole run only
            for url, ranges in record.get("scripts", []):
                mapped = maps.get((report.name, url))
                if mapped is None:
                    continue
                rel = _relative(url_to_path(url), root)  # type: ignore[arg-type]
                covered = covered_at(mapped.offsets, [tuple(r) for r in ranges])
                whole.setdefault(rel, set()).update(covered)
                lines_by_file.setdefault(rel, set()).update(covered)
        _share(per_test, keys, shared)
    frozen = {key: {rel: frozenset(lines) for rel, lines in files.items()}
              for key, files in per_test.items()}
    total = {rel: FileCoverage(file=rel, statements=statements[rel], covered=frozenset(lines))
             for rel, lines in whole.items()}
    for rel, lines in statements.items():  # loaded, nothing ran
        total.setdefault(rel, FileCoverage(file=rel, statements=lines, covered=frozenset()))
    return frozen, total


def read_jest_per_test(directory: Path, root: Path, wanted: Any
                       ) -> dict[tuple[str, str], dict[str, frozenset[int]] | None]:
    """Per-test lines written by ``js/jest-per-test.cjs``: ``{(test file, "describe > test"):
    {source: lines}}`` (``"\0describe test"`` when only jest's space-joined name was known),
    None for a test whose lines could not be placed."""
    found: dict[tuple[str, str], dict[str, set[int]]] = {}
    unplaced: set[tuple[str, str]] = set()
    if not directory.is_dir():
        return {}
    for report in sorted(directory.glob("*.jsonl")):
        shared: dict[str, dict[str, set[int]]] = {}  # test file → lines outside its tests
        keys: set[tuple[str, str]] = set()
        for record in _records(report):
            if not record.get("file"):
                continue
            rel_test = _relative(Path(record["file"]), root) or ""
            test = record.get("test")
            name = " > ".join(test) if isinstance(test, list) else \
                None if test is None else f"\0{test}"  # `describe test`, spaces only
            key = (rel_test, name) if name is not None else None
            lines = record.get("lines")
            if lines is None:
                if key:
                    unplaced.add(key)
                continue
            if key:
                keys.add(key)
                files = found.setdefault(key, {})
            else:
                files = shared.setdefault(rel_test, {})
            for name, numbers in lines.items():
                rel = _relative(Path(name), root)
                if rel is not None and wanted(rel):
                    files.setdefault(rel, set()).update(int(n) for n in numbers)
        _share(found, keys, shared)
    frozen: dict[tuple[str, str], dict[str, frozenset[int]] | None] = {
        key: {rel: frozenset(lines) for rel, lines in files.items()}
        for key, files in found.items()}
    frozen.update((key, None) for key in unplaced)
    return frozen
