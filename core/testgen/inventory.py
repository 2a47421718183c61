"""What code there is: scan, parse and extract, shared by every command.

Produces, for each source file, its definitions and syntax errors, plus the identifiers used
by the existing tests (to tell statically which definitions are referenced by a test).
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import re
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator, Sequence

from .config import Config
from .errors import InputError
from .model import Definition, Detection, FileCoverage, Framework, Project, SourceFile, SyntaxIssue
from .plugins import Plugins
from .scan import ScanResult, Scanner

if TYPE_CHECKING:
    from .changes import ChangeSet

log = logging.getLogger(__name__)

IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass
class FileInventory:
    source: SourceFile
    definitions: list[Definition] = field(default_factory=list)
    syntax_errors: list[SyntaxIssue] = field(default_factory=list)
    focus: frozenset[str] | None = None
    """Keys of the definitions to work on (``--changed-since``); ``None``: all of them."""

    @property
    def rel_path(self) -> str:
        return self.source.rel_path

    def in_focus(self, definition: Definition) -> bool:
        return self.focus is None or definition.key in self.focus


@dataclass
class Inventory:
    project: Project
    scan: ScanResult
    files: list[FileInventory]
    detections: list[Detection]
    frameworks: dict[str, Framework]
    test_identifiers: dict[str, set[str]]
    """Language → identifiers used anywhere in its existing test files."""

    def languages(self) -> list[str]:
        return sorted({f.source.language for f in self.files})

    def definitions(self) -> Iterable[Definition]:
        for file in self.files:
            yield from file.definitions

    def only_changed(self, changes: "ChangeSet", *, keep_context: bool = False) -> "Inventory":
        """The files with changed lines, focused on the definitions those lines touch.

        ``keep_context`` keeps every definition of a changed file (generation rewrites a whole
        test file, so the kept tests of unchanged neighbours must stay); otherwise only the
        changed definitions remain, for reports.
        """
        files = []
        for item in self.files:
            if item.rel_path not in changes.files:
                continue
            focus = frozenset(d.key for d in item.definitions
                              if changes.touches(item.rel_path, d.start_line, d.end_line))
            definitions = item.definitions if keep_context else \
                [d for d in item.definitions if d.key in focus]
            files.append(FileInventory(item.source, definitions, item.syntax_errors, focus))
        return replace(self, files=files)


def scanner_for(plugins: Plugins, config: Config, *, recursive: bool = True,
                include: Iterable[str] = (), exclude: Iterable[str] = (),
                shard: tuple[int, int] | None = None) -> Scanner:
    return Scanner(plugins.languages(), recursive=recursive, include=include,
                   exclude=[*config.get("scan.exclude", []), *exclude],
                   max_file_bytes=config.get("scan.max_file_bytes"), shard=shard)


@contextmanager
def gc_paused() -> Iterator[None]:
    """No garbage collection inside (also a decorator): for building or reading large
    acyclic data (an inventory, a report of it), where collections only cost time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@gc_paused()  # tens of thousands of objects, none of them in a cycle
def collect(paths: Path | Sequence[Path], plugins: Plugins, config: Config, *,
            recursive: bool = True,
            include: Iterable[str] = (), exclude: Iterable[str] = (),
            shard: tuple[int, int] | None = None, framework: str | None = None,
            light: bool = False) -> Inventory:
    """Scan ``paths`` (all in one project), parse and extract every source file, select
    frameworks.

    ``light`` drops what only prompts, tests and the state need (each definition's code,
    hash, docstring, imports, parameters, calls), which is most of the data workers hand back
    on a large tree.
    """
    if not plugins.languages():
        raise InputError("no language plugin is installed", code="TG504",
                         hint="install the plugin of your language: pip install testgen-<language> "
                              "(see `testgen plugins`)")
    scanner = scanner_for(plugins, config, recursive=recursive, include=include,
                          exclude=exclude, shard=shard)
    paths = [paths] if isinstance(paths, Path) else list(paths)
    path = paths[0]
    scan = scanner.scan(path)
    for more in paths[1:]:
        scan.extend(scanner.scan(more, project_root=scan.project_root))
    single_file = len(paths) == 1 and path.is_file()
    if single_file and scan.skipped:
        skipped = scan.skipped[0]
        raise InputError(f"cannot use {skipped.path}: {skipped.reason}", code=skipped.code,
                         hint="point --path at a UTF-8 source file or a directory")
    for skipped in scan.skipped:
        # An empty file (an ``__init__.py`` marker) is normal, not a problem: say so only
        # with -v. Every other skip is a warning.
        level = logging.INFO if skipped.reason == "empty file" else logging.WARNING
        log.log(level, "warning[%s]: skipped %s: %s", skipped.code, skipped.path,
                skipped.reason)
    if not scan.sources and not scan.tests:
        known = ", ".join(sorted(e for lang in plugins.languages().values()
                                 for e in lang.extensions))
        if single_file:
            raise InputError(f"{path.name} is not a source file of an installed language",
                             code="TG202", hint=f"supported extensions: {known}")
        raise InputError(f"no source files found under {path}", code="TG202",
                         hint=f"supported extensions: {known}; check --include-pattern, "
                              f".gitignore and .testgenignore")
    project = Project(root=scan.project_root, settings=config.languages())
    extraction = Extraction(plugins, scan.sources, scan.tests, light)
    try:
        if single_file:
            _refuse_syntax_errors(extraction.finish(warn=False)[0])
        # On a big tree the workers parse while this process reads the project.
        frameworks = _frameworks(plugins, project, scan, framework)
        detections = plugins.detect(project)
        files, identifiers = extraction.finish(warn=not single_file)
    finally:
        extraction.close()
    return Inventory(project, scan, files, detections, frameworks, identifiers)


def _refuse_syntax_errors(files: list[FileInventory]) -> None:
    if files and files[0].syntax_errors:
        first = files[0].syntax_errors[0]
        raise InputError(f"syntax error: {first.message}", code="TG204",
                         location=f"{files[0].rel_path}:{first.line}:{first.column}",
                         hint="fix the syntax (TestGen only works on code that parses)")


def _frameworks(plugins: Plugins, project: Project, scan: ScanResult,
                framework: str | None) -> dict[str, Framework]:
    languages = sorted({s.language for s in scan.sources} | {t.language for t in scan.tests})
    frameworks = {}
    for language in languages:
        info = plugins.languages()[language]
        requested = framework if framework in info.frameworks else None
        if framework and requested is None and len(languages) == 1:
            from .errors import PluginError
            raise PluginError(f"framework {framework!r} is not available for {language}",
                              code="TG504", hint="choose one of " + ", ".join(info.frameworks))
        requested = requested or project.language_settings(language).get("framework")
        frameworks[language] = plugins.select_framework(project, language, requested)
    return frameworks


PARALLEL_MIN_FILES = 200
"""Below this many files, worker start-up costs more than it saves."""

# What the workers of an Extraction inherit (see there).
_shared: tuple[Plugins, list[SourceFile], list[SourceFile], bool] | None = None


class Extraction:
    """Parsing and extraction of every source and tokenising of every test: on all cores for
    a big tree, started at once and collected by :meth:`finish`, so the caller can work
    meanwhile; in this process, for a small one."""

    def __init__(self, plugins: Plugins, sources: list[SourceFile], tests: list[SourceFile],
                 light: bool = False) -> None:
        global _shared
        self.plugins, self.sources, self.tests, self.light = plugins, sources, tests, light
        self._pool = None
        self._results = None
        self._done: tuple[list[FileInventory], dict[str, set[str]]] | None = None
        workers = min(os.cpu_count() or 1, 8)
        if workers < 2 or len(sources) + len(tests) < PARALLEL_MIN_FILES \
                or "fork" not in multiprocessing.get_all_start_methods():
            return
        # Set before forking (and kept until the end, for a worker the pool replaces), so
        # workers inherit the loaded plugins and the scanned files instead of receiving
        # them pickled.
        _shared = (plugins, sources, tests, light)
        # Workers leave what they inherit to the parent's collector (a collection there
        # would walk it, and copy every page it shares with the parent).
        gc.freeze()
        try:
            self._pool = multiprocessing.get_context("fork").Pool(workers)
        finally:
            gc.unfreeze()
        # Many small chunks, handed out as workers free up: file sizes vary too much for an
        # even split by count to keep every core busy to the end.
        self._results = self._pool.imap_unordered(_extract_chunk,
                                                  _chunks(sources, tests, workers * 16))

    def finish(self, warn: bool = True) -> tuple[list[FileInventory], dict[str, set[str]]]:
        """The files in scan order and each language's test identifiers (warning once per
        file with a syntax error when ``warn``)."""
        if self._done is not None:
            return self._done
        if self._pool is None:
            files = [_extract(self.plugins, source, warn, self.light) for source in self.sources]
            self._done = files, _identifiers(self.tests)
            return self._done
        results = list(self._results)
        self._pool.close()  # workers end on their own, not by a signal while they wait
        self._pool.join()
        self._pool = None
        self.close()
        found: list[tuple[int, list[Definition], list[SyntaxIssue]]] = []
        identifiers: dict[str, set[str]] = {}
        for extracted, words, problems in results:
            found.extend(extracted)
            for language, names in words.items():
                identifiers.setdefault(language, set()).update(names)
            self.plugins.problems.extend(problems)
        found.sort(key=lambda item: item[0])
        files = []
        for index, definitions, errors in found:
            source = self.sources[index]
            if warn:
                _warn_syntax(source, errors)
            files.append(FileInventory(source, definitions, errors))
        self._done = files, identifiers
        return self._done

    def close(self) -> None:
        """Stop the workers of an extraction that will not be finished (an error meanwhile)."""
        global _shared
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None
        _shared = None


def _chunks(sources: list[SourceFile], tests: list[SourceFile], count: int
            ) -> list[tuple[list[int], list[int]]]:
    """Indices of ``sources`` and ``tests`` in about ``count`` chunks of similar size, the
    biggest files first (so no large file is left for the end)."""
    def spread(files: list[SourceFile]) -> list[list[int]]:
        bins: list[list[int]] = [[] for _ in range(count)]
        loads = [0] * count
        for index in sorted(range(len(files)), key=lambda i: -len(files[i].text)):
            lightest = loads.index(min(loads))
            bins[lightest].append(index)
            loads[lightest] += len(files[index].text) + 1
        return bins

    return [(s, t) for s, t in zip(spread(sources), spread(tests)) if s or t]


def _extract_chunk(chunk: tuple[list[int], list[int]]):
    """In a worker: parse and extract the chunk's sources, tokenise its tests."""
    assert _shared is not None
    plugins, sources, tests, light = _shared
    source_indices, test_indices = chunk
    before = len(plugins.problems)
    extracted = []
    for index in source_indices:
        found = _extract(plugins, sources[index], warn=False, light=light)  # parent warns
        extracted.append((index, found.definitions, found.syntax_errors))
    return (extracted, _identifiers([tests[i] for i in test_indices]),
            plugins.problems[before:])


def _identifiers(tests: list[SourceFile]) -> dict[str, set[str]]:
    identifiers: dict[str, set[str]] = {}
    for test in tests:
        identifiers.setdefault(test.language, set()).update(IDENTIFIER.findall(test.text))
    return identifiers


def _extract(plugins: Plugins, source: SourceFile, warn: bool = True,
             light: bool = False) -> FileInventory:
    parsed = plugins.parse(source)
    if not light:
        definitions = plugins.extract(parsed)
    else:
        definitions = plugins.outline(parsed)
        for definition in definitions:  # what a language's outline still carries
            definition.code, definition.docstring, definition.imports = "", None, ()
            definition.parameters, definition.calls, definition.decorators = (), (), ()
            definition.content_hash = ""
    if warn:
        _warn_syntax(source, parsed.errors)
    return FileInventory(source, definitions, list(parsed.errors))


def _warn_syntax(source: SourceFile, errors: list[SyntaxIssue]) -> None:
    if errors:
        first = errors[0]
        log.warning("warning[TG204]: %s:%d:%d: syntax error: %s", source.rel_path, first.line,
                    first.column, first.message)


def body_lines(definition: Definition, coverage: FileCoverage) -> frozenset[int]:
    """Executable lines of a definition, without its header (which runs at import time)."""
    inside = range(definition.start_line + 1, definition.end_line + 1)
    lines = frozenset(l for l in coverage.statements if l in inside)
    return lines or frozenset(l for l in coverage.statements if l == definition.start_line)


def is_referenced(definition: Definition, identifiers: set[str]) -> bool:
    """Whether an existing test mentions the definition (and, for a method, its type)."""
    if definition.name not in identifiers:
        return False
    if definition.parent is None:
        return True
    parent_names = IDENTIFIER.findall(definition.parent)
    return not parent_names or parent_names[-1] in identifiers
