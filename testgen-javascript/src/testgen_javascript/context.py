"""Module-level constants, classes, types, interfaces and enums a JS/TS definition references."""

from __future__ import annotations

from functools import lru_cache

from testgen.llm.context import Declaration, referenced
from testgen.model import Definition

from .package import is_typescript

_KINDS = ("lexical_declaration", "variable_declaration", "type_alias_declaration",
          "interface_declaration", "enum_declaration", "class_declaration")


def declarations_used(source_text: str, definitions: list[Definition]) -> list[str]:
    if not source_text or not definitions:
        return []
    code = "\n".join(d.code for d in definitions)
    typescript = is_typescript(definitions[0].file)
    return referenced(_declarations(source_text, typescript), code,
                      exclude={d.name for d in definitions} | {d.parent or "" for d in definitions})


@lru_cache(maxsize=16)
def _declarations(source_text: str, typescript: bool) -> tuple[Declaration, ...]:
    from testgen import grammars

    parser = grammars.parser("typescript", "typescript") if typescript else \
        grammars.parser("javascript")
    root = parser.parse(source_text.encode("utf-8")).root_node
    found = []
    for node in root.named_children:
        inner = node
        if node.type == "export_statement":
            inner = next((c for c in node.named_children if c.type in _KINDS), None)
        if inner is None or inner.type not in _KINDS:
            continue
        if inner.type in ("lexical_declaration", "variable_declaration"):
            names = tuple(c.child_by_field_name("name").text.decode()
                          for c in inner.named_children if c.type == "variable_declarator"
                          and c.child_by_field_name("name") is not None)
            value = [c.child_by_field_name("value") for c in inner.named_children
                     if c.type == "variable_declarator"]
            if any(v is not None and v.type in ("arrow_function", "function_expression",
                                                 "function") for v in value):
                continue  # a function: shown as a callee signature, not as a constant
        else:
            name = inner.child_by_field_name("name")
            names = (name.text.decode(),) if name is not None else ()
        if names:
            found.append(Declaration(names, node.text.decode(), node.start_point[0] + 1))
    return tuple(found)
