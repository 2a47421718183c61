"""The Rust language: one :class:`~testgen.language.Language` object, registered by the hook.

Each method is the function of its name in the module of its stage (``parse`` →
``syntax.parse``; ``Language.stages``), imported on first use, so loading the plugin imports
none of them.
"""

from __future__ import annotations

import re

from testgen import hookimpl
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
    stages = "testgen_rust"


@hookimpl
def testgen_languages(register) -> None:
    register(Rust())
