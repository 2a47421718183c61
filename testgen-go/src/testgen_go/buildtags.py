"""Build constraints: ``//go:build`` lines and ``_GOOS_GOARCH.go`` file names.

A file the Go tool would not compile on this machine cannot be probed or tested here, so its
definitions are marked untestable with the constraint as the reason.
"""

from __future__ import annotations

import platform
import re
import sys
from functools import lru_cache
from itertools import combinations

KNOWN_OS = frozenset({
    "aix", "android", "darwin", "dragonfly", "freebsd", "hurd", "illumos", "ios", "js",
    "linux", "nacl", "netbsd", "openbsd", "plan9", "solaris", "wasip1", "windows", "zos",
})
KNOWN_ARCH = frozenset({
    "386", "amd64", "amd64p32", "arm", "armbe", "arm64", "arm64be", "loong64", "mips",
    "mipsle", "mips64", "mips64le", "mips64p32", "mips64p32le", "ppc", "ppc64", "ppc64le",
    "riscv", "riscv64", "s390", "s390x", "sparc", "sparc64", "wasm",
})
UNIX_OS = frozenset({"aix", "android", "darwin", "dragonfly", "freebsd", "hurd", "illumos",
                     "ios", "linux", "netbsd", "openbsd", "solaris"})

_BUILD_LINE = re.compile(r"^//go:build\s+(.+)$")
_TOKEN = re.compile(r"\s*(\(|\)|&&|\|\||!|[\w.]+)")


@lru_cache(maxsize=1)
def host_tags() -> frozenset[str]:
    """Tags satisfied on this machine: GOOS, GOARCH, unix, gc, cgo and go1.N versions."""
    goos = {"linux": "linux", "darwin": "darwin", "win32": "windows"}.get(sys.platform,
                                                                          sys.platform)
    machine = platform.machine().lower()
    goarch = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64",
              "i386": "386", "i686": "386"}.get(machine, machine)
    tags = {goos, goarch, "gc", "cgo"} | {f"go1.{n}" for n in range(1, 40)}
    if goos in UNIX_OS:
        tags.add("unix")
    return frozenset(tags)


def build_expression(text: str) -> str | None:
    """The ``//go:build`` expression of a file, if it has one (only before ``package``)."""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("package ") or stripped == "package":
            return None
        match = _BUILD_LINE.match(stripped)
        if match:
            return match.group(1).strip()
    return None


def evaluate(expr: str, tags: frozenset[str] | None = None) -> bool:
    """Evaluate a build expression (``linux && !cgo``) against ``tags``."""
    tags = host_tags() if tags is None else tags
    tokens = _TOKEN.findall(expr)
    pos = 0

    def peek() -> str | None:
        return tokens[pos] if pos < len(tokens) else None

    def take() -> str:
        nonlocal pos
        pos += 1
        return tokens[pos - 1]

    def parse_or() -> bool:
        value = parse_and()
        while peek() == "||":
            take()
            value = parse_and() or value
        return value

    def parse_and() -> bool:
        value = parse_not()
        while peek() == "&&":
            take()
            value = parse_not() and value
        return value

    def parse_not() -> bool:
        if peek() == "!":
            take()
            return not parse_not()
        if peek() == "(":
            take()
            value = parse_or()
            if peek() == ")":
                take()
            return value
        token = take() if peek() is not None else ""
        return token in tags

    try:
        return parse_or()
    except IndexError:
        return True  # a malformed line: let the Go tool be the judge


def filename_constraint(name: str) -> tuple[str, ...]:
    """The GOOS/GOARCH implied by a file name (``x_linux_amd64.go`` → ("linux", "amd64"))."""
    stem = name[:-3] if name.endswith(".go") else name
    if stem.endswith("_test"):
        stem = stem[:-5]
    parts = stem.split("_")
    if len(parts) < 2:
        return ()
    last = parts[-1]
    if len(parts) >= 3 and parts[-2] in KNOWN_OS and last in KNOWN_ARCH:
        return (parts[-2], last)
    if last in KNOWN_OS or last in KNOWN_ARCH:
        return (last,)
    return ()


MAX_CUSTOM_TAGS = 6
"""Custom identifiers of one expression tried in combination (2^6 evaluations at most)."""


def custom_tags(name: str, text: str) -> tuple[str, ...]:
    """The fewest custom build tags (``integration``, ``purego`` …; never a GOOS, GOARCH or
    ``ignore``) that make the Go tool build this file on this machine, ``()`` when it builds
    without any or cannot be built here at all."""
    expr = build_expression(text)
    host = host_tags()
    if not expr or evaluate(expr, host):
        return ()
    implied = filename_constraint(name)
    if implied and not all(tag in host for tag in implied):
        return ()
    names = sorted({t for t in _TOKEN.findall(expr) if re.fullmatch(r"[\w.]+", t)
                    and t not in KNOWN_OS and t not in KNOWN_ARCH and t not in host
                    and t not in ("ignore", "gccgo", "unix") and not t.startswith("go1.")})
    if not names or len(names) > MAX_CUSTOM_TAGS:
        return ()
    for size in range(1, len(names) + 1):
        for chosen in combinations(names, size):
            if evaluate(expr, host | frozenset(chosen)):
                return chosen
    return ()


def excluded_reason(name: str, text: str, extra: tuple[str, ...] = ()) -> str:
    """Why the Go tool would skip this file on this machine (with the custom tags ``extra``
    on), or ``""`` if it would build it."""
    tags = host_tags() | frozenset(extra)
    implied = filename_constraint(name)
    if implied and not all(tag in tags for tag in implied):
        return f"file name restricts it to {'/'.join(implied)}"
    expr = build_expression(text)
    if expr and not evaluate(expr, tags):
        return f"build constraint `//go:build {expr}` excludes this machine"
    return ""
