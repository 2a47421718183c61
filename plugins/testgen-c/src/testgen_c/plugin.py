"""The C language: one :class:`~testgen.language.Language` object, registered by the hook.

Each method hands the work to the module named for its stage (``parse`` → ``syntax.py``,
``probe`` → ``probe.py``, …). Those modules import only the standard library and the
``testgen`` kit; the heavy libraries (tree-sitter, Jinja2) load on first use, so loading the
plugin (``testgen --help``, ``testgen plugins``) stays cheap.
"""

from __future__ import annotations

import re

from testgen import hookimpl
from testgen.kit.snippets import first_match, module_suffixes
from testgen.language import Language
from testgen.model import (
    Definition, Detection, Framework, LanguageInfo, OfflineRequest, ParsedFile, Probe, Project,
    Prompt, PromptRequest, RunResult, SourceFile, TestCandidate, TestFile, ValidationResult,
    Workspace,
)

from . import assemble, layout, offline, probe, prompts, run, syntax, validate
from . import project as proj

_TEST_NAMES = (re.compile(r"^TEST\((\w+)\)", re.MULTILINE),)


class C(Language):
    info = LanguageInfo(
        name=proj.LANGUAGE, extensions=proj.EXTENSIONS, frameworks=proj.FRAMEWORKS,
        default_framework=proj.FRAMEWORK, test_file_patterns=proj.TEST_FILE_PATTERNS,
        grammar="c", toolchain=(proj.COMPILER,), manifests=proj.MANIFESTS,
        line_comments=("//", "/*", "*/", "* "),
    )

    def detect(self, project: Project) -> list[Detection]:
        return proj.detect(project)

    def select_framework(self, project: Project, requested: str | None) -> Framework:
        return proj.select_framework(project, requested)

    def parse(self, source: SourceFile) -> ParsedFile:
        return syntax.parse(source)

    def extract(self, parsed: ParsedFile) -> list[Definition]:
        return syntax.extract(parsed)

    def test_path(self, source: SourceFile, framework: Framework) -> str:
        return layout.test_path(source)

    def probe(self, definitions: list[Definition], workspace: Workspace,
              test_type: str) -> list[Probe]:
        return probe.probe(definitions, workspace, test_type)

    def offline_candidates(self, request: OfflineRequest) -> list[TestCandidate]:
        return offline.candidates(request)

    def render_prompt(self, request: PromptRequest) -> Prompt:
        return prompts.render_prompt(request)

    def test_name(self, code: str) -> str | None:
        return first_match(_TEST_NAMES, code)

    def is_import(self, line: str) -> bool:
        return line.startswith("#include")

    def module_names(self, rel_path: str) -> tuple[str, ...]:
        return module_suffixes(rel_path, "/")

    def assemble(self, candidates: list[TestCandidate], framework: Framework,
                 source: SourceFile, path: str) -> TestFile:
        return assemble.assemble(candidates, framework, source, path)

    def validate(self, test_file: TestFile, workspace: Workspace) -> ValidationResult:
        return validate.validate(test_file, workspace)

    def run(self, framework: Framework, test_files: list[TestFile], workspace: Workspace,
            coverage: bool) -> RunResult:
        return run.run(framework, test_files, workspace, coverage)


@hookimpl
def testgen_languages(register) -> None:
    register(C())
