"""Definitions of a JavaScript/TypeScript file: functions, arrow functions, classes and methods.

Only what the module exports (ESM ``export`` or CommonJS ``module.exports``/``exports.x``) is
testable without editing the file; the rest is listed with the reason. Types come from
TypeScript annotations, or from JSDoc ``@param {type}`` when the file is plain JavaScript.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from testgen.model import Definition, Parameter, ParsedFile

from . import instances, prototypes
from .package import find_package, is_declaration_file, is_typescript, module_kind
from .syntax import end_line_of, line_of, text_of, walk

NOT_EXPORTED = "not exported; tests cannot reach it without editing the file"
PRIVATE_METHOD = "private method; tests reach it through the class's public methods"

FUNCTION_NODES = {"function_declaration", "generator_function_declaration"}
FUNCTION_VALUES = {"arrow_function", "function_expression", "function",
                   "generator_function"}
CLASS_NODES = {"class_declaration", "abstract_class_declaration", "class"}
DECISION_NODES = {"if_statement", "for_statement", "for_in_statement", "while_statement",
                  "do_statement", "switch_case", "catch_clause", "ternary_expression"}
DECISION_OPERATORS = {"&&", "||", "??"}
MAX_LITERALS = 24
MAX_PROPS = 12
# Reads that say "this is a string/array", not "this is an options object".
BUILTIN_PROPS = {"length", "constructor", "prototype", "size", "toString", "valueOf"}


@dataclass
class _Local:
    """A top-level function or class found in the file, before exports are known."""

    name: str
    node: Any  # the function/class node
    statement: Any  # the top-level statement holding it (for code, lines and JSDoc)
    kind: str  # "function" | "class"
    export: str | None = None  # "named" | "default" | "cjs" | "cjs-default"
    export_name: str | None = None
    members: list[prototypes.Member] = field(default_factory=list)
    """What the file assigns to a constructor function's prototype and onto it."""


@dataclass
class _FileFacts:
    text: str
    rel_path: str
    kind: str  # "esm" | "cjs"
    dialect: str  # "javascript" | "typescript"
    imports: tuple[str, ...] = ()
    object_types: dict[str, list[tuple[str, str, bool]]] = field(default_factory=dict)
    literals_by_name: dict[str, dict[str, list[Any]]] = field(default_factory=dict)
    calls_by_name: dict[str, set[str]] = field(default_factory=dict)


def extract(parsed: ParsedFile) -> list[Definition]:
    source = parsed.source
    if is_declaration_file(source.rel_path):
        return []
    root = parsed.tree.root_node
    pkg = find_package(source.path, stop=source.project_root)
    facts = _FileFacts(
        text=source.text, rel_path=source.rel_path,
        kind=module_kind(Path(source.path), pkg, source.text),
        dialect="typescript" if is_typescript(source.rel_path) else "javascript",
    )
    facts.imports = _imports(root)
    facts.object_types = _object_types(root)
    locals_ = _collect(root, facts)
    constants = _constant_literals(root)
    for local in locals_.values():
        literals = _literals(local.node)
        # Module constants the function reads (`SYMBOLS[currency]`) hold values it expects;
        # in declaration order, so the inputs made of them do not change between runs.
        read = _identifiers(local.node)
        for name in [n for n in constants if n in read]:
            for key, values in constants[name].items():
                for value in values:
                    if value not in literals[key] and len(literals[key]) < MAX_LITERALS:
                        literals[key].append(value)
        facts.literals_by_name[local.name] = literals
        facts.calls_by_name[local.name] = set(_calls(local.node))
    definitions: list[Definition] = []
    for local in sorted(locals_.values(), key=lambda l: l.statement.start_byte):
        definitions.extend(_definitions_of(local, facts))
    return definitions


# --------------------------------------------------------------------------- collecting


def _collect(root: Any, facts: _FileFacts) -> dict[str, _Local]:
    """Top-level functions and classes, then which of them are exported and how."""
    found: dict[str, _Local] = {}
    exports: list[tuple[str, str, str]] = []  # (local name, export kind, exported name)

    def add(name: str, node: Any, statement: Any, export: str | None = None,
            export_name: str | None = None) -> None:
        kind = "class" if node.type in CLASS_NODES else "function"
        local = _Local(name, node, statement, kind, export, export_name)
        found.setdefault(name, local)

    scope, returned = _module_scope(root)
    constructors = prototypes.constructors(scope)
    aliases: dict[str, str] = {}  # `var _default = foo;` (compiled output names its exports so)
    for statement in scope:
        kind = statement.type
        if kind == "export_statement":
            _collect_export(statement, add, exports)
        elif kind in FUNCTION_NODES or kind in CLASS_NODES:
            name = statement.child_by_field_name("name")
            if name is not None:
                add(text_of(name), statement, statement)
        elif kind in ("lexical_declaration", "variable_declaration"):
            for name, value in _function_declarators(statement):
                add(name, value, statement)
            aliases.update(_identifier_declarators(statement))
        elif kind == "expression_statement":
            _collect_commonjs(statement, add, exports, facts)
    if returned is not None:  # a UMD factory's `return X` is what module.exports receives
        _collect_module_value(returned, add, exports, facts, returned.parent)
    _collect_members(scope, add, exports, aliases, returned, prototypes.held(constructors))
    # `module.exports = exports.default`: require() returns the default export itself.
    if ("exports.default", "cjs-default", "default") in exports:
        exports[:] = [(n, "cjs-default" if (k, e) == ("cjs", "default") else k, e)
                      for n, k, e in exports if n != "exports.default"]
        for local in found.values():
            if (local.export, local.export_name) == ("cjs", "default"):
                local.export = "cjs-default"
    for local_name, export, export_name in exports:
        local = found.get(local_name) or found.get(aliases.get(local_name, ""))
        if local is not None and local.export is None:
            local.export, local.export_name = export, export_name
    _add_constructors(found, constructors)
    return found


def _add_constructors(found: dict[str, _Local], constructors: list[prototypes.Constructor]
                      ) -> None:
    """Each constructor's local becomes a class with its members; one declared where no
    export reaches it (inside an IIFE nobody returns) is listed, not exported. A function
    assigned to a prototype by name (``Foo.prototype.baz = baz``) is that method now."""
    by_node = {local.node.id: local for local in found.values()}
    for ctor in constructors:
        local = by_node.get(ctor.node.id)
        if local is None:
            if not ctor.name or ctor.name in found:
                continue
            local = found[ctor.name] = _Local(ctor.name, ctor.node, ctor.holder, "class")
        local.kind, local.members = "class", ctor.members
        for member in ctor.members:
            named = by_node.get(member.node.id)
            if named is not None and named.export is None and named is not local:
                found.pop(named.name, None)


UMD_CALLEE = {"parenthesized_expression", "function_expression", "function", "arrow_function"}


def _module_scope(root: Any) -> tuple[list[Any], Any]:
    """The statements that make up the module, and the node the module's value comes from.

    A UMD wrapper, ``(function (root, factory) {...})(this, function () { ...; return api; })``,
    or a bare IIFE holds the whole module in its function: the factory's top-level statements
    are the module's, and its ``return`` is what ``module.exports`` receives.
    """
    statements = list(root.named_children)
    code = [s for s in statements if s.type not in ("comment", "empty_statement")
            and not (s.type == "expression_statement" and s.named_children
                     and s.named_children[0].type == "string")]  # 'use strict'
    if len(code) != 1 or code[0].type != "expression_statement":
        return statements, None
    call = code[0].named_children[0] if code[0].named_children else None
    while call is not None and call.type in ("unary_expression", "parenthesized_expression"):
        call = call.named_children[-1] if call.named_children else None
    if call is None or call.type != "call_expression":
        return statements, None
    callee = call.child_by_field_name("function")
    arguments = call.child_by_field_name("arguments")
    if callee is not None and callee.type == "member_expression" and \
            text_of(callee.child_by_field_name("property")) in ("call", "apply"):
        # `(function () { ... }).call(this)`, as CoffeeScript wraps a file: `this` is no
        # argument of the body, the function is the module.
        callee, arguments = callee.child_by_field_name("object"), None
    candidates = [a for a in (arguments.named_children if arguments is not None else ())
                  if a.type in FUNCTION_VALUES]
    if not candidates:  # `(function () { ... })()`: the module is the IIFE's body
        inner = callee
        while inner is not None and inner.type == "parenthesized_expression":
            inner = inner.named_children[0] if inner.named_children else None
        if inner is None or inner.type not in FUNCTION_VALUES:
            return statements, None
        candidates = [inner]
    body = candidates[-1].child_by_field_name("body")
    if body is None or body.type != "statement_block":
        return statements, None
    inner_statements = list(body.named_children)
    returned = None
    for statement in inner_statements:
        if statement.type == "return_statement" and statement.named_children:
            returned = statement.named_children[0]
    return inner_statements, returned


def _identifier_declarators(declaration: Any) -> dict[str, str]:
    found = {}
    for declarator in declaration.named_children:
        if declarator.type != "variable_declarator":
            continue
        name, value = declarator.child_by_field_name("name"), declarator.child_by_field_name(
            "value")
        if name is not None and value is not None and name.type == "identifier":
            if value.type == "identifier":
                found[text_of(name)] = text_of(value)
            elif value.type == "call_expression":  # `var mod = factory()`
                fn = value.child_by_field_name("function")
                if fn is not None and fn.type == "identifier":
                    found[text_of(name)] = f"{text_of(fn)}()"
    return found


def _collect_module_value(value: Any, add: Any, exports: list[tuple[str, str, str]],
                          facts: _FileFacts, statement: Any) -> None:
    if value.type == "object":
        _collect_object(value, add, exports, statement)
    elif value.type == "identifier":
        exports.append((text_of(value), "cjs-default", "default"))
    elif value.type in FUNCTION_VALUES or value.type in CLASS_NODES:
        name_node = value.child_by_field_name("name")
        name = text_of(name_node) if name_node is not None else _stem_name(facts.rel_path)
        add(name, value, statement, "cjs-default", "default")


def _collect_members(scope: list[Any], add: Any, exports: list[tuple[str, str, str]],
                     aliases: dict[str, str], returned: Any, held: set[int]) -> None:
    """``api.name = function ...`` on the object the module exports, at any depth.

    The exported object is ``module.exports``'s identifier or the UMD factory's return
    value; ``var mod = factory()`` is followed into ``factory``'s own ``return``. ``held``:
    the statements that assign a constructor's members (its methods and statics, not the
    module's functions).
    """
    exported = {"module.exports"}
    for local, kind, _ in exports:
        if kind == "cjs-default":
            exported.add(local)
    if returned is not None and returned.type == "identifier":
        exported.add(text_of(returned))
    returns_of: dict[str, set[str]] = {}
    assignments: list[tuple[str, str, Any, Any]] = []
    for statement in scope:
        for node in walk(statement):
            if node.type in FUNCTION_NODES or node.type in FUNCTION_VALUES:
                name_node = node.child_by_field_name("name")
                body = node.child_by_field_name("body")
                if name_node is not None and body is not None:
                    returns_of[text_of(name_node)] = {
                        text_of(r.named_children[0]) for r in body.named_children
                        if r.type == "return_statement" and r.named_children
                        and r.named_children[0].type == "identifier"}
            if node.type != "expression_statement" or not node.named_children or \
                    node.id in held:
                continue
            expr = node.named_children[0]
            if expr.type != "assignment_expression":
                continue
            left, right = expr.child_by_field_name("left"), expr.child_by_field_name("right")
            if left is None or right is None or left.type != "member_expression":
                continue
            if text_of(left) == "module.exports" and right.type == "identifier":
                # Inside a guard (`if (typeof module !== 'undefined') module.exports = x`):
                # x is still what require() returns.
                exported.add(text_of(right))
                continue
            obj, prop = left.child_by_field_name("object"), left.child_by_field_name("property")
            if obj is None or prop is None or obj.type not in ("identifier", "member_expression"):
                continue
            assignments.append((text_of(obj), text_of(prop), right, node))
    for _ in range(3):  # follow `mod = factory()` and `a = b` a few steps
        for name in list(exported):
            target = aliases.get(name, "")
            if target.endswith("()"):
                exported |= returns_of.get(target[:-2], set())
            elif target:
                exported.add(target)
    for obj, prop, right, statement in assignments:
        if obj not in exported or prop == "default" and obj == "module.exports":
            continue
        built = prototypes.iife_function(right)
        if right.type in FUNCTION_VALUES or right.type in CLASS_NODES:
            add(prop, right, statement, "cjs", prop)
        elif built is not None:  # `ipaddr.IPv4 = (function () { …; return IPv4; })()`
            add(prop, *built, "cjs", prop)
        elif right.type == "identifier":
            exports.append((text_of(right), "cjs", prop))


def _collect_object(value: Any, add: Any, exports: list[tuple[str, str, str]],
                    statement: Any) -> None:
    for prop in value.named_children:
        if prop.type == "shorthand_property_identifier":
            exports.append((text_of(prop), "cjs", text_of(prop)))
        elif prop.type == "pair":
            key = _property_name(prop.child_by_field_name("key"))
            val = prop.child_by_field_name("value")
            if val.type == "identifier":
                exports.append((text_of(val), "cjs", key))
            elif val.type in FUNCTION_VALUES or val.type in CLASS_NODES:
                add(key, val, statement, "cjs", key)
        elif prop.type == "method_definition":
            key = _property_name(prop.child_by_field_name("name"))
            add(key, prop, statement, "cjs", key)


def _collect_export(statement: Any, add: Any, exports: list[tuple[str, str, str]]) -> None:
    is_default = any(child.type == "default" for child in statement.children)
    declaration = statement.child_by_field_name("declaration")
    value = statement.child_by_field_name("value")
    if declaration is not None:
        if declaration.type in FUNCTION_NODES or declaration.type in CLASS_NODES:
            name_node = declaration.child_by_field_name("name")
            name = text_of(name_node) if name_node is not None else "default"
            add(name, declaration, statement, "default" if is_default else "named",
                "default" if is_default else name)
        elif declaration.type in ("lexical_declaration", "variable_declaration"):
            for name, fn in _function_declarators(declaration):
                add(name, fn, statement, "named", name)
        return
    if value is not None:
        if value.type == "identifier":
            exports.append((text_of(value), "default", "default"))
        elif value.type in FUNCTION_VALUES or value.type in CLASS_NODES:
            name_node = value.child_by_field_name("name")
            add(text_of(name_node) if name_node is not None else "default", value, statement,
                "default", "default")
        return
    if statement.child_by_field_name("source") is not None:
        return  # re-export from another module: tested where it is defined
    for clause in statement.named_children:
        if clause.type != "export_clause":
            continue
        for spec in clause.named_children:
            name = spec.child_by_field_name("name")
            alias = spec.child_by_field_name("alias")
            exported = text_of(alias or name)
            exports.append((text_of(name), "default" if exported == "default" else "named",
                            exported))


def _collect_commonjs(statement: Any, add: Any, exports: list[tuple[str, str, str]],
                      facts: _FileFacts) -> None:
    expr = statement.named_children[0] if statement.named_children else None
    if expr is None or expr.type != "assignment_expression":
        return
    left, right = expr.child_by_field_name("left"), expr.child_by_field_name("right")
    target = text_of(left)
    if target == "module.exports":
        if right.type == "object":
            _collect_object(right, add, exports, statement)
        elif text_of(right) in ("exports.default", "module.exports.default"):
            exports.append(("exports.default", "cjs-default", "default"))
        elif right.type == "identifier":
            exports.append((text_of(right), "cjs-default", "default"))
        elif right.type in FUNCTION_VALUES or right.type in CLASS_NODES:
            name_node = right.child_by_field_name("name")
            name = text_of(name_node) if name_node is not None else _stem_name(facts.rel_path)
            add(name, right, statement, "cjs-default", "default")
        elif (built := prototypes.iife_function(right)) is not None:
            add(text_of(built[0].child_by_field_name("name")) or _stem_name(facts.rel_path),
                *built, "cjs-default", "default")
        return
    match = re.fullmatch(r"(?:module\.)?exports\.([A-Za-z_$][\w$]*)", target)
    if match:
        key = match.group(1)
        if right.type == "identifier":
            exports.append((text_of(right), "cjs", key))
        elif right.type in FUNCTION_VALUES or right.type in CLASS_NODES:
            add(key, right, statement, "cjs", key)
        elif (built := prototypes.iife_function(right)) is not None:
            add(key, *built, "cjs", key)


def _function_declarators(declaration: Any) -> list[tuple[str, Any]]:
    found = []
    for declarator in declaration.named_children:
        if declarator.type != "variable_declarator":
            continue
        name, value = declarator.child_by_field_name("name"), declarator.child_by_field_name(
            "value")
        if name is None or value is None or name.type != "identifier":
            continue
        if value.type in FUNCTION_VALUES or value.type in CLASS_NODES:
            found.append((text_of(name), value))
        elif (built := prototypes.iife_function(value)) is not None:
            found.append((text_of(name), built[0]))  # `var Foo = (function () { … })()`
    return found


def _property_name(node: Any) -> str:
    text = text_of(node)
    return text[1:-1] if node is not None and node.type == "string" else text


def _stem_name(rel_path: str) -> str:
    stem = Path(rel_path).name.split(".")[0]
    parts = re.split(r"[^A-Za-z0-9]+", stem)
    name = parts[0] + "".join(p[:1].upper() + p[1:] for p in parts[1:]) if parts else "module"
    if not name or not re.match(r"[A-Za-z_$]", name):
        name = "subject"
    return name


# --------------------------------------------------------------------------- definitions


def _definitions_of(local: _Local, facts: _FileFacts) -> list[Definition]:
    exported = local.export is not None
    if local.kind != "class":
        return [_make(local, local.node, facts, name=local.name, qualname=local.name,
                      kind="function", exported=exported)]
    class_def = _make(local, local.node, facts, name=local.name, qualname=local.name,
                      kind="class", exported=exported)
    defs = [class_def]
    members: list[prototypes.Member] = []
    constructor = local.node  # a constructor function, or an ES class's `constructor`
    if local.node.type in CLASS_NODES:
        body = local.node.child_by_field_name("body")
        constructor = None
        for member in body.named_children if body is not None else ():
            if member.type != "method_definition":
                continue
            name = _method_name(member)
            if name == "constructor":
                constructor = member
                class_def.parameters = _parameters(member, facts, _jsdoc(member, facts.text))
            elif not _accessor(member):
                members.append(prototypes.Member(name, member, member, _is_static(member)))
        class_def.signature = (f"class {local.name}("
                               f"{', '.join(p.name for p in class_def.parameters)})")
    members += local.members
    ctor_params = class_def.parameters
    receiver = _receiver_facts(local, constructor, [p.name for p in ctor_params], members)
    class_def.details = {**class_def.details, "constructor": _params_dict(ctor_params),
                         "fields": receiver["fields"], "callable": receiver["callable"]}
    reads = {m.name: instances.reads(m.node) for m in members if not m.static}
    calls = {m.name: instances.self_calls(m.node) for m in members if not m.static}
    for member in members:
        name = member.name
        private = name.startswith("#") or any(
            c.type == "accessibility_modifier" and text_of(c) in ("private", "protected")
            for c in member.node.children)
        method = _make(local, member.node, facts, name=name, qualname=f"{local.name}.{name}",
                       kind="method", exported=exported, parent=local.name,
                       outer=member.holder)
        method.details = {**method.details, "static": member.static,
                          "constructor": _params_dict(ctor_params), **receiver,
                          "this_reads": _reads_through_calls(name, reads, calls),
                          "builds": member.static and instances.returns_new(
                              member.node, {"this", local.name, _own_name(local.node)})}
        if private and exported:
            method.testable, method.untestable_reason = False, PRIVATE_METHOD
            method.is_public = False
        defs.append(method)
    return defs


def _receiver_facts(local: _Local, constructor: Any, params: list[str],
                    members: list[prototypes.Member]) -> dict[str, Any]:
    """What the probe builds a method's receiver from: the fields the constructor keeps its
    parameters in, and whether it is also called without ``new``."""
    fields = instances.fields(constructor, params) if constructor is not None else {}
    callable_ = local.node.type not in CLASS_NODES and instances.returns_new(
        local.node, {local.name, _own_name(local.node)})
    return {"fields": fields, "callable": callable_}


def _reads_through_calls(name: str, reads: dict[str, dict[str, list[list[str]]]],
                         calls: dict[str, set[str]]) -> dict[str, list[list[str]]]:
    """What the method reads off its instance's fields, and the methods it calls on it
    (``charset`` calls ``this.charsets``, which reads ``this.request.headers[...]``)."""
    merged: dict[str, list[list[str]]] = {}
    todo, seen = [name], set()
    while todo:
        current = todo.pop(0)
        if current in seen or current not in reads:
            continue
        seen.add(current)
        for field_name, paths in reads[current].items():
            for path in paths:
                if path not in merged.setdefault(field_name, []):
                    merged[field_name].append(path)
        todo.extend(sorted(calls.get(current, ())))
    return merged


def _own_name(node: Any) -> str:
    return text_of(node.child_by_field_name("name")) if node is not None else ""


def _make(local: _Local, node: Any, facts: _FileFacts, *, name: str, qualname: str, kind: str,
          exported: bool, parent: str | None = None, outer: Any = None) -> Definition:
    """``outer``: what holds the definition, for its code, lines and JSDoc (default: the
    local's statement; a method's own node)."""
    text = facts.text
    if outer is None:
        outer = local.statement if kind != "method" else node
        if node.type in FUNCTION_NODES and node.id != outer.id and node.parent.id != outer.id:
            outer = node  # declared inside an IIFE the statement holds
    doc_node = outer
    doc = _jsdoc(doc_node, text)
    if doc is None and kind != "method" and node is not outer:
        doc = _jsdoc(node, text)
    params = _parameters(node, facts, doc) if node.type not in CLASS_NODES else ()
    code = text_of(outer)
    signature = _signature(node, outer, kind, name, params)
    returns = _returns(node, doc)
    body_literals = {k: list(v) for k, v in facts.literals_by_name.get(
        local.name, {}).items()} if kind != "method" else _literals(node)
    if not body_literals:
        body_literals = _literals(node)
    # Literals of same-file helpers the definition calls steer inputs into their branches.
    calls = tuple(sorted(set(_calls(node))))
    for callee in calls:
        for key, values in facts.literals_by_name.get(callee, {}).items():
            body_literals.setdefault(key, [])
            for v in values:
                if v not in body_literals[key] and len(body_literals[key]) < MAX_LITERALS:
                    body_literals[key].append(v)
    is_async = any(c.type == "async" for c in node.children)
    is_generator = node.type in ("generator_function_declaration", "generator_function") or any(
        c.type == "*" for c in node.children)
    definition = Definition(
        name=name, qualname=qualname, kind=kind, language="javascript", file=facts.rel_path,
        start_line=line_of(outer), end_line=end_line_of(outer), signature=signature,
        code=code,
        content_hash=hashlib.sha256((signature + "\n" + code).encode("utf-8")).hexdigest(),
        docstring=doc.description if doc else None, parameters=params, returns=returns,
        complexity=_complexity(node), parent=parent, is_async=is_async,
        is_public=exported and not name.startswith("_"), testable=exported,
        untestable_reason="" if exported else NOT_EXPORTED,
        imports=facts.imports, calls=calls,
        details={
            "export": local.export, "export_name": local.export_name,
            "module_kind": facts.kind, "dialect": facts.dialect,
            "generator": is_generator, "literals": body_literals,
            "examples": list(doc.examples) if doc else [],
            "param_props": _param_props(node, params, doc),
            "prop_values": _prop_values(node, params),
            "length_bounds": _length_bounds(node, params),
            "param_uses": _param_uses(node, params),
            "object_types": _types_for(params, facts.object_types),
        },
    )
    return definition


def _param_props(node: Any, params: tuple[Parameter, ...],
                 doc: "_JSDoc | None") -> dict[str, list[tuple[str, str]]]:
    """Option-object properties per parameter: JSDoc ``options.x`` entries, else the
    ``param.x`` reads in the body (``options.long`` → ``long``)."""
    props: dict[str, list[tuple[str, str]]] = {
        k: list(v) for k, v in (doc.param_props if doc else {}).items()}
    names = {p.name for p in params if re.fullmatch(r"[A-Za-z_$][\w$]*", p.name)}
    body = node.child_by_field_name("body")
    for child in walk(body) if body is not None else ():
        if child.type != "member_expression":
            continue
        obj, prop = child.child_by_field_name("object"), child.child_by_field_name("property")
        if obj is None or prop is None or obj.type != "identifier" or text_of(obj) not in names:
            continue
        if prop.type != "property_identifier" or text_of(prop) in BUILTIN_PROPS or \
                text_of(obj) in props and any(
                text_of(prop) == known for known, _ in props[text_of(obj)]):
            continue
        parent = child.parent
        callee = parent.child_by_field_name("function") if parent is not None and \
            parent.type == "call_expression" else None
        if callee is not None and callee.start_byte == child.start_byte and \
                callee.end_byte == child.end_byte:
            continue  # obj.method(): a method of the argument, not an option
        found = props.setdefault(text_of(obj), [])
        if len(found) < MAX_PROPS:
            found.append((text_of(prop), ""))
    return props


LITERAL_NODES = {"string", "number", "true", "false", "null"}
EQUALITY = {"===", "!==", "==", "!="}


def _prop_values(node: Any, params: tuple[Parameter, ...]) -> dict[str, dict[str, list[str]]]:
    """Literals the body compares an option with, per parameter and property, as source
    text: ``options.end !== false`` gives ``end: false``; the ``case`` values of a switch in
    ``if (opt.priority) { … switch … }`` give ``priority: 'low', 'medium', 'high'``. An
    option set to each reaches the branch the comparison guards."""
    names = {p.name for p in params if re.fullmatch(r"[A-Za-z_$][\w$]*", p.name)}
    found: dict[str, dict[str, list[str]]] = {}

    def add(param: str, prop: str, literal: Any) -> None:
        values = found.setdefault(param, {}).setdefault(prop, [])
        text = text_of(literal)
        if text not in values and len(values) < 6:
            values.append(text)

    body = node.child_by_field_name("body")
    for child in walk(body) if body is not None else ():
        if child.type != "member_expression":
            continue
        obj, prop = child.child_by_field_name("object"), child.child_by_field_name("property")
        if obj is None or prop is None or obj.type != "identifier" or \
                text_of(obj) not in names or prop.type != "property_identifier":
            continue
        param, name = text_of(obj), text_of(prop)
        parent = child.parent
        if parent is not None and parent.type == "binary_expression" and \
                text_of(parent.child_by_field_name("operator")) in EQUALITY:
            for side in (parent.child_by_field_name("left"),
                         parent.child_by_field_name("right")):
                if side is not None and side.type in LITERAL_NODES:
                    add(param, name, side)
        if parent is not None and parent.type == "parenthesized_expression" and \
                parent.parent is not None and parent.parent.type == "if_statement":
            consequence = parent.parent.child_by_field_name("consequence")
            for inner in walk(consequence) if consequence is not None else ():
                if inner.type == "switch_case":
                    value = inner.child_by_field_name("value")
                    if value is not None and value.type in LITERAL_NODES:
                        add(param, name, value)
    return found


ORDERING = {"<", "<=", ">", ">=", "===", "!==", "==", "!="}


def _length_bounds(node: Any, params: tuple[Parameter, ...]) -> dict[str, list[int]]:
    """Numbers the body compares a parameter's ``.length`` with, per parameter: directly
    (``str.length < 2``) or through a local holding it (``var len = str.length; … len > 4``).
    Inputs of that length and one more sit on either side of the comparison."""
    names = {p.name for p in params if re.fullmatch(r"[A-Za-z_$][\w$]*", p.name)}
    body = node.child_by_field_name("body")
    if body is None or not names:
        return {}

    def length_of(expr: Any) -> str | None:
        if expr is not None and expr.type == "member_expression":
            obj, prop = expr.child_by_field_name("object"), expr.child_by_field_name("property")
            if obj is not None and obj.type == "identifier" and text_of(obj) in names and \
                    text_of(prop) == "length":
                return text_of(obj)
        return None

    holders: dict[str, str] = {}  # local name -> the parameter whose length it holds
    for child in walk(body):
        if child.type == "variable_declarator":
            name, value = child.child_by_field_name("name"), child.child_by_field_name("value")
            owner = length_of(value)
            if owner and name is not None and name.type == "identifier":
                holders[text_of(name)] = owner
    found: dict[str, list[int]] = {}
    for child in walk(body):
        if child.type != "binary_expression" or \
                text_of(child.child_by_field_name("operator")) not in ORDERING:
            continue
        left, right = child.child_by_field_name("left"), child.child_by_field_name("right")
        for side, other in ((left, right), (right, left)):
            owner = length_of(side) or (holders.get(text_of(side)) if side is not None and
                                        side.type == "identifier" else None)
            if owner and other is not None and other.type == "number":
                try:
                    bound = int(float(text_of(other)))
                except ValueError:
                    continue
                values = found.setdefault(owner, [])
                if 0 <= bound <= 1024 and bound not in values and len(values) < 4:
                    values.append(bound)
    return found


def _method_name(member: Any) -> str:
    return _property_name(member.child_by_field_name("name"))


def _accessor(member: Any) -> str:
    for child in member.children:
        if child.type in ("get", "set"):
            return child.type
    return ""


def _is_static(member: Any) -> bool:
    return any(child.type == "static" for child in member.children)


def _signature(node: Any, outer: Any, kind: str, name: str,
               params: tuple[Parameter, ...]) -> str:
    body = node.child_by_field_name("body")
    if kind == "class" or body is None:
        start = outer.start_byte
        end = body.start_byte if body is not None else outer.end_byte
        return _squash(outer.text[: end - start].decode("utf-8", "replace"))
    head = outer.text[: body.start_byte - outer.start_byte]
    return _squash(head.decode("utf-8", "replace").rstrip().removesuffix("=>").rstrip())


def _squash(text: str) -> str:
    return " ".join(text.split()).rstrip("{ ").strip()


def _params_dict(params: tuple[Parameter, ...]) -> list[dict[str, Any]]:
    return [{"name": p.name, "annotation": p.annotation, "default": p.default, "kind": p.kind}
            for p in params]


def _parameters(node: Any, facts: _FileFacts, doc: "_JSDoc | None") -> tuple[Parameter, ...]:
    formal = node.child_by_field_name("parameters")
    if formal is None:
        single = node.child_by_field_name("parameter")  # `x => x`
        if single is not None:
            return (_with_doc(Parameter(text_of(single)), doc),)
        return ()
    params: list[Parameter] = []
    for child in formal.named_children:
        param = _parameter(child)
        if param is not None and param.name != "this":
            params.append(_with_doc(param, doc))
    return tuple(params)


def _parameter(node: Any) -> Parameter | None:
    kind = node.type
    if kind == "identifier":
        return Parameter(text_of(node))
    if kind == "assignment_pattern":
        return Parameter(text_of(node.child_by_field_name("left")),
                         default=text_of(node.child_by_field_name("right")))
    if kind == "rest_pattern":
        return Parameter(text_of(node).lstrip("."), kind="var_positional")
    if kind in ("object_pattern", "array_pattern"):
        return Parameter(text_of(node))
    if kind in ("required_parameter", "optional_parameter"):
        pattern = node.child_by_field_name("pattern")
        type_node = node.child_by_field_name("type")
        value = node.child_by_field_name("value")
        annotation = text_of(type_node).lstrip(":").strip() if type_node is not None else None
        default = text_of(value) if value is not None else None
        if kind == "optional_parameter" and default is None:
            default = "undefined"
        if pattern is not None and pattern.type == "rest_pattern":
            return Parameter(text_of(pattern).lstrip("."), annotation, default, "var_positional")
        return Parameter(text_of(pattern), annotation, default)
    if kind == "comment":
        return None
    return Parameter(text_of(node))


def _with_doc(param: Parameter, doc: "_JSDoc | None") -> Parameter:
    if doc is None:
        return param
    info = doc.params.get(param.name)
    if info is None:
        return param
    annotation = param.annotation or info[0]
    default = param.default if param.default is not None else info[1]
    return Parameter(param.name, annotation, default, param.kind)


def _returns(node: Any, doc: "_JSDoc | None") -> str | None:
    ret = node.child_by_field_name("return_type")
    if ret is not None:
        return text_of(ret).lstrip(":").strip()
    return doc.returns if doc else None


def _complexity(node: Any) -> int:
    count = 1
    for child in walk(node):
        if child.type in DECISION_NODES:
            count += 1
        elif child.type == "binary_expression":
            op = child.child_by_field_name("operator")
            if op is not None and op.type in DECISION_OPERATORS:
                count += 1
    return count


ARRAY_METHODS = {"map", "forEach", "filter", "reduce", "reduceRight", "some", "every", "find",
                 "findIndex", "findLast", "push", "pop", "shift", "unshift", "splice", "sort",
                 "reverse", "join", "flat", "flatMap"}
STRING_METHODS = {"toLowerCase", "toUpperCase", "toLocaleLowerCase", "toLocaleUpperCase",
                  "trim", "trimStart", "trimEnd", "split", "charAt", "charCodeAt",
                  "codePointAt", "replace", "replaceAll", "match", "matchAll", "startsWith",
                  "endsWith", "padStart", "padEnd", "normalize", "substring", "substr",
                  "localeCompare", "search"}


def _param_uses(node: Any, params: tuple[Parameter, ...]) -> dict[str, str]:
    """The kind of value the body treats an untyped parameter as: ``x.map(…)`` an array,
    ``x.trim()`` or ``PATTERN.test(x)`` a string. Only where every such use agrees."""
    names = {p.name for p in params if not p.annotation}
    seen: dict[str, set[str]] = {}
    for child in walk(node):
        if child.type != "call_expression":
            continue
        fn = child.child_by_field_name("function")
        if fn is None or fn.type != "member_expression":
            continue
        obj, prop = fn.child_by_field_name("object"), fn.child_by_field_name("property")
        if obj is None or prop is None:
            continue
        method = text_of(prop)
        if obj.type == "identifier" and text_of(obj) in names:
            kind = "array" if method in ARRAY_METHODS else \
                "string" if method in STRING_METHODS else None
            if kind:
                seen.setdefault(text_of(obj), set()).add(kind)
        elif obj.type == "regex" and method in ("test", "exec"):
            args = child.child_by_field_name("arguments")
            first = args.named_children[0] if args is not None and args.named_children \
                else None
            if first is not None and first.type == "identifier" and text_of(first) in names:
                seen.setdefault(text_of(first), set()).add("string")
    return {name: kinds.pop() for name, kinds in seen.items() if len(kinds) == 1}


def _calls(node: Any) -> list[str]:
    names = []
    for child in walk(node):
        if child.type in ("call_expression", "new_expression"):
            fn = child.child_by_field_name("function") or child.child_by_field_name(
                "constructor")
            if fn is None:
                continue
            if fn.type == "identifier":
                names.append(text_of(fn))
            elif fn.type == "member_expression":
                prop = fn.child_by_field_name("property")
                if prop is not None:
                    names.append(text_of(prop))
    return names


def _literals(node: Any) -> dict[str, list[Any]]:
    """String, number and regular-expression literals of a body: values the code compares
    its inputs with, and the patterns it matches them against."""
    strings: list[str] = []
    numbers: list[float] = []
    regexes: list[str] = []
    for child in walk(node):
        if child.type == "regex":
            pattern = child.child_by_field_name("pattern")
            if pattern is not None and text_of(pattern) not in regexes and \
                    len(regexes) < MAX_LITERALS:
                regexes.append(text_of(pattern))
        elif child.type == "string" and child.is_named:
            value = "".join(text_of(c) for c in child.named_children
                            if c.type in ("string_fragment", "escape_sequence"))
            if child.parent is not None and child.parent.type in (
                    "import_statement", "call_expression") and _is_require(child.parent):
                continue
            if value not in strings and len(value) <= 40 and len(strings) < MAX_LITERALS:
                strings.append(value)
        elif child.type == "number" and child.is_named:
            try:
                raw = text_of(child).replace("_", "")
                number = float(int(raw, 0)) if raw.lower().startswith(("0x", "0o", "0b")) \
                    else float(raw)
            except ValueError:
                continue
            if number not in numbers and len(numbers) < MAX_LITERALS:
                numbers.append(number)
    return {"strings": strings, "numbers": numbers, "regexes": regexes}


def _constant_literals(root: Any) -> dict[str, dict[str, list[Any]]]:
    """Literals (and object keys) of top-level non-function declarations, by name."""
    found: dict[str, dict[str, list[Any]]] = {}
    for statement in root.named_children:
        if statement.type == "export_statement":
            statement = statement.child_by_field_name("declaration") or statement
        if statement.type not in ("lexical_declaration", "variable_declaration"):
            continue
        for declarator in statement.named_children:
            if declarator.type != "variable_declarator":
                continue
            name, value = declarator.child_by_field_name("name"), \
                declarator.child_by_field_name("value")
            if name is None or value is None or value.type in FUNCTION_VALUES:
                continue
            literals = _literals(value)
            for child in walk(value):
                if child.type == "pair":
                    key = child.child_by_field_name("key")
                    if key is not None and key.type == "property_identifier" and \
                            text_of(key) not in literals["strings"]:
                        literals["strings"].append(text_of(key))
            found[text_of(name)] = literals
    return found


def _identifiers(node: Any) -> set[str]:
    return {text_of(child) for child in walk(node) if child.type == "identifier"}


def _is_require(node: Any) -> bool:
    fn = node.child_by_field_name("function")
    return fn is not None and text_of(fn) == "require"


def _imports(root: Any) -> tuple[str, ...]:
    found = []
    for statement in root.named_children:
        if statement.type == "import_statement":
            found.append(text_of(statement))
        elif statement.type in ("lexical_declaration", "variable_declaration") and \
                "require(" in text_of(statement):
            found.append(text_of(statement))
    return tuple(found)


def _object_types(root: Any) -> dict[str, list[tuple[str, str, bool]]]:
    """Object shapes declared in the file (interfaces, ``type X = {...}``), by name."""
    shapes: dict[str, list[tuple[str, str, bool]]] = {}
    for node in walk(root):
        if node.type == "interface_declaration":
            body = node.child_by_field_name("body")
        elif node.type == "type_alias_declaration":
            body = node.child_by_field_name("value")
            if body is None or body.type != "object_type":
                continue
        else:
            continue
        name = node.child_by_field_name("name")
        props = []
        for prop in body.named_children if body is not None else ():
            if prop.type != "property_signature":
                continue
            pname = prop.child_by_field_name("name")
            ptype = prop.child_by_field_name("type")
            optional = any(c.type == "?" for c in prop.children)
            props.append((text_of(pname), text_of(ptype).lstrip(":").strip()
                          if ptype is not None else "", optional))
        shapes[text_of(name)] = props
    return shapes


def _types_for(params: tuple[Parameter, ...],
               shapes: dict[str, list[tuple[str, str, bool]]]) -> dict[str, Any]:
    wanted = {}
    for param in params:
        for word in re.findall(r"[A-Za-z_$][\w$]*", param.annotation or ""):
            if word in shapes:
                wanted[word] = [list(p) for p in shapes[word]]
    return wanted


# --------------------------------------------------------------------------- JSDoc


@dataclass
class _JSDoc:
    description: str
    params: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    """name → (type, default)"""
    param_props: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    returns: str | None = None
    examples: list[str] = field(default_factory=list)


_TAG = re.compile(r"@(\w+)\s*(?:\{([^}]*)\})?\s*(.*)")


def _jsdoc(node: Any, text: str) -> _JSDoc | None:
    prev = node.prev_named_sibling if node is not None else None
    if prev is None or prev.type != "comment":
        return None
    raw = text_of(prev)
    if not raw.startswith("/**"):
        return None
    if node.start_point[0] - prev.end_point[0] > 2:  # at most one blank line between
        return None
    lines = [re.sub(r"^\s*\*\s?", "", line) for line in raw[3:-2].splitlines()]
    doc = _JSDoc(description="")
    description: list[str] = []
    current_tag: str | None = None
    example: list[str] = []
    for line in lines:
        match = _TAG.match(line.strip())
        if match:
            if current_tag == "example" and example:
                doc.examples.append("\n".join(example).strip())
                example = []
            tag, type_text, rest = match.groups()
            current_tag = tag
            if tag in ("param", "arg", "argument"):
                _add_param(doc, type_text, rest)
            elif tag in ("returns", "return"):
                doc.returns = type_text
            elif tag == "example" and rest.strip():
                example.append(rest)
            continue
        if current_tag == "example":
            example.append(line)
        elif current_tag is None:
            description.append(line)
    if current_tag == "example" and example:
        doc.examples.append("\n".join(example).strip())
    doc.description = "\n".join(description).strip()
    return doc


def _add_param(doc: _JSDoc, type_text: str | None, rest: str) -> None:
    match = re.match(r"(\[)?\s*([\w$.]+(?:\[\])?)\s*(?:=\s*([^\]]+))?\]?", rest)
    if not match:
        return
    optional, name, default = match.groups()
    if "." in name:
        base, prop = name.split(".", 1)
        doc.param_props.setdefault(base.rstrip("[]"), []).append((prop, type_text or ""))
        return
    if optional and default is None:
        default = "undefined"
    doc.params[name] = (type_text, default.strip() if default else None)
