"""The host side of a probe harness: one protocol, per-call limits, a relaunch after a hang.

A language probes definitions by running a *harness* of its own (a Node script, a Go test
binary, a Python module) that calls the code under test on planned inputs and reports what
happened. What every language needs around it is the same, and lives here: reading the
harness's records, telling which call was running when the process died, turning that call
into a ``timeout`` or ``crash`` outcome, and launching again for the calls that did not run.

The protocol
============

**The plan.** The host hands the harness a list of calls and the limits (through a file, stdin
or the environment: the language's choice). :func:`plan` builds the language-free part::

    {"limits": {"call_ms": 2000, "memory_mb": null},
     "calls": [{"id": 0, ...}, {"id": 1, ...}]}

``id`` is an int or a string, unique in the plan; everything else in a call is the language's
own (what to import, the argument literals). ``call_ms`` is how long one call may run before
the harness gives it up itself where it can (a promise that never settles, a call run on a
worker it can abandon); ``memory_mb`` (``null``: no cap) is what one launch may use, applied
by the harness or by the launch (Node's ``--max-old-space-size``, a ``setrlimit``).

**The records.** The harness writes one JSON object per line, each flushed as soon as it is
known, to stdout or to a file (:class:`Launched` ``records``)::

    {"event": "start", "id": 0}                       before a call begins
    {"event": "result", "id": 0, ...}                 after it ends; the rest is the language's
    {"event": "fatal", "reason": "importing ... failed: ..."}
                                                      nothing more can run (the module does not
                                                      load); no further call is attempted
    {"event": "done"}                                 optional: the harness got to the end

Any other ``event`` (``"loaded"``, ``"uncaught"``) is kept in :attr:`Session.records` for the
language and ignored here. Lines that are not such a record (what the code under test printed)
are skipped, and a record printed right after text without a newline is still found.

**The host.** :func:`run_calls` launches the harness on the calls (``launch(batch)``, injected:
each language keeps its own harness and command line) and reads the records. A call with a
``result`` record is done. When the launch timed out, or stopped, with a call started and not
finished, that call is the *culprit*: it becomes ``timeout`` (the launch timed out) or
``crash`` (it did not); the other calls of its group (its definition) are ``skipped`` with the
reason, since they would most likely do it again; the remaining calls get another launch, up to
``max_launches``. Without a culprit, the calls that did not finish are ``crash`` with the
reason (:func:`crash_reason`, replaceable): nothing says which one to leave out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Callable, Generic, Hashable, Literal, Mapping, Protocol, Sequence, TypeVar

__all__ = ["Batch", "Call", "Launch", "Launched", "Limits", "Outcome", "ProcessLike", "Session",
           "crash_reason", "plan", "read_records", "run_calls"]

OutcomeKind = Literal["result", "timeout", "crash", "skipped"]


class Call(Protocol):
    """What the host needs of a planned call: the language's own class has these two."""

    @property
    def id(self) -> Hashable:
        """Unique in one plan; the harness echoes it (an int or a string: JSON-safe)."""

    @property
    def group(self) -> Hashable:
        """Calls that fail together (``Definition.key``): one that hangs skips the others."""


C = TypeVar("C", bound=Call)


class ProcessLike(Protocol):
    """The fields of :class:`testgen.model.ProcessResult` the host reads."""

    returncode: int
    stdout: str
    stderr: str
    timed_out: bool
    killed_reason: str


@dataclass(frozen=True)
class Limits:
    """What one call and one launch may use; handed to the harness in every batch."""

    call_seconds: float = 2.0
    """How long one call may run before the harness gives it up itself, where it can."""
    launch_seconds: float = 20.0
    """Wall time of one launch; the launch function passes it to ``Workspace.run``."""
    memory_mb: int | None = None
    """Memory one launch may use (``None``: no cap beyond the sandbox's)."""

    @property
    def call_ms(self) -> int:
        """``call_seconds`` in milliseconds, as the plan gives it to the harness."""
        return int(self.call_seconds * 1000)

    def as_plan(self) -> dict[str, Any]:
        """The ``limits`` object of the plan: ``{"call_ms": ..., "memory_mb": ...}``."""
        return {"call_ms": self.call_ms, "memory_mb": self.memory_mb}


@dataclass(frozen=True)
class Batch(Generic[C]):
    """One launch's work: the calls still to run, the limits, and which launch it is (0, 1…:
    for file names that must not collide with an earlier launch's)."""

    calls: tuple[C, ...]
    limits: Limits
    attempt: int


@dataclass(frozen=True)
class Launched:
    """What a launch returns when the records do not come on stdout: the process, and the text
    of the channel the harness wrote its records to. A bare ``ProcessResult`` also does."""

    process: ProcessLike
    records: str | None = None
    """The record channel's text; ``None``: read the records from ``process.stdout``."""


@dataclass(frozen=True)
class Outcome(Generic[C]):
    """What became of one call."""

    call: C
    kind: OutcomeKind
    """``result``: the harness reported it (see :attr:`record`); ``timeout``/``crash``: it
    was running when the launch timed out or stopped; ``skipped``: it was not run."""
    record: Mapping[str, Any] | None = None
    """The harness's ``result`` record (``kind == "result"``)."""
    reason: str = ""
    """Why it timed out, crashed or was skipped; ``""`` for results."""


@dataclass
class Session(Generic[C]):
    """Everything :func:`run_calls` learnt."""

    outcomes: list[Outcome[C]]
    """One per call, in the order of the calls."""
    launches: int = 0
    fatal: Mapping[str, Any] | None = None
    """The harness's ``fatal`` record, if it sent one (the language may raise from it)."""
    records: list[dict[str, Any]] = field(default_factory=list)
    """Every record of every launch, in order (the language's own events included)."""
    last: ProcessLike | None = None
    """The last launch's process."""


Launch = Callable[[Batch[C]], "ProcessLike | Launched"]


def plan(batch: Batch[Any], calls: Sequence[Mapping[str, Any]], **extra: Any) -> dict[str, Any]:
    """The plan for ``batch``: ``extra`` (the language's fields: the module, its kind, the
    output file), ``limits``, and ``calls`` (the language's call objects, each with its id)."""
    return {**extra, "limits": batch.limits.as_plan(), "calls": list(calls)}


def read_records(text: str) -> list[dict[str, Any]]:
    """The protocol records in ``text``, in order; noise lines are skipped."""
    records = []
    decoder = json.JSONDecoder()
    for line in text.splitlines():
        record = _record(line.strip(), decoder)
        if record is not None:
            records.append(record)
    return records


def _record(line: str, decoder: json.JSONDecoder) -> dict[str, Any] | None:
    start = line.find("{")
    while start != -1:
        try:
            value, end = decoder.raw_decode(line, start)
        except ValueError:
            value, end = None, -1
        if isinstance(value, dict) and "event" in value and end == len(line):
            return value
        start = line.find("{", start + 1)
    return None


def crash_reason(process: ProcessLike) -> str:
    """Why a launch stopped, for the calls it did not finish: what the sandbox says, else the
    last lines the process wrote, else its exit status."""
    if process.killed_reason:
        detail = process.killed_reason
    else:
        tail = (process.stderr or process.stdout or "").strip().splitlines()[-3:]
        detail = " / ".join(tail) if tail else f"exit status {process.returncode}"
    return f"the probe harness stopped: {detail}"[:400]


def run_calls(calls: Sequence[C], launch: Launch[C], *, limits: Limits = Limits(),
              max_launches: int = 3,
              reason_for_crash: Callable[[ProcessLike], str] = crash_reason) -> Session[C]:
    """Run ``calls`` through ``launch`` until each has an outcome (see the module docstring).

    ``launch(batch)`` starts the harness once on ``batch.calls`` and returns its
    ``ProcessResult`` (records on stdout) or a :class:`Launched`. At most ``max_launches``
    launches; calls still pending after the last are ``skipped``.
    """
    outcomes: dict[Hashable, Outcome[C]] = {}
    session: Session[C] = Session(outcomes=[])
    pending = list(calls)
    while pending and session.launches < max_launches:
        batch = Batch(tuple(pending), limits, session.launches)
        answer = launch(batch)
        session.launches += 1
        launched = answer if isinstance(answer, Launched) else Launched(answer)
        process = session.last = launched.process
        records = read_records(launched.records if launched.records is not None
                               else process.stdout or "")
        session.records.extend(records)
        by_id = {call.id: call for call in pending}
        started: Hashable | None = None
        for record in records:
            event, call_id = record.get("event"), record.get("id")
            if event == "start" and call_id in by_id and call_id not in outcomes:
                started = call_id
            elif event == "result" and call_id in by_id and call_id not in outcomes:
                outcomes[call_id] = Outcome(by_id[call_id], "result", record=record)
            elif event == "fatal" and session.fatal is None:
                session.fatal = record
        rest = [call for call in pending if call.id not in outcomes]
        if session.fatal is not None:
            reason = str(session.fatal.get("reason") or "the probe harness could not start")
            outcomes.update((c.id, Outcome(c, "crash", reason=reason)) for c in rest)
            break
        culprit = by_id.get(started) if started not in outcomes else None
        if culprit is None:
            if rest:
                reason = reason_for_crash(process)
                outcomes.update((c.id, Outcome(c, "crash", reason=reason)) for c in rest)
            break
        if process.timed_out:
            outcomes[culprit.id] = Outcome(culprit, "timeout", reason=(
                f"did not return within {limits.launch_seconds:g}s (infinite loop?)"))
            why = "an earlier call of the same definition did not return"
        else:
            outcomes[culprit.id] = Outcome(culprit, "crash", reason=reason_for_crash(process))
            why = "an earlier call of the same definition stopped the probe harness"
        pending = []
        for call in rest:
            if call is culprit:
                continue
            if call.group == culprit.group:
                outcomes[call.id] = Outcome(call, "skipped", reason=why)
            else:
                pending.append(call)
    for call in pending:
        if call.id not in outcomes:
            outcomes[call.id] = Outcome(call, "skipped", reason=(
                f"not run: the probe harness was launched {session.launches} times already"))
    session.outcomes = [outcomes[call.id] for call in calls]
    return session
