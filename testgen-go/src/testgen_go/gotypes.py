"""A small model of Go types, read from tree-sitter nodes or from type text.

The probe needs to know what a parameter *is* to invent values for it, and the test writer
needs the same types to declare table fields. Only the shape matters here (name, element,
key, fields); nothing is type-checked.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

BUILTIN_TYPES = frozenset({
    "bool", "string", "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16",
    "uint32", "uint64", "uintptr", "byte", "rune", "float32", "float64", "complex64",
    "complex128", "error", "any", "comparable",
})
INT_TYPES = frozenset({"int", "int8", "int16", "int32", "int64", "rune"})
UINT_TYPES = frozenset({"uint", "uint8", "uint16", "uint32", "uint64", "uintptr", "byte"})
FLOAT_TYPES = frozenset({"float32", "float64"})
COMPLEX_TYPES = frozenset({"complex64", "complex128"})


@dataclass(frozen=True)
class GoType:
    """One Go type expression.

    ``kind`` is one of ``name`` (a builtin, package-local or ``pkg.Name`` type, possibly with
    type arguments), ``pointer``, ``slice``, ``array``, ``map``, ``func``, ``chan``,
    ``interface``, ``struct`` or ``unknown``.
    """

    kind: str
    name: str = ""
    """For ``name``: the identifier (``int``, ``Cart``)."""
    package: str = ""
    """For qualified names: the package qualifier as written (``time``)."""
    elem: GoType | None = None
    key: GoType | None = None
    length: str = ""
    args: tuple[GoType, ...] = ()
    """Type arguments of a generic named type."""
    params: tuple[GoType, ...] = ()
    results: tuple[GoType, ...] = ()
    variadic: bool = False
    fields: tuple[tuple[str, GoType], ...] = ()
    """Struct fields (name, type); embedded fields use the type name."""
    methods: tuple[str, ...] = ()
    """Interface method names."""
    text: str = ""
    """The type as written in the source."""

    @property
    def is_builtin(self) -> bool:
        return self.kind == "name" and not self.package and self.name in BUILTIN_TYPES

    @property
    def is_error(self) -> bool:
        return self.kind == "name" and not self.package and self.name == "error"

    @property
    def qualified(self) -> str:
        return f"{self.package}.{self.name}" if self.package else self.name

    def render(self) -> str:
        """Go source for this type (normalised spacing)."""
        k = self.kind
        if k == "name":
            if self.name == "any" and not self.package and self.text.startswith("interface"):
                return self.text  # keep `interface{}` for modules older than Go 1.18
            base = self.qualified
            if self.args:
                base += "[" + ", ".join(a.render() for a in self.args) + "]"
            return base
        if k == "pointer":
            return "*" + self.elem.render()
        if k == "slice":
            return "[]" + self.elem.render()
        if k == "array":
            return f"[{self.length}]" + self.elem.render()
        if k == "map":
            return f"map[{self.key.render()}]{self.elem.render()}"
        if k == "func":
            params = ", ".join(
                ("..." + p.elem.render()) if (self.variadic and i == len(self.params) - 1)
                else p.render() for i, p in enumerate(self.params))
            results = [r.render() for r in self.results]
            out = ""
            if len(results) == 1:
                out = " " + results[0]
            elif results:
                out = " (" + ", ".join(results) + ")"
            return f"func({params}){out}"
        return self.text or "interface{}"

    def substitute(self, mapping: dict[str, GoType]) -> GoType:
        """Replace type parameters by concrete types (``T`` → ``int``)."""
        if not mapping:
            return self
        if self.kind == "name" and not self.package and self.name in mapping and not self.args:
            return mapping[self.name]
        sub = lambda t: t.substitute(mapping) if t is not None else None  # noqa: E731
        new = replace(
            self, elem=sub(self.elem), key=sub(self.key),
            args=tuple(sub(a) for a in self.args), params=tuple(sub(p) for p in self.params),
            results=tuple(sub(r) for r in self.results),
            fields=tuple((n, sub(t)) for n, t in self.fields))
        if new.kind in ("name", "pointer", "slice", "array", "map", "func"):
            new = replace(new, text=new.render())
        return new

    def mentions(self) -> set[str]:
        """Package qualifiers this type refers to (``{"time"}`` for ``[]time.Duration``)."""
        found = {self.package} if self.package else set()
        for t in (self.elem, self.key, *self.args, *self.params, *self.results,
                  *(f for _, f in self.fields)):
            if t is not None:
                found |= t.mentions()
        return found


UNKNOWN = GoType("unknown", text="interface{}")


def from_node(node: Any) -> GoType:
    """Build a :class:`GoType` from a tree-sitter type node."""
    if node is None:
        return UNKNOWN
    text = node.text.decode("utf-8", "replace")
    t = node.type
    if t in ("type_identifier", "identifier"):
        return GoType("name", name=text, text=text)
    if t == "qualified_type":
        pkg = node.child_by_field_name("package")
        name = node.child_by_field_name("name")
        return GoType("name", name=name.text.decode(), package=pkg.text.decode(), text=text)
    if t == "generic_type":
        base = from_node(node.child_by_field_name("type"))
        args_node = node.child_by_field_name("type_arguments")
        args = tuple(from_node(_unwrap_elem(c)) for c in args_node.named_children) \
            if args_node is not None else ()
        return replace(base, args=args, text=text)
    if t == "pointer_type":
        return GoType("pointer", elem=from_node(node.named_children[0]), text=text)
    if t == "slice_type":
        return GoType("slice", elem=from_node(node.child_by_field_name("element")), text=text)
    if t == "array_type":
        length = node.child_by_field_name("length")
        return GoType("array", elem=from_node(node.child_by_field_name("element")),
                      length=length.text.decode() if length is not None else "", text=text)
    if t == "implicit_length_array_type":
        return GoType("slice", elem=from_node(node.child_by_field_name("element")), text=text)
    if t == "map_type":
        return GoType("map", key=from_node(node.child_by_field_name("key")),
                      elem=from_node(node.child_by_field_name("value")), text=text)
    if t == "channel_type":
        return GoType("chan", elem=from_node(node.child_by_field_name("value")), text=text)
    if t == "function_type":
        params, variadic = parameter_types(node.child_by_field_name("parameters"))
        return GoType("func", params=params, variadic=variadic,
                      results=result_types(node.child_by_field_name("result")), text=text)
    if t == "interface_type":
        methods = []
        for child in node.named_children:
            if child.type in ("method_elem", "method_spec"):
                name = child.child_by_field_name("name")
                if name is not None:
                    methods.append(name.text.decode())
        if text.replace(" ", "") in ("interface{}",):
            return GoType("name", name="any", text=text)
        return GoType("interface", methods=tuple(methods), text=text)
    if t == "struct_type":
        return GoType("struct", fields=tuple(struct_fields(node)), text=text)
    if t == "parenthesized_type":
        return from_node(node.named_children[0])
    if t in ("type_elem", "type_constraint"):
        if node.named_child_count == 1:
            return from_node(node.named_children[0])
    if t == "negated_type":
        return from_node(node.named_children[0])
    return GoType("unknown", text=text)


def _unwrap_elem(node: Any) -> Any:
    while node.type in ("type_elem", "type_constraint") and node.named_child_count == 1:
        node = node.named_children[0]
    return node


def parameter_types(node: Any) -> tuple[tuple[GoType, ...], bool]:
    """Types of a parameter list, one per parameter (``a, b int`` gives two)."""
    if node is None:
        return (), False
    types: list[GoType] = []
    variadic = False
    for decl in node.named_children:
        if decl.type not in ("parameter_declaration", "variadic_parameter_declaration"):
            continue
        gt = from_node(decl.child_by_field_name("type"))
        if decl.type == "variadic_parameter_declaration":
            variadic = True
            gt = GoType("slice", elem=gt, text="[]" + gt.render())
        names = [c for c in decl.children_by_field_name("name")]
        types.extend([gt] * max(1, len(names)))
    return tuple(types), variadic


def result_types(node: Any) -> tuple[GoType, ...]:
    if node is None:
        return ()
    if node.type == "parameter_list":
        return parameter_types(node)[0]
    return (from_node(node),)


def struct_fields(node: Any) -> list[tuple[str, GoType]]:
    fields: list[tuple[str, GoType]] = []
    body = next((c for c in node.named_children if c.type == "field_declaration_list"), None)
    if body is None:
        return fields
    for decl in body.named_children:
        if decl.type != "field_declaration":
            continue
        type_node = decl.child_by_field_name("type")
        gt = from_node(type_node)
        names = decl.children_by_field_name("name")
        if names:
            fields.extend((n.text.decode(), gt) for n in names)
        else:  # embedded field: its name is the type's name
            base = gt.elem if gt.kind == "pointer" else gt
            fields.append((base.name or gt.text, gt))
    return fields


@lru_cache(maxsize=4096)
def parse_type(text: str) -> GoType:
    """Parse type text (``map[string][]int``) through the Go grammar."""
    from testgen import grammars

    src = f"package p\n\nvar _ {text}\n".encode()
    tree = grammars.parser("go").parse(src)
    spec = _find(tree.root_node, "var_spec")
    if spec is None or tree.root_node.has_error:
        return GoType("unknown", text=text)
    return from_node(spec.child_by_field_name("type"))


def _find(node: Any, type_name: str) -> Any:
    if node.type == type_name:
        return node
    for child in node.named_children:
        found = _find(child, type_name)
        if found is not None:
            return found
    return None


@dataclass
class TypeDecl:
    """A ``type X ...`` declaration of the package."""

    name: str
    underlying: GoType
    type_params: tuple[tuple[str, GoType], ...] = ()
    alias: bool = False
    methods: dict[str, Any] = field(default_factory=dict)
    """Method name → :class:`MethodInfo` (filled by the package index)."""
