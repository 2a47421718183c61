"""Parse Rust files and list their functions and methods as Definitions."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from testgen.model import Definition, Parameter, ParsedFile, SourceFile, SyntaxIssue

from . import nodes
from .crate_index import CrateIndex, STD_TRAITS_IN_SCOPE, index_crate
from .features import requirement
from .manifest import Crate, crate_for, module_name
from .types import generics_of

LANGUAGE = "rust"
DECISIONS = {"if_expression", "while_expression", "for_expression", "loop_expression",
             "try_expression", "match_arm"}


def parse(source: SourceFile) -> ParsedFile:
    tree = nodes.parse(source.text)
    errors: list[SyntaxIssue] = []
    if tree.root_node.has_error:
        for node in nodes.walk(tree.root_node):
            if node.type == "ERROR" or node.is_missing:
                row, col = node.start_point
                what = f"missing {node.type}" if node.is_missing else "unexpected " + repr(
                    nodes.text_of(node)[:30])
                errors.append(SyntaxIssue(row + 1, col + 1, f"syntax error: {what}"))
                if len(errors) >= 20:
                    break
    return ParsedFile(source=source, tree=tree, errors=errors)


class _Context:
    """What every definition of one file shares: crate, module, index, imports."""

    def __init__(self, parsed: ParsedFile) -> None:
        source = parsed.source
        self.source = source
        self.crate: Crate | None = crate_for(source.path, stop=source.project_root)
        self.index: CrateIndex | None = index_crate(self.crate) if self.crate else None
        self.crate_rel = ""
        self.file_in_crate = ""
        if self.crate is not None:
            try:
                self.file_in_crate = source.path.resolve().relative_to(
                    self.crate.root.resolve()).as_posix()
                self.crate_rel = self.crate.root.resolve().relative_to(
                    source.project_root.resolve()).as_posix()
            except ValueError:
                self.file_in_crate = ""
        self.module = self.index.module_of(self.file_in_crate) if self.index else None
        self.test_file = ""
        if self.crate is not None and self.file_in_crate:
            prefix = f"{self.crate_rel}/" if self.crate_rel not in ("", ".") else ""
            self.test_file = (f"{prefix}tests/testgen_"
                              f"{module_name(self.crate, self.crate.root / self.file_in_crate)}.rs")
        root = parsed.tree.root_node
        self.imports = tuple(re.sub(r"\s+", " ", nodes.text_of(n)).strip()
                             for n in root.named_children if n.type == "use_declaration")
        self.file_test_only = nodes.is_cfg_test(nodes.inner_attributes(root))
        self.seen: dict[str, int] = {}

    def unreachable_reason(self) -> str:
        """Why nothing in this file can be called from tests/, or ``""``."""
        if self.crate is None:
            return "not inside a Cargo package (no Cargo.toml with [package] above it)"
        if self.file_in_crate in (self.index.bin_files if self.index else set()):
            return ("binary target: tests/ cannot import items of a binary crate (move the "
                    "logic into src/lib.rs to test it)")
        if self.crate.lib_name is None:
            return "the package has no library target, so tests/ cannot import it"
        if self.crate.proc_macro:
            return ("proc-macro crate: its functions run inside the compiler and cannot be "
                    "called from tests/ (test the macros through a crate that uses them)")
        if self.file_in_crate == (self.crate.build_script or "build.rs"):
            return "build script: it runs at build time and is not part of the library"
        if self.module is None:
            top = self.file_in_crate.split("/", 1)[0]
            if top in ("tests", "benches", "examples"):
                return f"{top}/ file: not part of the library"
            return "not part of the library's module tree (no `mod` declaration reaches it)"
        return ""


def extract(parsed: ParsedFile) -> list[Definition]:
    ctx = _Context(parsed)
    definitions: list[Definition] = []
    module_path = ctx.module.path if ctx.module else ()
    _walk_items(parsed.tree.root_node, ctx, module_path, (), definitions,
                in_test=ctx.file_test_only or bool(ctx.module and ctx.module.test_only),
                cfgs=ctx.module.cfgs if ctx.module else ())
    return definitions


def _walk_items(body: Any, ctx: _Context, module: tuple[str, ...], inline: tuple[str, ...],
                out: list[Definition], in_test: bool, cfgs: tuple[str, ...] = ()) -> None:
    for item in body.named_children:
        attrs = nodes.attributes(item) if item.type not in ("line_comment",
                                                             "block_comment") else []
        if in_test or nodes.is_cfg_test(attrs):
            continue  # #[cfg(test)] code is the crate's own tests, never a target
        if item.type == "function_item":
            if nodes.is_test_function(attrs):
                continue
            out.append(_definition(item, ctx, module, inline, attrs, owner=None, cfgs=cfgs))
        elif item.type == "impl_item":
            _impl_items(item, ctx, module, inline, out, cfgs + tuple(nodes.cfg_predicates(attrs)))
        elif item.type == "trait_item":
            _trait_items(item, ctx, module, inline, out,
                         cfgs + tuple(nodes.cfg_predicates(attrs)))
        elif item.type == "mod_item" and item.child_by_field_name("body") is not None:
            name = nodes.text_of(item.child_by_field_name("name"))
            _walk_items(item.child_by_field_name("body"), ctx, (*module, name),
                        (*inline, name), out, in_test=False,
                        cfgs=cfgs + tuple(nodes.cfg_predicates(attrs)))


def _impl_items(item: Any, ctx: _Context, module, inline, out: list[Definition],
                cfgs: tuple[str, ...] = ()) -> None:
    self_node = item.child_by_field_name("type")
    trait_node = item.child_by_field_name("trait")
    self_text = nodes.text_of(self_node)
    type_name = re.sub(r"<.*", "", re.sub(r"^&('\w+\s+)?(mut\s+)?", "", self_text)).split(
        "::")[-1].strip()
    owner = {
        "type": type_name, "self_type": self_text,
        "trait": nodes.text_of(trait_node) if trait_node is not None else "",
        "generics": generics_of(item),
    }
    body = item.child_by_field_name("body")
    if body is None:
        return
    for fn in nodes.children_of_type(body, "function_item"):
        attrs = nodes.attributes(fn)
        if nodes.is_cfg_test(attrs) or nodes.is_test_function(attrs):
            continue
        out.append(_definition(fn, ctx, module, inline, attrs, owner=owner, cfgs=cfgs))


def _trait_items(item: Any, ctx: _Context, module, inline, out: list[Definition],
                 cfgs: tuple[str, ...] = ()) -> None:
    name = nodes.text_of(item.child_by_field_name("name"))
    owner = {"type": name, "self_type": name, "trait": name, "generics": generics_of(item),
             "trait_default": True, "trait_public": nodes.visibility(item) == "pub"}
    body = item.child_by_field_name("body")
    if body is None:
        return
    for fn in nodes.children_of_type(body, "function_item"):  # default methods only
        attrs = nodes.attributes(fn)
        if not nodes.is_cfg_test(attrs):
            out.append(_definition(fn, ctx, module, inline, attrs, owner=owner, cfgs=cfgs))


def _definition(fn: Any, ctx: _Context, module: tuple[str, ...], inline: tuple[str, ...],
                attrs: list[str], owner: dict | None, cfgs: tuple[str, ...] = ()
                ) -> Definition:
    source = ctx.source
    name = nodes.text_of(fn.child_by_field_name("name"))
    body = fn.child_by_field_name("body")
    params_node = fn.child_by_field_name("parameters")
    generics = generics_of(fn, owner["generics"] if owner else None)
    if owner:
        generics.setdefault("Self", ())
    modifiers = nodes.text_of(nodes.first_child(fn, "function_modifiers"))

    parameters: list[Parameter] = []
    receiver = None
    for param in params_node.named_children if params_node is not None else ():
        if param.type == "self_parameter":
            receiver = re.sub(r"\s+", " ", nodes.text_of(param))
            parameters.append(Parameter(name="self", annotation=receiver, kind="receiver"))
        elif param.type == "parameter":
            parameters.append(Parameter(
                name=nodes.text_of(param.child_by_field_name("pattern")),
                annotation=re.sub(r"\s+", " ", nodes.text_of(param.child_by_field_name("type")))))
        elif param.type == "variadic_parameter":
            parameters.append(Parameter(name="...", kind="var_positional"))
    ret_node = fn.child_by_field_name("return_type")
    returns = re.sub(r"\s+", " ", nodes.text_of(ret_node)) if ret_node is not None else None

    sig_end = body.start_byte if body is not None else fn.end_byte
    signature = re.sub(r"\s+", " ", fn.text[: sig_end - fn.start_byte].decode(
        "utf-8", "replace")).strip().rstrip(";").strip()
    code = nodes.text_of(fn)
    vis = nodes.visibility(fn)
    type_name = owner["type"] if owner else None
    qualname = "::".join((*inline, type_name, name) if type_name else (*inline, name))
    if owner and owner["trait"] and not owner.get("trait_default"):
        # Two trait impls may define the same method (`From<A>::from`, `From<B>::from`).
        plain = qualname
        if plain in ctx.seen:
            qualname = f"<{'::'.join((*inline, type_name))} as {owner['trait']}>::{name}"
    count = ctx.seen.get(qualname, 0)
    ctx.seen[qualname] = count + 1
    if count:
        qualname = f"{qualname}@{fn.start_point[0] + 1}"

    doc = nodes.doc_comment(fn)
    details: dict[str, Any] = {
        "module_path": "::".join(("crate", *module)),
        "crate": ctx.crate.lib_name if ctx.crate else None,
        "package": ctx.crate.package if ctx.crate else None,
        "crate_dir": ctx.crate_rel,
        "edition": ctx.crate.edition if ctx.crate else None,
        "visibility": vis,
        "receiver": receiver,
        "unsafe": "unsafe" in modifiers.split(),
        "const": "const" in modifiers.split(),
        "extern": "extern" in modifiers,
        "generics": sorted(k for k in generics if k != "Self"),
        "lifetimes": _lifetimes(fn),
        "returns_result": bool(ret_node is not None and re.match(
            r"(?:[\w:]+::)?(?:io::)?Result\b", nodes.text_of(ret_node))),
        "returns_option": bool(ret_node is not None and re.match(
            r"(?:std::option::)?Option\b", nodes.text_of(ret_node))),
        "doc_examples": nodes.doc_examples(doc),
        "cfg": [*cfgs, *nodes.cfg_predicates(attrs)],
        "features": [],  # non-default features it needs; its tests are gated on them
        "literals": _literals(body),
        "test_file": ctx.test_file,
        "dev_dependencies": list(ctx.crate.dev_dependencies) if ctx.crate else [],
    }
    if owner:
        details.update({"self_type": owner["self_type"], "trait": owner["trait"],
                        "type": owner["type"], "trait_default": owner.get("trait_default",
                                                                          False)})
    testable, reason, call_path = _reachability(ctx, module, name, vis, owner, details)
    details["path"] = call_path
    if details["unsafe"]:
        details["probe_skip"] = "unsafe fn: its safety preconditions are not known"
    if "async" in modifiers.split():
        details["probe_skip"] = "async fn: needs an executor the offline engine does not pick"
    return Definition(
        name=name, qualname=qualname, kind="method" if owner else "function",
        language=LANGUAGE, file=source.rel_path, start_line=fn.start_point[0] + 1,
        end_line=fn.end_point[0] + 1, signature=signature, code=code,
        content_hash=hashlib.sha256(code.encode("utf-8")).hexdigest(),
        docstring=doc, parameters=tuple(parameters), returns=returns,
        complexity=_complexity(body), parent=type_name, is_async="async" in modifiers.split(),
        is_public=vis == "pub" or bool(owner and owner["trait"] and vis == ""),
        testable=testable, untestable_reason=reason, decorators=tuple(attrs),
        imports=ctx.imports, calls=tuple(_calls(body)), details=details,
    )


def _reachability(ctx: _Context, module, name: str, vis: str, owner: dict | None,
                  details: dict) -> tuple[bool, str, str | None]:
    """(testable, reason, public path) for a function or method."""
    reason = ctx.unreachable_reason()
    if reason:
        return False, reason, None
    assert ctx.index is not None and ctx.crate is not None
    needed = requirement(details["cfg"], ctx.crate.feature_table)
    if not needed.possible:
        return False, needed.reason, None
    details["features"] = list(needed.features)
    private = ("private: tests in tests/ can only call `pub` items (it is "
               f"{'`' + vis + '`' if vis else 'private'}; see the plugin README for why "
               "TestGen does not edit src/ to reach it)")
    if owner is None:
        if vis != "pub":
            return False, private, None
        path = ctx.index.public_path(module, name)
        if path is None:
            return False, ("not reachable from outside the crate: its module is private and "
                           "no `pub use` re-exports it"), None
        return True, "", path
    type_name = owner["type"]
    if owner.get("trait_default"):
        if not owner.get("trait_public"):
            return False, "default method of a private trait", None
        path = ctx.index.public_path(module, type_name)
        if path is None:
            return False, "default method of a trait that is not reachable from outside", None
        return True, "", path
    info = ctx.index.type_info(type_name, module)
    if info is not None:
        type_path = ctx.index.type_path(info)
        if type_path is None:
            return False, (f"type `{type_name}` is not reachable from outside the crate"
                           ), None
    else:
        type_path = None  # impl on a foreign or primitive type: callable through the trait
    trait = owner["trait"]
    if not trait and vis != "pub":
        return False, private, None
    if trait:
        trait_name = re.sub(r"<.*", "", trait).split("::")[-1]
        if trait_name in ctx.index.traits and ctx.index.trait_path(trait_name) is None:
            return False, f"implements private trait `{trait_name}`", None
        if trait_name == "Drop":
            return False, "Drop::drop is called by the compiler, not by tests", None
    if type_path is None:
        if info is None and trait:
            return True, "", None
        return False, f"type `{type_name}` is not defined in this crate", None
    return True, "", type_path


def _lifetimes(fn: Any) -> list[str]:
    params = fn.child_by_field_name("type_parameters")
    if params is None:
        return []
    return [nodes.text_of(p) for p in params.named_children if p.type == "lifetime_parameter"]


def _complexity(body: Any) -> int:
    if body is None:
        return 1
    count = 1
    for node in nodes.walk(body):
        if node.type in DECISIONS:
            count += 1
        elif node.type == "match_block":
            count -= 1  # n arms are n-1 decisions
        elif node.type == "binary_expression":
            operator = node.child_by_field_name("operator")
            if operator is not None and operator.type in ("&&", "||"):
                count += 1
        elif node.type in ("closure_expression", "function_item") and node is not body:
            pass
    return max(count, 1)


def _calls(body: Any) -> list[str]:
    if body is None:
        return []
    found: dict[str, None] = {}
    for node in nodes.walk(body):
        if node.type == "call_expression":
            fn = node.child_by_field_name("function")
            if fn is None:
                continue
            if fn.type == "field_expression":
                found[nodes.text_of(fn.child_by_field_name("field"))] = None
            elif fn.type in ("identifier", "scoped_identifier"):
                found[nodes.text_of(fn).split("::")[-1]] = None
            elif fn.type == "generic_function":
                inner = fn.child_by_field_name("function")
                found[nodes.text_of(inner).split("::")[-1]] = None
    return list(found)


def _literals(body: Any) -> dict[str, list[str]]:
    """Literals in the body, by kind: branches often compare against them."""
    found: dict[str, dict[str, None]] = {"string": {}, "integer": {}, "float": {}, "char": {}}
    if body is None:
        return {}
    for node in nodes.walk(body):
        if node.type == "string_literal":
            found["string"][nodes.text_of(node)] = None
        elif node.type == "integer_literal":
            found["integer"][nodes.text_of(node)] = None
        elif node.type == "float_literal":
            found["float"][nodes.text_of(node)] = None
        elif node.type == "char_literal":
            found["char"][nodes.text_of(node)] = None
    return {k: list(v)[:16] for k, v in found.items() if v}


def project_relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


__all__ = ["extract", "parse", "STD_TRAITS_IN_SCOPE"]
