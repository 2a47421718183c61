"""Plan probe cases for the definitions of one file and write the Go harness that runs them.

A case is one call of one definition on concrete inputs: for a method, a receiver built
first (a constructor, a zero value or a populated literal) and, for integration sequences,
other methods called before it. The harness is a ``_test.go`` file in the target package, so
unexported code is reachable; its runtime (``harness/runtime.go.txt``) reads the plan of
:mod:`testgen.kit.probehost` (the case ids to run, ``limits.call_ms``), calls every case twice
under ``recover`` with that deadline, and writes the kit's records: ``start`` before a case,
``result`` after it (Go's observations; kind ``skipped`` for a case it does not run), ``fatal``
and ``done``. A :class:`Case` has the ``id`` and ``group`` the kit's ``Call`` asks for.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from importlib import resources
from itertools import zip_longest

from testgen.model import Definition

from . import imports as goimports
from .gotypes import GoType, parse_type
from .inputs import InputContext, Unsupported, Value, instantiate, values_for
from .pkgindex import PackageIndex

PROBE_FILE = "zz_testgen_probe_test.go"
PROBE_TEST = "TestTestgenProbe"
MAX_CASES_PER_DEFINITION = 36
MAX_SEQUENCES = 4
SETUP_FAILURE = re.compile(r't\.Fatalf\("[^"]*: %v", (\w+)\)')
"""Setup statements are written as a test writes them; in the harness a failed setup step
is recorded instead (the case is then reported as skipped)."""

MUTATOR_WORDS = re.compile(
    r"^(Pop|Remove|Delete|Del|Clear|Reset|Close|Next|Shift|Take|Drain|Flush|Inc|Dec|Add|Set|"
    r"Push|Put|Append|Insert|Update|Write|Read|Load|Save|Start|Stop|Run|Apply|Register|"
    r"Enqueue|Dequeue|Grow|Truncate|Sort|Swap|Move|Merge|Fill|Emit|Send|Receive|Consume|"
    r"Advance|Step|Tick|Use|Release|Acquire|Lock|Unlock|Init|Parse|Scan|Seek|Reserve|Cancel|"
    r"Withdraw|Deposit|Transfer|Commit|Rollback|Mark|Toggle|Enable|Disable|Record|Track)")

# The runtime's own imports, aliased so they never collide with the package's names.
RUNTIME_IMPORTS = [
    'tgjson "encoding/json"', 'tgerrors "errors"', 'tgfmt "fmt"', 'tgmath "math"',
    'tgos "os"', 'tgreflect "reflect"', 'tgsort "sort"', 'tgstrconv "strconv"',
    'tgstrings "strings"', 'tgtesting "testing"', 'tgtime "time"', 'tgutf8 "unicode/utf8"',
    'tgdebug "runtime/debug"',
]
_RUNTIME_ALIASES = {"json": "tgjson", "errors": "tgerrors", "fmt": "tgfmt", "math": "tgmath",
                    "os": "tgos", "reflect": "tgreflect", "sort": "tgsort",
                    "strconv": "tgstrconv", "strings": "tgstrings", "testing": "tgtesting",
                    "time": "tgtime", "utf8": "tgutf8"}


@dataclass
class Case:
    id: int
    group: int
    key: str
    args: tuple[str, ...]
    call: str
    """The target call written with literals (what a test would write)."""
    setup: tuple[str, ...] = ()
    category: str = "typical"
    label: str = ""
    imports: frozenset[str] = frozenset()
    receiver: str = ""
    receiver_label: str = ""
    receiver_expr: str = ""
    """The receiver as one expression (``NewCart()``), when the setup is a single statement."""
    receiver_type: str = ""
    type_args: dict[str, str] = field(default_factory=dict)
    observers: tuple[str, ...] = ()
    call_style: str = ""
    """``sprintf`` when the method is reached through ``fmt.Sprintf`` (a ``Format`` method)."""
    mutable_args: tuple[int, ...] = ()
    lines: tuple[int, int] = (0, 0)
    body: list[str] = field(default_factory=list)
    """Go statements of the case inside the harness."""


@dataclass
class Signature:
    """What the harness needs to know to call one definition."""

    params: list[tuple[str, GoType]]
    variadic: bool
    results: list[GoType]
    returns_error: bool
    type_params: list[tuple[str, GoType]]


@dataclass
class Plan:
    cases: list[Case] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    """Definition key → why it could not be probed at all."""


def signature_of(definition: Definition) -> Signature:
    params: list[tuple[str, GoType]] = []
    variadic = False
    for p in definition.parameters:
        if p.kind == "receiver":
            continue
        text = p.annotation or "interface{}"
        if p.kind == "var_positional":
            variadic = True
            elem = parse_type(text[3:] if text.startswith("...") else text)
            gt = GoType("slice", elem=elem, text="[]" + elem.render(), variadic=True)
        else:
            gt = parse_type(text)
        params.append((p.name, gt))
    details = definition.details
    results = [parse_type(r) for r in details.get("results", [])]
    type_params = [(n, parse_type(c)) for n, c in details.get("type_params", [])]
    return Signature(params=params, variadic=variadic, results=results,
                     returns_error=bool(details.get("returns_error")),
                     type_params=type_params)


def _arg_name(_name: str, i: int) -> str:
    """Argument variables are numbered: parameter names could shadow package names."""
    return f"testgenArg{i}"


class Planner:
    """Turns definitions into cases, drawing values from the package index."""

    def __init__(self, index: PackageIndex, file_imports: dict[str, str]) -> None:
        self.index = index
        self.file_imports = file_imports
        self.cases: list[Case] = []
        self.skipped: dict[str, str] = {}

    def plan(self, definitions: list[Definition]) -> Plan:
        for group, definition in enumerate(definitions):
            if not definition.testable:
                self.skipped[definition.key] = definition.untestable_reason or "not testable"
                continue
            try:
                reason = self._plan_definition(group, definition)
            except RecursionError:
                reason = "types nest too deeply to build inputs"
            if reason:
                self.skipped[definition.key] = reason
        return Plan(cases=self.cases, skipped=self.skipped)

    # ----------------------------------------------------------------- one definition

    def _context(self, definition: Definition, type_args: dict[str, GoType]) -> InputContext:
        return InputContext(index=self.index, literals=dict(definition.details.get(
            "literals") or {}), type_args=type_args, file_imports=self.file_imports,
            go_version=definition.details.get("go_version") or "",
            function=definition.name, doc_strings=_doc_strings(definition.docstring))

    def _plan_definition(self, group: int, definition: Definition) -> str:
        sig = signature_of(definition)
        type_args = instantiate(sig.type_params, self.index)
        if isinstance(type_args, Unsupported):
            return type_args.reason
        receiver = definition.details.get("receiver")
        receiver_args: dict[str, GoType] = {}
        if receiver:
            decl = self.index.types.get(receiver["type"])
            if decl is None:
                return f"receiver type {receiver['type']} is not declared in this package"
            if decl.type_params:
                chosen = instantiate(list(decl.type_params), self.index)
                if isinstance(chosen, Unsupported):
                    return chosen.reason
                # the method may name the type parameters differently from the type
                names = receiver.get("type_params") or [n for n, _ in decl.type_params]
                receiver_args = {n: chosen[d] for n, (d, _c) in zip(names, decl.type_params)}
        all_args = {**type_args, **receiver_args}
        ctx = self._context(definition, all_args)
        if receiver and _is_formatter(definition.name, sig):
            setups = self._receiver_setups(definition, receiver, receiver_args, ctx)
            if isinstance(setups, Unsupported):
                return setups.reason
            # fmt calls Format for us: test it the way callers use it
            for setup in setups[:3]:
                for verb in FORMAT_VERBS:
                    self._add(group, definition, FORMAT_SIGNATURE, (verb,), "typical",
                              f"{setup.label} {json.loads(verb)}", frozenset(),
                              {n: t.render() for n, t in all_args.items()},
                              callee="fmt.Sprintf", setup=setup, trailing=(setup.var,))
            return ""
        pools: list[list[Value]] = []
        for name, gt in sig.params:
            values = values_for(gt, ctx, name)
            if isinstance(values, Unsupported):
                return f"parameter {name}: {values.reason}"
            if not values:
                return f"parameter {name}: no values of type {gt.render()}"
            pools.append(values)
        combos = self._combos(definition, sig, pools)
        explicit = ""
        if type_args and not receiver:
            explicit = "[" + ", ".join(type_args[n].render() for n, _ in sig.type_params) + "]"
        targs = {n: t.render() for n, t in all_args.items()}
        if not receiver:
            for args, category, label, imports in combos:
                self._add(group, definition, sig, args, category, label, imports, targs,
                          callee=definition.name + explicit)
            return ""
        setups = self._receiver_setups(definition, receiver, receiver_args, ctx)
        if isinstance(setups, Unsupported):
            return setups.reason
        observers = self._observers(receiver["type"], definition.name, receiver_args)
        first_setup = setups[0]
        for args, category, label, imports in combos:
            self._add(group, definition, sig, args, category, label, imports, targs,
                      callee=f"{first_setup.var}.{definition.name}", setup=first_setup,
                      observers=observers)
        typical = combos[0] if combos else ((), "typical", "", frozenset())
        for setup in setups[1:]:
            self._add(group, definition, sig, typical[0], setup.category, setup.label,
                      typical[3], targs, callee=f"{setup.var}.{definition.name}", setup=setup,
                      observers=observers)
        for steps, label, imports in self._sequences(definition, receiver, receiver_args,
                                                     ctx, first_setup, combos):
            seq_setup = Setup(first_setup.var, first_setup.lines + steps, "sequence",
                              label, first_setup.imports | imports, type=first_setup.type)
            self._add(group, definition, sig, typical[0], "sequence", label, typical[3],
                      targs, callee=f"{first_setup.var}.{definition.name}", setup=seq_setup,
                      observers=observers)
        return ""

    def _combos(self, definition: Definition, sig: Signature,
                pools: list[list[Value]]) -> list[tuple[tuple[str, ...], str, str, frozenset]]:
        combos: list[tuple[tuple[str, ...], str, str, frozenset]] = []
        seen: set[tuple[str, ...]] = set()

        def add(values: list[Value], category: str, label: str) -> None:
            args = tuple(v.literal for v in values)
            if args in seen:
                return
            seen.add(args)
            imports: frozenset[str] = frozenset()
            for v in values:
                imports |= v.imports
            combos.append((args, category, label, imports))

        if not pools:
            add([], "typical", "")
            return combos
        names = [n for n, _ in sig.params]
        base = [pool[0] for pool in pools]
        single = len(pools) == 1
        add(base, base[0].category if single else "typical",
            base[0].label if single else "typical")
        n_params = len(sig.params) - (1 if sig.variadic else 0)
        for example in definition.details.get("doc_examples") or []:
            if sig.variadic and len(example) >= n_params:
                fixed, rest = example[:n_params], example[n_params:]
                elem = sig.params[-1][1].elem
                vals = [Value(a, "doc-example") for a in fixed]
                vals.append(Value(f"[]{elem.render()}{{{', '.join(rest)}}}", "doc-example"))
                add(vals, "doc-example", "doc example")
            elif len(example) == len(pools):
                add([Value(a, "doc-example") for a in example], "doc-example", "doc example")
        if len(pools) > 1:
            # a few mixes of typical values, so parameters meet each other off the base case
            typicals = [[v for v in pool if v.category in ("typical", "literal")][:3] or
                        pool[:1] for pool in pools]
            for k in (1, 2):
                mix = [t[(k + i) % len(t)] for i, t in enumerate(typicals)]
                add(mix, "typical", ", ".join(f"{n} {v.label}" for n, v in zip(names, mix)))
        for i, j, near in _near_misses(sig, base):
            # two strings that are alike but not equal: what a comparison or a distance
            # is about (equal ones and unrelated ones answer without the inner loop)
            values = list(base)
            values[j] = near
            add(values, "typical", f"{names[j]} {near.label} of {names[i]}")
        variations = []
        for i, pool in enumerate(pools):
            per_param = []
            for value in pool[1:]:
                values = list(base)
                values[i] = value
                label = value.label if single else f"{names[i]} {value.label}".strip()
                per_param.append((values, value.category, label))
            variations.append(per_param)
        for round_ in zip_longest(*variations):
            for item in round_:
                if item is not None:
                    add(*item)
        return combos[:MAX_CASES_PER_DEFINITION]

    # ----------------------------------------------------------------- receivers

    def _receiver_setups(self, definition: Definition, receiver: dict,
                         receiver_args: dict[str, GoType], ctx: InputContext):
        type_name = receiver["type"]
        decl = self.index.types[type_name]
        var = receiver.get("name") or ""
        if not var or var == "_" or var.startswith("testgen"):
            var = type_name[:1].lower() if type_name[:1].isupper() else "recv"
        param_names = {p.name for p in definition.parameters if p.kind != "receiver"}
        if var in param_names:
            var = "recv"
        type_text = type_name
        if decl.type_params:
            type_text += "[" + ", ".join(
                receiver_args[n].render() for n in (receiver.get("type_params") or
                                                    [n for n, _ in decl.type_params])) + "]"
        pointer = bool(receiver.get("pointer"))
        setups: list[Setup] = []
        underlying = decl.underlying
        if underlying.kind == "struct" or (underlying.kind == "name" and not
                                           underlying.is_builtin):
            for ctor in self.index.constructors(type_name)[:1] if not decl.type_params else []:
                call = self._ctor_call(ctor, ctx)
                if call is None:
                    continue
                text, imports = call
                label = f"{ctor.name}()" if not ctor.params else ctor.name
                if len(ctor.results) == 2:
                    lines = (f"{var}, errSetup := {text}",
                             f'if errSetup != nil {{ t.Fatalf("{ctor.name}: %v", errSetup) }}')
                    setups.append(Setup(var, lines, "typical", label, imports))
                else:
                    setups.append(Setup(var, (f"{var} := {text}",), "typical", label, imports,
                                        expr=text, type=ctor.results[0].render()))
            if underlying.kind == "struct":
                values = values_for(GoType("name", name=type_name, args=tuple(
                    receiver_args[n] for n in (receiver.get("type_params") or []))
                    if decl.type_params else (), text=type_text), ctx, var)
                if not isinstance(values, Unsupported):
                    zero = next((v for v in values if v.category == "default"), None)
                    filled = next((v for v in values if v.category == "typical"), None)
                    for value, category, label in ((zero, "default", f"zero {type_name}"),
                                                   (filled, "typical", f"populated {type_name}")):
                        if value is None:
                            continue
                        lit = ("&" if pointer else "") + value.literal
                        setups.append(Setup(var, (f"{var} := {lit}",), category, label,
                                            value.imports, expr=lit,
                                            type=("*" if pointer else "") + type_text))
        else:
            values = values_for(GoType("name", name=type_name, text=type_text), ctx, var)
            if isinstance(values, Unsupported):
                return values
            for value in values[:4]:
                setups.append(Setup(var, (f"var {var} {type_text} = {value.literal}",),
                                    value.category, f"{type_name} {value.label}".strip(),
                                    value.imports, expr=value.literal, type=type_text))
        if not setups:
            return Unsupported(f"cannot build a receiver of type {type_name}")
        return setups[:4]

    def _ctor_call(self, ctor, ctx: InputContext) -> tuple[str, frozenset] | None:
        args = []
        imports: frozenset[str] = frozenset()
        for name, gt in ctor.params:
            values = values_for(gt, ctx, name)
            if isinstance(values, Unsupported) or not values:
                return None
            value = values[0]
            if ctor.variadic and gt is ctor.params[-1][1]:
                args.append(value.literal + "...")
            else:
                args.append(value.literal)
            imports |= value.imports
        return f"{ctor.name}({', '.join(args)})", imports

    def _observers(self, type_name: str, target: str, receiver_args) -> tuple[str, ...]:
        found = []
        for name, fn in sorted(self.index.methods.get(type_name, {}).items()):
            if name == target or fn.params or fn.type_params:
                continue
            if len(fn.results) != 1 or fn.results[0].is_error:
                continue
            if MUTATOR_WORDS.match(name[:1].upper() + name[1:]):
                continue
            found.append(name)
        exported = [n for n in found if n[:1].isupper()]
        return tuple((exported or found)[:4])

    def _sequences(self, definition: Definition, receiver: dict, receiver_args, ctx,
                   setup: Setup, combos) -> list[tuple[tuple[str, ...], str, frozenset]]:
        sequences = []
        methods = self.index.methods.get(receiver["type"], {})
        var = setup.var
        for name, fn in sorted(methods.items()):
            if len(sequences) >= MAX_SEQUENCES - 1:
                break
            if name == definition.name or fn.type_params:
                continue
            if not MUTATOR_WORDS.match(name[:1].upper() + name[1:]) or not fn.receiver_pointer:
                continue
            mctx = InputContext(index=self.index, literals=ctx.literals,
                                type_args=receiver_args, file_imports=self.file_imports,
                                go_version=ctx.go_version)
            args = []
            imports: frozenset[str] = frozenset()
            ok = True
            for i, (pname, gt) in enumerate(fn.params):
                values = values_for(gt, mctx, pname)
                if isinstance(values, Unsupported) or not values:
                    ok = False
                    break
                literal = values[0].literal
                if fn.variadic and i == len(fn.params) - 1:
                    literal += "..."
                args.append(literal)
                imports |= values[0].imports
            if not ok:
                continue
            sequences.append(((_step(fn.results, f"{var}.{name}({', '.join(args)})", name),),
                              f"after {name}", imports))
        if combos and len(combos) > 1:
            sig = signature_of(definition)
            first = combos[0]
            call = _call_text(f"{var}.{definition.name}", first[0], sig.variadic)
            sequences.append(((_step(sig.results, call, definition.name),),
                              "called twice", first[3]))
        return sequences

    # ----------------------------------------------------------------- emitting

    def _add(self, group: int, definition: Definition, sig: Signature, args: tuple[str, ...],
             category: str, label: str, imports: frozenset, type_args: dict[str, str],
             callee: str, setup: Setup | None = None,
             observers: tuple[str, ...] = (), trailing: tuple[str, ...] = ()) -> None:
        case_id = len(self.cases)
        body: list[str] = []
        if setup is not None:
            body.extend(SETUP_FAILURE.sub(r"testgenObs.setupErr = \1; return", line)
                        for line in setup.lines)
            imports = imports | setup.imports
        body.append('testgenObs.stage = "call"')
        mutable = []
        for i, ((name, gt), literal) in enumerate(zip(sig.params, args)):
            type_text = gt.substitute({k: parse_type(v) for k, v in type_args.items()}).render()
            body.append(f"var {_arg_name(name, i)} {type_text} = {literal}")
            if gt.kind in ("slice", "map", "pointer"):
                mutable.append(i)
        call_vars = [_arg_name(n, i) for i, (n, _) in enumerate(sig.params)]
        if sig.variadic and call_vars:
            call_vars[-1] += "..."
        call_expr = f"{callee}({', '.join(call_vars + list(trailing))})"
        results = [f"testgenR{i}" for i in range(len(sig.results))]
        if results:
            body.append(f"{', '.join(results)} := {call_expr}")
        else:
            body.append(call_expr)
        values = results[:-1] if sig.returns_error else results
        ifaces = []
        result_types = sig.results[:-1] if sig.returns_error else sig.results
        for rt in result_types:
            rt = rt.substitute({k: parse_type(v) for k, v in type_args.items()})
            ifaces.append(self._is_interface(rt))
        if values:
            body.append(f"testgenObs.vals = []interface{{}}{{{', '.join(values)}}}")
            body.append("testgenObs.ifaces = []bool{" +
                        ", ".join("true" if f else "false" for f in ifaces) + "}")
        if sig.returns_error:
            body.append(f"testgenObs.err = {results[-1]}")
            body.append("testgenObs.hasErr = true")
        receiver = definition.details.get("receiver")
        if setup is not None and receiver and receiver.get("pointer"):
            body.append(f"testgenObs.recv = {setup.var}")
            body.append("testgenObs.hasRecv = true")
        if setup is not None and observers:
            entries = ", ".join(
                f'{{"{o}", func() interface{{}} {{ return {setup.var}.{o}() }}}}'
                for o in observers)
            body.append(f"testgenObs.observers = []testgenProbeNamed{{{entries}}}")
        result_observers = self._result_observers(result_types, values, type_args)
        if result_observers:
            entries = ", ".join(f'{{"{key}", func() interface{{}} {{ return {expr} }}}}'
                                for key, expr in result_observers)
            body.append(f"testgenObs.results = []testgenProbeNamed{{{entries}}}")
        if mutable:
            body.append("testgenObs.args = []interface{}{" +
                        ", ".join(_arg_name(sig.params[i][0], i) for i in mutable) + "}")
        self.cases.append(Case(
            id=case_id, group=group, key=definition.key, args=args,
            call=_call_text(callee, args + trailing, sig.variadic),
            call_style="sprintf" if trailing else "",
            setup=tuple(setup.lines) if setup is not None else (), category=category,
            label=label, imports=imports, receiver=setup.var if setup else "",
            receiver_label=setup.label if setup else "",
            receiver_expr=setup.expr if setup and setup.category != "sequence" else "",
            receiver_type=setup.type if setup else "", type_args=type_args,
            observers=observers, mutable_args=tuple(mutable), body=body))

    def _result_observers(self, result_types: list[GoType], names: list[str],
                          type_args: dict[str, str]) -> list[tuple[str, str]]:
        """Accessor calls on results of the package's own types (``got.Version()``): they
        give something to assert when the value itself has no literal or is not repeatable."""
        found = []
        for i, (rt, var) in enumerate(zip(result_types, names)):
            pointer = rt.kind == "pointer"
            base = rt.elem if pointer else rt
            if base is None or base.kind != "name" or base.package or base.args:
                continue
            if base.name not in self.index.types or self.index.types[base.name].type_params:
                continue
            for method in self._observers(base.name, "", {})[:4]:
                fn = self.index.methods[base.name][method]
                if fn.receiver_pointer and not pointer:
                    continue
                guard = f"{var} == nil" if pointer else ""
                expr = f"{var}.{method}()"
                if guard:
                    expr = f"func() interface{{}} {{ if {guard} {{ return nil }}; " \
                           f"return {var}.{method}() }}()"
                found.append((f"{i}.{method}", expr))
        return found

    def _is_interface(self, gt: GoType) -> bool:
        if gt.kind == "interface":
            return True
        if gt.kind == "name" and not gt.package:
            if gt.name in ("any", "error"):
                return True
            decl = self.index.types.get(gt.name)
            return decl is not None and decl.underlying.kind == "interface"
        return gt.kind == "name" and gt.package in ("io", "fmt", "context") and \
            gt.name in ("Reader", "Writer", "Stringer", "Context")


FORMAT_VERBS = ('"%s"', '"%v"', '"%+v"', '"%q"')
FORMAT_SIGNATURE = Signature(params=[("format", GoType("name", name="string", text="string"))],
                             variadic=False,
                             results=[GoType("name", name="string", text="string")],
                             returns_error=False, type_params=[])


def _near_misses(sig: Signature, base: list[Value]) -> list[tuple[int, int, Value]]:
    """For the first two string parameters whose base values are the same text: that text
    with one letter changed and the last one dropped, and its first half."""
    strings = [i for i, (_n, gt) in enumerate(sig.params[:len(base)])
               if gt.kind == "name" and gt.name == "string" and not gt.package]
    if len(strings) < 2 or base[strings[0]].literal != base[strings[1]].literal:
        return []
    i, j = strings[:2]
    try:
        text = json.loads(base[i].literal)
    except ValueError:
        return []
    if not isinstance(text, str) or len(text) < 4:
        return []
    middle = len(text) // 2
    changed = text[:middle] + ("x" if text[middle] != "x" else "y") + text[middle + 1:-1]
    return [(i, j, Value(json.dumps(changed, ensure_ascii=False), "typical", "one edit")),
            (i, j, Value(json.dumps(text[:middle], ensure_ascii=False), "typical",
                         "first half"))]


def _is_formatter(name: str, sig: Signature) -> bool:
    """``Format(fmt.State, rune)``: a fmt.Formatter."""
    return name == "Format" and len(sig.params) == 2 and not sig.results and \
        sig.params[0][1].render() == "fmt.State" and sig.params[1][1].render() == "rune"


@dataclass
class Setup:
    var: str
    lines: tuple[str, ...]
    category: str
    label: str
    imports: frozenset[str] = frozenset()
    expr: str = ""
    type: str = ""


def _doc_strings(doc: str | None) -> list[str]:
    """Double-quoted strings in a doc comment: often real example inputs."""
    found: list[str] = []
    for match in re.finditer(r'"(?:[^"\\\n]|\\.){1,40}"', doc or ""):
        if match.group(0) not in found:
            found.append(match.group(0))
    return found


def _step(results: list[GoType], call: str, name: str) -> str:
    """A call made before the one under test; a returned error stops the test."""
    if not results:
        return call
    if len(results) == 1 and results[0].is_error:
        return f'if err := {call}; err != nil {{ t.Fatalf("{name}: %v", err) }}'
    return ", ".join(["_"] * len(results)) + " = " + call


def _call_text(callee: str, args: tuple[str, ...], variadic: bool) -> str:
    parts = list(args)
    if variadic and parts:
        parts[-1] += "..."
    return f"{callee}({', '.join(parts)})"


def plan_cases(definitions: list[Definition], index: PackageIndex,
               file_imports: dict[str, str]) -> Plan:
    return Planner(index, file_imports).plan(definitions)


def runtime_source() -> str:
    return resources.files("testgen_go").joinpath("harness/runtime.go.txt").read_text(
        encoding="utf-8")


def render(plan: Plan, package: str, sentinels: list[str], file_specs: list[str]) -> str:
    """The harness file; records each case's line range in ``case.lines``."""
    lines: list[str] = []
    case_lines: list[str] = ["var testgenProbeCases = []testgenProbeCase{"]
    offsets: list[tuple[Case, int, int]] = []
    for case in plan.cases:
        start = len(case_lines)
        case_lines.append(f"\t{{id: {case.id}, group: {case.group}, "
                          f"fn: func(testgenObs *testgenProbeObs) {{")
        case_lines.extend("\t\t" + stmt for stmt in case.body)
        case_lines.append("\t}},")
        offsets.append((case, start, len(case_lines) - 1))
    case_lines.append("}")
    sentinel_lines = ["var testgenProbeSentinels = []testgenProbeSentinel{"]
    sentinel_lines += [f'\t{{"{name}", {name}}},' for name in sentinels]
    sentinel_lines += [f'\t{{"{q}.{n}", {_RUNTIME_ALIASES.get(q, q)}.{n}}},'
                       for q, n in (("io", "EOF"), ("io", "ErrUnexpectedEOF"),
                                    ("strconv", "ErrSyntax"), ("strconv", "ErrRange"),
                                    ("os", "ErrNotExist"), ("os", "ErrExist"),
                                    ("context", "Canceled"), ("context", "DeadlineExceeded"))]
    sentinel_lines.append("}")
    cases_text = "\n".join(sentinel_lines + case_lines)
    needed = goimports.resolve(f"package {package}\n\n{cases_text}\n", preferred=file_specs)
    specs = sorted(set(RUNTIME_IMPORTS) | {s for s in needed if s})
    header = [f"package {package}", "", "import ("] + [f"\t{s}" for s in specs] + [")", ""]
    lines = header + runtime_source().splitlines() + [""]
    base = len(lines)
    lines += cases_text.splitlines()
    first_case_line = base + len(sentinel_lines)
    for case, start, end in offsets:
        case.lines = (first_case_line + start + 1, first_case_line + end + 1)
    return "\n".join(lines) + "\n"
