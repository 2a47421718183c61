"""Parse C with tree-sitter and list the functions a test can call.

Every function *definition* (a prototype is not one) becomes a :class:`Definition`. ``static``
functions are testable too: the generated test ``#include``s the ``.c`` file, so it sees them.
``main`` is not (it is the program, not a unit), nor is a function whose declarator the plugin
cannot read (one returning a function pointer).
"""

from __future__ import annotations

import hashlib
import re

from testgen import grammars
from testgen.model import Definition, Parameter, ParsedFile, SourceFile, SyntaxIssue

from .project import LANGUAGE
from .scalars import classify, normalize

DECISIONS = frozenset({"if_statement", "for_statement", "while_statement", "do_statement",
                       "case_statement", "conditional_expression"})
CONTAINERS = frozenset({"translation_unit", "preproc_if", "preproc_ifdef", "preproc_else",
                        "preproc_elif", "preproc_elifdef", "linkage_specification",
                        "declaration_list"})


def parse(source: SourceFile) -> ParsedFile:
    tree = grammars.parser("c").parse(source.text.encode("utf-8"))
    return ParsedFile(source=source, tree=tree, errors=syntax_errors(tree.root_node))


def syntax_errors(root) -> list[SyntaxIssue]:
    if not root.has_error:
        return []
    issues = []
    stack = [root]
    while stack:
        node = stack.pop()
        if node.is_missing:
            issues.append(SyntaxIssue(node.start_point[0] + 1, node.start_point[1] + 1,
                                      f"missing `{node.type}`"))
        elif node.type == "ERROR":
            text = node.text.decode("utf-8", "replace").strip().splitlines()
            near = text[0][:40] if text else ""
            issues.append(SyntaxIssue(node.start_point[0] + 1, node.start_point[1] + 1,
                                      f"syntax error near `{near}`"))
            continue
        stack.extend(c for c in node.children if c.has_error or c.is_missing)
    return sorted(issues, key=lambda i: (i.line, i.column))


# --------------------------------------------------------------------------- extract


def extract(parsed: ParsedFile) -> list[Definition]:
    source = parsed.source
    includes = tuple(_text(n).strip() for n in _top_level(parsed.tree.root_node)
                     if n.type == "preproc_include")
    return [d for d in (_definition(node, source, includes)
                        for node in _top_level(parsed.tree.root_node)
                        if node.type == "function_definition") if d is not None]


def _top_level(root):
    """Nodes at file level, looking inside ``#if`` blocks and ``extern "C"`` braces."""
    stack = list(reversed(root.children))
    while stack:
        node = stack.pop()
        if node.type in CONTAINERS:
            stack.extend(reversed(node.children))
        else:
            yield node


def _definition(node, source: SourceFile, includes: tuple[str, ...]) -> Definition | None:
    declarator = node.child_by_field_name("declarator")
    body = node.child_by_field_name("body")
    if declarator is None or body is None:
        return None
    stars = 0
    while declarator is not None and declarator.type == "pointer_declarator":
        stars += 1
        declarator = declarator.child_by_field_name("declarator")
    if declarator is None or declarator.type != "function_declarator":
        return None
    name_node = declarator.child_by_field_name("declarator")
    readable = name_node is not None and name_node.type == "identifier"
    name = _text(name_node) if readable else _text(declarator).split("(")[0].strip("(* ")
    storage = [_text(c) for c in node.children if c.type == "storage_class_specifier"]
    returns = _return_type(node, stars)
    parameters, variadic = _parameters(declarator.child_by_field_name("parameters"))
    signature = normalize_signature(source.text[node.start_byte:body.start_byte])
    code = _text(node)
    testable, reason = True, ""
    if name == "main":
        testable, reason = False, "main() is the program's entry point; test what it calls"
    elif not readable:
        testable, reason = False, "the declarator is too complex to call from a test"
    ret = classify(returns, returned=True)
    return Definition(
        name=name, qualname=name, kind="function", language=LANGUAGE, file=source.rel_path,
        start_line=node.start_point[0] + 1, end_line=node.end_point[0] + 1,
        signature=signature, code=code,
        content_hash=hashlib.sha256((signature + "\n" + _text(body)).encode()).hexdigest(),
        docstring=_doc_comment(node), parameters=tuple(parameters),
        returns=None if ret.text == "void" else ret.text, complexity=_complexity(body),
        is_public="static" not in storage, testable=testable, untestable_reason=reason,
        imports=includes, calls=_calls(body),
        details={"static": "static" in storage, "variadic": variadic,
                 "literals": _literals(body)},
    )


def normalize_signature(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _return_type(node, stars: int) -> str:
    parts = [_text(c) for c in node.children
             if c.type in ("type_qualifier", "primitive_type", "sized_type_specifier",
                           "type_identifier", "struct_specifier", "enum_specifier",
                           "union_specifier")]
    return normalize(" ".join(parts) + " *" * stars)


def _parameters(plist) -> tuple[list[Parameter], bool]:
    params: list[Parameter] = []
    variadic = False
    if plist is None:
        return params, variadic
    for child in plist.named_children:
        if child.type == "variadic_parameter":
            variadic = True
            continue
        if child.type != "parameter_declaration":
            continue
        text = _text(child)
        if normalize(text) == "void":
            continue
        ident = _declared_name(child.child_by_field_name("declarator"))
        type_text = text if ident is None else _remove_last(text, ident)
        params.append(Parameter(name=ident or f"arg{len(params)}",
                                annotation=normalize(type_text)))
    return params, variadic


def _declared_name(node) -> str | None:
    while node is not None:
        if node.type == "identifier":
            return _text(node)
        node = node.child_by_field_name("declarator")
    return None


def _remove_last(text: str, word: str) -> str:
    index = text.rfind(word)
    return text[:index] + text[index + len(word):] if index >= 0 else text


def _doc_comment(node) -> str | None:
    prev = node.prev_sibling
    if prev is None or prev.type != "comment" or prev.end_point[0] < node.start_point[0] - 1:
        return None
    text = _text(prev)
    if text.startswith("/*"):
        text = text[2:-2]
        lines = [re.sub(r"^\s*\*?\s?", "", line) for line in text.splitlines()]
    else:
        lines = [text.lstrip("/").strip()]
    return "\n".join(lines).strip() or None


def _walk(node):
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.children))


def _complexity(body) -> int:
    score = 1
    for node in _walk(body):
        if node.type in DECISIONS:
            score += 1
        elif node.type == "binary_expression":
            operator = node.child_by_field_name("operator")
            if operator is not None and operator.type in ("&&", "||"):
                score += 1
    return score


def _calls(body) -> tuple[str, ...]:
    names: list[str] = []
    for node in _walk(body):
        if node.type == "call_expression":
            function = node.child_by_field_name("function")
            if function is not None and function.type == "identifier":
                name = _text(function)
                if name not in names:
                    names.append(name)
    return tuple(sorted(names))


def _literals(body) -> tuple[str, ...]:
    """Numbers, characters and short strings in the body: inputs that reach its branches."""
    found: list[str] = []
    for node in _walk(body):
        if node.type in ("number_literal", "char_literal") or (
                node.type == "string_literal" and len(_text(node)) <= 24):
            text = _text(node)
            if node.type == "number_literal":
                text = text.rstrip("uUlLfF") or text
            if text not in found:
                found.append(text)
    return tuple(found[:6])


def _text(node) -> str:
    return node.text.decode("utf-8", "replace") if node is not None else ""
