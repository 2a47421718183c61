"""A parser of a crate type gets the type's own Display texts as inputs (with real cargo):
its accepting paths run, a test checks the value it gives back with the constructor that
built it, and a text it does not give back is reported as a possible bug, not pinned."""

from __future__ import annotations

from rust_helpers import generate, needs_cargo, write_crate, written_code

pytestmark = needs_cargo

SIZE = """
    use std::fmt;
    use std::str::FromStr;

    #[derive(Debug, Clone, Copy, PartialEq)]
    pub struct Size(pub u64);

    impl Size {
        pub fn b(n: u64) -> Size { Size(n) }
        pub fn kb(n: u64) -> Size { Size(n * 1000) }
    }

    impl fmt::Display for Size {
        fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
            if self.0 >= 1000 { write!(f, "{} kB", self.0 / 1000) } else { write!(f, "{} B", self.0) }
        }
    }

    impl FromStr for Size {
        type Err = String;
        fn from_str(text: &str) -> Result<Size, String> {
            let (number, unit) = text.split_once(' ').ok_or("no unit")?;
            let n: u64 = number.parse().map_err(|_| "not a number".to_string())?;
            match unit {
                "B" => Ok(Size(n)),
                "kB" => Ok(Size(n * UNIT)),
                _ => Err(format!("unknown unit {unit}")),
            }
        }
    }
"""


def test_a_parser_is_checked_on_the_texts_its_type_displays(tmp_path, cargo_cache):
    root = write_crate(tmp_path / "size", {"src/lib.rs": SIZE.replace("UNIT", "1000")},
                       name="size")
    report = generate(root, cargo_cache)
    code = written_code(report)
    # The text Size::kb(42) displays, parsed, is Size::kb(42) again: said with the
    # constructor.
    assert 'assert_eq!( "42 kB".parse::<Size>(), Ok(Size::kb(42)),' in code, code
    assert not [c for c in report["candidates"] if c.status == "possible-bug"]
    assert report["final_run"].ok


def test_a_text_the_parser_does_not_give_back_is_a_possible_bug(tmp_path, cargo_cache):
    # The parser reads "kB" as 1024 bytes, the formatter writes it for 1000: "42 kB" comes
    # back as 43008 bytes, "43 kB". ("1 kB" comes back as 1024 bytes, which displays the
    # same: the text's rounding, not a finding.)
    root = write_crate(tmp_path / "size", {"src/lib.rs": SIZE.replace("UNIT", "1024")},
                       name="size")
    report = generate(root, cargo_cache)
    bugs = [c for c in report["candidates"] if c.status == "possible-bug"]
    assert len(bugs) == 1, bugs
    assert "Size::kb(42)" in bugs[0].reason and "'43 kB'" in bugs[0].reason
    code = "\n".join(f.content for f in report["files"])
    assert '"42 kB".parse::<Size>()' not in code  # never pinned as the expected behaviour
    assert '"1 kB".parse::<Size>()' in code


HEX = """
    /// Two lowercase hex digits per byte.
    pub fn encode(data: &[u8]) -> String {
        data.iter().map(|b| format!("{:02x}", b)).collect()
    }

    /// The bytes of a hex string; an error for an odd length or a non-hex digit.
    pub fn decode(text: &str) -> Result<Vec<u8>, String> {
        if text.len() % 2 != 0 {
            return Err("odd length".to_string());
        }
        (0..text.len()).step_by(2)
            .map(|i| u8::from_str_radix(&text[i..i + 2], 16).map_err(|e| e.to_string()))
            .collect()
    }
"""


def test_a_decoder_gets_what_its_encoder_returns(tmp_path, cargo_cache):
    root = write_crate(tmp_path / "hexish", {"src/lib.rs": HEX}, name="hexish")
    report = generate(root, cargo_cache)
    code = written_code(report)
    # encode(b"hello") is "68656c6c6f": decoded, the test writes the text, not the call.
    assert 'decode("68656c6c6f"), Ok(vec![104, 101, 108, 108, 111])' in code, code
    assert report["final_run"].ok
