"""Detect, parse and extract: what the plugin learns from Rust sources without cargo."""

from __future__ import annotations

from pathlib import Path

import pytest

from testgen.errors import TestgenError
from testgen.model import Project

from rust_helpers import RUST, source, write_crate

LIB = """
    //! Shapes.
    pub mod shapes;
    mod hidden;
    pub use hidden::area_of_square;

    /// Adds two numbers.
    ///
    /// ```
    /// assert_eq!(demo::add(2, 3), 5);
    /// ```
    pub fn add(a: i32, b: i32) -> i32 {
        a + b
    }

    fn helper() -> u8 {
        1
    }

    pub(crate) fn internal() {}

    pub unsafe fn raw<'a, T: Clone>(value: &'a T) -> Option<&'a T> {
        Some(value)
    }

    pub fn classify(n: i64) -> &'static str {
        if n < 0 && n > -10 {
            "small negative"
        } else if n == 0 {
            "zero"
        } else {
            match n {
                1 => "one",
                2 | 3 => "few",
                _ => "many",
            }
        }
    }

    #[cfg(test)]
    mod tests {
        pub fn only_in_tests() {}

        #[test]
        fn adds() {
            assert_eq!(super::add(1, 1), 2);
        }
    }
"""
SHAPES = """
    use std::fmt;

    #[derive(Debug, Clone, PartialEq)]
    pub struct Circle {
        pub radius: f64,
    }

    impl Circle {
        pub fn new(radius: f64) -> Self {
            Circle { radius }
        }

        pub fn area(&self) -> f64 {
            3.14 * self.radius * self.radius
        }

        fn secret(&self) -> f64 {
            self.radius
        }
    }

    impl fmt::Display for Circle {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "circle({})", self.radius)
        }
    }
"""
HIDDEN = """
    pub fn area_of_square(side: u32) -> u32 {
        side * side
    }

    pub fn not_exported() {}
"""


@pytest.fixture
def crate(tmp_path: Path) -> Path:
    return write_crate(tmp_path / "demo", {
        "src/lib.rs": LIB, "src/shapes.rs": SHAPES, "src/hidden.rs": HIDDEN,
        "src/main.rs": "fn main() { println!(\"{}\", demo::add(1, 2)); }\n",
        "tests/basic.rs": "#[test]\nfn works() { assert_eq!(demo::add(1, 2), 3); }\n",
    }, manifest_extra='\n[dev-dependencies]\nproptest = "1"\npretty_assertions = "1"\n')


def definitions(root: Path, rel: str):
    parsed = RUST.parse(source=source(root, rel))
    return {d.qualname: d for d in RUST.extract(parsed=parsed)}


def test_languages_declare_rust_with_cargo_manifest_and_toolchain():
    info = RUST.info
    assert info.name == "rust"
    assert info.extensions == (".rs",)
    assert info.manifests == ("Cargo.toml",)
    assert info.toolchain == ("cargo",)
    assert "cargo-test" in info.frameworks and "proptest" in info.frameworks
    assert "tests/*.rs" in info.test_file_patterns


def test_detect_reports_package_edition_tests_and_test_style_crates(crate: Path):
    (found,) = RUST.detect(project=Project(root=crate))
    assert found.language == "rust"
    assert found.framework == "proptest"
    assert found.details["edition"] == "2021"
    assert found.details["lib"] == "src/lib.rs"
    assert found.details["bins"] == ["src/main.rs"]
    assert found.details["test_styles"] == ["proptest", "pretty_assertions"]
    assert found.details["existing_tests"] == 2
    assert found.details["integration_tests"] == ["tests/basic.rs"]


def test_detect_lists_every_workspace_member(tmp_path: Path):
    root = tmp_path / "ws"
    root.mkdir()
    (root / "Cargo.toml").write_text('[workspace]\nmembers = ["crates/*"]\n')
    write_crate(root / "crates/a", {"src/lib.rs": "pub fn a() {}\n"}, name="a")
    write_crate(root / "crates/b", {"src/lib.rs": "pub fn b() {}\n"}, name="b")
    found = RUST.detect(project=Project(root=root))
    workspace = [d for d in found if d.details.get("workspace")]
    packages = sorted(d.details["package"] for d in found if d.details.get("package"))
    assert workspace[0].details["members"] == ["crates/a", "crates/b"]
    assert packages == ["a", "b"]


def test_parse_reports_syntax_errors_with_line_numbers(tmp_path: Path):
    root = write_crate(tmp_path / "bad", {"src/lib.rs": "pub fn broken( {\n}\n"})
    parsed = RUST.parse(source=source(root, "src/lib.rs"))
    assert parsed.errors
    assert parsed.errors[0].line == 1


def test_extract_lists_free_functions_and_type_qualified_methods(crate: Path):
    found = definitions(crate, "src/shapes.rs")
    assert {"Circle::new", "Circle::area", "Circle::secret", "Circle::fmt"} <= set(found)
    assert found["Circle::area"].kind == "method"
    assert found["Circle::area"].parent == "Circle"
    assert found["Circle::area"].details["receiver"] == "&self"
    assert found["Circle::fmt"].details["trait"] == "fmt::Display"


def test_extract_never_targets_cfg_test_code(crate: Path):
    found = definitions(crate, "src/lib.rs")
    assert "tests::only_in_tests" not in found
    assert "tests::adds" not in found


def test_extract_marks_private_items_untestable_with_reason(crate: Path):
    found = definitions(crate, "src/lib.rs")
    assert not found["helper"].testable
    assert "private" in found["helper"].untestable_reason
    assert not found["internal"].testable
    assert "pub(crate)" in found["internal"].untestable_reason
    assert not definitions(crate, "src/shapes.rs")["Circle::secret"].testable


def test_extract_gives_public_call_paths_through_modules_and_reexports(crate: Path):
    assert definitions(crate, "src/lib.rs")["add"].details["path"] == "demo::add"
    assert definitions(crate, "src/shapes.rs")["Circle::new"].details["path"] == \
        "demo::shapes::Circle"
    hidden = definitions(crate, "src/hidden.rs")
    assert hidden["area_of_square"].details["path"] == "demo::area_of_square"
    assert not hidden["not_exported"].testable
    assert "re-export" in hidden["not_exported"].untestable_reason


def test_extract_marks_binary_targets_untestable(crate: Path):
    found = definitions(crate, "src/main.rs")
    assert not found["main"].testable
    assert "binary" in found["main"].untestable_reason


def test_extract_records_generics_lifetimes_unsafe_option_and_doc_examples(crate: Path):
    found = definitions(crate, "src/lib.rs")
    raw = found["raw"]
    assert raw.details["unsafe"] and raw.details["returns_option"]
    assert raw.details["generics"] == ["T"]
    assert raw.details["lifetimes"] == ["'a"]
    add = found["add"]
    assert add.docstring.startswith("Adds two numbers.")
    assert add.details["doc_examples"] == ["assert_eq!(demo::add(2, 3), 5);"]
    assert [p.annotation for p in add.parameters] == ["i32", "i32"]
    assert add.returns == "i32"
    assert add.details["module_path"] == "crate"


def test_extract_counts_decisions_for_complexity(crate: Path):
    found = definitions(crate, "src/lib.rs")
    assert found["add"].complexity == 1
    # if, &&, else if, and a match with three arms (two decisions)
    assert found["classify"].complexity == 6


def test_content_hash_changes_with_the_body_only(crate: Path):
    before = definitions(crate, "src/lib.rs")["add"].content_hash
    lib = crate / "src/lib.rs"
    lib.write_text(lib.read_text().replace("a + b", "b + a"))
    assert definitions(crate, "src/lib.rs")["add"].content_hash != before
    assert definitions(crate, "src/lib.rs")["classify"].content_hash


def test_test_path_is_one_integration_test_file_per_module(crate: Path):
    assert RUST.test_path(source=source(crate, "src/shapes.rs"),
                                    framework=None) == "tests/testgen_shapes.rs"
    assert RUST.test_path(source=source(crate, "src/lib.rs"),
                                    framework=None) == "tests/testgen_lib.rs"


def test_test_path_of_a_workspace_member_is_inside_the_member(tmp_path: Path):
    root = tmp_path / "ws"
    root.mkdir()
    (root / "Cargo.toml").write_text('[workspace]\nmembers = ["crates/*"]\n')
    write_crate(root / "crates/core", {"src/lib.rs": "pub mod util;\n",
                                       "src/util/mod.rs": "pub fn f() {}\n"}, name="core")
    path = RUST.test_path(source=source(root, "crates/core/src/util/mod.rs"),
                                    framework=None)
    assert path == "crates/core/tests/testgen_util.rs"


def test_select_framework_prefers_proptest_when_the_crate_uses_it(crate: Path):
    chosen = RUST.select_framework(project=Project(root=crate),
                                             requested=None)
    assert chosen.name == "proptest"
    assert RUST.select_framework(project=Project(root=crate),
                                           requested="cargo-test").name == "cargo-test"


def test_select_framework_rejects_an_unknown_framework(crate: Path):
    with pytest.raises(TestgenError) as error:
        RUST.select_framework(project=Project(root=crate),
                                        requested="nextest-magic")
    assert error.value.code == "TG504"


SETS = """
    pub struct Set { mask: u8 }

    impl Set {
        pub const EMPTY: Self = Set { mask: 0 };
        pub fn contains(&self, bit: u8) -> bool { self.mask & (1 << bit) != 0 }
    }

    pub const LOW: &Set = &Set { mask: 0x0f };

    pub struct Split<'a> { rest: &'a str }

    pub fn split<'a>(text: &'a str) -> Split<'a> { Split { rest: text } }
"""


def _factory(tmp_path):
    from testgen_rust.crate_index import index_crate
    from testgen_rust.inputs import ValueFactory
    from testgen_rust.manifest import load_crate

    root = write_crate(tmp_path / "sets", {"src/lib.rs": SETS}, name="sets")
    return ValueFactory(index_crate(load_crate(root)))


def test_a_type_without_constructors_is_built_from_its_associated_constants(tmp_path):
    from testgen_rust.types import parse_type

    values = _factory(tmp_path).owned(parse_type("Set"))
    assert [v.expr for v in values] == ["Set::EMPTY"]


def test_a_shared_reference_argument_takes_the_public_constants_of_its_type(tmp_path):
    from testgen_rust.types import parse_type

    values = _factory(tmp_path).arguments(parse_type("&'static Set"))
    assert "LOW" in [v.expr for v in values]
    assert "use sets::LOW;" in next(v for v in values if v.expr == "LOW").imports


def test_a_type_is_built_by_the_public_functions_that_return_it(tmp_path):
    from testgen_rust.types import parse_type

    values = _factory(tmp_path).owned(parse_type("Split"))
    assert values[0].expr.startswith("split(")
    assert "use sets::split;" in values[0].imports


def test_functions_of_a_proc_macro_crate_are_explained_not_targeted(tmp_path):
    root = write_crate(tmp_path / "macros", {"src/lib.rs": """
        pub fn helper(n: u8) -> u8 { n }
    """}, name="macros", manifest_extra="[lib]\nproc-macro = true\n")
    (definition,) = RUST.extract(parsed=RUST.parse(
        source=source(root, "src/lib.rs")))
    assert not definition.testable
    assert "proc-macro" in definition.untestable_reason
