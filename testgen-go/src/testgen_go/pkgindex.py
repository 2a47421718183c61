"""Everything one Go package declares, across its files.

The probe builds inputs from it (struct fields, named types, enum constants, constructors,
implementations of interfaces) and checks errors against its sentinels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import buildtags
from .decls import FileDecls, FuncInfo, read_decls
from .gotypes import TypeDecl

TEST_FUNC = re.compile(r"^func\s+((?:Test|Benchmark|Fuzz|Example)\w*)\s*\(", re.M)


@dataclass
class PackageIndex:
    directory: Path
    name: str = ""
    types: dict[str, TypeDecl] = field(default_factory=dict)
    funcs: dict[str, FuncInfo] = field(default_factory=dict)
    methods: dict[str, dict[str, FuncInfo]] = field(default_factory=dict)
    """Receiver base type name → method name → declaration."""
    vars: dict[str, str] = field(default_factory=dict)
    consts: dict[str, str] = field(default_factory=dict)
    const_values: dict[str, Any] = field(default_factory=dict)
    """Constant name → the node of its value (see :attr:`FileDecls.const_values`)."""
    imports: dict[str, str] = field(default_factory=dict)
    """Qualifier → import path, over all files (first wins)."""
    test_names: set[str] = field(default_factory=set)
    """Top-level Test/Benchmark/Fuzz/Example functions in the package's ``_test.go`` files."""
    test_text: str = ""
    """The package's test files, concatenated (to tell what is already exercised)."""
    cgo: bool = False
    files: list[str] = field(default_factory=list)

    # ----------------------------------------------------------------- queries

    def sentinels(self) -> list[str]:
        """Package-level error variables (``ErrNotFound``), in declaration order."""
        out = []
        for name, init in self.vars.items():
            if not (name.startswith("Err") or name.startswith("err")):
                continue
            if re.search(r"\b(errors\.New|fmt\.Errorf)\(", init) or not init:
                out.append(name)
        return out

    def constants_of(self, type_name: str) -> list[str]:
        return [n for n, t in self.consts.items() if t == type_name and n != "_"]

    def constructors(self, type_name: str) -> list[FuncInfo]:
        """``NewX`` style functions whose first result is ``X`` or ``*X``."""
        found = []
        for fn in self.funcs.values():
            if not fn.results or fn.type_params:
                continue
            first = fn.results[0]
            base = first.elem if first.kind == "pointer" else first
            if base is None or base.kind != "name" or base.package or base.name != type_name:
                continue
            if len(fn.results) > 2 or (len(fn.results) == 2 and not fn.results[1].is_error):
                continue
            if fn.name.startswith(("New", "new", "Make", "Must")):
                found.append(fn)
        found.sort(key=lambda f: (len(f.params), not f.name.startswith("New")))
        return found

    def implementations(self, methods: tuple[str, ...]) -> list[tuple[str, bool]]:
        """Package types whose method set has every name in ``methods``: (type, needs_pointer)."""
        found = []
        for type_name, by_name in self.methods.items():
            if type_name in self.types and self.types[type_name].type_params:
                continue
            if all(m in by_name for m in methods):
                pointer = any(by_name[m].receiver_pointer for m in methods)
                found.append((type_name, pointer))
        return found


def _package_files(directory: Path) -> tuple[tuple[str, float], ...]:
    entries = []
    try:
        for path in sorted(directory.iterdir()):
            if path.suffix == ".go" and path.is_file():
                entries.append((path.name, path.stat().st_mtime))
    except OSError:
        pass
    return tuple(entries)


def package_index(directory: Path, tags: tuple[str, ...] = ()) -> PackageIndex:
    """Index of the package in ``directory`` as built with the custom build ``tags``
    (cached until one of its files changes)."""
    directory = directory.resolve()
    return _index(directory, _package_files(directory), tuple(tags))


@lru_cache(maxsize=64)
def _index(directory: Path, files: tuple[tuple[str, float], ...],
           tags: tuple[str, ...]) -> PackageIndex:
    from testgen import grammars

    parser = grammars.parser("go")
    index = PackageIndex(directory=directory)
    tests: list[str] = []
    for name, _ in files:
        path = directory / name
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if name.endswith("_test.go"):
            tests.append(text)
            index.test_names.update(TEST_FUNC.findall(text))
            continue
        if buildtags.excluded_reason(name, text, tags):
            continue
        decls: FileDecls = read_decls(parser.parse(text.encode()).root_node)
        index.files.append(name)
        index.name = index.name or decls.package
        index.cgo = index.cgo or decls.cgo
        index.types.update(decls.types)
        index.vars.update(decls.vars)
        index.consts.update(decls.consts)
        index.const_values.update(decls.const_values)
        for qualifier, path_, _spec in decls.imports:
            if qualifier:
                index.imports.setdefault(qualifier, path_)
        for fn in decls.funcs:
            if fn.is_method:
                index.methods.setdefault(fn.receiver_type, {})[fn.name] = fn
            else:
                index.funcs[fn.name] = fn
    index.test_text = "\n".join(tests)
    return index
