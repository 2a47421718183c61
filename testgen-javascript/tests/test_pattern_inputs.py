"""Inputs from the patterns a parser checks its input against, and values built with
``Object.create(null)``: the kept tests reach past the first check and pin what is parsed."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from testgen_javascript.inputs import pattern_inputs, plan_calls
from testgen_javascript.patterns import samples

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")

# A header parser written the way small npm parsers are: a whole-token pattern, then a
# global pattern scanned for the parameters after it, into a dictionary without a prototype.
PARSER = r"""'use strict';

var TYPE_REGEXP = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+\/[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
var PARAM_REGEXP = /; *([!#$%&'*+.^_`|~0-9A-Za-z-]+) *= *([!#$%&'*+.^_`|~0-9A-Za-z-]+) */g;

exports.parse = parse;

function parse (header) {
  if (typeof header !== 'string') {
    throw new TypeError('argument header must be a string');
  }
  var index = header.indexOf(';');
  var type = index !== -1 ? header.slice(0, index).trim() : header.trim();
  if (!TYPE_REGEXP.test(type)) {
    throw new TypeError('invalid media type');
  }
  var parameters = Object.create(null);
  if (index !== -1) {
    var match;
    PARAM_REGEXP.lastIndex = index;
    while ((match = PARAM_REGEXP.exec(header))) {
      if (match.index !== index) {
        throw new TypeError('invalid parameter format');
      }
      index += match[0].length;
      parameters[match[1].toLowerCase()] = match[2];
    }
    if (index !== header.length) {
      throw new TypeError('invalid parameter format');
    }
  }
  return { type: type.toLowerCase(), parameters: parameters };
}
"""


def test_samples_match_their_pattern_with_and_without_optional_parts():
    pattern = r"^\s*([^\s\/;]+)\/([^;\s]+)\s*(?:;(.*))?$"
    found = samples(pattern)
    assert len(found) == 2
    assert all(re.search(pattern, text) for text in found)
    assert ";" in found[0] and ";" not in found[1]
    named = samples(r"^(?<year>\d{4})-\k<year>$")  # JavaScript's spelling of a named group
    assert named and all(re.fullmatch(r"(\d{4})-\1", text) for text in named)
    assert samples("(unclosed") == []


def test_a_token_is_joined_with_the_pieces_scanned_for_after_it():
    texts = pattern_inputs([r"; *([a-z]+) *= *([a-z]+) *", r"^[a-z]+\/[a-z]+$"])
    assert texts[0] == "abc/abc; abc = abc "
    assert "abc/abc" in texts


def test_generate_keeps_a_test_that_parses_a_well_formed_header(tmp_path, kit):
    (tmp_path / "package.json").write_text(json.dumps({"name": "parser", "version": "1.0.0"}))
    (tmp_path / "index.js").write_text(PARSER)
    kit.generate_offline(tmp_path)
    written = (tmp_path / "index.testgen.test.js").read_text()
    # The pattern's sample gets past the type check, and the parameter loop runs on the
    # joined sample; the null-prototype dictionary is written so strict equality holds.
    assert "parse('abc/abc; abc = abc ')" in written, written
    assert "__proto__: null, abc: 'abc'" in written, written
    run = subprocess.run(["node", "--test", "index.testgen.test.js"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-2000:]


def test_plan_calls_put_pattern_samples_before_the_bodys_other_strings(tmp_path, kit):
    (tmp_path / "index.js").write_text(PARSER)
    definitions = kit.definitions_of(kit.source_file(tmp_path, "index.js"))
    parse = next(d for d in definitions if d.name == "parse")
    args = [call.args[0] for call in plan_calls(parse) if call.args]
    joined = args.index("'abc/abc; abc = abc '")
    assert joined < args.index("'invalid media type'")
