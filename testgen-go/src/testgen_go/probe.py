"""Run the definitions of one file on generated inputs and record what really happens.

One compile (which runs no user code, so it is not a counted launch) and one counted launch
of the compiled test binary per source file, normally. The harness speaks the protocol of
:mod:`testgen.kit.probehost` (a plan file in, ``start``/``result``/``done`` records streamed to
a file in the scratch directory) and the kit's ``run_calls`` runs the launches: a crash or a
kill keeps everything observed before it, the case that was running becomes ``crash`` or
``timeout``, the other cases of its definition ``skipped``, and the rest get another launch.
A case that outlives ``limits.call_ms`` is given up by the harness itself (its goroutine is
abandoned) and reported as a ``timeout`` result; the later cases of its definition are then
reported ``skipped``. What is Go's own stays here: building the test binary, the second call
of each case under another time zone (in the harness), and records → probes with the typed
:class:`~testgen_go.payload.Observed` payload.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from testgen.kit.probehost import Batch, Launched, Limits, Session, run_calls
from testgen.kit.probehost import plan as host_plan
from testgen.model import Definition, Probe, Workspace

from . import harness
from .imports import spec_name
from .payload import observed
from .pkgindex import package_index
from .toolchain import (COMPILE_TIMEOUT, go_env, no_module_error, package_in_workspace,
                        parse_diagnostics, require_go, resolve_path)

CASE_TIMEOUT_MS = 2000
MAX_LAUNCHES = 5
MAX_COMPILE_ATTEMPTS = 4
HIDDEN_SUFFIX = ".testgen-hidden"


def probe(definitions: list[Definition], workspace: Workspace, test_type: str) -> list[Probe]:
    require_go("probe Go code")
    if not definitions:
        return []
    rel_file = definitions[0].file
    pkg = package_in_workspace(workspace, rel_file)
    if pkg is None:
        raise no_module_error(rel_file, workspace.project_root)
    tags = tuple(definitions[0].details.get("build_tags") or ())
    index = package_index(pkg.directory, tags)
    file_specs = list(definitions[0].imports)
    file_imports = {}
    for spec in file_specs:
        name, path = spec_name(spec)
        if name:
            file_imports[name] = path
    plan = harness.plan_cases(definitions, index, file_imports)
    probes: list[Probe] = [_skipped(d, plan.skipped[d.key]) for d in definitions
                           if d.key in plan.skipped]
    if not plan.cases:
        return probes
    binary = workspace.scratch / f"probe-{abs(hash(rel_file))}.test"
    failure, dropped = _compile(plan, index, pkg, workspace, file_specs, binary, tags)
    for case, reason in dropped:
        probes.append(_case_probe(case, outcome="skipped",
                                  reason=f"generated input does not compile: {reason}"))
    if failure:
        done = {p.definition for p in probes}
        probes.extend(_skipped(d, failure) for d in definitions if d.key not in done)
        return probes
    probes.extend(_observe(plan, binary, pkg, workspace))
    return probes


# --------------------------------------------------------------------------- compile


def _hide_tests(directory: Path) -> list[Path]:
    """Move the package's own test files aside: a broken or slow test must not stop probing."""
    hidden = []
    for path in directory.glob("*_test.go"):
        target = path.with_name(path.name + HIDDEN_SUFFIX)
        os.replace(path, target)
        hidden.append(target)
    return hidden


def _restore(hidden: list[Path]) -> None:
    for path in hidden:
        os.replace(path, path.with_name(path.name[:-len(HIDDEN_SUFFIX)]))


def _compile(plan, index, pkg, workspace: Workspace, file_specs, binary: Path,
             tags: tuple[str, ...]):
    """Build the probe binary, dropping cases whose inputs do not compile.

    Returns (reason the whole file cannot be probed or ``""``, dropped cases with reasons).
    """
    dropped = []
    harness_path = pkg.directory / harness.PROBE_FILE
    hidden = _hide_tests(pkg.directory)
    try:
        for _attempt in range(MAX_COMPILE_ATTEMPTS):
            if not plan.cases:
                return "every generated input failed to compile", dropped
            text = harness.render(plan, index.name, index.sentinels(), file_specs)
            harness_path.write_text(text, encoding="utf-8")
            result = workspace.run(
                ["go", "test", "-c", "-cover", "-o", str(binary), pkg.pattern],
                cwd=pkg.module.root, timeout=max(workspace.timeout, COMPILE_TIMEOUT),
                env=go_env(workspace, tags), memory_mb=None, count_launch=False)
            if result.ok and binary.exists():
                return "", dropped
            if result.timed_out:
                return f"compiling the probe timed out ({result.killed_reason})", dropped
            bad: dict[int, str] = {}
            outside: list[str] = []
            for path, line, _col, msg in parse_diagnostics(result.output, pkg.module.root):
                full = resolve_path(path, pkg.module.root)
                if full.name == harness.PROBE_FILE:
                    case = next((c for c in plan.cases if c.lines[0] <= line <= c.lines[1]),
                                None)
                    if case is not None:
                        bad.setdefault(case.id, msg)
                        continue
                outside.append(f"{_rel(full, workspace)}:{line}: {msg}")
            if outside and not bad:
                return f"package does not compile: {outside[0]}", dropped
            if not bad:
                first = result.output.strip().splitlines()
                return ("could not build the probe: " +
                        (first[-1] if first else f"exit {result.returncode}")), dropped
            dropped.extend((c, bad[c.id]) for c in plan.cases if c.id in bad)
            plan.cases = [c for c in plan.cases if c.id not in bad]
        return "generated inputs kept failing to compile", dropped
    finally:
        try:
            harness_path.unlink()
        except OSError:
            pass
        _restore(hidden)


def _rel(path: Path, workspace: Workspace) -> str:
    try:
        return path.relative_to(workspace.root).as_posix()
    except ValueError:
        return str(path)


# --------------------------------------------------------------------------- run


def _observe(plan, binary: Path, pkg, workspace: Workspace) -> list[Probe]:
    """Run the cases through the kit's probe host and turn what became of each into a probe.

    A call that kills the process (``os.Exit``, a fatal runtime error) is a crash, the other
    calls of its definition are skipped, and the binary is started again for the rest, so one
    bad call does not cost the observations of the others.
    """
    stem = binary.with_suffix("")
    budget_ms = int(max(5.0, min(workspace.timeout, 120.0) * 0.75) * 1000)
    killed: list[str] = []
    """Why the sandbox stopped each launch that ran out of time."""

    def launch(batch: Batch[harness.Case]) -> Launched:
        # Files per launch: a launch that dies early must not leave an earlier one's records.
        out_file = Path(f"{stem}-{batch.attempt}.jsonl")
        plan_file = Path(f"{stem}-{batch.attempt}.plan.json")
        try:
            out_file.unlink()
        except OSError:
            pass
        plan_file.write_text(json.dumps(host_plan(
            batch, [{"id": case.id} for case in batch.calls], budget_ms=budget_ms)),
            encoding="utf-8")
        env = go_env(workspace)
        env.update({"TESTGEN_PROBE_OUT": str(out_file), "TESTGEN_PROBE_PLAN": str(plan_file),
                    "GOTRACEBACK": "single"})
        result = workspace.run(
            [str(binary), "-test.run", f"^{harness.PROBE_TEST}$", "-test.count=1"],
            cwd=pkg.directory, timeout=batch.limits.launch_seconds, env=env,
            memory_mb=batch.limits.memory_mb)
        if result.timed_out:
            killed.append(result.killed_reason)
        try:
            records = out_file.read_text(encoding="utf-8", errors="replace")
        except OSError:
            records = ""
        return Launched(result, records=records)

    limits = Limits(call_seconds=CASE_TIMEOUT_MS / 1000, launch_seconds=budget_ms / 1000 + 15)
    session = run_calls(plan.cases, launch, limits=limits, max_launches=MAX_LAUNCHES,
                        reason_for_crash=_crash_reason)
    markers = (str(workspace.root.parent), str(workspace.scratch))
    for outcome in session.outcomes:
        if outcome.record is not None:
            _forget_paths(outcome.record, markers)
    started = {r.get("id") for r in session.records if r.get("event") == "start"}
    return _to_probes(session, started, killed)


def _forget_paths(record, markers: tuple[str, ...]) -> None:
    """A value that names the temporary workspace would not hold in the user's tree."""
    def leaks(text) -> bool:
        return isinstance(text, str) and any(m in text for m in markers)

    lits = list(record.get("values") or []) + list(record.get("args") or [])
    for key in ("observers", "result_observers"):
        lits += list((record.get(key) or {}).values())
    if record.get("recv"):
        lits.append(record["recv"])
    for lit in lits:
        if leaks(lit.get("lit")) or leaks(lit.get("str")):
            lit.update(ok=False, lit="", str=None)
    err = record.get("err")
    if err and leaks(err.get("msg")):
        err["msg"] = ""
    if leaks(record.get("panic")):
        record["panic"] = ""


def _crash_reason(result) -> str:
    text = result.stderr or result.stdout or ""
    for pattern in (r"fatal error: [^\n]+", r"panic: [^\n]+", r"runtime: [^\n]+"):
        match = re.search(pattern, text)
        if match:
            return match.group(0)[:300]
    if result.returncode not in (0, None):
        return f"the process exited with status {result.returncode}"
    return "the process stopped"


NOT_RUN = {"budget": "not run: probe time budget used up",
           "timeout": "not run: an earlier call timed out"}
"""The harness's reasons (``why``) for a case it did not run."""


def _to_probes(session: Session[harness.Case], started: set, killed: list[str]
               ) -> list[Probe]:
    outcomes = session.outcomes
    timed_out = {o.call.group for o in outcomes if o.kind == "timeout" or (
        o.record is not None and o.record.get("kind") == "timeout")}
    crashed = {o.call.group for o in outcomes if o.kind == "crash" and o.call.id in started}
    probes = []
    for outcome in outcomes:
        case, rec = outcome.call, outcome.record
        if outcome.kind == "result" and rec is not None:
            if rec.get("kind") == "skipped":
                probes.append(_case_probe(case, outcome="skipped", reason=NOT_RUN.get(
                    rec.get("why"), "not run")))
            else:
                probes.append(_record_probe(case, dict(rec)))
        elif outcome.kind == "timeout" and case.id in started:
            probes.append(_case_probe(case, outcome="timeout", reason=(
                f"probe stopped: {killed.pop(0)}" if killed else outcome.reason)))
        elif outcome.kind == "crash" and (case.id in started or session.fatal):
            probes.append(_case_probe(case, outcome="crash", reason=outcome.reason))
        elif case.group in timed_out:
            probes.append(_case_probe(case, outcome="skipped",
                                      reason="not run: an earlier call timed out"))
        elif case.group in crashed:
            probes.append(_case_probe(case, outcome="skipped",
                                      reason="not run: an earlier call stopped the process"))
        elif outcome.kind == "skipped":
            probes.append(_case_probe(case, outcome="skipped", reason=outcome.reason))
        else:
            # the process stopped with no call running: this one never started
            probes.append(_case_probe(case, outcome="skipped", reason=(
                "not run: the probe process stopped before this call")))
    return probes


def _case_probe(case, *, outcome: str, reason: str = "", record: dict | None = None,
                **extra) -> Probe:
    return Probe(definition=case.key, args=case.args, outcome=outcome, category=case.category,
                 setup=case.setup, call=case.call, reason=reason,
                 payload=observed(case, record), **extra)


def _record_probe(case, rec: dict) -> Probe:
    kind = rec.get("kind")
    same = bool(rec.get("same"))
    if kind == "timeout":
        return _case_probe(case, outcome="timeout", deterministic=False, record=rec,
                           reason=f"no result within {CASE_TIMEOUT_MS} ms (infinite loop or "
                                  "blocking call)")
    if kind == "setup":
        return _case_probe(case, outcome="skipped", record=rec,
                           reason=f"receiver setup failed: {rec.get('panic', '')}"[:300])
    if kind == "panic":
        return _case_probe(case, outcome="raise", exception="panic",
                           message=rec.get("panic", ""), deterministic=same, record=rec)
    values = rec.get("values") or []
    value = ", ".join(v["lit"] for v in values) if values and all(
        v.get("ok") for v in values) else None
    err = rec.get("err")
    if err:
        return _case_probe(case, outcome="raise", exception=err.get("sentinel") or
                           err.get("type") or "error", message=err.get("msg", ""),
                           value=value, deterministic=same, record=rec)
    return _case_probe(case, outcome="return", value=value, deterministic=same, record=rec)


def _skipped(definition: Definition, reason: str) -> Probe:
    return Probe(definition=definition.key, outcome="skipped", reason=reason,
                 category="default")
