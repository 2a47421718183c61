"""The Go language: one :class:`~testgen.language.Language` object, registered by the hook.

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

LANGUAGE = "go"
GO = LanguageInfo(
    name=LANGUAGE,
    extensions=(".go",),
    frameworks=("testing", "testify"),
    default_framework="testing",
    test_file_patterns=("*_test.go",),
    grammar="go",
    toolchain=("go",),
    manifests=("go.mod", "go.work"),
    ignore_dirs=("testdata",),
    line_comments=("//", "/*", "*/", "* "),
)

_TEST_NAMES = (re.compile(r"^[ \t]*func[ \t]+(Test\w*)[ \t]*\(", re.MULTILINE),
               re.compile(r"^[ \t]*func[ \t]+(\w+)", re.MULTILINE))
_IMPORT = re.compile(r"^import[ \t]")


class Go(Language):
    info = GO
    # GOCACHE is left out on purpose: the user's build cache is read-only in the sandbox, and
    # without it go keeps its cache under XDG_CACHE_HOME, which TestGen provides.
    env_passthrough = ("GOPATH", "GOROOT", "GOMODCACHE", "GOFLAGS", "GOPROXY", "GONOSUMDB",
                       "GOSUMDB", "GOTOOLCHAIN")

    def detect(self, project: Project) -> list[Detection]:
        from .project import detect

        return detect(project)

    def select_framework(self, project: Project, requested: str | None) -> Framework:
        from .project import select_framework

        return select_framework(project, requested)

    def doctor(self, project: Project) -> list[DoctorCheck]:
        from .doctor import checks

        return checks(project)

    def parse(self, source: SourceFile) -> ParsedFile:
        from .syntax import parse

        return parse(source)

    def extract(self, parsed: ParsedFile) -> list[Definition]:
        from .syntax import extract

        return extract(parsed)

    def test_path(self, source: SourceFile, framework: Framework) -> str:
        from .layout import test_path

        return test_path(source)

    def probe(self, definitions: list[Definition], workspace: Workspace,
              test_type: str) -> list[Probe]:
        from .probe import probe

        return probe(definitions, workspace, test_type)

    def offline_candidates(self, request: OfflineRequest) -> list[TestCandidate]:
        from .offline import candidates

        return candidates(request)

    def render_prompt(self, request: PromptRequest) -> Prompt:
        from .prompts import render

        return render(request)

    def test_name(self, code: str) -> str | None:
        return first_match(_TEST_NAMES, code)

    def is_import(self, line: str) -> bool:
        return bool(_IMPORT.match(line)) and not line.rstrip().endswith("(")

    def module_names(self, rel_path: str) -> tuple[str, ...]:
        return module_suffixes(rel_path, "/")

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

        return run(test_files, workspace, coverage)


@hookimpl
def testgen_languages(register) -> None:
    register(Go())
