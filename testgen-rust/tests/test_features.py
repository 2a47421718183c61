"""Cargo features as cargo resolves them, and the cfg predicates that gate items on them."""

from __future__ import annotations

import os
import subprocess

from testgen.model import TestCandidate

from rust_helpers import FRAMEWORK, RUST, generate, needs_cargo, source, write_crate
from testgen_rust.features import FeatureTable, evaluate, parse_cfg, requirement

TABLE = FeatureTable(
    declared={"default": ("std",), "std": ("alloc",), "alloc": (), "extra": (),
              "json": ("dep:serde_json",), "derive": ("serde?/derive",),
              "wasm": ("std", "getrandom")},
    optional_deps=("serde", "serde_json", "getrandom"))

GATED_MANIFEST = """
[package]
name = "gated"
version = "0.1.0"
edition = "2021"

[features]
default = ["std"]
std = ["alloc"]
alloc = []
extra = []
"""

GATED_LIB = """
    #![cfg_attr(not(feature = "std"), no_std)]
    #[cfg(feature = "alloc")]
    extern crate alloc;

    #[cfg(feature = "alloc")]
    pub fn repeat(word: &str, times: usize) -> alloc::string::String {
        if times == 0 { return alloc::string::String::new(); }
        word.repeat(times)
    }

    #[cfg(feature = "extra")]
    pub fn double(n: u32) -> u32 {
        if n > 1000 { 0 } else { n * 2 }
    }

    #[cfg(not(feature = "std"))]
    pub fn bare() -> u8 { 0 }

    #[cfg(not(windows))]
    pub fn host_only(n: i32) -> i32 { n.abs() }
"""


def _definitions(root, rel="src/lib.rs"):
    return {d.qualname: d for d in RUST.extract(
        parsed=RUST.parse(source=source(root, rel)))}


def test_default_features_turn_on_the_features_they_imply():
    assert TABLE.resolve() == {"default", "std", "alloc"}


def test_without_default_features_nothing_is_on():
    assert TABLE.resolve(default=False) == frozenset()


def test_a_feature_naming_an_optional_dependency_turns_that_feature_on():
    assert TABLE.resolve(["wasm"], default=False) == {"wasm", "std", "alloc", "getrandom"}


def test_dep_syntax_hides_the_implicit_feature_of_an_optional_dependency():
    assert "serde_json" not in TABLE.names
    assert TABLE.resolve(["json"], default=False) == {"json"}


def test_a_question_mark_dependency_feature_does_not_turn_the_dependency_on():
    assert TABLE.resolve(["derive"], default=False) == {"derive"}


def test_cfg_predicates_are_answered_for_the_host():
    features = frozenset({"std"})
    assert evaluate(parse_cfg('all(feature = "std", not(windows))'), features) is True
    assert evaluate(parse_cfg('any(target_os = "windows", target_os = "macos")'),
                    features) is False
    assert evaluate(parse_cfg("set_by_build_script"), features) is None


def test_an_item_behind_a_non_default_feature_needs_only_that_feature():
    assert requirement(['feature = "extra"'], TABLE).features == ("extra",)
    assert requirement(['all(feature = "extra", feature = "json")'], TABLE).features == (
        "extra", "json")


def test_an_item_compiled_only_without_the_defaults_is_explained():
    needed = requirement(['not(feature = "std")'], TABLE)
    assert not needed.possible
    assert 'not(feature = "std")' in needed.reason


def test_an_item_behind_an_implied_feature_is_testable_with_the_defaults(tmp_path):
    root = write_crate(tmp_path / "gated", {"Cargo.toml": GATED_MANIFEST,
                                            "src/lib.rs": GATED_LIB})
    found = _definitions(root)
    assert found["repeat"].testable, found["repeat"].untestable_reason
    assert found["repeat"].details["features"] == []
    assert found["host_only"].testable


def test_an_item_behind_a_non_default_feature_is_testable_with_it_on(tmp_path):
    root = write_crate(tmp_path / "gated", {"Cargo.toml": GATED_MANIFEST,
                                            "src/lib.rs": GATED_LIB})
    found = _definitions(root)
    assert found["double"].testable
    assert found["double"].details["features"] == ["extra"]
    assert not found["bare"].testable
    assert "not(feature" in found["bare"].untestable_reason


def test_an_impl_block_behind_a_feature_gates_its_methods(tmp_path):
    root = write_crate(tmp_path / "gated", {"Cargo.toml": GATED_MANIFEST, "src/lib.rs": """
        pub struct Meter(pub u32);
        #[cfg(feature = "extra")]
        impl Meter {
            pub fn twice(&self) -> u32 { self.0 * 2 }
        }
    """})
    assert _definitions(root)["Meter::twice"].details["features"] == ["extra"]


def _candidate(definition, name, imports=()):
    return TestCandidate(id=f"{definition.key}::{name}", definition=definition.key,
                         test_name=name, code=f"#[test]\nfn {name}() {{\n    assert!(true);\n}}",
                         imports=tuple(imports))


def test_tests_of_feature_gated_items_are_gated_on_the_same_features(tmp_path):
    root = write_crate(tmp_path / "gated", {"Cargo.toml": GATED_MANIFEST,
                                            "src/lib.rs": GATED_LIB})
    found = _definitions(root)
    candidates = [_candidate(found["repeat"], "repeat_works", ["use gated::repeat;"]),
                  _candidate(found["double"], "double_works", ["use gated::double;"])]
    test_file = RUST.assemble(candidates=candidates, framework=FRAMEWORK,
                                        source=source(root, "src/lib.rs"),
                                        path="tests/testgen_lib.rs")
    lines = test_file.content.splitlines()
    assert lines[lines.index("fn double_works() {") - 2] == '#[cfg(feature = "extra")]'
    assert lines[lines.index("use gated::double;") - 1] == '#[cfg(feature = "extra")]'
    assert lines[lines.index("fn repeat_works() {") - 2] != '#[cfg(feature = "extra")]'


def test_a_file_whose_tests_all_need_a_feature_is_gated_as_a_whole(tmp_path):
    root = write_crate(tmp_path / "gated", {"Cargo.toml": GATED_MANIFEST,
                                            "src/lib.rs": GATED_LIB})
    found = _definitions(root)
    test_file = RUST.assemble(
        candidates=[_candidate(found["double"], "double_works", ["use gated::double;"])],
        framework=FRAMEWORK, source=source(root, "src/lib.rs"), path="tests/testgen_lib.rs")
    assert '#![cfg(feature = "extra")]' in test_file.content


@needs_cargo
def test_feature_gated_items_get_tests_that_pass_with_and_without_the_feature(
        tmp_path, cargo_cache):
    root = write_crate(tmp_path / "gated", {"Cargo.toml": GATED_MANIFEST,
                                            "src/lib.rs": GATED_LIB})
    report = generate(root, cargo_cache, ("unit",), repeat=1)
    targets = {c.definition.split("::")[-1] for c in report["kept"]}
    assert {"repeat", "double", "host_only"} <= targets
    assert report["final_run"].ok
    env = dict(os.environ, CARGO_TARGET_DIR=str(cargo_cache / "plain-gated"))
    plain = subprocess.run(["cargo", "test", "--tests"], cwd=root, env=env,
                           capture_output=True, text=True, timeout=600)
    extra = subprocess.run(["cargo", "test", "--tests", "--features", "extra"], cwd=root,
                           env=env, capture_output=True, text=True, timeout=600)
    assert plain.returncode == 0 and extra.returncode == 0, plain.stderr[-2000:]
    assert "double" not in plain.stdout
    assert "double" in extra.stdout
    assert not (root / "target").exists()

