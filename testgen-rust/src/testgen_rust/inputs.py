"""Input values for probes, per Rust type: typical values, boundaries, literals, defaults.

Every value is a Rust expression a test can paste verbatim (``"héllo"``, ``&[1, 2, 3]``,
``Money::new(1250)``), tagged with where it came from. Types the engine cannot build raise
:class:`Unsupported` with a reason that ends up in the probe's ``skipped`` record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Iterable

from testgen.kit.shapes import shaped_strings

from .crate_index import CrateIndex, TypeInfo
from .offline import rust_string
from .types import FLOATS, INTEGERS, Ty, parse_type

MAX_DEPTH = 3
MAX_DISPLAYED = 12
MAX_UNITS = 24
MAX_LENGTHS = 3
MAX_LENGTH = 32

STRINGS: tuple[tuple[str, str], ...] = (
    ('"hello"', "typical"), ('""', "boundary"), ('"Hello, World!"', "typical"),
    ('"a"', "boundary"), ('"12"', "typical"), ('"-7"', "typical"), ('"3.14"', "typical"),
    ('" padded  text "', "typical"), ('"héllo wörld"', "typical"), ('"snake_case_name"', "typical"),
    ('"0"', "boundary"), ('"a\\"quoted\\" word"', "typical"), ('"tab\\tand\\nnewline"', "typical"),
    ('"ALL CAPS"', "typical"), ('"1,250.00"', "typical"), ('"abc"', "typical"),
    ("\"it's 'single' quoted\"", "typical"), ('"back\\\\slash"', "typical"),
    ('"key=value&x=1"', "typical"), ('"unterminated \\"quote"', "invalid"),
)
CHARS = (("'a'", "typical"), ("'Z'", "typical"), ("'7'", "typical"), ("' '", "boundary"),
         ("'é'", "typical"), ("'\\n'", "boundary"), ("'-'", "typical"))
WRITE_TRAITS = {"Write"}
STRINGISH_BOUNDS = {"AsRef", "Into", "ToString", "Display", "Borrow", "Debug", "Clone",
                    "PartialEq", "Eq", "Hash", "Ord", "PartialOrd", "Send", "Sync", "Sized",
                    "Copy", "Default", "ToOwned", "Pattern"}


class Unsupported(Exception):
    """A type the probe cannot construct; the message says which and why."""


@dataclass(frozen=True)
class Value:
    expr: str
    category: str = "typical"
    imports: tuple[str, ...] = ()
    binding: str | None = None
    """For ``&mut`` arguments: the owned value to bind to a ``let mut``; ``expr`` then
    holds ``&mut {}`` with a placeholder for the variable name."""
    source: str | None = None
    """For a string made by the crate itself: the expression of the value whose ``Display``
    text it is (``ByteSize::kb(1)``), or of the call that returned it (``hex::encode(..)``);
    the harness makes it, and a test gets the literal."""
    round_trip: bool = False
    """The string is the ``Display`` text of ``source``: what the parser gives back is
    compared with ``source``."""


class ValueFactory:
    """Builds values for the types of one crate, using its index for crate-local types."""

    def __init__(self, index: CrateIndex | None, literals: dict[str, list[str]] | None = None,
                 near: tuple[str, ...] = (), names: Iterable[str] = (),
                 units: Iterable[str] = (), lengths: Iterable[int] = ()) -> None:
        self.index = index
        self.lengths = tuple(lengths)
        """Numbers the code compares a ``.len()`` with: strings and slices of that length
        and one more sit on both sides of the check."""
        self.units = tuple(units)
        """Words a parser reads after a number (``kb``, ``ms``): ``"1 kb"`` reaches them."""
        self.literals = literals or {}
        self.near = near
        self.shapes = tuple(rust_string(text) for text in shaped_strings(*names))
        """Rust literals of the strings shaped like what the code's names say it reads (the
        function's, its type's, its parameters', the crate's: a ``parse_version`` gets
        versions): they reach the paths past a parser's first check."""

    # ----------------------------------------------------------------- arguments

    def arguments(self, ty: Ty, depth: int = 0) -> list[Value]:
        """Values to pass for a parameter of type ``ty``."""
        if ty.kind == "ref":
            inner = ty.inner
            if ty.mutable:
                if inner.kind in ("param", "impl", "dyn") and _bounds(inner) & WRITE_TRAITS:
                    return [Value("&mut {}", "typical", binding="Vec::<u8>::new()")]
                if inner.kind == "slice":
                    # `&mut vec` coerces to `&mut [T]`; the vector's state after the call
                    # is observed like any `&mut` argument.
                    element = inner.inner
                    if element.kind == "param" and not element.bounds:
                        element = Ty("prim", name="i32")
                    return [replace(v, expr="&mut {}", binding=v.expr) for v in
                            self._sequences(element, "vec![{}]", depth)]
                owned = self.owned(inner, depth)
                return [replace(v, expr="&mut {}", binding=v.expr) for v in owned]
            if inner.kind == "prim" and inner.name == "str":
                return self._strings()
            if inner.kind == "slice":
                return self._sequences(inner.inner, "&[{}]", depth)
            if inner.kind == "path" and inner.name == "Path":
                return [Value(f'Path::new({s})', c, ("use std::path::Path;",))
                        for s, c in STRINGS[:4]]
            if inner.kind in ("param", "impl", "dyn"):
                return self._generic(inner, depth, by_ref=True)
            shared = self.shared_values(inner)
            try:
                owned = [replace(v, expr="&" + v.expr) for v in self.owned(inner, depth)]
            except Unsupported:
                if not shared:
                    raise
                owned = []
            return _unique(shared + owned)
        if ty.kind in ("param", "impl"):
            return self._generic(ty, depth, by_ref=False)
        return self.owned(ty, depth)

    # ----------------------------------------------------------------- owned values

    def owned(self, ty: Ty, depth: int = 0) -> list[Value]:
        if depth > MAX_DEPTH:
            raise Unsupported(f"`{ty}` nests too deeply to build")
        kind = ty.kind
        if kind == "prim":
            return self._primitive(ty.name)
        if kind == "unit":
            return [Value("()")]
        if kind == "tuple":
            parts = [self.owned(a, depth + 1) for a in ty.args]
            return _combine(parts, "({})" if len(parts) != 1 else "({},)")
        if kind == "array":
            try:
                length = int(ty.length)
            except ValueError:
                raise Unsupported(f"array length `{ty.length}` is not a literal") from None
            if length > 16:
                raise Unsupported(f"array of {length} elements")
            elements = self.owned(ty.inner, depth + 1)
            picks = [elements[i % len(elements)] for i in range(length)]
            return [Value("[" + ", ".join(p.expr for p in picks) + "]", "typical",
                          _imports(picks))]
        if kind == "ref":
            inner = self.arguments(ty, depth)
            if ty.mutable:
                raise Unsupported(f"`{ty}` inside another type")
            return inner
        if kind == "path":
            return self._path(ty, depth)
        if kind == "param":
            return self._generic(ty, depth, by_ref=False)
        if kind == "fn" or (kind in ("impl", "dyn") and _bounds(ty) & {"Fn", "FnMut", "FnOnce"}):
            raise Unsupported(f"takes a closure (`{ty}`)")
        raise Unsupported(f"cannot build a value of type `{ty}`")

    def _primitive(self, name: str) -> list[Value]:
        if name in INTEGERS:
            signed = name.startswith("i")
            values = [("1", "typical"), ("42", "typical"), ("0", "boundary")]
            if signed:
                values += [("-1", "boundary"), ("-42", "typical")]
            values += [("7", "typical"), ("100", "typical"), (f"{name}::MAX", "boundary"),
                       (f"{name}::MIN", "boundary") if signed else ("255", "typical")]
            for lit in self.literals.get("integer", [])[:6]:
                number = _int_literal(lit)
                if number is None:
                    continue
                for n in (number, number - 1, number + 1):
                    if (n >= 0 or signed) and abs(n) < 2 ** 31:
                        values.append((str(n), "literal"))
            return _unique(Value(e, c) for e, c in values)
        if name in FLOATS:
            values = [("1.5", "typical"), ("0.0", "boundary"), ("-2.25", "typical"),
                      ("100.0", "typical"), ("0.1", "typical"), (f"{name}::MAX", "boundary"),
                      (f"{name}::NAN", "invalid"), (f"{name}::INFINITY", "boundary")]
            for lit in self.literals.get("float", [])[:4]:
                values.append((re.sub(r"_?f(32|64)$", "", lit), "literal"))
            return _unique(Value(e, c) for e, c in values)
        if name == "bool":
            return [Value("true"), Value("false")]
        if name == "char":
            values = list(CHARS) + [(c, "literal") for c in self.literals.get("char", [])[:6]]
            return _unique(Value(e, c) for e, c in values)
        if name == "str":
            raise Unsupported("unsized `str` by value")
        raise Unsupported(f"primitive `{name}`")

    def _strings(self, owned: bool = False) -> list[Value]:
        values = [Value(e, "typical") for e in self.shapes] + [Value(e, c) for e, c in STRINGS]
        for length in self.lengths[:MAX_LENGTHS]:
            for n in (length, length + 1):
                values.append(Value(f'"{"a" * n}"', "boundary"))
        for index, unit in enumerate(self.units[:MAX_UNITS]):
            values.append(Value(f'"1 {unit}"', "literal"))
            if index < 4:
                values.append(Value(f'"1.5{unit}"', "literal"))
        for lit in self.literals.get("string", [])[:8]:
            if lit.startswith('"') and len(lit) < 60:
                values.append(Value(lit, "literal"))
                values.append(Value(lit[:-1] + '1"', "literal"))
        for inner in self._char_literals():
            values.append(Value(f'"{inner}"', "literal"))
            values.append(Value(f'"12{inner}5"', "literal"))
            if not inner.isalnum():
                values.append(Value(f'"a{inner}20b"', "literal"))
                values.append(Value(f'"{inner}zz"', "literal"))
        values = _unique(values)
        if owned:
            return [replace(v, expr=f"String::from({v.expr})") for v in values]
        return values

    def _char_literals(self) -> list[str]:
        """Characters the code compares against (``'%'``, ``b','``), ready for a string."""
        found = []
        for lit in self.literals.get("char", [])[:12]:
            inner = lit[2:-1] if lit.startswith("b'") else lit[1:-1]
            if inner and inner not in ('"', "\\'") and not inner.startswith("\\u"):
                found.append(inner)
        return list(dict.fromkeys(found))[:8]

    def _sequences(self, element: Ty, template: str, depth: int) -> list[Value]:
        if element.kind == "prim" and element.name == "u8" and template.startswith("&["):
            items = [Value('b""', "boundary"), Value('b"hello"'), Value('b"a"', "boundary"),
                     Value('b"Hello, World!"'), Value('b"\\x00\\xff"', "boundary"),
                     Value('b"12"')]
            for lit in self.literals.get("string", [])[:4]:
                if lit.startswith('"') and lit.isascii():
                    items.append(Value("b" + lit, "literal"))
            for length in self.lengths[:MAX_LENGTHS]:
                items.extend(Value(f'b"{"a" * n}"', "boundary") for n in (length, length + 1))
            for inner in self._char_literals():
                if inner.isascii():
                    items.extend(Value(f'b"{text}"', "literal") for text in (
                        inner, f"12{inner}5", f"a{inner}20b", f"{inner}zz"))
            return _unique(items)
        elements = self.owned(element, depth + 1)
        lengths = [([elements[i % len(elements)] for i in range(n)], "boundary")
                   for length in self.lengths[:MAX_LENGTHS] for n in (length, length + 1)]
        first = elements[0]
        second = elements[1] if len(elements) > 1 else first
        third = elements[2] if len(elements) > 2 else second
        shapes = [
            ([first, second, third], "typical"), ([], "boundary"), ([first], "boundary"),
            ([third, second, first], "typical"), ([first, first], "typical"),
        ]
        extra = [e for e in elements[3:6]]
        if extra:
            shapes.append(([first, *extra], "typical"))
        shapes.extend(lengths)
        return [Value(template.format(", ".join(v.expr for v in items)), cat, _imports(items))
                for items, cat in shapes]

    def _path(self, ty: Ty, depth: int) -> list[Value]:
        name = ty.name
        args = ty.args
        if name == "String":
            return self._strings(owned=True)
        if name == "Vec":
            if not args:
                raise Unsupported("`Vec` without an element type")
            return self._sequences(args[0], "vec![{}]", depth)
        if name in ("VecDeque", "BTreeSet", "HashSet", "BinaryHeap", "LinkedList") and args:
            import_line = _collections_import(name)
            return [replace(v, expr=f"{name}::from([{v.expr[5:-1]}])",
                            imports=v.imports + (import_line,))
                    for v in self._sequences(args[0], "vec![{}]", depth)]
        if name in ("HashMap", "BTreeMap") and len(args) == 2:
            keys = self.owned(args[0], depth + 1)
            values = self.owned(args[1], depth + 1)
            imports = (_collections_import(name), *_imports(keys + values))
            pairs = [f"({k.expr}, {v.expr})" for k, v in zip(keys[:3], values[:3])]
            return [Value(f"{name}::from([{', '.join(pairs)}])", "typical", imports),
                    Value(f"{name}::new()", "boundary", imports)]
        if name == "Option":
            if not args:
                raise Unsupported("`Option` without a type")
            inner = self.owned(args[0], depth + 1)
            return [Value(f"Some({inner[0].expr})", "typical", inner[0].imports),
                    Value("None", "boundary")] + [
                Value(f"Some({v.expr})", v.category, v.imports) for v in inner[1:4]]
        if name in ("Box", "Rc", "Arc") and args:
            imports = () if name == "Box" else (f"use std::{'rc' if name == 'Rc' else 'sync'}"
                                                 f"::{name};",)
            return [Value(f"{name}::new({v.expr})", v.category, v.imports + imports)
                    for v in self.owned(args[0], depth + 1)[:5]]
        if name == "Cow" and args:
            inner = args[-1]
            if inner.kind == "prim" and inner.name == "str":
                return [Value(f"Cow::from({v.expr})", v.category, ("use std::borrow::Cow;",))
                        for v in self._strings()[:6]]
            raise Unsupported(f"`{ty}`")
        if name == "Duration":
            imports = ("use std::time::Duration;",)
            return [Value("Duration::from_secs(90)", "typical", imports),
                    Value("Duration::ZERO", "boundary", imports),
                    Value("Duration::from_millis(1500)", "typical", imports),
                    Value("Duration::from_secs(86_400)", "typical", imports),
                    Value("Duration::from_nanos(1)", "boundary", imports)]
        if name == "SystemTime" and (self.index is None
                                     or self.index.type_info(name, self.near) is None):
            # Fixed instants (never `now()`): a test pins what the code makes of them.
            imports = ("use std::time::{Duration, SystemTime};",)
            return [Value("SystemTime::UNIX_EPOCH + Duration::from_secs(1_518_563_312)",
                          "typical", imports),
                    Value("SystemTime::UNIX_EPOCH", "boundary", imports),
                    Value("SystemTime::UNIX_EPOCH + Duration::new(951_782_400, 123_456_789)",
                          "typical", imports),
                    Value("SystemTime::UNIX_EPOCH + Duration::from_secs(253_402_300_799)",
                          "boundary", imports)]
        if name == "PathBuf":
            return [Value(f"PathBuf::from({s})", c, ("use std::path::PathBuf;",))
                    for s, c in STRINGS[:4]]
        if name in INTEGERS + FLOATS + ("bool", "char"):
            return self._primitive(name)
        if self.index is not None:
            info = self.index.type_info(name, self.near)
            if info is not None:
                return self.crate_type(info, depth, ty)
        raise Unsupported(f"cannot build a `{ty}` (not a std type this engine knows, and not "
                          f"defined in the crate)")

    # ----------------------------------------------------------------- crate types

    def shared_values(self, ty: Ty) -> list[Value]:
        """``&'static`` values of a crate type a test can name: public ``const X: &Type``
        items and promoted associated constants (``&Type::EMPTY``)."""
        if self.index is None or ty.kind != "path" or ty.args:
            return []
        info = self.index.type_info(ty.name, self.near)
        if info is None:
            return []
        found = []
        for module, item, by_ref in self.index.constants.get(info.name, []):
            path = self.index.public_path(module, item)
            if path is not None and by_ref:
                found.append(Value(item, "typical", (f"use {path};",)))
        type_path = self.index.type_path(info)
        if type_path is not None:
            found.extend(Value(f"&{info.name}::{c}", "boundary", (f"use {type_path};",))
                         for c in info.consts)
        return found[:6]

    def crate_type(self, info: TypeInfo, depth: int = 0, ty: Ty | None = None,
                   per_constructor: int | None = None) -> list[Value]:
        """Ways to build a crate-local type from outside the crate; ``per_constructor``: that
        many from each public constructor (every constructor gets a turn) instead of the
        first six values."""
        assert self.index is not None
        alias = self.index.alias_for(info)
        path = self.index.type_path(alias or info)
        if path is None:
            raise Unsupported(f"type `{info.name}` is not reachable from tests/")
        imports = (f"use {path};",)
        name = (alias or info).name
        found: list[Value] = []
        if info.kind == "enum":
            for vname, vkind, fields in info.variants:
                if vkind == "unit":
                    found.append(Value(f"{name}::{vname}", "boundary", imports))
                elif vkind == "tuple" and depth < MAX_DEPTH:
                    try:
                        parts = [self.owned(t, depth + 1)[0] for _, t in fields]
                    except Unsupported:
                        continue
                    found.append(Value(f"{name}::{vname}({', '.join(p.expr for p in parts)})",
                                       "typical", imports + _imports(parts)))
        if self.shapes:
            found.extend(self._parsed(info, name, imports, depth))
        for ctor in info.constructors:
            if ctor.wraps or (per_constructor is None and len(found) >= 6):
                continue
            try:
                combos = self.combinations([t for _, t in ctor.params], depth + 1,
                                           limit=per_constructor or 3)
            except Unsupported:
                continue
            for combo in combos:
                if any(v.binding for v in combo):
                    break
                call = f"{name}::{ctor.name}({', '.join(v.expr for v in combo)})"
                found.append(Value(call, "typical", imports + _imports(combo)))
        found.extend(Value(f"{name}::{c}", "boundary", imports) for c in info.consts)
        for module, item, by_ref in self.index.constants.get(name, []):
            path = self.index.public_path(module, item)
            if path is not None and not by_ref:
                found.append(Value(item, "typical", (f"use {path};",)))
        for module, producer in self.index.producers.get(name, []):
            path = self.index.public_path(module, producer.name)
            if path is None or len(found) >= 8:
                continue
            try:
                combos = self.combinations([t for _, t in producer.params], depth + 1, limit=3)
            except Unsupported:
                continue
            for combo in combos:
                if any(v.binding for v in combo):
                    break
                found.append(Value(f"{producer.name}({', '.join(v.expr for v in combo)})",
                                   "typical", (f"use {path};",) + _imports(combo)))
        if info.implements("Default"):
            found.append(Value(f"{name}::default()", "default", imports))
        if info.kind == "struct" and not info.non_exhaustive and not info.generics:
            if info.unit:
                found.append(Value(name, "typical", imports))
            elif info.fields and all(pub for _, _, pub in info.fields):
                try:
                    parts = [(f, self.owned(t, depth + 1)[0]) for f, t, _ in info.fields]
                    body = ", ".join(f"{f}: {v.expr}" for f, v in parts)
                    found.append(Value(f"{name} {{ {body} }}", "typical",
                                       imports + _imports([v for _, v in parts])))
                except Unsupported:
                    pass
            elif info.tuple_fields and all(pub for _, pub in info.tuple_fields):
                try:
                    parts = [self.owned(t, depth + 1)[0] for t, _ in info.tuple_fields]
                    found.append(Value(f"{name}({', '.join(p.expr for p in parts)})",
                                       "typical", imports + _imports(parts)))
                except Unsupported:
                    pass
        if not found:
            raise Unsupported(f"no public way to build a `{name}` (no constructor, Default or "
                              f"public fields)")
        return _unique(found)

    def _parsed(self, info: TypeInfo, name: str, imports: tuple[str, ...], depth: int
                ) -> list[Value]:
        """Values of a parsing constructor (one string in, ``Option``/``Result`` out) on the
        strings shaped for this code, unwrapped: ``Version::from("1.2.3").unwrap()`` is a
        version as its users make one."""
        found = []
        for ctor in info.constructors:
            if ctor.wraps not in ("Option", "Result") or len(ctor.params) != 1:
                continue
            param = ctor.params[0][1]
            if not (param.kind == "ref" and param.inner.kind == "prim"
                    and param.inner.name == "str"):
                continue
            found.extend(Value(f"{name}::{ctor.name}({text}).unwrap()", "typical", imports)
                         for text in self.shapes[:3])
        return found

    def displayed(self, info: TypeInfo, owned: bool) -> list[Value]:
        """Strings the crate itself writes for a type: the ``Display`` text of values built
        by its public constructors, one or two per constructor, so a parser of the type gets
        the inputs it was written for (``"1.0 KB"``, not only ``"hello"``)."""
        if not info.implements("Display"):
            return []
        try:
            built = self.crate_type(info, per_constructor=2)
        except Unsupported:
            return []
        # The first value of every constructor before the second of any.
        rank: dict[str, int] = {}
        ordered = []
        for value in built:
            callee = value.expr.split("(", 1)[0]
            rank[callee] = rank.get(callee, -1) + 1
            ordered.append((rank[callee], value))
        ordered.sort(key=lambda pair: pair[0])
        text = "{}.to_string()" if owned else "&{}.to_string()"
        return [Value(text.format(v.expr), "produced", v.imports, source=v.expr,
                      round_trip=True)
                for _, v in ordered if not v.expr.endswith("::default()")][:MAX_DISPLAYED]

    # ----------------------------------------------------------------- generics

    def _generic(self, ty: Ty, depth: int, by_ref: bool) -> list[Value]:
        names = _bounds(ty)
        if names & {"Fn", "FnMut", "FnOnce"}:
            raise Unsupported(f"takes a closure (`{ty}`)")
        if names & WRITE_TRAITS:
            raise Unsupported("takes a writer by value")
        for bound in ty.bounds:
            if bound.name in ("IntoIterator", "Iterator"):
                item = dict(bound.bindings).get("Item")
                if item is None:
                    raise Unsupported(f"`{ty}` without an Item type")
                values = self._sequences(item, "vec![{}]", depth) if not (
                    item.kind == "ref" and item.inner.kind == "slice") else None
                if values is None:
                    elements = self.arguments(item, depth + 1)
                    values = [Value(f"vec![{elements[0].expr}, {elements[-1].expr}]")]
                if bound.name == "Iterator":
                    values = [replace(v, expr=f"{v.expr}.into_iter()") for v in values]
                return values
            if bound.name in ("AsRef", "Borrow") and bound.args:
                target = bound.args[0]
                if target.kind == "slice" and target.inner.name == "u8":
                    return self._strings()
                if target.kind == "prim" and target.name == "str":
                    return self._strings()
                if target.kind == "path" and target.name in ("Path", "OsStr"):
                    return [Value(s, c) for s, c in STRINGS[:4]]
                if target.kind == "slice":
                    return self._sequences(target.inner, "vec![{}]", depth)
                return self.arguments(Ty("ref", args=(target,)), depth + 1)
            if bound.name == "Into" and bound.args:
                target = bound.args[0]
                if target.is_named("String"):
                    return self._strings()
                return self.owned(target, depth + 1)
            if bound.name in ("Display", "ToString"):
                return self._strings()
        if names and not names <= STRINGISH_BOUNDS:
            # A crate trait: a crate type that implements it, else a plain integer.
            if self.index is not None:
                for infos in self.index.types.values():
                    for info in infos:
                        if names & info.traits and self.index.type_path(info):
                            try:
                                return self.crate_type(info, depth + 1)
                            except Unsupported:
                                continue
            return self._primitive("i32")
        if names & {"Ord", "PartialOrd", "Copy", "Hash", "Eq", "PartialEq", "Default"} and \
                not names & {"AsRef", "Into", "Display", "ToString", "Borrow"}:
            return self._primitive("i32")
        return self._strings()

    # ----------------------------------------------------------------- combining

    def combinations(self, types: list[Ty], depth: int = 0, limit: int = 40
                     ) -> list[list[Value]]:
        """Argument tuples: all-typical first, then one parameter varied at a time."""
        pools = [self.arguments(t, depth) for t in types]
        if not pools:
            return [[]]
        base = [p[0] for p in pools]
        combos = [base]
        for i, pool in enumerate(pools):
            for value in pool[1:]:
                combos.append(base[:i] + [value] + base[i + 1:])
        if len(types) == 2 and str(types[0]) == str(types[1]):
            for value in pools[0][1:6]:
                combos.append([value, value])
            for a, b in zip(pools[0][1:5], pools[1][2:6]):
                combos.append([a, b])
        return _unique_combos(combos)[:limit]


def _bounds(ty: Ty) -> set[str]:
    return {b.name for b in ty.bounds}


def _combine(parts: list[list[Value]], template: str) -> list[Value]:
    base = [p[0] for p in parts]
    values = [base]
    for i, pool in enumerate(parts):
        for v in pool[1:4]:
            values.append(base[:i] + [v] + base[i + 1:])
    return [Value(template.format(", ".join(v.expr for v in combo)),
                  next((v.category for v in combo if v.category != "typical"), "typical"),
                  _imports(combo)) for combo in values]


def _imports(values: Iterable[Value]) -> tuple[str, ...]:
    found: dict[str, None] = {}
    for value in values:
        for line in value.imports:
            found[line] = None
    return tuple(found)


def _unique(values: Iterable[Value]) -> list[Value]:
    seen: dict[str, Value] = {}
    for value in values:
        seen.setdefault(value.expr, value)
    return list(seen.values())


def _unique_combos(combos: list[list[Value]]) -> list[list[Value]]:
    seen, found = set(), []
    for combo in combos:
        key = tuple(v.expr for v in combo)
        if key not in seen:
            seen.add(key)
            found.append(combo)
    return found


def _int_literal(text: str) -> int | None:
    text = re.sub(r"_|[iu](8|16|32|64|128|size)$", "", text)
    try:
        return int(text, 0)
    except ValueError:
        return None


def _collections_import(name: str) -> str:
    return f"use std::collections::{name};"


def type_of(text: str) -> Ty:
    return parse_type(text)
