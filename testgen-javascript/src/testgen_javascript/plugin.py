"""JavaScript and TypeScript: one :class:`~testgen.language.Language` object, registered by the hook.

One language, ``javascript``, covers both dialects (``.js .mjs .cjs .jsx .ts .mts .cts .tsx``):
a project has one package.json, one test runner and one module system, whichever dialect its
files are written in. Each method hands the work to the module named for the stage; modules are imported on first
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

from . import package as pkg
from .package import LANGUAGE

EXTENSIONS = ("js", "mjs", "cjs", "jsx", "ts", "mts", "cts", "tsx")
# `x.test.js`, and the names node --test, nyc and c8 also take for tests: `test.js`,
# `test-x.js`, `x-test.js`.
TEST_FILE_PATTERNS = tuple(
    pattern.format(ext=ext) for ext in EXTENSIONS
    for pattern in ("*.test.{ext}", "*.spec.{ext}", "test.{ext}", "test-*.{ext}", "*-test.{ext}")
) + ("__tests__/", "test/", "tests/")

JAVASCRIPT = LanguageInfo(
    name=LANGUAGE, extensions=pkg.SUFFIXES, frameworks=pkg.FRAMEWORKS,
    default_framework=pkg.DEFAULT_FRAMEWORK, test_file_patterns=TEST_FILE_PATTERNS,
    grammar="javascript, typescript, tsx", toolchain=("node",),
    manifests=("package.json",), ignore_dirs=("coverage",),
    shipped_dirs=("dist", "build"), line_comments=("//", "/*", "*/", "* "),
)

_TEST_NAMES = (re.compile(r"^[ \t]*(?:test|it)\(\s*(['\"`])(.+?)\1", re.MULTILINE),
               re.compile(r"^[ \t]*(?:async[ \t]+)?function[ \t]+(\w+)", re.MULTILINE))
_IMPORT = re.compile(r"^(?:import[ \t]|(?:const|let|var)[ \t]+.+=[ \t]*require\()")


class JavaScript(Language):
    info = JAVASCRIPT
    env_passthrough = ("NODE_PATH", "NPM_CONFIG_CACHE")

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
        from .syntax import parse_source

        return parse_source(source)

    def extract(self, parsed: ParsedFile) -> list[Definition]:
        from .syntax import extract

        return extract(parsed)

    def test_path(self, source: SourceFile, framework: Framework) -> str:
        from .layout import test_path

        return test_path(source, framework)

    def probe(self, definitions: list[Definition], workspace: Workspace,
              test_type: str) -> list[Probe]:
        from .probe import probe

        return probe(definitions, workspace, test_type)

    def offline_candidates(self, request: OfflineRequest) -> list[TestCandidate]:
        from .offline import candidates

        return candidates(request)

    def render_prompt(self, request: PromptRequest) -> Prompt:
        from .prompts import render_prompt

        return render_prompt(request)

    def test_name(self, code: str) -> str | None:
        return first_match(_TEST_NAMES, code)

    def is_import(self, line: str) -> bool:
        return bool(_IMPORT.match(line)) and not line.rstrip().endswith(("(", "{"))

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

        return run(framework, test_files, workspace, coverage)


@hookimpl
def testgen_languages(register) -> None:
    register(JavaScript())
