"""The table-driven test: ``tests := []struct{name string; ...; want ...; wantErr ...}`` run
with ``t.Run`` subtests, one row per kept probe.

Errors are checked first (values returned alongside an error are not part of the contract),
then the receiver's accessors, the results, and what the call changed in place.
"""

from __future__ import annotations

from testgen.model import Probe

from ..payload import Failure, recorded
from .columns import Column, Columns, plan
from .gocode import call_args, compare, describe_call, error_checks, go_string, indent, \
    literal_imports
from .naming import name_rows
from .rows import MAX_ROWS, Row, Written, dedupe, select
from .target import Target, type_arguments

WANTS_ERROR = {"sentinel": "if tt.wantErr != nil {", "message": 'if tt.wantErr != "" {',
               "bool": "if tt.wantErr {"}
"""The condition of a row that expects an error, by ``Columns.err_mode``."""


def table(target: Target, probes: list[Probe], test_name: str,
          imports: set[str]) -> Written | None:
    """The table of ``probes`` (none: no test)."""
    if not probes:
        return None
    cols = plan(target, probes, type_arguments(probes))
    rows = select(dedupe(_rows(cols)), MAX_ROWS[target.test_type], target.test_type)
    if not rows:
        return None
    if cols.err is not None and not any(r.probe.outcome == "raise" for r in rows):
        cols.err, cols.err_mode = None, "none"
        for row in rows:
            row.values.pop("wantErr", None)
    name_rows(rows, target.receiver is not None and cols.recv is not None)
    for p in (r.probe for r in rows):
        imports.update(literal_imports(p))
    return Written(test_name, render(target, test_name, cols, rows, imports), rows)


def _rows(cols: Columns) -> list[Row]:
    """A row per probe that pins something: an error, a result, an accessor, a change."""
    rows: list[Row] = []
    for p in cols.probes:
        seen = recorded(p)
        row = Row(name="", probe=p)
        if cols.recv is not None:
            row.values[cols.recv.name] = seen.receiver_expr
        for col in cols.args:
            row.values[col.name] = p.args[col.index] if col.index < len(p.args) else "nil"
        asserted = False
        if p.outcome == "raise":
            err = seen.error or Failure()
            if cols.err is None:
                continue
            row.values["wantErr"] = {"sentinel": err.sentinel,
                                     "message": go_string(err.msg),
                                     "bool": "true"}[cols.err_mode]
            asserted = True
        else:
            for col in cols.wants:
                lit = seen.results[col.index]
                if col.role == "want":
                    row.values[col.name] = lit.lit
                elif col.role == "wantLen":
                    row.values[col.name] = str(lit.length)
                elif col.role == "resultObserver":
                    row.values[col.name] = seen.result_observers[col.key].lit
                else:
                    row.values[col.name] = go_string(lit.text if lit.text is not None else "")
                asserted = True
        for col in cols.observers:
            row.values[col.name] = seen.observers[col.key].lit
            asserted = True
        for col in cols.afters:
            if col.role == "argAfter":
                j = seen.mutable_args.index(col.index)
                row.values[col.name] = seen.args_after[j].lit
            else:
                row.values[col.name] = seen.recv.lit
            asserted = True
        if p.outcome == "return" and cols.err is not None and cols.err_mode == "sentinel":
            asserted = True  # the row pins "no error" as well
        if asserted:
            rows.append(row)
    return rows


def render(target: Target, test_name: str, cols: Columns, rows: list[Row],
           imports: set[str]) -> str:
    testify = target.testify
    recv_var = target.recv_var() if target.receiver else ""
    callee = target.callee(recv_var, cols.type_args)
    desc, desc_args = describe_call(target, callee, cols.args)
    prefix = (desc_args + ", ") if desc_args else ""
    lines = [f"func {test_name}(t *testing.T) {{", "\ttests := []struct {",
             "\t\tname string"]
    columns = cols.all()
    lines += [f"\t\t{c.name} {c.type}" for c in columns]
    lines.append("\t}{")
    lines += [_row_line(row, columns) for row in rows]
    lines.append("\t}")
    lines.append("\tfor _, tt := range tests {")
    parallel = target.parallel_safe()
    if parallel and not target.loopvar_per_iteration():
        lines.append("\t\ttt := tt")
    lines.append("\t\tt.Run(tt.name, func(t *testing.T) {")
    if parallel:
        lines.append("\t\t\tt.Parallel()")
    body: list[str] = []
    if cols.setup:
        body.extend(cols.setup)
    elif target.receiver:
        body.append(f"{recv_var} := tt.{cols.recv.name}")
    call = f"{callee}({', '.join(call_args(target, cols.args, recv_var))})"
    body.append(_call_statement(target, cols, call))
    # errors first: values returned alongside an error are not part of the contract
    if target.sig.returns_error:
        body += error_checks(cols.err_mode, desc, prefix, testify, imports)
    body += _observer_checks(cols.observers, recv_var, desc, prefix, testify, imports)
    if cols.err is not None and (cols.wants or cols.afters):
        body += [WANTS_ERROR[cols.err_mode], "\treturn", "}"]
    body += _result_checks(cols.wants, desc, prefix, testify, imports)
    body += _after_checks(cols, recv_var, desc, prefix, testify, imports)
    lines += indent(body, 3)
    lines += ["\t\t})", "\t}", "}"]
    return "\n".join(lines) + "\n"


def _row_line(row: Row, columns: list[Column]) -> str:
    fields = [f"name: {go_string(row.name)}"]
    for c in columns:
        value = row.values.get(c.name)
        if value is None:
            continue
        if c.role == "wantErr" and value in ('""', "false", "nil"):
            continue  # the zero value already says "no error"
        fields.append(f"{c.name}: {value}")
    return "\t\t{" + ", ".join(fields) + "},"


def _call_statement(target: Target, cols: Columns, call: str) -> str:
    """``got, err := f(...)``, with ``_`` for results no column pins."""
    targets = []
    for i, _rt in enumerate(cols.value_results):
        used = any(c.index == i for c in cols.wants)
        targets.append(("got" if i == 0 else f"got{i + 1}") if used else "_")
    if target.sig.returns_error:
        targets.append("err")
    if targets and any(t != "_" for t in targets):
        return f"{', '.join(targets)} := {call}"
    if targets:
        return f"{', '.join(targets)} = {call}"
    return call


def _observer_checks(observers: list[Column], recv_var: str, desc: str, prefix: str,
                     testify: bool, imports: set[str]) -> list[str]:
    body: list[str] = []
    for c in observers:
        getter = f"{recv_var}.{c.key}()"
        if testify:
            body += compare(getter, f"tt.{c.name}", c.deep, testify, "", "", imports)
        else:
            body += compare("got", f"tt.{c.name}", c.deep, testify,
                            f"{c.key}() after {desc} = %v, want %v", prefix, imports,
                            init=f"got := {getter}")
    return body


def _result_checks(wants: list[Column], desc: str, prefix: str, testify: bool,
                   imports: set[str]) -> list[str]:
    body: list[str] = []
    for c in wants:
        var = "got" if c.index == 0 else f"got{c.index + 1}"
        if c.role == "wantLen":
            body += compare(f"len({var})", f"tt.{c.name}", False, testify,
                            f"len({desc}) = %d, want %d", prefix, imports)
        elif c.role == "resultObserver":
            method = c.key.split(".", 1)[1]
            body += compare("v", f"tt.{c.name}", c.deep, testify,
                            f"{desc}.{method}() = %v, want %v", prefix, imports,
                            init=f"v := {var}.{method}()")
        elif c.role == "wantText":
            body += compare(f"fmt.Sprint({var})", f"tt.{c.name}", False, testify,
                            f"{desc} = %v, want %v", prefix, imports)
        else:
            body += compare(var, f"tt.{c.name}", c.deep, testify,
                            f"{desc} = %v, want %v", prefix, imports)
    return body


def _after_checks(cols: Columns, recv_var: str, desc: str, prefix: str, testify: bool,
                  imports: set[str]) -> list[str]:
    body: list[str] = []
    for c in cols.afters:
        if c.role == "argAfter":
            arg = next(a for a in cols.args if a.index == c.index)
            body += compare(f"tt.{arg.name}", f"tt.{c.name}", True, testify,
                            f"after {desc}, {arg.name} = %v, want %v", prefix, imports)
        else:
            body += compare(recv_var, f"tt.{c.name}", True, testify,
                            f"after {desc}, {recv_var} = %+v, want %+v", prefix, imports)
    return body
