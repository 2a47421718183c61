"""Parse Python with tree-sitter and list the definitions a test can target.

Extraction must cost a fraction of parsing (``analyze`` runs it over whole trees), so it is one
tree-sitter query per file, executed in C, followed by plain-Python bookkeeping on the few nodes
it captures: definitions, decision points (for complexity), call names and imports. Decision
points and calls are attributed to definitions by byte offset with ``bisect``; nothing walks the
tree node by node from Python and nothing parses the file a second time.
"""

from __future__ import annotations

import hashlib
import inspect
from bisect import bisect_left
from functools import lru_cache
from typing import Any

from testgen.grammars import load as load_grammar
from testgen.grammars import parser as new_parser
from testgen.model import Definition, Parameter, ParsedFile, SourceFile, SyntaxIssue

LANGUAGE = "python"

# Cyclomatic complexity: 1 + one per branch point (McCabe, as radon and flake8 count it).
DECISION_NODES = (
    "if_statement", "elif_clause", "for_statement", "while_statement", "except_clause",
    "boolean_operator", "conditional_expression", "case_clause", "if_clause",
)

_QUERY_SOURCE = f"""
[(function_definition) (class_definition)] @def
[{" ".join(f"({n})" for n in DECISION_NODES)}] @decision
"""
# Calls are most of the captures, and only prompts read them: outline() goes without.
_CALLS_QUERY = "(call function: (_) @call)"

MAX_SYNTAX_ISSUES = 20
_STRING_PREFIX_CHARS = "rRbBuUfF"
_STRING_STARTS = frozenset(c.encode() for c in _STRING_PREFIX_CHARS + "'\"")


@lru_cache(maxsize=2)
def _query(calls: bool) -> Any:
    import tree_sitter

    return tree_sitter.Query(load_grammar(LANGUAGE),
                             _QUERY_SOURCE + _CALLS_QUERY if calls else _QUERY_SOURCE)


def parse(source: SourceFile) -> ParsedFile:
    """Parse ``source``; syntax errors (ERROR and MISSING nodes) become ``SyntaxIssue``s."""
    tree = new_parser(LANGUAGE).parse(source.text.encode("utf-8"))
    errors = syntax_issues(tree.root_node) if tree.root_node.has_error else []
    return ParsedFile(source=source, tree=tree, errors=errors)


def syntax_issues(root: Any) -> list[SyntaxIssue]:
    """Visit only the branches that contain an error, so a clean subtree costs nothing."""
    issues: list[SyntaxIssue] = []
    stack = [root]
    while stack and len(issues) < MAX_SYNTAX_ISSUES:
        node = stack.pop()
        if node.is_missing:
            issues.append(_issue(node, f"missing {node.type!r}"))
        elif node.is_error:
            snippet = (node.text or b"").decode("utf-8", "replace").strip().splitlines()
            near = snippet[0][:40] if snippet else ""
            issues.append(_issue(node, f"invalid syntax near {near!r}" if near
                                 else "invalid syntax"))
        elif node.has_error:
            stack.extend(reversed(node.children))
    return sorted(issues, key=lambda i: (i.line, i.column))


def _issue(node: Any, message: str) -> SyntaxIssue:
    row, col = node.start_point
    return SyntaxIssue(line=row + 1, column=col + 1, message=message)


def extract(parsed: ParsedFile) -> list[Definition]:
    """Functions, methods and classes of ``parsed``, outermost first, in file order."""
    return _extract(parsed, detail=True)


def outline(parsed: ParsedFile) -> list[Definition]:
    """What :func:`extract` finds, without the code, hash, docstrings, parameters, calls,
    imports and decorators that only prompts, tests and the state read (``analyze`` over a
    whole tree)."""
    return _extract(parsed, detail=False)


def _extract(parsed: ParsedFile, detail: bool) -> list[Definition]:
    import tree_sitter

    source = parsed.source
    data = source.text.encode("utf-8")
    root = parsed.tree.root_node
    captures = tree_sitter.QueryCursor(_query(detail)).captures(root)
    def_nodes = captures.get("def", [])
    decisions = [n.start_byte for n in captures.get("decision", ())]
    call_nodes = captures.get("call", [])
    call_offsets = [n.start_byte for n in call_nodes]
    call_texts = [n.text for n in call_nodes]
    if not _is_sorted(call_offsets):
        pairs = sorted(zip(call_offsets, call_texts))
        call_offsets, call_texts = [o for o, _ in pairs], [t for _, t in pairs]
    if not _is_sorted(decisions):
        decisions.sort()
    clean = {text: _callee_name(text) for text in set(call_texts)}
    call_names = [clean[text] for text in call_texts]
    imports = module_imports(root) if detail else ()
    script_ranges = _main_guard_ranges(root)

    definitions: list[Definition] = []
    # Enclosing definitions, as (end_byte, Definition); tree-sitter ranges nest properly.
    stack: list[tuple[int, Definition]] = []
    for node in sorted(def_nodes, key=lambda n: n.start_byte):
        start = node.start_byte
        while stack and stack[-1][0] <= start:
            stack.pop()
        enclosing = stack[-1][1] if stack else None
        parent = node.parent
        outer = parent if parent is not None and parent.type == "decorated_definition" else node
        lo, hi = outer.start_byte, outer.end_byte
        definition = _definition(node, outer, lo, hi, data, source, enclosing, imports,
                                 detail)
        definition.complexity = 1 + bisect_left(decisions, hi) - bisect_left(decisions, lo)
        if detail:
            names = set(call_names[bisect_left(call_offsets, lo):
                                   bisect_left(call_offsets, hi)])
            names.discard(None)
            definition.calls = tuple(sorted(names))
        if script_ranges and definition.testable and any(a <= lo < b for a, b in script_ranges):
            definition.testable = False
            definition.untestable_reason = "defined only when the file runs as a script"
        definitions.append(definition)
        stack.append((node.end_byte, definition))
    _disambiguate(definitions)
    return definitions


def _disambiguate(definitions: list[Definition]) -> None:
    """Keys must be unique, and the plain name must mean what an import gets at run time:
    property setters/deleters and ``@overload`` stubs get a suffix, and a definition that is
    redefined later in the file (``if PY2: def f…  else: def f…``) gives way to the last one."""
    seen: dict[str, list[Definition]] = {}
    for d in definitions:
        seen.setdefault(d.qualname, []).append(d)
    for qualname, group in seen.items():
        if len(group) < 2:
            continue
        plain = [d for d in group if d.details.get("decorator_kind") not in (
            "setter", "deleter") and d.untestable_reason != "typing.overload stub"]
        keeper = plain[-1] if plain else group[-1]
        for index, d in enumerate(group, 1):
            if d is keeper:
                continue
            kind = d.details.get("decorator_kind")
            if kind in ("setter", "deleter"):
                d.qualname = f"{qualname}.{kind}"
                d.untestable_reason = f"property {kind}: exercised through the property"
            elif d.untestable_reason == "typing.overload stub":
                d.qualname = f"{qualname}#overload{index}"
            else:
                d.qualname = f"{qualname}#{index}"
                d.untestable_reason = "redefined later in the file"
            d.testable = False


def _is_sorted(values: list[int]) -> bool:
    return values == sorted(values)


def _callee_name(text: bytes) -> str | None:
    """``f(...)`` calls ``f``, ``obj.method(...)`` calls ``method``; ``f()()`` names nothing."""
    if b"(" in text or b"[" in text or b'"' in text or b"'" in text:
        return None
    return text.rpartition(b".")[2].strip().decode("utf-8", "replace") or None


def _definition(node: Any, outer: Any, lo: int, hi: int, data: bytes, source: SourceFile,
                enclosing: Definition | None, imports: tuple[str, ...],
                detail: bool = True) -> Definition:
    is_class = node.type == "class_definition"
    name = node.child_by_field_name("name").text.decode("utf-8", "replace")
    body = node.child_by_field_name("body")
    decorators: tuple[str, ...] = ()
    if outer is not node:
        decorators = tuple(_text(c)[1:].strip() for c in outer.named_children
                           if c.type == "decorator")
    qualname = f"{enclosing.qualname}.{name}" if enclosing else name
    parent_is_class = enclosing is not None and enclosing.kind == "class"
    kind = "class" if is_class else ("method" if parent_is_class else "function")
    header_end = body.start_byte if body is not None else node.end_byte
    header = data[node.start_byte:header_end].decode("utf-8", "replace")
    is_async = not is_class and header.startswith("async")
    signature = " ".join(header.split()).rstrip(":").rstrip()
    code_bytes = b""
    if detail:  # from the start of the line, so a method keeps one consistent indentation
        line_start = data.rfind(b"\n", 0, lo) + 1
        code_bytes = data[line_start:hi] if not data[line_start:lo].strip() else data[lo:hi]

    parameters: tuple[Parameter, ...] = ()
    returns = None
    details: dict[str, Any] = {}
    if is_class:
        superclasses = node.child_by_field_name("superclasses")
        details["bases"] = _text(superclasses)[1:-1] if superclasses is not None else ""
    elif detail:
        receiver = parent_is_class and "staticmethod" not in decorators
        parameters = _parameters(node.child_by_field_name("parameters"), receiver)
        if "->" in header:
            ret = node.child_by_field_name("return_type")
            returns = _text(ret) if ret is not None else None

    testable, reason = True, ""
    if enclosing is not None and (not parent_is_class or not enclosing.testable):
        testable = False
        reason = (f"nested inside {enclosing.qualname}(): not reachable from a test"
                  if not parent_is_class else enclosing.untestable_reason)
    for decorator in decorators:
        base = decorator.split("(")[0]
        last = base.rsplit(".", 1)[-1]
        if last == "overload":
            testable, reason = False, "typing.overload stub"
        elif last in ("abstractmethod", "abstractproperty"):
            testable, reason = False, "abstract method"
        elif last in ("property", "staticmethod", "classmethod", "cached_property", "setter",
                      "getter", "deleter"):
            details["decorator_kind"] = last

    private = name[:1] == "_" and not (name[:2] == "__" and name[-2:] == "__")
    if testable and parent_is_class and name[:2] == "__" and name[-2:] != "__":
        # Python stores it as ``_Class__name``: only the class's own methods reach it.
        testable = False
        reason = (f"name-mangled private method (stored as _{enclosing.name.lstrip('_')}"
                  f"{name}): tested through the methods that call it")
    return Definition(
        name=name, qualname=qualname, kind=kind, language=LANGUAGE, file=source.rel_path,
        start_line=outer.start_point[0] + 1, end_line=outer.end_point[0] + 1,
        signature=signature, code=code_bytes.decode("utf-8", "replace"),
        content_hash=hashlib.sha256(code_bytes).hexdigest() if detail else "",
        docstring=_docstring(body, data) if detail else None, parameters=parameters,
        returns=returns, parent=enclosing.qualname if enclosing else None, is_async=is_async,
        is_public=not private and (enclosing is None or enclosing.is_public),
        testable=testable, untestable_reason=reason,
        decorators=decorators if detail else (), imports=imports,
        details=details,
    )


_PARAMETER_CACHE: dict[tuple[bytes, bool], tuple[Parameter, ...]] = {}


def _parameters(node: Any, receiver: bool) -> tuple[Parameter, ...]:
    if node is None:
        return ()
    raw = node.text
    key = (raw, receiver)
    cached = _PARAMETER_CACHE.get(key)
    if cached is not None:
        return cached  # Parameter is frozen: identical lists (``(self)``…) share one tuple
    text = raw[1:-1].decode("utf-8", "replace")
    if any(c in text for c in "([{'\"#\n"):
        result = _parameters_from_tree(node, receiver)
    else:
        result = _simple_parameters(text, receiver)
    if len(_PARAMETER_CACHE) < 50_000:
        _PARAMETER_CACHE[key] = result
    return result


def _simple_parameters(text: str, receiver: bool) -> tuple[Parameter, ...]:
    """Fast path for parameter lists without brackets, strings or comments (most of them)."""
    params: list[Parameter] = []
    keyword_only = False
    for piece in text.split(","):
        piece = piece.strip()
        if not piece or piece == "/":
            continue
        if piece == "*":
            keyword_only = True
            continue
        head, _, default = piece.partition("=")
        name, _, annotation = head.partition(":")
        name = name.strip()
        if name.startswith("**"):
            kind, name = "var_keyword", name[2:].strip()
        elif name.startswith("*"):
            kind, name, keyword_only = "var_positional", name[1:].strip(), True
        elif receiver and not params:
            kind = "receiver"
        else:
            kind = "keyword" if keyword_only else "positional"
        params.append(Parameter(name=name, annotation=annotation.strip() or None,
                                default=default.strip() or None, kind=kind))
    return tuple(params)


def _parameters_from_tree(node: Any, receiver: bool) -> tuple[Parameter, ...]:
    params: list[Parameter] = []
    keyword_only = False
    for child in node.named_children:
        ctype = child.type
        if ctype == "positional_separator" or ctype == "comment":
            continue
        if ctype == "keyword_separator":
            keyword_only = True
            continue
        annotation = default = None
        if ctype == "identifier":
            name = _text(child)
        elif ctype in ("typed_parameter", "list_splat_pattern", "dictionary_splat_pattern"):
            inner = child.named_children[0] if child.named_children else child
            if ctype == "typed_parameter":
                type_node = child.child_by_field_name("type")
                annotation = _text(type_node) if type_node is not None else None
                if inner.type in ("list_splat_pattern", "dictionary_splat_pattern"):
                    ctype = inner.type
                    inner = inner.named_children[0] if inner.named_children else inner
            name = _text(inner)
        elif ctype in ("default_parameter", "typed_default_parameter"):
            name = _text(child.child_by_field_name("name"))
            type_node = child.child_by_field_name("type")
            annotation = _text(type_node) if type_node is not None else None
            value = child.child_by_field_name("value")
            default = _text(value) if value is not None else None
        else:
            continue
        if ctype == "list_splat_pattern":
            param_kind = "var_positional"
            keyword_only = True
        elif ctype == "dictionary_splat_pattern":
            param_kind = "var_keyword"
        elif receiver and not params:
            param_kind = "receiver"
        else:
            param_kind = "keyword" if keyword_only else "positional"
        params.append(Parameter(name=name, annotation=annotation, default=default,
                                kind=param_kind))
    return tuple(params)


def _docstring(body: Any, data: bytes) -> str | None:
    # Most bodies do not start with a string: decide from one byte before asking the tree.
    if body is None or data[body.start_byte:body.start_byte + 1] not in _STRING_STARTS:
        return None
    if not body.named_child_count:
        return None
    first = body.named_child(0)
    if first.type != "expression_statement" or first.named_child_count != 1:
        return None
    string = first.named_child(0)
    if string.type != "string":
        return None
    return _string_value(_text(string))


def _string_value(literal: str) -> str:
    """The text of a plain string literal, without evaluating it (no ``ast``/``eval``)."""
    prefix = 0
    while prefix < len(literal) and literal[prefix] in _STRING_PREFIX_CHARS:
        prefix += 1
    body = literal[prefix:]
    for quote in ('"""', "'''", '"', "'"):
        if body.startswith(quote) and body.endswith(quote) and len(body) >= 2 * len(quote):
            body = body[len(quote):-len(quote)]
            break
    return inspect.cleandoc(body)


def module_imports(root: Any) -> tuple[str, ...]:
    """Import statements at module level, including those under module-level try/if."""
    found: list[str] = []
    pending = list(root.named_children)
    while pending:
        node = pending.pop(0)
        if node.type in ("import_statement", "import_from_statement", "future_import_statement"):
            found.append(_text(node))
        elif node.type in ("try_statement", "if_statement", "block", "else_clause",
                           "except_clause", "finally_clause", "elif_clause"):
            pending[0:0] = [c for c in node.named_children
                            if c.type not in ("comparison_operator", "identifier")]
    return tuple(found)


def _main_guard_ranges(root: Any) -> list[tuple[int, int]]:
    ranges = []
    for node in root.named_children:
        if node.type == "if_statement":
            condition = node.child_by_field_name("condition")
            text = _text(condition) if condition is not None else ""
            if "__name__" in text and "__main__" in text:
                ranges.append((node.start_byte, node.end_byte))
    return ranges


def _text(node: Any) -> str:
    return (node.text or b"").decode("utf-8", "replace") if node is not None else ""
