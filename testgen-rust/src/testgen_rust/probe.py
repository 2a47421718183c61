"""The offline engine's probe: call public functions on generated inputs and record what
really happens, in one generated test binary per crate.

The harness (``tests/zz_testgen_probe.rs`` in the shadow copy) calls every planned input in
its own thread with a time limit, catches panics, and writes one JSON line per call. Calls
that do not compile are dropped (the compiler's line numbers say which) and the rest is
rebuilt; a call that kills the whole process (abort, stack overflow, ``exit``) is recorded as
a crash and the rest is run again without it.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

from testgen.model import Definition, Probe, Workspace

from . import nodes
from .cargo import build_tests, cargo_env, require_cargo
from .crate_index import CrateIndex, index_crate
from .inputs import Unsupported, Value, ValueFactory
from .literals import (
    DebugSyntaxError, LiteralRenderer, learn_constructor, parse_debug, to_debug,
)
from .manifest import Crate, crate_for, module_name
from .payload import RustCall
from .types import Ty, UNIT, from_node, generics_of, parse_type, substitute

HARNESS_PREFIX = "zz_testgen_probe"
"""Probe binaries are ``tests/zz_testgen_probe_<module>.rs`` in the shadow copy: one per source
file, so files probed concurrently never share one."""
MAX_CALLS_PER_DEFINITION = 64
MAX_RECEIVERS = 3
MAX_BUILDS = 4
MAX_RESTARTS = 2
CALL_TIMEOUT_MS = 2000
STD_TRAIT_PATHS = {
    "Display": "std::fmt::Display", "Debug": "std::fmt::Debug", "FromStr": "std::str::FromStr",
    "Deref": "std::ops::Deref", "DerefMut": "std::ops::DerefMut", "Add": "std::ops::Add",
    "Sub": "std::ops::Sub", "Mul": "std::ops::Mul", "Div": "std::ops::Div",
    "Neg": "std::ops::Neg", "Not": "std::ops::Not", "Rem": "std::ops::Rem",
    "Index": "std::ops::Index", "Hash": "std::hash::Hash", "Error": "std::error::Error",
    "Write": "std::fmt::Write", "Borrow": "std::borrow::Borrow",
}
PRELUDE_TRAITS = {"Clone", "Default", "PartialEq", "Eq", "PartialOrd", "Ord", "From", "Into",
                  "TryFrom", "TryInto", "AsRef", "AsMut", "Iterator", "IntoIterator",
                  "DoubleEndedIterator", "ExactSizeIterator", "ToString", "Extend",
                  "FromIterator", "ToOwned"}


@dataclass
class CallPlan:
    id: str
    group: str
    definition: Definition
    args: tuple[str, ...]
    category: str
    setup: tuple[str, ...]
    """Statements a test writes before the call (receiver, ``let mut`` arguments)."""
    call: str
    """The call as a test writes it."""
    imports: tuple[str, ...]
    returns: Ty
    body: str
    """The harness function's statements."""
    observed_vars: tuple[str, ...] = ()
    """Variables whose state after the call is part of the result (``&mut`` receivers)."""
    input_exprs: dict[str, str] = field(default_factory=dict)
    """Harness variable → the expression that built it (for learning constructors)."""
    observed_types: dict[str, Ty] = field(default_factory=dict)
    collect: bool = False
    calibration: bool = False
    """Not a probe: builds a crate value to learn how its Debug text maps to a constructor."""


@dataclass
class Planned:
    plans: list[CallPlan] = field(default_factory=list)
    skipped: list[Probe] = field(default_factory=list)


# --------------------------------------------------------------------------- planning


def _snake(name: str) -> str:
    snake = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()
    snake = re.sub(r"\W+", "_", snake).strip("_") or "value"
    return snake + "_" if snake in RUST_KEYWORDS else snake


RUST_KEYWORDS = {"as", "break", "const", "continue", "crate", "else", "enum", "extern", "false",
                 "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
                 "pub", "ref", "return", "self", "static", "struct", "super", "trait", "true",
                 "type", "unsafe", "use", "where", "while", "async", "await", "dyn", "box",
                 "try", "yield", "str", "string", "result"}


def _find_function(tree: Any, line: int) -> tuple[Any | None, Any | None]:
    """The ``function_item`` starting at ``line`` and its enclosing impl/trait item."""
    for node in nodes.walk(tree.root_node):
        if node.type == "function_item" and node.start_point[0] + 1 == line:
            owner = node.parent.parent if node.parent is not None and node.parent.type == \
                "declaration_list" else None
            if owner is not None and owner.type not in ("impl_item", "trait_item"):
                owner = None
            return node, owner
    return None, None


class Planner:
    """Turns the definitions of one file into harness calls."""

    def __init__(self, workspace: Workspace, crate: Crate, index: CrateIndex, edition: str):
        self.workspace = workspace
        self.crate = crate
        self.index = index
        self.edition = edition
        self.trees: dict[str, Any] = {}
        self.file_definitions: dict[str, list[Definition]] = {}

    def _tree(self, rel_file: str) -> Any:
        if rel_file not in self.trees:
            text = self.workspace.path(rel_file).read_text(encoding="utf-8")
            self.trees[rel_file] = nodes.parse(text)
        return self.trees[rel_file]

    def plan(self, definitions: list[Definition], start: int = 0) -> Planned:
        planned = Planned()
        for definition in definitions:
            self.file_definitions.setdefault(definition.file, []).append(definition)
        for number, definition in enumerate(definitions, start):
            group = f"d{number}"
            try:
                planned.plans.extend(self._plan_one(definition, group))
            except Unsupported as exc:
                planned.skipped.append(_skipped(definition, str(exc)))
        return planned

    def calibrations(self, plans: list[CallPlan]) -> list[CallPlan]:
        """For crate types that the probed functions return, call a one-argument public
        constructor twice, so results can be written as ``Money::new(125)`` instead of
        compared as Debug text."""
        wanted: dict[str, None] = {}
        for plan in plans:
            for ty in _walk_types(plan.returns):
                if ty.kind == "path" and not ty.args:
                    wanted[ty.name] = None
        found: list[CallPlan] = []
        for name in wanted:
            info = self.index.type_info(name)
            if info is None or info.generics or self.index.type_path(info) is None:
                continue
            factory = ValueFactory(self.index, {}, near=info.module)
            for ctor in info.constructors:
                if ctor.wraps or len(ctor.params) != 1:
                    continue
                ty = ctor.params[0][1]
                if not (ty.kind == "prim" and ty.name != "str") and not (
                        ty.kind == "ref" and ty.inner.kind == "prim" and ty.inner.name == "str"):
                    continue
                try:
                    values = factory.arguments(ty)[:2]
                except Unsupported:
                    continue
                imports = (f"use {self.index.type_path(info)};",)
                for value in values:
                    call = f"{name}::{ctor.name}({value.expr})"
                    found.append(CallPlan(
                        id=f"cal_c{len(found)}", group="cal", definition=plans[0].definition,
                        args=(value.expr,), category="calibration", setup=(), call=call,
                        imports=imports, returns=Ty("path", name=name),
                        body=f'let r = {call};\n        format!("{{{{\\"ret\\":{{}}}}}}", '
                             f"tg_value!(r))", calibration=True))
                break
        return found

    def _literals(self, d: Definition) -> dict[str, list[str]]:
        """The definition's own literals first, then those of the functions it calls in the
        same file (a wrapper's inputs are checked by its helpers)."""
        merged: dict[str, list[str]] = {k: list(v) for k, v in
                                        (d.details.get("literals") or {}).items()}
        for other in self.file_definitions.get(d.file, []):
            if other.name in d.calls and other.key != d.key:
                for kind, values in (other.details.get("literals") or {}).items():
                    merged.setdefault(kind, [])
                    merged[kind].extend(v for v in values if v not in merged[kind])
        return merged

    def _plan_one(self, d: Definition, group: str) -> list[CallPlan]:
        if not d.testable:
            raise Unsupported(d.untestable_reason or "not reachable from tests")
        if d.details.get("probe_skip"):
            raise Unsupported(d.details["probe_skip"])
        if d.details.get("trait_default"):
            raise Unsupported("trait default method: it runs through the trait's implementors")
        try:
            tree = self._tree(d.file)
        except (OSError, UnicodeDecodeError) as exc:
            raise Unsupported(f"cannot read {d.file}: {exc}") from None
        fn, owner = _find_function(tree, d.start_line)
        if fn is None:
            raise Unsupported("definition not found in the file (changed since the scan?)")
        owner_generics = generics_of(owner) if owner is not None else {}
        generics = generics_of(fn, owner_generics)
        self_ty = from_node(owner.child_by_field_name("type"), {}) if owner is not None and \
            owner.child_by_field_name("type") is not None else None
        mapping = {"Self": _strip_self_generics(self_ty)} if self_ty is not None else {}
        params: list[tuple[str, Ty]] = []
        receiver: str | None = None
        for param in (fn.child_by_field_name("parameters").named_children
                      if fn.child_by_field_name("parameters") is not None else ()):
            if param.type == "self_parameter":
                receiver = re.sub(r"\s+", " ", nodes.text_of(param))
            elif param.type == "parameter":
                ty = substitute(from_node(param.child_by_field_name("type"), generics), mapping)
                params.append((nodes.text_of(param.child_by_field_name("pattern")), ty))
            else:
                raise Unsupported("variadic parameters")
        ret_node = fn.child_by_field_name("return_type")
        returns = substitute(from_node(ret_node, generics), mapping) if ret_node is not None \
            else UNIT
        module = tuple(p for p in d.details.get("module_path", "crate").split("::")[1:])
        factory = ValueFactory(self.index, self._literals(d), near=module)
        form = self._call_form(d, receiver, params, returns, self_ty)
        if form is None:
            raise Unsupported("no way to call it from outside the crate")
        return self._calls(d, group, factory, form, params, receiver, self_ty)

    # A "form" says how the call is spelled: prefix/suffix around the arguments.
    def _call_form(self, d: Definition, receiver: str | None, params, returns: Ty,
                   self_ty: Ty | None) -> dict | None:
        trait = re.sub(r"<.*", "", d.details.get("trait") or "")
        trait_name = trait.split("::")[-1]
        type_name = d.details.get("type")
        imports: list[str] = []
        type_path = d.details.get("path")
        if type_name and type_path:
            imports.append(f"use {type_path};")
        form = {"returns": returns, "imports": imports, "kind": "method" if receiver else
                "assoc", "collect": returns.kind == "impl" and "Iterator" in
                {b.name for b in returns.bounds}}
        if not type_name:
            path = d.details.get("path")
            if not path:
                return None
            form.update(kind="free", callee=path)
            return form
        display_name = type_name if type_path else (str(self_ty) if self_ty else type_name)
        if trait_name in ("Display", "Debug") and d.name == "fmt":
            form.update(kind="format", spec="{}" if trait_name == "Display" else "{:?}",
                        returns=parse_type("String"))
            return form
        if trait_name == "FromStr" and d.name == "from_str" and params:
            form.update(kind="parse", type_name=display_name)
            return form
        if trait_name == "Iterator" and d.name == "next":
            form.update(kind="iterate", returns=parse_type(f"Vec<{_iter_item(returns)}>"))
            return form
        if trait and trait_name not in PRELUDE_TRAITS:
            trait_import = self._trait_import(d, trait)
            if trait_import is None:
                raise Unsupported(f"trait `{trait}` cannot be named from tests/")
            imports.append(trait_import)
        if receiver is None:
            form.update(callee=f"{display_name}::{d.name}" if not trait or trait_name in
                        PRELUDE_TRAITS else f"<{display_name} as {trait_name}>::{d.name}")
            if not type_path and self_ty is not None and not trait:
                return None
        else:
            form.update(method=d.name)
        return form

    def _trait_import(self, d: Definition, trait: str) -> str | None:
        name = trait.split("::")[-1]
        local = self.index.trait_path(name)
        if local:
            return f"use {local};"
        if name in self.index.traits:
            return None
        segments = trait.split("::")
        if segments[0] in ("std", "core", "alloc"):
            return f"use {trait};"
        for line in d.imports:
            match = re.match(r"use\s+(.*?);$", line)
            if not match:
                continue
            body = match.group(1)
            if body.endswith("::" + segments[0]) or body == segments[0]:
                return f"use {body}{'::' + '::'.join(segments[1:]) if len(segments) > 1 else ''};"
            if re.search(rf"\b{re.escape(segments[0])}\b", body) and "{" in body:
                prefix = body.split("{", 1)[0]
                return f"use {prefix}{'::'.join(segments)};"
        if name in STD_TRAIT_PATHS:
            return f"use {STD_TRAIT_PATHS[name]};"
        return None

    def _receivers(self, d: Definition, factory: ValueFactory, self_ty: Ty | None
                   ) -> list[Value]:
        if self_ty is None:
            raise Unsupported("method without a receiver type")
        info = self.index.type_info(d.details.get("type") or "", factory.near)
        if info is not None:
            try:
                values = factory.crate_type(info)
            except Unsupported:
                values = []
            # `&self` methods also take a `&'static` constant as the receiver.
            if receiver_by_ref(d):
                values += factory.shared_values(Ty("path", name=info.name))
            if not values:
                values = factory.crate_type(info)  # raises with the reason
        else:
            values = factory.arguments(self_ty) if self_ty.kind == "ref" else (
                factory.arguments(Ty("ref", args=(self_ty,)))
                if self_ty.kind == "prim" and self_ty.name == "str" else factory.owned(self_ty))
        # Prefer receivers built from arguments (more interesting state) over Default.
        values = sorted(values, key=lambda v: (v.category == "default", v.category == "boundary"))
        return values[:MAX_RECEIVERS]

    def _calls(self, d: Definition, group: str, factory: ValueFactory, form: dict,
               params: list[tuple[str, Ty]], receiver: str | None, self_ty: Ty | None
               ) -> list[CallPlan]:
        if form["kind"] in ("format", "iterate"):
            params = []
        elif form["kind"] == "parse":
            params = params[:1]
        types = [t for _, t in params]
        combos: list[tuple[list[Value], str]] = []
        for combo in _doc_example_args(d, len(types)):
            combos.append((combo, "doc-example"))
        for combo in factory.combinations(types, limit=MAX_CALLS_PER_DEFINITION):
            category = next((v.category for v in combo if v.category != "typical"), "typical")
            combos.append((combo, category))
        receivers: list[Value | None] = [None]
        if receiver is not None or form["kind"] in ("format", "iterate"):
            receivers = list(self._receivers(d, factory, self_ty))
        plans: list[CallPlan] = []
        seen: set[tuple[str, ...]] = set()
        for r_index, recv in enumerate(receivers):
            for c_index, (combo, category) in enumerate(combos):
                if r_index and c_index > 2:
                    break  # other receivers: only the first few inputs
                key = (recv.expr if recv else "",) + tuple(v.expr for v in combo)
                if key in seen:
                    continue
                seen.add(key)
                plans.append(self._plan(d, group, len(plans), form, params, combo, recv,
                                        receiver, self_ty, category if not recv or r_index == 0 else
                                        (recv.category if recv.category != "typical" else
                                         category)))
                if len(plans) >= MAX_CALLS_PER_DEFINITION:
                    return plans
        return plans

    def _plan(self, d: Definition, group: str, n: int, form: dict,
              params: list[tuple[str, Ty]], combo: list[Value], recv: Value | None,
              receiver: str | None, self_ty: Ty | None, category: str) -> CallPlan:
        imports = list(form["imports"])
        setup: list[str] = []
        harness: list[str] = []
        inputs: list[str] = []
        input_exprs: dict[str, str] = {}
        observed: list[str] = []
        observed_types: dict[str, Ty] = {}
        observed_inputs: list[str] = []
        recv_var = _snake(d.details.get("type") or "value")
        if recv_var in {_snake(p) for p, _ in params}:
            recv_var += "_value"
        if recv is not None:
            imports.extend(recv.imports)
            mutable = receiver is not None and "mut" in receiver and "&" in receiver
            iterate = form["kind"] == "iterate"
            let = "let mut" if mutable else "let"
            setup.append(f"{let} {recv_var} = {recv.expr};")
            harness.append(f"{let} {recv_var} = {recv.expr};")
            harness.append(f"let in_recv = tg_value!({recv_var});")
            inputs.append('\\"recv\\":{}')
            input_exprs["recv"] = recv.expr
            if mutable and not iterate:
                observed.append(recv_var)
                if self_ty is not None:
                    observed_types[recv_var] = self_ty
        arg_exprs_test: list[str] = []
        arg_exprs_harness: list[str] = []
        for i, (value, (pname, _)) in enumerate(zip(combo, params)):
            imports.extend(value.imports)
            if value.binding is not None:
                var = _snake(pname) if re.fullmatch(r"[a-z_]\w*", pname) else f"arg{i}"
                if var == recv_var:
                    var += "_arg"
                setup.append(f"let mut {var} = {value.binding};")
                harness.append(f"let mut {var} = {value.binding};")
                arg_exprs_test.append(value.expr.format(var))
                arg_exprs_harness.append(value.expr.format(var))
                observed.append(var)
                if params[i][1].kind == "ref":
                    observed_types[var] = params[i][1].inner
            else:
                var = f"a{i}"
                annotation = _annotation(params[i][1])
                if annotation:
                    # A typed binding, so the input can be observed before the call.
                    harness.append(f"let {var}: {annotation} = {value.expr};")
                    harness.append(f"let in_{var} = tg_value!({var});")
                    inputs.append(f'\\"{var}\\":{{}}')
                    input_exprs[var] = value.expr
                    observed_inputs.append(f"in_{var}")
                else:
                    harness.append(f"let {var} = {value.expr};")
                arg_exprs_test.append(value.expr)
                arg_exprs_harness.append(var)
        call_test = _spell(form, recv_var, arg_exprs_test, harness=False, edition=self.edition)
        call_harness = _spell(form, recv_var, arg_exprs_harness, harness=True,
                              edition=self.edition)
        harness.append(f"let r = {call_harness};")
        parts = ['\\"ret\\":{}']
        values = ["tg_value!(r)"]
        if inputs:
            parts.append('\\"inputs\\":{{' + ",".join(inputs) + '}}')
            values.extend(["in_recv"] if recv is not None else [])
            values.extend(observed_inputs)
        if observed:
            parts.append('\\"after\\":{{' + ",".join(f'\\"{v}\\":{{}}' for v in observed) + '}}')
            values.extend(f"tg_value!({v})" for v in observed)
        harness.append(f'format!("{{{{{",".join(parts)}}}}}", {", ".join(values)})')
        return CallPlan(
            id=f"{group}_c{n}", group=group, definition=d,
            args=tuple(arg_exprs_test), category=category, setup=tuple(setup),
            call=call_test, imports=tuple(dict.fromkeys(imports)), returns=form["returns"],
            body="\n        ".join(harness), observed_vars=tuple(observed),
            input_exprs=input_exprs, collect=bool(form.get("collect")),
            observed_types=observed_types)


def _spell(form: dict, recv_var: str, args: list[str], *, harness: bool, edition: str) -> str:
    joined = ", ".join(args)
    kind = form["kind"]
    if kind == "free":
        callee = form["callee"]
        # In the harness the call sits inside a module: anchor the crate path.
        call = f"{'::' if harness else ''}{callee}({joined})"
    elif kind == "format":
        call = f"{recv_var}.to_string()" if form["spec"] == "{}" else \
            f'format!("{{:?}}", {recv_var})'
    elif kind == "parse":
        call = f"{args[0]}.parse::<{form['type_name']}>()"
    elif kind == "iterate":
        call = f"{recv_var}.collect::<Vec<_>>()"
    elif "method" in form:
        call = f"{recv_var}.{form['method']}({joined})"
    else:
        call = f"{form['callee']}({joined})"
    if form.get("collect"):
        call += ".collect::<Vec<_>>()"
    return call


def _concrete(ty: Ty) -> bool:
    if ty.kind in ("param", "impl", "dyn", "unknown", "fn", "never"):
        return False
    return all(_concrete(a) for a in ty.args)


def _annotation(ty: Ty) -> str | None:
    """The parameter's type as a `let` annotation, or None when it is generic."""
    if not _concrete(ty):
        return None
    text = ty.text or ty.render()
    return re.sub(r"'(?!static\b)[A-Za-z_]\w*", "'_", text)


def _strip_self_generics(ty: Ty) -> Ty:
    return ty


def _iter_item(returns: Ty) -> str:
    return "_"


def _skipped(definition: Definition, reason: str) -> Probe:
    return Probe(definition=definition.key, outcome="skipped", reason=reason, category="typical")


def _doc_example_args(d: Definition, arity: int) -> list[list[Value]]:
    found: list[list[Value]] = []
    for block in d.details.get("doc_examples") or []:
        for match in re.finditer(rf"(?<![\w]){re.escape(d.name)}\(", block):
            args = _balanced(block, match.end())
            if args is None:
                continue
            parts = _split_args(args)
            if len(parts) != arity or any(re.fullmatch(r"[a-z_]\w*", p) for p in parts):
                continue  # local variables of the example cannot be pasted
            found.append([Value(p.strip(), "doc-example") for p in parts])
    return found[:6]


def _balanced(text: str, start: int) -> str | None:
    depth = 1
    i = start
    in_str = False
    while i < len(text):
        c = text[i]
        if in_str:
            if c == "\\":
                i += 1
            elif c == '"':
                in_str = False
        elif c == '"':
            in_str = True
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
            if depth == 0:
                return text[start:i]
        i += 1
    return None


def _split_args(text: str) -> list[str]:
    if not text.strip():
        return []
    parts, depth, current, in_str = [], 0, [], False
    i = 0
    while i < len(text):
        c = text[i]
        if in_str:
            current.append(c)
            if c == "\\" and i + 1 < len(text):
                current.append(text[i + 1])
                i += 1
            elif c == '"':
                in_str = False
        elif c == '"':
            in_str = True
            current.append(c)
        elif c in "([{<" and not (c == "<" and depth == 0 and current and current[-1] == " "):
            depth += 1
            current.append(c)
        elif c in ")]}>" and depth:
            depth -= 1
            current.append(c)
        elif c == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(c)
        i += 1
    if "".join(current).strip():
        parts.append("".join(current).strip())
    return parts


# --------------------------------------------------------------------------- harness


def render_harness(crate: Crate, plans: list[CallPlan], source: str) -> tuple[str, dict]:
    """The harness source and where each call / group lives in it (for error attribution)."""
    support = resources.files("testgen_rust").joinpath("templates/probe/support.rs").read_text(
        encoding="utf-8")
    lines: list[str] = [
        f"// Generated by TestGen: probe harness for {source}. Lives only in the shadow copy.",
        "#![allow(unused, unused_imports, unused_mut, unused_variables, dead_code,",
        "    non_snake_case, deprecated, unreachable_code, unused_must_use, clippy::all)]",
    ]
    if crate.edition == "2015":
        lines.append(f"extern crate {crate.lib_name};")
    lines.extend(support.splitlines())
    ranges: dict[str, tuple[int, int]] = {}
    groups: dict[str, list[CallPlan]] = {}
    for plan in plans:
        groups.setdefault(plan.group, []).append(plan)
    for group, members in groups.items():
        start = len(lines) + 1
        lines.append(f"mod {group} {{")
        lines.append("    use super::tg;")
        lines.append("    use super::tg::{DebugNo, DebugYes, DisplayNo, DisplayYes, EqNo, EqYes};")
        for line in dict.fromkeys(i for p in members for i in p.imports):
            lines.append(f"    {line}")
        for plan in members:
            call_start = len(lines) + 1
            name = plan.id.split("_", 1)[1]
            lines.append(f"    pub fn {name}() -> String {{")
            lines.extend("        " + line for line in plan.body.split("\n        "))
            lines.append("    }")
            ranges[plan.id] = (call_start, len(lines))
        lines.append("    pub fn run(h: &mut tg::Harness) {")
        for plan in members:
            name = plan.id.split("_", 1)[1]
            lines.append(f'        h.call("{group}", "{plan.id}", {name});')
        lines.append("    }")
        lines.append("}")
        ranges[group] = (start, len(lines))
    lines.append("#[test]")
    lines.append("fn testgen_probe() {")
    lines.append("    let mut h = tg::Harness::from_env();")
    for group in groups:
        lines.append(f"    {group}::run(&mut h);")
    lines.append("    h.done();")
    lines.append("}")
    return "\n".join(lines) + "\n", ranges


# --------------------------------------------------------------------------- running


def probe_definitions(definitions: list[Definition], workspace: Workspace) -> list[Probe]:
    """Probe every definition of one source file; one build and (normally) one run."""
    if not definitions:
        return []
    require_cargo()
    first = definitions[0]
    crate = crate_for(workspace.path(first.file), stop=workspace.root)
    if crate is None or crate.lib_name is None:
        return [_skipped(d, d.untestable_reason or "no library crate around this file")
                for d in definitions]
    if not crate.autotests:
        target = f"testgen_{module_name(crate, workspace.path(first.file))}"
        if target not in crate.declared_tests:
            return [_skipped(d, (
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
                return probes + [_skipped(d, f"the crate does not compile: {reason}")
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
            return probes + [_skipped(d, "cargo built no probe binary") for d in
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


def receiver_by_ref(d: Definition) -> bool:
    receiver = d.details.get("receiver") or ""
    return receiver.startswith("&") and "mut" not in receiver


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
            probes.append(_skipped(definition, f"generated inputs do not compile: {reasons[0]}"))
    return probes


def _run_harness(workspace: Workspace, executable: str, crate_rel: str, ws_rel: str,
                 plans: list[CallPlan]) -> dict[str, dict]:
    records: dict[str, dict] = {}
    skip: list[str] = []
    out_file = workspace.scratch / f"probe-{uuid.uuid4().hex[:12]}.jsonl"
    crate_dir = workspace.path(crate_rel or ".")
    for _restart in range(MAX_RESTARTS + 1):
        env = cargo_env(workspace, ws_rel)
        env.update({"TESTGEN_PROBE_OUT": str(out_file), "TESTGEN_PROBE_SKIP": ",".join(skip),
                    "TESTGEN_PROBE_CALL_MS": str(CALL_TIMEOUT_MS),
                    "CARGO_MANIFEST_DIR": str(crate_dir)})
        result = workspace.run([executable, "testgen_probe", "--exact", "--nocapture"],
                               cwd=crate_dir, env=env, memory_mb=None)
        started: str | None = None
        finished = False
        try:
            lines = out_file.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            lines = []
        for line in lines:
            try:
                data = json.loads(line)
            except json.JSONDecodeError:
                continue
            if data.get("done"):
                finished = True
            elif data.get("start"):
                started = data["id"]
            elif "id" in data:
                records[data["id"]] = data
                started = None
        if finished:
            break
        culprit = started
        reason = result.killed_reason or f"exit status {result.returncode}"
        if culprit is None:
            # Died between calls or before the first one: nothing more to learn.
            for plan in plans:
                records.setdefault(plan.id, {"id": plan.id, "outcome": "crash",
                                             "reason": f"probe process failed ({reason})"})
            break
        records[culprit] = {"id": culprit, "outcome": "crash" if not result.timed_out else
                            "timeout", "reason": f"the process died during this call ({reason})"
                            + _stderr_hint(result.stderr)}
        skip = [p.id for p in plans if p.id in records]
    for plan in plans:
        records.setdefault(plan.id, {"id": plan.id, "outcome": "skipped",
                                     "reason": "not run: the probe process stopped early"})
    return records


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
        items = _split_args(match.group(1))
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


def _walk_types(ty: Ty):
    yield ty
    for arg in ty.args:
        yield from _walk_types(arg)


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
        call = replace(call, value_imports=tuple(value_imports), debug=debug, display=display,
                       eq=eq, unit=plan.returns.kind == "unit", after=after,
                       after_values=after_values, err_is_error=err_is_error, variant=variant,
                       payload_type=payload_type)
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
