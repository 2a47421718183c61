"""A result whose Debug text is no literal (`976.6 KiB`) but whose struct has public fields
is checked by value (with real cargo): the probe reports each field, and the test compares
with the struct written out (`Size(1000)`), so a change below the text's precision fails."""

from __future__ import annotations

from rust_helpers import generate, needs_cargo, write_crate, written_code

pytestmark = needs_cargo

SIZE = """
    use std::fmt;

    #[derive(Clone, Copy, PartialEq)]
    pub struct Size(pub u64);

    impl fmt::Debug for Size {
        fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
            write!(f, "{:.1} kB", self.0 as f64 / 1000.0)
        }
    }

    impl Size {
        pub fn kb(n: u64) -> Size { Size(n * 1000) }
        pub fn plus_one(self) -> Size { Size(self.0 + 1) }
    }
"""


def test_a_struct_with_public_fields_is_compared_by_value(tmp_path, cargo_cache):
    root = write_crate(tmp_path / "size", {"src/lib.rs": SIZE}, name="size")
    report = generate(root, cargo_cache)
    code = written_code(report)
    assert "assert_eq!(Size::kb(1), Size(1000)," in code, code
    # 1001 bytes displays as "1.0 kB", like 1000: only the value tells them apart.
    assert "size.plus_one(), Size(1001)" in code, code
    assert 'format!("{:?}", size.plus_one())' not in code
    assert report["final_run"].ok
