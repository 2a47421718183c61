"""Classes written before ``class``: a constructor function, and the functions a file assigns
to its prototype or onto the constructor itself.

Packages written before ES classes, CoffeeScript's output and TypeScript's ES5 output build
their classes so::

    function Negotiator(request) { this.request = request; }
    Negotiator.prototype.charset = function charset(available) { ... };
    Foo.prototype = { bar: function () { ... }, baz() { ... } };
    Foo.prototype.qux = qux;                          // a function declared beside it
    ipaddr.IPv4 = (function () {                      // a class built inside an IIFE
      function IPv4(octets) { ... }
      IPv4.prototype.kind = function () { ... };
      return IPv4;
    })();
    ipaddr.IPv4.parse = function (string) { ... };    // a static, outside the IIFE

The owner of ``X.prototype.name`` is the function named ``X`` in the scope the assignment is
in (or an outer one); a member expression (``ipaddr.IPv4``) names the constructor an
assignment stored in it. A function with at least one prototype member is a constructor;
the functions assigned onto it (``IPv4.parse``) are its statics.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .syntax import text_of, walk

FUNCTIONS = {"function_declaration", "generator_function_declaration", "function_expression",
             "function", "generator_function"}
"""What can be a constructor or a method (an arrow function has no ``this`` of its own)."""
DECLARATIONS = {"function_declaration", "generator_function_declaration", "class_declaration"}
SCOPES = {"program", "statement_block"}


@dataclass
class Member:
    """A function the file assigns to a constructor's prototype (a method) or onto it."""

    name: str
    node: Any
    """The function (or ``method_definition`` of a prototype object)."""
    holder: Any
    """What holds it, for its code, lines and JSDoc: the assignment statement, the property
    of a prototype object, or the declaration of a function assigned by name."""
    static: bool


@dataclass
class Constructor:
    node: Any
    """The constructor function (or an ES class the file adds prototype methods to)."""
    holder: Any
    """Its declaration: where its code, lines and JSDoc are."""
    members: list[Member] = field(default_factory=list)

    @property
    def name(self) -> str:
        return text_of(self.node.child_by_field_name("name"))

    def add(self, member: Member) -> None:
        """The first assignment of a name wins; ``constructor`` is not a method."""
        if member.name == "constructor" or member.node.id == self.node.id or any(
                m.name == member.name and m.static == member.static for m in self.members):
            return
        self.members.append(member)


def constructors(scope: list[Any]) -> list[Constructor]:
    """The constructors of the statements in ``scope`` (at any depth), in source order, each
    with its methods and statics."""
    assignments = []  # (targets, value, statement) of every assignment statement
    for statement in scope:
        for node in walk(statement):
            chain = _assignment(node)
            if chain is not None:
                assignments.append((*chain, node))
    lookup = _Lookup()
    stored: dict[str, tuple[Any, Any]] = {}  # `ipaddr.IPv4` -> the constructor it holds
    for targets, value, statement in assignments:
        found = iife_function(value) or (
            lookup.find(text_of(value), statement) if value.type == "identifier" else None)
        for target in targets if found is not None else ():
            if target.type == "member_expression":
                stored.setdefault(text_of(target), found)

    def owner(node: Any, at: Any) -> tuple[Any, Any] | None:
        if node.type == "identifier":
            return lookup.find(text_of(node), at)
        return stored.get(text_of(node)) if node.type == "member_expression" else None

    found: dict[int, Constructor] = {}
    statics: list[tuple[Any, str, Any, Any]] = []
    for targets, value, statement in assignments:
        for target in targets:
            if target.type != "member_expression":
                continue
            obj, prop = target.child_by_field_name("object"), target.child_by_field_name(
                "property")
            if obj is None or prop is None:
                continue
            members: list[Member] = []
            if text_of(prop) == "prototype":  # `Foo.prototype = { bar: function () {} }`
                ctor = owner(obj, statement)
                if value.type == "object":
                    members = _object_members(value, lookup)
            elif obj.type == "member_expression" and text_of(
                    obj.child_by_field_name("property")) == "prototype":
                ctor = owner(obj.child_by_field_name("object"), statement)
                function = _function_value(value, statement, lookup)
                if function is not None:
                    members = [Member(text_of(prop), *function, False)]
            else:
                statics.append((obj, text_of(prop), value, statement))
                continue
            if ctor is not None and ctor[0].type in FUNCTIONS | {"class_declaration"}:
                for member in members:
                    found.setdefault(ctor[0].id, Constructor(*ctor)).add(member)
    for obj, name, value, statement in statics:
        ctor = owner(obj, statement)
        function = _function_value(value, statement, lookup)
        if ctor is not None and ctor[0].id in found and function is not None:
            found[ctor[0].id].add(Member(name, *function, True))
    return sorted(found.values(), key=lambda c: c.node.start_byte)


def held(ctors: list[Constructor]) -> set[int]:
    """Ids of the assignment statements that hold a member of one of ``ctors``."""
    return {m.holder.id for c in ctors for m in c.members
            if m.holder.type == "expression_statement"}


def iife_function(value: Any) -> tuple[Any, Any] | None:
    """The function an immediately invoked function returns, when it is declared in that
    function's body (``(function () { function IPv4() {…} …; return IPv4; })()``): the
    function and its declaration."""
    call = _unwrap(value)
    if call is None or call.type != "call_expression":
        return None
    callee = _unwrap(call.child_by_field_name("function"))
    if callee is None or callee.type not in FUNCTIONS | {"arrow_function"}:
        return None
    body = callee.child_by_field_name("body")
    if body is None or body.type != "statement_block":
        return None
    returned = [s.named_children[0] for s in body.named_children
                if s.type == "return_statement" and s.named_children]
    if not returned or returned[-1].type != "identifier":
        return None
    return _Lookup().declared(body).get(text_of(returned[-1]))


def _unwrap(node: Any) -> Any:
    while node is not None and node.type == "parenthesized_expression":
        node = node.named_children[0] if node.named_children else None
    return node


def _assignment(node: Any) -> tuple[list[Any], Any] | None:
    """``(targets, value)`` of an assignment statement; ``a = b = f`` has two targets."""
    if node.type != "expression_statement" or not node.named_children or \
            node.named_children[0].type != "assignment_expression":
        return None
    expr = node.named_children[0]
    targets = []
    while expr is not None and expr.type == "assignment_expression":
        targets.append(expr.child_by_field_name("left"))
        expr = expr.child_by_field_name("right")
    if expr is None or any(t is None for t in targets):
        return None
    return targets, expr


def _function_value(value: Any, statement: Any, lookup: "_Lookup") -> tuple[Any, Any] | None:
    """The function ``value`` is, and what holds it: a function written there, or one
    declared by that name (``Foo.prototype.baz = baz``)."""
    if value.type in FUNCTIONS:
        return value, statement
    if value.type == "identifier":
        found = lookup.find(text_of(value), statement)
        if found is not None and found[0].type in FUNCTIONS:
            return found
    return None


def _object_members(value: Any, lookup: "_Lookup") -> list[Member]:
    members = []
    for prop in value.named_children:
        if prop.type == "method_definition":
            if not any(c.type in ("get", "set") for c in prop.children):
                members.append(Member(_key(prop.child_by_field_name("name")), prop, prop, False))
        elif prop.type == "pair":
            function = _function_value(prop.child_by_field_name("value"), prop, lookup)
            if function is not None:
                members.append(Member(_key(prop.child_by_field_name("key")), *function, False))
    return members


def _key(node: Any) -> str:
    text = text_of(node)
    return text[1:-1] if node is not None and node.type == "string" else text


class _Lookup:
    """Functions and classes by name in each scope, found from a node outwards."""

    def __init__(self) -> None:
        self._scopes: dict[int, dict[str, tuple[Any, Any]]] = {}

    def find(self, name: str, at: Any) -> tuple[Any, Any] | None:
        node = at
        while node is not None:
            if node.type in SCOPES:
                found = self.declared(node).get(name)
                if found is not None:
                    return found
            node = node.parent
        return None

    def declared(self, scope: Any) -> dict[str, tuple[Any, Any]]:
        """``name -> (function, declaration)`` of the functions and classes ``scope``
        declares directly: ``function f``, ``class C``, ``var f = function …`` and
        ``var C = (function () { …; return C; })()``."""
        if scope.id in self._scopes:
            return self._scopes[scope.id]
        names: dict[str, tuple[Any, Any]] = {}
        for statement in scope.named_children:
            if statement.type == "export_statement":  # `export function Addr(parts) {…}`
                statement = statement.child_by_field_name("declaration") or statement
            if statement.type in DECLARATIONS:
                name = statement.child_by_field_name("name")
                if name is not None:
                    names.setdefault(text_of(name), (statement, statement))
            elif statement.type in ("lexical_declaration", "variable_declaration"):
                for declarator in statement.named_children:
                    name = declarator.child_by_field_name("name")
                    value = declarator.child_by_field_name("value")
                    if declarator.type != "variable_declarator" or name is None or \
                            value is None or name.type != "identifier":
                        continue
                    if value.type in FUNCTIONS:
                        names.setdefault(text_of(name), (value, statement))
                    elif (inner := iife_function(value)) is not None:
                        names.setdefault(text_of(name), inner)
        self._scopes[scope.id] = names
        return names
