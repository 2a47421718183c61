"""Execute exported definitions on generated inputs in one Node launch per source file.

The harness (``js/probe-harness.mjs``) imports the module (ESM ``import()`` or CommonJS
``require``; TypeScript through the type-stripping loader), calls every planned input twice
(determinism), and records returns, thrown errors, promise outcomes and the lines each call
ran. It speaks the protocol of :mod:`testgen.kit.probehost`, which runs the launches: a call
that never returns is caught by the sandbox's wall timeout, the harness has already written
which call started, so that call becomes ``timeout`` and the other definitions are run again
in one more launch.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from testgen.errors import InputError
from testgen.kit.probehost import Batch, Launched, Limits, Outcome, plan, run_calls
from testgen.model import Definition, Probe, SourceFile, Workspace

from . import inputs, produced, receivers
from .coverage import covered_by_ranges
from .modules import binding, export_kind, exported_name, instance_name
from .package import find_package, package_manager, require_node
from .payload import Observed, RoundTrip
from .runtime import harness_file, node_argv_prefix, typescript_env
from .syntax import extract, parse

PROBE_TIMEOUT = 20.0
ASYNC_TIMEOUT_MS = 2000
MAX_RELAUNCHES = 2
MISSING_DEPENDENCY = "TG211"
JSX_REASON = "JSX needs the project's build step; probing skipped"


@dataclass
class _Planned:
    id: int
    definition: Definition
    call: inputs.Call
    spec: dict[str, Any]
    """The call as the harness reads it (how to reach the target, the argument literals)."""
    setup: tuple[str, ...]
    """The lines before the call, with the first receiver (the record says which was used)."""
    expression: str
    recipes: tuple[receivers.Recipe, ...] = ()
    """How the method's receiver may be built, in the order the harness tries them."""

    @property
    def group(self) -> str:
        return self.definition.key

    def setup_with(self, recipe: int) -> tuple[str, ...]:
        """The setup lines when the receiver came from ``recipes[recipe]``."""
        local = binding(self.definition)
        made = f"const {instance_name(local)} = {self.recipes[recipe].expression(local)};"
        return (made, *self.setup[1:])


def probe(definitions: list[Definition], workspace: Workspace, test_type: str) -> list[Probe]:
    targets = [d for d in definitions if d.testable]
    if not targets:
        return []
    rel = targets[0].file
    if rel.endswith((".jsx", ".tsx")):
        return [Probe(definition=d.key, outcome="skipped", reason=JSX_REASON) for d in targets]
    node = require_node("probe JavaScript definitions")
    module = workspace.path(rel)
    kind = str(targets[0].details.get("module_kind") or "esm")
    text = module.read_text(encoding="utf-8") if module.is_file() else ""
    limits = Limits(call_seconds=ASYNC_TIMEOUT_MS / 1000,
                    launch_seconds=min(workspace.timeout, PROBE_TIMEOUT))
    session = run_calls(_plan(targets, _file_definitions(workspace, rel, text, targets)),
                        lambda batch: _launch(node, workspace, module, kind, batch),
                        limits=limits, max_launches=MAX_RELAUNCHES + 1)
    if session.fatal is not None:
        _raise_if_dependency_missing(str(session.fatal.get("reason") or ""), workspace, rel)
    return [_to_probe(outcome, text, rel) for outcome in session.outcomes
            if not _unfilled(outcome)]


def _file_definitions(workspace: Workspace, rel: str, text: str,
                      targets: list[Definition]) -> list[Definition]:
    """Every definition of the file when a method is probed: its receiver may come from a
    static factory or the constructor's inputs that are not among the targets."""
    if not any(d.kind == "method" for d in targets) or not text:
        return targets
    source = SourceFile(path=workspace.path(rel), rel_path=rel, language="javascript",
                        text=text, project_root=workspace.root)
    return extract(parse(source))


def _unfilled(outcome: Outcome[_Planned]) -> bool:
    """A slot nothing filled: a produced input its producer did not return, or a receiver
    past the last that could be built. No call was made, so there is nothing to report."""
    record = outcome.record or {}
    if record.get("outcome") != "skipped":
        return False
    return "produced" in outcome.call.spec and "produced_arg" not in record or \
        bool(record.get("unbuilt"))


# An npm package name (not a relative path, a `#subpath` import or an `@/alias`).
MISSING_PACKAGE = re.compile(
    r"Cannot find (?:package|module) '((?:@[a-z0-9][\w.-]*/)?[a-z0-9][\w.-]*)(?:/[^']*)?'",
    re.IGNORECASE)


def _raise_if_dependency_missing(load_error: str, workspace: Workspace, rel: str) -> None:
    """A module that imports an npm package absent from ``node_modules`` cannot be probed
    (nor tested) until the project's dependencies are installed: say so, once, as an error."""
    match = MISSING_PACKAGE.search(load_error)
    if match is None or match.group(1).startswith("node:"):
        return
    name = match.group(1)
    pkg = find_package(workspace.root, stop=workspace.root)
    manager = package_manager(workspace.project_root)
    if pkg.has_dependency(name):
        hint = (f"{name} is a dependency in package.json but is not installed: run "
                f"`{manager} install` in {workspace.project_root}")
    else:
        hint = (f"install it with `{manager} install {name}` (it is not in package.json), "
                f"or `{manager} install` if the project's dependencies were never installed")
    raise InputError(f"{rel} imports the package '{name}', which is not installed in "
                     f"node_modules", code=MISSING_DEPENDENCY, hint=hint)


def _plan(definitions: list[Definition], file_definitions: list[Definition]
          ) -> list[_Planned]:
    planned: list[_Planned] = []
    methods_by_class: dict[str | None, list[Definition]] = {}
    recipes: dict[str, tuple[receivers.Recipe, ...]] = {}
    for definition in definitions:
        if _on_instance(definition):
            methods_by_class.setdefault(definition.parent, []).append(definition)
            recipes[definition.key] = receivers.recipes(definition, file_definitions)
    for definition in definitions:
        calls = [(call, (), 0) for call in inputs.plan_calls(definition)]
        if _on_instance(definition) and calls:
            # State first: the target called after one other method changed the object.
            first = calls[0][0]
            for other in methods_by_class.get(definition.parent, []):
                for step in _state_steps(other):
                    calls.append((inputs.Call(first.args, "sequence"),
                                  ((other.name, ", ".join(step)),), 0))
            # Then on each receiver the API offers: the typical call, and the call without
            # arguments (what the instance alone gives: `negotiator.charsets()`).
            for nth in range(receivers.VARIED + 1):
                if nth:
                    calls.append((inputs.Call(first.args, "receiver"), (), nth))
                if definition.parameters and first.args:
                    calls.append((inputs.Call((), "receiver"), (), nth))
        _add_calls(planned, definition, calls, recipes.get(definition.key, ()))
    # Last, what the other definitions returned: the harness has seen it all by then.
    for definition in definitions:
        rest = inputs.typical_args(definition, list(definition.parameters[1:]))
        for producer, index in produced.slots(definition, definitions):
            call = inputs.Call((PRODUCED, *rest), "produced")
            extra = {"produced": {"from": producer.key, "index": index,
                                  "from_name": producer.qualname,
                                  "paired": produced.inverse_of(producer.name,
                                                                definition.name)}}
            _add_calls(planned, definition, [(call, (), 0)], recipes.get(definition.key, ()),
                       extra)
    return planned


def _on_instance(definition: Definition) -> bool:
    return definition.kind == "method" and not (definition.details or {}).get("static")


PRODUCED = "undefined /* produced */"
"""The argument the harness replaces with another definition's result."""
PLAIN_CALLS = 2
"""Calls of a constructor that returns ``new C`` when called without ``new``, made so too."""


def _add_calls(planned: list[_Planned], definition: Definition,
               calls: list[tuple[inputs.Call, tuple[tuple[str, str], ...], int]],
               recipes: tuple[receivers.Recipe, ...],
               extra: dict[str, Any] | None = None) -> None:
    """``calls``: (arguments, state-changing steps before, which working receiver);
    ``recipes``: how the receiver of a method on an instance may be built."""
    access = {"kind": export_kind(definition), "name": exported_name(definition)}
    local = binding(definition)
    details = definition.details or {}
    # Every result is kept for the produced calls; `key` says whose it is.
    common = {"access": access, "key": definition.key, **(extra or {}),
              "generator": bool(details.get("generator"))}
    if definition.kind == "method":
        static = bool(details.get("static"))
        obj = instance_name(local)
        for call, steps, nth in calls:
            args = ", ".join(call.args)
            if static:
                setup: tuple[str, ...] = ()
                expression = f"{local}.{definition.name}({args})"
            else:
                setup = (f"const {obj} = {recipes[0].expression(local)};",
                         *(f"{obj}.{name}({step_args});" for name, step_args in steps))
                expression = f"{obj}.{definition.name}({args})"
            spec = {**common, "method": definition.name, "static": static, "args": args,
                    "receiver": nth, "steps": [{"method": n, "args": a} for n, a in steps]}
            planned.append(_Planned(len(planned), definition, call, spec, setup, expression,
                                    recipes))
        return
    construct = definition.kind == "class"
    plain = PLAIN_CALLS if construct and details.get("callable") else 0
    for index, (call, _steps, _nth) in enumerate(calls):
        args = ", ".join(call.args)
        for new in (True, False) if construct and index < plain else (construct,):
            expression = f"{'new ' if new else ''}{local}({args})"
            spec = {**common, "args": args, "construct": new}
            planned.append(_Planned(len(planned), definition, call, spec, (), expression))


def _state_steps(method: Definition, limit: int = 3) -> list[tuple[str, ...]]:
    """A few argument lists for a method used as a state-changing step before another."""
    steps = [c.args for c in inputs.plan_calls(method)
             if c.category in ("doc-example", "typical", "literal", "default")]
    return steps[:limit]


def _launch(node: str, workspace: Workspace, module: Path, kind: str,
            batch: Batch[_Planned]) -> Launched:
    scratch = workspace.scratch / "probe"
    scratch.mkdir(parents=True, exist_ok=True)
    stem = f"{module.stem}-{abs(hash(str(module))) % 10**8}-{batch.attempt}"
    output = scratch / f"{stem}.jsonl"
    output.unlink(missing_ok=True)
    recipes = {p.definition.key: [r.spec() for r in p.recipes] for p in batch.calls
               if p.recipes}
    harness_plan = plan(batch, [{"id": p.id, **p.spec} for p in batch.calls],
                        module=str(module.resolve()), kind=kind, output=str(output),
                        receivers=recipes)
    plan_file = scratch / f"{stem}.plan.json"
    plan_file.write_text(json.dumps(harness_plan), encoding="utf-8")
    env = typescript_env(workspace)
    heap = ([f"--max-old-space-size={batch.limits.memory_mb}"]
            if batch.limits.memory_mb else [])
    argv = [node, *node_argv_prefix(env), *heap, str(harness_file("probe-harness.mjs")),
            str(plan_file)]
    result = workspace.run(argv, cwd=workspace.root, timeout=batch.limits.launch_seconds,
                           env=env, memory_mb=None)
    records = output.read_text(encoding="utf-8", errors="replace") if output.is_file() else ""
    return Launched(result, records)


def _to_probe(outcome: Outcome[_Planned], text: str, rel: str) -> Probe:
    planned = outcome.call
    if outcome.record is None:  # timed out, crashed or not run: no record of its own
        return Probe(definition=planned.definition.key, args=planned.call.args,
                     outcome=outcome.kind, reason=outcome.reason,  # type: ignore[arg-type]
                     category=planned.call.category, setup=planned.setup,
                     call=planned.expression)
    return _record_probe(outcome.record, planned, text, rel)


def _record_probe(record: Any, planned: _Planned, text: str, rel: str) -> Probe:
    definition = planned.definition
    outcome = record.get("outcome", "crash")
    covered = frozenset(covered_by_ranges(text, rel, [tuple(r) for r in record.get("ranges")
                                                      or []])) if text else frozenset()
    fields: dict[str, Any] = {
        "is_async": bool(record.get("async")), "renderable": bool(record.get("renderable")),
        "value_type": record.get("type"), "instance": record.get("instance"),
        "nested_instance": bool(record.get("nested_instance")),
        "generator": bool(planned.spec.get("generator")),
        "construct": bool(planned.spec.get("construct")),
        "binding": binding(definition),
    }
    setup = planned.setup
    used = record.get("receiver")
    if isinstance(used, int) and used < len(planned.recipes):
        setup = planned.setup_with(used)
        fields["receiver"] = planned.recipes[used].expression(binding(definition))
    value = None
    exception = message = None
    reason = str(record.get("reason") or "")
    if outcome == "return":
        value = record.get("value") if record.get("renderable") else None
        if not record.get("renderable"):
            reason = str(record.get("why") or "value cannot be written as a literal")
        state = record.get("state") or {}
        if state.get("renderable"):
            fields["state"] = state.get("value")
        mutated = record.get("mutated") or {}
        fields["mutated"] = tuple(sorted((int(k), str(v)) for k, v in mutated.items()))
    elif outcome == "raise":
        error = record.get("error") or {}
        exception = error.get("name") or error.get("ctor")
        message = error.get("message")
        fields.update({"error_ctor": error.get("ctor"), "error_code": error.get("code"),
                       "is_error": bool(error.get("is_error")), "thrown": error.get("thrown")})
        if not error.get("is_error"):
            exception = exception or "non-Error value"
    args, expression = planned.call.args, planned.expression
    if "produced_arg" in record:  # the slot the harness filled with another's result
        filled = str(record["produced_arg"])
        args = (filled, *args[1:])
        expression = expression.replace(PRODUCED, filled, 1)
        trip = record.get("round_trip")
        if trip:
            fields["round_trip"] = RoundTrip(
                through=f"{planned.spec['produced']['from_name']}({trip.get('original', '')})",
                back=str(trip.get("back", "")), again=str(trip.get("again_gives", "")))
    return Probe(
        definition=definition.key, args=args, outcome=outcome, value=value,
        exception=exception, message=message,
        deterministic=bool(record.get("deterministic", True)),
        category=planned.call.category, setup=setup, call=expression,
        covered_lines=covered, reason=reason, payload=Observed(**fields),
    )
