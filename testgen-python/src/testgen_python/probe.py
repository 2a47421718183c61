"""``Python.probe``, host side: one sandboxed launch of the ``harness`` per source file.

The host side builds the request (which module, which definitions, the budget), launches the
probe with the project's interpreter inside the shadow workspace, and turns the JSON lines it
prints into :class:`testgen.model.Probe` objects. Whatever the module does (fails to import,
exits, hangs, crashes the interpreter) ends as probes with an outcome and a reason.
"""

from __future__ import annotations

import json


from testgen.model import Definition, Probe, Workspace

from . import interpreter
from .layout import module_location
from .payload import PythonProbe

# Seconds per definition and per file; most definitions finish far earlier, because the search
# stops once every line of the definition has run.
SECONDS_PER_DEFINITION = 3.0
SECONDS_PER_FILE = 40.0
CALLS_PER_DEFINITION = 400
CALL_TIMEOUT = 1.0


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
        "definitions": [_describe(d) for d in runnable],
        "budget": {"seconds": SECONDS_PER_DEFINITION, "calls": CALLS_PER_DEFINITION,
                   "call_timeout": CALL_TIMEOUT, "total_seconds": total,
                   "import_timeout": 10},
    }
    chosen = interpreter.choose(workspace, needs_pytest=False)
    proc = workspace.run([chosen.executable, "-m", "testgen_python.harness"],
                         cwd=workspace.root, timeout=total + 20, stdin=json.dumps(request),
                         env=interpreter.environment(workspace, chosen))
    records = _records(proc.stdout)
    return probes + to_probes(records, runnable, proc, location.module)


def _describe(d: Definition) -> dict:
    return {"key": d.key, "qualname": d.qualname, "name": d.name, "kind": d.kind,
            "parent": d.parent, "start_line": d.start_line, "end_line": d.end_line,
            "is_async": d.is_async, "decorator_kind": d.details.get("decorator_kind")}


def _records(stdout: str) -> list[dict]:
    records = []
    for line in stdout.splitlines():
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            records.append(json.loads(line))
        except ValueError:
            continue
    return records


def to_probes(records: list[dict], definitions: list[Definition], proc, module: str) -> list[Probe]:
    imported = next((r for r in records if r.get("type") == "import"), None)
    if imported is None or not imported.get("ok"):
        if imported is not None:
            reason = f"{module} cannot be imported: {imported.get('message')}"
            outcome = "timeout" if imported.get("kind") == "timeout" else "skipped"
        elif proc.timed_out:
            reason, outcome = f"{module}: the probe was stopped ({proc.killed_reason})", "timeout"
        else:
            reason = f"{module}: the probe process failed ({_last_line(proc)})"
            outcome = "crash"
        return [Probe(definition=d.key, outcome=outcome, reason=reason) for d in definitions]

    probes: list[Probe] = []
    answered = set()
    for record in records:
        if record.get("type") != "probe":
            continue
        answered.add(record["definition"])
        probes.append(_probe(record, module))
    done = any(r.get("type") == "done" for r in records)
    for d in definitions:
        if d.key not in answered:
            reason = "no input could be generated" if done else (
                f"the probe stopped before reaching it ({proc.killed_reason or _last_line(proc)})")
            probes.append(Probe(definition=d.key, outcome="skipped" if done else "timeout",
                                reason=reason))
    return probes


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


def _last_line(proc) -> str:
    text = (proc.stderr or "").strip().splitlines()
    detail = text[-1] if text else f"exit status {proc.returncode}"
    return proc.killed_reason or detail


__all__ = ["probe", "to_probes"]


