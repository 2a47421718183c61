"""What a class's methods need of the instance they are called on, read from the source.

* the fields the constructor keeps its parameters in (``this.request = request``);
* the properties a method reads through them (``this.request.headers['accept-charset']``
  reads ``headers``, then ``accept-charset``, of what ``request`` was);
* the methods of the same instance it calls (``this.charsets(available)``), whose reads are
  its reads too;
* whether a function returns a new instance: a static factory (``return new this(parts)``),
  or the constructor itself when called without ``new``
  (``if (!(this instanceof Negotiator)) return new Negotiator(request)``).

The probe builds the receivers of methods from these (:mod:`.receivers`).
"""

from __future__ import annotations

from typing import Any

from .syntax import text_of, walk

NOT_DATA = {"length", "constructor", "prototype", "size", "toString", "valueOf"}
"""Reads that are about the value itself, not a property an input must have."""


def fields(constructor: Any, params: list[str]) -> dict[str, str]:
    """``field -> parameter`` for every ``this.field = parameter`` in the constructor."""
    found: dict[str, str] = {}
    for node in walk(_body(constructor)):
        if node.type != "assignment_expression":
            continue
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        name = _this_field(left)
        if name and right is not None and right.type == "identifier" and \
                text_of(right) in params:
            found.setdefault(name, text_of(right))
    return found


def reads(method: Any) -> dict[str, list[list[str]]]:
    """``field -> paths``: the keys read, in order, off each field of ``this``
    (``this.request.headers.accept`` gives ``request: [['headers', 'accept']]``). A key
    called as a method (``this.octets.join('.')``) or about the value itself (``.length``)
    ends the path before it."""
    found: dict[str, list[list[str]]] = {}
    for node in walk(_body(method)):
        name = _this_field(node)
        if not name:
            continue
        path: list[str] = []
        current = node
        while (key := _key_read(current)) is not None:
            path.append(key)
            current = current.parent
        parent = current.parent
        if path and parent is not None and parent.type == "call_expression" and \
                parent.child_by_field_name("function") == current:
            path.pop()  # `this.request.get('x')`: a method of the value
        while path and path[-1] in NOT_DATA:
            path.pop()
        if path and path not in found.setdefault(name, []):
            found[name].append(path)
    return {name: paths for name, paths in found.items() if paths}


def self_calls(method: Any) -> set[str]:
    """Names of the methods ``method`` calls on ``this``."""
    called = set()
    for node in walk(_body(method)):
        if node.type == "call_expression":
            name = _this_field(node.child_by_field_name("function"))
            if name:
                called.add(name)
    return called


def returns_new(function: Any, names: set[str]) -> bool:
    """``function`` returns ``new X(...)`` for one of ``names`` (``this`` in a static is the
    class itself)."""
    for node in walk(_body(function)):
        if node.type == "return_statement" and node.named_children:
            value = node.named_children[0]
            while value.type == "parenthesized_expression" and value.named_children:
                value = value.named_children[0]
            if value.type == "new_expression" and text_of(
                    value.child_by_field_name("constructor")) in names:
                return True
    return False


def _body(function: Any) -> Any:
    body = function.child_by_field_name("body") if function is not None else None
    return body if body is not None else function


def _this_field(node: Any) -> str:
    """``field`` when ``node`` is ``this.field``."""
    if node is None or node.type != "member_expression":
        return ""
    obj, prop = node.child_by_field_name("object"), node.child_by_field_name("property")
    if obj is None or obj.type != "this" or prop is None or prop.type != "property_identifier":
        return ""
    return text_of(prop)


def _key_read(node: Any) -> str | None:
    """The key ``node``'s parent reads off it: ``node.key`` or ``node['key']``."""
    parent = node.parent
    if parent is None or parent.child_by_field_name("object") != node:
        return None
    if parent.type == "member_expression":
        prop = parent.child_by_field_name("property")
        return text_of(prop) if prop is not None and prop.type == "property_identifier" \
            else None
    if parent.type == "subscript_expression":
        index = parent.child_by_field_name("index")
        if index is not None and index.type == "string":
            return "".join(text_of(c) for c in index.named_children
                           if c.type in ("string_fragment", "escape_sequence"))
    return None
