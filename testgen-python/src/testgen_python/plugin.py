"""The Python language: one :class:`~testgen.language.Language` object, registered by the hook.

Each method hands the work to the module named for the stage. Heavy imports (jinja2, subprocess
machinery) happen inside those modules, on first use, so loading the plugin stays cheap.
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

LANGUAGE = "python"
FRAMEWORKS = ("pytest", "unittest")

LANGUAGE_INFO = LanguageInfo(
    name=LANGUAGE,
    extensions=(".py",),
    frameworks=FRAMEWORKS,
    default_framework="pytest",
    test_file_patterns=("test_*.py", "*_test.py", "tests/**/conftest.py", "conftest.py"),
    grammar="python",
    toolchain=(),  # runs with the project's interpreter (or the one running TestGen)
    manifests=("pyproject.toml", "setup.py", "setup.cfg"),
    ignore_dirs=(".eggs", "site-packages", "htmlcov"),
    package_markers=("__init__.py",),
    line_comments=("#",),
    interpreter=True,
)

_TEST_NAMES = (re.compile(r"^[ \t]*(?:async[ \t]+)?def[ \t]+(test\w*)", re.MULTILINE),
               re.compile(r"^[ \t]*(?:async[ \t]+)?def[ \t]+(\w+)", re.MULTILINE))
_IMPORT = re.compile(r"^(?:import[ \t]|from[ \t]+\S+[ \t]+import[ \t])")


class Python(Language):
    info = LANGUAGE_INFO
    env_passthrough = ("VIRTUAL_ENV", "PYENV_ROOT", "PYENV_VERSION")

    def detect(self, project: Project) -> list[Detection]:
        from .project import detect

        return detect(project.root)

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

        return test_path(source.project_root, source.rel_path)

    def probe(self, definitions: list[Definition], workspace: Workspace,
              test_type: str) -> list[Probe]:
        from .probe import probe

        return probe(definitions, workspace, test_type)

    def offline_candidates(self, request: OfflineRequest) -> list[TestCandidate]:
        from .offline import offline_candidates

        return offline_candidates(request)

    def render_prompt(self, request: PromptRequest) -> Prompt:
        from .prompts import render_prompt

        return render_prompt(request)

    def test_name(self, code: str) -> str | None:
        return first_match(_TEST_NAMES, code)

    def is_import(self, line: str) -> bool:
        return bool(_IMPORT.match(line))

    def module_names(self, rel_path: str) -> tuple[str, ...]:
        return module_suffixes(rel_path, ".")

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
    register(Python())
