"""TestGen hooks for Rust. Each hook answers only for ``rust`` and delegates to one module."""

from __future__ import annotations

from testgen import hookimpl
from testgen.errors import TestgenError
from testgen.model import (
    Definition, Detection, Framework, LanguageInfo, OfflineRequest, ParsedFile, Probe, Project,
    Prompt, PromptRequest, RunResult, SourceFile, TestCandidate, TestFile, ValidationResult,
    Workspace,
)

LANGUAGE = "rust"
FRAMEWORKS = ("cargo-test", "proptest")
DEFAULT_FRAMEWORK = "cargo-test"


@hookimpl
def testgen_languages() -> list[LanguageInfo]:
    return [LanguageInfo(
        name=LANGUAGE, extensions=(".rs",), frameworks=FRAMEWORKS,
        default_framework=DEFAULT_FRAMEWORK,
        test_file_patterns=("tests/*.rs", "tests/**/*.rs", "**/tests/*.rs", "**/tests/**/*.rs",
                            "benches/"),
        grammar="rust", toolchain=("cargo",), manifests=("Cargo.toml",),
        ignore_dirs=("target",),
    )]


@hookimpl
def testgen_detect(project: Project) -> list[Detection]:
    from .detect import detect

    return detect(project.root)


@hookimpl
def testgen_parse(source: SourceFile) -> ParsedFile | None:
    if source.language != LANGUAGE:
        return None
    from .extract import parse_source

    return parse_source(source)


@hookimpl
def testgen_extract(parsed: ParsedFile) -> list[Definition] | None:
    if parsed.source.language != LANGUAGE:
        return None
    from .extract import extract_definitions

    return extract_definitions(parsed)


@hookimpl
def testgen_select_framework(project: Project, language: str,
                             requested: str | None) -> Framework | None:
    if language != LANGUAGE:
        return None
    from .detect import select_framework

    return select_framework(project, requested or project.language_settings(
        LANGUAGE).get("framework"))


@hookimpl
def testgen_test_path(source: SourceFile, framework: Framework) -> str | None:
    if source.language != LANGUAGE:
        return None
    from .assemble import test_path

    return test_path(source)


@hookimpl
def testgen_probe(language: str, definitions: list[Definition], workspace: Workspace,
                  test_type: str) -> list[Probe] | None:
    if language != LANGUAGE:
        return None
    from .probe import probe_definitions

    return probe_definitions(definitions, workspace)


@hookimpl
def testgen_offline_candidates(request: OfflineRequest) -> list[TestCandidate] | None:
    if request.definition.language != LANGUAGE:
        return None
    from .candidates import offline_candidates

    return offline_candidates(request)


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
    from .runner import validate

    return validate(test_file, workspace)


@hookimpl
def testgen_run(language: str, framework: Framework, test_files: list[TestFile],
                workspace: Workspace, coverage: bool) -> RunResult | None:
    if language != LANGUAGE:
        return None
    from .runner import run

    return run(framework, test_files, workspace, coverage)


__all__ = ["TestgenError"]


@hookimpl
def testgen_doctor(project: Project) -> list:
    """Toolchain, framework and coverage tool for ``testgen doctor`` (``DoctorCheck``s)."""
    from .doctor import checks

    return checks(project)
