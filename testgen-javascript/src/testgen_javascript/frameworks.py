"""How each test framework spells a test, an import and an assertion.

jest and vitest use ``expect``; mocha uses ``it`` with ``node:assert/strict`` (or chai's
``expect`` when the project has chai); node:test uses ``test`` with ``node:assert/strict``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from testgen.model import Framework

PRIMITIVE_TYPES = {"number", "string", "boolean", "bigint", "null", "undefined"}
BUILTIN_ERRORS = {"Error", "TypeError", "RangeError", "SyntaxError", "ReferenceError",
                  "EvalError", "URIError", "AggregateError"}


@dataclass(frozen=True)
class Style:
    framework: str
    commonjs: bool
    typescript: bool
    chai: bool = False

    @property
    def test_fn(self) -> str:
        return "it" if self.framework == "mocha" else "test"

    @property
    def uses_expect(self) -> bool:
        return self.framework in ("jest", "vitest")

    def imports(self, *, table: bool = False) -> tuple[str, ...]:
        fw = self.framework
        if fw == "vitest":
            return ("import { expect, test } from 'vitest';",)
        if fw == "jest":
            return (self._import("{ expect, test }", "@jest/globals"),)
        if fw == "mocha":
            if self.chai:
                return (self._import("{ expect }", "chai"),)
            return (self._import("assert", "node:assert/strict"),)
        return (self._import("{ test }", "node:test"),
                self._import("assert", "node:assert/strict"))

    def _import(self, what: str, module: str) -> str:
        if self.commonjs:
            return f"const {what} = require('{module}');"
        return f"import {what} from '{module}';"

    # ----------------------------------------------------------------- assertions

    def returns(self, actual: str, expected: str, *, kind: str | None,
                instance: bool = False) -> str:
        primitive = kind in PRIMITIVE_TYPES or expected in ("undefined", "null")
        if self.uses_expect:
            if expected == "undefined":
                return f"expect({actual}).toBeUndefined();"
            if expected == "NaN":
                return f"expect({actual}).toBeNaN();"
            matcher = "toBe" if primitive else "toEqual"
            return f"expect({actual}).{matcher}({expected});"
        if self.chai:
            if expected == "undefined":
                return f"expect({actual}).to.be.undefined;"
            if expected == "NaN":
                return f"expect({actual}).to.be.NaN;"
            if instance:
                return f"expect({{ ...{actual} }}).to.deep.equal({expected});"
            return f"expect({actual}).to.{'equal' if primitive else 'deep.equal'}({expected});"
        if instance:
            return f"assert.deepEqual({{ ...{actual} }}, {expected});"
        return f"assert.{'equal' if primitive else 'deepEqual'}({actual}, {expected});"

    def throws(self, thunk_body: str, error: str, message: str | None,
               error_binding: str | None) -> list[str]:
        """Assert that evaluating ``thunk_body`` throws ``error`` with ``message``."""
        thunk = f"() => {thunk_body}"
        msg = _quote(message) if message is not None else None
        if self.uses_expect:
            lines = []
            ctor = error if error in BUILTIN_ERRORS else error_binding
            if ctor:
                lines.append(f"expect({thunk}).toThrow({ctor});")
            if msg is not None:
                lines.append(f"expect({thunk}).toThrow({msg});")
            return lines or [f"expect({thunk}).toThrow();"]
        if self.chai:
            ctor = error if error in BUILTIN_ERRORS else error_binding
            if ctor and msg is not None:
                return [f"expect({thunk}).to.throw({ctor}, {msg});"]
            return [f"expect({thunk}).to.throw({msg or ''});"]
        fields = [f"name: {_quote(error)}"]
        if msg is not None:
            fields.append(f"message: {msg}")
        return [f"assert.throws({thunk}, {{ {', '.join(fields)} }});"]

    def rejects(self, promise: str, error: str, message: str | None,
                error_binding: str | None) -> list[str]:
        msg = _quote(message) if message is not None else None
        if self.uses_expect or self.chai:
            lines = [f"const error = await {promise}.then(() => null, (reason) => reason);"]
            ctor = error if error in BUILTIN_ERRORS else error_binding
            if self.uses_expect:
                lines.append(f"expect(error).toBeInstanceOf({ctor or 'Error'});")
                if error not in BUILTIN_ERRORS and not error_binding:
                    lines.append(f"expect(error.name).toBe({_quote(error)});")
                if msg is not None:
                    lines.append(f"expect(error.message).toBe({msg});")
            else:
                lines.append(f"expect(error).to.be.instanceOf({ctor or 'Error'});")
                if msg is not None:
                    lines.append(f"expect(error.message).to.equal({msg});")
            return lines
        fields = [f"name: {_quote(error)}"]
        if msg is not None:
            fields.append(f"message: {msg}")
        return [f"await assert.rejects({promise}, {{ {', '.join(fields)} }});"]

    # ----------------------------------------------------------------- test blocks

    def test_block(self, name: str, body: list[str], *, is_async: bool = False) -> str:
        head = f"{self.test_fn}({_quote(name)}, {'async ' if is_async else ''}() => {{"
        lines = [head] + [f"  {line}" if line else "" for line in body] + ["});"]
        return "\n".join(lines)

    def each_block(self, name_template: str, rows: list[tuple[str, list[str]]],
                   params: list[str], body: list[str], *, is_async: bool = False) -> str:
        """A jest/vitest ``test.each`` table; rows are ``(label, values)``."""
        table = "\n".join(f"  [{_quote(label)}, {', '.join(values)}]," for label, values in rows)
        head = (f"test.each([\n{table}\n])({_quote(name_template)}, "
                f"{'async ' if is_async else ''}({', '.join(['_label', *params])}) => {{")
        return "\n".join([head] + [f"  {line}" for line in body] + ["});"])


def _quote(text: str) -> str:
    body = json.dumps(text, ensure_ascii=False)[1:-1]
    if "'" in text and '"' not in text:
        return f'"{body}"'  # what prettier would pick: no escapes
    body = body.replace('\\"', '"').replace("'", "\\'")
    return f"'{body}'"


def quote(text: str) -> str:
    return _quote(text)


def style_for(framework: Framework, *, commonjs: bool, typescript: bool) -> Style:
    details = framework.details or {}
    chai = framework.name == "mocha" and bool(details.get("chai")) and not commonjs
    return Style(framework=framework.name, commonjs=commonjs and framework.name != "vitest",
                 typescript=typescript, chai=chai)
