"""Probing: one Node launch per file records returns, errors and promises, and survives
hostile code (infinite loops, process.exit, broken modules)."""

from __future__ import annotations

import json

import pytest

from testgen.sandbox import shadow_workspace
from testgen_javascript.plugin import JavaScript

javascript = JavaScript()

pytestmark = pytest.mark.skipif(__import__("shutil").which("node") is None,
                                reason="node is not installed")


def probe(tmp_path, kit, name, text, *, package='{"type": "module"}', timeout=60):
    (tmp_path / "package.json").write_text(package)
    (tmp_path / name).write_text(text)
    definitions = [d for d in kit.definitions_of(kit.source_file(tmp_path, name)) if d.testable]
    with shadow_workspace(tmp_path, timeout=timeout) as workspace:
        probes = javascript.probe(definitions=definitions,
                                  workspace=workspace, test_type="unit")
        launches = workspace.launches
    by_name: dict[str, list] = {}
    for p in probes:
        by_name.setdefault(p.definition.split("::")[1], []).append(p)
    return by_name, launches


def test_returns_and_errors_are_recorded_as_literals(tmp_path, kit):
    found, launches = probe(tmp_path, kit, "m.js", """
/** @param {number} n */
export function half(n) {
  if (typeof n !== 'number') throw new TypeError('n must be a number');
  return { half: n / 2 };
}
""")
    assert launches == 1
    returns = {p.args: p.value for p in found["half"] if p.outcome == "return"}
    assert returns[("42",)] == "{ half: 21 }"
    errors = [p for p in found["half"] if p.outcome == "raise"]
    assert errors and errors[0].exception == "TypeError"
    assert errors[0].message == "n must be a number"
    assert all(p.deterministic for p in found["half"])


def test_each_probe_knows_the_lines_it_ran(tmp_path, kit):
    found, _ = probe(tmp_path, kit, "m.js", """export function sign(n) {
  if (n < 0) {
    return -1;
  }
  return 1;
}
""")
    by_args = {p.args: p for p in found["sign"]}
    assert 3 in by_args[("-1",)].covered_lines and 5 not in by_args[("-1",)].covered_lines
    assert 5 in by_args[("42",)].covered_lines


def test_promises_resolve_and_reject(tmp_path, kit):
    found, _ = probe(tmp_path, kit, "a.js", """
export async function later(n) {
  if (n < 0) throw new RangeError('negative');
  return n * 2;
}
""")
    resolved = [p for p in found["later"] if p.outcome == "return"]
    rejected = [p for p in found["later"] if p.outcome == "raise"]
    assert resolved and all(p.payload.is_async for p in resolved)
    assert any(p.exception == "RangeError" and p.message == "negative" for p in rejected)


def test_a_promise_that_never_settles_is_a_timeout(tmp_path, kit):
    found, _ = probe(tmp_path, kit, "p.js", "export function wait() { return new Promise(() => {}); }\n")
    assert {p.outcome for p in found["wait"]} == {"timeout"}


def test_an_infinite_loop_times_out_and_the_other_functions_are_still_probed(tmp_path, kit):
    found, launches = probe(tmp_path, kit, "loop.js", """
export function spin() { while (true) {} }
export function ok(a) { return 'fine'; }
""", timeout=4)
    assert [p.outcome for p in found["spin"]] == ["timeout"]
    assert "infinite loop" in found["spin"][0].reason
    assert any(p.outcome == "return" and p.value == "'fine'" for p in found["ok"])
    assert launches == 2  # the launch that hung, then one for the rest


def test_process_exit_is_reported_not_obeyed(tmp_path, kit):
    found, _ = probe(tmp_path, kit, "exit.js", """
export function quit(code) { process.exit(code); }
export function after(a) { return 'still here'; }
""")
    assert all(p.outcome == "crash" and "process.exit" in p.reason for p in found["quit"])
    assert any(p.value == "'still here'" for p in found["after"])


def test_a_call_that_kills_node_is_a_crash_and_the_other_functions_are_still_probed(tmp_path,
                                                                                   kit):
    found, launches = probe(tmp_path, kit, "kill.js", """
export function die(n) { process.kill(process.pid, 'SIGSEGV'); }
export function ok(a) { return 'fine'; }
""")
    first, *rest = found["die"]
    assert first.outcome == "crash" and "probe harness stopped" in first.reason
    assert all(p.outcome == "skipped" for p in rest)
    assert any(p.outcome == "return" and p.value == "'fine'" for p in found["ok"])
    assert launches == 2


def test_a_module_that_fails_to_import_gives_crash_probes_with_the_reason(tmp_path, kit):
    found, _ = probe(tmp_path, kit, "boom.js", """
throw new Error('no config file');
export function f(a) { return a; }
""")
    (p, *_) = found["f"]
    assert p.outcome == "crash" and "no config file" in p.reason


def test_commonjs_modules_are_required(tmp_path, kit):
    found, _ = probe(tmp_path, kit, "c.js", """
function shout(text) { return String(text).toUpperCase(); }
module.exports = { shout };
""", package='{"name": "c"}')
    assert any(p.args == ("'hello'",) and p.value == "'HELLO'" for p in found["shout"])


def test_typescript_modules_run_type_stripped(tmp_path, kit):
    found, _ = probe(tmp_path, kit, "t.ts", """
interface Named { name: string }
export function greet(who: Named): string {
  return `hi ${who.name}`;
}
""", package=json.dumps({"type": "module"}))
    assert any(p.outcome == "return" and p.value == "'hi x'" for p in found["greet"])


def test_class_methods_are_called_on_a_fresh_instance(tmp_path, kit):
    found, _ = probe(tmp_path, kit, "k.js", """
export class Counter {
  constructor() { this.n = 0; }
  add(step) { this.n += step; return this.n; }
}
""")
    probe_ = next(p for p in found["Counter.add"] if p.args == ("1",))
    assert probe_.setup == ("const counter = new Counter();",)
    assert probe_.call == "counter.add(1)" and probe_.value == "1"


NEGOTIATOR = """'use strict';

module.exports = Negotiator;

function Negotiator(request) {
  if (!(this instanceof Negotiator)) {
    return new Negotiator(request);
  }
  this.request = request;
}

Negotiator.prototype.languages = function languages() {
  var header = this.request.headers['accept-language'];
  return header ? header.split(',').map(function (part) { return part.trim(); }) : ['*'];
};
"""


def test_a_prototype_method_is_called_on_an_instance_built_from_what_it_reads(tmp_path, kit):
    found, _ = probe(tmp_path, kit, "negotiator.js", NEGOTIATOR, package='{"name": "n"}')
    returned = {p.setup: p.value for p in found["Negotiator.languages"]
                if p.outcome == "return"}
    # `languages` reads this.request.headers['accept-language']: the request given to the
    # constructor holds that header, and leaves it out.
    built = "const negotiator = new Negotiator({ headers: { 'accept-language': 'en-US' } });"
    assert returned[(built,)] == "['en-US']"
    assert returned[("const negotiator = new Negotiator({ headers: {} });",)] == "['*']"
    # The constructor returns `new Negotiator` when called without `new`: probed so too.
    assert any(p.call.startswith("Negotiator(") and p.outcome == "return"
               for p in found["Negotiator"])


ADDRESS = """
export function Address(octets) {
  if (!Array.isArray(octets) || octets.length !== 4) {
    throw new Error('four octets');
  }
  this.octets = octets;
}

Address.prototype.isPrivate = function () {
  return this.octets[0] === 10 || (this.octets[0] === 192 && this.octets[1] === 168);
};

Address.parse = function (text) {
  return new this(String(text).split('.').map(Number));
};
"""


def test_a_static_factory_that_returns_new_this_builds_the_receiver(tmp_path, kit):
    found, _ = probe(tmp_path, kit, "address.js", ADDRESS)
    typical = next(p for p in found["Address.isPrivate"] if p.category == "typical")
    # The module's name asks for addresses; the parser is how its API offers an instance.
    assert typical.setup == ("const address = Address.parse('192.168.1.1');",)
    assert (typical.outcome, typical.value) == ("return", "true")
    others = {p.setup[0]: p.value for p in found["Address.isPrivate"]
              if p.category == "receiver" and p.outcome == "return"}
    assert others["const address = new Address([1, 2, 3, 4]);"] == "false"
