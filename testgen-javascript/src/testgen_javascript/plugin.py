"""TestGen hooks for JavaScript and TypeScript.

One language, ``javascript``, covers both dialects (``.js .mjs .cjs .jsx .ts .mts .cts .tsx``):
a project has one package.json, one test runner and one module system, whichever dialect its
files are written in. Each hook here only checks the language and hands over to the module
named for the stage.
"""

from __future__ import annotations

from testgen import hookimpl
from testgen.model import (
    Definition, Detection, Framework, LanguageInfo, OfflineRequest, ParsedFile, Probe, Project,
    Prompt, PromptRequest, RunResult, SourceFile, TestCandidate, TestFile, ValidationResult,
    Workspace,
)

from . import project as proj
from .project import LANGUAGE

EXTENSIONS = ("js", "mjs", "cjs", "jsx", "ts", "mts", "cts", "tsx")
# `x.test.js`, and the names node --test, nyc and c8 also take for tests: `test.js`,
# `test-x.js`, `x-test.js`.
TEST_FILE_PATTERNS = tuple(
    pattern.format(ext=ext) for ext in EXTENSIONS
    for pattern in ("*.test.{ext}", "*.spec.{ext}", "test.{ext}", "test-*.{ext}", "*-test.{ext}")
) + ("__tests__/", "test/", "tests/")


@hookimpl
def testgen_languages() -> list[LanguageInfo]:
    return [LanguageInfo(
        name=LANGUAGE, extensions=proj.SUFFIXES, frameworks=proj.FRAMEWORKS,
        default_framework=proj.DEFAULT_FRAMEWORK, test_file_patterns=TEST_FILE_PATTERNS,
        grammar="javascript, typescript, tsx", toolchain=("node",),
        manifests=("package.json",), ignore_dirs=("coverage",),
        shipped_dirs=("dist", "build"),
    )]


@hookimpl
def testgen_detect(project: Project) -> list[Detection]:
    from .detect import detect

    return detect(project)


@hookimpl
def testgen_parse(source: SourceFile) -> ParsedFile | None:
    if source.language != LANGUAGE:
        return None
    from .syntax import parse_source

    return parse_source(source)


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
    from .detect import select_framework

    return select_framework(project, requested)


@hookimpl
def testgen_test_path(source: SourceFile, framework: Framework) -> str | None:
    if source.language != LANGUAGE:
        return None
    from .paths import test_path

    return test_path(source, framework)


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
    from .offline import candidates

    return candidates(request)


@hookimpl
def testgen_render_prompt(request: PromptRequest) -> Prompt | None:
    if request.framework.language != LANGUAGE:
        return None
    from .prompts import render_prompt

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
