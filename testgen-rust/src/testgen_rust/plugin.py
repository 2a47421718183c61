"""The Rust language: one :class:`~testgen.language.Language` object, registered by the hook.

Each method hands the work to the module named for the stage; modules are imported on first
use so that loading the plugin stays cheap.
"""

from __future__ import annotations

import re

from testgen import hookimpl
from testgen.kit.snippets import first_match, module_suffixes
from testgen.language import Language
from testgen.model import (
    Definition, Detection, DoctorCheck, Framework, LanguageInfo, OfflineRequest, ParsedFile,
    Probe, Project, Prompt, PromptRequest, RunResult, SourceFile, TestCandidate, TestFile,
    ValidationResult, Workspace,
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

_TEST_NAMES = (re.compile(r"#\[(?:[\w:]+::)?test\][\s\S]*?fn[ \t]+(\w+)"),
               re.compile(r"^[ \t]*(?:pub[ \t]+)?fn[ \t]+(\w+)", re.MULTILINE))
_IMPORT = re.compile(r"^(?:use[ \t]+\S|extern[ \t]+crate[ \t])")


class Rust(Language):
    info = RUST
    env_passthrough = ("CARGO_HOME", "RUSTUP_HOME", "RUSTUP_TOOLCHAIN", "CARGO_TARGET_DIR",
                       "LLVM_PROFDATA", "LLVM_COV")

    def detect(self, project: Project) -> list[Detection]:
        from .project import detect

        return detect(project.root)

    def select_framework(self, project: Project, requested: str | None) -> Framework:
        from .project import select_framework

        return select_framework(project, requested or project.language_settings(
            LANGUAGE).get("framework"))

    def doctor(self, project: Project) -> list[DoctorCheck]:
        from .doctor import checks

        return checks(project)

    def parse(self, source: SourceFile) -> ParsedFile:
        from .syntax import parse_source

        return parse_source(source)

    def extract(self, parsed: ParsedFile) -> list[Definition]:
        from .syntax import extract_definitions

        return extract_definitions(parsed)

    def test_path(self, source: SourceFile, framework: Framework) -> str:
        from .layout import test_path

        return test_path(source)

    def probe(self, definitions: list[Definition], workspace: Workspace,
              test_type: str) -> list[Probe]:
        from .probe import probe_definitions

        return probe_definitions(definitions, workspace)

    def offline_candidates(self, request: OfflineRequest) -> list[TestCandidate]:
        from .offline import offline_candidates

        return offline_candidates(request)

    def render_prompt(self, request: PromptRequest) -> Prompt:
        from .prompts import render_prompt

        return render_prompt(request)

    def test_name(self, code: str) -> str | None:
        return first_match(_TEST_NAMES, code)

    def is_import(self, line: str) -> bool:
        return bool(_IMPORT.match(line)) and not line.rstrip().endswith("{")

    def module_names(self, rel_path: str) -> tuple[str, ...]:
        return module_suffixes(rel_path, "::")

    def assemble(self, candidates: list[TestCandidate], framework: Framework,
                 source: SourceFile, path: str) -> TestFile:
        from .assemble import assemble

        return assemble(candidates, framework, source, path)

    def validate(self, test_file: TestFile, workspace: Workspace) -> ValidationResult:
        from .validate import validate

        return validate(test_file, workspace)

    def run(self, framework: Framework, test_files: list[TestFile], workspace: Workspace,
            coverage: bool) -> RunResult:
        from .run import run

        return run(framework, test_files, workspace, coverage)


@hookimpl
def testgen_languages(register) -> None:
    register(Rust())
