"""Package-level constants, variables (error values) and types a Go definition references."""

from __future__ import annotations

from functools import lru_cache

from testgen.llm.context import Declaration, referenced
from testgen.model import Definition


def declarations_used(source_text: str, definitions: list[Definition]) -> list[str]:
    if not source_text:
        return []
    code = "\n".join(d.code for d in definitions)
    return referenced(_declarations(source_text), code, exclude={d.name for d in definitions})


@lru_cache(maxsize=16)
def _declarations(source_text: str) -> tuple[Declaration, ...]:
    from testgen import grammars

    root = grammars.parser("go").parse(source_text.encode("utf-8")).root_node
    found = []
    for node in root.named_children:
        if node.type not in ("const_declaration", "var_declaration", "type_declaration"):
            continue
        keyword = node.type.split("_")[0]
        specs = [c for c in node.named_children if c.type.endswith("_spec")]
        for spec_list in (c for c in node.named_children if c.type.endswith("_spec_list")):
            specs.extend(c for c in spec_list.named_children if c.type.endswith("_spec"))
        for spec in specs:
            names = tuple(c.text.decode() for c in spec.named_children
                          if c.type in ("identifier", "type_identifier"))[:1] \
                if keyword == "type" else \
                tuple(c.text.decode() for c in spec.named_children if c.type == "identifier")
            if names:
                found.append(Declaration(names, f"{keyword} {spec.text.decode()}",
                                         spec.start_point[0] + 1))
    return tuple(found)
