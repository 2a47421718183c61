"""A small model of Rust types, parsed from signatures, enough to build values and literals."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Mapping

from .nodes import parse, text_of

INTEGERS = ("i8", "i16", "i32", "i64", "i128", "isize",
            "u8", "u16", "u32", "u64", "u128", "usize")
FLOATS = ("f32", "f64")
PRIMITIVES = INTEGERS + FLOATS + ("bool", "char", "str")


@dataclass(frozen=True)
class Ty:
    """One Rust type.

    ``kind`` is ``prim``, ``ref``, ``slice``, ``array``, ``tuple``, ``unit``, ``path`` (a named
    type with optional generic ``args``), ``param`` (a generic parameter with ``bounds``),
    ``impl`` / ``dyn`` (trait objects with ``bounds``), ``fn``, ``never`` or ``unknown``.
    """

    kind: str
    name: str = ""
    """Last path segment for ``path`` and ``prim``; parameter name for ``param``."""
    path: str = ""
    """Path as written (``std::time::Duration``)."""
    args: tuple["Ty", ...] = ()
    mutable: bool = False
    bounds: tuple["Ty", ...] = ()
    bindings: tuple[tuple[str, "Ty"], ...] = ()
    """Associated type bindings in a bound: ``Iterator<Item = u8>`` → ``(("Item", u8),)``."""
    length: str = ""
    text: str = field(default="", compare=False)

    def __str__(self) -> str:
        return self.text or self.render()

    def render(self) -> str:
        if self.kind == "prim":
            return self.name
        if self.kind == "ref":
            return "&" + ("mut " if self.mutable else "") + self.args[0].render()
        if self.kind == "slice":
            return f"[{self.args[0].render()}]"
        if self.kind == "array":
            return f"[{self.args[0].render()}; {self.length}]"
        if self.kind == "tuple":
            inner = ", ".join(a.render() for a in self.args)
            return f"({inner},)" if len(self.args) == 1 else f"({inner})"
        if self.kind == "unit":
            return "()"
        if self.kind == "path":
            if not self.args:
                return self.path or self.name
            return f"{self.path or self.name}<{', '.join(a.render() for a in self.args)}>"
        if self.kind == "param":
            return self.name
        return self.text or "_"

    @property
    def inner(self) -> "Ty":
        return self.args[0] if self.args else UNKNOWN

    def is_named(self, *names: str) -> bool:
        return self.kind == "path" and self.name in names

    def bound_names(self) -> set[str]:
        return {b.name for b in self.bounds}

    def bound(self, name: str) -> "Ty | None":
        return next((b for b in self.bounds if b.name == name), None)


UNKNOWN = Ty("unknown")
UNIT = Ty("unit", text="()")


def from_node(node: Any, generics: Mapping[str, tuple[Ty, ...]] | None = None) -> Ty:
    """Convert a tree-sitter type node; names in ``generics`` become ``param`` types."""
    generics = generics or {}
    kind = node.type
    text = text_of(node)
    if kind == "primitive_type":
        return Ty("prim", name=text, text=text)
    if kind in ("type_identifier", "scoped_type_identifier"):
        name = text.split("::")[-1]
        if kind == "type_identifier" and name in generics:
            return Ty("param", name=name, bounds=generics[name], text=text)
        if name == "Self" and "Self" in generics:
            return generics["Self"][0]
        return Ty("path", name=name, path=text, text=text)
    if kind == "generic_type":
        base = from_node(node.child_by_field_name("type"), generics)
        args, bindings = _type_arguments(node.child_by_field_name("type_arguments"), generics)
        return replace(base, kind="path", args=tuple(args), bindings=tuple(bindings), text=text)
    if kind == "reference_type":
        inner = node.child_by_field_name("type")
        mutable = any(c.type == "mutable_specifier" for c in node.children)
        return Ty("ref", args=(from_node(inner, generics),), mutable=mutable, text=text)
    if kind == "pointer_type":
        return Ty("unknown", name="pointer", text=text)
    if kind == "array_type":
        element = from_node(node.child_by_field_name("element"), generics)
        length = node.child_by_field_name("length")
        if length is None:
            return Ty("slice", args=(element,), text=text)
        return Ty("array", args=(element,), length=text_of(length), text=text)
    if kind == "tuple_type":
        return Ty("tuple", args=tuple(from_node(c, generics) for c in node.named_children),
                  text=text)
    if kind == "unit_type":
        return UNIT
    if kind == "never_type":
        return Ty("never", text=text)
    if kind in ("abstract_type", "dynamic_type"):
        trait = node.child_by_field_name("trait") or (
            node.named_children[-1] if node.named_children else None)
        bounds = _bounds(trait, generics) if trait is not None else ()
        return Ty("impl" if kind == "abstract_type" else "dyn", bounds=bounds, text=text)
    if kind == "bounded_type":
        bounds: list[Ty] = []
        for child in node.named_children:
            if child.type != "lifetime":
                bounds.extend(_bounds(child, generics))
        return Ty("impl", bounds=tuple(bounds), text=text)
    if kind == "function_type":
        return Ty("fn", text=text)
    return Ty("unknown", text=text)


def _bounds(node: Any, generics: Mapping[str, tuple[Ty, ...]]) -> tuple[Ty, ...]:
    if node is None:
        return ()
    if node.type in ("trait_bounds", "bounded_type"):
        found: list[Ty] = []
        for child in node.named_children:
            if child.type not in ("lifetime", "higher_ranked_trait_bound"):
                found.extend(_bounds(child, generics))
            elif child.type == "higher_ranked_trait_bound":
                found.extend(_bounds(child.child_by_field_name("type"), generics))
        return tuple(found)
    if node.type == "removed_trait_bound":  # ?Sized
        return ()
    return (from_node(node, generics),)


def _type_arguments(node: Any, generics) -> tuple[list[Ty], list[tuple[str, Ty]]]:
    args: list[Ty] = []
    bindings: list[tuple[str, Ty]] = []
    if node is None:
        return args, bindings
    for child in node.named_children:
        if child.type == "lifetime":
            continue
        if child.type == "type_binding":
            name = text_of(child.child_by_field_name("name"))
            bindings.append((name, from_node(child.child_by_field_name("type"), generics)))
        elif child.type == "trait_bounds":
            continue
        else:
            args.append(from_node(child, generics))
    return args, bindings


def generics_of(item: Any, outer: Mapping[str, tuple[Ty, ...]] | None = None
                ) -> dict[str, tuple[Ty, ...]]:
    """Type parameters of ``item`` (and its ``where`` clause) with their trait bounds."""
    # Two passes: bounds may name other parameters (`I: IntoIterator<Item = S>`), so the
    # second pass parses them knowing every parameter and its first-pass bounds.
    first = _generics_pass(item, outer, {k: () for k in _param_names(item, outer)})
    return _generics_pass(item, outer, first)


def _param_names(item: Any, outer) -> list[str]:
    names = list(outer or {})
    params = item.child_by_field_name("type_parameters")
    if params is not None:
        for param in params.named_children:
            if param.type in ("type_parameter", "constrained_type_parameter"):
                node = param.child_by_field_name("name") or param.child_by_field_name("left")
                names.append(text_of(node))
    return names


def _generics_pass(item: Any, outer, known: Mapping[str, tuple[Ty, ...]]
                   ) -> dict[str, tuple[Ty, ...]]:
    found: dict[str, list[Ty]] = {k: list(v) for k, v in (outer or {}).items()}
    params = item.child_by_field_name("type_parameters")
    if params is not None:
        for param in params.named_children:
            if param.type in ("type_parameter", "constrained_type_parameter"):
                name_node = param.child_by_field_name("name") or param.child_by_field_name("left")
                name = text_of(name_node)
                found.setdefault(name, [])
                bounds = param.child_by_field_name("bounds")
                found[name].extend(_bounds(bounds, _without(known, name)))
            elif param.type == "optional_type_parameter":
                inner = param.child_by_field_name("name")
                found.setdefault(text_of(inner.child_by_field_name("name") if inner is not None
                                         and inner.child_by_field_name("name") else inner), [])
    for child in item.named_children:
        if child.type == "where_clause":
            for predicate in child.named_children:
                left = text_of(predicate.child_by_field_name("left"))
                if left in found or re.fullmatch(r"[A-Z]\w*", left):
                    found.setdefault(left, []).extend(
                        _bounds(predicate.child_by_field_name("bounds"), _without(known, left)))
    return {k: tuple(v) for k, v in found.items()}


def _without(known: Mapping[str, tuple[Ty, ...]], name: str) -> dict[str, tuple[Ty, ...]]:
    return {k: v for k, v in known.items() if k != name}


@lru_cache(maxsize=4096)
def parse_type(text: str) -> Ty:
    """Parse a type written as text (``Option<&str>``)."""
    tree = parse(f"type __T = {text};")
    item = tree.root_node.named_children[0] if tree.root_node.named_children else None
    node = item.child_by_field_name("type") if item is not None else None
    if node is None or tree.root_node.has_error:
        return Ty("unknown", text=text)
    return from_node(node)


def substitute(ty: Ty, mapping: Mapping[str, Ty]) -> Ty:
    """Replace generic parameters (and ``Self``) by concrete types."""
    if ty.kind == "param" and ty.name in mapping:
        return mapping[ty.name]
    if ty.kind == "path" and not ty.args and ty.name in mapping and "::" not in ty.path:
        return mapping[ty.name]
    if ty.args:
        return replace(ty, args=tuple(substitute(a, mapping) for a in ty.args), text="")
    return ty


def strip_refs(ty: Ty) -> Ty:
    while ty.kind == "ref":
        ty = ty.inner
    return ty
