"""Parse Go files with tree-sitter and list their functions and methods as definitions.

Qualified names: a function is ``Name``; a method is ``(*Type).Name`` for a pointer receiver
and ``Type.Name`` for a value receiver (type parameters of generic receivers are dropped:
``(*Stack).Push``), as in Go's own ``go doc``/pprof spelling.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from testgen.model import Definition, Parameter, ParsedFile, SourceFile, SyntaxIssue

from . import buildtags
from .decls import (FuncInfo, calls, complexity, identifiers, reached_literals, read_decls,
                    text_of)
from .gomod import find_module
from .pkgindex import package_index


def parse(source: SourceFile) -> ParsedFile:
    from testgen import grammars

    tree = grammars.parser("go").parse(source.text.encode("utf-8"))
    return ParsedFile(source=source, tree=tree, errors=syntax_issues(tree.root_node))


def syntax_issues(root: Any, limit: int = 20) -> list[SyntaxIssue]:
    issues: list[SyntaxIssue] = []
    if not root.has_error:
        return issues
    stack = [root]
    while stack and len(issues) < limit:
        node = stack.pop()
        if node.is_missing:
            issues.append(SyntaxIssue(node.start_point[0] + 1, node.start_point[1] + 1,
                                      f"syntax error: missing `{node.type}`"))
            continue
        if node.type == "ERROR":
            near = text_of(node).strip().splitlines()[0][:40] if text_of(node).strip() else ""
            issues.append(SyntaxIssue(node.start_point[0] + 1, node.start_point[1] + 1,
                                      f"syntax error near `{near}`" if near else "syntax error"))
            continue
        if node.has_error:
            stack.extend(reversed(node.children))
    issues.sort(key=lambda i: (i.line, i.column))
    return issues


def extract(parsed: ParsedFile) -> list[Definition]:
    source = parsed.source
    decls = read_decls(parsed.tree.root_node)
    directory = Path(source.path).parent
    module = find_module(directory)
    tags = buildtags.custom_tags(Path(source.path).name, source.text)
    index = package_index(directory, tags)
    excluded = buildtags.excluded_reason(Path(source.path).name, source.text, tags)
    constraint = buildtags.build_expression(source.text) or ""
    package_vars = set(index.vars) - set(index.sentinels())
    import_specs = tuple(spec for _name, _path, spec in decls.imports)
    base_details = {
        "package": decls.package,
        "module": module.path if module else "",
        "module_root": str(module.root) if module else "",
        "import_path": module.import_path(directory) if module else "",
        "go_version": module.go_version if module else "",
        "build_constraint": constraint,
        "build_tags": list(tags),
        "cgo": decls.cgo,
    }
    definitions = []
    for fn in decls.funcs:
        if fn.name == "_" or not fn.name:
            continue
        definitions.append(_definition(fn, source, decls.package, import_specs, base_details,
                                       index, package_vars, excluded))
    return definitions


def _definition(fn: FuncInfo, source: SourceFile, package: str, imports: tuple[str, ...],
                base: dict, index, package_vars: set[str], excluded: str) -> Definition:
    node = fn.node
    body = node.child_by_field_name("body")
    signature = source.text.encode()[node.start_byte:body.start_byte if body is not None
                                     else node.end_byte].decode("utf-8", "replace").strip()
    body_text = text_of(body)
    digest = hashlib.sha256((signature + "\n" + body_text).encode("utf-8")).hexdigest()
    parameters: list[Parameter] = []
    if fn.is_method:
        rtype = fn.receiver_type + (f"[{', '.join(fn.receiver_type_params)}]"
                                    if fn.receiver_type_params else "")
        parameters.append(Parameter(fn.receiver_name or "_",
                                    ("*" if fn.receiver_pointer else "") + rtype,
                                    kind="receiver"))
    for i, (name, gt) in enumerate(fn.params):
        is_variadic = fn.variadic and i == len(fn.params) - 1
        annotation = ("..." + gt.elem.render()) if is_variadic else gt.render()
        parameters.append(Parameter(name or "_", annotation,
                                    kind="var_positional" if is_variadic else "positional"))
    results = [r.render() for r in fn.results]
    if not results:
        returns = None
    elif len(results) == 1 and not any(fn.result_names):
        returns = results[0]
    else:
        returns = "(" + ", ".join(results) + ")"
    interface_params = [name for name, gt in fn.params
                        if _is_interface(gt, index)]
    testable, reason = True, ""
    if excluded:
        testable, reason = False, excluded
    elif fn.name == "init" and not fn.is_method:
        testable, reason = False, "init functions cannot be called"
    elif fn.name == "main" and not fn.is_method and package == "main":
        testable, reason = False, "main runs the program; test the functions it calls"
    used = identifiers(body) if body is not None else set()
    qual = fn.qualname
    pattern = (r"\." if fn.is_method else r"\b") + re.escape(fn.name) + r"(\[[^\]]*\])?\("
    details = dict(base)
    details.update({
        "receiver": ({"name": fn.receiver_name, "type": fn.receiver_type,
                      "pointer": fn.receiver_pointer,
                      "type_params": list(fn.receiver_type_params)}
                     if fn.is_method else None),
        "results": results,
        "result_names": list(fn.result_names),
        "returns_error": fn.returns_error,
        "variadic": fn.variadic,
        "type_params": [[n, c.render() if c.kind != "unknown" else c.text]
                        for n, c in fn.type_params],
        "interface_params": interface_params,
        "literals": reached_literals(body, index.funcs, index.methods,
                                     index.const_values) if body is not None else {},
        "doc_examples": doc_examples(fn.doc, fn.name),
        "uses_package_state": bool(used & package_vars),
        "existing_tests": sorted(index.test_names),
        "tested": bool(re.search(pattern, index.test_text)),
    })
    exported = fn.name[:1].isupper() and (not fn.is_method or fn.receiver_type[:1].isupper())
    return Definition(
        name=fn.name, qualname=qual, kind="method" if fn.is_method else "function",
        language="go", file=source.rel_path, start_line=fn.start_line, end_line=fn.end_line,
        signature=signature, code=text_of(node), content_hash=digest,
        docstring=fn.doc or None, parameters=tuple(parameters), returns=returns,
        complexity=complexity(body) if body is not None else 1,
        parent=fn.receiver_type or None, is_public=exported, testable=testable,
        untestable_reason=reason, imports=imports,
        calls=tuple(calls(body)) if body is not None else (), details=details)


def _is_interface(gt, index) -> bool:
    if gt.kind == "interface":
        return True
    if gt.kind == "name":
        if gt.name in ("any", "error") and not gt.package:
            return True
        if not gt.package and gt.name in index.types:
            return index.types[gt.name].underlying.kind == "interface"
        if gt.package in ("io", "fmt", "context", "sort", "http") and gt.name in (
                "Reader", "Writer", "ReadWriter", "Closer", "ReadCloser", "WriteCloser",
                "Stringer", "Context", "Interface", "Handler", "ResponseWriter"):
            return True
    return False


def doc_examples(doc: str, name: str) -> list[list[str]]:
    """Argument lists of calls to ``name`` written in its doc comment (``F("a", 2)``)."""
    if not doc:
        return []
    examples = []
    for match in re.finditer(re.escape(name) + r"\(", doc):
        start = match.end()
        depth, i, in_str = 1, start, ""
        while i < len(doc) and depth:
            ch = doc[i]
            if in_str:
                if ch == "\\":
                    i += 1
                elif ch == in_str:
                    in_str = ""
            elif ch in "\"'`":
                in_str = ch
            elif ch in "([{":
                depth += 1
            elif ch in ")]}":
                depth -= 1
            i += 1
        if depth:
            continue
        args = split_args(doc[start:i - 1])
        if args is not None and args not in examples:
            examples.append(args)
    return examples[:6]


def split_args(text: str) -> list[str] | None:
    """Split ``"a", f(b, c), 3`` at top-level commas; ``None`` if it is not balanced."""
    parts, depth, current, in_str, i = [], 0, "", "", 0
    while i < len(text):
        ch = text[i]
        current += ch
        if in_str:
            if ch == "\\" and i + 1 < len(text):
                current += text[i + 1]
                i += 1
            elif ch == in_str:
                in_str = ""
        elif ch in "\"'`":
            in_str = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(current[:-1].strip())
            current = ""
        i += 1
    if depth or in_str:
        return None
    if current.strip():
        parts.append(current.strip())
    return parts
