"""Read the top-level declarations of one Go file from its tree-sitter tree.

Shared by extraction (definitions of one file) and the package index (everything the probe
needs to build inputs: types, constructors, sentinel errors, enum-like constants).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .gotypes import GoType, TypeDecl, from_node, result_types

DECISION_NODES = frozenset({
    "if_statement", "for_statement", "expression_case", "type_case", "communication_case",
})


@dataclass
class FuncInfo:
    """A function or method declaration."""

    name: str
    node: Any
    params: list[tuple[str, GoType]]
    results: list[GoType]
    result_names: list[str] = field(default_factory=list)
    variadic: bool = False
    type_params: list[tuple[str, GoType]] = field(default_factory=list)
    receiver_name: str = ""
    receiver_type: str = ""
    """Base type name of the receiver (``Cart`` for ``*Cart`` or ``Stack[T]``)."""
    receiver_pointer: bool = False
    receiver_type_params: list[str] = field(default_factory=list)
    doc: str = ""

    @property
    def is_method(self) -> bool:
        return bool(self.receiver_type)

    @property
    def exported(self) -> bool:
        return self.name[:1].isupper()

    @property
    def returns_error(self) -> bool:
        return bool(self.results) and self.results[-1].is_error

    @property
    def qualname(self) -> str:
        if not self.receiver_type:
            return self.name
        if self.receiver_pointer:
            return f"(*{self.receiver_type}).{self.name}"
        return f"{self.receiver_type}.{self.name}"

    @property
    def start_line(self) -> int:
        return self.node.start_point[0] + 1

    @property
    def end_line(self) -> int:
        return self.node.end_point[0] + 1


@dataclass
class FileDecls:
    """What one file declares at top level."""

    package: str = ""
    imports: list[tuple[str, str, str]] = field(default_factory=list)
    """(name used in code, import path, spec as written) — name is ``""`` for blank/dot."""
    funcs: list[FuncInfo] = field(default_factory=list)
    types: dict[str, TypeDecl] = field(default_factory=dict)
    vars: dict[str, str] = field(default_factory=dict)
    """Package-level variable name → initializer text (``""`` when none)."""
    consts: dict[str, str] = field(default_factory=dict)
    """Constant name → its declared (or inherited, for iota groups) type name, ``""`` if untyped."""
    const_values: dict[str, Any] = field(default_factory=dict)
    """Constant name → the node of its value as written (none for an implicit repetition)."""
    cgo: bool = False


def text_of(node: Any) -> str:
    return node.text.decode("utf-8", "replace") if node is not None else ""


def read_decls(root: Any) -> FileDecls:
    out = FileDecls()
    pending_doc: list[Any] = []
    for node in root.named_children:
        if node.type == "comment":
            pending_doc.append(node)
            continue
        doc = _doc_for(node, pending_doc)
        pending_doc = []
        if node.type == "package_clause":
            ident = next((c for c in node.named_children if c.type == "package_identifier"), None)
            out.package = text_of(ident)
        elif node.type == "import_declaration":
            for spec in _descendants(node, "import_spec"):
                path = text_of(spec.child_by_field_name("path")).strip('"`')
                alias_node = spec.child_by_field_name("name")
                alias = text_of(alias_node)
                if path == "C":
                    out.cgo = True
                    continue
                if alias in ("_", "."):
                    name = ""
                else:
                    name = alias or default_package_name(path)
                spec_text = f'{alias} "{path}"' if alias else f'"{path}"'
                out.imports.append((name, path, spec_text))
        elif node.type in ("function_declaration", "method_declaration"):
            out.funcs.append(_read_func(node, doc))
        elif node.type == "type_declaration":
            for spec in node.named_children:
                if spec.type in ("type_spec", "type_alias"):
                    decl = _read_type_spec(spec)
                    if decl is not None:
                        out.types[decl.name] = decl
        elif node.type == "var_declaration":
            for spec in _descendants(node, "var_spec"):
                value = spec.child_by_field_name("value")
                for name in spec.children_by_field_name("name"):
                    out.vars[text_of(name)] = text_of(value)
        elif node.type == "const_declaration":
            last_type = ""
            for spec in _descendants(node, "const_spec"):
                type_node = spec.child_by_field_name("type")
                value = spec.child_by_field_name("value")
                if type_node is not None:
                    last_type = text_of(type_node)
                elif value is not None:
                    last_type = ""  # a new untyped value resets the implicit repetition
                for name in spec.children_by_field_name("name"):
                    out.consts[text_of(name)] = last_type
                    if value is not None:
                        out.const_values[text_of(name)] = value
    return out


def _descendants(node: Any, type_name: str) -> list[Any]:
    found = []
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == type_name:
            found.append(current)
            continue
        stack.extend(reversed(current.named_children))
    return found


def default_package_name(path: str) -> str:
    """The package name an import path usually has (``gopkg.in/yaml.v3`` → ``yaml``)."""
    last = path.rstrip("/").split("/")[-1]
    if re.fullmatch(r"v\d+", last) and "/" in path:
        last = path.rstrip("/").split("/")[-2]
    last = re.sub(r"\.v\d+$", "", last)
    last = last.removeprefix("go-").removesuffix("-go")
    return re.sub(r"[^A-Za-z0-9_]", "_", last)


def _doc_for(node: Any, comments: list[Any]) -> str:
    """The comment block ending on the line right above ``node``."""
    lines: list[str] = []
    expected = node.start_point[0] - 1
    for comment in reversed(comments):
        if comment.end_point[0] != expected:
            break
        lines.insert(0, text_of(comment))
        expected = comment.start_point[0] - 1
    cleaned = []
    for line in lines:
        if line.startswith("//go:") or line.startswith("//nolint"):
            continue
        if line.startswith("//"):
            line = line[2:]
            cleaned.append(line[1:] if line.startswith(" ") else line)
        elif line.startswith("/*"):
            cleaned.extend(line[2:-2].strip("\n").splitlines())
    return "\n".join(cleaned).strip("\n")


def _read_func(node: Any, doc: str) -> FuncInfo:
    name = text_of(node.child_by_field_name("name"))
    params: list[tuple[str, GoType]] = []
    variadic = False
    plist = node.child_by_field_name("parameters")
    index = 0
    for decl in plist.named_children if plist is not None else ():
        if decl.type not in ("parameter_declaration", "variadic_parameter_declaration"):
            continue
        gt = from_node(decl.child_by_field_name("type"))
        if decl.type == "variadic_parameter_declaration":
            variadic = True
            gt = GoType("slice", elem=gt, text="[]" + gt.render(), variadic=True)
        names = [text_of(n) for n in decl.children_by_field_name("name")]
        for pname in names or [""]:
            params.append((pname, gt))
            index += 1
    result_node = node.child_by_field_name("result")
    results = list(result_types(result_node))
    result_names: list[str] = []
    if result_node is not None and result_node.type == "parameter_list":
        for decl in result_node.named_children:
            names = [text_of(n) for n in decl.children_by_field_name("name")]
            result_names.extend(names or [""])
    type_params: list[tuple[str, GoType]] = []
    tplist = node.child_by_field_name("type_parameters")
    for decl in tplist.named_children if tplist is not None else ():
        if decl.type != "type_parameter_declaration":
            continue
        constraint = from_node(decl.child_by_field_name("type"))
        for tname in decl.children_by_field_name("name"):
            type_params.append((text_of(tname), constraint))
    info = FuncInfo(name=name, node=node, params=params, results=results,
                    result_names=result_names, variadic=variadic, type_params=type_params,
                    doc=doc)
    receiver = node.child_by_field_name("receiver")
    if receiver is not None:
        decl = next((c for c in receiver.named_children
                     if c.type == "parameter_declaration"), None)
        if decl is not None:
            names = decl.children_by_field_name("name")
            info.receiver_name = text_of(names[0]) if names else ""
            rtype = decl.child_by_field_name("type")
            if rtype is not None and rtype.type == "pointer_type":
                info.receiver_pointer = True
                rtype = rtype.named_children[0]
            if rtype is not None and rtype.type == "generic_type":
                args = rtype.child_by_field_name("type_arguments")
                info.receiver_type_params = [text_of(a) for a in args.named_children] \
                    if args is not None else []
                rtype = rtype.child_by_field_name("type")
            info.receiver_type = text_of(rtype)
    return info


def _read_type_spec(spec: Any) -> TypeDecl | None:
    name_node = spec.child_by_field_name("name")
    if name_node is None:
        return None
    type_params: list[tuple[str, GoType]] = []
    tplist = spec.child_by_field_name("type_parameters")
    for decl in tplist.named_children if tplist is not None else ():
        if decl.type == "type_parameter_declaration":
            constraint = from_node(decl.child_by_field_name("type"))
            for tname in decl.children_by_field_name("name"):
                type_params.append((text_of(tname), constraint))
    underlying = from_node(spec.child_by_field_name("type"))
    return TypeDecl(name=text_of(name_node), underlying=underlying,
                    type_params=tuple(type_params), alias=spec.type == "type_alias")


def complexity(node: Any) -> int:
    """Cyclomatic complexity: 1 + branches (if, for, case clauses, ``&&``, ``||``)."""
    count = 1
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type in DECISION_NODES:
            count += 1
        elif current.type == "binary_expression":
            op = current.child_by_field_name("operator")
            if op is not None and op.type in ("&&", "||"):
                count += 1
        elif current.type == "func_literal" and current is not node:
            pass  # closures count for the function that holds them
        stack.extend(current.children)
    return count


def calls(node: Any) -> list[str]:
    """Names called in ``node``: ``helper``, ``strconv.Atoi``, ``Total`` (for ``c.Total()``)."""
    seen: dict[str, None] = {}
    for call in _descendants_all(node, "call_expression"):
        fn = call.child_by_field_name("function")
        if fn is None:
            continue
        if fn.type == "identifier":
            seen[text_of(fn)] = None
        elif fn.type == "selector_expression":
            operand = fn.child_by_field_name("operand")
            fld = text_of(fn.child_by_field_name("field"))
            if operand is not None and operand.type == "identifier":
                seen[f"{text_of(operand)}.{fld}"] = None
            seen.setdefault(fld, None)
        elif fn.type == "generic_type" or fn.type == "index_expression":
            base = fn.named_children[0] if fn.named_children else None
            if base is not None and base.type == "identifier":
                seen[text_of(base)] = None
    return list(seen)


def _descendants_all(node: Any, type_name: str) -> list[Any]:
    found = []
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == type_name:
            found.append(current)
        stack.extend(reversed(current.named_children))
    return found


def identifiers(node: Any) -> set[str]:
    """Plain identifiers used in ``node`` (to tell which package-level names it touches)."""
    return {text_of(n) for n in _descendants_all(node, "identifier")}


def reached_literals(body: Any, funcs: dict[str, "FuncInfo"],
                     methods: dict[str, dict[str, "FuncInfo"]], const_values: dict[str, Any],
                     limit: int = 12, reach: int = 24) -> dict[str, list[str]]:
    """The literals of ``body`` first, then of the package's functions and methods it calls
    (nearest first, at most ``reach`` of them) and of the package constants those use: the
    separators and keywords a parser looks for often sit in a helper or a constant."""
    nodes = [body]
    visited: set[int] = set()
    queue = [body]
    while queue and len(visited) < reach:
        current = queue.pop(0)
        used = identifiers(current)
        nodes.extend(const_values[name] for name in sorted(used & set(const_values)))
        for name in calls(current):
            if "." in name:
                continue
            found = [funcs[name]] if name in funcs else []
            found += [m[name] for m in methods.values() if name in m]
            for fn in found:
                callee = fn.node.child_by_field_name("body")
                if callee is None or id(fn.node) in visited or callee is body:
                    continue
                visited.add(id(fn.node))
                nodes.append(callee)
                queue.append(callee)
    merged: dict[str, dict[str, None]] = {}
    for node in nodes:
        for kind, found in literals(node, limit).items():
            bucket = merged.setdefault(kind, {})
            for lit in found:
                if len(bucket) < limit:
                    bucket.setdefault(lit, None)
    return {k: list(v) for k, v in merged.items() if v}


def literals(node: Any, limit: int = 12) -> dict[str, list[str]]:
    """String, integer, float and rune literals in a body, as Go source, deduplicated."""
    found: dict[str, dict[str, None]] = {"string": {}, "int": {}, "float": {}, "rune": {}}
    for lit in _descendants_all(node, "interpreted_string_literal") + \
            _descendants_all(node, "raw_string_literal"):
        text = text_of(lit)
        if len(text) <= 42 and "\n" not in text:
            found["string"][text] = None
    for kind, node_type in (("int", "int_literal"), ("float", "float_literal"),
                            ("rune", "rune_literal")):
        for lit in _descendants_all(node, node_type):
            text = text_of(lit)
            parent = lit.parent
            if parent is not None and parent.type == "unary_expression" and \
                    text_of(parent).startswith("-"):
                text = "-" + text
            found[kind][text] = None
    return {k: list(v)[:limit] for k, v in found.items() if v}
