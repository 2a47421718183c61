"""The offline engine's probe, host side: build the harness, run it, and turn its records
into :class:`~testgen.model.Probe` values.

The harness (``tests/zz_testgen_probe_<module>.rs`` in the shadow copy, see :mod:`.harness`)
runs the calls that :mod:`.plan` wrote. Calls that do not compile are dropped (the compiler's
line numbers say which) and the rest is rebuilt. The built harness speaks the protocol of
:mod:`testgen.kit.probehost`, which runs the launches: a call that kills the whole process
(abort, stack overflow, ``exit``) is a crash, the other calls of its definition are skipped,
and the rest run again without them. A call that outlives ``call_ms`` is timed out by the
harness itself (its thread is abandoned), and the later calls of its definition are skipped.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

from testgen.kit.probehost import Batch, Launched, Limits, run_calls
from testgen.kit.probehost import plan as host_plan
from testgen.model import Definition, ProcessResult, Probe, Workspace

from .cargo import build_tests, cargo_env, require_cargo
from .crate_index import CrateIndex, index_crate
from .harness import HARNESS_PREFIX, render_harness
from .literals import (
    DebugSyntaxError, LiteralRenderer, learn_constructor, parse_debug, to_debug,
)
from .manifest import crate_for, module_name
from .payload import RustCall
from .plan import CallPlan, Planner, skipped_probe, split_args
from .types import Ty

MAX_BUILDS = 4
MAX_LAUNCHES = 3
CALL_TIMEOUT_MS = 2000


def probe(definitions: list[Definition], workspace: Workspace, test_type: str) -> list[Probe]:
    """Probe every definition of one source file; one build and (normally) one run."""
    if not definitions:
        return []
    require_cargo()
    first = definitions[0]
    crate = crate_for(workspace.path(first.file), stop=workspace.root)
    if crate is None or crate.lib_name is None:
        return [skipped_probe(d, d.untestable_reason or "no library crate around this file")
                for d in definitions]
    if not crate.autotests:
        target = f"testgen_{module_name(crate, workspace.path(first.file))}"
        if target not in crate.declared_tests:
            return [skipped_probe(d, (
                f"Cargo.toml sets `autotests = false`, so cargo builds only the [[test]] "
                f"targets it declares and a generated tests/{target}.rs would never run; "
                f"declare [[test]] name = \"{target}\" or remove `autotests = false`"))
                for d in definitions]
    index = index_crate(crate)
    crate_rel = _rel(crate.root, workspace.root)
    ws_rel = _rel(crate.target_root, workspace.root)
    planner = Planner(workspace, crate, index, crate.edition)
    planned = planner.plan(definitions)
    probes: list[Probe] = list(planned.skipped)
    plans = planned.plans
    if plans:
        plans = plans + planner.calibrations(plans)
    if not plans:
        return probes
    features = sorted({f for p in plans for f in p.definition.details.get("features") or ()})
    harness_name = f"{HARNESS_PREFIX}_{module_name(crate, workspace.path(first.file))}"
    harness_rel = f"{crate_rel + '/' if crate_rel else ''}tests/{harness_name}.rs"
    dropped: dict[str, str] = {}
    build = None
    try:
        for _attempt in range(MAX_BUILDS):
            text, ranges = render_harness(crate, plans, first.file)
            workspace.write(harness_rel, text)
            build = build_tests(workspace, workspace.path(crate_rel or "."), ws_rel,
                                tests=[harness_name], features=features)
            if build.ok:
                break
            bad = _attribute_errors(build, ranges, harness_name)
            if bad is None:
                reason = _first_error(build)
                if features:
                    reason = f"with features {', '.join(features)}: {reason}"
                return probes + [skipped_probe(d, f"the crate does not compile: {reason}")
                                 for d in _unique_defs(plans)]
            for plan_id, message in bad.items():
                dropped[plan_id] = message
            plans = [p for p in plans if p.id not in dropped and p.group not in dropped]
            if not plans:
                break
        else:
            plans = []
        if build is None or not build.ok or not plans:
            return probes + _dropped_probes(definitions, dropped, plans)
        executable = build.executables.get(f"test:{harness_name}")
        if executable is None:
            return probes + [skipped_probe(d, "cargo built no probe binary") for d in
                             _unique_defs(plans)]
        records = _run_harness(workspace, executable, crate_rel, ws_rel, plans)
    finally:
        try:
            workspace.path(harness_rel).unlink()
        except OSError:
            pass
    probes.extend(_dropped_probes(definitions, dropped, plans))
    probes.extend(_to_probes(plans, records, index))
    return probes


def _rel(path: Path, root: Path) -> str:
    try:
        rel = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return ""
    return "" if rel == "." else rel


def _unique_defs(plans: list[CallPlan]) -> list[Definition]:
    seen: dict[str, Definition] = {}
    for plan in plans:
        seen.setdefault(plan.definition.key, plan.definition)
    return list(seen.values())


def _first_error(build) -> str:
    errors = build.errors
    if errors:
        e = errors[0]
        where = f"{e.file}:{e.line}: " if e.file else ""
        return f"{where}{e.message}"
    return (build.output or "cargo failed").strip().splitlines()[-1][:300]


def _attribute_errors(build, ranges: dict[str, tuple[int, int]], harness_name: str
                      ) -> dict[str, str] | None:
    """Map compiler errors in the harness to calls (or whole groups); None when an error is
    outside the harness (the crate itself does not build)."""
    bad: dict[str, str] = {}
    for error in build.errors:
        if error.file is None or not error.file.endswith(f"{harness_name}.rs"):
            if error.message.startswith("aborting due to") or error.message.startswith(
                    "could not compile"):
                continue
            return None
        line = error.line or 0
        owner = None
        for key, (start, end) in ranges.items():
            if start <= line <= end and "_c" in key:
                owner = key
                break
        if owner is None:
            for key, (start, end) in ranges.items():
                if start <= line <= end:
                    owner = key
                    break
        if owner is None:
            return None
        bad.setdefault(owner, error.message)
    return bad or None


def _dropped_probes(definitions: list[Definition], dropped: dict[str, str],
                    remaining: list[CallPlan]) -> list[Probe]:
    """One skipped probe per definition that lost every call to compile errors."""
    alive = {p.group for p in remaining}
    probes = []
    for number, definition in enumerate(definitions):
        group = f"d{number}"
        reasons = [m for k, m in dropped.items() if k == group or k.startswith(group + "_")]
        if reasons and group not in alive:
            probes.append(skipped_probe(definition,
                                        f"generated inputs do not compile: {reasons[0]}"))
    return probes


def _run_harness(workspace: Workspace, executable: str, crate_rel: str, ws_rel: str,
                 plans: list[CallPlan]) -> dict[str, dict]:
    """Run the harness through the kit's probe host; the record (or the host's verdict) of
    each call, by id."""
    stem = f"probe-{uuid.uuid4().hex[:12]}"
    crate_dir = workspace.path(crate_rel or ".")

    def launch(batch: Batch[CallPlan]) -> Launched:
        # Files per launch: a launch that dies early must not leave an earlier one's records.
        out_file = workspace.scratch / f"{stem}-{batch.attempt}.jsonl"
        plan_file = workspace.scratch / f"{stem}-{batch.attempt}.plan.json"
        plan_file.write_text(json.dumps(host_plan(batch, [{"id": p.id} for p in batch.calls],
                                                  out=str(out_file))), encoding="utf-8")
        env = cargo_env(workspace, ws_rel)
        env.update({"TESTGEN_PROBE_PLAN": str(plan_file), "CARGO_MANIFEST_DIR": str(crate_dir)})
        result = workspace.run([executable, "testgen_probe", "--exact", "--nocapture"],
                               cwd=crate_dir, env=env, timeout=batch.limits.launch_seconds,
                               memory_mb=batch.limits.memory_mb)
        try:
            records = out_file.read_text(encoding="utf-8", errors="replace")
        except OSError:
            records = ""
        return Launched(result, records=records)

    limits = Limits(call_seconds=CALL_TIMEOUT_MS / 1000, launch_seconds=workspace.timeout)
    session = run_calls(plans, launch, limits=limits, max_launches=MAX_LAUNCHES,
                        reason_for_crash=_crash_reason)
    return {o.call.id: dict(o.record) if o.kind == "result" and o.record is not None
            else {"id": o.call.id, "outcome": o.kind, "reason": o.reason}
            for o in session.outcomes}


def _crash_reason(process: ProcessResult) -> str:
    detail = process.killed_reason or f"exit status {process.returncode}"
    return f"the probe process died ({detail}){_stderr_hint(process.stderr or '')}"


def _stderr_hint(stderr: str) -> str:
    for marker in ("stack overflow", "memory allocation", "SIGSEGV", "abort"):
        if marker in stderr:
            return f": {marker}"
    return ""


def _pairs(expr: str, debug: str) -> list[tuple[str, str]]:
    """(expression, Debug text) pairs: the value itself, and the elements of a list."""
    expr = expr.strip().lstrip("&")
    pairs = [(expr, debug)]
    match = re.fullmatch(r"(?:vec!)?\[(.*)\]", expr, re.S)
    if match:
        try:
            parsed = parse_debug(debug)
        except DebugSyntaxError:
            return pairs
        items = split_args(match.group(1))
        if parsed.kind == "list" and len(parsed.items) == len(items):
            pairs.extend(zip(items, (to_debug(v) for v in parsed.items)))
    return pairs


def _to_probes(plans: list[CallPlan], records: dict[str, dict], index: CrateIndex
               ) -> list[Probe]:
    constructors: dict[str, list] = {}
    for plan in plans:
        obs = (records.get(plan.id) or {}).get("obs") or {}
        if plan.calibration:
            debug = (obs.get("ret") or {}).get("debug")
            learnt = learn_constructor(plan.call, debug, plan.imports) if debug else None
            if learnt:
                constructors.setdefault(learnt[0], []).append(learnt[1])
            continue
        for var, value in (obs.get("inputs") or {}).items():
            expr = plan.input_exprs.get(var)
            debug = (value or {}).get("debug")
            if expr and debug:
                for part, part_debug in _pairs(expr, debug):
                    learnt = learn_constructor(part, part_debug, plan.imports)
                    if learnt:
                        constructors.setdefault(learnt[0], []).append(learnt[1])
    renderer = LiteralRenderer(index, constructors)
    probes = []
    for plan in plans:
        if plan.calibration:
            continue
        record = records.get(plan.id) or {"outcome": "skipped", "reason": "no record"}
        probes.append(_probe(plan, record, renderer))
    return probes


STD_ERRORS = {"ParseIntError", "ParseFloatError", "ParseBoolError", "ParseCharError",
              "Utf8Error", "FromUtf8Error", "TryFromIntError", "Error", "AddrParseError"}


def _is_error_type(result: Ty, index: CrateIndex | None) -> bool:
    """Whether the ``E`` of ``Result<T, E>`` converts into ``Box<dyn Error>`` (for ``?``)."""
    if len(result.args) < 2:
        return False
    err = result.args[1]
    if err.kind != "path":
        return False
    if index is not None:
        info = index.type_info(err.name)
        if info is not None:
            return info.implements("Error")
    return err.name in STD_ERRORS and ("::" in err.path or err.name != "Error")


def _probe(plan: CallPlan, record: dict, renderer: LiteralRenderer) -> Probe:
    d = plan.definition
    common: dict[str, Any] = {
        "definition": d.key, "args": plan.args, "setup": plan.setup, "call": plan.call,
        "category": plan.category,
    }
    call = RustCall(id=plan.id, imports=plan.imports, returns=str(plan.returns))
    outcome = record.get("outcome")
    if plan.produced:
        spelled = _produced_literals(plan, record)
        if spelled is None:
            return Probe(**common, outcome="skipped", payload=call,
                         reason="the crate's text for the input was not observed")
        common.update(spelled)
    if outcome == "return":
        obs = record.get("obs") or {}
        ret = obs.get("ret") or {}
        debug, display, eq = ret.get("debug"), ret.get("display"), bool(ret.get("eq"))
        value = None
        value_imports: list[str] = []
        if debug is not None and eq:
            own = f"{d.details.get('type')}::{d.name}(" if d.details.get("type") else ""
            rendered = renderer.render(debug, plan.returns, avoid=own)
            if rendered is not None:
                value = rendered.expr
                value_imports.extend(rendered.imports)
        after, after_values = {}, {}
        for var, observed in (obs.get("after") or {}).items():
            after[var] = (observed or {}).get("debug")
            ty = plan.observed_types.get(var)
            if after[var] is not None and ty is not None and (observed or {}).get("eq"):
                rendered = renderer.render(after[var], ty)
                if rendered is not None:
                    after_values[var] = rendered.expr
                    value_imports.extend(rendered.imports)
        err_is_error = plan.returns.kind == "path" and plan.returns.name == "Result" and \
            _is_error_type(plan.returns, renderer.index)
        variant, payload_type = None, ""
        match = re.match(r"^(Ok|Err|Some|None)\b", debug or "")
        if match and plan.returns.kind == "path" and plan.returns.name in ("Result", "Option"):
            variant = match.group(1)
            inner_ty = plan.returns.args[1] if variant == "Err" and len(
                plan.returns.args) > 1 else (plan.returns.args[0] if plan.returns.args else None)
            payload_type = str(inner_ty) if inner_ty is not None else ""
        if value is None and eq and plan.fields is not None and \
                isinstance(obs.get("fields"), list):
            opened = _open_value(plan.fields, obs["fields"], renderer)
            if opened is not None:
                value = opened if variant not in ("Ok", "Some") else f"{variant}({opened})"
                value_imports.append(plan.fields.import_line)
        round_trip = None
        trip = obs.get("trip")
        if isinstance(trip, dict) and plan.produced:
            source = next(iter(plan.produced.values()))[1]
            source = _source_of(plan, source)
            if trip.get("same") is True:
                # The parser gave back the very value: the test says so with its constructor.
                value = source if variant is None else f"{variant}({source})"
            round_trip = _broken_trip(common["call"], source, trip)
        call = replace(call, value_imports=tuple(value_imports), debug=debug, display=display,
                       eq=eq, unit=plan.returns.kind == "unit", after=after,
                       after_values=after_values, err_is_error=err_is_error, variant=variant,
                       payload_type=payload_type, round_trip=round_trip)
        return Probe(**common, outcome="return", value=value,
                     deterministic=bool(record.get("det", True)), payload=call)
    if outcome == "panic":
        message = record.get("message") or ""
        return Probe(**common, outcome="raise", exception="panic", message=message,
                     deterministic=bool(record.get("det", True)), payload=call)
    if outcome == "timeout":
        return Probe(**common, outcome="timeout", reason=record.get("reason") or
                     f"did not return within {CALL_TIMEOUT_MS / 1000:g}s", payload=call)
    if outcome == "crash":
        return Probe(**common, outcome="crash", reason=record.get("reason", ""), payload=call)
    return Probe(**common, outcome="skipped", reason=record.get("reason", ""), payload=call)


def _produced_literals(plan: CallPlan, record: dict) -> dict | None:
    """The test's ``args`` and ``call`` with each argument made by the crate's ``Display``
    written as the text observed in the harness; None when that text was not observed."""
    inputs = ((record.get("obs") or {}).get("inputs") or {})
    args, call = list(plan.args), plan.call
    for var, (index, expr) in plan.produced.items():
        literal = (inputs.get(var) or {}).get("debug")
        if not literal or not literal.startswith('"'):
            return None
        if not expr.startswith("&"):
            literal = f"String::from({literal})"
        args[index] = literal
        call = call.replace(expr, literal, 1)
    return {"args": tuple(args), "call": call}


def _source_of(plan: CallPlan, expr: str) -> str:
    """``ByteSize::kb(1)`` from ``&ByteSize::kb(1).to_string()``."""
    return expr.lstrip("&")[: -len(".to_string()")] if expr.endswith(".to_string()") else expr


def _broken_trip(call: str, source: str, trip: dict) -> str | None:
    """Evidence that parsing a value's own ``Display`` text does not give it back, or None.
    A parse that gives another value with the same text is the text's rounding (``1.0 KB``
    for 1,024 bytes), not a bug."""
    src = trip.get("src") or {}
    back = trip.get("back")
    shown = src.get("display") or src.get("debug") or "?"
    if not isinstance(back, dict):
        return (f"{source} displays as {shown!r}, and {call} rejects that text: the type's "
                f"Display and its parser do not round-trip")
    if trip.get("same") is True:
        return None
    if back.get("display") is not None and back.get("display") == src.get("display"):
        return None
    if trip.get("same") is None and back.get("debug") == src.get("debug"):
        return None
    again = back.get("display") or back.get("debug") or "?"
    return (f"{source} displays as {shown!r}, {call} gives a value that displays as "
            f"{again!r}: the type's Display and its parser do not round-trip")


def _open_value(open_type, observed: list, renderer: LiteralRenderer) -> str | None:
    """``ByteSize(1000000)`` from the observed fields of a struct whose fields are public."""
    if len(observed) != len(open_type.types):
        return None
    parts = []
    for ty, field in zip(open_type.types, observed):
        debug = (field or {}).get("debug")
        rendered = renderer.render(debug, ty) if debug is not None else None
        if rendered is None or rendered.imports:
            return None
        parts.append(rendered.expr)
    if open_type.names:
        body = ", ".join(f"{n}: {v}" for n, v in zip(open_type.names, parts))
        return f"{open_type.name} {{ {body} }}"
    return f"{open_type.name}({', '.join(parts)})"
