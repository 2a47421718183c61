"""The Rust language: one :class:`~testgen.language.Language` object, registered by the hook.

Each method is the function of its name in the module of its stage (``parse`` →
``syntax.parse``; ``Language.stages``), imported on first use, so loading the plugin imports
none of them.
"""

from __future__ import annotations

import re

from testgen import hookimpl
from testgen.kit.mutation import MutationGrammar, Schemata
from testgen.language import Language
from testgen.model import LanguageInfo

LANGUAGE = "rust"
FRAMEWORKS = ("cargo-test", "proptest")
DEFAULT_FRAMEWORK = "cargo-test"

RUST = LanguageInfo(
    name=LANGUAGE, extensions=(".rs",), frameworks=FRAMEWORKS,
    default_framework=DEFAULT_FRAMEWORK,
    test_file_patterns=("tests/*.rs", "tests/**/*.rs", "**/tests/*.rs", "**/tests/**/*.rs",
                        "benches/"),
    grammar="rust", toolchain=("cargo",), manifests=("Cargo.toml",),
    ignore_dirs=("target",),
    line_comments=("//", "/*", "*/", "* "),
)


class Rust(Language):
    info = RUST
    env_passthrough = ("CARGO_HOME", "RUSTUP_HOME", "RUSTUP_TOOLCHAIN", "CARGO_TARGET_DIR",
                       "LLVM_PROFDATA", "LLVM_COV")
    test_patterns = (re.compile(r"#\[(?:[\w:]+::)?test\][\s\S]*?fn[ \t]+(\w+)"),
                     re.compile(r"^[ \t]*(?:pub[ \t]+)?fn[ \t]+(\w+)", re.MULTILINE))
    import_pattern = re.compile(r"^(?:use[ \t]+\S|extern[ \t]+crate[ \t])")
    module_separator = "::"
    # No `return` mutant (no null value of every type) and no removed `return Err(..)`;
    # `panic!` and the other macros are call statements. Strings inside macros stay (an
    # emptied format string does not compile).
    mutation = MutationGrammar(
        functions=frozenset({"function_item", "closure_expression"}),
        binary=frozenset({"binary_expression"}), negations=frozenset({"unary_expression"}),
        integers=frozenset({"integer_literal"}),
        skip_integers_under=frozenset({"field_expression"}),  # `self.0` is no value
        boolean_nodes=frozenset({"boolean_literal"}),
        booleans={"true": "false", "false": "true"}, strings=frozenset({"string_literal"}),
        skip_strings_under=frozenset({"token_tree"}),
        calls=frozenset({"call_expression", "macro_invocation"}), empty_statement="{}",
        # One build for a file's mutants: each body copied per mutant behind a switch read
        # from the environment once; the copies' warnings (unused braces, values) allowed,
        # so that a crate that denies warnings still builds.
        schemata=Schemata(
            functions=frozenset({"function_item"}),
            branch="if {switch}() == {number} {{ return {body}; }}",
            prelude="#![allow(warnings)] ",
            switch=("fn {switch}() -> u32 {{\n"
                    "    static ON: std::sync::OnceLock<u32> = std::sync::OnceLock::new();\n"
                    "    *ON.get_or_init(|| std::env::var(\"{variable}\").ok()\n"
                    "        .and_then(|v| v.parse().ok()).unwrap_or(0))\n}}"),
            unfit_signature=r"\bconst\b"),
    )
    stages = "testgen_rust"


@hookimpl
def testgen_languages(register) -> None:
    register(Rust())
