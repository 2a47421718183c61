"""Offline test candidates: turn observed behaviour (probes) into tests a person would keep.

Each test pins one behaviour with a real value or an exact error check. Probes are chosen
greedily by the lines they run that earlier choices did not (so each test earns its place
under the keep rule), then by distinct behaviours (another error type, another result shape).
"""

from __future__ import annotations

import re
from typing import Callable

from testgen.model import Definition, OfflineRequest, Probe, TestCandidate

from .frameworks import Style, quote, style_for
from .inputs import classify
from .modules import binding, instance_name
from .payload import Observed, observed
from .package import is_typescript

CATEGORY_ORDER = {"doc-example": 0, "typical": 1, "default": 2, "literal": 3, "produced": 3,
                  "receiver": 3, "boundary": 4, "invalid": 5, "sequence": 6}
LIMITS = {"unit": 16, "edge-cases": 6, "negative": 6, "table-driven": 14, "integration": 6,
          "regression": 10}
MAX_NAME = 90
MORE_VALUES = 6


def offline_candidates(request: OfflineRequest) -> list[TestCandidate]:
    definition = request.definition
    commonjs = definition.details.get("module_kind") == "cjs"
    typescript = is_typescript(definition.file)
    style = style_for(request.framework, commonjs=commonjs, typescript=typescript)
    usable = [p for p in request.probes if _usable(p, style)]
    # A trip through the module's own inverse that does not come back is a finding: pinning
    # it as expected would hide it. Looked at before the usable filter, since the consumer
    # may have thrown on a value that is not an Error or given one too large to pin.
    trips = [p for p in request.probes if observed(p).round_trip is not None]
    crashes = [p for p in usable if crashed_inside(p)]
    usable = [p for p in usable if p not in crashes and p not in trips]
    bugs, kinds = [], set()
    if trips:  # one finding per definition: every broken trip says the same
        bugs.append(_round_trip_bug(definition, trips[0], request.test_type))
    for probe in crashes:  # one finding per error: f('a') and f('b') hit the same line
        if well_typed(definition, probe) and (probe.exception, probe.message) not in kinds \
                and probe not in trips:
            kinds.add((probe.exception, probe.message))
            bugs.append(_possible_bug(definition, probe, request.test_type))
    return bugs + _tests(definition, style, request.test_type, usable)


def _tests(definition: Definition, style: Style, kind: str,
           usable: list[Probe]) -> list[TestCandidate]:
    builder = _Builder(definition, style, kind)
    if kind == "table-driven":
        return builder.tables(usable)
    if kind == "integration":
        return builder.integration(usable)
    pools: dict[str, Callable[[Probe], bool]] = {
        # Pools barely overlap, so asking for several types does not repeat a test. A unit
        # test may expect an error: typical inputs reach the error branches too.
        "unit": lambda p: p.category in (
            "typical", "literal", "doc-example", "default", "sequence", "produced", "receiver"),
        "edge-cases": lambda p: p.category == "boundary",
        "negative": lambda p: p.outcome == "raise" and p.category not in (
            "boundary", "typical", "literal", "doc-example", "default", "sequence",
            "produced", "receiver"),
        "regression": lambda p: True,
    }
    pool = [p for p in usable if pools.get(kind, pools["unit"])(p)]
    chosen = select(pool, LIMITS.get(kind, 8))
    return [builder.single(p) for p in chosen]


ENGINE_ERRORS = re.compile(
    r"is not a function|is not a constructor|is not iterable|^Cannot (read|set) propert|"
    r"^Cannot convert (undefined or null|a Symbol|a BigInt)|^Cannot destructure|"
    r"^Cannot use 'in' operator|^Cannot create property|called on null or undefined|"
    r"^Reduce of empty array|^Maximum call stack size exceeded|^Invalid array length")
"""Messages of errors the JavaScript engine throws from an operation (``x.trim()`` on a
number), not from a ``throw`` statement of the code."""


def crashed_inside(probe: Probe) -> bool:
    """The call failed in an operation inside the code (``x.trim is not a function``) rather
    than at one of its own checks: for a wrong-typed input that pins nothing the code means
    to do, and for a well-typed one it is a finding, not a behaviour to keep."""
    return probe.outcome == "raise" and probe.exception in ("TypeError", "RangeError") and \
        bool(ENGINE_ERRORS.search(probe.message or ""))


WELL_TYPED_KINDS = {"string", "number", "integer", "boolean", "bigint"}
"""Declared types whose sample values always fit them (a ``string[]`` may be given
``[1, 2, 3]``; an interface, ``{}``)."""


def well_typed(definition: Definition, probe: Probe) -> bool:
    """Every argument has a declared primitive type (TypeScript or JSDoc) and the call is not
    one of the deliberately wrong or boundary inputs: without one, the input is a guess."""
    if probe.category in ("invalid", "boundary") or probe.setup:
        return False
    params = [p for p in definition.parameters if p.kind != "var_positional"]
    if not probe.args or len(probe.args) > len(params):
        return False
    return all(params[i].annotation and classify(params[i].annotation) in WELL_TYPED_KINDS
               for i in range(len(probe.args)))


def _possible_bug(definition: Definition, probe: Probe, test_type: str) -> TestCandidate:
    call = f"{definition.qualname}({', '.join(probe.args)})"
    evidence = (f"{_short(call, 80)} throws {probe.exception} "
                f"({_short(probe.message or '', 120)}) inside the code, for inputs of its "
                f"declared types")
    return _finding(definition, f"{definition.key}::possible-bug::{call}", evidence, test_type)


def _round_trip_bug(definition: Definition, probe: Probe, test_type: str) -> TestCandidate:
    trip = observed(probe).round_trip
    assert trip is not None
    call = probe.call or f"{definition.qualname}({', '.join(probe.args)})"
    if trip.back.startswith("throws "):
        evidence = (f"{_short(call, 100)} {_short(trip.back, 120)}, on what "
                    f"{_short(trip.through, 80)} returns: the two do not round-trip")
    else:
        evidence = (f"{_short(call, 100)} (on what {_short(trip.through, 80)} returns) gives "
                    f"{_short(trip.back, 100)}, and the producer gives "
                    f"{_short(trip.again, 100)} for that: the two do not round-trip")
    return _finding(definition, f"{definition.key}::possible-bug::round-trip::{call}", evidence,
                    test_type)


def _finding(definition: Definition, id: str, evidence: str, test_type: str) -> TestCandidate:
    """A ``possible-bug`` candidate: the evidence, and no code."""
    return TestCandidate(
        id=id, definition=definition.key, test_name="", code="", test_type=test_type,
        engine="offline", status="possible-bug", reason=evidence,
        details={"possible_bug_evidence": evidence})


def _usable(probe: Probe, style: Style) -> bool:
    if not probe.deterministic:
        return False
    seen = observed(probe)
    if probe.outcome == "return":
        if probe.value is None:
            return False
        if seen.nested_instance and not style.uses_expect:
            return False
        return len(probe.value) <= 400
    if probe.outcome == "raise":
        return seen.is_error and probe.exception is not None and \
            len(probe.message or "") <= 300
    return False


def select(pool: list[Probe], limit: int) -> list[Probe]:
    """Greedy set cover on the lines each probe ran, then distinct behaviours."""
    ordered = sorted(pool, key=_rank)
    chosen: list[Probe] = []
    covered: set[int] = set()
    remaining = list(ordered)
    while remaining and len(chosen) < limit:
        best = max(remaining, key=lambda p: (len(p.covered_lines - covered), -_rank(p)[0]))
        gain = len(best.covered_lines - covered)
        if gain == 0 and chosen:
            break
        chosen.append(best)
        covered |= best.covered_lines
        remaining.remove(best)
    seen = {_behaviour(p) for p in chosen}
    for probe in list(remaining):
        if len(chosen) >= limit:
            break
        behaviour = _behaviour(probe)
        if behaviour not in seen:
            seen.add(behaviour)
            chosen.append(probe)
            remaining.remove(probe)
    # Then a few other values returned on the same lines ('a=1; b=2' beside 'a;1= b;2'): a
    # changed comparison or constant there shows in one of them. The keep rule decides
    # whether one earns its place (a mutant only it kills, under --mutation).
    results = {_result(p) for p in chosen}
    extra = 0
    for probe in remaining:
        if len(chosen) >= limit or extra >= MORE_VALUES:
            break
        if probe.outcome == "return" and _result(probe) not in results:
            results.add(_result(probe))
            chosen.append(probe)
            extra += 1
    return sorted(chosen, key=lambda p: ordered.index(p))


def _rank(probe: Probe) -> tuple[int, int]:
    return CATEGORY_ORDER.get(probe.category, 9), len(", ".join(probe.args))


def _result(probe: Probe) -> tuple[str, str]:
    if probe.outcome == "raise":
        return "raise", f"{probe.exception}: {probe.message}"
    return "return", str(probe.value)


def _behaviour(probe: Probe) -> tuple[str, str]:
    if probe.outcome == "raise":
        return "raise", str(probe.exception)
    return "return", str(observed(probe).value_type)


class _Builder:
    def __init__(self, definition: Definition, style: Style, test_type: str) -> None:
        self.definition = definition
        self.style = style
        self.test_type = test_type
        self.subject = definition.qualname
        self.names: set[str] = set()

    # ----------------------------------------------------------------- one probe, one test

    def single(self, probe: Probe) -> TestCandidate:
        body, is_async = self._body(probe)
        name = self._unique(self._name(probe))
        return self._candidate(name, self.style.test_block(name, body, is_async=is_async),
                               [probe])

    def _body(self, probe: Probe) -> tuple[list[str], bool]:
        seen = observed(probe)
        lines = list(probe.setup)
        changed = self._changed_arguments(probe)
        for name, index, _after in changed:
            lines.append(f"const {name} = {self._arg(probe.args[index], probe)};")
        expr = self._expression(probe, {index: name for name, index, _ in changed})
        is_async = seen.is_async
        if probe.outcome == "return":
            actual = f"await {expr}" if is_async else expr
            if seen.generator:
                if is_async:
                    actual = f"await collect({expr})"
                else:
                    actual = f"[...{expr}]"
                    is_async = False
            elif is_async:
                actual = f"(await {expr})" if not self.style.uses_expect else f"await {expr}"
            lines.append(self.style.returns(actual, probe.value or "undefined",
                                            kind=seen.value_type,
                                            instance=bool(seen.instance)))
            for name, _index, after in changed:  # what the call left in its arguments
                lines.append(self.style.returns(name, after, kind="object"))
        else:
            error = probe.exception or "Error"
            binding_for_error = None
            if is_async:
                lines.extend(self.style.rejects(expr, error, probe.message, binding_for_error))
            else:
                lines.extend(self.style.throws(expr, error, probe.message, binding_for_error))
        return lines, is_async or (seen.generator and seen.is_async)

    def _changed_arguments(self, probe: Probe) -> list[tuple[str, int, str]]:
        """(local name, position, literal after the call) of each argument the call changed
        in place; none for calls that threw or for generators."""
        seen = observed(probe)
        if probe.outcome != "return" or seen.generator or not seen.mutated:
            return []
        params = self.definition.parameters
        taken = {binding(self.definition), instance_name(binding(self.definition))}
        found = []
        for index, after in seen.mutated:
            if index >= len(probe.args):
                continue
            name = params[index].name if index < len(params) else f"arg{index}"
            if not re.fullmatch(r"[A-Za-z_$][\w$]*", name) or name in taken:
                name = f"arg{index}"
            taken.add(name)
            found.append((name, index, after))
        return found

    def _expression(self, probe: Probe, names: dict[int, str] | None = None) -> str:
        definition = self.definition
        args = ", ".join((names or {}).get(i) or self._arg(a, probe)
                         for i, a in enumerate(probe.args))
        local = binding(definition)
        if definition.kind == "method":
            if (definition.details or {}).get("static"):
                return f"{local}.{definition.name}({args})"
            return f"{instance_name(local)}.{definition.name}({args})"
        if definition.kind == "class" and _constructs(probe):
            return f"new {local}({args})"
        return f"{local}({args})"

    def _arg(self, literal: str, probe: Probe) -> str:
        # TypeScript would reject deliberately wrong inputs at compile time; say they are.
        if self.style.typescript and probe.category in ("invalid", "boundary") and \
                literal in ("null", "undefined") or (
                    self.style.typescript and probe.category == "invalid"):
            return f"{literal} as any"
        return literal

    def _name(self, probe: Probe) -> str:
        args = _short(", ".join(probe.args), 36) if probe.args else ""
        subject = self.subject
        is_async = observed(probe).is_async
        when = f" for {args}" if args else ""
        if probe.category == "sequence" and len(probe.setup) > 1:
            step = probe.setup[-1].rstrip(";").split(".", 1)[-1]
            when = f"{when} after {_short(step, 40)}"
        if probe.category == "receiver" and observed(probe).receiver:
            when = f"{when} on {_short(observed(probe).receiver or '', 48)}"
        still = "still " if self.test_type == "regression" else ""
        if probe.outcome == "raise":
            verb = "rejects with" if is_async else "throws"
            return _clip(f"{subject} {still}{verb} {probe.exception}{when}")
        verb = still + ("resolves to" if is_async else "returns")
        if self.definition.kind == "class":
            verb = f"{still}builds" if _constructs(probe) else f"{still}called without new builds"
        return _clip(f"{subject} {verb} {_short(probe.value or 'undefined', 32)}{when}")

    def _unique(self, name: str) -> str:
        candidate, n = name, 2
        while candidate in self.names:
            candidate = f"{name} ({n})"
            n += 1
        self.names.add(candidate)
        return candidate

    def _candidate(self, name: str, code: str, probes: list[Probe],
                   extra_ids: tuple[str, ...] = ()) -> TestCandidate:
        helpers: tuple[str, ...] = ()
        if "await collect(" in code:  # not a definition of the project named collect
            helpers = (COLLECT_HELPER,)
        covered: set[int] = set()
        for probe in probes:
            covered |= probe.covered_lines
        return TestCandidate(
            id=f"{self.definition.key}::{name}", definition=self.definition.key,
            test_name=name, code=code, test_type=self.test_type, engine="offline",
            imports=self.style.imports(), helpers=helpers,
            details={"needs": [self.definition.key], "probes": len(probes),
                     "runner_names": list(extra_ids) or [name],
                     "predicted_lines": sorted(covered)},
        )

    # ----------------------------------------------------------------- tables

    def tables(self, usable: list[Probe]) -> list[TestCandidate]:
        out = []
        usable = [p for p in usable if p.category != "sequence"]  # rows share one setup
        returns = select([p for p in usable if p.outcome == "return"], LIMITS["table-driven"])
        if len(returns) >= 2:
            out.append(self._table(returns, "returns the expected value"))
        raises = select([p for p in usable if p.outcome == "raise"], 8)
        if len(raises) >= 2:
            out.append(self._table(raises, "throws for invalid input"))
        elif raises:
            out.append(self.single(raises[0]))
        if len(returns) == 1:
            out.append(self.single(returns[0]))
        return out

    def _table(self, probes: list[Probe], what: str) -> TestCandidate:
        same_setup = len({p.setup for p in probes}) == 1
        setup = list(probes[0].setup) if same_setup else []
        is_async = any(observed(p).is_async for p in probes)
        arity = max(len(p.args) for p in probes)
        params = [f"arg{i}" if arity > 1 else "input" for i in range(arity)]
        call = self._call_with(params)
        raises = probes[0].outcome == "raise"
        base = self._unique(_clip(f"{self.subject} {what}"))
        if self.style.uses_expect and same_setup:
            rows = []
            for p in probes:
                args = [self._arg(a, p) for a in p.args] + ["undefined"] * (arity - len(p.args))
                label = _short(", ".join(p.args) or "no arguments", 60)
                expected = p.value if not raises else quote(p.message or "")
                rows.append((label, args + [expected or "undefined"]))
            labels = [r[0] for r in rows]
            if len(set(labels)) == len(labels) and "%" not in base:
                body = list(setup)
                if raises:
                    body.append(f"expect(() => {call}).toThrow(expected);")
                    names = [*params, "expected"]
                else:
                    target = f"await {call}" if is_async else call
                    body.append(f"expect({target}).toEqual(expected);")
                    names = [*params, "expected"]
                template = f"{base} for %s"
                code = self.style.each_block(template, rows, names, body, is_async=is_async)
                ids = tuple(f"{base} for {label}" for label in labels)
                return self._candidate(base, code, probes, ids)
        # A loop over a table: one test, every row checked (node:test, mocha, mixed setups).
        single = arity == 1
        key = "input" if single else "args"
        expected_field = "error: string; message: string" if raises else "expected: unknown"
        annotation = f": {{ {key}: any{'' if single else '[]'}; {expected_field} }}[]" \
            if self.style.typescript else ""
        lines = [f"const cases{annotation} = ["]
        for p in probes:
            args = ", ".join(self._arg(a, p) for a in p.args) if not single else \
                (self._arg(p.args[0], p) if p.args else "undefined")
            value = args if single else f"[{args}]"
            if raises:
                lines.append(f"  {{ {key}: {value}, error: {quote(p.exception or 'Error')}, "
                             f"message: {quote(p.message or '')} }},")
            else:
                lines.append(f"  {{ {key}: {value}, expected: {p.value} }},")
        lines.append("];")
        field = "error, message" if raises else "expected"
        lines.append(f"for (const {{ {key}, {field} }} of cases) {{")
        lines.extend(f"  {line}" for line in setup)  # a fresh instance for every row
        call = self._call_with(["input"] if single else [f"args[{i}]" for i in range(arity)])
        if raises:
            for line in self._loop_throw(call):
                lines.append(f"  {line}")
        else:
            actual = f"await {call}" if is_async else call
            lines.append("  " + self._loop_equal(actual))
        lines.append("}")
        code = self.style.test_block(base, lines, is_async=is_async)
        return self._candidate(base, code, probes)

    def _call_with(self, params: list[str]) -> str:
        return self._expression(Probe(definition="", args=tuple(params)))

    def _loop_equal(self, actual: str) -> str:
        if self.style.uses_expect:
            return f"expect({actual}).toEqual(expected);"
        if self.style.chai:
            return f"expect({actual}).to.deep.equal(expected);"
        return f"assert.deepEqual({actual}, expected);"

    def _loop_throw(self, call: str) -> list[str]:
        if self.style.uses_expect:
            return [f"expect(() => {call}).toThrow(message);"]
        if self.style.chai:
            return [f"expect(() => {call}).to.throw(message);"]
        return [f"assert.throws(() => {call}, {{ name: error, message }});"]

    # ----------------------------------------------------------------- integration

    def integration(self, usable: list[Probe]) -> list[TestCandidate]:
        """One test per definition that walks its typical inputs end to end."""
        returns = select([p for p in usable if p.outcome == "return"
                          and p.category in ("typical", "doc-example", "literal",
                                             "sequence", "produced")], 6)
        if not returns:
            return []
        body: list[str] = []
        is_async = False
        for probe in returns:
            lines, probe_async = self._body(probe)
            is_async = is_async or bool(probe_async)
            if probe.setup:  # each step gets a fresh instance in its own block
                body.extend(["{", *[f"  {line}" for line in lines], "}"])
            else:
                body.extend(lines)
        name = self._unique(_clip(f"{self.subject} handles its typical inputs end to end"))
        code = self.style.test_block(name, body, is_async=is_async)
        return [self._candidate(name, code, returns)]


COLLECT_HELPER = """async function collect(iterable) {
  const items = [];
  for await (const item of iterable) {
    items.push(item);
  }
  return items;
}"""


def _constructs(probe: Probe) -> bool:
    """The probe of a class called it with ``new`` (a constructor that returns ``new C``
    when called without it is also probed so)."""
    return not isinstance(probe.payload, Observed) or probe.payload.construct


def _short(text: str, width: int) -> str:
    text = re.sub(r"\s+", " ", text)
    return text if len(text) <= width else text[: width - 1] + "…"


def _clip(name: str) -> str:
    return _short(name, MAX_NAME)

