"""Small helpers over tree-sitter-rust nodes: attributes, doc comments, visibility, cfg."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Iterator

from testgen import grammars

ITEM_TRIVIA = ("attribute_item", "line_comment", "block_comment")
CFG_TEST = re.compile(r"^cfg\s*\((?!.*\bnot\s*\(\s*test\b).*\btest\b")


@lru_cache(maxsize=1)
def _parser() -> Any:
    return grammars.parser("rust")


def parse(text: str | bytes) -> Any:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return _parser().parse(data)


def text_of(node: Any) -> str:
    return node.text.decode("utf-8", errors="replace") if node is not None else ""


def children_of_type(node: Any, *types: str) -> Iterator[Any]:
    for child in node.named_children:
        if child.type in types:
            yield child


def first_child(node: Any, *types: str) -> Any | None:
    return next(children_of_type(node, *types), None)


def walk(node: Any) -> Iterator[Any]:
    """Every node below ``node`` (pre-order), without recursion limits."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.children))


def leading_trivia(item: Any) -> list[Any]:
    """Attributes and comments directly above ``item``, top to bottom."""
    found = []
    sibling = item.prev_sibling
    while sibling is not None and sibling.type in ITEM_TRIVIA:
        found.append(sibling)
        sibling = sibling.prev_sibling
    return list(reversed(found))


def attributes(item: Any) -> list[str]:
    """Outer attributes of ``item`` as written inside ``#[...]`` (``cfg(test)``, ``inline``)."""
    attrs = []
    for node in leading_trivia(item):
        if node.type == "attribute_item":
            inner = first_child(node, "attribute")
            attrs.append(re.sub(r"\s+", " ", text_of(inner)).strip())
    return attrs


def doc_comment(item: Any) -> str | None:
    """The item's ``///`` / ``/** */`` / ``#[doc = ...]`` documentation, markers removed."""
    lines: list[str] = []
    for node in leading_trivia(item):
        if node.type == "line_comment" and first_child(node, "outer_doc_comment_marker"):
            doc = first_child(node, "doc_comment")
            line = text_of(doc).rstrip("\n")
            lines.append(line[1:] if line.startswith(" ") else line)
        elif node.type == "block_comment" and first_child(node, "outer_doc_comment_marker"):
            doc = first_child(node, "doc_comment")
            for line in text_of(doc).splitlines():
                lines.append(re.sub(r"^\s*\*? ?", "", line))
        elif node.type == "attribute_item":
            match = re.match(r'doc\s*=\s*"(.*)"$', text_of(first_child(node, "attribute")),
                             re.S)
            if match:
                lines.append(match.group(1))
    text = "\n".join(lines).strip("\n")
    return text or None


def inner_attributes(node: Any) -> list[str]:
    """``#![...]`` attributes at the top of a file or module body."""
    return [re.sub(r"\s+", " ", text_of(first_child(c, "attribute"))).strip()
            for c in node.named_children if c.type == "inner_attribute_item"]


def is_cfg_test(attrs: list[str]) -> bool:
    return any(CFG_TEST.search(a) for a in attrs)


def is_test_function(attrs: list[str]) -> bool:
    return any(re.match(r"^(?:\w+::)*test\b|^rstest\b|^test_case\b", a) for a in attrs)


def cfg_predicates(attrs: list[str]) -> list[str]:
    """The predicates an item is compiled under: ``#[cfg(feature = "x")]`` →
    ``['feature = "x"']`` (every one must hold)."""
    found = []
    for attr in attrs:
        match = re.match(r"^cfg\s*\((.*)\)\s*$", attr, re.S)
        if match:
            found.append(match.group(1).strip())
    return found


def visibility(item: Any) -> str:
    """``pub``, ``pub(crate)``, ``pub(super)``… or ``""`` for private."""
    node = first_child(item, "visibility_modifier")
    return re.sub(r"\s+", "", text_of(node)) if node is not None else ""


def derives(attrs: list[str]) -> set[str]:
    found: set[str] = set()
    for attr in attrs:
        match = re.match(r"derive\s*\((.*)\)$", attr, re.S)
        if match:
            found.update(p.strip().split("::")[-1] for p in match.group(1).split(",")
                         if p.strip())
    return found


DOC_FENCE = re.compile(r"^\s*```\s*([\w,\s-]*)$")


def doc_examples(doc: str | None) -> list[str]:
    """Rust code blocks of a doc comment (what ``cargo test --doc`` would run), ``#`` lines
    unhidden; blocks marked ``ignore``, ``no_run``, ``compile_fail`` or another language skipped."""
    if not doc:
        return []
    blocks, current, info = [], None, ""
    for line in doc.splitlines():
        fence = DOC_FENCE.match(line)
        if fence and current is None:
            current, info = [], fence.group(1).strip()
            continue
        if line.strip().startswith("```") and current is not None:
            tags = {t.strip() for t in info.split(",") if t.strip()}
            if not tags or tags <= {"rust", "should_panic", "edition2018", "edition2021"}:
                if not tags & {"should_panic"}:
                    blocks.append("\n".join(current))
            current = None
            continue
        if current is not None:
            stripped = line.strip()
            if stripped.startswith("# ") or stripped == "#":
                line = stripped[2:]
            current.append(line)
    return blocks
