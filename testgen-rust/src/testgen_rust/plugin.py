"""The Rust language: one :class:`~testgen.language.Language` object, registered by the hook.

Each method is implemented by the module named for its stage, imported on first use
(``implemented_by``), so loading the plugin imports none of them.
"""

from __future__ import annotations

import re

from testgen import hookimpl
from testgen.language import Language, implemented_by
from testgen.model import (
    Definition, Detection, Framework, LanguageInfo, Probe, Project, SourceFile, Workspace,
)

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

    doctor = implemented_by("testgen_rust.doctor:checks")
    parse = implemented_by("testgen_rust.syntax:parse_source")
    extract = implemented_by("testgen_rust.syntax:extract_definitions")
    offline_candidates = implemented_by("testgen_rust.offline:offline_candidates")
    render_prompt = implemented_by("testgen_rust.prompts:render_prompt")
    assemble = implemented_by("testgen_rust.assemble:assemble")
    validate = implemented_by("testgen_rust.validate:validate")
    run = implemented_by("testgen_rust.run:run")

    def detect(self, project: Project) -> list[Detection]:
        from .project import detect

        return detect(project.root)

    def select_framework(self, project: Project, requested: str | None) -> Framework:
        from .project import select_framework

        return select_framework(project, requested or project.language_settings(
            LANGUAGE).get("framework"))

    def probe(self, definitions: list[Definition], workspace: Workspace,
              test_type: str) -> list[Probe]:
        from .probe import probe_definitions

        return probe_definitions(definitions, workspace)  # every test type, one probe

    def test_path(self, source: SourceFile, framework: Framework) -> str:
        from .layout import test_path

        return test_path(source)  # the crate's tests/, whatever the framework


@hookimpl
def testgen_languages(register) -> None:
    register(Rust())
