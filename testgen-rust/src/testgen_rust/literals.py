"""Turn ``{:?}`` output back into Rust expressions a test can compare against.

``Debug`` output looks like Rust but is not always Rust: ``Money { cents: 5 }`` only compiles
when the fields are public, ``Err(Empty)`` needs its enum name, ``Some("x")`` is an
``Option<&str>`` and never equals an ``Option<String>``. The renderer is driven by the
expected type, and answers ``None`` when it cannot write an expression that compiles and
compares with ``PartialEq``; the caller then compares ``format!("{:?}", ..)`` instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .crate_index import CrateIndex
from .types import FLOATS, INTEGERS, Ty


@dataclass
class DValue:
    """A parsed Debug value."""

    kind: str
    """``num``, ``str``, ``char``, ``bool``, ``ident`` (with optional ``items``/``fields``),
    ``list``, ``tuple``, ``map``, ``set``."""
    text: str = ""
    items: list["DValue"] = field(default_factory=list)
    fields: list[tuple[str, "DValue"]] | None = None
    call: bool = False
    """``Name(...)`` (as opposed to a bare ``Name``)."""


def to_debug(value: DValue) -> str:
    """The value printed back the way ``{:?}`` prints it (single-line form)."""
    if value.kind in ("num", "str", "char", "bool"):
        return value.text
    if value.kind == "ident":
        if value.call:
            return f"{value.text}({', '.join(to_debug(v) for v in value.items)})"
        if value.fields is not None:
            if not value.fields:
                return f"{value.text}"
            inner = ", ".join(f"{n}: {to_debug(v)}" for n, v in value.fields)
            return f"{value.text} {{ {inner} }}"
        return value.text
    if value.kind == "list":
        return "[" + ", ".join(to_debug(v) for v in value.items) + "]"
    if value.kind == "tuple":
        inner = ", ".join(to_debug(v) for v in value.items)
        return f"({inner},)" if len(value.items) == 1 else f"({inner})"
    if value.kind == "map":
        return "{" + ", ".join(f"{to_debug(e.items[0])}: {to_debug(e.items[1])}"
                               for e in value.items) + "}"
    if value.kind == "set":
        return "{" + ", ".join(to_debug(v) for v in value.items) + "}"
    return value.text


class DebugSyntaxError(ValueError):
    pass


_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<str>"(?:[^"\\]|\\.)*")
  | (?P<char>'(?:[^'\\]|\\(?:u\{[0-9a-fA-F]+\}|.))')
  | (?P<num>-?(?:\d[\d_]*(?:\.\d+)?(?:e[-+]?\d+)?|inf|NaN)(?![\w.]))
  | (?P<ident>[A-Za-z_][\w]*(?:::[A-Za-z_]\w*)*)
  | (?P<punct>[()\[\]{},:])
""", re.X)


def _tokens(text: str) -> list[tuple[str, str]]:
    pos, found = 0, []
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            raise DebugSyntaxError(f"unexpected {text[pos:pos + 10]!r}")
        kind = match.lastgroup
        if kind != "ws":
            found.append((kind, match.group(kind)))
        pos = match.end()
    return found


def parse_debug(text: str) -> DValue:
    tokens = _tokens(text)
    value, pos = _parse(tokens, 0)
    if pos != len(tokens):
        raise DebugSyntaxError("trailing text")
    return value


def _expect(tokens, pos, punct):
    if pos >= len(tokens) or tokens[pos] != ("punct", punct):
        raise DebugSyntaxError(f"expected {punct!r}")
    return pos + 1


def _sequence(tokens, pos, close):
    items = []
    while True:
        if pos < len(tokens) and tokens[pos] == ("punct", close):
            return items, pos + 1
        item, pos = _parse(tokens, pos)
        items.append(item)
        if pos < len(tokens) and tokens[pos] == ("punct", ","):
            pos += 1
        elif pos < len(tokens) and tokens[pos] == ("punct", close):
            continue
        else:
            raise DebugSyntaxError("expected , or " + close)


def _parse(tokens, pos) -> tuple[DValue, int]:
    if pos >= len(tokens):
        raise DebugSyntaxError("unexpected end")
    kind, text = tokens[pos]
    if kind in ("str", "char", "num"):
        return DValue(kind, text), pos + 1
    if kind == "ident":
        if text in ("true", "false"):
            return DValue("bool", text), pos + 1
        nxt = tokens[pos + 1] if pos + 1 < len(tokens) else None
        if nxt == ("punct", "("):
            items, pos = _sequence(tokens, pos + 2, ")")
            return DValue("ident", text, items=items, call=True), pos
        if nxt == ("punct", "{"):
            fields, pos = _fields(tokens, pos + 2)
            return DValue("ident", text, fields=fields), pos
        return DValue("ident", text), pos + 1
    if text == "[":
        items, pos = _sequence(tokens, pos + 1, "]")
        return DValue("list", items=items), pos
    if text == "(":
        items, pos = _sequence(tokens, pos + 1, ")")
        return DValue("tuple", items=items), pos
    if text == "{":
        # a map `{k: v}` or a set `{a, b}`
        if pos + 1 < len(tokens) and tokens[pos + 1] == ("punct", "}"):
            return DValue("map"), pos + 2
        entries, items, pos = [], [], pos + 1
        while True:
            key, pos = _parse(tokens, pos)
            if pos < len(tokens) and tokens[pos] == ("punct", ":"):
                value, pos = _parse(tokens, pos + 1)
                entries.append(DValue("tuple", items=[key, value]))
            else:
                items.append(key)
            if pos < len(tokens) and tokens[pos] == ("punct", ","):
                pos += 1
                if pos < len(tokens) and tokens[pos] == ("punct", "}"):
                    return _map_or_set(entries, items), pos + 1
                continue
            pos = _expect(tokens, pos, "}")
            return _map_or_set(entries, items), pos
    raise DebugSyntaxError(f"unexpected {text!r}")


def _map_or_set(entries, items) -> DValue:
    return DValue("map", items=entries) if entries else DValue("set", items=items)


def _fields(tokens, pos):
    fields = []
    while True:
        if pos < len(tokens) and tokens[pos] == ("punct", "}"):
            return fields, pos + 1
        if pos < len(tokens) and tokens[pos][0] == "ident" and tokens[pos][1] == "..":
            pos += 1
            continue
        if pos >= len(tokens) or tokens[pos][0] != "ident":
            raise DebugSyntaxError("expected a field name")
        name = tokens[pos][1]
        pos = _expect(tokens, pos + 1, ":")
        value, pos = _parse(tokens, pos)
        fields.append((name, value))
        if pos < len(tokens) and tokens[pos] == ("punct", ","):
            pos += 1


# --------------------------------------------------------------------------- rendering


@dataclass
class Rendered:
    expr: str
    imports: tuple[str, ...] = ()


class LiteralRenderer:
    """Render Debug values as Rust expressions of a given type."""

    def __init__(self, index: CrateIndex | None = None,
                 constructors: dict[str, list[tuple[re.Pattern, str, tuple[str, ...]]]] | None
                 = None) -> None:
        self.index = index
        self.constructors = constructors or {}
        """Type name → (regex over Debug output, expression template): learnt from probes
        that built a value with a one-argument constructor and printed it."""

    def render(self, debug: str, ty: Ty, exact: bool = False, avoid: str = ""
               ) -> Rendered | None:
        """``avoid``: a call prefix (``Money::new(``) whose learnt constructor must not be
        used, so a constructor's own test never compares it with itself."""
        self.avoid = avoid
        return self._render_top(debug, ty, exact)

    def _render_top(self, debug: str, ty: Ty, exact: bool) -> Rendered | None:
        try:
            value = parse_debug(debug)
        except DebugSyntaxError:
            return self._from_constructor(debug, ty)
        imports: list[str] = []
        try:
            expr = self._render(value, ty, exact, imports, debug)
        except _CannotRender:
            return None
        return Rendered(expr, tuple(dict.fromkeys(imports)))

    # The recursion raises _CannotRender for anything it cannot write as a literal.
    def _render(self, value: DValue, ty: Ty, exact: bool, imports: list[str],
                raw: str | None = None) -> str:
        kind = ty.kind
        if kind == "ref":
            inner = ty.inner
            if inner.kind == "prim" and inner.name == "str":
                return self._string(value)
            if inner.kind == "slice":
                items = [self._render(v, inner.inner, exact, imports) for v in
                         self._list(value)]
                if not items:
                    return f"&[] as &[{inner.inner.render()}]"
                return "&[" + ", ".join(items) + "]"
            return "&" + self._render(value, inner, exact, imports, raw)
        if kind == "prim":
            return self._primitive(value, ty.name)
        if kind == "unit":
            if value.kind == "tuple" and not value.items:
                return "()"
            raise _CannotRender
        if kind == "tuple":
            if value.kind != "tuple" or len(value.items) != len(ty.args):
                raise _CannotRender
            parts = [self._render(v, t, True, imports) for v, t in zip(value.items, ty.args)]
            return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"
        if kind == "array":
            items = [self._render(v, ty.inner, True, imports) for v in self._list(value)]
            return "[" + ", ".join(items) + "]"
        if kind == "path":
            return self._path(value, ty, exact, imports, raw)
        raise _CannotRender

    def _list(self, value: DValue) -> list[DValue]:
        if value.kind != "list":
            raise _CannotRender
        return value.items

    def _string(self, value: DValue) -> str:
        if value.kind != "str":
            raise _CannotRender
        return value.text

    def _primitive(self, value: DValue, name: str) -> str:
        if name in INTEGERS:
            if value.kind != "num" or not re.fullmatch(r"-?\d+", value.text):
                raise _CannotRender
            if value.text.startswith("-") and name.startswith("u"):
                raise _CannotRender
            return value.text
        if name in FLOATS:
            if value.kind != "num":
                raise _CannotRender
            if value.text == "NaN":
                raise _CannotRender  # NaN != NaN: the caller checks is_nan()
            if value.text in ("inf", "-inf"):
                return ("-" if value.text[0] == "-" else "") + f"{name}::INFINITY"
            text = value.text
            if not re.search(r"[.e]", text):
                text += ".0"
            return text
        if name == "bool" and value.kind == "bool":
            return value.text
        if name == "char" and value.kind == "char":
            return value.text
        if name == "str" and value.kind == "str":
            return value.text
        raise _CannotRender

    def _path(self, value: DValue, ty: Ty, exact: bool, imports: list[str],
              raw: str | None) -> str:
        name, args = ty.name, ty.args
        if name == "String":
            text = self._string(value)
            return f"String::from({text})" if exact else text
        if name == "Cow" and args and args[-1].kind == "prim" and args[-1].name == "str":
            text = self._string(value)
            if exact:
                imports.append("use std::borrow::Cow;")
                return f"Cow::Borrowed({text})"
            return text
        if name in ("Vec", "VecDeque") and args:
            items = [self._render(v, args[0], exact and name != "Vec", imports)
                     for v in self._list(value)]
            if name == "VecDeque":
                imports.append("use std::collections::VecDeque;")
                return f"VecDeque::from(vec![{', '.join(items)}])"
            if exact and args[0].kind == "path" and args[0].name == "String":
                items = [self._render(v, args[0], True, imports) for v in self._list(value)]
            if not items:
                return f"Vec::<{args[0].render()}>::new()"
            return "vec![" + ", ".join(items) + "]"
        if name == "Option" and args:
            if value.kind == "ident" and value.text == "None" and not value.call:
                return "None"
            if value.kind == "ident" and value.text == "Some" and len(value.items) == 1:
                return f"Some({self._render(value.items[0], args[0], True, imports)})"
            raise _CannotRender
        if name == "Result" and args:
            if value.kind == "ident" and value.call and len(value.items) == 1:
                if value.text == "Ok":
                    return f"Ok({self._render(value.items[0], args[0], True, imports)})"
                if value.text == "Err" and len(args) > 1:
                    return f"Err({self._render(value.items[0], args[1], True, imports)})"
            raise _CannotRender
        if name in ("Box", "Rc", "Arc") and args:
            inner = self._render(value, args[0], True, imports)
            if name != "Box":
                imports.append(f"use std::{'rc' if name == 'Rc' else 'sync'}::{name};")
            return f"{name}::new({inner})"
        if name in INTEGERS + FLOATS + ("bool", "char"):
            return self._primitive(value, name)
        if name == "Ordering" and not args and value.kind == "ident" and not value.call and \
                value.text in ("Less", "Equal", "Greater") and (
                    self.index is None or self.index.type_info("Ordering") is None):
            imports.append("use std::cmp::Ordering;")
            return f"Ordering::{value.text}"
        if name in ("BTreeMap", "HashMap") and len(args) == 2 and value.kind == "map":
            pairs = [f"({self._render(e.items[0], args[0], True, imports)}, "
                     f"{self._render(e.items[1], args[1], True, imports)})" for e in value.items]
            imports.append(f"use std::collections::{name};")
            return f"{name}::from([{', '.join(pairs)}])"
        if name in ("BTreeSet", "HashSet") and args and value.kind == "set":
            items = [self._render(v, args[0], True, imports) for v in value.items]
            imports.append(f"use std::collections::{name};")
            return f"{name}::from([{', '.join(items)}])"
        return self._crate_value(value, ty, imports, raw)

    def _crate_value(self, value: DValue, ty: Ty, imports: list[str], raw: str | None) -> str:
        learnt = self._from_constructor(raw if raw is not None else to_debug(value), ty)
        if learnt is not None:
            imports.extend(learnt.imports)
            return learnt.expr
        if self.index is None:
            raise _CannotRender
        info = self.index.type_info(ty.name)
        if info is None or info.generics:
            raise _CannotRender
        path = self.index.type_path(info)
        if path is None:
            raise _CannotRender
        import_line = f"use {path};"
        if info.kind == "enum" and value.kind == "ident":
            variant = next((v for v in info.variants if v[0] == value.text), None)
            if variant is None:
                raise _CannotRender
            vname, vkind, fields = variant
            imports.append(import_line)
            if vkind == "unit" and not value.call and value.fields is None:
                return f"{info.name}::{vname}"
            if vkind == "tuple" and value.call and len(value.items) == len(fields):
                parts = [self._render(v, t, True, imports)
                         for v, (_, t) in zip(value.items, fields)]
                return f"{info.name}::{vname}({', '.join(parts)})"
            if vkind == "struct" and value.fields is not None:
                types = dict(fields)
                parts = [f"{n}: {self._render(v, types[n], True, imports)}"
                         for n, v in value.fields if n in types]
                if len(parts) != len(fields):
                    raise _CannotRender
                return f"{info.name}::{vname} {{ {', '.join(parts)} }}"
            raise _CannotRender
        if info.kind == "struct" and value.kind == "ident" and value.text == info.name:
            if info.non_exhaustive:
                raise _CannotRender
            if info.unit and not value.call and value.fields is None:
                imports.append(import_line)
                return info.name
            if value.fields is not None and info.fields and all(p for _, _, p in info.fields):
                types = {n: t for n, t, _ in info.fields}
                parts = [f"{n}: {self._render(v, types[n], True, imports)}"
                         for n, v in value.fields if n in types]
                if len(parts) != len(info.fields):
                    raise _CannotRender
                imports.append(import_line)
                return f"{info.name} {{ {', '.join(parts)} }}"
            if value.call and info.tuple_fields and all(p for _, p in info.tuple_fields):
                parts = [self._render(v, t, True, imports)
                         for v, (t, _) in zip(value.items, info.tuple_fields)]
                imports.append(import_line)
                return f"{info.name}({', '.join(parts)})"
        raise _CannotRender

    def _from_constructor(self, debug: str | None, ty: Ty) -> Rendered | None:
        if debug is None:
            return None
        for pattern, template, imports in self.constructors.get(ty.name, []):
            if getattr(self, "avoid", "") and template.startswith(self.avoid):
                continue
            match = pattern.fullmatch(debug)
            if match:
                return Rendered(template.format(match.group(1)), imports)
        return None


class _CannotRender(Exception):
    pass


def learn_constructor(expr: str, debug: str, imports: tuple[str, ...]
                      ) -> tuple[str, tuple[re.Pattern, str, tuple[str, ...]]] | None:
    """From ``Money::new(1250)`` printing ``Money { cents: 1250 }``, learn to write any
    ``Money { cents: N }`` as ``Money::new(N)``."""
    match = re.fullmatch(r"(\w+)::(\w+)\((-?\d+|\"[^\"\\]*\")\)", expr)
    if not match:
        return None
    type_name, _, argument = match.groups()
    if debug.count(argument) != 1 or not debug.startswith(type_name):
        return None
    before, after = debug.split(argument)
    group = r"(-?\d+)" if argument[0] != '"' else r'("[^"\\]*")'
    pattern = re.compile(re.escape(before) + group + re.escape(after))
    template = expr.replace(argument, "{}", 1)
    return type_name, (pattern, template, imports)


def is_nan(debug: str | None) -> bool:
    return debug == "NaN"


def describe(value: Any) -> str:
    return repr(value)
