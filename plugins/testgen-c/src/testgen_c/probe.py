"""Call each function on generated inputs, in one sandboxed launch, and record what happens.

The probe is a C program written in the scratch directory: it ``#include``s the source file
and runs the planned calls named on its command line, each in a forked child, writing the
records of ``testgen.kit.probehost`` (see ``harness/testgen_probe.h``). A crash (signal), an
``exit()`` or a call past the per-call alarm is recorded for that call only, so one bad input
never hides the others; ``probehost.run_calls`` reads the records and, should the whole launch
hang or die on a call, launches again without it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path

from testgen.kit.probehost import Batch, Launched, Limits, Outcome, run_calls
from testgen.model import Definition, Probe, Workspace

from .build import compile_program, first_error
from .payload import Returned
from .project import defines_main, require_compiler
from .scalars import CType, classify, inputs, value_literal

MAX_CALLS = 24
"""Calls per function: every input of every parameter, typical ones first, up to this many."""
CALL_TIMEOUT = 2
"""Seconds one call may run before it counts as a timeout."""
CATEGORY_ORDER = ("typical", "literal", "boundary", "invalid")

_EMITTERS = {"int": "long long", "char": "long long", "bool": "long long",
             "uint": "unsigned long long", "double": "double", "string": "const char *"}

RUNTIME = "harness/testgen_probe.h"
"""Emitters and the fork-per-call loop, in C; pasted into every probe program."""

SIGNALS = {4: "SIGILL", 6: "SIGABRT", 7: "SIGBUS", 8: "SIGFPE", 11: "SIGSEGV", 13: "SIGPIPE"}


@dataclass
class Call:
    definition: Definition
    args: tuple[str, ...]
    category: str
    kind: str
    id: int = 0  # its index in the program's call table, echoed in the records

    @property
    def group(self) -> str:
        return self.definition.key

    @property
    def expression(self) -> str:
        return f"{self.definition.name}({', '.join(self.args)})"


def plan(definition: Definition) -> tuple[list[Call], str]:
    """The calls to make for ``definition``, or ``([], reason)`` when it cannot be probed."""
    if not definition.testable:
        return [], definition.untestable_reason
    if definition.details.get("variadic"):
        return [], "variadic functions are not probed"
    if definition.returns is None:
        return [], "returns nothing a test could check"
    ret = classify(definition.returns, returned=True)
    if ret.kind is None:
        return [], f"returns `{definition.returns}`, which the harness cannot compare"
    types: list[CType] = []
    for param in definition.parameters:
        ctype = classify(param.annotation or "")
        if ctype.kind is None:
            return [], f"parameter `{param.annotation} {param.name}` has no generated inputs"
        types.append(ctype)
    literals = tuple(definition.details.get("literals", ()))
    options = [inputs(t, literals, i) for i, t in enumerate(types)]
    base = tuple(o[0][0] for o in options)
    seen = {base}
    calls = [Call(definition, base, "typical", ret.kind)]
    for category in CATEGORY_ORDER:
        for index, choices in enumerate(options):
            for value, cat in choices[1:]:
                args = base[:index] + (value,) + base[index + 1:]
                if cat == category and args not in seen:
                    seen.add(args)
                    calls.append(Call(definition, args, cat, ret.kind))
    return calls[:MAX_CALLS], ""


def harness_source(target: Path, target_text: str, calls: list[Call]) -> str:
    """The probe program for ``calls`` of functions in ``target``."""
    lines = ["/* TestGen probe harness (temporary; never written into the project) */"]
    if defines_main(target_text):
        lines.append("#define main testgen_target_main")
    lines += [f'#include "{target}"', "#undef main",
              resources.files("testgen_c").joinpath(RUNTIME).read_text(encoding="utf-8")]
    for call in calls:
        ctype = _EMITTERS[call.kind]
        emitter = "testgen_emit_" + ctype.replace(" *", "_p").replace(" ", "_")
        lines += [f"static void testgen_call_{call.id}(void)", "{",
                  f"    {ctype} first = ({ctype})({call.expression});",
                  f"    {ctype} second = ({ctype})({call.expression});",
                  f"    {emitter}({call.id}, first, second);", "}", ""]
    table = ", ".join(f"testgen_call_{call.id}" for call in calls) or "0"
    lines += [f"static const testgen_call testgen_calls[] = {{{table}}};", "",
              "int main(int argc, char **argv)", "{",
              f"    return testgen_probe_main(testgen_calls, {len(calls)}, argc, argv);", "}",
              ""]
    return "\n".join(lines)


def probe(definitions: list[Definition], workspace: Workspace, test_type: str) -> list[Probe]:
    if not definitions:
        return []
    require_compiler("probe C functions")
    probes: list[Probe] = []
    calls: list[Call] = []
    for definition in definitions:
        planned, reason = plan(definition)
        if planned:
            calls += planned
        else:
            probes.append(Probe(definition=definition.key, outcome="skipped", reason=reason))
    if not calls:
        return probes
    calls = [replace(call, id=i) for i, call in enumerate(calls)]
    rel = definitions[0].file
    target = workspace.path(rel)
    work = workspace.scratch / "c-probe" / rel.replace("/", "_")
    work.mkdir(parents=True, exist_ok=True)
    program = work / "probe.c"
    program.write_text(harness_source(target, target.read_text(encoding="utf-8"), calls),
                       encoding="utf-8")
    binary = work / "probe"
    built = compile_program(workspace, program, binary, warnings=False)
    if not built.ok:
        reason = f"{rel} does not compile: {first_error(built.output)}"
        return probes + [Probe(definition=d.key, outcome="skipped", reason=reason)
                         for d in {c.definition.key: c.definition for c in calls}.values()]
    limits = Limits(call_seconds=CALL_TIMEOUT, launch_seconds=workspace.timeout)

    def launch(batch: Batch[Call]) -> Launched:
        records = work / f"records-{batch.attempt}.jsonl"
        records.unlink(missing_ok=True)
        argv = [str(binary), str(records), str(limits.call_ms),
                *(str(call.id) for call in batch.calls)]
        finished = workspace.run(argv, cwd=workspace.root, timeout=limits.launch_seconds)
        text = records.read_text(encoding="utf-8", errors="replace") if records.exists() else ""
        return Launched(finished, records=text)

    return probes + [_to_probe(o) for o in run_calls(calls, launch, limits=limits).outcomes]


def _to_probe(done: Outcome[Call]) -> Probe:
    call, record = done.call, done.record or {}
    common = dict(definition=call.definition.key, args=call.args, category=call.category,
                  call=call.expression, payload=Returned(call.kind))
    if done.kind != "result":  # the launch hung or died on this call, or it was not run
        return Probe(outcome=done.kind, reason=done.reason, **common)
    outcome = record.get("outcome")
    if outcome == "timeout":
        return Probe(outcome="timeout", reason=f"still running after {CALL_TIMEOUT}s",
                     **common)
    if outcome == "crash":
        number = int(record.get("signal", 0))
        name = SIGNALS.get(number, f"signal {number}")
        return Probe(outcome="crash", exception=name,
                     message=f"{name} ({record.get('name', '')})", **common)
    if outcome == "exit":
        return Probe(outcome="crash", exception="exit",
                     message=f"called exit({record.get('status')})", **common)
    return Probe(outcome="return", value=value_literal(call.kind, record.get("value")),
                 deterministic=bool(record.get("same")), **common)
