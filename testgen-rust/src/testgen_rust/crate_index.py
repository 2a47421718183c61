"""A crate-wide index: the module tree, what is reachable from outside, types and their impls.

Integration tests in ``tests/`` see a crate the way any other crate does: only ``pub`` items
whose module chain is ``pub`` or that a public module re-exports with ``pub use``. The index
answers "how does a test name this item?" and "how can a test build a value of this type?".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import nodes
from .manifest import Crate
from .types import Ty, from_node, generics_of

STD_TRAITS_IN_SCOPE = {
    "Clone", "Copy", "Default", "Debug", "Display", "PartialEq", "Eq", "PartialOrd", "Ord",
    "Hash", "From", "Into", "TryFrom", "TryInto", "AsRef", "AsMut", "Iterator",
    "IntoIterator", "DoubleEndedIterator", "ExactSizeIterator", "FromIterator", "Extend",
    "ToString", "Drop", "Fn", "FnMut", "FnOnce", "Send", "Sync", "Sized", "ToOwned",
}


@dataclass
class Module:
    path: tuple[str, ...]
    file: str
    """Crate-relative file that holds the module's items."""
    public: bool
    """Every module on the way from the crate root is ``pub``."""
    test_only: bool = False
    cfgs: tuple[str, ...] = ()
    """``cfg`` predicates the module is compiled under (its own and its parents')."""
    children: dict[str, "Module"] = field(default_factory=dict)


@dataclass
class Constructor:
    """An associated function returning ``Self`` (``new``, ``with_capacity``, ``from_str``…)."""

    name: str
    params: tuple[tuple[str, Ty], ...]
    returns: Ty
    wraps: str = ""
    """``Result`` / ``Option`` when the value comes wrapped, else ``""``."""


@dataclass
class TypeInfo:
    name: str
    module: tuple[str, ...]
    kind: str
    """``struct``, ``enum``, ``union`` or ``alias``."""
    public: bool
    file: str
    line: int
    derives: set[str] = field(default_factory=set)
    traits: set[str] = field(default_factory=set)
    """Traits implemented, by last path segment, derived or written by hand."""
    fields: list[tuple[str, Ty, bool]] = field(default_factory=list)
    """Named fields: (name, type, is pub)."""
    tuple_fields: list[tuple[Ty, bool]] = field(default_factory=list)
    unit: bool = False
    variants: list[tuple[str, str, list[tuple[str, Ty]]]] = field(default_factory=list)
    """Enum variants: (name, ``unit``/``tuple``/``struct``, fields)."""
    generics: tuple[str, ...] = ()
    constructors: list[Constructor] = field(default_factory=list)
    non_exhaustive: bool = False
    consts: list[str] = field(default_factory=list)
    """Public associated constants of type ``Self`` (``AsciiSet::EMPTY``)."""
    parameterised: bool = False
    """Declared with const parameters (``Pattern<const M: char>``), which a call cannot
    infer from its arguments."""
    target: str = ""
    """An alias's type as written (``Pattern<'*', '?'>``)."""

    def implements(self, trait: str) -> bool:
        return trait in self.traits or trait in self.derives


@dataclass
class ReExport:
    module: tuple[str, ...]
    source: tuple[str, ...]
    """Absolute crate path of what is re-exported (``("enc", "encode")``); ``*`` globs."""
    alias: str


@dataclass
class CrateIndex:
    crate: Crate
    modules: dict[tuple[str, ...], Module] = field(default_factory=dict)
    by_file: dict[str, tuple[str, ...]] = field(default_factory=dict)
    types: dict[str, list[TypeInfo]] = field(default_factory=dict)
    traits: dict[str, tuple[tuple[str, ...], bool]] = field(default_factory=dict)
    """Trait name → (module, is pub)."""
    reexports: list[ReExport] = field(default_factory=list)
    bin_files: set[str] = field(default_factory=set)
    constants: dict[str, list[tuple[tuple[str, ...], str, bool]]] = field(default_factory=dict)
    """Type name → public module-level ``const``/``static`` items of that type:
    (module, item name, whether the item is a ``&Type``)."""
    producers: dict[str, list[tuple[tuple[str, ...], Constructor]]] = field(
        default_factory=dict)
    """Type name → public free functions that return it (``percent_decode(..) ->
    PercentDecode``)."""

    # ----------------------------------------------------------------- queries

    def module_of(self, rel_file: str) -> Module | None:
        path = self.by_file.get(rel_file)
        return self.modules.get(path) if path is not None else None

    def public_path(self, module: tuple[str, ...], name: str, depth: int = 0) -> str | None:
        """How code outside the crate names ``module::name``, or None if it cannot."""
        lib = self.crate.lib_name
        if lib is None:
            return None
        found: list[str] = []
        mod = self.modules.get(module)
        if mod is not None and mod.public and not mod.test_only:
            found.append("::".join((lib, *module, name)))
        if depth <= 3:
            found.extend(self._reexported(module, name, depth))
        # The shortest name wins: `tally::Money` reads better than `tally::money::Money`.
        return min(found, key=lambda p: (p.count("::"), len(p))) if found else None

    def _reexported(self, module: tuple[str, ...], name: str, depth: int) -> list[str]:
        found = []
        for export in self.reexports:
            target = None
            if export.source == (*module, name):
                target = export.alias
            elif export.alias == "*" and export.source == module:
                target = name
            if target is None:
                continue
            path = self.public_path(export.module, target, depth + 1)
            if path:
                found.append(path)
        return found

    def type_info(self, name: str, near: tuple[str, ...] = ()) -> TypeInfo | None:
        found = self.types.get(name)
        if not found:
            return None
        for info in found:
            if info.module == near:
                return info
        return found[0]

    def alias_for(self, info: TypeInfo) -> TypeInfo | None:
        """A public alias without parameters of its own that fixes every parameter of the
        parameterised type ``info`` (``type WildMatch = WildMatchPattern<'*', '?'>``): the
        name a test can build it by, where the type's own name needs annotations."""
        if not info.parameterised:
            return None
        for found in self.types.values():
            for alias in found:
                if alias.kind == "alias" and not alias.parameterised and \
                        re.fullmatch(rf"(?:\w+::)*{re.escape(info.name)}\s*<.*>", alias.target) \
                        and self.type_path(alias) is not None:
                    return alias
        return None

    def type_path(self, info: TypeInfo) -> str | None:
        return self.public_path(info.module, info.name) if info.public else None

    def trait_path(self, name: str) -> str | None:
        """Public path of a crate-local trait, for ``use`` lines in tests."""
        entry = self.traits.get(name)
        if entry is None or not entry[1]:
            return None
        return self.public_path(entry[0], name)


# --------------------------------------------------------------------------- building


def _file_key(crate: Crate) -> tuple:
    files = []
    for base in ("src",):
        directory = crate.root / base
        if directory.is_dir():
            for path in directory.rglob("*.rs"):
                try:
                    stat = path.stat()
                except OSError:
                    continue
                files.append((str(path), stat.st_mtime_ns, stat.st_size))
    for extra in (crate.lib_path, *crate.bin_paths):
        if extra and not extra.startswith("src/"):
            path = crate.root / extra
            if path.is_file():
                files.append((str(path), path.stat().st_mtime_ns, path.stat().st_size))
    return tuple(sorted(files))


def index_crate(crate: Crate) -> CrateIndex:
    """Build (or reuse) the index of ``crate`` from the files on disk."""
    return _index_cached(crate, _file_key(crate))


@lru_cache(maxsize=32)
def _index_cached(crate: Crate, _key: tuple) -> CrateIndex:
    index = CrateIndex(crate=crate)
    builder = _Builder(index)
    if crate.lib_path:
        builder.load_module((), crate.lib_path, public=True, root=True)
    for bin_path in crate.bin_paths:
        before = set(index.by_file)
        builder.load_module(("<bin>",), bin_path, public=False, root=True)
        index.bin_files.update(set(index.by_file) - before)
    builder.resolve_reexports()
    return index


class _Builder:
    def __init__(self, index: CrateIndex) -> None:
        self.index = index
        self.pending_uses: list[tuple[tuple[str, ...], Any]] = []
        self.impls: dict[str, dict[str, Any]] = {}

    def load_module(self, path: tuple[str, ...], rel_file: str, *, public: bool,
                    root: bool = False, test_only: bool = False,
                    cfgs: tuple[str, ...] = ()) -> None:
        if rel_file in self.index.by_file:
            return  # the same file reached twice (a #[path] alias); the first wins
        file = self.index.crate.root / rel_file
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return
        tree = nodes.parse(text)
        inner = nodes.inner_attributes(tree.root_node)
        module = Module(path=path, file=rel_file, public=public,
                        test_only=test_only or nodes.is_cfg_test(inner),
                        cfgs=cfgs + tuple(nodes.cfg_predicates(inner)))
        self._register(module)
        self.index.by_file[rel_file] = path
        child_dir = Path(rel_file).parent if root or Path(rel_file).name == "mod.rs" else (
            Path(rel_file).parent / Path(rel_file).stem)
        self._items(tree.root_node, module, child_dir)

    def _register(self, module: Module) -> None:
        self.index.modules[module.path] = module
        parent = self.index.modules.get(module.path[:-1]) if module.path else None
        if parent is not None:
            parent.children[module.path[-1]] = module

    def _items(self, body: Any, module: Module, child_dir: Path) -> None:
        for item in body.named_children:
            kind = item.type
            if kind in ("line_comment", "block_comment", "attribute_item"):
                continue
            attrs = nodes.attributes(item)
            cfg_test = nodes.is_cfg_test(attrs) or module.test_only
            vis = nodes.visibility(item)
            if kind == "mod_item":
                self._module(item, module, child_dir, attrs, cfg_test, vis)
            elif kind in ("struct_item", "enum_item", "union_item", "type_item"):
                if not cfg_test:
                    self._type(item, module, attrs, vis)
            elif kind == "trait_item":
                name = nodes.text_of(item.child_by_field_name("name"))
                if not cfg_test:
                    self.index.traits[name] = (module.path, vis == "pub")
            elif kind == "impl_item":
                if not cfg_test:
                    self._impl(item, module)
            elif kind in ("const_item", "static_item") and vis == "pub" and not cfg_test:
                self._constant(item, module)
            elif kind == "function_item" and vis == "pub" and not cfg_test:
                self._producer(item, module)
            elif kind == "use_declaration" and vis == "pub" and not cfg_test:
                self.pending_uses.append((module.path, item.child_by_field_name("argument")))

    def _module(self, item, parent: Module, child_dir: Path, attrs, cfg_test, vis) -> None:
        name = nodes.text_of(item.child_by_field_name("name"))
        path = (*parent.path, name)
        public = parent.public and vis == "pub"
        cfgs = parent.cfgs + tuple(nodes.cfg_predicates(attrs))
        body = item.child_by_field_name("body")
        if body is not None:
            module = Module(path=path, file=parent.file, public=public, test_only=cfg_test,
                            cfgs=cfgs)
            self._register(module)
            self._items(body, module, child_dir / name)
            return
        explicit = next((re.match(r'path\s*=\s*"([^"]+)"', a) for a in attrs
                         if a.startswith("path")), None)
        root = self.index.crate.root
        if explicit:
            candidates = [Path(parent.file).parent / explicit.group(1)]
        else:
            candidates = [child_dir / f"{name}.rs", child_dir / name / "mod.rs"]
        for candidate in candidates:
            if (root / candidate).is_file():
                self.load_module(path, _normalise(candidate), public=public,
                                 test_only=cfg_test, cfgs=cfgs)
                return
        self._register(Module(path=path, file="", public=public, test_only=cfg_test,
                              cfgs=cfgs))

    def _type(self, item, module: Module, attrs: list[str], vis: str) -> None:
        name = nodes.text_of(item.child_by_field_name("name"))
        kind = item.type.split("_")[0]
        if kind == "type":
            kind = "alias"
        generics = generics_of(item)
        info = TypeInfo(name=name, module=module.path, kind=kind, public=vis == "pub",
                        file=module.file, line=item.start_point[0] + 1,
                        derives=nodes.derives(attrs), generics=tuple(generics),
                        non_exhaustive=any(a.startswith("non_exhaustive") for a in attrs))
        params = item.child_by_field_name("type_parameters")
        info.parameterised = params is not None and any(
            p.type == "const_parameter" for p in params.named_children)
        if kind == "alias":
            info.target = nodes.text_of(item.child_by_field_name("type"))
        body = item.child_by_field_name("body")
        if item.type == "struct_item":
            if body is None:
                info.unit = True
            elif body.type == "field_declaration_list":
                for fld in nodes.children_of_type(body, "field_declaration"):
                    info.fields.append((nodes.text_of(fld.child_by_field_name("name")),
                                        from_node(fld.child_by_field_name("type"), generics),
                                        nodes.visibility(fld) == "pub"))
            elif body.type == "ordered_field_declaration_list":
                info.tuple_fields = _ordered_fields(body, generics)
        elif item.type == "enum_item" and body is not None:
            for variant in nodes.children_of_type(body, "enum_variant"):
                vname = nodes.text_of(variant.child_by_field_name("name"))
                vbody = variant.child_by_field_name("body")
                if vbody is None:
                    info.variants.append((vname, "unit", []))
                elif vbody.type == "ordered_field_declaration_list":
                    info.variants.append((vname, "tuple", [
                        ("", ty) for ty, _ in _ordered_fields(vbody, generics)]))
                else:
                    info.variants.append((vname, "struct", [
                        (nodes.text_of(f.child_by_field_name("name")),
                         from_node(f.child_by_field_name("type"), generics))
                        for f in nodes.children_of_type(vbody, "field_declaration")]))
        self.index.types.setdefault(name, []).append(info)

    def _constant(self, item, module: Module) -> None:
        type_node = item.child_by_field_name("type")
        name = nodes.text_of(item.child_by_field_name("name"))
        if type_node is None or not name:
            return
        text = nodes.text_of(type_node).strip()
        by_ref = text.startswith("&") and not re.match(r"^&('\w+\s+)?mut\b", text)
        base = _base_name(text)
        if base and re.fullmatch(r"[A-Z]\w*", base) and "<" not in text:
            self.index.constants.setdefault(base, []).append((module.path, name, by_ref))

    def _producer(self, fn, module: Module) -> None:
        ret = fn.child_by_field_name("return_type")
        params = fn.child_by_field_name("parameters")
        type_params = fn.child_by_field_name("type_parameters")
        if ret is None or params is None or (type_params is not None and any(
                p.type != "lifetime_parameter" for p in type_params.named_children)):
            return  # generic over types: the engine cannot pick the type arguments
        returns = from_node(ret, {})
        if returns.kind != "path" or not re.fullmatch(r"[A-Z]\w*", returns.name or ""):
            return
        plist = tuple((nodes.text_of(p.child_by_field_name("pattern")),
                       from_node(p.child_by_field_name("type"), {}))
                      for p in nodes.children_of_type(params, "parameter"))
        self.index.producers.setdefault(returns.name, []).append((module.path, Constructor(
            name=nodes.text_of(fn.child_by_field_name("name")), params=plist,
            returns=returns)))

    def _impl(self, item, module: Module) -> None:
        self_type = item.child_by_field_name("type")
        type_name = _base_name(nodes.text_of(self_type))
        trait = item.child_by_field_name("trait")
        trait_name = _base_name(nodes.text_of(trait)) if trait is not None else ""
        record = self.impls.setdefault(type_name, {"traits": set(), "constructors": [],
                                                   "consts": []})
        if trait_name:
            record["traits"].add(trait_name)
        body = item.child_by_field_name("body")
        if body is None:
            return
        generics = generics_of(item)
        if not trait_name:
            for const in nodes.children_of_type(body, "const_item"):
                ty = _base_name(nodes.text_of(const.child_by_field_name("type")))
                if nodes.visibility(const) == "pub" and ty in ("Self", type_name):
                    record["consts"].append(nodes.text_of(const.child_by_field_name("name")))
        for fn in nodes.children_of_type(body, "function_item"):
            if trait_name and trait_name != "Default":
                continue
            params = fn.child_by_field_name("parameters")
            if params is None or nodes.first_child(params, "self_parameter") is not None:
                continue
            if not trait_name and nodes.visibility(fn) != "pub":
                continue
            if nodes.is_cfg_test(nodes.attributes(fn)):
                continue
            fn_generics = generics_of(fn, generics)
            ret = fn.child_by_field_name("return_type")
            if ret is None:
                continue
            returns = from_node(ret, fn_generics)
            wraps = ""
            target = returns
            if returns.kind == "path" and returns.name in ("Result", "Option") and returns.args:
                wraps, target = returns.name, returns.args[0]
            if not (target.kind == "path" and target.name in ("Self", type_name)):
                continue
            plist = []
            for p in nodes.children_of_type(params, "parameter"):
                plist.append((nodes.text_of(p.child_by_field_name("pattern")),
                              from_node(p.child_by_field_name("type"), fn_generics)))
            record["constructors"].append(Constructor(
                name=nodes.text_of(fn.child_by_field_name("name")), params=tuple(plist),
                returns=returns, wraps=wraps))

    def resolve_reexports(self) -> None:
        for module_path, node in self.pending_uses:
            for segments, alias in _flatten_use(node):
                absolute = self._absolute(module_path, segments)
                if absolute is not None:
                    self.index.reexports.append(ReExport(module_path, absolute, alias))
        for type_name, record in self.impls.items():
            for info in self.index.types.get(type_name, []):
                info.traits |= record["traits"]
                info.constructors.extend(record["constructors"])
                info.consts.extend(record["consts"])

    def _absolute(self, module: tuple[str, ...], segments: list[str]) -> tuple[str, ...] | None:
        if not segments:
            return None
        head = segments[0]
        if head == "crate":
            return tuple(segments[1:])
        if head == "self":
            return (*module, *segments[1:])
        if head == "super":
            base = list(module)
            rest = list(segments)
            while rest and rest[0] == "super":
                if not base:
                    return None
                base.pop()
                rest.pop(0)
            return (*base, *rest)
        if head == "":
            return None
        current = self.index.modules.get(module)
        if current is not None and head in current.children:
            return (*module, *segments)
        if head in self.index.modules.get((), Module((), "", True)).children:
            return tuple(segments)  # 2015-style absolute path
        return None


def _ordered_fields(body, generics) -> list[tuple[Ty, bool]]:
    fields = []
    pending_pub = False
    for child in body.named_children:
        if child.type == "visibility_modifier":
            pending_pub = nodes.text_of(child) == "pub"
            continue
        if child.type in ("attribute_item", "line_comment", "block_comment"):
            continue
        fields.append((from_node(child, generics), pending_pub))
        pending_pub = False
    return fields


def _base_name(text: str) -> str:
    """``Shlex<'a>`` → ``Shlex``; ``fmt::Display`` → ``Display``; ``&'a Foo`` → ``Foo``."""
    text = re.sub(r"^&('\w+\s+)?(mut\s+)?", "", text.strip())
    text = text.split("<", 1)[0]
    return text.split("::")[-1].strip()


def _normalise(path: Path) -> str:
    parts: list[str] = []
    for part in path.as_posix().split("/"):
        if part == "..":
            if parts:
                parts.pop()
        elif part not in (".", ""):
            parts.append(part)
    return "/".join(parts)


def _flatten_use(node: Any, prefix: list[str] | None = None) -> list[tuple[list[str], str]]:
    """``a::{b, c as d, e::*}`` → ``[(["a","b"],"b"), (["a","c"],"d"), (["a","e"],"*")]``."""
    prefix = prefix or []
    if node is None:
        return []
    kind = node.type
    if kind in ("identifier", "scoped_identifier", "crate", "self", "super"):
        segments = prefix + _segments(node)
        return [(segments, segments[-1])] if segments else []
    if kind == "use_as_clause":
        path = prefix + _segments(node.child_by_field_name("path"))
        alias = nodes.text_of(node.child_by_field_name("alias"))
        return [(path, alias)] if alias != "_" else []
    if kind == "use_wildcard":
        inner = node.named_children[0] if node.named_children else None
        return [(prefix + (_segments(inner) if inner is not None else []), "*")]
    if kind == "scoped_use_list":
        base = prefix + _segments(node.child_by_field_name("path"))
        return _flatten_use(node.child_by_field_name("list"), base)
    if kind == "use_list":
        found = []
        for child in node.named_children:
            if child.type == "self":
                found.append((prefix, prefix[-1] if prefix else "self"))
            else:
                found.extend(_flatten_use(child, prefix))
        return found
    return []


def _segments(node: Any) -> list[str]:
    if node is None:
        return []
    text = re.sub(r"\s+", "", nodes.text_of(node))
    return text.split("::") if text else []
