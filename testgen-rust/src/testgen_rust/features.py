"""Cargo features as cargo resolves them, and ``#[cfg(...)]`` predicates evaluated against them.

An item behind ``#[cfg(feature = "alloc")]`` is compiled by a plain ``cargo test`` when the
default features *imply* ``alloc`` (``default = ["std"]``, ``std = ["alloc"]``). Items that need
a feature the defaults do not turn on are still testable: the generated tests are gated with
the same ``cfg`` and built with ``--features``, so the user's own ``cargo test`` skips them and
``cargo test --features x`` (or ``--all-features``) runs them.

Predicates other than ``feature`` are answered for the host from ``rustc --print cfg``; a name
the host does not know (a ``--cfg`` set by a build script, say) is *unknown*, and an unknown
predicate never makes an item untestable.
"""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterable

MAX_EXTRA_FEATURES = 3
"""At most this many non-default features are searched for one item (all of them otherwise)."""
WELL_KNOWN = frozenset({
    "test", "doc", "doctest", "docsrs", "miri", "debug_assertions", "unix", "windows",
    "target_arch", "target_os", "target_family", "target_env", "target_abi", "target_vendor",
    "target_endian", "target_pointer_width", "target_feature", "target_has_atomic", "panic",
    "overflow_checks", "proc_macro", "relocation_model", "sanitize", "fmt_debug", "ub_checks",
    "contract_checks", "target_thread_local", "coverage", "coverage_nightly",
})
"""cfg names whose absence from the host's ``rustc --print cfg`` means *false*."""


# --------------------------------------------------------------------------- the feature table


@dataclass(frozen=True)
class FeatureTable:
    """A package's ``[features]`` and optional dependencies."""

    declared: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """``[features]`` as written (``default`` included when present)."""
    optional_deps: tuple[str, ...] = ()
    """Keys of optional dependencies (each is an implicit feature unless ``dep:`` names it)."""

    @property
    def implicit(self) -> frozenset[str]:
        """Optional dependencies that are features of their own (no ``dep:x`` anywhere)."""
        named = {v[4:] for values in self.declared.values() for v in values
                 if v.startswith("dep:")}
        return frozenset(d for d in self.optional_deps if d not in named
                         and d not in self.declared)

    @property
    def names(self) -> frozenset[str]:
        """Every feature ``--features`` accepts (``default`` excluded)."""
        return frozenset(k for k in self.declared if k != "default") | self.implicit

    def resolve(self, requested: Iterable[str] = (), default: bool = True) -> frozenset[str]:
        """The features cargo turns on (what ``cfg(feature = ...)`` sees) for a request."""
        implicit = self.implicit
        enabled: set[str] = set()
        todo = list(requested)
        if default and "default" in self.declared:
            todo.append("default")
        while todo:
            value = todo.pop()
            if value.startswith("dep:"):
                continue  # enables a dependency, not a feature of this package
            if "/" in value:
                dep, _, _ = value.partition("/")
                if dep.endswith("?"):
                    continue  # `dep?/feat` never turns `dep` on
                value = dep
                if value not in implicit and value not in self.declared:
                    continue
            if value in enabled:
                continue
            if value in self.declared:
                enabled.add(value)
                todo.extend(self.declared[value])
            elif value in implicit:
                enabled.add(value)
        return frozenset(enabled)


def feature_table(manifest: dict[str, Any]) -> FeatureTable:
    """The feature table of a parsed ``Cargo.toml``."""
    raw = manifest.get("features") if isinstance(manifest.get("features"), dict) else {}
    declared = {str(k): tuple(str(v) for v in values) for k, values in raw.items()
                if isinstance(values, list)}
    optional: list[str] = []
    tables = [manifest.get("dependencies"), manifest.get("build-dependencies")]
    for target in (manifest.get("target") or {}).values():
        if isinstance(target, dict):
            tables += [target.get("dependencies"), target.get("build-dependencies")]
    for table in tables:
        if isinstance(table, dict):
            optional += [str(k) for k, spec in table.items()
                         if isinstance(spec, dict) and spec.get("optional") is True]
    return FeatureTable(declared, tuple(dict.fromkeys(optional)))


# --------------------------------------------------------------------------- cfg predicates

TOKEN = re.compile(r'\s*(?:(?P<str>r#*"[^"]*"#*|"(?:[^"\\]|\\.)*")|(?P<id>[A-Za-z_][\w:]*)'
                   r"|(?P<op>[(),=]))")


class CfgSyntaxError(ValueError):
    pass


def parse_cfg(text: str) -> Any:
    """``all(feature = "a", not(unix))`` → nested tuples: ``("all", [...])``, ``("not", x)``,
    ``("name", key, value-or-None)``."""
    tokens = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        match = TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            if text[pos:].strip() == "":
                break
            raise CfgSyntaxError(f"cannot read cfg predicate {text!r}")
        pos = match.end()
        if match.group("str") is not None:
            raw = match.group("str")
            tokens.append(("str", re.sub(r'^r#*"|"#*$', "", raw) if raw.startswith("r")
                           else raw[1:-1]))
        elif match.group("id") is not None:
            tokens.append(("id", match.group("id")))
        else:
            tokens.append(("op", match.group("op")))
    node, rest = _predicate(tokens)
    if rest:
        raise CfgSyntaxError(f"trailing text in cfg predicate {text!r}")
    return node


def _predicate(tokens: list) -> tuple[Any, list]:
    if not tokens or tokens[0][0] != "id":
        raise CfgSyntaxError("expected a cfg name")
    name = tokens[0][1]
    rest = tokens[1:]
    if name in ("all", "any", "not") and rest and rest[0] == ("op", "("):
        rest = rest[1:]
        items = []
        while rest and rest[0] != ("op", ")"):
            item, rest = _predicate(rest)
            items.append(item)
            if rest and rest[0] == ("op", ","):
                rest = rest[1:]
        if not rest:
            raise CfgSyntaxError("unclosed parenthesis")
        rest = rest[1:]
        if name == "not":
            if len(items) != 1:
                raise CfgSyntaxError("not() takes one predicate")
            return ("not", items[0]), rest
        return (name, items), rest
    if rest and rest[0] == ("op", "="):
        if len(rest) < 2 or rest[1][0] != "str":
            raise CfgSyntaxError(f"expected a string after {name} =")
        return ("name", name, rest[1][1]), rest[2:]
    return ("name", name, None), rest


@lru_cache(maxsize=1)
def host_cfg() -> frozenset[tuple[str, str | None]]:
    """``rustc --print cfg`` of the host (a plain debug build, so ``debug_assertions``)."""
    rustc = shutil.which("rustc")
    found: set[tuple[str, str | None]] = set()
    if rustc is not None:
        try:
            out = subprocess.run([rustc, "--print", "cfg"], capture_output=True, text=True,
                                 timeout=30).stdout
        except (OSError, subprocess.SubprocessError):
            out = ""
        for line in out.splitlines():
            key, _, value = line.partition("=")
            found.add((key.strip(), value.strip().strip('"') if value else None))
    if not found:
        found = {("unix", None), ("target_os", "linux"), ("target_family", "unix"),
                 ("target_pointer_width", "64"), ("target_endian", "little"),
                 ("panic", "unwind"), ("target_arch", "x86_64")}
    return frozenset(found | {("debug_assertions", None)})


def evaluate(node: Any, features: frozenset[str], host: frozenset | None = None
             ) -> bool | None:
    """True / False, or None when the predicate names something this host cannot tell."""
    host = host_cfg() if host is None else host
    kind = node[0]
    if kind == "not":
        inner = evaluate(node[1], features, host)
        return None if inner is None else not inner
    if kind in ("all", "any"):
        values = [evaluate(item, features, host) for item in node[1]]
        decisive = kind == "any"
        if decisive in values:
            return decisive
        return None if None in values else not decisive
    _, name, value = node
    if name == "feature":
        return value in features
    if (name, value) in host:
        return True
    if name in WELL_KNOWN or any(key == name for key, _ in host):
        return False
    return None


def mentioned_features(node: Any, positive_only: bool = False) -> list[str]:
    """Feature names a predicate tests (only those it wants on, with ``positive_only``)."""
    if node[0] == "not":
        return [] if positive_only else mentioned_features(node[1])
    if node[0] in ("all", "any"):
        return [f for item in node[1] for f in mentioned_features(item, positive_only)]
    return [node[2]] if node[1] == "feature" and node[2] else []


@dataclass(frozen=True)
class Requirement:
    """What it takes to compile an item: features to add to the defaults, or why it cannot."""

    features: tuple[str, ...] = ()
    """Non-default features to turn on (empty: a plain ``cargo test`` compiles it)."""
    reason: str = ""
    """Non-empty when no feature set compiles the item on this host."""

    @property
    def possible(self) -> bool:
        return not self.reason


def requirement(predicates: Iterable[str], table: FeatureTable) -> Requirement:
    """The fewest non-default features under which every ``cfg`` predicate holds."""
    nodes = []
    for text in predicates:
        try:
            nodes.append((text, parse_cfg(text)))
        except CfgSyntaxError:
            continue  # a predicate we cannot read is treated as unknown, never as false
    if not nodes:
        return Requirement()

    def holds(features: frozenset[str]) -> bool:
        return all(evaluate(node, features) is not False for _, node in nodes)

    if holds(table.resolve()):
        return Requirement()
    names = table.names
    atoms = list(dict.fromkeys(f for _, node in nodes for f in mentioned_features(node)
                               if f in names))
    for size in range(1, min(len(atoms), MAX_EXTRA_FEATURES) + 1):
        for subset in itertools.combinations(atoms, size):
            if holds(table.resolve(subset)):
                return Requirement(tuple(sorted(subset)))
    if atoms and holds(table.resolve(names)):
        return Requirement(tuple(sorted(atoms)))
    failing = next(text for text, node in nodes if evaluate(node, table.resolve()) is False)
    unknown = [f for _, node in nodes for f in mentioned_features(node) if f not in names]
    if unknown:
        return Requirement(reason=f"behind `cfg({failing})`, but the package declares no "
                                  f"feature {unknown[0]!r}")
    return Requirement(reason=f"compiled only under `cfg({failing})`, which neither the "
                              f"default features nor any feature set turns on for this host")


def cfg_gate(features: Iterable[str]) -> str:
    """The ``cfg`` predicate that gates a generated test on ``features``."""
    items = [f'feature = "{f}"' for f in sorted(set(features))]
    return items[0] if len(items) == 1 else f"all({', '.join(items)})"


GATE_ATTR = re.compile(r"^\s*#!?\[\s*cfg\s*\((.*)\)\s*\]\s*$", re.M)


def gated_features(test_source: str, table: FeatureTable) -> list[str]:
    """Features a generated test file's ``cfg`` gates ask for (those the package declares)."""
    found: dict[str, None] = {}
    names = table.names
    for match in GATE_ATTR.finditer(test_source):
        try:
            node = parse_cfg(match.group(1))
        except CfgSyntaxError:
            continue
        for name in mentioned_features(node, positive_only=True):
            if name in names:
                found[name] = None
    return list(found)
