"""Parsing JavaScript and TypeScript with tree-sitter, the definitions of a parsed file, and the
small tree helpers the rest uses (:mod:`.definitions` reads exports, parameters and JSDoc)."""

from __future__ import annotations

from typing import Any, Iterator

from testgen import grammars
from testgen.model import Definition, ParsedFile, SourceFile, SyntaxIssue

from .package import is_typescript


def grammar_for(path: str) -> tuple[str, str | None]:
    """``(grammar, variant)`` for a file name: TypeScript, TSX or JavaScript (with JSX)."""
    if path.endswith(".tsx"):
        return "typescript", "tsx"
    if is_typescript(path):
        return "typescript", "typescript"
    return "javascript", None


def parse_text(text: str, path: str) -> Any:
    name, variant = grammar_for(path)
    return grammars.parser(name, variant).parse(text.encode("utf-8"))


def parse(source: SourceFile) -> ParsedFile:
    tree = parse_text(source.text, source.rel_path)
    return ParsedFile(source=source, tree=tree, errors=syntax_errors(tree))


def extract(parsed: ParsedFile) -> list[Definition]:
    """The functions, classes and methods of ``parsed``, each testable or not with the reason."""
    from .definitions import extract as definitions  # it uses the tree helpers below

    return definitions(parsed)


def syntax_errors(tree: Any, limit: int = 20) -> list[SyntaxIssue]:
    issues: list[SyntaxIssue] = []
    if not tree.root_node.has_error:
        return issues
    for node in walk(tree.root_node):
        if len(issues) >= limit:
            break
        if node.is_error:
            issues.append(SyntaxIssue(node.start_point[0] + 1, node.start_point[1] + 1,
                                      f"syntax error near {snippet(node)!r}"))
        elif node.is_missing:
            issues.append(SyntaxIssue(node.start_point[0] + 1, node.start_point[1] + 1,
                                      f"missing {node.type!r}"))
    return issues


def walk(node: Any) -> Iterator[Any]:
    """Every node below ``node`` (inclusive), depth first, without recursion limits."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.children))


def text_of(node: Any) -> str:
    return node.text.decode("utf-8", errors="replace") if node is not None else ""


def snippet(node: Any, width: int = 30) -> str:
    return " ".join(text_of(node).split())[:width]


def line_of(node: Any) -> int:
    return node.start_point[0] + 1


def end_line_of(node: Any) -> int:
    return node.end_point[0] + 1
