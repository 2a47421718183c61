"""Turning a model's answer into tests, whatever shape the answer came in.

The prompt asks for JSON ``{"tests": [{test_name, test_code, imports, coverage_lines,
edge_cases_covered, mocked_dependencies}]}``. Models do not always comply, so parsing falls
back step by step: the whole answer as JSON → JSON inside a fenced block (or the outermost
braces of the text) → one test per code fence, named after the function it defines → an
:class:`OutputError` saying why nothing could be used. Each test is validated against the
schema; a test without a name or code is dropped with a note, not guessed at.

JSON that almost parses is repaired first (:func:`repair_json`: raw newlines and tabs inside
strings, trailing commas, triple-quoted strings); when the document as a whole still cannot
be read (a truncated answer, one mangled test), every complete test object in it is taken on
its own, so one bad test never sinks the others.

A repair answer may instead say that the code under test looks wrong:
``{"possible_bug": "<one line of evidence>"}``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Protocol

TEST_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["tests"],
    "properties": {
        "tests": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["test_name", "test_code"],
                "properties": {
                    "test_name": {"type": "string"},
                    "test_code": {"type": "string"},
                    "imports": {"type": "array", "items": {"type": "string"}},
                    "coverage_lines": {"type": "array", "items": {"type": "integer"}},
                    "edge_cases_covered": {"type": "array", "items": {"type": "string"}},
                    "mocked_dependencies": {"type": "array", "items": {"type": "string"}},
                    "definition": {"type": "string"},
                },
            },
        },
        "possible_bug": {"type": "string"},
    },
}
"""The output schema (``definition`` is optional: which target a test is for, in a batch)."""

_FENCE = re.compile(r"```[ \t]*([\w+#.-]*)[^\n]*\n(.*?)```", re.DOTALL)

# How test functions are introduced in the languages TestGen knows; the first match names
# the test. Plugins may add languages, so the last pattern accepts any function definition.
@dataclass(frozen=True)
class GeneratedTest:
    """One test as the model described it."""

    test_name: str
    test_code: str
    imports: tuple[str, ...] = ()
    coverage_lines: tuple[int, ...] = ()
    edge_cases_covered: tuple[str, ...] = ()
    mocked_dependencies: tuple[str, ...] = ()
    definition: str | None = None
    """The target the model said the test is for (batched prompts), when it said so."""


@dataclass(frozen=True)
class ParsedOutput:
    tests: list[GeneratedTest]
    method: str
    """Which step understood the answer: ``json``, ``fenced-json``, ``repaired-json``,
    ``salvaged-json`` (complete test objects of a document that does not parse as a whole),
    ``code-fences``."""
    possible_bug: str | None = None
    """Repair answers only: the model's evidence that the code, not the test, is wrong."""
    problems: tuple[str, ...] = field(default_factory=tuple)
    """Tests dropped during validation, and why."""


class OutputError(ValueError):
    """The answer held nothing usable; ``reason`` is one line for the report."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class CodeReader(Protocol):
    """What the language of the answer knows about its test code (a ``Language`` is one)."""

    def test_name(self, code: str) -> str | None: ...

    def is_import(self, line: str) -> bool: ...


class _NoLanguage:
    """Reads no test names and no imports: the JSON fields must say them."""

    def test_name(self, code: str) -> str | None:
        return None

    def is_import(self, line: str) -> bool:
        return False


def parse_output(text: str, *, reader: CodeReader | None = None,
                 truncated: bool = False) -> ParsedOutput:
    """Tests (or a possible-bug verdict) from a model answer; raises :class:`OutputError`.
    ``reader`` finds test names and imports in bare code (the answer's language);
    ``truncated``: the answer hit the token limit (its last test is incomplete)."""
    reader = reader or _NoLanguage()
    if not text or not text.strip():
        raise OutputError("the model returned an empty answer")
    json_error = ""
    candidates = _json_candidates(text)
    for method, candidate in candidates:
        try:
            document = json.loads(candidate)
        except json.JSONDecodeError as exc:
            if not candidate.startswith(("{", "[")):  # prose, not meant as JSON
                continue
            json_error = json_error or _describe_json_error(exc, candidate)
            try:
                document = json.loads(repair_json(candidate))
            except json.JSONDecodeError:
                continue
            method = "repaired-json"
        parsed = _from_document(document, method, reader)
        if parsed is not None:
            return parsed
    for method, candidate in candidates:
        if candidate.startswith(("{", "[")):
            salvaged = _salvage(repair_json(candidate), reader)
            if salvaged:
                return ParsedOutput(salvaged, "salvaged-json", problems=(
                    "the answer was cut off; its complete tests were kept" if truncated
                    else "the JSON document was damaged; its complete tests were kept",))
    tests, problems = _from_code_fences(text, reader)
    if tests:
        return ParsedOutput(tests, "code-fences", problems=tuple(problems))
    if json_error:
        raise OutputError(f"the model's JSON could not be read: {json_error}")
    if problems:
        raise OutputError(problems[0])
    raise OutputError("the answer contains neither the JSON test list nor a code block")


def _json_candidates(text: str) -> list[tuple[str, str]]:
    stripped = text.strip()
    found = [("json", stripped)]
    for lang, body in _FENCE.findall(text):
        if lang.lower() in ("json", "jsonc", "") and body.lstrip().startswith(("{", "[")):
            found.append(("fenced-json", body.strip()))
    # An answer that wraps the JSON in prose, or a fence that was never closed.
    start, end = stripped.find("{"), stripped.rfind("}")
    if 0 <= start < end and (start, end) != (0, len(stripped) - 1):
        found.append(("fenced-json" if "```" in stripped[:start] else "json",
                      stripped[start:end + 1]))
    elif start >= 0 and end < start and not stripped.startswith("{"):
        found.append(("fenced-json", stripped[start:].rstrip("`").strip()))
    return found


def repair_json(text: str) -> str:
    """``text`` with the usual near-JSON mistakes of models fixed: triple-quoted strings,
    raw newlines/tabs inside strings, trailing commas before ``}``/``]``."""
    text = re.sub(r'"""(.*?)"""', lambda m: json.dumps(m.group(1).strip("\n") + "\n"), text,
                  flags=re.DOTALL)
    out: list[str] = []
    in_string = escaped = False
    length = len(text)
    index = 0
    while index < length:
        char = text[index]
        if in_string:
            if escaped:
                escaped = False
                out.append(char)
            elif char == "\\":
                escaped = True
                out.append(char)
            elif char == '"':
                in_string = False
                out.append(char)
            elif char == "\n":
                out.append("\\n")
            elif char == "\r":
                out.append("\\r")
            elif char == "\t":
                out.append("\\t")
            elif ord(char) < 0x20:
                out.append(f"\\u{ord(char):04x}")
            else:
                out.append(char)
        else:
            if char == '"':
                in_string = True
            elif char == ",":
                ahead = index + 1
                while ahead < length and text[ahead] in " \t\r\n":
                    ahead += 1
                if ahead < length and text[ahead] in "}]":
                    index += 1
                    continue
            out.append(char)
        index += 1
    return "".join(out)


_OBJECT_START = re.compile(r'\{\s*"(?:test_name|test_code|definition)"')


def _salvage(text: str, reader: CodeReader) -> list[GeneratedTest]:
    """Every complete test object in a document that does not parse as a whole."""
    decoder = json.JSONDecoder()
    tests: list[GeneratedTest] = []
    position = 0
    while True:
        match = _OBJECT_START.search(text, position)
        if match is None:
            return tests
        try:
            raw, end = decoder.raw_decode(text, match.start())
        except json.JSONDecodeError:
            position = match.start() + 1
            continue
        position = end
        try:
            tests.append(_validate(raw, reader))
        except OutputError:
            continue


def _describe_json_error(exc: json.JSONDecodeError, doc: str) -> str:
    if exc.pos >= len(doc.rstrip()) - 1 or "Unterminated" in exc.msg:
        return "the answer was cut off (truncated JSON)"
    return f"{exc.msg} at line {exc.lineno} column {exc.colno}"


def _from_document(document: Any, method: str, reader: CodeReader) -> ParsedOutput | None:
    if isinstance(document, list):
        document = {"tests": document}
    if not isinstance(document, dict):
        return None
    verdict = _possible_bug(document)
    if verdict:
        return ParsedOutput([], method, possible_bug=verdict)
    raw_tests = document.get("tests")
    if raw_tests is None and "test_code" in document:
        raw_tests = [document]
    if not isinstance(raw_tests, list):
        return None
    tests, problems = [], []
    for index, raw in enumerate(raw_tests, 1):
        try:
            tests.append(_validate(raw, reader))
        except OutputError as exc:
            problems.append(f"test #{index}: {exc.reason}")
    if not tests and problems:
        raise OutputError(f"no test in the answer matches the schema ({problems[0]})")
    return ParsedOutput(tests, method, problems=tuple(problems))


def _possible_bug(document: dict) -> str | None:
    value = document.get("possible_bug")
    if isinstance(value, dict):
        value = value.get("evidence") or value.get("reason")
    if value is True:
        value = document.get("evidence") or "the model reports that the code looks wrong"
    if not value and str(document.get("verdict", "")).lower().replace("_", "-") in (
            "possible-bug", "code-bug", "code-looks-wrong", "bug"):
        value = document.get("evidence") or "the model reports that the code looks wrong"
    if isinstance(value, str) and value.strip():
        return one_line(value)
    return None


def _validate(raw: Any, reader: CodeReader) -> GeneratedTest:
    if not isinstance(raw, dict):
        raise OutputError("is not an object")
    code = raw.get("test_code")
    if not isinstance(code, str) or not code.strip():
        raise OutputError("has no test_code")
    name = raw.get("test_name")
    if not isinstance(name, str) or not name.strip():
        name = reader.test_name(code)
    if not name:
        raise OutputError("has no test_name and defines no test function")
    definition = raw.get("definition")
    return GeneratedTest(
        test_name=name.strip(),
        test_code=code.strip("\n") + "\n",
        imports=_strings(raw.get("imports"), split_lines=True),
        coverage_lines=_lines(raw.get("coverage_lines")),
        edge_cases_covered=_strings(raw.get("edge_cases_covered")),
        mocked_dependencies=_strings(raw.get("mocked_dependencies")),
        definition=definition.strip() if isinstance(definition, str) and definition.strip()
        else None,
    )


def _strings(value: Any, split_lines: bool = False) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = value.splitlines() if split_lines else [value]
    if not isinstance(value, list):
        return ()
    out = []
    for item in value:
        if isinstance(item, (str, int, float)) and str(item).strip():
            out.append(str(item).strip())
    return tuple(out)


def _lines(value: Any) -> tuple[int, ...]:
    if not isinstance(value, list):
        return ()
    lines: set[int] = set()
    for item in value:
        if isinstance(item, bool):
            continue
        if isinstance(item, int):
            lines.add(item)
        elif isinstance(item, str):
            match = re.fullmatch(r"\s*(\d+)\s*(?:[-–]\s*(\d+)\s*)?", item)
            if match:
                first, last = int(match.group(1)), int(match.group(2) or match.group(1))
                if last - first <= 10_000:
                    lines.update(range(first, last + 1))
    return tuple(sorted(n for n in lines if n > 0))


def _from_code_fences(text: str, reader: CodeReader
                      ) -> tuple[list[GeneratedTest], list[str]]:
    tests, problems = [], []
    for lang, body in _FENCE.findall(text):
        if lang.lower() in ("json", "jsonc", "yaml", "text", "console", "shell", "bash", "sh"):
            continue
        name = reader.test_name(body)
        if not name:
            problems.append("a code block defines no test function")
            continue
        imports, code = _split_imports(body, reader)
        tests.append(GeneratedTest(test_name=name, test_code=code, imports=imports))
    return tests, problems


def _split_imports(body: str, reader: CodeReader) -> tuple[tuple[str, ...], str]:
    """Leading import lines of a code block become the test's imports."""
    lines = body.strip("\n").splitlines()
    imports = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if not line.strip():
            index += 1
            continue
        if reader.is_import(line):
            imports.append(line.strip())
            index += 1
            continue
        break
    return tuple(imports), "\n".join(lines[index:]).strip("\n") + "\n"


def one_line(text: str, limit: int = 240) -> str:
    """Collapse whitespace and cut to ``limit`` characters, for a report's reason column."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"
