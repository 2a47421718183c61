"""The hook implementations of the Python plugin.

Each hook checks that the request is for Python and hands the work to the module named after
it; this file only wires them to the contract in ``testgen.hookspecs``. Heavy imports (jinja2,
subprocess machinery) happen inside those modules, on first use.
"""

from __future__ import annotations

from testgen import hookimpl
from testgen.model import (
    Definition, Detection, Framework, LanguageInfo, OfflineRequest, ParsedFile, Probe, Project,
    Prompt, PromptRequest, RunResult, SourceFile, TestCandidate, TestFile, ValidationResult,
    Workspace,
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
)


@hookimpl
def testgen_languages() -> list[LanguageInfo]:
    return [LANGUAGE_INFO]


@hookimpl
def testgen_detect(project: Project) -> list[Detection]:
    from .project import detect

    return detect(project.root)


@hookimpl
def testgen_parse(source: SourceFile) -> ParsedFile | None:
    if source.language != LANGUAGE:
        return None
    from .extract import parse

    return parse(source)


@hookimpl
def testgen_extract(parsed: ParsedFile) -> list[Definition] | None:
    if parsed.source.language != LANGUAGE:
        return None
    from .extract import extract

    return extract(parsed)


@hookimpl
def testgen_select_framework(project: Project, language: str,
                             requested: str | None) -> Framework | None:
    if language != LANGUAGE:
        return None
    from .project import select_framework

    return select_framework(project, requested)


@hookimpl
def testgen_test_path(source: SourceFile, framework: Framework) -> str | None:
    if source.language != LANGUAGE:
        return None
    from .layout import test_path

    return test_path(source.project_root, source.rel_path)


@hookimpl
def testgen_probe(language: str, definitions: list[Definition], workspace: Workspace,
                  test_type: str) -> list[Probe] | None:
    if language != LANGUAGE:
        return None
    from .probe import probe

    return probe(definitions, workspace, test_type)


@hookimpl
def testgen_offline_candidates(request: OfflineRequest) -> list[TestCandidate] | None:
    if request.definition.language != LANGUAGE:
        return None
    from .offline import offline_candidates

    return offline_candidates(request)


@hookimpl
def testgen_render_prompt(request: PromptRequest) -> Prompt | None:
    if request.framework.language != LANGUAGE:
        return None
    from .prompt import render_prompt

    return render_prompt(request)


@hookimpl
def testgen_assemble(candidates: list[TestCandidate], framework: Framework, source: SourceFile,
                     path: str) -> TestFile | None:
    if framework.language != LANGUAGE:
        return None
    from .assemble import assemble

    return assemble(candidates, framework, source, path)


@hookimpl
def testgen_validate(test_file: TestFile, workspace: Workspace) -> ValidationResult | None:
    if test_file.language != LANGUAGE:
        return None
    from .validate import validate

    return validate(test_file, workspace)


@hookimpl
def testgen_run(language: str, framework: Framework, test_files: list[TestFile],
                workspace: Workspace, coverage: bool) -> RunResult | None:
    if language != LANGUAGE:
        return None
    from .run import run

    return run(framework, test_files, workspace, coverage)


@hookimpl
def testgen_doctor(project: Project) -> list:
    """Toolchain, framework and coverage tool for ``testgen doctor`` (``DoctorCheck``s)."""
    from .doctor import checks

    return checks(project)
