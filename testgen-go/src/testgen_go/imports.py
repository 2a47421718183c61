"""``goimports`` behaviour: import exactly the packages a file uses.

Generated code names packages by qualifier (``errors.Is``, ``reflect.DeepEqual``); this module
finds those qualifiers with tree-sitter and resolves each one to an import spec, from the specs
the candidates asked for, then the target file's own imports, then the standard library.
Unused imports are dropped, missing standard ones added.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

from .decls import default_package_name

STDLIB: dict[str, str] = {
    "bufio": "bufio", "bytes": "bytes", "cmp": "cmp", "context": "context",
    "errors": "errors", "fmt": "fmt", "io": "io", "math": "math", "os": "os",
    "path": "path", "reflect": "reflect", "regexp": "regexp", "slices": "slices",
    "maps": "maps", "sort": "sort", "strconv": "strconv", "strings": "strings",
    "sync": "sync", "testing": "testing", "time": "time", "unicode": "unicode",
    "utf8": "unicode/utf8", "utf16": "unicode/utf16", "json": "encoding/json",
    "hex": "encoding/hex", "base64": "encoding/base64", "csv": "encoding/csv",
    "xml": "encoding/xml", "binary": "encoding/binary", "big": "math/big",
    "rand": "math/rand", "bits": "math/bits", "cmplx": "math/cmplx",
    "filepath": "path/filepath", "url": "net/url", "http": "net/http", "net": "net",
    "atomic": "sync/atomic", "sha256": "crypto/sha256", "md5": "crypto/md5",
    "sha1": "crypto/sha1", "template": "text/template", "tabwriter": "text/tabwriter",
    "fs": "io/fs", "iotest": "testing/iotest", "fstest": "testing/fstest",
    "httptest": "net/http/httptest", "netip": "net/netip", "mail": "net/mail",
    "heap": "container/heap", "list": "container/list", "ring": "container/ring",
    "gzip": "compress/gzip", "crc32": "hash/crc32", "fnv": "hash/fnv", "hash": "hash",
    "html": "html", "mime": "mime", "log": "log", "slog": "log/slog", "runtime": "runtime",
    "debug": "runtime/debug", "unsafe": "unsafe", "embed": "embed", "flag": "flag",
    "exec": "os/exec", "signal": "os/signal", "user": "os/user", "ioutil": "io/ioutil",
    "scanner": "text/scanner", "ast": "go/ast", "token": "go/token", "parser": "go/parser",
    "format": "go/format", "printer": "go/printer", "expvar": "expvar", "syscall": "syscall",
}

_SPEC = re.compile(r'^\s*(?:(?P<name>[\w.]+)\s+)?"(?P<path>[^"]+)"\s*$')


def spec_name(spec: str) -> tuple[str, str]:
    """(qualifier, path) of an import spec like ``"unicode/utf8"`` or ``str "strings"``."""
    match = _SPEC.match(spec)
    if not match:
        return "", spec.strip().strip('"')
    path = match.group("path")
    name = match.group("name") or default_package_name(path)
    return name, path


def spec_for(qualifier: str, path: str) -> str:
    """The import spec that makes ``qualifier`` refer to ``path``."""
    if default_package_name(path) == qualifier:
        return f'"{path}"'
    return f'{qualifier} "{path}"'


def used_qualifiers(tree_root: Any) -> set[str]:
    """Identifiers used as package qualifiers: ``x`` in ``x.Y`` (expressions and types)."""
    found: set[str] = set()
    stack = [tree_root]
    while stack:
        node = stack.pop()
        if node.type == "selector_expression":
            operand = node.child_by_field_name("operand")
            if operand is not None and operand.type == "identifier":
                found.add(operand.text.decode())
        elif node.type == "qualified_type":
            pkg = node.child_by_field_name("package")
            if pkg is not None:
                found.add(pkg.text.decode())
        if node.type == "import_declaration":
            continue
        stack.extend(node.named_children)
    return found


def local_names(tree_root: Any) -> set[str]:
    """Names declared at top level or as parameters/variables (they shadow packages)."""
    names: set[str] = set()
    stack = [tree_root]
    while stack:
        node = stack.pop()
        if node.type in ("parameter_declaration", "var_spec", "const_spec"):
            names.update(n.text.decode() for n in node.children_by_field_name("name"))
        elif node.type in ("short_var_declaration", "range_clause"):
            left = node.child_by_field_name("left")
            if left is not None:
                names.update(c.text.decode() for c in left.named_children
                             if c.type == "identifier")
        elif node.type in ("function_declaration", "type_spec"):
            name = node.child_by_field_name("name")
            if name is not None:
                names.add(name.text.decode())
        stack.extend(node.named_children)
    return names


def resolve(code: str, preferred: Iterable[str], fallback: Iterable[str] = (),
            extra_locals: Iterable[str] = ()) -> list[str]:
    """Import specs ``code`` needs, in goimports order (standard library first)."""
    from testgen import grammars

    root = grammars.parser("go").parse(code.encode()).root_node
    used = used_qualifiers(root)
    shadowed = local_names(root) | set(extra_locals)
    table: dict[str, str] = {}
    for spec in list(preferred) + list(fallback):
        name, path = spec_name(spec)
        if name and name not in ("_", "."):
            table.setdefault(name, spec_for(name, path))
    for name, path in STDLIB.items():
        table.setdefault(name, f'"{path}"' if default_package_name(path) == name
                         else f'{name} "{path}"')
    specs = []
    for qualifier in sorted(used):
        if qualifier in shadowed and qualifier not in {spec_name(s)[0] for s in preferred}:
            continue
        if qualifier in table:
            specs.append(table[qualifier])
    return order(specs)


def order(specs: Iterable[str]) -> list[str]:
    unique = sorted(set(specs), key=lambda s: spec_name(s)[1])
    std = [s for s in unique if "." not in spec_name(s)[1].split("/")[0]]
    other = [s for s in unique if s not in std]
    return std + ([""] if std and other else []) + other


def render_block(specs: list[str]) -> str:
    if not specs:
        return ""
    real = [s for s in specs if s]
    if len(real) == 1:
        return f"import {real[0]}\n"
    lines = ["import ("]
    lines.extend(f"\t{s}" if s else "" for s in specs)
    lines.append(")")
    return "\n".join(lines) + "\n"
