"""Receivers of methods (with real cargo)."""

from __future__ import annotations

from rust_helpers import generate, needs_cargo, write_crate

pytestmark = needs_cargo


OPS = """
        #[derive(Debug, Clone, Copy, PartialEq)]
        pub enum Op { Eq, Ne, Lt, Le, Gt, Ge }

        impl Op {
            pub fn sign(self) -> &'static str {
                match self {
                    Op::Eq => "==", Op::Ne => "!=", Op::Lt => "<",
                    Op::Le => "<=", Op::Gt => ">", Op::Ge => ">=",
                }
            }
        }
"""


def test_a_method_of_a_fieldless_enum_is_called_on_every_variant(tmp_path, cargo_cache):
    root = write_crate(tmp_path / "ops", {"src/lib.rs": OPS}, name="ops")
    report = generate(root, cargo_cache)
    signs = {p.value for p in report["probes"]["src/lib.rs"] if p.call == "op.sign()"}
    assert signs == {'"=="', '"!="', '"<"', '"<="', '">"', '">="'}, signs


def test_unit_tests_pin_each_of_six_distinct_results(tmp_path, cargo_cache):
    # Each arm of the match is a mutant only its own variant's test kills.
    root = write_crate(tmp_path / "ops", {"src/lib.rs": OPS}, name="ops")
    report = generate(root, cargo_cache)
    code = "\n".join(f.content for f in report["files"])
    for sign in ("==", "!=", "<", "<=", ">", ">="):
        assert f'op.sign(), "{sign}"' in code, code
