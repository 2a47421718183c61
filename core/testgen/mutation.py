"""Mutation analysis of the existing suite (``validate --mutation``): how many small changes of
the code the tests notice.

For each language that declares :attr:`Language.mutation <testgen.language.Language.mutation>`,
the mutants of its source files (:mod:`testgen.kit.mutation`) are applied one at a time in a
shadow copy — a byte splice of one file, restored afterwards — and the language's suite runs
once per mutant, without coverage. Each mutant ends as

* ``killed`` — a test that passes on the unchanged code fails;
* ``survived`` — every test still passes;
* ``timeout`` — the run took longer than the per-mutant limit (counted as detected);
* ``error`` — the mutant does not build or the suite could not run: not viable, left out of
  the score and listed;
* ``no-coverage`` — its line is run by no test (coverage of the normal validate run), so it
  was not run and counts as a survivor.

A language that declares :class:`~testgen.kit.mutation.Schemata` (the compiled ones) builds
each file's mutants in once (mutant schemata) and switches them on one at a time through an
environment variable, so a mutant costs a run, not a build; a mutant whose branch the compiler
rejects, and every mutant of a language without schemata, is spliced into the file alone.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterator, Literal

from .kit.mutation import (OPERATORS, SCHEMATA_VARIABLE, Mutant, Schema, apply, mutants, sample,
                           schemata)
from .sandbox import shadow_workspace

if TYPE_CHECKING:
    from .inventory import FileInventory, Inventory
    from .model import Definition, RunResult, Workspace
    from .plugins import Plugins

Status = Literal["killed", "survived", "timeout", "error", "no-coverage"]
STATUSES: tuple[Status, ...] = ("killed", "survived", "timeout", "error", "no-coverage")
MODES = ("off", "sample", "full")
SAMPLE_PER_FILE = 30
"""Mutants per source file in ``sample`` mode."""


@dataclass
class MutantResult:
    """What the suite did with one mutant."""

    mutant: Mutant
    status: Status
    definition: str = ""
    """The qualified name of the definition the mutant is in."""
    detail: str = ""
    """The killing test, or why the mutant is not viable."""
    duration: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        m = self.mutant
        return {"id": m.id, "file": m.file, "line": m.line, "column": m.column,
                "operator": m.operator, "original": m.original, "replacement": m.replacement,
                "definition": self.definition, "status": self.status, "detail": self.detail,
                "duration_s": round(self.duration, 3)}


def score(results: list[MutantResult]) -> dict[str, Any]:
    """Counts by status and the two scores: over every viable mutant, and over those on lines
    the suite runs (``None`` when there is nothing to divide)."""
    counts = {status: 0 for status in STATUSES}
    for result in results:
        counts[result.status] += 1
    detected = counts["killed"] + counts["timeout"]
    viable = detected + counts["survived"] + counts["no-coverage"]
    covered = detected + counts["survived"]
    return {"mutants": len(results), **{k.replace("-", "_"): v for k, v in counts.items()},
            "score": round(100.0 * detected / viable, 2) if viable else None,
            "covered_score": round(100.0 * detected / covered, 2) if covered else None}


@dataclass
class MutationReport:
    """Every mutant's result, per language, with the notes of languages left out."""

    mode: str
    sample_size: int | None
    seed: int = 0
    results: list[MutantResult] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)
    """Language → why it has no mutation figures (no grammar table, no passing suite)."""
    timeouts: dict[str, float] = field(default_factory=dict)
    """Language → the per-mutant time limit used, in seconds."""
    duration: float = 0.0

    def survivors(self) -> list[MutantResult]:
        return [r for r in self.results if r.status in ("survived", "no-coverage")]

    def summary(self) -> dict[str, Any]:
        return score(self.results)

    def to_dict(self) -> dict[str, Any]:
        by_file: dict[str, list[MutantResult]] = {}
        by_definition: dict[tuple[str, str], list[MutantResult]] = {}
        by_operator: dict[str, list[MutantResult]] = {}
        for result in self.results:
            by_file.setdefault(result.mutant.file, []).append(result)
            by_definition.setdefault((result.mutant.file, result.definition), []).append(result)
            by_operator.setdefault(result.mutant.operator, []).append(result)
        return {
            "mode": self.mode, "sample_size": self.sample_size, "seed": self.seed,
            "duration_s": round(self.duration, 3),
            "summary": self.summary(),
            "languages": {lang: {"timeout_s": round(limit, 1)}
                          for lang, limit in self.timeouts.items()},
            "notes": dict(self.notes),
            "operators": {op: score(by_operator[op]) for op in OPERATORS if op in by_operator},
            "files": [{"path": path, **score(results)}
                      for path, results in sorted(by_file.items())],
            "definitions": [{"file": path, "name": name, **score(results)}
                            for (path, name), results in sorted(by_definition.items())],
            "survivors": [r.to_dict() for r in self.survivors()],
            "errors": [r.to_dict() for r in self.results if r.status == "error"],
        }


def sites(inventory: Inventory, plugins: Plugins, *, mode: str = "sample",
          sample_size: int | None = SAMPLE_PER_FILE, seed: int = 0
          ) -> dict[str, list[tuple[FileInventory, list[Mutant]]]]:
    """Language → its source files with the mutants chosen in each (all with ``full``): those
    inside the bodies of the definitions the language extracts (in focus with
    ``--changed-since``)."""
    out: dict[str, list[tuple[FileInventory, list[Mutant]]]] = {}
    for file in inventory.files:
        language = file.source.language
        grammar = plugins.language(language).mutation
        if grammar is None:
            continue
        found = [m for m, d in _file_mutants(plugins, file, grammar) if file.in_focus(d)]
        chosen = sample(found, None if mode == "full" else sample_size, seed)
        out.setdefault(language, []).append((file, chosen))
    return out


def _file_mutants(plugins: Plugins, file: FileInventory, grammar: Any
                  ) -> list[tuple[Mutant, Definition]]:
    """The mutants of ``file`` with the definition each is in. Only inside the definitions the
    language extracts: test functions kept in a source file (a test module inside it) are no
    definition, so they are left alone."""
    parsed = plugins.parse(file.source)
    found = mutants(parsed.tree, file.source.text.encode("utf-8"), grammar, file.rel_path)
    return [(m, d) for m in found if (d := _definition_at(file.definitions, m.line)) is not None]


def run_mutation(inventory: Inventory, plugins: Plugins, runs: dict[str, RunResult], *,
                 mode: str = "sample", sample_size: int | None = SAMPLE_PER_FILE,
                 seed: int = 0, timeout: float = 600.0,
                 progress: Callable[[str], None] | None = None) -> MutationReport:
    """Run the suite of each language in ``runs`` against the mutants of its files.

    ``runs`` are the normal validate runs (with coverage): they say which lines the suite runs
    and which tests pass. ``timeout`` bounds the baseline run of each language; each mutant's
    run is limited to 3× the baseline plus 5 s.
    """
    started = time.monotonic()
    report = MutationReport(mode, None if mode == "full" else sample_size, seed)
    say = progress or (lambda _message: None)
    chosen = sites(inventory, plugins, mode=mode, sample_size=sample_size, seed=seed)
    for language in sorted(runs):
        if plugins.language(language).mutation is None:
            report.notes[language] = "the language plugin declares no mutation operators"
            continue
        files = chosen.get(language, [])
        run = runs[language]
        passing = {t.test_id for t in run.tests if t.outcome == "passed"}
        if not passing:  # nothing can kill them: every mutant is one no test runs
            report.notes[language] = "the existing suite has no passing test to kill mutants"
            report.results += [MutantResult(m, "no-coverage", _name_at(file, m.line))
                               for file, found in files for m in found]
            continue
        if not any(found for _file, found in files):
            continue
        _run_language(inventory, plugins, language, files, run, passing, report, timeout, say)
    report.results.sort(key=lambda r: (r.mutant.file, r.mutant.start_byte, r.mutant.end_byte,
                                       r.mutant.operator))
    report.duration = time.monotonic() - started
    return report


def _run_language(inventory: Inventory, plugins: Plugins, language: str,
                  files: list[tuple[FileInventory, list[Mutant]]], run: RunResult,
                  passing: set[str], report: MutationReport, timeout: float,
                  say: Callable[[str], None]) -> None:
    framework = inventory.frameworks[language]
    pending: list[tuple[FileInventory, dict[Mutant, str]]] = []  # file → mutant → definition
    for file, found in files:
        lines = run.coverage.get(file.rel_path)
        todo: dict[Mutant, str] = {}
        for mutant in found:
            name = _name_at(file, mutant.line)
            if run.coverage_available and (lines is None or mutant.line not in lines.covered):
                report.results.append(MutantResult(mutant, "no-coverage", name))
            else:
                todo[mutant] = name
        if todo:
            pending.append((file, todo))
    total = sum(len(found) for _file, found in files)
    to_run = sum(len(todo) for _file, todo in pending)
    say(f"mutation: {language}: {total} mutant(s), {total - to_run} on lines no test "
        "runs (not run)")
    if not pending:
        return
    with shadow_workspace(inventory.project.root, timeout=timeout,
                          passthrough=plugins.env_passthrough()) as workspace:
        workspace.settings = inventory.project.settings
        clock = _Clock()
        # The baseline after touching a file the mutants change: the time of a rebuild where
        # the language builds, of a plain run where it does not.
        clock.touch(workspace.path(pending[0][0].rel_path))
        began = time.monotonic()
        baseline = plugins.run(language, framework, [], workspace, False)
        elapsed = time.monotonic() - began
        still = {t.test_id for t in baseline.tests if t.outcome == "passed"} & passing
        if not still:
            report.notes[language] = ("the existing suite does not pass in the mutation "
                                      f"workspace: {baseline.error or 'no passing test'}")
            return
        limit = 3 * elapsed + 5.0
        report.timeouts[language] = limit
        deadline = _Deadline(workspace.runner)
        workspace.runner = deadline
        say(f"mutation: {language}: baseline {elapsed:.1f}s, limit {limit:.0f}s per mutant")
        done = 0
        for file, todo in pending:

            def builds() -> str | None:
                run = plugins.run(language, framework, [], workspace, False)
                return _unless_passing(run, still)

            mutator = _Mutator(plugins, file, workspace, clock)
            with mutator.prepared(list(todo), deadline.start(limit), builds) as ordered:
                for mutant in ordered:
                    done += 1
                    result = _try(mutant, mutator, plugins, language, framework, workspace,
                                  still, deadline.start(limit), todo[mutant])
                    report.results.append(result)
                    say(f"mutation: [{done}/{to_run}] {mutant.file}:{mutant.line}: "
                        f"{mutant.description} {result.status}")
            if mutator.built:
                say(f"mutation: {file.rel_path}: {mutator.built} mutant(s) built in at once")


def _unless_passing(run: RunResult, passing: set[str]) -> str | None:
    """``None`` when every test of ``passing`` passed in ``run``; else what the run said (a
    compiler's errors, for :class:`_Mutator` to find the lines it rejects)."""
    passed = {t.test_id for t in run.tests if t.outcome == "passed"}
    if passing <= passed:
        return None
    return "\n".join([run.error, run.output, *(t.message for t in run.tests)])


class _Mutator:
    """Switches the mutants of one file on, one at a time, in a workspace: through a
    :class:`~testgen.kit.mutation.Schema` built in once where the language declares
    schemata, else (and for a mutant whose branch the compiler rejects) by writing the file
    with that mutant spliced in."""

    ATTEMPTS = 3
    """Builds tried with fewer mutants each time the compiler rejects some branches."""

    def __init__(self, plugins: Plugins, file: FileInventory, workspace: Workspace,
                 clock: _Clock) -> None:
        self.plugins, self.file, self.workspace, self.clock = plugins, file, workspace, clock
        self.path = workspace.path(file.rel_path)
        self.original = self.path.read_bytes()
        self.schema: Schema | None = None
        self._schema_written = False

    @property
    def built(self) -> int:
        """How many mutants the schema holds (0: none built)."""
        return len(self.schema.numbers) if self.schema else 0

    @contextmanager
    def prepared(self, chosen: list[Mutant], deadline: _Deadline,
                 builds: Callable[[], str | None]) -> Iterator[list[Mutant]]:
        """Build the schema of ``chosen`` when the language has one (``builds`` runs the tests
        with the file as it now is: ``None`` when they pass); yields ``chosen`` with the
        built-in mutants first. The file reads as written again afterwards."""
        grammar = self.plugins.language(self.file.source.language).mutation
        if grammar is not None and grammar.schemata is not None:
            self._build(grammar, chosen, deadline, builds)
        built = [m for m in chosen if self.schema and m.id in self.schema.numbers]
        try:
            yield built + [m for m in chosen if m not in built]
        finally:
            self.workspace.environment.pop(SCHEMATA_VARIABLE, None)
            self.clock.write(self.path, self.original)

    def _build(self, grammar: Any, chosen: list[Mutant], deadline: _Deadline,
               builds: Callable[[], str | None]) -> None:
        tree = self.plugins.parse(self.file.source).tree
        switch = "testgen_mutant_" + hashlib.sha256(self.file.rel_path.encode()).hexdigest()[:8]
        for _attempt in range(self.ATTEMPTS):
            schema = schemata(tree, self.original, grammar, chosen, switch)
            if schema is None:
                break
            self.clock.write(self.path, schema.content)
            deadline.start(deadline.limit)
            error = builds()
            if error is None and not deadline.expired:
                self.schema, self._schema_written = schema, True
                return
            rejected = schema.at_lines(_lines_in(error or "", self.path.name))
            if not rejected:
                break
            chosen = [m for m in chosen if m.id not in rejected]
        self.clock.write(self.path, self.original)

    @contextmanager
    def on(self, mutant: Mutant) -> Iterator[None]:
        """``mutant`` switched on for the runs inside the block."""
        if self.schema is not None and mutant.id in self.schema.numbers:
            if not self._schema_written:
                self.clock.write(self.path, self.schema.content)
                self._schema_written = True
            self.workspace.environment[SCHEMATA_VARIABLE] = str(self.schema.numbers[mutant.id])
            try:
                yield
            finally:
                self.workspace.environment.pop(SCHEMATA_VARIABLE, None)
            return
        self._schema_written = False
        self.clock.write(self.path, apply(self.original, mutant))
        try:
            yield
        finally:
            self.clock.write(self.path, self.original)


def _lines_in(text: str, file_name: str) -> set[int]:
    """The line numbers a compiler's message gives for ``file_name`` (``lib.rs:12:5``)."""
    return {int(m.group(1)) for m in re.finditer(rf"{re.escape(file_name)}:(\d+)", text)}


def _try(mutant: Mutant, mutator: _Mutator, plugins: Plugins, language: str, framework: Any,
         workspace: Workspace, passing: set[str], deadline: _Deadline,
         definition: str) -> MutantResult:
    began = time.monotonic()
    with mutator.on(mutant):
        outcome = plugins.run(language, framework, [], workspace, False)
    elapsed = time.monotonic() - began
    status, killers = _verdict(outcome, passing, deadline)
    if status == "timeout":
        return MutantResult(mutant, status, definition, f"over {deadline.limit:.0f}s", elapsed)
    if status == "error":
        reason = outcome.error or "the suite did not run every test that passes without it"
        return MutantResult(mutant, status, definition, reason.splitlines()[0][:300], elapsed)
    return MutantResult(mutant, status, definition, killers[0] if killers else "", elapsed)


def _verdict(run: RunResult, passing: set[str], deadline: _Deadline
             ) -> tuple[Status, list[str]]:
    """What a run with a mutant applied says of it: ``killed`` (with the tests of ``passing``
    that fail), ``timeout``, ``error`` (a test of ``passing`` did not pass nor fail: no
    build) or ``survived``."""
    killers = [t.test_id for t in run.tests
               if t.test_id in passing and t.outcome in ("failed", "error")]
    if deadline.expired:
        return "timeout", []
    if killers:
        return "killed", killers
    ran = {t.test_id for t in run.tests if t.outcome == "passed"}
    if not passing <= ran:  # tests that pass without the mutant did not run: no build
        return "error", []
    return "survived", []


def _name_at(file: FileInventory, line: int) -> str:
    definition = _definition_at(file.definitions, line)
    return definition.qualname if definition is not None else ""


def _definition_at(definitions: list[Definition], line: int) -> Definition | None:
    """The innermost function or method whose lines hold ``line``."""
    holding = [d for d in definitions
               if d.kind != "class" and d.start_line <= line <= d.end_line]
    return min(holding, key=lambda d: d.end_line - d.start_line, default=None)


class _Deadline:
    """The workspace's runner with every launch cut at the current mutant's deadline: a
    language may give its suite a long timeout of its own, and a mutant that loops forever
    must still end at 3× the baseline."""

    def __init__(self, runner: Any) -> None:
        self.runner = runner
        self.limit = 0.0
        self.ends = float("inf")
        self.expired = False

    def start(self, limit: float) -> _Deadline:
        self.limit, self.ends, self.expired = limit, time.monotonic() + limit, False
        return self

    def __call__(self, argv: Any, *, timeout: float, **kwargs: Any) -> Any:
        remaining = self.ends - time.monotonic()
        capped = remaining < timeout
        result = self.runner(argv, timeout=max(1.0, min(timeout, remaining)), **kwargs)
        if capped and result.timed_out:
            self.expired = True
        return result


class _Clock:
    """Writes a file with a modification time later than any before it, so that every tool
    that compares times (bytecode caches, build systems) sees each version as new, even two
    versions of the same size written within one second."""

    def __init__(self) -> None:
        self._last = time.time_ns()

    def _next(self) -> int:
        self._last = max(time.time_ns(), self._last + 1_000_000_000)
        return self._last

    def touch(self, path: Any) -> None:
        stamp = self._next()
        os.utime(path, ns=(stamp, stamp))

    def write(self, path: Any, content: bytes) -> None:
        path.write_bytes(content)
        self.touch(path)


# --------------------------------------------------------------------------- generate's keep rule

GENERATE_SAMPLE = 20
"""Mutants per source file that ``generate --mutation sample`` tries on the tests it judges."""


@dataclass
class Escapes:
    """What the mutants of one file did to a generated test file, for the keep rule."""

    killers: dict[Mutant, set[str]] = field(default_factory=dict)
    """Mutant → the candidates whose tests fail with it, for each mutant that no kept test
    and no test of the project's suite kills (and that builds and ends in time)."""
    runs: int = 0
    """Launches made (the generated file's and the suite's)."""


def escapes(plugins: Plugins, file: FileInventory, framework: Any, workspace: Workspace,
            test_file: Any, *, kept: set[str], suite_passing: set[str], lines: set[int],
            sample_size: int | None, limit: float, seed: int = 0) -> Escapes:
    """Run ``test_file`` (kept and not-yet-kept candidates) against the mutants of
    ``file`` on ``lines``; for a mutant that only not-yet-kept candidates kill, run the
    project's suite too (``suite_passing``: its tests that pass on the unchanged code), without
    the generated file. Launches do not count against the file's run budget."""
    language = file.source.language
    grammar = plugins.language(language).mutation
    found = [m for m, _ in _file_mutants(plugins, file, grammar) if m.line in lines]
    out = Escapes()
    test_path = workspace.path(test_file.path)
    launches, runner = workspace.launches, workspace.runner
    deadline = _Deadline(runner)
    workspace.runner = deadline
    judged = set(test_file.test_ids)

    def builds() -> str | None:
        out.runs += 1
        return _unless_passing(plugins.run(language, framework, [test_file], workspace, False),
                               judged)

    mutator = _Mutator(plugins, file, workspace, _Clock())
    try:
        with mutator.prepared(sample(found, sample_size, seed), deadline.start(limit),
                              builds) as ordered:
            for mutant in ordered:
                with mutator.on(mutant):
                    failing = _failing(plugins, language, framework, workspace, [test_file],
                                       deadline.start(limit), judged)
                    out.runs += 1
                    owners = {test_file.test_ids[t] for t in failing or ()}
                    if not owners or owners & kept:
                        continue  # survives them all, did not build, or a kept test kills it
                    if suite_passing:
                        test_path.unlink()
                        try:
                            by_suite = _failing(plugins, language, framework, workspace, [],
                                                deadline.start(limit), suite_passing)
                        finally:
                            workspace.write(test_file.path, test_file.content)
                        out.runs += 1
                        if by_suite is None or by_suite:
                            continue  # the suite kills it (or could not tell)
                    out.killers[mutant] = owners
    finally:
        workspace.runner, workspace.launches = runner, launches
    return out


def _failing(plugins: Plugins, language: str, framework: Any, workspace: Workspace,
             test_files: list[Any], deadline: _Deadline, passing: set[str]) -> set[str] | None:
    """The tests of ``passing`` that fail in this run; ``None`` when it cannot tell (a
    mutant that does not build, a run cut at the deadline)."""
    status, killers = _verdict(plugins.run(language, framework, test_files, workspace, False),
                               passing, deadline)
    return set(killers) if status in ("killed", "survived") else None
