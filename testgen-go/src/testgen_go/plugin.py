"""The Go language: one :class:`~testgen.language.Language` object, registered by the hook.

Each method is implemented by the module named for its stage, imported on first use
(``implemented_by``), so loading the plugin imports none of them.
"""

from __future__ import annotations

import re

from testgen import hookimpl
from testgen.language import Language, implemented_by
from testgen.model import Framework, LanguageInfo, RunResult, SourceFile, TestFile, Workspace

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


class Go(Language):
    info = GO
    # GOCACHE is left out on purpose: the user's build cache is read-only in the sandbox, and
    # without it go keeps its cache under XDG_CACHE_HOME, which TestGen provides.
    env_passthrough = ("GOPATH", "GOROOT", "GOMODCACHE", "GOFLAGS", "GOPROXY", "GONOSUMDB",
                       "GOSUMDB", "GOTOOLCHAIN")
    test_patterns = (re.compile(r"^[ \t]*func[ \t]+(Test\w*)[ \t]*\(", re.MULTILINE),
                     re.compile(r"^[ \t]*func[ \t]+(\w+)", re.MULTILINE))
    import_pattern = re.compile(r"^import[ \t]")
    module_separator = "/"

    detect = implemented_by("testgen_go.project:detect")
    select_framework = implemented_by("testgen_go.project:select_framework")
    doctor = implemented_by("testgen_go.doctor:checks")
    parse = implemented_by("testgen_go.syntax:parse")
    extract = implemented_by("testgen_go.syntax:extract")
    probe = implemented_by("testgen_go.probe:probe")
    offline_candidates = implemented_by("testgen_go.offline:candidates")
    render_prompt = implemented_by("testgen_go.prompts:render")
    assemble = implemented_by("testgen_go.assemble:assemble")
    validate = implemented_by("testgen_go.validate:validate")

    def run(self, framework: Framework, test_files: list[TestFile], workspace: Workspace,
            coverage: bool) -> RunResult:
        from .run import run

        return run(test_files, workspace, coverage)  # one framework runner: go test

    def test_path(self, source: SourceFile, framework: Framework) -> str:
        from .layout import test_path

        return test_path(source)  # beside the source, whatever the framework


@hookimpl
def testgen_languages(register) -> None:
    register(Go())
