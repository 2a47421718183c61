"""The plugin contract. Every hook is called with keyword arguments only.

Per-language hooks are ``firstresult``: an implementation returns ``None`` when the language
(read from its argument's ``language`` field) is not its own, and the first non-``None`` answer
wins. ``testgen_languages``, ``testgen_detect``, ``testgen_engines`` and ``testgen_reporters``
collect answers from every plugin.
"""

from __future__ import annotations

from typing import Any, Callable

import pluggy

from . import PROJECT_NAME
from .model import (
    Definition, Detection, DoctorCheck, Framework, LanguageInfo, OfflineRequest, ParsedFile,
    Probe, Project, Prompt, PromptRequest, RunResult, SourceFile, TestCandidate, TestFile,
    ValidationResult, Workspace,
)

hookspec = pluggy.HookspecMarker(PROJECT_NAME)


@hookspec
def testgen_languages() -> list[LanguageInfo]:
    """Declare the languages this plugin handles: extensions, frameworks, test-file patterns."""


@hookspec
def testgen_detect(project: Project) -> list[Detection]:
    """Report the plugin's languages (and frameworks) present in ``project``; ``[]`` if none."""


@hookspec(firstresult=True)
def testgen_parse(source: SourceFile) -> ParsedFile | None:
    """Parse ``source`` with tree-sitter; syntax errors go in ``ParsedFile.errors``."""


@hookspec(firstresult=True)
def testgen_extract(parsed: ParsedFile) -> list[Definition] | None:
    """List the functions, methods and classes of a parsed file, with hashes and complexity."""


@hookspec(firstresult=True)
def testgen_select_framework(project: Project, language: str,
                             requested: str | None) -> Framework | None:
    """Choose the test framework: ``requested`` if valid, else what the project uses, else the
    default. Raise ``TestgenError`` (TG504) for a requested framework the plugin lacks."""


@hookspec(firstresult=True)
def testgen_test_path(source: SourceFile, framework: Framework) -> str | None:
    """Project-relative path of the generated test file for ``source``."""


@hookspec(firstresult=True)
def testgen_probe(language: str, definitions: list[Definition], workspace: Workspace,
                  test_type: str) -> list[Probe] | None:
    """Execute ``definitions`` (all from one source file) on generated inputs inside
    ``workspace`` with one sandboxed launch, and return what really happened."""


@hookspec(firstresult=True)
def testgen_offline_candidates(request: OfflineRequest) -> list[TestCandidate] | None:
    """Turn probes of one definition into test candidates of ``request.test_type``."""


@hookspec(firstresult=True)
def testgen_render_prompt(request: PromptRequest) -> Prompt | None:
    """Render the prompt for ``request`` from the plugin's template pack."""


@hookspec(firstresult=True)
def testgen_assemble(candidates: list[TestCandidate], framework: Framework, source: SourceFile,
                     path: str) -> TestFile | None:
    """Build one test file at ``path`` from ``candidates``: header, merged imports, helpers,
    formatting, and the runner-id → candidate-id map."""


@hookspec(firstresult=True)
def testgen_validate(test_file: TestFile, workspace: Workspace) -> ValidationResult | None:
    """Compile / statically check ``test_file`` (already written in ``workspace``); attribute
    diagnostics to candidates where possible."""


@hookspec(firstresult=True)
def testgen_run(language: str, framework: Framework, test_files: list[TestFile],
                workspace: Workspace, coverage: bool) -> RunResult | None:
    """Run ``test_files`` in one launch (an empty list runs the project's existing suite),
    with per-test outcomes and, if ``coverage``, per-file coverage of the sources."""


@hookspec
def testgen_engines() -> dict[str, Callable[..., Any]]:
    """Register candidate engines by name (``{"offline": OfflineEngine}``)."""


@hookspec
def testgen_reporters() -> dict[str, Callable[..., str]]:
    """Register report renderers by format name (``{"html": render_html}``)."""


@hookspec
def testgen_doctor(project: Project) -> list[DoctorCheck]:
    """What the plugin's language needs for ``project`` (toolchain, framework, coverage tool)
    and whether it is installed, with what to install when it is not."""
