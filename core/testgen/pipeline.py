"""``testgen generate``: plan → probe → candidates → assemble → validate → run → keep → write.

Both engines feed the same stages. Work happens in shadow copies of the project (one per
worker, so ``--parallel`` files are validated concurrently without seeing each other's test
files); the user's tree changes only by the files reported as written.

Keep rule, per candidate: it compiles, passes, passes ``repeat`` more runs (the later ones
under other time zones), and covers lines of its target that neither the existing suite nor
the tests kept before it cover.
"""

from __future__ import annotations

import logging
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

from . import keep, signals
from .engines import Engine, GenerationJob, RepairRequest
from .errors import InputError
from .inventory import FileInventory, Inventory
from .language import Language
from .metrics import Metrics
from .model import (
    Definition, FileCoverage, Framework, Probe, RunResult, SourceFile, TestCandidate, TestFile,
    Workspace,
)
from .plugins import Plugins
from .sandbox import kill_all, rebuild, shadow_workspace
from .kit.header import GENERATED_MARKER, MARKER_WINDOW
from .secrets import contains_secret
from .state import State
from .write import write_test_file

log = logging.getLogger(__name__)

FAILURE_STATUSES = ("failed", "error")


@dataclass
class GenerateOptions:
    test_types: tuple[str, ...] = ("unit",)
    engine: str = "offline"
    model: str | None = None
    output_dir: str | None = None
    dry_run: bool = False
    validate: bool = True
    parallel: int = 2
    repeat: int = 3
    keep_no_gain: bool = False
    mutation: str = "sample"
    """``sample``/``full``: a passing test that adds no coverage is kept when it kills a
    mutant of the code that the project's suite and the kept tests let survive."""
    force: bool = False
    max_repairs: int = 2
    max_rounds: int = 3
    """Coverage-guided rounds (engines that declare ``coverage_rounds``): follow-up requests
    name the lines of a definition still uncovered."""
    timeout: float = 60.0
    template_dirs: tuple[Path, ...] = ()


@dataclass
class FileWork:
    """One source file's journey through the pipeline."""

    inventory: FileInventory
    framework: Framework
    test_path: str
    pending: list[Definition]
    """Definitions that are new or changed (the others are skipped as unchanged)."""
    carried: list[TestCandidate] = field(default_factory=list)
    probes: dict[str, list[Probe]] = field(default_factory=dict)
    candidates: list[TestCandidate] = field(default_factory=list)
    kept_lines: set[int] = field(default_factory=set)
    baseline: FileCoverage | None = None
    coverage_available: bool = True
    coverage_note: str = ""
    final_coverage: FileCoverage | None = None
    untaken_branches: set[tuple[int, int]] | None = None
    """Branches no run of this file took so far (baseline included); None: not measured."""
    launches: int = 0
    worker: int = 0
    written: str = ""
    """``written``, ``unchanged``, ``removed``, ``refused: …`` or ``""`` (nothing to write)."""
    skip_reason: str = ""
    done: bool = False

    @property
    def source(self) -> SourceFile:
        return self.inventory.source

    def kept(self) -> list[TestCandidate]:
        return [c for c in self.candidates if c.status == "kept"]

    def has_tests(self) -> bool:
        """Whether the file ends the run with generated tests: kept now, carried over, or
        unchanged since a run that kept them."""
        return bool(self.kept() or self.carried or self.written in ("written", "unchanged")
                    or self.skip_reason == "unchanged since the last run")

    def outcome(self) -> str:
        """One line on how the file ended; for a file with no tests, why."""
        if self.skip_reason:
            return self.skip_reason
        kept = len(self.kept())
        if kept:
            return f"{kept} kept" + (f", {self.written}" if self.written else "")
        if not self.candidates:
            return "nothing kept: no candidate could be generated"
        by_status: dict[str, list[TestCandidate]] = {}
        for candidate in self.candidates:
            by_status.setdefault(candidate.status, []).append(candidate)
        ranked = sorted(by_status.items(), key=lambda item: -len(item[1]))
        counts = ", ".join(f"{len(found)} {status}" for status, found in ranked)
        reasons: dict[str, int] = {}
        for candidate in ranked[0][1]:
            reasons[candidate.reason] = reasons.get(candidate.reason, 0) + 1
        top = max(reasons, key=reasons.get) if reasons else ""
        return f"nothing kept ({counts})" + (f": {top}" if top else "")


@dataclass
class GenerateResult:
    files: list[FileWork]
    project_root: Path
    options: GenerateOptions
    engine_stats: dict[str, Any]
    interrupted: bool = False
    plan: list[dict[str, Any]] = field(default_factory=list)
    baseline_errors: dict[str, str] = field(default_factory=dict)
    environments: dict[str, str] = field(default_factory=dict)
    """Language → what ran its code (``RunResult.environment`` of the baseline run)."""

    def candidates(self) -> Iterable[TestCandidate]:
        for work in self.files:
            yield from work.candidates

    def counts(self) -> dict[str, int]:
        counts = {s: 0 for s in ("kept", "failed", "flaky", "no-gain", "error", "skipped",
                                 "possible-bug")}
        for c in self.candidates():
            counts[c.status] = counts.get(c.status, 0) + 1
        return counts

    def written(self) -> list[str]:
        return [w.test_path for w in self.files if w.written in ("written", "removed")]

    def nothing_kept(self) -> bool:
        """True when no file ends the run with generated tests (the README's exit 1)."""
        return bool(self.files) and not any(w.has_tests() for w in self.files)

    def refused(self) -> list[str]:
        """Files with kept tests that TestGen would not overwrite (edited by hand, or not
        its own)."""
        return [w.test_path for w in self.files if w.written.startswith("refused")]

    def to_dict(self, run_id: str = "") -> dict[str, Any]:
        """The ``testgen.generate/1`` report."""
        files = []
        for work in self.files:
            entry: dict[str, Any] = {
                "source": work.source.rel_path, "language": work.source.language,
                "framework": work.framework.name, "test_file": work.test_path,
                "written": work.written == "written", "write": work.written,
                "skipped": work.skip_reason, "outcome": work.outcome(),
                "launches": work.launches,
                "definitions": [d.qualname for d in work.pending],
                "lines": {d.qualname: [d.start_line, d.end_line] for d in work.pending},
                "candidates": [_candidate_dict(c) for c in work.candidates],
                "run_hint": work.framework.run_hint,
            }
            if not work.coverage_available:
                entry["coverage_note"] = work.coverage_note or "no coverage tool"
            if work.final_coverage is not None or work.baseline is not None:
                statements = (work.final_coverage or work.baseline).statements
                before = set(work.baseline.covered) if work.baseline else set()
                after = before | work.kept_lines
                entry["coverage"] = {
                    "statements": len(statements),
                    "before": round(100 * len(before & statements) / len(statements), 2)
                    if statements else 100.0,
                    "after": round(100 * len(after & statements) / len(statements), 2)
                    if statements else 100.0,
                    "available": work.coverage_available,
                }
            files.append(entry)
        return {
            "schema": "testgen.generate/1", "run_id": run_id,
            "project_root": str(self.project_root), "engine": self.options.engine,
            "model": self.options.model, "test_types": list(self.options.test_types),
            "dry_run": self.options.dry_run, "interrupted": self.interrupted,
            "summary": {**self.counts(), "files_written": len(self.written()),
                        "files": len(self.files)},
            "written": self.written(), "files": files, "plan": self.plan,
            "baseline_errors": self.baseline_errors, "environments": self.environments,
            "cost": self.engine_stats,
        }


class Pipeline:
    def __init__(self, plugins: Plugins, inventory: Inventory, options: GenerateOptions,
                 engine: Engine, metrics: Metrics, *, state: State | None = None,
                 progress: Callable[[str, Any], None] | None = None) -> None:
        self.plugins = plugins
        self.inventory = inventory
        self.options = options
        self.engine = engine
        self.metrics = metrics
        self.root = inventory.project.root
        self.state = state or State.load(self.root)
        self.progress = progress or (lambda event, data=None: None)
        self._stop = threading.Event()
        self._workspaces: list[Workspace] = []
        self._works: list[FileWork] = []
        self._baseline: dict[str, RunResult] = {}
        self._baseline_lock = threading.Lock()
        self._by_name: dict[str, list[Definition]] | None = None
        self.dry_run_jobs: list[GenerationJob] | None = None
        """``--dry-run`` with a model engine: the jobs, probes included, that would be sent."""

    # ================================================================= driver

    def run(self) -> GenerateResult:
        with self.metrics.phase("plan"):
            works = self.plan()
        self._works = works
        todo = [w for w in works if w.pending]
        result = GenerateResult(works, self.root, self.options, {})
        self.metrics.count("definitions", sum(len(w.inventory.definitions) for w in works))
        self.metrics.count("definitions_pending", sum(len(w.pending) for w in works))
        if self.options.dry_run:
            result.plan = self.describe_plan(todo)
            if todo and self.engine.coverage_rounds:
                # The prompts shown are the ones that would be sent: with the probes (run
                # in the sandbox, as always) and the lines the existing suite leaves uncovered.
                with ExitStack() as stack:
                    self._open_workspaces(stack, len(todo))
                    self._assign(todo)
                    self._phase("probe", todo, self._probe_file)
                self.dry_run_jobs = self.jobs_for(todo)
            return result
        self.progress("files", len(todo))
        try:
            with ExitStack() as stack:
                if todo:
                    warm_up = self._warm_up_engine()
                    self._open_workspaces(stack, len(todo))
                    self._assign(todo)
                    self._phase("probe", todo, self._probe_file)
                    if warm_up is not None:
                        warm_up.join()
                    jobs = self._generate(todo)
                    self._evaluate_rounds(todo, jobs)
        except KeyboardInterrupt:
            result.interrupted = True
            self._stop.set()
            kill_all()
            for work in todo:
                for c in work.candidates:
                    if c.status == "pending":
                        c.status, c.reason = "skipped", "interrupted"
        if self.engine.fatal_error is not None:
            # No model request succeeded: the files and the state stay as they were, rather
            # than shrinking to whatever was carried over.
            for work in todo:
                work.written = "unchanged (the model could not be reached)"
            result.engine_stats = self.engine.stats.to_dict()
            self._count(result)
            return result
        try:
            # A stop signal arriving now waits until the files and the state are saved.
            with signals.deferred(), self.metrics.phase("write"):
                for work in todo:
                    if work.done or result.interrupted and work.kept():
                        self._write(work)
                    elif result.interrupted and not work.skip_reason:
                        work.skip_reason = "interrupted"
                self._update_state(todo, interrupted=result.interrupted)
        except KeyboardInterrupt:
            result.interrupted = True
        result.engine_stats = self.engine.stats.to_dict()
        result.baseline_errors = {k: v.error for k, v in self._baseline.items() if v.error}
        result.environments = {k: v.environment for k, v in self._baseline.items()
                               if v.environment}
        self._count(result)
        return result

    # ================================================================= plan

    def plan(self) -> list[FileWork]:
        works = []
        engine, model = self.options.engine, self.options.model
        for item in self.inventory.files:
            source = item.source
            framework = self.inventory.frameworks[source.language]
            path = self._test_path(source, framework)
            hashes = {d.key: d.content_hash for d in item.definitions}
            self.state.forget_missing(source.rel_path, set(hashes))
            if item.syntax_errors:
                first = item.syntax_errors[0]
                work = FileWork(item, framework, path, [])
                work.skip_reason = (f"syntax error at line {first.line}:{first.column}: "
                                    f"{first.message}")
                works.append(work)
                continue
            targets = [d for d in item.definitions
                       if d.testable and d.kind != "class" and item.in_focus(d)]
            pending = [d for d in targets if self.options.force or not all(
                self.state.is_current(d.key, d.content_hash, t, engine, model)
                for t in self.options.test_types)]
            work = FileWork(item, framework, path, pending)
            if not pending:
                work.skip_reason = ("unchanged since the last run" if targets
                                    else "no changed testable definitions"
                                    if item.focus is not None
                                    else _why_untestable(item.definitions))
            else:
                redo = {f"{d.key}|{t}|{engine}|{model or '-'}" for d in pending
                        for t in self.options.test_types}
                work.carried = self.state.carried_tests(source.rel_path, hashes, exclude=redo)
            works.append(work)
        return works

    def _test_path(self, source: SourceFile, framework: Framework) -> str:
        path = self.plugins.test_path(source, framework)
        if self.options.output_dir:
            out = Path(self.options.output_dir)
            if out.is_absolute():
                try:
                    out = out.relative_to(self.root)
                except ValueError:
                    raise InputError(f"--output {out} is outside the project {self.root}",
                                     code="TG105", hint="use a directory inside the project"
                                     ) from None
            path = (out / Path(path).name).as_posix()
        return path

    def describe_plan(self, todo: list[FileWork]) -> list[dict[str, Any]]:
        plan = []
        for work in todo:
            action = ("probe in a sandbox, then pin the observed behaviour"
                      if self.options.engine == "offline"
                      else f"probe in a sandbox, then ask {self.options.model}")
            plan.append({"source": work.source.rel_path, "test_file": work.test_path,
                         "framework": work.framework.name,
                         "definitions": [d.qualname for d in work.pending],
                "lines": {d.qualname: [d.start_line, d.end_line] for d in work.pending},
                         "test_types": list(self.options.test_types), "action": action,
                         "carried_tests": len(work.carried)})
        return plan

    def jobs_for(self, todo: list[FileWork]) -> list[GenerationJob]:
        jobs = []
        for work in todo:
            neighbours = [*work.inventory.definitions, *self._called_elsewhere(work)]
            uncovered, branches = self._uncovered(work, work.pending)
            for test_type in self.options.test_types:
                jobs.append(GenerationJob.for_file(
                    work.source, work.pending, neighbours, work.framework, test_type,
                    probes=work.probes, template_dirs=self.options.template_dirs,
                    uncovered=uncovered, uncovered_branches=branches,
                    test_path=work.test_path))
        return jobs

    def _called_elsewhere(self, work: FileWork) -> list[Definition]:
        """Definitions of the project's other modules that the file's pending definitions
        call by a name defined nowhere in the file, and only once in the project."""
        own = {d.name for d in work.inventory.definitions}
        wanted = {n for d in work.pending for n in d.calls} - own
        if not wanted:
            return []
        if self._by_name is None:
            by_name: dict[str, list[Definition]] = {}
            for item in self.inventory.files:
                for definition in item.definitions:
                    if not definition.parent:
                        by_name.setdefault(definition.name, []).append(definition)
            self._by_name = by_name
        found = []
        for name in sorted(wanted):
            matches = [d for d in self._by_name.get(name, ())
                       if d.language == work.source.language]
            if len(matches) == 1:
                found.append(matches[0])
        return found

    def _uncovered(self, work: FileWork, definitions: list[Definition]
                   ) -> tuple[dict[str, frozenset[int]], dict[str, tuple[tuple[int, int], ...]]]:
        """Per definition, its executable lines that neither the existing suite nor the
        tests kept so far run, and its branches never taken."""
        measured = work.final_coverage or work.baseline
        if measured is None or not work.coverage_available:
            return {}, {}
        covered = set(work.baseline.covered) if work.baseline else set()
        covered |= work.kept_lines
        statements = measured.statements | (work.baseline.statements if work.baseline
                                             else frozenset())
        known = work.untaken_branches if work.untaken_branches is not None \
            else set(measured.missing_branches)
        lines: dict[str, frozenset[int]] = {}
        branches: dict[str, tuple[tuple[int, int], ...]] = {}
        for definition in definitions:
            span = range(definition.start_line, definition.end_line + 1)
            missing = frozenset(n for n in span if n in statements and n not in covered)
            if missing:
                lines[definition.key] = missing
            untaken = tuple(sorted(b for b in known if b[0] in span))
            if untaken:
                branches[definition.key] = untaken
        return lines, branches

    def _warm_up_engine(self) -> threading.Thread | None:
        """Let an engine load its client (LiteLLM takes seconds) while the probes run."""
        if type(self.engine).prepare is Engine.prepare:
            return None  # nothing to load

        def run() -> None:
            try:
                self.engine.prepare()
            except Exception:  # noqa: BLE001 - generate() reports the real failure
                log.debug("engine warm-up failed", exc_info=True)

        thread = threading.Thread(target=run, name="engine-warm-up", daemon=True)
        thread.start()
        return thread

    # ================================================================= workers

    def _open_workspaces(self, stack: ExitStack, files: int) -> None:
        count = max(1, min(self.options.parallel, files))
        for _ in range(count):
            workspace = stack.enter_context(shadow_workspace(
                self.root, timeout=self.options.timeout,
                passthrough=self.plugins.env_passthrough()))
            workspace.settings = self.inventory.project.settings
            self._remove_generated(workspace)
            self._workspaces.append(workspace)

    def _remove_generated(self, workspace: Workspace) -> None:
        """The baseline is the user's own suite; earlier generated tests are re-run as
        carried candidates of their file instead. Generated files outside the scanned path
        count too (``--path src/x.py`` still has ``tests/test_x_testgen.py``): those TestGen
        wrote, and those at the places this run will write."""
        candidates = {t.rel_path for t in self.inventory.scan.tests}
        candidates |= set(self.state.written)
        candidates |= {w.test_path for w in self._works}
        for rel_path in sorted(candidates):
            path = workspace.path(rel_path)
            try:
                with path.open(encoding="utf-8", errors="replace") as handle:
                    generated = GENERATED_MARKER in handle.read(MARKER_WINDOW)
                if generated:
                    path.unlink()
            except OSError:
                pass

    def _ensure_intact(self, work: FileWork, workspace: Workspace) -> None:
        """Code under test may delete or rewrite files of the shadow copy despite the
        plugin's guards; a damaged copy is rebuilt before the next file uses it."""
        copied = workspace.path(work.source.rel_path)
        try:
            intact = copied.read_text(encoding="utf-8") == work.source.text
        except (OSError, UnicodeDecodeError):
            intact = False
        if not intact:
            log.warning("the code under test changed the sandbox copy of the project; "
                        "rebuilding it before %s", work.source.rel_path)
            rebuild(workspace)
            self._remove_generated(workspace)
            self.metrics.count("sandbox_rebuilds")

    def _assign(self, todo: list[FileWork]) -> None:
        # Files of one directory share a worker: in Go they are one package.
        directories: dict[str, int] = {}
        for work in todo:
            directory = str(Path(work.source.rel_path).parent)
            if directory not in directories:
                directories[directory] = len(directories) % len(self._workspaces)
            work.worker = directories[directory]

    def _phase(self, name: str, todo: list[FileWork],
               step: Callable[[FileWork, Workspace], None]) -> None:
        """Run ``step`` for every file, files of one worker in order, workers in parallel."""
        by_worker: dict[int, list[FileWork]] = {}
        for work in todo:
            by_worker.setdefault(work.worker, []).append(work)

        def drain(index: int) -> None:
            for work in by_worker[index]:
                if self._stop.is_set():
                    return
                workspace = self._workspaces[index]
                self._ensure_intact(work, workspace)
                before = workspace.launches
                try:
                    step(work, workspace)
                finally:
                    work.launches += self._workspaces[index].launches - before

        with self.metrics.phase(name):
            pool = ThreadPoolExecutor(max_workers=len(by_worker))
            try:
                futures = [pool.submit(drain, index) for index in by_worker]
                for future in futures:
                    future.result()
            except KeyboardInterrupt:
                # Stop handing out work and kill running sandboxes (no new one starts), then
                # let the workers finish the file in hand, so nothing still changes it while
                # the completed files are written.
                self._stop.set()
                kill_all()
                pool.shutdown(wait=True, cancel_futures=True)
                raise
            pool.shutdown(wait=True)

    # ================================================================= probe

    def _probe_file(self, work: FileWork, workspace: Workspace) -> None:
        self.progress("status", f"probing {work.source.rel_path}")
        probes: list[Probe] = []
        for test_type in self.options.test_types:
            # Most plugins probe once for every type; integration may call sequences.
            if test_type != "integration" and probes:
                continue
            found = self.plugins.probe(work.source.language, work.pending, workspace, test_type)
            probes.extend(_without_secrets(found, work.source.rel_path, self.metrics))
            self.metrics.count("probe_launches")
        for probe in probes:
            work.probes.setdefault(probe.definition, []).append(probe)
        self.metrics.count("probes", len(probes))
        if (self.options.validate or self.options.dry_run) and \
                self.engine.coverage_rounds:
            # The first request already names what the existing suite leaves uncovered.
            self._baseline_for(work, workspace)

    # ================================================================= generate

    def _generate(self, todo: list[FileWork]) -> list[GenerationJob]:
        jobs = self.jobs_for(todo)
        with self.metrics.phase("generate"):
            made = self.engine.generate(jobs, progress=self._engine_progress)
        by_file = {w.source.rel_path: w for w in todo}
        for job in jobs:
            work = by_file[job.source.rel_path]
            for candidate in made.get(job.id, []):
                work.candidates.append(candidate)
        for work in todo:
            _dedupe_names(work.candidates, self.plugins.language(work.source.language))
            work.candidates[:0] = work.carried
        return jobs

    def _engine_progress(self, event: str, amount: Any = 1) -> None:
        self.progress(event, amount)

    # ================================================================= evaluate

    def _evaluate_rounds(self, todo: list[FileWork], jobs: list[GenerationJob]) -> None:
        """Evaluate, then repair what failed and follow up on what passed while lines stay
        uncovered, until nothing new comes back.

        Failing candidates get up to ``max_repairs`` repairs. With an engine that declares
        ``coverage_rounds``, a definition whose tests of round *r* passed while some of its
        lines stay uncovered is asked again (round *r* + 1) with those lines named, up to
        ``max_rounds``; a follow-up round that adds nothing ends it, as does the budget."""
        job_by_id = {j.id: j for j in jobs}
        repairing = self.engine.repairs
        rounds_on = repairing and self.engine.coverage_rounds
        max_rounds = max(1, self.options.max_rounds) if rounds_on else 1
        asked: dict[tuple[str, str], int] = {}
        """(job id, definition key) → the coverage round last asked for."""
        for job in jobs:
            for definition in job.definitions:
                asked[(job.id, definition.key)] = 1
        fresh = {w.source.rel_path: [c for c in w.candidates if c.status == "pending"]
                 for w in todo}
        for c in (c for cs in fresh.values() for c in cs):
                    by_file = {w.source.rel_path: w for w in todo}
        steps = max_rounds * (1 + self.options.max_repairs)  # a bound, never reached in practice
        for _ in range(steps):
            active = [w for w in todo if fresh[w.source.rel_path]]
            if not active or self._stop.is_set():
                break

            def step(work: FileWork, workspace: Workspace) -> None:
                self._evaluate(work, workspace, fresh[work.source.rel_path])
                # A file whose last round ended before any stop is complete: an interrupted
                # run writes it and keeps its state. The offline engine has one round.
                if not repairing and not self._stop.is_set():
                    work.done = True

            self._phase("validate", active, step)
            if not repairing:
                break
            requests = []
            for work in active:
                for c in fresh[work.source.rel_path]:
                    if _repairable(c) and c.attempts <= self.options.max_repairs:
                        job = job_by_id.get(GenerationJob.id_for(work.source, c.test_type))
                        if job is not None:
                            requests.append(RepairRequest(job, c, c.feedback))
            followups = self._followups(active, fresh, job_by_id, asked, max_rounds) \
                if rounds_on and not self.engine.stats.budget_exhausted else []
            if not self._stop.is_set():
                busy = {r.job.source.rel_path for r in requests} | \
                    {j.source.rel_path for j in followups}
                for work in active:
                    if work.source.rel_path not in busy:
                        work.done = True
            fresh = {w.source.rel_path: [] for w in todo}
            if not requests and not followups:
                break
            if requests:
                with self.metrics.phase("repair"):
                    repaired = self.engine.repair(requests, progress=self._engine_progress)
                self.metrics.count("repair_requests", len(requests))
            for request in requests:
                new = repaired.get(request.candidate.id)
                if new is None:
                    continue
                work = by_file[request.job.source.rel_path]
                new.attempts = request.candidate.attempts + 1
                new.round = request.candidate.round
                if new.status == "possible-bug":
                    request.candidate.status = "possible-bug"
                    request.candidate.reason = new.reason
                    continue
                # The repaired version replaces the failed one in the report.
                work.candidates[work.candidates.index(request.candidate)] = new
                fresh[work.source.rel_path].append(new)
            if followups:
                with self.metrics.phase("generate"):
                    made = self.engine.generate(followups, progress=self._engine_progress)
                self.metrics.count("followup_requests", len(followups))
                for job in followups:
                    work = by_file[job.source.rel_path]
                    for candidate in made.get(job.id, []):
                        candidate.round = job.round
                        work.candidates.append(candidate)
                        if candidate.status == "pending":
                            fresh[work.source.rel_path].append(candidate)
        for work in todo:
            work.done = True
            for c in work.candidates:
                if c.status == "pending":
                    c.status, c.reason = "skipped", "not evaluated"
        rounds = max(asked.values(), default=1)
        self.metrics.extra["coverage_rounds"] = rounds

    def _followups(self, active: list[FileWork], fresh: dict[str, list[TestCandidate]],
                   job_by_id: dict[str, GenerationJob], asked: dict[tuple[str, str], int],
                   max_rounds: int) -> list[GenerationJob]:
        """Follow-up jobs for the definitions whose candidates of their latest round were
        just evaluated: asked again when some passed, lines stay uncovered, the round limit
        is not reached, and (after the first round) the round added something."""
        followups = []
        for work in active:
            by_job: dict[str, dict[str, list[TestCandidate]]] = {}
            for c in fresh[work.source.rel_path]:
                job_id = GenerationJob.id_for(work.source, c.test_type)
                if c.round == asked.get((job_id, c.definition)):
                    by_job.setdefault(job_id, {}).setdefault(c.definition, []).append(c)
            taken = frozenset(c.test_name for c in work.candidates if c.test_name)
            for job_id, by_definition in by_job.items():
                job = job_by_id[job_id]
                chosen: list[Definition] = []
                no_gain: dict[str, tuple[str, ...]] = {}
                for definition in job.definitions:
                    latest = by_definition.get(definition.key)
                    round_no = asked.get((job_id, definition.key), 1)
                    if not latest or round_no >= max_rounds:
                        continue
                    passed = [c for c in latest if c.status in ("kept", "no-gain")]
                    gained = any(c.status == "kept" for c in latest)
                    if not passed or (round_no > 1 and not gained):
                        continue
                    chosen.append(definition)
                    no_gain[definition.key] = tuple(
                        c.code for c in passed if c.status == "no-gain")
                if not chosen:
                    continue
                uncovered, branches = self._uncovered(work, chosen)
                chosen = [d for d in chosen if d.key in uncovered]
                if not chosen:
                    continue
                round_no = max(asked[(job_id, d.key)] for d in chosen) + 1
                for definition in chosen:
                    asked[(job_id, definition.key)] = round_no
                followups.append(replace(
                    job, id=f"{job.id}~{round_no}", definitions=chosen, round=round_no,
                    uncovered={k: v for k, v in uncovered.items()},
                    uncovered_branches=branches,
                    passed_without_gain={k: v for k, v in no_gain.items() if v},
                    taken_names=taken))
        return followups

    def _evaluate(self, work: FileWork, workspace: Workspace,
                  candidates: list[TestCandidate]) -> None:
        """Validate, run ×(1 + repeat) and apply the keep rule to ``candidates``."""
        self.progress("status", f"validating {work.source.rel_path}")
        remaining = [c for c in candidates if c.status == "pending"]
        if not self.options.validate:
            for c in remaining:
                c.status, c.reason = "kept", "not validated (--no-validate)"
            return
        baseline = self._baseline_for(work, workspace)
        test_file, remaining = self._compile(work, workspace, remaining)
        if test_file is None:
            return
        run = self.plugins.run(work.source.language, work.framework, [test_file], workspace,
                               True)
        self.metrics.count("test_launches")
        passing = self._judge_first_run(work, test_file, run, remaining)
        passing = self._repeat(work, workspace, passing)
        self._keep(work, run, test_file, passing, baseline)
        if self.options.mutation != "off":
            self._keep_by_mutants(work, workspace, passing, run.duration)
        self._cleanup(work, workspace)
        self.progress("advance", 1)

    def _baseline_for(self, work: FileWork, workspace: Workspace) -> FileCoverage | None:
        language = work.source.language
        with self._baseline_lock:
            if language not in self._baseline:
                before = workspace.launches
                with self.metrics.phase("baseline"):
                    self._baseline[language] = self.plugins.run(language, work.framework, [],
                                                                workspace, True)
                # The baseline serves every file of the language: it is counted on its own,
                # not in the launches of the file that happened to trigger it.
                workspace.launches = before
                self.metrics.count("baseline_launches")
        run = self._baseline[language]
        work.baseline = run.coverage.get(work.source.rel_path)
        return work.baseline

    def _compile(self, work: FileWork, workspace: Workspace, remaining: list[TestCandidate]
                 ) -> tuple[TestFile | None, list[TestCandidate]]:
        """Assemble and validate; drop the candidates a diagnostic points at and retry."""
        while remaining:
            test_file = self._assemble(work, remaining)
            workspace.write(test_file.path, test_file.content)
            result = self.plugins.validate(test_file, workspace)
            self.metrics.count("compile_checks")
            if result.ok:
                return test_file, remaining
            blamed = result.failing_candidates & {c.id for c in remaining}
            outputs: dict[str, str] = {}
            if not blamed:
                # Nothing attributable: judge each candidate alone (by halves), so one bad
                # test does not sink the others.
                outputs = self._culprits(work, workspace, remaining)
                blamed = set(outputs)
            by_candidate = {d.candidate: d for d in result.diagnostics if d.candidate}
            first = result.diagnostics[0].message if result.diagnostics else result.output
            for c in remaining:
                if c.id in blamed:
                    message = by_candidate.get(c.id)
                    own = outputs.get(c.id)
                    text = (message.message if message else own or first) or "does not compile"
                    c.status, c.reason = "failed", "does not compile: " + _one_line(text)
                    c.feedback = own or result.output or text
            remaining = [c for c in remaining if c.id not in blamed]
        self._cleanup(work, workspace)
        return None, []

    def _culprits(self, work: FileWork, workspace: Workspace,
                  candidates: list[TestCandidate]) -> dict[str, str]:
        """The candidates that do not compile, found by validating halves; their ids →
        the output that condemns them. When each half compiles alone, all are blamed."""
        if len(candidates) == 1:
            return {candidates[0].id: ""}
        found: dict[str, str] = {}
        half = len(candidates) // 2
        for part in (candidates[:half], candidates[half:]):
            test_file = self._assemble(work, part)
            workspace.write(test_file.path, test_file.content)
            result = self.plugins.validate(test_file, workspace)
            self.metrics.count("compile_checks")
            if result.ok:
                continue
            named = result.failing_candidates & {c.id for c in part}
            if named:
                found.update((i, result.output) for i in named)
            elif len(part) == 1:
                found[part[0].id] = result.output
            else:
                found.update(self._culprits(work, workspace, part))
        return found or {c.id: "" for c in candidates}

    def _assemble(self, work: FileWork, candidates: list[TestCandidate]) -> TestFile:
        return self.plugins.assemble(candidates, work.framework, work.source, work.test_path)

    def _judge_first_run(self, work: FileWork, test_file: TestFile, run: RunResult,
                         remaining: list[TestCandidate]) -> list[TestCandidate]:
        passing = []
        ids_of = _test_ids_by_candidate(test_file)
        for c in remaining:
            outcomes = [run.outcome(t) for t in ids_of.get(c.id, [])]
            if not outcomes or any(o is None for o in outcomes):
                c.status = "error"
                c.reason = ("the runner did not report it: " + _one_line(run.error)
                            if run.error else "the runner did not collect it")
                c.feedback = run.output[-4000:]
            elif all(o.outcome in ("passed",) for o in outcomes):
                covered: set[int] = set()
                per_test = all(o.covered is not None for o in outcomes)
                for o in outcomes:
                    if o.covered is not None:
                        covered |= set(o.covered.get(work.source.rel_path, ()))
                c.covered_lines = frozenset(covered)
                c.per_test_coverage = per_test
                passing.append(c)
            else:
                bad = next(o for o in outcomes if o.outcome != "passed")
                c.status = "failed" if bad.outcome != "skipped" else "error"
                c.reason = (("fails: " if bad.outcome == "failed" else bad.outcome + ": ")
                            + _one_line(bad.message or "no message"))
                c.feedback = bad.message[-4000:] if bad.message else run.output[-4000:]
        return passing

    def _repeat(self, work: FileWork, workspace: Workspace,
                passing: list[TestCandidate]) -> list[TestCandidate]:
        """Run the passing tests ``repeat`` more times, some of them with what a test must not
        depend on changed (:func:`repeat_variations`); one failure makes a test flaky, named
        for the change when it failed only under that change."""
        if not passing or self.options.repeat <= 0:
            return passing
        in_order = self._assemble(work, passing)
        reversed_file: TestFile | None = None
        variations = repeat_variations(self.options.repeat)
        failures: dict[str, list[Variation | None]] = {}  # candidate → the runs it failed
        for variation in variations:
            if self._stop.is_set():
                break
            test_file = in_order
            if variation is not None and variation.reverse:
                reversed_file = reversed_file or self._assemble(work, passing[::-1])
                test_file = reversed_file
            workspace.write(test_file.path, test_file.content)
            workspace.environment = dict(variation.environment) if variation else {}
            try:
                run = self.plugins.run(work.source.language, work.framework, [test_file],
                                       workspace, False)
            finally:
                workspace.environment = {}
            self.metrics.count("test_launches")
            ids_of = _test_ids_by_candidate(test_file)
            for c in passing:
                outcomes = [run.outcome(t) for t in ids_of.get(c.id, [])]
                if not outcomes or any(o is None or o.outcome != "passed" for o in outcomes):
                    failures.setdefault(c.id, []).append(variation)
        if reversed_file is not None:
            workspace.write(in_order.path, in_order.content)
        stable = []
        for c in passing:
            failed = failures.get(c.id)
            if not failed:
                stable.append(c)
                continue
            c.status = "flaky"
            kinds = {v.depends_on if v else "" for v in failed}
            if len(kinds) == 1 and "" not in kinds:
                (kind,) = kinds
                c.reason = (f"depends on {kind}: passes as it runs here, fails "
                            f"{failed[0].described}")
            else:
                runs = 1 + self.options.repeat
                c.reason = f"passed {runs - len(failed)} of {runs} runs"
        return stable

    def _keep(self, work: FileWork, run: RunResult, test_file: TestFile,
              stable: list[TestCandidate], baseline: FileCoverage | None) -> None:
        work.coverage_available = run.coverage_available
        work.coverage_note = run.coverage_note
        if not run.coverage_available:
            keep.keep_unmeasured(stable)
            return
        file_cov = run.coverage.get(work.source.rel_path)
        if file_cov is not None:
            work.final_coverage = file_cov
            missing = set(file_cov.missing_branches)
            if work.untaken_branches is None:
                missing &= set(baseline.missing_branches) if baseline else missing
                work.untaken_branches = missing
            else:
                work.untaken_branches &= missing
        base = set(baseline.covered) if baseline else set()
        covered = keep.judge(stable, file_cov, baseline, base | work.kept_lines,
                             repeat=self.options.repeat, keep_no_gain=self.options.keep_no_gain)
        work.kept_lines = covered - base

    def _keep_by_mutants(self, work: FileWork, workspace: Workspace,
                         judged: list[TestCandidate], duration: float) -> None:
        """The no-gain tests that kill a mutant no kept test and no test of the project's
        suite kills are kept too (greedily, the one killing most first)."""
        from .mutation import GENERATE_SAMPLE, escapes

        spare = [c for c in judged if c.status == "no-gain"]
        lines = set().union(*(c.covered_lines for c in spare))
        if not lines or self.plugins.language(work.source.language).mutation is None:
            return
        kept = work.kept()
        test_file = self._assemble(work, kept + spare)
        workspace.write(test_file.path, test_file.content)
        suite = self._baseline.get(work.source.language)
        with self.metrics.phase("mutation"):
            found = escapes(self.plugins, work.inventory, work.framework, workspace,
                            test_file, kept={c.id for c in kept}, lines=lines,
                            suite_passing={t.test_id for t in suite.tests
                                           if t.outcome == "passed"} if suite else set(),
                            sample_size=None if self.options.mutation == "full"
                            else GENERATE_SAMPLE, limit=3 * duration + 5.0)
        self.metrics.count("mutation_launches", found.runs)
        keep.judge_by_mutants(spare, found.killers,
                              runs=f"{1 + self.options.repeat}/{1 + self.options.repeat}")

    def _cleanup(self, work: FileWork, workspace: Workspace) -> None:
        try:
            workspace.path(work.test_path).unlink()
        except OSError:
            pass

    # ================================================================= write

    def _write(self, work: FileWork) -> None:
        kept = work.kept()

        def content() -> str:
            ordered = _in_source_order(kept, work.inventory.definitions)
            return self._assemble(work, ordered).content

        work.written = write_test_file(self.root, work.test_path, content if kept else None,
                                       self.state, force=self.options.force)
        if work.written == "written":
            self.metrics.count("files_written")

    def _update_state(self, todo: list[FileWork], *, interrupted: bool) -> None:
        if self.options.dry_run:
            return
        self.state.record_run([w for w in todo if w.done], self.options.test_types,
                              self.options.engine, self.options.model,
                              retry_errors=self.engine.errors_are_transient)
        try:
            self.state.save()
        except OSError as exc:
            log.warning("could not save .testgen/state.json: %s", exc)

    def _count(self, result: GenerateResult) -> None:
        for status, n in result.counts().items():
            if n:
                self.metrics.count(f"candidates_{status}", n)
        launches = [w.launches for w in result.files if w.pending]
        self.metrics.extra["runner_launches_per_file_max"] = max(launches, default=0)
        self.metrics.extra["engine"] = result.engine_stats


def _without_secrets(probes: list[Probe], rel_path: str, metrics: Metrics) -> list[Probe]:
    """Probe results holding a known secret value are dropped before any test pins them."""
    clean = [p for p in probes if not contains_secret(repr(p))]
    if len(clean) < len(probes):
        log.warning("TG210: %d probe result(s) of %s held the value of a secret; dropped",
                    len(probes) - len(clean), rel_path)
        metrics.count("probes_rejected_secret", len(probes) - len(clean))
    return clean


def _repairable(c: TestCandidate) -> bool:
    """A failed candidate the engine is asked to repair in the next round."""
    return c.status in FAILURE_STATUSES and bool(c.feedback) and not c.carried_over


@dataclass(frozen=True)
class Variation:
    """What one repeat run changes of what a test must not depend on."""

    depends_on: str
    """For the reason of a test that fails only under it: "the time zone"."""
    described: str
    """How the failing run differed: "under TZ=America/New_York"."""
    environment: Mapping[str, str] = field(default_factory=dict)
    reverse: bool = False
    """The tests run in the reverse of their order in the file."""


REPEAT_VARIATIONS = (
    Variation("the time zone", "under TZ=America/New_York", {"TZ": "America/New_York"}),
    Variation("the test order", "with the tests in reverse order", reverse=True),
    Variation("the time zone", "under TZ=Asia/Kathmandu", {"TZ": "Asia/Kathmandu"}),
)
"""West of UTC; the order the tests run in; a zone off by a quarter hour."""


def repeat_variations(repeat: int) -> list[Variation | None]:
    """What each repeat run changes, ``None`` for a plain one: the first third run as the
    first run did (a test failing there is plainly flaky), the rest each change one thing."""
    own = repeat // 3
    return [None if n < own else REPEAT_VARIATIONS[(n - own) % len(REPEAT_VARIATIONS)]
            for n in range(repeat)]


def _test_ids_by_candidate(test_file: TestFile) -> dict[str, list[str]]:
    """Candidate id → the runner ids of its tests (a table can report several)."""
    ids_of: dict[str, list[str]] = {}
    for test_id, candidate_id in test_file.test_ids.items():
        ids_of.setdefault(candidate_id, []).append(test_id)
    return ids_of


def _dedupe_names(candidates: list[TestCandidate], language: Language) -> None:
    """Two tests of one file with one name would shadow each other: a later one is renamed
    (``test_x`` → ``test_x_2``) when the language reads the new name back from its code, and
    is an error otherwise. A possible bug found twice (by two test types) is reported once."""
    seen: set[str] = set()
    findings: set[tuple[str, str]] = set()
    for c in list(candidates):
        if c.status == "possible-bug":  # one finding once, whichever test type found it
            if (c.definition, c.reason) in findings:
                candidates.remove(c)
            findings.add((c.definition, c.reason))
            continue
        if not c.test_name or c.status != "pending":
            continue
        if c.test_name in seen and not _rename(c, seen, language):
            c.status, c.reason = "error", f"duplicate test name {c.test_name}"
        seen.add(c.test_name)


def _rename(candidate: TestCandidate, taken: set[str], language: Language) -> bool:
    old = candidate.test_name
    separator = " " if " " in old else "_"  # a sentence (``it("adds items")``) or a name
    new, counter = old, 2
    while new in taken:
        new, counter = f"{old}{separator}{counter}", counter + 1
    code = re.sub(rf"(?<![\w]){re.escape(old)}(?![\w])", lambda _: new, candidate.code,
                  count=1)
    if language.test_name(code) != new:
        return False
    candidate.code, candidate.test_name = code, new
    return True


def _in_source_order(candidates: list[TestCandidate],
                     definitions: list[Definition]) -> list[TestCandidate]:
    position = {d.key: i for i, d in enumerate(definitions)}
    return sorted(candidates, key=lambda c: (position.get(c.definition, 1 << 30),
                                             c.test_type, c.test_name))


def _one_line(text: str, limit: int = 200) -> str:
    lines = [l.strip() for l in (text or "").strip().splitlines() if l.strip()]
    # The last line of a traceback or compiler message says the most.
    line = next((l for l in reversed(lines) if "Error" in l or "error" in l or "assert" in l),
                lines[-1] if lines else "")
    return line[:limit]


def _why_untestable(definitions: list[Definition]) -> str:
    """The most common reason a file's definitions cannot be tested, for the summary."""
    functions = [d for d in definitions if d.kind != "class"]
    if not functions:
        return "no testable definitions: no functions or methods found"
    reasons: dict[str, int] = {}
    for definition in functions:
        reason = definition.untestable_reason or "not testable"
        reasons[reason] = reasons.get(reason, 0) + 1
    top = max(reasons, key=reasons.get)
    return f"no testable definitions: {top} ({reasons[top]} of {len(functions)})"


def _candidate_dict(c: TestCandidate) -> dict[str, Any]:
    return {"id": c.id, "definition": c.definition, "test_name": c.test_name,
            "test_type": c.test_type, "engine": c.engine, "status": c.status,
            "reason": c.reason, "attempts": c.attempts, "new_lines": sorted(c.new_lines),
            "mutants_killed": c.mutants_killed, "carried_over": c.carried_over}
