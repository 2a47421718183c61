"""Turning observations into Rust: literals, candidates, assembled files, prompts, output
parsers. No cargo needed."""

from __future__ import annotations

from pathlib import Path

import pytest

from testgen.model import Definition, Framework, OfflineRequest, Parameter, Probe, \
    PromptRequest, TEST_TYPES, TestCandidate

from rust_helpers import FRAMEWORK, RUST, source, write_crate
from testgen_rust.cargo import parse_build_output, parse_libtest
from testgen_rust.coverage import parse_lcov
from testgen_rust.literals import LiteralRenderer, learn_constructor
from testgen_rust.payload import RustCall
from testgen_rust.types import parse_type


@pytest.mark.parametrize("debug, rust_type, expected", [
    ('"hello"', "String", '"hello"'),
    ('Some("x")', "Option<String>", 'Some(String::from("x"))'),
    ('["a", "b"]', "Vec<String>", 'vec!["a", "b"]'),
    ("[]", "Vec<u8>", "Vec::<u8>::new()"),
    ("(1, 'c')", "(u8, char)", "(1, 'c')"),
    ("Ok(2.5)", "Result<f64, String>", "Ok(2.5)"),
    ("inf", "f64", "f64::INFINITY"),
    ("3", "f32", "3.0"),
    ('Err("bad")', "Result<u8, &str>", 'Err("bad")'),
    ("Some(Equal)", "Option<Ordering>", "Some(Ordering::Equal)"),
    ("Less", "std::cmp::Ordering", "Ordering::Less"),
])
def test_debug_output_becomes_a_literal_of_the_expected_type(debug, rust_type, expected):
    rendered = LiteralRenderer().render(debug, parse_type(rust_type))
    assert rendered is not None and rendered.expr == expected


def test_an_ordering_brings_its_import():
    rendered = LiteralRenderer().render("Greater", parse_type("Ordering"))
    assert rendered is not None and rendered.imports == ("use std::cmp::Ordering;",)


@pytest.mark.parametrize("debug, rust_type", [
    ("NaN", "f64"), ("-1", "u32"), ("1.5s", "Duration"), ("Thing { x: 1 }", "Thing"),
])
def test_values_that_are_not_valid_rust_literals_are_refused(debug, rust_type):
    assert LiteralRenderer().render(debug, parse_type(rust_type)) is None


def test_a_learnt_constructor_writes_values_the_way_tests_build_them():
    name, learnt = learn_constructor("Money::new(1250)", "Money { cents: 1250 }",
                                     ("use tally::Money;",))
    renderer = LiteralRenderer(None, {name: [learnt]})
    rendered = renderer.render("Some(Money { cents: 7 })", parse_type("Option<Money>"))
    assert rendered.expr == "Some(Money::new(7))"
    assert rendered.imports == ("use tally::Money;",)
    # ...but never to test the constructor against itself
    assert renderer.render("Money { cents: 7 }", parse_type("Money"),
                           avoid="Money::new(") is None


def _definition(name="parse", params=(("text", "&str"),), **details) -> Definition:
    base = {"path": f"demo::{name}", "crate": "demo", "generics": []}
    base.update(details)
    return Definition(
        name=name, qualname=name, kind="function", language="rust", file="src/lib.rs",
        start_line=1, end_line=3, signature=f"pub fn {name}(...)", code="", content_hash="x",
        parameters=tuple(Parameter(n, a) for n, a in params), details=base)


def _probe(args, value=None, debug=None, outcome="return", category="typical", message=None,
           **recorded):
    d = _definition()
    call = f"demo::parse({', '.join(args)})"
    return Probe(definition=d.key, args=tuple(args), outcome=outcome, value=value,
                 category=category, call=call,
                 payload=RustCall(debug=debug, eq=value is not None, **recorded),
                 message=message, exception="panic" if outcome == "raise" else None)


def _candidates(test_type, probes, framework=FRAMEWORK, definition=None):
    return RUST.offline_candidates(request=OfflineRequest(
        definition=definition or _definition(), framework=framework, test_type=test_type,
        probes=probes))


def test_unit_candidates_assert_exact_values_with_a_message():
    (candidate,) = _candidates("unit", [_probe(['"12"'], "Ok(12)", "Ok(12)", variant="Ok")])
    assert 'assert_eq!(demo::parse("12"), Ok(12), "demo::parse(\\"12\\")");' in candidate.code
    assert candidate.id == "src/lib.rs::parse::" + candidate.test_name
    assert candidate.test_name == "parse_12"


def test_values_without_a_literal_are_compared_through_debug_text():
    (candidate,) = _candidates("unit", [_probe(['"x"'], None, "Thing { x: 1 }")])
    assert 'format!("{:?}", demo::parse("x")), "Thing { x: 1 }"' in candidate.code


def test_negative_candidates_pin_panics_and_error_payloads():
    probes = [
        _probe(['""'], outcome="raise", message="empty input"),
        _probe(['"?"'], None, 'Err(Invalid(\'?\'))', variant="Err"),
    ]
    codes = [c.code for c in _candidates("negative", probes)]
    assert any('#[should_panic(expected = "empty input")]' in c for c in codes)
    assert any('let err = demo::parse("?").unwrap_err();' in c and
               'assert_eq!(format!("{:?}", err), "Invalid(\'?\')"' in c for c in codes)


def test_table_driven_candidate_loops_over_typed_cases():
    probes = [_probe([f'"{n}"'], f"Ok({n})", f"Ok({n})", variant="Ok") for n in (1, 2, 3)]
    (candidate,) = _candidates("table-driven", probes)
    assert "let cases: [(&str, _); 3] = [" in candidate.code
    assert "for (input, expected) in cases {" in candidate.code
    assert 'assert_eq!(demo::parse(input), expected, "input={:?}", input);' in candidate.code


def test_nondeterministic_observations_never_become_tests():
    probe = _probe(['"x"'], "Ok(1)", "Ok(1)")
    probe.deterministic = False
    assert _candidates("unit", [probe]) == []


def test_proptest_framework_adds_a_no_panic_property_for_plain_parameters():
    framework = Framework("proptest", "rust")
    definition = _definition(params=(("text", "&str"), ("limit", "u32")))
    probes = [_probe(['"a"', "1"], "Ok(1)", "Ok(1)", category="boundary")]
    candidates = _candidates("edge-cases", probes, framework, definition)
    prop = [c for c in candidates if "proptest!" in c.code]
    assert prop and 'text in "\\\\PC{0,24}", limit in any::<u32>()' in prop[0].code
    assert "use proptest::prelude::*;" in prop[0].imports


def test_assemble_writes_header_merged_imports_and_formats(tmp_path: Path):
    root = write_crate(tmp_path / "demo", {"src/lib.rs": "pub fn f() {}\n"})
    candidates = [
        TestCandidate(id="a", definition="d", test_name="one", imports=("use demo::A;",),
                      code="#[test]\nfn one() { assert_eq!(1,1); }"),
        TestCandidate(id="b", definition="d", test_name="one", imports=(
            "use demo::B;", "use std::borrow::Cow;"), code="#[test]\nfn one() {}"),
    ]
    test_file = RUST.assemble(candidates=candidates, framework=FRAMEWORK,
                                        source=source(root, "src/lib.rs"),
                                        path="tests/testgen_lib.rs")
    content = test_file.content
    assert content.startswith("// Generated by TestGen from src/lib.rs")
    assert "regenerate with `testgen generate`" in content
    assert "use demo::{A, B};" in content and "use std::borrow::Cow;" in content
    assert test_file.test_ids == {"one": "a", "one_2": "b"}  # the clash was renamed
    assert candidates[0].details["lines"][0] < candidates[1].details["lines"][0]


def test_assemble_adds_extern_crate_for_2015_edition(tmp_path: Path):
    root = write_crate(tmp_path / "old", {"src/lib.rs": "pub fn f() {}\n"}, name="old",
                       edition="2015")
    test_file = RUST.assemble(candidates=[], framework=FRAMEWORK,
                                        source=source(root, "src/lib.rs"),
                                        path="tests/testgen_lib.rs")
    assert "extern crate old;" in test_file.content


@pytest.mark.parametrize("test_type", TEST_TYPES)
def test_prompts_exist_for_every_test_type(test_type, tmp_path):
    definition = _definition(test_file="tests/testgen_lib.rs", edition="2021")
    probe = _probe(['"12"'], "Ok(12)", "Ok(12)")
    prompt = RUST.render_prompt(request=PromptRequest(
        definitions=[definition], framework=FRAMEWORK, test_type=test_type,
        probes={definition.key: [probe]}, callees=("fn helper(x: u8) -> u8",)))
    assert prompt.template == f"prompts/cargo-test/{test_type}.j2"
    assert '"tests": [{"test_name"' in prompt.system
    assert "#[test]" in prompt.system
    assert '`demo::parse("12")` returned `Ok(12)`' in prompt.user
    assert "fn helper(x: u8) -> u8" in prompt.user


def test_a_project_template_overrides_the_shipped_one(tmp_path):
    override = tmp_path / "templates" / "prompts" / "cargo-test"
    override.mkdir(parents=True)
    (override / "unit.j2").write_text("SYSTEM {{ crate }}\n<<<USER>>>\nUSER {{ test_type }}\n")
    prompt = RUST.render_prompt(request=PromptRequest(
        definitions=[_definition()], framework=FRAMEWORK, test_type="unit",
        template_dirs=(tmp_path / "templates",)))
    assert (prompt.system, prompt.user) == ("SYSTEM demo\n", "USER unit\n")


def test_libtest_text_output_gives_per_test_outcomes_and_failure_messages():
    output = "\n".join([
        "running 3 tests",
        "test parse_12 ... ok",
        "test split_panics_on_zero - should panic ... ok",
        "test parse_bad ... FAILED",
        "",
        "failures:",
        "",
        "---- parse_bad stdout ----",
        "thread 'parse_bad' panicked at tests/testgen_lib.rs:9:5:",
        "assertion `left == right` failed",
        "",
        "failures:",
        "    parse_bad",
        "",
        "test result: FAILED. 2 passed; 1 failed; 0 ignored",
    ])
    outcomes = {o.test_id: o for o in parse_libtest(output)}
    assert outcomes["parse_12"].outcome == "passed"
    assert outcomes["split_panics_on_zero"].outcome == "passed"
    assert outcomes["parse_bad"].outcome == "failed"
    assert "assertion `left == right` failed" in outcomes["parse_bad"].message


def test_cargo_json_messages_give_errors_at_the_macro_call_site():
    import json
    message = {"reason": "compiler-message", "message": {
        "level": "error", "message": "mismatched types", "rendered": "error: mismatched",
        "code": {"code": "E0308"},
        "spans": [{"file_name": "src/macros.rs", "line_start": 3, "line_end": 3,
                   "is_primary": True, "expansion": {"span": {
                       "file_name": "tests/testgen_lib.rs", "line_start": 12, "line_end": 12,
                       "is_primary": True, "expansion": None}}}]}}
    artifact = {"reason": "compiler-artifact", "executable": "/t/testgen_lib-1",
                "target": {"name": "testgen_lib", "kind": ["test"]}, "profile": {"test": True}}
    messages, executables = parse_build_output(json.dumps(message) + "\n" +
                                               json.dumps(artifact) + "\n")
    assert (messages[0].file, messages[0].line, messages[0].code) == (
        "tests/testgen_lib.rs", 12, "E0308")
    assert executables == {"test:testgen_lib": "/t/testgen_lib-1"}


def test_lcov_maps_to_project_files_and_drops_tests_and_dependencies(tmp_path: Path):
    root = write_crate(tmp_path / "demo", {"src/lib.rs": "pub fn f() {}\n",
                                           "tests/t.rs": "\n"})
    lcov = "\n".join([
        f"SF:{root}/src/lib.rs", "DA:1,3", "DA:2,0", "end_of_record",
        f"SF:{root}/tests/t.rs", "DA:1,1", "end_of_record",
        "SF:/home/u/.cargo/registry/src/x/lib.rs", "DA:1,1", "end_of_record",
    ])
    files = parse_lcov(lcov, root)
    assert list(files) == ["src/lib.rs"]
    assert files["src/lib.rs"].statements == {1, 2}
    assert files["src/lib.rs"].covered == {1}
