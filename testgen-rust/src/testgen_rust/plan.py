"""Planning probe calls: which inputs each public function of a file is called with, and
how a test spells each call.

The :class:`Planner` reads the function's signature with tree-sitter, builds arguments (and
receivers) with the :class:`~testgen_rust.inputs.ValueFactory`, and writes one
:class:`CallPlan` per call: the statements of its harness function, and the setup and call a
generated test will paste.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from testgen.model import Definition, Probe, Workspace

from . import nodes
from .crate_index import CrateIndex
from .inputs import MAX_LENGTH, Unsupported, Value, ValueFactory
from .manifest import Crate
from .types import Ty, UNIT, from_node, generics_of, parse_type, substitute

MAX_CALLS_PER_DEFINITION = 64
MAX_RECEIVERS = 3
MAX_VARIANT_RECEIVERS = 12
MAX_INVERSE_INPUTS = 6
INVERSES = (("decode", "encode"), ("unescape", "escape"), ("decompress", "compress"),
            ("deserialize", "serialize"), ("unquote", "quote"))
"""(name part of a decoder, of its encoder): the decoder gets what the encoder returns."""
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
    """One call of the harness: a definition on one set of inputs (``id`` ``d<n>_c<m>``, in
    the group ``d<n>`` of its definition)."""

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
    fields: "OpenType | None" = None
    """The result's struct when the harness reports its fields (see ``_open_fields``)."""
    produced: dict[str, tuple[int, str]] = field(default_factory=dict)
    """Harness variable → (argument index, the expression in the test's call) of an argument
    that is the ``Display`` text of a crate value: the test gets the observed literal."""


@dataclass
class Planned:
    """The calls planned for one file, and a skipped probe for each definition it cannot call."""

    plans: list[CallPlan] = field(default_factory=list)
    skipped: list[Probe] = field(default_factory=list)


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
                planned.skipped.append(skipped_probe(definition, str(exc)))
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

    def _constants_used(self, d: Definition, tree: Any, fn: Any) -> list[str]:
        """The values of the file's integer constants that the body (or a function of the
        file it calls) names: ``bytes < KB`` is a bound like ``bytes < 1000``."""
        consts: dict[str, str] = {}
        for node in nodes.walk(tree.root_node):
            if node.type == "const_item":
                name, value = node.child_by_field_name("name"), node.child_by_field_name("value")
                if name is not None and value is not None and value.type == "integer_literal":
                    consts[nodes.text_of(name)] = nodes.text_of(value)
        if not consts:
            return []
        bodies = [fn]
        called = set(d.calls)
        for node in nodes.walk(tree.root_node):
            if node.type == "function_item" and node is not fn:
                name = node.child_by_field_name("name")
                if name is not None and nodes.text_of(name) in called:
                    bodies.append(node)
        found: dict[str, None] = {}
        for body in bodies:
            for node in nodes.walk(body):
                if node.type == "identifier" and nodes.text_of(node) in consts:
                    found[consts[nodes.text_of(node)]] = None
        return list(found)

    def _units(self, d: Definition, tree: Any) -> list[str]:
        """For a parser (``from_str``, ``parse*``): the short words the file's parsers
        compare with (the arms of a private ``Unit::from_str`` too), which its inputs can
        put after a number."""
        if d.name != "from_str" and "parse" not in d.name.lower():
            return []
        found: dict[str, None] = {}
        for node in nodes.walk(tree.root_node):
            if node.type != "function_item":
                continue
            name = node.child_by_field_name("name")
            text = nodes.text_of(name) if name is not None else ""
            if text != "from_str" and not text.startswith("parse"):
                continue
            for inner in nodes.walk(node):
                if inner.type == "string_literal":
                    word = nodes.text_of(inner)[1:-1]
                    if re.fullmatch(r"[A-Za-z]{1,6}", word):
                        found[word] = None
        return list(found)

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
        names = [d.name, d.details.get("type") or "", self.crate.package,
                 *(name for name, _ in params)]
        literals = self._literals(d)
        constants = self._constants_used(d, tree, fn)
        if constants:
            literals["integer"] = list(dict.fromkeys(constants + literals.get("integer", [])))
        factory = ValueFactory(self.index, literals, near=module, names=names,
                               units=self._units(d, tree), lengths=_lengths(d))
        form = self._call_form(d, receiver, params, returns, self_ty)
        if form is None:
            raise Unsupported("no way to call it from outside the crate")
        produced = self._displayed_inputs(d, factory, form, params, receiver) + \
            self._inverse_inputs(d, tree, factory, form, params, receiver)
        return self._calls(d, group, factory, form, params, receiver, self_ty, produced)

    def _inverse_inputs(self, d: Definition, tree: Any, factory: ValueFactory, form: dict,
                        params: list[tuple[str, Ty]], receiver: str | None) -> list[Value]:
        """For a free function named as the inverse of another of the file (``decode`` of
        ``encode``, ``unescape`` of ``escape``): what that one returns on its inputs, which a
        decoder was written for (``"68656c6c6f"``, not only ``"hello"``)."""
        if receiver is not None or form["kind"] != "free" or len(params) != 1:
            return []
        wanted = [d.name.replace(back, forth, 1) for back, forth in INVERSES if back in d.name]
        if not wanted:
            return []
        found: list[Value] = []
        param = params[0][1]
        by_ref = param.kind == "ref"
        for other in self.file_definitions.get(d.file, []):
            path = other.details.get("path")
            if other.key == d.key or other.details.get("type") or not path or not any(
                    other.name == w or other.name.startswith(w + "_") for w in wanted):
                continue
            fn, _ = _find_function(tree, other.start_line)
            inputs = [p for p in (fn.child_by_field_name("parameters").named_children
                                  if fn is not None else ()) if p.type == "parameter"]
            returns = fn.child_by_field_name("return_type") if fn is not None else None
            if len(inputs) != 1 or returns is None or nodes.text_of(returns) != "String":
                continue
            ty = from_node(inputs[0].child_by_field_name("type"), generics_of(fn, {}))
            try:
                values = factory.arguments(ty)[:MAX_INVERSE_INPUTS]
            except Unsupported:
                continue
            for value in values:
                if value.binding is not None:
                    continue
                source = f"::{path}({value.expr})"
                expr = f"&{source}" if by_ref else f"{source}.clone()"
                found.append(Value(expr, "produced", value.imports, source=source))
        return found

    def _displayed_inputs(self, d: Definition, factory: ValueFactory, form: dict,
                          params: list[tuple[str, Ty]], receiver: str | None) -> list[Value]:
        """For a parser of a crate type (``FromStr``, or a function of one string that gives
        back the type, bare or in an ``Option``/``Result``): the type's own ``Display`` texts
        as inputs, which reach the paths that accept, and check the round trip."""
        if receiver is not None or len(params) != 1 or form["kind"] not in ("parse", "assoc",
                                                                            "free"):
            return []
        target = d.details.get("type") if form["kind"] == "parse" else \
            _produced_type(form["returns"])
        if target is None:
            return []
        param = params[0][1]
        owned = param.is_named("String")
        if not owned and not (param.kind == "ref" and param.inner.kind == "prim"
                              and param.inner.name == "str"):
            return []
        info = self.index.type_info(target, factory.near)
        if info is None or info.generics:
            return []
        return factory.displayed(info, owned)

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
        info = self.index.type_info(type_name, ()) if self.index is not None else None
        alias = self.index.alias_for(info) if info is not None else None
        if alias is not None and type_path:
            # `Pattern::new(..)` needs its parameters spelled; the crate's alias fixes them.
            display_name = alias.name
            imports[:] = [f"use {self.index.type_path(alias)};"]
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
        if info is not None and info.kind == "enum" and info.variants and \
                all(kind == "unit" for _, kind, _ in info.variants):
            # A fieldless enum: every variant, since its methods are a match over them all.
            variants = [v for v in values if re.fullmatch(r"\w+::\w+", v.expr)]
            if variants:
                return variants[:MAX_VARIANT_RECEIVERS]
        # Prefer receivers built from arguments (more interesting state) over Default.
        values = sorted(values, key=lambda v: (v.category == "default", v.category == "boundary"))
        return values[:MAX_RECEIVERS]

    def _calls(self, d: Definition, group: str, factory: ValueFactory, form: dict,
               params: list[tuple[str, Ty]], receiver: str | None, self_ty: Ty | None,
               displayed: list[Value] = ()) -> list[CallPlan]:
        if form["kind"] in ("format", "iterate"):
            params = []
        elif form["kind"] == "parse":
            params = params[:1]
        types = [t for _, t in params]
        combos: list[tuple[list[Value], str]] = []
        for combo in _doc_example_args(d, len(types)):
            combos.append((combo, "doc-example"))
        combos.extend(([value], "produced") for value in displayed)
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
        produced: dict[str, tuple[int, str]] = {}
        trip_var: str | None = None
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
            elif value.source is not None:
                # The crate's own text for a value: formatted in the harness, observed as the
                # input, and written as that literal in the test.
                var = f"a{i}"
                annotation = _annotation(params[i][1]) or "_"
                harness.append(f"let src_{var} = {value.source};")
                harness.append(f"let {var}: {annotation} = "
                               f"{value.expr.replace(value.source, f'src_{var}', 1)};")
                harness.append(f"let in_{var} = tg_value!({var});")
                inputs.append(f'\\"{var}\\":{{}}')
                observed_inputs.append(f"in_{var}")
                produced[var] = (i, value.expr)
                trip_var = var if value.round_trip else trip_var
                arg_exprs_test.append(value.expr)
                arg_exprs_harness.append(var)
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
        opened = self._open_fields(form["returns"])
        if opened is not None:
            harness.extend(_field_lines(form["returns"], opened[1]))
            parts.append('\\"fields\\":{}')
            values.append("fields")
        if trip_var is not None:
            harness.extend(_trip_lines(form["returns"], f"src_{trip_var}"))
            parts.append('\\"trip\\":{}')
            values.append("trip")
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
            observed_types=observed_types, produced=produced,
            fields=opened[0] if opened is not None else None)

    def _open_fields(self, returns: Ty) -> tuple["OpenType", list[str]] | None:
        """For a result of a crate struct whose fields are all public (bare, or in an
        ``Option``/``Result``): the type and its field accessors, so the harness reports each
        field and a test can write the value (``ByteSize(1000000)``) where its Debug text is
        not a literal (``976.6 KiB``)."""
        ty = returns.args[0] if returns.is_named("Option", "Result") and returns.args \
            else returns
        if ty.kind != "path" or ty.args or self.index is None:
            return None
        info = self.index.type_info(ty.name)
        if info is None or info.kind != "struct" or info.non_exhaustive or info.generics \
                or info.parameterised:
            return None
        path = self.index.type_path(info)
        if path is None:
            return None
        if info.tuple_fields and all(pub for _, pub in info.tuple_fields):
            return (OpenType(info.name, f"use {path};", tuple(t for t, _ in info.tuple_fields)),
                    [str(i) for i in range(len(info.tuple_fields))])
        if info.fields and all(pub for _, _, pub in info.fields):
            return (OpenType(info.name, f"use {path};", tuple(t for _, t, _ in info.fields),
                             tuple(f for f, _, _ in info.fields)),
                    [f for f, _, _ in info.fields])
        return None


@dataclass(frozen=True)
class OpenType:
    """A crate struct with all fields public: a test can write any value of it."""

    name: str
    import_line: str
    types: tuple[Ty, ...]
    names: tuple[str, ...] = ()
    """Field names (empty for a tuple struct)."""


def _opened(returns: Ty) -> str:
    """A Rust expression of the result ``r`` as an ``Option<&T>``: the value inside an
    ``Ok``/``Some``, ``None`` for an ``Err``/``None``."""
    if returns.is_named("Result"):
        return "match &r { Ok(v) => Some(v), Err(_) => None }"
    if returns.is_named("Option"):
        return "r.as_ref()"
    return "Some(&r)"


def _field_lines(returns: Ty, accessors: list[str]) -> list[str]:
    """Harness statements that set ``fields``: a JSON list of the observed fields of the
    result (null for an ``Err``/``None``)."""
    opened = _opened(returns)
    listed = ",".join("{}" for _ in accessors)
    values = ", ".join(f"tg_value!(v.{a})" for a in accessors)
    return [f"let fields = match {opened} {{",
            f'    Some(v) => format!("[{listed}]", {values}),',
            '    None => "null".to_string(),',
            "};"]


def _lengths(d: Definition) -> list[int]:
    """The small integer literals of a body that measures a length (``s.len() > 8``)."""
    if "len" not in d.calls:
        return []
    found = []
    for text in (d.details.get("literals") or {}).get("integer", []):
        digits = re.sub(r"_|[iu](8|16|32|64|128|size)$", "", text)
        if digits.isdigit() and 1 < int(digits) <= MAX_LENGTH:
            found.append(int(digits))
    return list(dict.fromkeys(found))


def _produced_type(returns: Ty) -> str | None:
    """The crate type a parser gives back: ``T``, ``Option<T>`` or ``Result<T, _>``."""
    if returns.kind == "path" and returns.name in ("Option", "Result") and returns.args:
        returns = returns.args[0]
    if returns.kind == "path" and returns.name not in ("String", "Vec", "Box", "Option",
                                                       "Result", "Self"):
        return returns.name
    return None


def _trip_lines(returns: Ty, source: str) -> list[str]:
    """Harness statements that set ``trip``: the JSON of the round trip of ``source`` through
    its ``Display`` text and the parser (the source, what came back, whether it is equal)."""
    return [
        f"let back = {_opened(returns)};",
        "let trip = match back {",
        f'    Some(v) => format!("{{{{\\"src\\":{{}},\\"back\\":{{}},\\"same\\":{{}}}}}}", '
        f"tg_value!({source}), tg_value!(v), match (&tg::W(v)).tg_same(&{source}) {{ "
        'Some(true) => "true", Some(false) => "false", None => "null" }),',
        f'    None => format!("{{{{\\"src\\":{{}},\\"back\\":null,\\"same\\":null}}}}", '
        f"tg_value!({source})),",
        "};",
    ]


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


def _walk_types(ty: Ty):
    yield ty
    for arg in ty.args:
        yield from _walk_types(arg)


def receiver_by_ref(d: Definition) -> bool:
    """Whether the method takes ``&self`` (so a ``&'static`` constant can be its receiver)."""
    receiver = d.details.get("receiver") or ""
    return receiver.startswith("&") and "mut" not in receiver


def skipped_probe(definition: Definition, reason: str) -> Probe:
    """The probe of a definition that was not called, and why."""
    return Probe(definition=definition.key, outcome="skipped", reason=reason, category="typical")


def _doc_example_args(d: Definition, arity: int) -> list[list[Value]]:
    found: list[list[Value]] = []
    for block in d.details.get("doc_examples") or []:
        for match in re.finditer(rf"(?<![\w]){re.escape(d.name)}\(", block):
            args = _balanced(block, match.end())
            if args is None:
                continue
            parts = split_args(args)
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


def split_args(text: str) -> list[str]:
    """The top-level comma-separated parts of an argument list (``a, f(b, c)`` → two)."""
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
