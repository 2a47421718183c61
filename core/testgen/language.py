"""The language contract: one object per language, picked once by the core.

A language plugin registers one :class:`Language` per language it handles::

    class Go(Language):
        info = LanguageInfo(name="go", extensions=(".go",), ...)

        def parse(self, source): ...

    @hookimpl
    def testgen_languages(register):
        register(Go())

The core finds the object by the source file's language and calls its typed methods; it never
asks a plugin whether a request is its own. A later registration under the same name replaces
an earlier one (a third-party plugin can take over a language). Methods that every language
must answer raise :class:`NotImplementedError` here; the others have a default that means "this
language does not do that" (no probes, no offline tests, the generic prompt, no doctor checks).

Plugins import only ``testgen.hookimpl``, ``testgen.model``, ``testgen.language``,
``testgen.kit`` and ``testgen.testing``.
"""

from __future__ import annotations

import importlib
import re
from typing import TYPE_CHECKING, Any, Callable, ClassVar

from .model import (
    Definition, Detection, DoctorCheck, Framework, LanguageInfo, OfflineRequest, ParsedFile,
    Probe, Project, Prompt, PromptRequest, RunResult, SourceFile, TestCandidate, TestFile,
    ValidationResult, Workspace,
)

if TYPE_CHECKING:
    from .kit.mutation import MutationGrammar

__all__ = ["LAYOUT", "Language", "implemented_by"]

LAYOUT: dict[str, str] = {
    "detect": "project", "select_framework": "project", "doctor": "doctor",
    "parse": "syntax", "extract": "syntax", "test_path": "layout", "probe": "probe",
    "offline_candidates": "offline", "render_prompt": "prompts", "assemble": "assemble",
    "validate": "validate", "run": "run",
}
"""The module layout of a language plugin: which module of its package implements a method,
in a function of the method's name (``parse`` → ``<package>.syntax.parse``)."""


class Language:
    """Everything TestGen asks of one language. Subclass it and set :attr:`info`."""

    info: ClassVar[LanguageInfo]
    """Name, extensions, frameworks, test-file patterns, manifests, toolchain."""

    env_passthrough: ClassVar[tuple[str, ...]] = ()
    """Environment variables the language's toolchain reads (``GOPATH``, ``CARGO_HOME``):
    passed into the sandbox, where every other variable but a few system ones is dropped."""

    test_patterns: ClassVar[tuple[re.Pattern[str], ...]] = ()
    """How test code names its tests, most specific first; the last group of the first
    pattern that matches is the name (:meth:`test_name`)."""

    import_pattern: ClassVar[re.Pattern[str] | None] = None
    """What an import line of test code looks like (:meth:`is_import`)."""

    module_separator: ClassVar[str] = ""
    """What joins the parts of a module's name in test code (``"."``, ``"::"``); empty when
    tests never name modules (:meth:`module_names`)."""

    mutation: ClassVar[MutationGrammar | None] = None
    """What the language's tree-sitter grammar calls operators, literals, returns, raises and
    call statements (:class:`testgen.kit.mutation.MutationGrammar`), from which the core lists
    mutants and measures how many the suite kills (``validate --mutation``); ``None``: the
    language has no mutation analysis."""

    stages: ClassVar[str] = ""
    """The plugin's package (``"testgen_go"``), laid out as :data:`LAYOUT` says: each method
    the class does not write itself is the function of the same name in the module of its
    stage, imported on the first call. A stage module the package does not have leaves the
    method's default."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not cls.stages:
            return
        from importlib.util import find_spec

        for method, module in LAYOUT.items():
            if getattr(cls, method) is not getattr(Language, method):
                continue  # written in the class (or a base between it and Language)
            if find_spec(f"{cls.stages}.{module}") is not None:
                stage = implemented_by(f"{cls.stages}.{module}:{method}")
                stage.__set_name__(cls, method)
                setattr(cls, method, stage)

    @property
    def name(self) -> str:
        """The language's name (``info.name``)."""
        return self.info.name

    # ----------------------------------------------------------------- the project

    def detect(self, project: Project) -> list[Detection]:
        """Whether the language (and which frameworks) are present in ``project``; ``[]`` if
        not (pyproject/package.json/go.mod/Cargo.toml, existing tests)."""
        return []

    def select_framework(self, project: Project, requested: str | None) -> Framework:
        """``requested`` if the language has it, else what the project uses, else the default.
        Raise ``TestgenError`` (TG504) for a requested framework the language lacks."""
        raise NotImplementedError

    def doctor(self, project: Project) -> list[DoctorCheck]:
        """What the language needs for ``project`` (toolchain, framework, coverage tool) and
        whether it is installed, with what to install when it is not (``testgen doctor``)."""
        return []

    # ----------------------------------------------------------------- reading code

    def parse(self, source: SourceFile) -> ParsedFile:
        """Parse ``source`` with tree-sitter; syntax errors go in ``ParsedFile.errors``."""
        raise NotImplementedError

    def extract(self, parsed: ParsedFile) -> list[Definition]:
        """The functions, methods and classes of a parsed file, with hashes and complexity."""
        raise NotImplementedError

    def outline(self, parsed: ParsedFile) -> list[Definition]:
        """The definitions :meth:`extract` finds, where only their names, kinds, lines,
        signatures, complexity and testability count (``analyze`` and ``validate`` over a
        whole tree): a language may leave out the code, content hash, docstring, parameters,
        calls, imports and decorators, which only prompts, tests and the incremental state
        read, to go faster. By default, :meth:`extract`."""
        return self.extract(parsed)

    # ----------------------------------------------------------------- making tests

    def test_path(self, source: SourceFile, framework: Framework) -> str:
        """Project-relative path of the generated test file for ``source``."""
        raise NotImplementedError

    def probe(self, definitions: list[Definition], workspace: Workspace,
              test_type: str) -> list[Probe]:
        """Execute ``definitions`` (all from one source file) on generated inputs inside
        ``workspace`` with one sandboxed launch, and return what really happened."""
        return []

    def offline_candidates(self, request: OfflineRequest) -> list[TestCandidate]:
        """Turn the probes of one definition into test candidates of ``request.test_type``."""
        return []

    def render_prompt(self, request: PromptRequest) -> Prompt | None:
        """The prompt for ``request`` from the language's template pack; ``None`` lets the
        LLM engine use its generic prompt."""
        return None

    def test_name(self, code: str) -> str | None:
        """The name of the first test a snippet of test code defines (``def test_x``,
        ``func TestX``), as the runner reports it; ``None`` when it defines none. The LLM
        engine uses it on answers that come as bare code blocks. Default: from
        :attr:`test_patterns`."""
        for pattern in self.test_patterns:
            match = pattern.search(code)
            if match:
                return match.group(match.lastindex or 0)
        return None

    def is_import(self, line: str) -> bool:
        """Whether one line of test code is an import the test file must hoist to its top
        (``import x``, ``use crate::y;``). The LLM engine splits answers with it. Default: the
        line matches :attr:`import_pattern` and opens no block (``import (`` goes on)."""
        return bool(self.import_pattern and self.import_pattern.match(line)
                    and not line.rstrip().endswith(("(", "{")))

    def module_names(self, rel_path: str) -> tuple[str, ...]:
        """How test code names the module of the source file at ``rel_path``, longest first
        (``("pkg.util.text", "util.text")``): a test made for one copy of a file is reused
        for another copy by replacing the one name with the other. ``()``: never reused.
        Default: the path's trailing parts joined by :attr:`module_separator`."""
        if not self.module_separator:
            return ()
        parts = rel_path.rsplit(".", 1)[0].split("/")
        return tuple(self.module_separator.join(parts[-length:])
                     for length in range(len(parts), 1, -1))

    def assemble(self, candidates: list[TestCandidate], framework: Framework,
                 source: SourceFile, path: str) -> TestFile:
        """Build one test file at ``path`` from ``candidates``: the generated header, merged
        imports, helpers, formatting, and the runner-id → candidate-id map."""
        raise NotImplementedError

    # ----------------------------------------------------------------- checking tests

    def validate(self, test_file: TestFile, workspace: Workspace) -> ValidationResult:
        """Compile or statically check ``test_file`` (already written in ``workspace``);
        attribute diagnostics to candidates where possible."""
        raise NotImplementedError

    def run(self, framework: Framework, test_files: list[TestFile], workspace: Workspace,
            coverage: bool) -> RunResult:
        """Run ``test_files`` in one launch (an empty list runs the project's existing suite),
        with per-test outcomes and, if ``coverage``, per-file coverage of the sources."""
        raise NotImplementedError


class implemented_by:
    """A :class:`Language` method implemented by a function of the plugin, named
    ``"package.module:function"`` and imported on its first call, so that loading a plugin
    imports none of its stages::

        class Go(Language):
            parse = implemented_by("testgen_go.syntax:parse")

    The function takes the method's arguments, without ``self``.
    """

    def __init__(self, target: str) -> None:
        self.target = target
        self._function: Callable[..., Any] | None = None

    def __set_name__(self, owner: type, name: str) -> None:
        contract = getattr(Language, name, None)
        self.__doc__ = getattr(contract, "__doc__", None)

    def __get__(self, instance: object, owner: type | None = None) -> Any:
        if instance is None:
            return self
        if self._function is None:
            module, _, name = self.target.partition(":")
            self._function = getattr(importlib.import_module(module), name)
        return self._function
