"""Turn TypeScript into JavaScript by blanking out its type syntax.

Every character of a type annotation, interface, type alias, ``as`` cast, generic argument,
modifier… is replaced by a space (newlines are kept), so the JavaScript that Node runs has the
same lines and columns as the TypeScript file: V8 coverage maps back to the source without
source maps. Syntax that produces code (``enum``, ``namespace`` with values, constructor
parameter properties, ``import x = require()``, ``export =``) cannot be blanked; such files are
reported as not erasable and need the project's ``typescript`` package instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .syntax import parse_text, text_of, walk

# Nodes whose whole text is type-only.
TYPE_ONLY = {
    "type_annotation", "type_parameters", "type_arguments", "implements_clause",
    "interface_declaration", "type_alias_declaration", "function_signature",
    "abstract_method_signature", "index_signature", "ambient_declaration",
    "method_signature", "asserts_annotation", "type_predicate_annotation",
    "omitting_type_annotation", "opting_type_annotation", "adding_type_annotation",
}
MODIFIER_TOKENS = {"readonly", "override", "declare", "abstract"}
NOT_ERASABLE = {
    "enum_declaration": "enum",
    "import_alias": "import x = require()",
    "export_assignment": "export =",
}


@dataclass
class Stripped:
    text: str
    erasable: bool = True
    reason: str = ""


def strip_types(text: str, path: str = "x.ts") -> Stripped:
    """JavaScript with the same layout as the TypeScript ``text``, or why that is impossible."""
    tree = parse_text(text, path)
    data = bytearray(text.encode("utf-8"))
    ranges: list[tuple[int, int]] = []
    reason = ""
    for node in walk(tree.root_node):
        kind = node.type
        if kind in NOT_ERASABLE:
            reason = reason or f"{NOT_ERASABLE[kind]} at line {node.start_point[0] + 1}"
        elif kind == "internal_module" and not _is_type_only_namespace(node):
            reason = reason or f"namespace at line {node.start_point[0] + 1}"
        elif kind in ("required_parameter", "optional_parameter") and any(
                c.type in ("accessibility_modifier", "readonly") for c in node.children):
            reason = reason or f"parameter property at line {node.start_point[0] + 1}"
        elif kind == "export_statement" and _is_type_export(node):
            ranges.append((node.start_byte, node.end_byte))
        elif kind == "import_statement" and _is_type_import(node):
            ranges.append((node.start_byte, node.end_byte))
        elif kind in ("import_specifier", "export_specifier") and _has_type_keyword(node):
            ranges.append(_with_trailing_comma(node))
        elif kind in TYPE_ONLY:
            if kind == "type_parameters" and node.parent is not None and \
                    node.parent.type == "arrow_function":
                ranges.append((node.start_byte, node.end_byte))
            else:
                ranges.append((node.start_byte, node.end_byte))
        elif kind in ("as_expression", "satisfies_expression"):
            expr = node.named_children[0] if node.named_children else None
            if expr is not None:
                ranges.append((expr.end_byte, node.end_byte))
        elif kind == "type_assertion":  # <T>value
            first = node.named_children[0] if node.named_children else None
            if first is not None and first.type == "type_arguments":
                ranges.append((first.start_byte, first.end_byte))
        elif kind == "non_null_expression":
            ranges.append((node.end_byte - 1, node.end_byte))
        elif kind == "accessibility_modifier":
            ranges.append((node.start_byte, node.end_byte))
        elif not node.is_named and kind in MODIFIER_TOKENS and node.parent is not None and \
                node.parent.type not in ("predefined_type",):
            ranges.append((node.start_byte, node.end_byte))
        elif not node.is_named and kind in ("?", "!") and node.parent is not None and \
                node.parent.type in ("optional_parameter", "public_field_definition",
                                     "property_signature", "method_definition"):
            ranges.append((node.start_byte, node.end_byte))
        elif kind == "public_field_definition" and any(
                c.type in ("declare", "abstract") for c in node.children):
            ranges.append((node.start_byte, node.end_byte))
        elif kind == "method_definition" and node.child_by_field_name("body") is None:
            ranges.append((node.start_byte, node.end_byte))  # overload signature
    if reason:
        return Stripped(text, erasable=False, reason=reason)
    for start, end in ranges:
        for i in range(start, end):
            if data[i] not in (0x0A, 0x0D):
                data[i] = 0x20
    # Multi-byte characters became several spaces; that keeps byte offsets, but V8 counts
    # UTF-16 units. Lines are what coverage uses, and newlines never move.
    return Stripped(data.decode("utf-8", errors="replace"))


def _is_type_only_namespace(node: Any) -> bool:
    body = node.child_by_field_name("body")
    if body is None:
        return True
    allowed = {"interface_declaration", "type_alias_declaration", "comment"}
    for child in body.named_children:
        if child.type == "export_statement":
            decl = child.child_by_field_name("declaration")
            if decl is None or decl.type not in allowed:
                return False
        elif child.type not in allowed:
            return False
    return True


def _is_type_export(node: Any) -> bool:
    decl = node.child_by_field_name("declaration")
    if decl is not None and decl.type in ("interface_declaration", "type_alias_declaration",
                                          "function_signature", "ambient_declaration"):
        return True
    return any(not c.is_named and c.type == "type" for c in node.children)


def _is_type_import(node: Any) -> bool:
    return any(not c.is_named and c.type == "type" for c in node.children)


def _has_type_keyword(node: Any) -> bool:
    return any(not c.is_named and c.type == "type" for c in node.children) or \
        text_of(node).startswith("type ")


def _with_trailing_comma(node: Any) -> tuple[int, int]:
    end = node.end_byte
    sibling = node.next_sibling
    if sibling is not None and sibling.type == ",":
        end = sibling.end_byte
    return node.start_byte, end
