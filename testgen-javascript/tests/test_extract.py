"""Parsing and extracting definitions from JavaScript and TypeScript files."""

from __future__ import annotations

from pathlib import Path

from testgen.model import SourceFile
from testgen_javascript.plugin import JavaScript

javascript = JavaScript()
from testgen_javascript.definitions import NOT_EXPORTED


def extract(tmp_path: Path, name: str, text: str, package: str | None = None):
    if package is not None:
        (tmp_path / "package.json").write_text(package)
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    source = SourceFile(path=path, rel_path=name, language="javascript", text=text,
                        project_root=tmp_path)
    parsed = javascript.parse(source=source)
    return parsed, {d.qualname: d for d in javascript.extract(parsed=parsed)}


def test_esm_named_and_default_exports_are_testable(tmp_path):
    _, defs = extract(tmp_path, "m.js", """
export function add(a, b) { return a + b; }
export const double = (x) => x * 2;
export default function main() {}
""", '{"type": "module"}')
    assert defs["add"].details["export"] == "named"
    assert defs["double"].details["export"] == "named"
    assert defs["main"].details["export"] == "default"
    assert all(d.testable for d in defs.values())


def test_unexported_helpers_say_why_they_are_not_testable(tmp_path):
    _, defs = extract(tmp_path, "m.js", "function helper() {}\nexport function api() {}\n")
    assert not defs["helper"].testable
    assert defs["helper"].untestable_reason == NOT_EXPORTED
    assert defs["api"].testable


def test_export_clause_with_alias_is_followed(tmp_path):
    _, defs = extract(tmp_path, "m.js", "function inner() {}\nexport { inner as outer };\n")
    assert defs["inner"].testable
    assert defs["inner"].details["export_name"] == "outer"


def test_commonjs_module_exports_object_and_exports_dot(tmp_path):
    _, defs = extract(tmp_path, "m.js", """
function parse(s) { return s; }
module.exports = { parse, format: function (x) { return x; } };
exports.extra = (y) => y;
""")
    assert defs["parse"].details["export"] == "cjs"
    assert defs["format"].details["export"] == "cjs"
    assert defs["extra"].details["export"] == "cjs"
    assert defs["parse"].details["module_kind"] == "cjs"


def test_commonjs_module_exports_function_is_the_default(tmp_path):
    _, defs = extract(tmp_path, "ms.js", "module.exports = function (val, options) {};\n")
    (only,) = defs.values()
    assert only.details["export"] == "cjs-default"
    assert [p.name for p in only.parameters] == ["val", "options"]


def test_classes_methods_async_and_generators(tmp_path):
    _, defs = extract(tmp_path, "c.js", """
export class Queue {
  constructor(limit) { this.limit = limit; }
  async drain() { return 1; }
  *items() { yield 1; }
  static of() { return new Queue(1); }
  #secret() {}
}
""")
    assert defs["Queue"].kind == "class"
    assert [p.name for p in defs["Queue"].parameters] == ["limit"]
    assert defs["Queue.drain"].is_async and defs["Queue.drain"].parent == "Queue"
    assert defs["Queue.items"].details["generator"]
    assert defs["Queue.of"].details["static"]
    assert not defs["Queue.#secret"].testable


def test_typescript_types_become_annotations(tmp_path):
    _, defs = extract(tmp_path, "t.ts", """
export function pad(text: string, width = 4, fill?: string): string { return text; }
""")
    params = defs["pad"].parameters
    assert [(p.name, p.annotation, p.default) for p in params] == [
        ("text", "string", None), ("width", None, "4"), ("fill", "string", "undefined")]
    assert defs["pad"].returns == "string"


def test_jsdoc_types_and_examples_are_read(tmp_path):
    _, defs = extract(tmp_path, "d.js", """
/**
 * Repeat a string.
 * @param {string} text what to repeat
 * @param {number} [times=2] how often
 * @returns {string}
 * @example
 * repeat('ab', 3) // => 'ababab'
 */
export function repeat(text, times) { return text.repeat(times); }
""")
    d = defs["repeat"]
    assert d.docstring == "Repeat a string."
    assert [(p.annotation, p.default) for p in d.parameters] == [("string", None),
                                                                 ("number", "2")]
    assert d.returns == "string"
    assert d.details["examples"] == ["repeat('ab', 3) // => 'ababab'"]


def test_complexity_counts_decisions(tmp_path):
    _, defs = extract(tmp_path, "x.js", """
export function f(a, b) {
  if (a && b) { return 1; }
  for (const x of a) { if (x) return 2; }
  return a ? 3 : 4;
}
""")
    assert defs["f"].complexity == 6


def test_content_hash_changes_with_the_body_only(tmp_path):
    _, first = extract(tmp_path, "h.js", "export function f() { return 1; }\n")
    _, same = extract(tmp_path, "h.js", "// note\nexport function f() { return 1; }\n")
    _, changed = extract(tmp_path, "h.js", "export function f() { return 2; }\n")
    assert first["f"].content_hash == same["f"].content_hash
    assert first["f"].content_hash != changed["f"].content_hash


def test_syntax_errors_are_listed_with_a_line(tmp_path):
    parsed, _ = extract(tmp_path, "bad.js", "export function f( {\n  return 1;\n}\n")
    assert parsed.errors and parsed.errors[0].line >= 1


def test_declaration_files_have_no_definitions(tmp_path):
    _, defs = extract(tmp_path, "types.d.ts", "export declare function f(x: number): string;\n")
    assert defs == {}


def test_functions_assigned_to_a_constructors_prototype_are_its_methods(tmp_path):
    _, defs = extract(tmp_path, "greeter.js", """'use strict';

module.exports = Greeter;

/**
 * A greeter for one person.
 * @param {string} name
 */
function Greeter(name) {
  this.name = name;
}

/**
 * Greet the person.
 * @param {string} greeting
 */
Greeter.prototype.greet = function greet(greeting) {
  return greeting + ', ' + this.name;
};

Greeter.prototype.shout = shout;

function shout() {
  return this.name.toUpperCase();
}

Greeter.prototype.hello = Greeter.prototype.greet;
""")
    assert defs["Greeter"].kind == "class"
    assert [p.name for p in defs["Greeter"].parameters] == ["name"]
    greet = defs["Greeter.greet"]
    assert (greet.kind, greet.parent, greet.testable) == ("method", "Greeter", True)
    assert greet.details["export"] == "cjs-default" and not greet.details["static"]
    assert [(p.name, p.annotation) for p in greet.parameters] == [("greeting", "string")]
    assert greet.docstring == "Greet the person."
    assert (greet.start_line, greet.end_line) == (17, 19)
    assert defs["Greeter.shout"].parent == "Greeter"  # the function it names is the method
    assert "shout" not in defs and "Greeter.hello" not in defs  # an alias is no definition


def test_a_prototype_object_gives_methods_too(tmp_path):
    _, defs = extract(tmp_path, "stack.js", """
function Stack() { this.items = []; }
Stack.prototype = {
  push: function (item) { this.items.push(item); return this; },
  peek() { return this.items[this.items.length - 1]; },
};
exports.Stack = Stack;
""")
    assert {q for q, d in defs.items() if d.kind == "method"} == {"Stack.push", "Stack.peek"}
    assert all(d.details["export"] == "cjs" and d.details["export_name"] == "Stack"
               for d in defs.values())


def test_a_class_built_in_an_iife_is_reached_through_the_object_the_module_exports(tmp_path):
    _, defs = extract(tmp_path, "geo.js", """(function() {
  var geo = {};
  if (typeof module !== "undefined" && module !== null && module.exports) {
    module.exports = geo;
  }

  geo.Point = (function() {
    function Point(x, y) {
      this.x = x;
      this.y = y;
    }

    Point.prototype.norm = function() {
      return Math.abs(this.x) + Math.abs(this.y);
    };

    return Point;
  })();

  geo.Point.origin = function() {
    return new this(0, 0);
  };
}).call(this);
""")
    point = defs["Point"]
    assert (point.kind, point.details["export"], point.details["export_name"]) == (
        "class", "cjs", "Point")
    assert (point.start_line, point.end_line) == (8, 11)  # the constructor, not the IIFE
    assert defs["Point.norm"].parent == "Point" and defs["Point.norm"].testable
    origin = defs["Point.origin"]
    assert origin.details["static"] and origin.details["builds"]
    assert "origin" not in defs  # a static of the class, not a function of the module
