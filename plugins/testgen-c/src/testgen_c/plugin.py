"""TestGen hooks for C.

Each hook checks that the call is about C (and returns ``None`` otherwise, so the next plugin
can answer), then hands over to the module named for the stage. Modules are imported inside
the hooks so that loading the plugin (``testgen --help``, ``testgen plugins``) stays cheap.
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


@hookimpl
def testgen_languages() -> list[LanguageInfo]:
    return [LanguageInfo(
        name=LANGUAGE, extensions=proj.EXTENSIONS, frameworks=proj.FRAMEWORKS,
        default_framework=proj.FRAMEWORK, test_file_patterns=proj.TEST_FILE_PATTERNS,
        grammar="c", toolchain=(proj.COMPILER,), manifests=proj.MANIFESTS,
    )]


@hookimpl
def testgen_detect(project: Project) -> list[Detection]:
    return proj.detect(project)


@hookimpl
def testgen_parse(source: SourceFile) -> ParsedFile | None:
    if source.language != LANGUAGE:
        return None
    from .syntax import parse

    return parse(source)


@hookimpl
def testgen_extract(parsed: ParsedFile) -> list[Definition] | None:
    if parsed.source.language != LANGUAGE:
        return None
    from .syntax import extract

    return extract(parsed)


@hookimpl
def testgen_select_framework(project: Project, language: str,
                             requested: str | None) -> Framework | None:
    if language != LANGUAGE:
        return None
    return proj.select_framework(project, requested)


@hookimpl
def testgen_test_path(source: SourceFile, framework: Framework) -> str | None:
    if source.language != LANGUAGE:
        return None
    return proj.test_path(source)


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
    from .run import validate

    return validate(test_file, workspace)


@hookimpl
def testgen_run(language: str, framework: Framework, test_files: list[TestFile],
                workspace: Workspace, coverage: bool) -> RunResult | None:
    if language != LANGUAGE:
        return None
    from .run import run

    return run(framework, test_files, workspace, coverage)
