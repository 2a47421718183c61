"""LLM prompts from the template pack ``templates/prompts/<framework>/<test_type>.j2``.

``node:test`` lives in ``templates/prompts/node-test/`` (a colon is no good in a file name).
Every template extends ``templates/prompts/_base.j2`` and fills two blocks: the goal of its test
type and a short example in its framework's style. A project or user overrides any one template
by putting a file with the same relative name (``prompts/jest/unit.j2``) in one of
``PromptRequest.template_dirs``.
"""

from __future__ import annotations

from typing import Any

from testgen.kit.templates import environment, prompt_template
from testgen.model import Prompt, PromptRequest

from .assemble import _import_entry
from .context import declarations_used
from .modules import import_line, specifier
from .payload import observed
from .package import is_typescript

MAX_PROBES = 24

FRAMEWORK_FACTS: dict[str, dict[str, Any]] = {
    "jest": {
        "title": "Jest", "test_fn": "test",
        "conventions": [
            "Import the globals you use: `import { describe, expect, jest, test } from "
            "'@jest/globals';`.",
            "Table-driven tests use `test.each([...])('name %s', (label, ...) => ...)`.",
            "Async code: `await expect(promise).rejects.toThrow(TypeError)` / "
            "`expect(await f()).toEqual(...)`.",
        ],
        "equal_example": "expect(actual).toBe(3) / toEqual({...})",
        "throw_example": "`expect(() => f()).toThrow(TypeError)` and `.toThrow('message')`",
        "mocks": "`jest.fn()`, `jest.spyOn(object, 'method')`, `jest.useFakeTimers()`; restore "
                 "spies in `afterEach(() => jest.restoreAllMocks())`.",
    },
    "vitest": {
        "title": "Vitest", "test_fn": "test",
        "conventions": [
            "Import what you use: `import { describe, expect, test, vi } from 'vitest';`.",
            "Table-driven tests use `test.each([...])('name %s', (label, ...) => ...)`.",
            "Async code: `await expect(promise).rejects.toThrow(TypeError)`.",
        ],
        "equal_example": "expect(actual).toBe(3) / toEqual({...})",
        "throw_example": "`expect(() => f()).toThrow(TypeError)` and `.toThrow('message')`",
        "mocks": "`vi.fn()`, `vi.spyOn(object, 'method')`, `vi.useFakeTimers()`; restore with "
                 "`vi.restoreAllMocks()` in `afterEach`.",
    },
    "mocha": {
        "title": "Mocha", "test_fn": "it",
        "conventions": [
            "`describe` and `it` are globals; assert with `import assert from "
            "'node:assert/strict';` (or chai's `expect` when the project uses chai).",
            "Table-driven tests loop over an array of cases inside one `it`.",
            "Async tests return a promise or are `async`; never use the `done` callback with "
            "a promise.",
        ],
        "equal_example": "assert.equal(actual, 3) / assert.deepEqual(actual, {...})",
        "throw_example": "`assert.throws(() => f(), { name: 'TypeError', message: '...' })`, "
                         "`await assert.rejects(promise, {...})`",
        "mocks": "sinon when the project has it (`sinon.stub(object, 'method')`, "
                 "`sinon.restore()` in `afterEach`), otherwise small hand-written fakes.",
    },
    "node:test": {
        "title": "node:test (Node's built-in runner)", "test_fn": "test",
        "conventions": [
            "`import { test, mock } from 'node:test';` and `import assert from "
            "'node:assert/strict';` (`require` in CommonJS files).",
            "Table-driven tests loop over an array of cases inside one `test`.",
            "Async tests are `async` functions; use `await assert.rejects(...)`.",
        ],
        "equal_example": "assert.equal(actual, 3) / assert.deepEqual(actual, {...})",
        "throw_example": "`assert.throws(() => f(), { name: 'TypeError', message: '...' })`, "
                         "`await assert.rejects(promise, {...})`",
        "mocks": "`mock.fn()`, `mock.method(object, 'name')`, `mock.timers.enable()`; call "
                 "`mock.restoreAll()` after each test that mocks.",
    },
}


def describe(p: Any) -> str:
    """One observation as a line of the prompt."""
    text = "".join(f"`{s}` then " for s in p.setup) + f"`{p.call}` → "
    if p.outcome == "return":
        text += f"returns `{p.value}`"
    elif p.outcome == "raise":
        text += f"throws {p.exception}" + (f': "{p.message}"' if p.message else "")
    else:
        text += p.outcome + (f" ({p.reason})" if p.reason else "")
    if observed(p).is_async:
        text += " (async)"
    if not p.deterministic:
        text += " (differs between runs: do not pin)"
    return text


def template_name(framework: str, test_type: str) -> str:
    return prompt_template(framework.replace(":", "-"), test_type)


def render_prompt(request: PromptRequest) -> Prompt:
    name = template_name(request.framework.name, request.test_type)
    template = environment("testgen_javascript", request.template_dirs).get_template(name)
    definitions = request.definitions
    first = definitions[0]
    typescript = is_typescript(first.file)
    names = []
    for definition in definitions:
        entry = _import_entry(definition)
        if entry not in names:
            names.append(entry)
    commonjs = first.details.get("module_kind") == "cjs" and request.framework.name != "vitest"
    # module_path, when given, is the specifier the test uses; otherwise it is relative to
    # the test file (in test/ or __tests__ when the project keeps its tests there).
    spec = request.module_path or specifier(request.test_path or first.file, first.file)
    context = {
        "fw": FRAMEWORK_FACTS[request.framework.name], "test_type": request.test_type,
        "definitions": definitions, "probes": request.probes, "callees": request.callees,
        "imports": request.imports, "style_examples": request.style_examples,
        "repair": request.repair, "typescript": typescript,
        "dialect_title": "TypeScript" if typescript else "JavaScript",
        "code_lang": "ts" if typescript else "js", "max_probes": MAX_PROBES,
        "import_hint": "\n".join(import_line(names, spec, commonjs=commonjs)),
        "test_path": request.test_path,
        "declarations": declarations_used(request.source_text, list(definitions)),
        "observed_lines": {d.key: [describe(p) for p in request.probes.get(d.key, [])[:MAX_PROBES]]
                           for d in definitions},
    }
    system = template.render(part="system", **context).strip() + "\n"
    user = template.render(part="user", **context).strip() + "\n"
    return Prompt(system=system, user=user, template=name)
