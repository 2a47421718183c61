"""Candidate engines: what turns a planned job into test candidates.

The pipeline hands an engine every job of a run at once (so an engine can batch and run
requests concurrently) and gets candidates back per job. Everything after that, assembling,
validating, running, keeping, is shared.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Mapping

from ..model import Definition, Framework, Probe, Prompt, SourceFile, TestCandidate

if TYPE_CHECKING:
    from ..errors import TestgenError


@dataclass
class GenerationJob:
    """Definitions of one source file to generate tests of one type for."""

    id: str
    source: SourceFile
    definitions: list[Definition]
    framework: Framework
    test_type: str
    probes: dict[str, list[Probe]] = field(default_factory=dict)
    """``Definition.key`` → observed behaviour."""
    callees: tuple[str, ...] = ()
    """Signatures (not bodies) of what the definitions call, when ``neighbours`` is empty."""
    neighbours: tuple[Definition, ...] = ()
    """Definitions of the file and of the project's other modules that the definitions may
    call: the engine picks, per request, the signatures and docstrings of those called, and
    the enclosing class of a method (so a request's context does not grow with the file)."""
    style_examples: tuple[str, ...] = ()
    """Snippets of the project's existing tests, as style reference."""
    template_dirs: tuple[Any, ...] = ()
    uncovered: Mapping[str, frozenset[int]] = field(default_factory=dict)
    """``Definition.key`` → its lines that the existing suite and the tests kept so far
    leave uncovered (to steer the engine)."""
    uncovered_branches: Mapping[str, tuple[tuple[int, int], ...]] = field(default_factory=dict)
    """``Definition.key`` → branches (from line, to line) never taken."""
    round: int = 1
    """Coverage-guided round: 1 for the first request, 2+ for follow-ups."""
    passed_without_gain: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Follow-ups: ``Definition.key`` → code of tests of the last round that passed but
    covered nothing new (so the model writes different ones)."""
    test_path: str = ""
    """Where the generated tests of the file go (project-relative)."""
    taken_names: frozenset[str] = frozenset()
    """Test names already used in the file's generated tests (follow-ups must not reuse)."""

    @staticmethod
    def id_for(source: SourceFile, test_type: str) -> str:
        return f"{source.rel_path}#{test_type}"

    @classmethod
    def for_file(cls, source: SourceFile, definitions: list[Definition],
                 neighbours: list[Definition], framework: Framework, test_type: str,
                 **extra: Any) -> "GenerationJob":
        """The job for ``definitions`` of ``source``; the definitions of the file (and any
        others they may call: ``neighbours``) go along so the engine can show what is
        called."""
        return cls(id=cls.id_for(source, test_type), source=source,
                   definitions=list(definitions), framework=framework, test_type=test_type,
                   neighbours=tuple(neighbours), **extra)


@dataclass
class RepairRequest:
    """A failed candidate and the compiler/test output that explains why."""

    job: GenerationJob
    candidate: TestCandidate
    feedback: str


@dataclass
class EngineStats:
    """What an engine spent: requests, tokens, money, time."""

    requests: int = 0
    cached_requests: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    tokens_cached: int = 0
    cost_usd: float = 0.0
    latencies: list[float] = field(default_factory=list)
    retries: int = 0
    errors: int = 0
    budget_exhausted: bool = False

    def to_dict(self) -> dict[str, Any]:
        from ..metrics import percentiles

        total = self.requests + self.cached_requests
        return {
            "requests": self.requests, "cached_requests": self.cached_requests,
            "cache_hit_rate": round(self.cached_requests / total, 4) if total else 0.0,
            "tokens_in": self.tokens_in, "tokens_out": self.tokens_out,
            "tokens_cached": self.tokens_cached, "cost_usd": round(self.cost_usd, 6),
            "latency": percentiles(self.latencies), "retries": self.retries,
            "errors": self.errors, "budget_exhausted": self.budget_exhausted,
        }


Progress = Callable[[str, int], None]
"""``progress(event, amount)``: engines report ``"request"``, ``"tokens"``, ``"cost"``."""


class Engine:
    """What the pipeline needs from an engine, and what it may do beyond candidates.

    Subclass it: the defaults describe an engine that only generates (no repairs, no
    coverage-guided rounds, nothing to prepare, render or estimate). The pipeline and the CLI
    read these capabilities instead of asking which engine they have.
    """

    name: str = ""
    stats: EngineStats
    coverage_rounds: bool = False
    """Whether asking again with the uncovered lines named can give other tests (a model
    can; a deterministic engine would repeat itself)."""
    repairs: bool = False
    """Whether a failing candidate can be repaired from its compiler/test output; the
    pipeline then evaluates in rounds (repairs, follow-ups) instead of once."""
    errors_are_transient: bool = False
    """Whether an ``error`` outcome may go away by itself (a provider failure): the state then
    does not remember it, and the next run asks again."""
    fatal_error: "TestgenError | None" = None
    """Set when nothing the engine was asked could be served (auth, unreachable provider):
    the run changes no file and the CLI exits with the error's status."""

    def prepare(self) -> None:
        """Load what the first request needs (a client library), while the probes run."""

    def generate(self, jobs: list[GenerationJob],
                 progress: Progress | None = None) -> dict[str, list[TestCandidate]]:
        """Candidates per ``job.id``. A job the engine could not serve maps to candidates with
        status ``error`` or ``skipped`` and a reason, never to an exception."""
        raise NotImplementedError

    def repair(self, requests: list[RepairRequest],
               progress: Progress | None = None) -> dict[str, TestCandidate]:
        """Repaired candidates by the original candidate id; missing ids were not repaired."""
        return {}

    def render(self, jobs: list[GenerationJob]) -> list[tuple[str, Prompt]]:
        """What would be sent for ``jobs`` (``--dry-run``): (job id, prompt) pairs."""
        return []

    def estimate(self, jobs: list[GenerationJob]) -> dict[str, Any]:
        """Predicted requests, tokens and cost for ``jobs`` (``--dry-run``, ``analyze``)."""
        return {}

    def close(self) -> None:
        """Release connections, flush caches."""
