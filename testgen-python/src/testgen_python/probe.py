"""``Python.probe``, host side: the ``harness`` run through :mod:`testgen.kit.probehost`.

The host plans one call per testable definition of the file (the module, the budget, the
kit's ``limits``), launches the harness with the project's interpreter inside the shadow
workspace, reads its records with the kit's reader and turns them into
:class:`testgen.model.Probe` objects. One launch probes the whole file: the harness already
runs each definition in a forked child it kills when it overruns, so a hang, a crash or an
``exit`` inside a definition is one of its probes. What the harness cannot cover itself, the
kit's :func:`~testgen.kit.probehost.run_calls` does: when the launch as a whole dies or times
out in the middle of a definition, that definition gets the ``crash`` or ``timeout`` and the
definitions after it another launch. Whatever the module does (fails to import, exits, hangs,
crashes the interpreter) ends as probes with an outcome and a reason.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from testgen.kit.inverses import inverse_of
from testgen.kit.probehost import Batch, Limits, ProcessLike, Session, plan, run_calls
from testgen.kit.shapes import shaped_strings
from testgen.model import Definition, ProcessResult, Probe, Workspace

from . import interpreter
from .layout import module_location
from .payload import PythonProbe

# Seconds per definition and per file; most definitions finish far earlier, because the search
# stops once every line of the definition has run.
SECONDS_PER_DEFINITION = 3.0
SECONDS_PER_FILE = 40.0
CALLS_PER_DEFINITION = 400
CALL_TIMEOUT = 1.0
MEMORY_MB = 2048
# A launch only ends early when the harness process itself dies or overruns the whole file's
# time; the second launch runs the definitions the first did not reach.
MAX_LAUNCHES = 2


@dataclass(frozen=True)
class PlannedDefinition:
    """One call of the plan: a definition, probed in one forked child of the harness."""

    id: int
    definition: Definition

    @property
    def group(self) -> str:
        return self.definition.key


def probe(definitions: list[Definition], workspace: Workspace, test_type: str) -> list[Probe]:
    if not definitions:
        return []
    probes: list[Probe] = []
    runnable = []
    for d in definitions:
        if d.testable:
            runnable.append(d)
        else:
            probes.append(Probe(definition=d.key, outcome="skipped",
                                reason=d.untestable_reason or "not testable"))
    if not runnable:
        return probes
    rel_path = runnable[0].file
    source_path = workspace.path(rel_path)
    text = source_path.read_text(encoding="utf-8", errors="replace") \
        if source_path.is_file() else None
    location = module_location(workspace.root, rel_path, text)
    total = min(SECONDS_PER_FILE, max(10.0, workspace.timeout - 5))
    request = {
        "root": str(workspace.root), "module": location.module,
        "import_root": location.import_root, "file": rel_path, "test_type": test_type,
        "tmpdir": str(workspace.scratch / "probe-tmp"),
        "budget": {"seconds": SECONDS_PER_DEFINITION, "calls": CALLS_PER_DEFINITION,
                   "total_seconds": total, "import_timeout": 10},
        "shaped": _shaped_by_name(definitions),
    }
    chosen = interpreter.choose(workspace, needs_pytest=False)
    env = interpreter.environment(workspace, chosen)

    # What each definition may get from its inverses (see harness.produced).
    inverses = {d.key: [p.key for p in runnable if p is not d and inverse_of(p.name, d.name)]
                for d in runnable}

    def launch(batch: Batch[PlannedDefinition]) -> ProcessResult:
        calls = [{"id": c.id, **_describe(c.definition), "inverses": inverses[c.definition.key]}
                 for c in batch.calls]
        return workspace.run([chosen.executable, "-m", "testgen_python.harness"],
                             cwd=workspace.root, timeout=batch.limits.launch_seconds,
                             stdin=json.dumps(plan(batch, calls, **request)), env=env,
                             memory_mb=batch.limits.memory_mb)

    limits = Limits(call_seconds=CALL_TIMEOUT, launch_seconds=total + 20, memory_mb=MEMORY_MB)
    session = run_calls([PlannedDefinition(i, d) for i, d in enumerate(runnable)], launch,
                        limits=limits, max_launches=MAX_LAUNCHES, reason_for_crash=_last_line)
    return probes + to_probes(session, location.module)


def _shaped_by_name(definitions: list[Definition]) -> dict[str, list[str]]:
    """The strings :mod:`testgen.kit.shapes` gives each parameter name of the file's
    definitions (``{"url": ["https://…", …]}``), for the harness to try first. One map for the
    whole file, not one per call: the harness also fills the parameters of the file's
    constructors when it builds a receiver or an argument."""
    names = {p.name for d in definitions for p in d.parameters if p.kind != "receiver"}
    return {name: samples for name in sorted(names) if (samples := shaped_strings(name))}


def _describe(d: Definition) -> dict:
    return {"key": d.key, "qualname": d.qualname, "name": d.name, "kind": d.kind,
            "parent": d.parent, "start_line": d.start_line, "end_line": d.end_line,
            "is_async": d.is_async, "decorator_kind": d.details.get("decorator_kind")}


def to_probes(session: Session[PlannedDefinition], module: str) -> list[Probe]:
    """The probes of a session: the harness's ``probe`` records, in the order it sent them,
    then a probe for each definition the harness did not answer (the host's outcome)."""
    records = session.records
    if not any(r.get("event") == "loaded" for r in records):
        outcome, reason = _not_loaded(session, module)
        return [Probe(definition=o.call.definition.key, outcome=outcome, reason=reason)
                for o in session.outcomes]
    probes = [_probe(r, module) for r in records if r.get("event") == "probe"]
    answered = {r.get("id") for r in records if r.get("event") == "probe"}
    started = {r.get("id") for r in records if r.get("event") == "start"}
    for o in session.outcomes:
        key = o.call.definition.key
        if o.kind == "result":
            if o.call.id not in answered:
                probes.append(Probe(definition=key, outcome="skipped",
                                    reason="no input could be generated"))
        elif o.kind == "crash" and session.fatal is not None:  # a later launch did not load
            outcome, reason = _not_loaded(session, module)
            probes.append(Probe(definition=key, outcome=outcome, reason=reason))
        elif o.kind == "crash" and o.call.id not in started:
            # the launch stopped before this definition (nothing says it was its doing)
            outcome = "timeout" if session.last and session.last.timed_out else "crash"
            probes.append(Probe(definition=key, outcome=outcome,
                                reason=f"the probe stopped before reaching it ({o.reason})"))
        elif o.kind == "crash":  # the harness process died while probing it
            probes.append(Probe(definition=key, outcome="crash",
                                reason=f"the probe process died while running it ({o.reason})"))
        else:  # it kept the launch past its time, or was not run at all
            probes.append(Probe(definition=key, outcome=o.kind, reason=o.reason))
    return probes


def _not_loaded(session: Session[PlannedDefinition], module: str) -> tuple[str, str]:
    """The outcome and reason of every definition of a module the harness did not load."""
    if session.fatal is not None:
        reason = f"{module} cannot be imported: {session.fatal.get('message')}"
        return ("timeout" if session.fatal.get("kind") == "timeout" else "skipped"), reason
    proc = session.last
    if proc is not None and proc.timed_out:
        return "timeout", f"{module}: the probe was stopped ({proc.killed_reason})"
    detail = _last_line(proc) if proc is not None else "not launched"
    return "crash", f"{module}: the probe process failed ({detail})"


def _probe(record: dict, module: str) -> Probe:
    return Probe(
        definition=record["definition"],
        args=tuple(record.get("args") or ()),
        kwargs=tuple((k, v) for k, v in record.get("kwargs") or ()),
        outcome=record.get("outcome", "skipped"),
        value=record.get("value"),
        exception=record.get("exception"),
        message=record.get("message"),
        deterministic=bool(record.get("deterministic", True)),
        category=record.get("category", "typical"),
        setup=tuple(record.get("setup") or ()),
        call=record.get("call", ""),
        covered_lines=frozenset(record.get("covered_lines") or ()),
        reason=record.get("reason", ""),
        payload=PythonProbe.from_record(record, module),
    )


def _last_line(proc: ProcessLike) -> str:
    text = (proc.stderr or "").strip().splitlines()
    detail = text[-1] if text else f"exit status {proc.returncode}"
    return proc.killed_reason or detail


__all__ = ["probe", "to_probes"]


