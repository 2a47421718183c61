"""Strings shaped like what the code's names say it reads (with real cargo): a function,
type, parameter or crate named for versions gets version strings, and a type built by
parsing one (`Version::from(&str) -> Option<Version>`) is a receiver built from them."""

from __future__ import annotations

from rust_helpers import generate, needs_cargo, write_crate, written_code
from testgen_rust.inputs import ValueFactory

pytestmark = needs_cargo

VERSION = """
    #[derive(Debug, PartialEq)]
    pub struct Version {
        parts: Vec<u32>,
    }

    impl Version {
        /// None unless every dot-separated part is a number.
        pub fn from(text: &str) -> Option<Version> {
            let parts: Result<Vec<u32>, _> = text.split('.').map(|p| p.parse()).collect();
            parts.ok().map(|parts| Version { parts })
        }

        pub fn major(&self) -> u32 {
            if self.parts.len() > 1 { self.parts[0] * 1 } else { self.parts[0] }
        }
    }

    /// How many parts a version string has, None when one is not a number.
    pub fn depth(version: &str) -> Option<usize> {
        Version::from(version).map(|v| v.parts.len())
    }
"""


def test_the_strings_the_names_ask_for_are_rust_string_literals():
    assert ValueFactory(None, names=["parse_version"]).shapes[0] == '"1.2.3"'
    json_texts = ValueFactory(None, names=["json"]).shapes
    assert '"{\\"a\\": 1, \\"b\\": [1, 2.5, null]}"' in json_texts  # the quotes escaped
    assert ValueFactory(None, names=["convert", "text", "heck"]).shapes == ()


def test_a_version_parser_is_called_on_version_strings(tmp_path, cargo_cache):
    root = write_crate(tmp_path / "ver", {"src/lib.rs": VERSION}, name="ver")
    report = generate(root, cargo_cache)
    code = written_code(report)
    assert 'depth("1.2.3"), Some(3)' in code, code
    # The receiver of `major` is a version as its users make one.
    assert 'Version::from("1.2.3").unwrap()' in code, code
    assert report["final_run"].ok


SIZES = """
    use std::str::FromStr;

    enum Unit { B, Kb }

    impl FromStr for Unit {
        type Err = ();
        fn from_str(text: &str) -> Result<Unit, ()> {
            match text { "b" => Ok(Unit::B), "kb" => Ok(Unit::Kb), _ => Err(()) }
        }
    }

    /// Bytes in "<number> <unit>", None when either part is unknown.
    pub fn parse_size(text: &str) -> Option<u64> {
        let (number, unit) = text.split_once(' ')?;
        let n: u64 = number.parse().ok()?;
        match unit.parse::<Unit>().ok()? { Unit::B => Some(n), Unit::Kb => Some(n * 1000) }
    }
"""


def test_a_parser_gets_a_number_before_each_word_the_files_parsers_know(tmp_path, cargo_cache):
    # The words sit in a private parser of the same file, which no test can call.
    root = write_crate(tmp_path / "sizes", {"src/lib.rs": SIZES}, name="sizes")
    report = generate(root, cargo_cache)
    code = written_code(report)
    assert 'parse_size("1 kb"), Some(1000)' in code, code
    assert report["final_run"].ok


def test_a_length_check_is_probed_on_both_sides_of_its_bound(tmp_path, cargo_cache):
    root = write_crate(tmp_path / "names", {"src/lib.rs": """
        /// Whether a name fits a field of 8 bytes.
        pub fn fits(name: &str) -> bool {
            name.len() <= 8
        }

        pub fn full(items: &[u32]) -> bool {
            items.len() >= 3
        }
    """}, name="names")
    report = generate(root, cargo_cache, test_types=("edge-cases",))
    calls = {p.call.split("::")[-1]: p.value for p in report["probes"]["src/lib.rs"]}
    assert calls['fits("aaaaaaaa")'] == "true" and calls['fits("aaaaaaaaa")'] == "false"
    assert any(c.startswith("full(&[") and c.count(",") == 2 and calls[c] == "true"
               for c in calls), calls
    assert any(c.startswith("full(&[") and c.count(",") == 3 for c in calls), calls


def test_a_bound_named_by_a_constant_is_probed_on_both_sides(tmp_path, cargo_cache):
    root = write_crate(tmp_path / "units", {"src/lib.rs": """
        pub const KB: u64 = 1_000;

        fn unit_of(bytes: u64) -> &'static str {
            if bytes < KB { "B" } else { "kB" }
        }

        /// The unit a size is written in.
        pub fn unit(bytes: u64) -> String {
            unit_of(bytes).to_string()
        }
    """}, name="units")
    report = generate(root, cargo_cache)
    calls = {p.call.split("::")[-1]: p for p in report["probes"]["src/lib.rs"]}
    assert "unit(999)" in calls and "unit(1000)" in calls and "unit(1001)" in calls, calls
