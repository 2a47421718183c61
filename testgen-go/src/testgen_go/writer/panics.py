"""The table of recovered panics: each row calls with inputs that panicked and compares the
recovered value's text (``assert.PanicsWithError`` / ``PanicsWithValue`` under testify)."""

from __future__ import annotations

from testgen.model import Probe

from ..payload import recorded
from .columns import arg_columns
from .gocode import ASSERT, call_args, describe_call, go_string, indent, literal_imports
from .naming import name_rows
from .rows import Row, Written, dedupe, select
from .target import Target, type_arguments

MAX_PANIC_ROWS = 6


def panics(target: Target, probes: list[Probe], test_name: str,
           imports: set[str]) -> Written | None:
    # a message with an address or a goroutine dump is not the same in the user's run
    probes = [p for p in probes if p.message and "0x" not in p.message
              and "goroutine" not in p.message]
    if not probes:
        return None
    type_args = type_arguments(probes)
    arg_cols = arg_columns(target, type_args)
    recv_var = target.recv_var() if target.receiver else ""
    setups = {p.setup for p in probes}
    common = max(setups, key=lambda s: sum(p.setup == s for p in probes))
    probes = [p for p in probes if p.setup == common]
    rows = []
    for p in probes:
        row = Row(name="", probe=p)
        for col in arg_cols:
            row.values[col.name] = p.args[col.index] if col.index < len(p.args) else "nil"
        row.values["wantPanic"] = go_string(p.message or "")
        rows.append(row)
    rows = select(dedupe(rows), MAX_PANIC_ROWS, target.test_type)
    name_rows(rows, False)
    for p in (r.probe for r in rows):
        imports.update(literal_imports(p))
    callee = target.callee(recv_var, type_args)
    desc, desc_args = describe_call(target, callee, arg_cols)
    prefix = (desc_args + ", ") if desc_args else ""
    call = f"{callee}({', '.join(call_args(target, arg_cols, recv_var))})"
    lines = [f"func {test_name}(t *testing.T) {{", "\ttests := []struct {",
             "\t\tname string"]
    lines += [f"\t\t{c.name} {c.type}" for c in arg_cols]
    lines += ["\t\twantPanic string", "\t}{"]
    for row in rows:
        fields = [f"name: {go_string(row.name)}"] + [
            f"{c.name}: {row.values[c.name]}" for c in arg_cols] + [
            f"wantPanic: {row.values['wantPanic']}"]
        lines.append("\t\t{" + ", ".join(fields) + "},")
    lines += ["\t}", "\tfor _, tt := range tests {", "\t\tt.Run(tt.name, func(t *testing.T) {"]
    n_results = len(target.sig.results)
    invoke = call if n_results == 0 else ", ".join(["_"] * n_results) + " = " + call
    body = list(common) + _recover(target, rows, invoke, desc, prefix, imports)
    lines += indent(body, 3)
    lines += ["\t\t})", "\t}", "}"]
    return Written(test_name, "\n".join(lines) + "\n", rows)


def _recover(target: Target, rows: list[Row], invoke: str, desc: str, prefix: str,
             imports: set[str]) -> list[str]:
    if target.testify:
        imports.add(ASSERT)
        if all(recorded(r.probe).panic_is_error for r in rows):
            return ["assert.PanicsWithError(t, tt.wantPanic, func() {", f"\t{invoke}", "})"]
        if all(recorded(r.probe).panic_type == "string" for r in rows):
            return ["assert.PanicsWithValue(t, tt.wantPanic, func() {", f"\t{invoke}", "})"]
        imports.add('"fmt"')
        return ["defer func() {",
                '\tassert.Equal(t, tt.wantPanic, fmt.Sprint(recover()))',
                "}()", invoke]
    imports.add('"fmt"')
    return ["defer func() {",
            "\tr := recover()",
            "\tif r == nil {",
            f'\t\tt.Fatalf("{desc} did not panic, want %q", {prefix}tt.wantPanic)',
            "\t}",
            "\tif got := fmt.Sprint(r); got != tt.wantPanic {",
            f'\t\tt.Errorf("{desc} panic = %q, want %q", {prefix}got, tt.wantPanic)',
            "\t}",
            "}()",
            invoke]
