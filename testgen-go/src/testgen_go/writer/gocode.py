"""Go text shared by the tests: string literals, the call under test, comparisons, error
checks, and the imports the probe's literals need.

Functions that write a call to ``assert``, ``require`` or ``reflect`` add its import to the
``imports`` set they are given.
"""

from __future__ import annotations

import json

from testgen.model import Probe

from ..imports import spec_for
from ..payload import Value, recorded
from .target import Target

ASSERT = '"github.com/stretchr/testify/assert"'
REQUIRE = '"github.com/stretchr/testify/require"'


def go_string(text: str) -> str:
    """``text`` as a Go string literal."""
    return json.dumps(text, ensure_ascii=False)


def call_args(target: Target, arg_cols, recv_var: str) -> list[str]:
    """The arguments of the call in a table loop (``tt.xs...`` for a variadic one)."""
    args = [f"tt.{c.name}" for c in arg_cols]
    if target.sig.variadic and args:
        args[-1] += "..."
    if target.call_style == "sprintf":
        args.append(recv_var)
    return args


def describe_call(target: Target, callee: str, arg_cols) -> tuple[str, str]:
    """Format string and arguments describing the call in failure messages."""
    verbs = ", ".join("%q" if c.quote else "%v" for c in arg_cols)
    args = ", ".join(f"tt.{c.name}" for c in arg_cols)
    if target.call_style == "sprintf":
        return f"fmt.Sprintf({verbs}, {target.recv_var()})", args
    short = callee.split(".", 1)[1] if "." in callee and target.receiver else callee
    return f"{short}({verbs})", args


def compare(got: str, want: str, deep: bool, testify: bool, message: str, prefix: str,
            imports: set[str], init: str = "") -> list[str]:
    """``got`` against ``want``: ``assert.Equal``, ``reflect.DeepEqual`` or ``!=``."""
    if testify:
        imports.add(ASSERT)
        value = init.split(":=", 1)[1].strip() if init else got
        return [f"assert.Equal(t, {want}, {value})"]
    if deep:
        imports.add('"reflect"')
        cond = f"!reflect.DeepEqual({got}, {want})"
    else:
        cond = f"{got} != {want}"
    head = f"if {init}; {cond} {{" if init else f"if {cond} {{"
    return [head, f'\tt.Errorf("{message}", {prefix}{got}, {want})', "}"]


def error_checks(mode: str, desc: str, prefix: str, testify: bool,
                 imports: set[str]) -> list[str]:
    """The check of ``err`` against ``tt.wantErr``: a sentinel (``errors.Is``), the exact
    message, whether there is one (``bool``), or no error at all (``none``)."""
    if testify:
        imports.add(REQUIRE)
        if mode == "none":
            return ["require.NoError(t, err)"]
        if mode == "sentinel":
            return ["if tt.wantErr != nil {", "\trequire.ErrorIs(t, err, tt.wantErr)",
                    "} else {", "\trequire.NoError(t, err)", "}"]
        if mode == "message":
            return ['if tt.wantErr != "" {', "\trequire.EqualError(t, err, tt.wantErr)",
                    "} else {", "\trequire.NoError(t, err)", "}"]
        return ["if tt.wantErr {", "\trequire.Error(t, err)", "} else {",
                "\trequire.NoError(t, err)", "}"]
    if mode == "none":
        return ["if err != nil {",
                f'\tt.Fatalf("{desc} unexpected error: %v", {prefix}err)', "}"]
    if mode == "sentinel":
        return ["if !errors.Is(err, tt.wantErr) {",
                f'\tt.Fatalf("{desc} error = %v, want %v", {prefix}err, tt.wantErr)', "}"]
    if mode == "message":
        return ["if err != nil {",
                "\tif err.Error() != tt.wantErr {",
                f'\t\tt.Fatalf("{desc} error = %q, want %q", {prefix}err.Error(), '
                "tt.wantErr)",
                "\t}",
                '} else if tt.wantErr != "" {',
                f'\tt.Fatalf("{desc} error = nil, want %q", {prefix}tt.wantErr)',
                "}"]
    return ["if (err != nil) != tt.wantErr {",
            f'\tt.Fatalf("{desc} error = %v, wantErr %v", {prefix}err, tt.wantErr)', "}"]


def literal_imports(p: Probe | None) -> set[str]:
    """Import specs for packages the probe's literals name (``time``, ``math``...)."""
    if p is None:
        return set()
    specs: set[str] = set()
    seen = recorded(p)
    for lit in [*seen.results, *seen.observers.values(), seen.recv or Value(),
                *seen.args_after]:
        for entry in lit.imports:
            qualifier, _, path = entry.partition(" ")
            if path:
                specs.add(spec_for(qualifier, path))
    return specs


def indent(lines: list[str], tabs: int) -> list[str]:
    """Statements (each possibly several lines) indented by ``tabs`` tabs."""
    return ["\t" * tabs + b for b in "\n".join(lines).split("\n")]
