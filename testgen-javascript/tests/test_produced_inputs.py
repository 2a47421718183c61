"""One definition's results are another's inputs: a parser is called on what the module
formats, and a trip through a named inverse that does not come back is a finding, never a
test. Real files, the real harness and node."""

from __future__ import annotations

import json
import shutil

import pytest

from testgen.sandbox import shadow_workspace
from testgen_javascript.plugin import JavaScript

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")

javascript = JavaScript()

# parse only accepts the exact shape format writes: no generic string reaches its end.
HEADER = """exports.format = function format(obj) {
  if (!obj || typeof obj.name !== 'string') throw new TypeError('obj.name is required');
  return '<' + obj.name + '|' + String(obj.size || 0) + '>';
};

exports.parse = function parse(text) {
  var match = /^<([a-z]+)\\|(\\d+)>$/.exec(text);
  if (!match) throw new TypeError('invalid header');
  return { name: match[1], size: Number(match[2]) };
};
"""

# decode drops one character too many: decode(encode('hello')) is 'hell'.
LOSSY = """exports.encode = function encode(text) {
  return String(text) + '!';
};

exports.decode = function decode(text) {
  return String(text).slice(0, -2);
};
"""


def probes_of(tmp_path, kit, text):
    (tmp_path / "package.json").write_text(json.dumps({"name": "m"}))
    (tmp_path / "m.js").write_text(text)
    definitions = [d for d in kit.definitions_of(kit.source_file(tmp_path, "m.js"))
                   if d.testable]
    with shadow_workspace(tmp_path, timeout=60) as workspace:
        found = javascript.probe(definitions=definitions, workspace=workspace,
                                 test_type="unit")
        launches = workspace.launches
    return found, launches


def test_a_parser_is_called_on_what_the_formatter_returned(tmp_path, kit):
    found, launches = probes_of(tmp_path, kit, HEADER)
    assert launches == 1  # the produced calls ride in the same launch
    produced = [p for p in found if p.definition.endswith("::parse")
                and p.category == "produced" and p.outcome == "return"]
    assert produced, [(p.call, p.outcome, p.reason) for p in found]
    first = produced[0]
    assert first.args[0].startswith("'<") and first.call == f"parse({first.args[0]})"
    assert first.value.startswith("{ name: ")


def test_a_parser_given_what_its_formatter_made_and_coming_back_is_no_finding(tmp_path, kit):
    found, _ = probes_of(tmp_path, kit, HEADER)
    assert not [p for p in found if getattr(p.payload, "round_trip", None)]


def test_a_round_trip_that_does_not_come_back_is_a_possible_bug(tmp_path, kit):
    (tmp_path / "package.json").write_text(json.dumps({"name": "m"}))
    (tmp_path / "m.js").write_text(LOSSY)
    report = kit.generate_offline(tmp_path)
    findings = [c for f in report["files"] for c in f["candidates"]
                if c["status"] == "possible-bug"]
    assert [c["definition"] for c in findings] == ["m.js::decode"], findings
    assert "do not round-trip" in findings[0]["reason"]
    assert "encode(" in findings[0]["reason"]
    written = (tmp_path / "m.testgen.test.js").read_text()
    assert "decode('hello!')" not in written  # the broken trip is not pinned as expected
