"""Module-level constants and classes a Python definition references (for its prompt)."""

from __future__ import annotations

from functools import lru_cache

from testgen.llm.context import Declaration, referenced
from testgen.model import Definition


def declarations_used(source_text: str, definitions: list[Definition]) -> list[str]:
    """Constants, classes (exceptions, enums: header and docstring) the definitions use."""
    if not source_text:
        return []
    code = "\n".join(d.code for d in definitions)
    return referenced(_declarations(source_text), code,
                      exclude={d.name for d in definitions} | {d.parent or "" for d in definitions})


@lru_cache(maxsize=16)
def _declarations(source_text: str) -> tuple[Declaration, ...]:
    from testgen import grammars

    data = source_text.encode("utf-8")
    root = grammars.parser("python").parse(data).root_node
    found = []
    for node in root.named_children:
        line = node.start_point[0] + 1
        if node.type == "expression_statement" and node.named_children and \
                node.named_children[0].type == "assignment":
            target = node.named_children[0].child_by_field_name("left")
            if target is not None:
                names = tuple(t.text.decode() for t in _identifiers(target))
                found.append(Declaration(names, node.text.decode(), line))
        elif node.type in ("class_definition", "decorated_definition"):
            cls = node if node.type == "class_definition" else \
                node.child_by_field_name("definition")
            if cls is None or cls.type != "class_definition":
                continue
            name = cls.child_by_field_name("name")
            body = cls.child_by_field_name("body")
            header = data[node.start_byte:body.start_byte].decode().rstrip() if body else ""
            doc = ""
            if body is not None and body.named_children and \
                    body.named_children[0].type == "expression_statement" and \
                    body.named_children[0].named_children and \
                    body.named_children[0].named_children[0].type == "string":
                doc = "\n    " + body.named_children[0].text.decode()
            fields = [c.text.decode() for c in (body.named_children if body else [])
                      if c.type == "expression_statement" and c.named_children and
                      c.named_children[0].type == "assignment"][:8]
            text = header + doc + "".join(f"\n    {f}" for f in fields) + \
                ("" if doc or fields else "\n    ...")
            if name is not None:
                found.append(Declaration((name.text.decode(),), text, line))
    return tuple(found)


def _identifiers(node):
    if node.type == "identifier":
        yield node
    for child in node.named_children:
        yield from _identifiers(child)
