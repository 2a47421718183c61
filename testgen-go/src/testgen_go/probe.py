"""Run the definitions of one file on generated inputs and record what really happens.

One compile (which runs no user code, so it is not a counted launch) and one counted launch
of the compiled test binary per source file. The harness streams a JSON line per case to a
file in the scratch directory, so a crash or a kill keeps everything observed before it: the
case that was running becomes ``crash`` or ``timeout`` and the rest ``skipped``.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from testgen.model import Definition, Probe, Workspace

from . import harness
from .imports import spec_name
from .payload import observed
from .pkgindex import package_index
from .toolchain import (COMPILE_TIMEOUT, go_env, no_module_error, package_in_workspace,
                        parse_diagnostics, require_go, resolve_path)

CASE_TIMEOUT_MS = 2000
MAX_RESUMES = 4
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
    records, crashes, result = _observe(plan, binary, pkg, workspace)
    markers = (str(workspace.root.parent), str(workspace.scratch))
    for record in records:
        _forget_paths(record, markers)
    probes.extend(_to_probes(plan.cases, records, crashes, result))
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


def _observe(plan, binary: Path, pkg, workspace: Workspace):
    """Run the cases; after a call that kills the process (``os.Exit``, a fatal runtime
    error) start again after it, so one bad call does not cost the observations of the rest."""
    records: list[dict] = []
    crashes: dict[int, str] = {}
    skip: set[int] = set()
    skip_groups: set[int] = set()
    result = None
    for _attempt in range(1 + MAX_RESUMES):
        new, result = _run(binary, pkg, workspace, skip, skip_groups)
        records.extend(new)
        if result.timed_out or any(r.get("event") == "end" for r in new):
            break
        started = {r["id"] for r in records if r.get("event") == "start"}
        done = {r["id"] for r in records if r.get("event") == "done"}
        in_progress = started - done - set(crashes)
        for case_id in in_progress:
            crashes[case_id] = _crash_reason(result)
        seen = started | done
        if not in_progress or len(seen) >= len(plan.cases):
            break
        skip = seen
        # the rest of a definition that crashed or hung would most likely do it again
        bad = set(crashes) | {r["id"] for r in records if r.get("kind") == "timeout"}
        skip_groups = {c.group for c in plan.cases if c.id in bad}
    return records, crashes, result


def _run(binary: Path, pkg, workspace: Workspace, skip: set[int], skip_groups: set[int]):
    out_file = binary.with_suffix(".jsonl")
    try:
        out_file.unlink()
    except OSError:
        pass
    budget_ms = int(max(5.0, min(workspace.timeout, 120.0) * 0.75) * 1000)
    env = go_env(workspace)
    env.update({"TESTGEN_PROBE_OUT": str(out_file), "TESTGEN_PROBE_CASE_MS": str(CASE_TIMEOUT_MS),
                "TESTGEN_PROBE_BUDGET_MS": str(budget_ms), "GOTRACEBACK": "single",
                "TESTGEN_PROBE_SKIP": ",".join(str(i) for i in sorted(skip)),
                "TESTGEN_PROBE_SKIP_GROUPS": ",".join(str(g) for g in sorted(skip_groups))})
    result = workspace.run(
        [str(binary), "-test.run", f"^{harness.PROBE_TEST}$", "-test.count=1"],
        cwd=pkg.directory, timeout=budget_ms / 1000 + 15, env=env, memory_mb=None)
    records: list[dict] = []
    try:
        for line in out_file.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                records.append(json.loads(line))
            except ValueError:
                continue
    except OSError:
        pass
    return records, result


def _forget_paths(record: dict, markers: tuple[str, ...]) -> None:
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


def _to_probes(cases, records, crashes: dict[int, str], result) -> list[Probe]:
    started = {r["id"] for r in records if r.get("event") == "start"}
    done = {r["id"]: r for r in records if r.get("event") == "done"}
    finished = any(r.get("event") == "end" for r in records)
    timed_out_groups = {c.group for c in cases if done.get(c.id, {}).get("kind") == "timeout"}
    crashed_groups = {c.group for c in cases if c.id in crashes}
    probes = []
    for case in cases:
        rec = done.get(case.id)
        if rec is not None:
            probes.append(_record_probe(case, rec))
        elif case.id in crashes:
            probes.append(_case_probe(case, outcome="crash", reason=crashes[case.id]))
        elif case.id in started:
            if result.timed_out:
                probes.append(_case_probe(case, outcome="timeout",
                                          reason=f"probe stopped: {result.killed_reason}"))
            else:
                probes.append(_case_probe(case, outcome="crash", reason=_crash_reason(result)))
        elif case.group in timed_out_groups:
            probes.append(_case_probe(case, outcome="skipped",
                                      reason="not run: an earlier call timed out"))
        elif case.group in crashed_groups:
            probes.append(_case_probe(case, outcome="skipped",
                                      reason="not run: an earlier call stopped the process"))
        else:
            why = "probe time budget used up" if finished or result.ok else \
                "the probe process stopped before this call"
            probes.append(_case_probe(case, outcome="skipped", reason=f"not run: {why}"))
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
