"""Inputs from what the body compares: options objects made of the properties a function
reads off its parameter, set to the values the body compares them with, and strings as long
as a length it checks. The probes reach each branch. Real files, the real harness and node."""

from __future__ import annotations

import json
import shutil

import pytest

from testgen.sandbox import shadow_workspace
from testgen_javascript.inputs import plan_calls
from testgen_javascript.plugin import JavaScript

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")

javascript = JavaScript()

# Eleven options, the last ones only reachable through a switch on their value or a
# comparison with `false`: the way small serialisers read theirs.
SERIALIZE = """exports.serialize = function serialize(name, opt) {
  var str = String(name);
  if (!opt) return str;
  if (null != opt.maxAge) {
    if (!isFinite(opt.maxAge)) throw new TypeError('option maxAge is invalid');
    str += '; Max-Age=' + Math.floor(opt.maxAge);
  }
  if (opt.domain) str += '; Domain=' + opt.domain;
  if (opt.path) str += '; Path=' + opt.path;
  if (opt.expires) str += '; Expires=' + opt.expires.toUTCString();
  if (opt.httpOnly) str += '; HttpOnly';
  if (opt.secure) str += '; Secure';
  if (opt.partitioned) str += '; Partitioned';
  if (opt.one) str += '; One';
  if (opt.two) str += '; Two';
  if (opt.end !== false) str += ';';
  if (opt.priority) {
    switch (opt.priority) {
      case 'low': str += ' Priority=Low'; break;
      case 'high': str += ' Priority=High'; break;
      default: throw new TypeError('option priority is invalid');
    }
  }
  return str;
};
"""


@pytest.fixture
def serialize(tmp_path, kit):
    (tmp_path / "package.json").write_text(json.dumps({"name": "m"}))
    (tmp_path / "m.js").write_text(SERIALIZE)
    definitions = [d for d in kit.definitions_of(kit.source_file(tmp_path, "m.js"))
                   if d.testable]
    return tmp_path, definitions[0]


def option_arguments(definition) -> list[str]:
    return [c.args[1] for c in plan_calls(definition) if len(c.args) > 1]


def test_every_option_the_body_reads_is_set_alone(serialize):
    _, definition = serialize
    given = option_arguments(definition)
    for option in ("maxAge: 2", "domain: ", "path: 'x'", "httpOnly: true", "partitioned: true",
                   "one: true", "two: true", "end: ", "priority: "):
        assert any(a.startswith(f"{{ {option}") for a in given), (option, given)


def test_an_option_is_set_to_each_value_the_body_compares_it_with(serialize):
    _, definition = serialize
    given = option_arguments(definition)
    assert "{ priority: 'low' }" in given and "{ priority: 'high' }" in given, given
    assert "{ priority: 'LOW' }" in given, given  # as it reads before a `toLowerCase()`
    assert "{ end: false }" in given, given


def test_options_of_a_known_kind_get_a_value_of_that_kind_and_a_misfit(serialize):
    _, definition = serialize
    given = option_arguments(definition)
    assert "{ expires: new Date('2024-01-15T12:00:00.000Z') }" in given, given
    assert "{ maxAge: 'abc' }" in given, given


def test_the_probes_reach_the_branch_of_a_compared_value(serialize):
    root, definition = serialize
    with shadow_workspace(root, timeout=60) as workspace:
        found = javascript.probe(definitions=[definition], workspace=workspace,
                                 test_type="unit")
    values = {p.args[1]: p.value for p in found if len(p.args) > 1 and p.outcome == "return"}
    assert values.get("{ priority: 'high' }") == "'hello; Priority=High'", values
    errors = {p.args[1]: p.message for p in found if len(p.args) > 1 and p.outcome == "raise"}
    assert errors.get("{ maxAge: 'abc' }") == "option maxAge is invalid", errors


# Nothing is read below two characters; `len` holds the length, as parsers often keep it.
SHORT = """exports.parse = function parse(str) {
  var len = str.length;
  if (len < 2) return null;
  var eq = str.indexOf('=');
  return eq === -1 ? {} : { key: str.slice(0, eq), value: str.slice(eq + 1) };
};
"""


def test_strings_as_long_as_a_length_the_body_compares_with_and_one_more(tmp_path, kit):
    (tmp_path / "package.json").write_text(json.dumps({"name": "m"}))
    (tmp_path / "m.js").write_text(SHORT)
    definition = [d for d in kit.definitions_of(kit.source_file(tmp_path, "m.js"))
                  if d.testable][0]
    given = [c.args[0] for c in plan_calls(definition)]
    assert {"'a'", "'ab'", "'abc'"} <= set(given), given
    assert "'a='" in given, given  # on the bound, in the shape the body splits
    with shadow_workspace(tmp_path, timeout=60) as workspace:
        found = javascript.probe(definitions=[definition], workspace=workspace,
                                 test_type="unit")
    values = {p.args[0]: p.value for p in found if p.outcome == "return"}
    assert values["'a'"] == "null" and values["'a='"] == "{ key: 'a', value: '' }", values


def test_a_unit_test_is_offered_for_each_option_branch_reached(serialize, kit):
    root, definition = serialize
    from testgen.model import OfflineRequest

    framework = javascript.select_framework(project=__import__("testgen.model").model.Project(
        root), requested="node:test")
    with shadow_workspace(root, timeout=60) as workspace:
        found = javascript.probe(definitions=[definition], workspace=workspace,
                                 test_type="unit")
    offered = javascript.offline_candidates(request=OfflineRequest(
        definition=definition, framework=framework, test_type="unit", probes=found))
    # Eleven options, each on lines of its own: more than the eight a unit test type held.
    assert len(offered) > 8, [c.test_name for c in offered]


# A header matched against the values the caller can offer, as content negotiation does.
PREFERRED = """module.exports = function preferredCharsets(accept, provided) {
  var wanted = String(accept).split(',').map(function (part) {
    return part.split(';')[0].trim().toLowerCase();
  });
  return provided.filter(function (charset) {
    return wanted.indexOf(charset.toLowerCase()) !== -1;
  });
};
"""


def test_a_list_is_made_of_the_words_of_the_header_it_is_matched_against(tmp_path, kit):
    (tmp_path / "package.json").write_text(json.dumps({"name": "m"}))
    (tmp_path / "charset.js").write_text(PREFERRED)
    definition = [d for d in kit.definitions_of(kit.source_file(tmp_path, "charset.js"))
                  if d.testable][0]
    with shadow_workspace(tmp_path, timeout=60) as workspace:
        found = javascript.probe(definitions=[definition], workspace=workspace,
                                 test_type="unit")
    matched = [p for p in found if p.outcome == "return" and p.value not in ("[]", None)
               and "'utf-8'" in p.value]
    assert matched, [(p.call, p.value) for p in found]


# Two properties are required together; the parameters' values are quoted when not tokens.
FORMAT = """exports.format = function format(obj) {
  if (!obj.type || !obj.subtype) throw new TypeError('invalid type');
  var str = obj.type + '/' + obj.subtype;
  var parameters = obj.parameters || {};
  Object.keys(parameters).sort().forEach(function (key) {
    var value = String(parameters[key]);
    str += '; ' + key + '=' + (/^[a-z0-9]+$/i.test(value) ? value : JSON.stringify(value));
  });
  return str;
};
"""


def _probe_first(root, kit, source: str):
    """The probes of the first testable definition of ``source``, as ``m.js`` of a package."""
    (root / "package.json").write_text(json.dumps({"name": "m"}))
    (root / "m.js").write_text(source)
    definition = [d for d in kit.definitions_of(kit.source_file(root, "m.js"))
                  if d.testable][0]
    with shadow_workspace(root, timeout=60) as workspace:
        return javascript.probe(definitions=[definition], workspace=workspace,
                                test_type="unit")


def test_a_varied_option_is_also_set_beside_the_others(tmp_path, kit):
    found = _probe_first(tmp_path, kit, FORMAT)
    quoted = [p.value for p in found if p.outcome == "return" and '"x y"' in (p.value or "")]
    assert quoted, [(p.call, p.value, p.message) for p in found]


TYPED_FORMAT = FORMAT.replace(
    "if (!obj.type || !obj.subtype) throw new TypeError('invalid type');",
    "if (!/^[a-z]+\\/[a-z]+$/.test(obj.type)) throw new TypeError('invalid type');"
).replace("obj.type + '/' + obj.subtype", "obj.type")


def test_beside_a_varied_option_a_string_option_holds_what_the_patterns_accept(tmp_path, kit):
    found = _probe_first(tmp_path, kit, TYPED_FORMAT)
    quoted = [p.value for p in found if p.outcome == "return" and '"x y"' in (p.value or "")]
    assert quoted, [(p.call, p.value, p.message) for p in found]


@pytest.mark.parametrize("file, source, sample", [
    ("route.js", "/** @param {String|RegExp} path */\n"
                 "module.exports = function compile(path) { return String(path); };\n",
     "'/users/:id'"),
    ("ipaddr.js", "exports.parse = function parse(string) { return String(string); };\n",
     "'192.168.1.1'"),
])
def test_a_string_has_the_shape_a_parameter_or_module_name_says(tmp_path, kit, file, source,
                                                                 sample):
    (tmp_path / "package.json").write_text(json.dumps({"name": "m"}))
    (tmp_path / file).write_text(source)
    definition = [d for d in kit.definitions_of(kit.source_file(tmp_path, file))
                  if d.testable][0]
    assert plan_calls(definition)[0].args[0] == sample


def test_among_many_options_none_is_tried_with_all_the_others_set(serialize):
    _, definition = serialize
    # One call that runs every option's branch would leave the single options' tests no
    # line of their own to add.
    given = option_arguments(definition)
    assert not [a for a in given if "maxAge" in a and "priority" in a], given
