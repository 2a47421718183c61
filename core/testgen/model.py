"""The data that flows through the pipeline, as plain dataclasses.

Together with :mod:`testgen.hookspecs` this is the whole public API for plugins. Every stage
receives these objects and returns new ones; nothing reaches back into an earlier stage.

Paths: ``SourceFile.path`` is absolute; every ``rel_path``/``file`` field is relative to the
project root and uses ``/`` separators, so reports and state are portable between machines.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Literal, Mapping, Sequence

TEST_TYPES: tuple[str, ...] = (
    "unit", "edge-cases", "negative", "table-driven", "integration", "regression",
)
"""The test types every template pack and engine understands."""

STATUSES: tuple[str, ...] = ("kept", "failed", "flaky", "no-gain", "error", "skipped",
                             "possible-bug")
"""Every candidate ends with exactly one of these."""

CandidateStatus = Literal["pending", "kept", "failed", "flaky", "no-gain", "error", "skipped",
                          "possible-bug"]


# --------------------------------------------------------------------------- languages


@dataclass(frozen=True)
class LanguageInfo:
    """What a plugin declares about the language it handles."""

    name: str
    """Language name used everywhere else (``"python"``, ``"go"``)."""
    extensions: tuple[str, ...]
    """Source file suffixes, with the dot (``(".py",)``)."""
    frameworks: tuple[str, ...]
    """Test frameworks the plugin can generate for."""
    default_framework: str
    """Framework used when neither the project nor the user names one."""
    test_file_patterns: tuple[str, ...]
    """Gitignore-style patterns that identify existing test files (``("test_*.py",)``)."""
    grammar: str = ""
    """tree-sitter grammar name (informational)."""
    toolchain: tuple[str, ...] = ()
    """Executables the plugin needs for validate/run (``("go",)``)."""
    manifests: tuple[str, ...] = ()
    """Files that mark a project root for this language (``("go.mod",)``)."""
    ignore_dirs: tuple[str, ...] = ()
    """Extra directories never scanned (``("testdata",)``), on top of the global ignores."""
    shipped_dirs: tuple[str, ...] = ()
    """Globally ignored directories that hold a package's only code when nothing else does
    (``("dist",)`` for a package published compiled): scanned when the walk found no source
    of this language elsewhere."""
    package_markers: tuple[str, ...] = ()
    """Files that make a directory part of a package above it (``("__init__.py",)``): the
    project root of a file is never such a directory, so its import name stays whole."""
    interpreter: bool = False
    """The project's code runs with an interpreter the user can name: the CLI gets a
    ``--<name> PATH`` option, setting ``languages.<name>.interpreter``."""
    line_comments: tuple[str, ...] = ()
    """How comment lines start (``("#",)``, ``("//", "/*", "*/", "* ")``): an edit to them
    alone does not ask the model again."""


@dataclass(frozen=True)
class DoctorCheck:
    """One thing a language needs, and whether this machine has it (``testgen doctor``)."""

    language: str
    what: str
    """``toolchain``, ``framework``, ``coverage`` or another short noun."""
    ok: bool
    found: str = ""
    """What was found (``go1.23.4 at /usr/bin/go``), or why it is missing."""
    install: str = ""
    """What to install or run when it is missing (``apt-get install llvm-19``)."""


@dataclass(frozen=True)
class Project:
    """The project being worked on: its root and the settings that concern plugins."""

    root: Path
    """Absolute project root (the directory holding the config, VCS root or ``--path``)."""
    settings: Mapping[str, Any] = field(default_factory=dict)
    """The ``languages.<name>`` section of the effective configuration, keyed by language."""

    def language_settings(self, language: str) -> Mapping[str, Any]:
        """Settings for one language (``framework``, ``test_types``), empty when unset."""
        return self.settings.get(language) or {}


@dataclass(frozen=True)
class Detection:
    """A language (and, when known, its test framework) found in a project."""

    language: str
    root: Path
    """Directory of the manifest that revealed it (``go.mod``, ``package.json``…)."""
    framework: str | None = None
    evidence: tuple[str, ...] = ()
    """Human-readable reasons: ``"pyproject.toml: [tool.pytest.ini_options]"``."""
    details: Mapping[str, Any] = field(default_factory=dict)
    """Language-specific facts (module path, package manager, edition…)."""


@dataclass(frozen=True)
class Framework:
    """The test framework selected for one language in one project."""

    name: str
    language: str
    reason: str = ""
    """Why it was chosen (``"requested"``, ``"pyproject.toml uses pytest"``)."""
    details: Mapping[str, Any] = field(default_factory=dict)
    run_hint: str = ""
    """How to run the generated tests when the project's own test command does not (no test
    script, or one that runs another framework); the summary shows it. Empty: it does."""


# --------------------------------------------------------------------------- sources


@dataclass(frozen=True)
class SourceFile:
    """One readable UTF-8 source file of a known language."""

    path: Path
    rel_path: str
    language: str
    text: str
    project_root: Path

    @property
    def line_count(self) -> int:
        return self.text.count("\n") + (0 if self.text.endswith("\n") or not self.text else 1)


@dataclass(frozen=True)
class SyntaxIssue:
    """A syntax error found while parsing; 1-based line and column."""

    line: int
    column: int
    message: str


@dataclass
class ParsedFile:
    """A parsed source file: the tree-sitter tree and any syntax errors."""

    source: SourceFile
    tree: Any
    errors: list[SyntaxIssue] = field(default_factory=list)


@dataclass(frozen=True)
class Parameter:
    """One parameter of a callable."""

    name: str
    annotation: str | None = None
    default: str | None = None
    kind: str = "positional"
    """``positional``, ``keyword``, ``var_positional``, ``var_keyword``, ``receiver``."""


@dataclass
class Definition:
    """A function, method or class that tests can target."""

    name: str
    qualname: str
    """Dotted path inside the file: ``"Cart.add_item"``; Go methods use ``"(*Cart).Add"``."""
    kind: str
    """``function``, ``method``, ``class``, ``struct``, ``impl``…"""
    language: str
    file: str
    """Project-relative path of the source file."""
    start_line: int
    end_line: int
    signature: str
    code: str
    """The definition's own source text (never the whole file)."""
    content_hash: str
    """sha256 of signature + body: the key of the incremental state."""
    docstring: str | None = None
    parameters: tuple[Parameter, ...] = ()
    returns: str | None = None
    complexity: int = 1
    """Cyclomatic complexity (1 + decision points)."""
    parent: str | None = None
    """Enclosing class/type for methods."""
    is_async: bool = False
    is_public: bool = True
    testable: bool = True
    """False when tests cannot reach it without editing user files; see ``untestable_reason``."""
    untestable_reason: str = ""
    decorators: tuple[str, ...] = ()
    imports: tuple[str, ...] = ()
    """Import statements of the file, verbatim, for prompts and assembling."""
    calls: tuple[str, ...] = ()
    """Names this definition calls (so prompts can include their signatures)."""
    details: Mapping[str, Any] = field(default_factory=dict)
    """Language-specific facts (receiver, generics, module path, doc examples…)."""

    @property
    def key(self) -> str:
        """Stable identity across runs: ``file::qualname``."""
        return f"{self.file}::{self.qualname}"

    @property
    def lines(self) -> range:
        return range(self.start_line, self.end_line + 1)

    def numbered_code(self) -> str:
        """The code with each line prefixed by its line number in the file, as prompts show
        it, so a request can name the lines a test should reach."""
        lines = self.code.rstrip("\n").split("\n")
        width = len(str(self.start_line + len(lines) - 1))
        return "\n".join(f"{self.start_line + i:>{width}}  {line}".rstrip()
                         for i, line in enumerate(lines))


# --------------------------------------------------------------------------- probes


@dataclass
class Probe:
    """One observed execution of a definition on concrete inputs.

    ``args``/``kwargs`` and ``value`` are *source literals in the target language*, written by
    the plugin that ran the probe, so a template can paste them into a test verbatim.
    """

    definition: str
    """``Definition.key`` of the target."""
    args: tuple[str, ...] = ()
    kwargs: tuple[tuple[str, str], ...] = ()
    outcome: Literal["return", "raise", "timeout", "crash", "skipped"] = "return"
    value: str | None = None
    """Literal of the returned value (``outcome == "return"``)."""
    exception: str | None = None
    """Exception/error type as the test should name it (``"ValueError"``)."""
    message: str | None = None
    deterministic: bool = True
    category: str = "typical"
    """Where the input came from: ``typical``, ``boundary``, ``invalid``, ``doc-example``,
    ``default``, ``literal``, ``sequence``."""
    setup: tuple[str, ...] = ()
    """Statements run before the call (object construction, a method sequence)."""
    call: str = ""
    """The call expression as the test writes it, when the plugin needs a custom one."""
    covered_lines: frozenset[int] = frozenset()
    """Lines of the target file that this call executed (for coverage-guided selection)."""
    reason: str = ""
    """Why the probe was skipped or crashed."""
    payload: Any = None
    """The language's own typed record of the call (a frozen dataclass of the plugin), for its
    offline test writer and prompts; the core never reads it."""


# --------------------------------------------------------------------------- candidates


@dataclass
class TestCandidate:
    """One generated test, from either engine, and its fate in the pipeline."""

    __test__ = False

    id: str
    definition: str
    """``Definition.key`` of the target."""
    test_name: str
    code: str
    """The test function (or table + function) as source text."""
    test_type: str = "unit"
    engine: str = "offline"
    imports: tuple[str, ...] = ()
    """Import lines the test needs (merged and de-duplicated by ``Language.assemble``)."""
    helpers: tuple[str, ...] = ()
    """Shared snippets (fixtures, fakes) the test relies on; de-duplicated across candidates."""
    status: CandidateStatus = "pending"
    reason: str = ""
    attempts: int = 1
    covered_lines: frozenset[int] = frozenset()
    """Target-file lines this test covered in the last run."""
    new_lines: frozenset[int] = frozenset()
    """Lines it added over the baseline (what made it worth keeping)."""
    feedback: str = ""
    """The compiler or runner output that condemned it, fed back to a repair request."""
    per_test_coverage: bool = False
    """``covered_lines`` are this test's own (the runner measured each test apart), not the
    whole file's."""
    round: int = 1
    """The coverage-guided round that produced it (LLM engine)."""
    model: str = ""
    """The model that wrote it (LLM engine)."""
    repaired_from: str = ""
    """Id of the failed candidate this one repairs."""
    reused_from: str = ""
    """Key of the definition, in an identical copy of the file, it was first made for."""
    carried_over: bool = False
    """Kept by an earlier run for unchanged code, and reported again rather than re-made."""
    mutants_killed: int = 0
    """Mutants of the code this test kills that no other test does (``generate --mutation``;
    kept for that alone, when it covers no new line)."""
    details: dict[str, Any] = field(default_factory=dict)
    """What the engine or plugin notes for the report only (the LLM's ``edge_cases_covered``,
    ``output_format``); no stage reads it."""


@dataclass
class TestFile:
    """A generated test file: its location, content and the candidates inside it."""

    __test__ = False

    path: str
    """Project-relative path where the file goes."""
    language: str
    framework: str
    content: str
    target: str
    """Project-relative path of the source file under test."""
    candidates: list[TestCandidate] = field(default_factory=list)
    test_ids: dict[str, str] = field(default_factory=dict)
    """Runner test id (as reported in ``RunResult.tests``) → candidate id."""


# --------------------------------------------------------------------------- running


@dataclass(frozen=True)
class ProcessResult:
    """What a sandboxed subprocess did."""

    argv: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str
    duration: float
    timed_out: bool = False
    killed_reason: str = ""
    """Non-empty when the sandbox stopped it: ``"timeout after 30s"``, ``"memory limit"``."""

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out

    @property
    def output(self) -> str:
        return (self.stdout + ("\n" if self.stdout and self.stderr else "") + self.stderr).strip()


Runner = Callable[..., ProcessResult]


@dataclass
class Workspace:
    """A shadow copy of the project in which plugins compile, probe and run tests.

    Plugins run every subprocess through :meth:`run`, which applies the sandbox policy (own
    process group, wall timeout, CPU/memory limits, scrubbed environment) and counts launches.
    They write only inside :attr:`root` (or :attr:`scratch`).
    """

    root: Path
    project_root: Path
    scratch: Path
    """A private temp directory for harnesses, reports and coverage data."""
    runner: Runner
    timeout: float = 60.0
    cache_dir: Path | None = None
    """A persistent per-user cache directory plugins may use (e.g. a shared build target)."""
    launches: int = 0
    settings: Mapping[str, Any] = field(default_factory=dict)
    """The ``languages.<name>`` sections of the effective configuration, keyed by language."""
    readonly: list[Path] = field(default_factory=list)
    """Directories outside the project its build reads (a path dependency beside it); a plugin
    appends them and the sandbox shows them read-only."""
    environment: dict[str, str] = field(default_factory=dict)
    """Variables every :meth:`run` gets on top of the scrubbed environment and the plugin's
    own: the pipeline sets ``TZ`` for the repeat runs, so a test that holds only in the
    machine's time zone shows as flaky."""

    def language_settings(self, language: str) -> Mapping[str, Any]:
        """Settings for one language (``interpreter``, ``framework``), empty when unset."""
        return self.settings.get(language) or {}

    def run(self, argv: Sequence[str], *, cwd: Path | None = None, timeout: float | None = None,
            env: Mapping[str, str] | None = None, memory_mb: int | None = 2048,
            stdin: str | None = None, count_launch: bool = True) -> ProcessResult:
        """Run ``argv`` in the sandbox (cwd defaults to :attr:`root`).

        ``env`` is *added* to the scrubbed environment. ``memory_mb=None`` lifts the address
        space limit (runtimes such as Go and Node reserve large virtual ranges). Launches that
        run tests are counted (``count_launch``); compile checks and helpers may opt out.
        """
        if count_launch:
            self.launches += 1
        return self.runner(list(argv), cwd=cwd or self.root, timeout=timeout or self.timeout,
                           env={**(env or {}), **self.environment}, memory_mb=memory_mb,
                           stdin=stdin)

    def path(self, rel_path: str) -> Path:
        """Absolute path inside the shadow copy for a project-relative path."""
        return self.root / rel_path

    def write(self, rel_path: str, content: str) -> Path:
        """Write a file inside the shadow copy (never the user's tree)."""
        target = self.root / rel_path
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp{os.getpid()}")
        tmp.write_text(content, encoding="utf-8")
        os.replace(tmp, target)
        return target


@dataclass(frozen=True)
class Diagnostic:
    """One compiler/checker message."""

    message: str
    file: str | None = None
    line: int | None = None
    candidate: str | None = None
    """Candidate id the message was attributed to, when the plugin could tell."""


@dataclass
class ValidationResult:
    """Outcome of the static check / compile step for one test file."""

    ok: bool
    diagnostics: list[Diagnostic] = field(default_factory=list)
    output: str = ""

    @property
    def failing_candidates(self) -> set[str]:
        return {d.candidate for d in self.diagnostics if d.candidate}


@dataclass(frozen=True)
class TestOutcome:
    """One test's result in one run."""

    __test__ = False

    test_id: str
    outcome: Literal["passed", "failed", "error", "skipped"]
    message: str = ""
    duration: float = 0.0
    covered: Mapping[str, frozenset[int]] | None = None
    """Per-test coverage (file → lines), when the runner can attribute lines to tests."""


@dataclass
class FileCoverage:
    """Coverage of one source file: executable lines, covered lines, branches."""

    file: str
    statements: frozenset[int] = frozenset()
    covered: frozenset[int] = frozenset()
    branches_total: int = 0
    branches_covered: int = 0
    missing_branches: tuple[tuple[int, int], ...] = ()
    statement_count: int = 0
    """Statements as the language's coverage tool counts them, when it counts statements
    rather than lines (several may share a line, one may span several); 0 otherwise."""
    statements_covered: int = 0

    @property
    def missing(self) -> frozenset[int]:
        return self.statements - self.covered

    @property
    def percent(self) -> float:
        if not self.statements:
            return 100.0
        return 100.0 * len(self.covered & self.statements) / len(self.statements)


@dataclass
class RunResult:
    """Outcome of one runner launch: per-test results and, when asked, coverage."""

    ok: bool
    tests: list[TestOutcome] = field(default_factory=list)
    coverage: dict[str, FileCoverage] = field(default_factory=dict)
    """Project-relative source path → coverage, measured over everything that ran."""
    coverage_available: bool = True
    """False when no coverage tool is available; the keep rule then drops its coverage
    criterion and the report says so."""
    coverage_note: str = ""
    """Why coverage could not be measured, and what would make it measurable (shown in the
    summary when ``coverage_available`` is False)."""
    output: str = ""
    duration: float = 0.0
    error: str = ""
    """Set when the runner itself failed (could not start, crashed, collected nothing)."""
    environment: str = ""
    """What ran the code, for the report: the interpreter or toolchain and why it was chosen
    (``/proj/.venv/bin/python 3.12 (the project's .venv)``)."""

    def outcome(self, test_id: str) -> TestOutcome | None:
        for test in self.tests:
            if test.test_id == test_id:
                return test
        return None


# --------------------------------------------------------------------------- prompts


@dataclass
class PromptRequest:
    """Everything a template pack needs to write a prompt for one definition (or a batch)."""

    definitions: list[Definition]
    framework: Framework
    test_type: str
    probes: Mapping[str, list[Probe]] = field(default_factory=dict)
    """``Definition.key`` → observed behaviour (ground truth for the model)."""
    callees: tuple[str, ...] = ()
    """Signatures (not bodies) of what the definitions call."""
    imports: tuple[str, ...] = ()
    style_examples: tuple[str, ...] = ()
    """Snippets of existing tests in the project, as style reference."""
    module_path: str = ""
    """How a test imports the target (``"shop.cart"``, ``"github.com/x/y/cart"``)."""
    repair: Mapping[str, str] | None = None
    """For a repair round: ``{"test_code": ..., "error": ...}``."""
    template_dirs: tuple[Path, ...] = ()
    """Override directories searched before the plugin's own templates."""
    test_path: str = ""
    """Project-relative path of the file the tests will be written to (import paths in the
    prompt are relative to it); empty when not known."""
    source_text: str = ""
    """The whole source file, for plugins that add the constants, types and error values a
    definition references; never sent as it is."""


@dataclass(frozen=True)
class Prompt:
    """A rendered prompt: a stable system part (cacheable) and the per-request user part."""

    system: str
    user: str
    template: str = ""
    """Which template produced it (for ``--dry-run`` and the debug log)."""
    identity: str = ""
    """What the answer depends on, normalised (code without line numbers, comments or
    layout): the response cache keys on it when set, so an unrelated edit that only shifts
    lines costs no new request."""


@dataclass
class OfflineRequest:
    """Input of ``Language.offline_candidates``: probes to turn into tests for one definition."""

    definition: Definition
    framework: Framework
    test_type: str
    probes: list[Probe]
    module_path: str = ""
    template_dirs: tuple[Path, ...] = ()
