"""Module-level constants, statics, structs, enums and type aliases a Rust definition uses."""

from __future__ import annotations

from functools import lru_cache

from testgen.llm.context import Declaration, referenced
from testgen.model import Definition

_KINDS = ("const_item", "static_item", "struct_item", "enum_item", "type_item")


def declarations_used(source_text: str, definitions: list[Definition]) -> list[str]:
    if not source_text:
        return []
    code = "\n".join(d.code for d in definitions)
    return referenced(_declarations(source_text), code,
                      exclude={d.name for d in definitions})


@lru_cache(maxsize=16)
def _declarations(source_text: str) -> tuple[Declaration, ...]:
    from testgen import grammars

    root = grammars.parser("rust").parse(source_text.encode("utf-8")).root_node
    found = []
    attributes: list[str] = []
    for node in root.named_children:
        if node.type == "attribute_item":
            attributes.append(node.text.decode())
            continue
        if node.type in _KINDS:
            name = node.child_by_field_name("name")
            if name is not None:
                text = "\n".join([*attributes, node.text.decode()])
                found.append(Declaration((name.text.decode(),), text, node.start_point[0] + 1))
        attributes = []
    return tuple(found)
