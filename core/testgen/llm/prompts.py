"""What the engine adds to the language plugin's prompt, the same for every language.

The plugin's template pack writes the prompt (conventions, examples, the definition, probes,
output schema). The engine only appends short notes about how this request is shaped: several
definitions in one batch, lines still uncovered, the repair verdict it accepts, and the output
schema when a custom template forgot it. A language whose plugin ships no template pack gets
:func:`generic_prompt`, with a warning.
"""

from __future__ import annotations

import json
from typing import Any, Iterable, Mapping

from ..model import Definition, Prompt, PromptRequest
from .structured import TEST_SCHEMA

OUTPUT_NOTE = (
    "Answer with JSON only, no prose: "
    '{"tests": [{"test_name": str, "test_code": str, "imports": [str], '
    '"coverage_lines": [int], "edge_cases_covered": [str], "mocked_dependencies": [str]}]}'
)

REPAIR_NOTE = (
    "If the test is right and the code under test is wrong — the assertion follows the "
    "docstring, the name or the obvious intent, but the implementation disagrees — do not bend "
    "the test to the bug. Answer instead with JSON only: "
    '{"possible_bug": "<one line of evidence: what the code does vs. what it should do>"}. '
    "Otherwise answer with the corrected test in the usual JSON format, keeping its name."
)


SHARED_SYSTEM = """\
## How to read each request
- The code under test is shown with its line numbers in the file at the left of every line
  (`12  if total < 0:`). The numbers are not part of the code: never copy them into a test.
  Coverage notes, `coverage_lines` and error messages all use these numbers.
- "Observed behaviour" lists calls that were really executed on this code, with what they
  returned or raised. Treat them as ground truth: an assertion that contradicts an
  observation is wrong. Reuse their inputs and expected values where they fit.
- "Signatures of what it calls" shows the functions, methods and types the code uses, from
  the same module or other modules of the project, with the first line of their
  documentation. Call them only as shown; do not invent parameters, fields or helpers.
- A coverage note names the lines (and branches, as `from->to`) that the project's existing
  tests and the tests kept so far never execute. Each new test should execute at least one
  of them: choose inputs that reach the branch, the loop body, the early return or the error
  path in question. A test that only repeats what is already covered is dropped.
- A follow-up round repeats the request with the lines still missing and, when some tests of
  the last round passed without executing anything new, shows them: write different tests,
  with other inputs, that reach the named lines.
- When several definitions are in one request, write tests for each of them and set
  `definition` in every test object to the qualified name of the definition it tests.
- A repair request shows a test that failed with the compiler or test-runner output. Fix the
  test and keep its name. If the test is right and the code is wrong, say so instead (below).

## Every test you write
- is self-contained: it builds its own inputs, needs no network, no clock, no randomness and
  no files outside a temporary directory, and passes on every run, in any order;
- checks concrete values: exact return values, exact error types and messages, exact state
  after a call; never only "not null", "no error" or a type;
- has a name that says what behaviour it checks, unique within the request;
- uses only the imports it lists in `imports`, from the code under test, the language's
  standard library and the test framework already used by the project.

## Answer format
Answer with one JSON object and nothing else: no prose before or after it, no markdown fence.
Inside JSON strings, write newlines as \\n and escape double quotes; no trailing commas.
{"tests": [{"test_name": "<name of the test function>",
            "test_code": "<the complete test, without import lines>",
            "imports": ["<one import statement or path per item>"],
            "coverage_lines": [<line numbers, as shown, that the test executes>],
            "edge_cases_covered": ["<short phrase per case>"],
            "mocked_dependencies": ["<what the test replaces, if anything>"],
            "definition": "<qualified name of the definition under test>"}]}
If a repair shows that the code, not the test, is wrong (the test follows the documentation,
the name or the obvious intent and the implementation disagrees), answer instead
{"possible_bug": "<one line: what the code does and what it should do>"}.
"""
"""Rules the engine adds to every system prompt: the same text for every request, so the
system block stays identical per language × framework × test type (provider caching)."""


def with_shared_rules(prompt: Prompt) -> Prompt:
    """``prompt`` with :data:`SHARED_SYSTEM` appended to its system part (once)."""
    if SHARED_SYSTEM in prompt.system:
        return prompt
    system = (prompt.system.rstrip() + "\n\n" if prompt.system.strip() else "") + SHARED_SYSTEM
    return Prompt(system=system, user=prompt.user, template=prompt.template,
                  identity=prompt.identity)


def with_notes(prompt: Prompt, *notes: str) -> Prompt:
    """``prompt`` with ``notes`` appended to the user part (the system part stays stable, so
    provider-side prompt caching keeps working)."""
    extra = [n for n in notes if n]
    if not extra:
        return prompt
    return Prompt(system=prompt.system, user=prompt.user.rstrip() + "\n\n" + "\n\n".join(extra),
                  template=prompt.template, identity=prompt.identity)


def output_note(prompt: Prompt) -> str:
    """The schema reminder, only when the rendered prompt does not already ask for it."""
    text = prompt.system + prompt.user
    return "" if '"tests"' in text or "test_code" in text else OUTPUT_NOTE


def batch_note(definitions: list[Definition]) -> str:
    if len(definitions) < 2:
        return ""
    names = ", ".join(d.qualname for d in definitions)
    return (f"This request covers {len(definitions)} definitions ({names}). Write tests for "
            "each of them, and set \"definition\" in every test object to the qualified name "
            "of the definition it tests.")


def uncovered_note(definitions: Iterable[Definition],
                   uncovered: Mapping[str, frozenset[int]],
                   branches: Mapping[str, tuple[tuple[int, int], ...]] | None = None,
                   *, round_no: int = 1,
                   passed_without_gain: Mapping[str, tuple[str, ...]] | None = None) -> str:
    """What is still uncovered, numbered as in the code shown; on a follow-up round also the
    tests that passed without covering anything new."""
    branches = branches or {}
    passed_without_gain = passed_without_gain or {}
    parts = []
    for definition in definitions:
        lines = sorted(uncovered.get(definition.key, ()))
        taken = [f"{a}->{b}" for a, b in branches.get(definition.key, ())]
        if not lines and not taken:
            continue
        text = f"- {definition.qualname}:"
        if lines:
            text += f" lines {line_ranges(lines)}"
        if taken:
            text += ("," if lines else "") + " branches never taken " + ", ".join(taken[:12])
        parts.append(text)
    if not parts:
        return ""
    if round_no <= 1:
        head = ("Coverage: the existing tests leave these lines (numbered as in the code "
                "above) unexecuted. Aim each new test at some of them:")
    else:
        head = (f"Follow-up (round {round_no}): the tests kept so far still leave these lines "
                "(numbered as in the code above) unexecuted. Write new tests that execute "
                "them; do not repeat tests that exist:")
    note = head + "\n" + "\n".join(parts)
    repeats = [code for definition in definitions
               for code in passed_without_gain.get(definition.key, ())]
    if repeats:
        note += ("\n\nThese tests of the last round passed but executed no new line, so "
                 "they were dropped; write different ones:\n" +
                 "\n".join(f"```\n{code.rstrip()}\n```" for code in repeats[:4]))
    return note


def line_ranges(lines: list[int]) -> str:
    """``[3, 4, 5, 9]`` → ``"3-5, 9"``."""
    ranges: list[str] = []
    start = prev = None
    for line in lines:
        if start is None:
            start = prev = line
        elif line == prev + 1:
            prev = line
        else:
            ranges.append(f"{start}-{prev}" if start != prev else str(start))
            start = prev = line
    if start is not None:
        ranges.append(f"{start}-{prev}" if start != prev else str(start))
    return ", ".join(ranges)


def schema_json() -> str:
    return json.dumps(TEST_SCHEMA, indent=2)


# --------------------------------------------------------------------------- generic prompt

GENERIC_TEMPLATE = "generic"

_GENERIC_SYSTEM = """\
You are an expert software engineer writing {test_type} tests in {language} with {framework}.
Write tests a maintainer would keep: one behaviour per test, a descriptive name, assertions on
exact values (never only "is not None"), exact exception types for errors. Use only the imports
shown and the standard test framework; do not invent modules or helpers. The observed calls
were really executed: treat their results as ground truth.
"""


def generic_prompt(request: PromptRequest) -> Prompt:
    """A language-neutral prompt, used when no plugin renders one for the language."""
    framework = request.framework
    language = framework.language
    parts: list[str] = []
    if request.imports:
        parts.append("Imports of the file:\n" + "\n".join(request.imports))
    if request.module_path:
        parts.append(f"Module: {request.module_path}")
    if request.callees:
        parts.append("Signatures of what it calls:\n" + "\n".join(request.callees))
    for definition in request.definitions:
        parts.append(f"Definition {definition.qualname} ({definition.file}:"
                     f"{definition.start_line}):\n```{language}\n{definition.code.rstrip()}\n```")
        observed = [_describe_probe(definition.name, p)
                    for p in request.probes.get(definition.key, [])]
        if observed:
            parts.append("Observed calls:\n" + "\n".join(observed))
    if request.style_examples:
        parts.append("Existing tests, for style:\n" + "\n\n".join(request.style_examples))
    if request.repair:
        parts.append("This test fails:\n```\n" + request.repair.get("test_code", "") +
                     "\n```\nOutput:\n" + request.repair.get("error", ""))
    system = _GENERIC_SYSTEM.format(test_type=request.test_type, language=language,
                                    framework=framework.name) + OUTPUT_NOTE
    return Prompt(system=system, user="\n\n".join(parts), template=GENERIC_TEMPLATE)


def _describe_probe(name: str, probe: Any) -> str:
    args = ", ".join([*probe.args, *(f"{k}={v}" for k, v in probe.kwargs)])
    call = probe.call or f"{name}({args})"
    setup = "; ".join(probe.setup)
    prefix = f"{setup}; " if setup else ""
    if probe.outcome == "return":
        return f"- {prefix}{call} -> {probe.value}"
    if probe.outcome == "raise":
        message = f": {probe.message}" if probe.message else ""
        return f"- {prefix}{call} raises {probe.exception}{message}"
    return f"- {prefix}{call}: {probe.outcome}"
