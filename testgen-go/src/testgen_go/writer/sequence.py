"""Integration tests of a method: one subtest per call sequence on a value built the way the
package builds it, checking each result, the error, and the value's accessors afterwards."""

from __future__ import annotations

from testgen.model import Probe

from ..payload import Failure, recorded, result_of
from .gocode import ASSERT, REQUIRE, compare, go_string, indent, literal_imports
from .naming import TYPE_SUFFIX, test_name
from .rows import Row, Written
from .target import Target

MAX_SEQUENCES = 4
MAX_SINGLE_CALLS = 2
"""Single calls on a built value that reached new lines, kept beside the sequences."""


def sequences(target: Target, probes: list[Probe], imports: set[str]) -> Written | None:
    usable = [p for p in probes if p.outcome in ("return", "raise")
              and p.exception != "panic" and (p.category == "sequence" or (
                  p.category in ("typical", "default") and p.setup))]
    in_sequence = [p for p in usable if p.category == "sequence"]
    others = [p for p in usable if p.category != "sequence"]
    chosen = in_sequence[:MAX_SEQUENCES] + \
        [p for p in others if recorded(p).gain][:MAX_SINGLE_CALLS]
    if not chosen:
        return None
    name = test_name(target, TYPE_SUFFIX["integration"])
    recv_var = target.recv_var()
    lines = [f"func {name}(t *testing.T) {{"]
    used_names: set[str] = set()
    rows = []
    for p in chosen:
        seen = recorded(p)
        label = seen.label or seen.receiver_label or "sequence"
        if p.category != "sequence":
            label = seen.receiver_label or "new value"
        row_name = label
        n = 2
        while row_name in used_names:
            row_name = f"{label} #{n}"
            n += 1
        used_names.add(row_name)
        assertions = _assertions(target, p, recv_var, imports)
        if not assertions:
            continue
        rows.append(Row(name=row_name, probe=p))
        imports.update(literal_imports(p))
        lines.append(f"\tt.Run({go_string(row_name)}, func(t *testing.T) {{")
        lines += indent(list(p.setup) + assertions, 2)
        lines.append("\t})")
    if not rows:
        return None
    lines.append("}")
    return Written(name, "\n".join(lines) + "\n", rows)


def _assertions(target: Target, p: Probe, recv_var: str, imports: set[str]) -> list[str]:
    """The call and its checks; ``[]`` when nothing about it could be checked."""
    testify = target.testify
    sig = target.sig
    out: list[str] = []
    n_values = len(sig.results) - (1 if sig.returns_error else 0)
    targets = []
    pinned = []
    for i in range(n_values):
        lit = result_of(p, i)
        var = "got" if i == 0 else f"got{i + 1}"
        if lit.ok:
            targets.append(var)
            pinned.append((var, lit))
        else:
            targets.append("_")
    if sig.returns_error:
        targets.append("err")
    call = p.call
    if targets and any(t != "_" for t in targets):
        out.append(f"{', '.join(targets)} := {call}")
    elif targets:
        out.append(f"{', '.join(targets)} = {call}")
    else:
        out.append(call)
    short = call.split("(", 1)[0].split(".", 1)[-1] + "()"
    if sig.returns_error:
        out += _error_check(p, short, testify, imports)
    if p.outcome == "return":
        for var, lit in pinned:
            out += compare(var, lit.lit, not lit.basic, testify, f"{short} = %v, want %v", "",
                           imports)
    for name, lit in sorted(recorded(p).observers.items()):
        if not lit.ok or call.startswith(f"{recv_var}.{name}("):
            continue
        getter = f"{recv_var}.{name}()"
        if testify:
            imports.add(ASSERT)
            out.append(f"assert.Equal(t, {lit.lit}, {getter})")
        else:
            deep = not lit.basic
            if deep:
                imports.add('"reflect"')
            cond = f"!reflect.DeepEqual(got, {lit.lit})" if deep else f"got != {lit.lit}"
            out += [f"if got := {getter}; {cond} {{",
                    f'\tt.Errorf("{name}() = %v, want %v", got, {lit.lit})', "}"]
    has_assertion = any(line.startswith(("if ", "assert.", "require.")) for line in out)
    return out if has_assertion else []


def _error_check(p: Probe, short: str, testify: bool, imports: set[str]) -> list[str]:
    err = recorded(p).error or Failure()
    if p.outcome != "raise":
        if testify:
            imports.add(REQUIRE)
            return ["require.NoError(t, err)"]
        return ["if err != nil {", f'\tt.Fatalf("{short} error = %v", err)', "}"]
    if err.sentinel:
        if testify:
            imports.add(REQUIRE)
            return [f"require.ErrorIs(t, err, {err.sentinel})"]
        return [f"if !errors.Is(err, {err.sentinel}) {{",
                f'\tt.Fatalf("{short} error = %v, want {err.sentinel}", err)', "}"]
    msg = go_string(err.msg)
    if testify:
        imports.add(REQUIRE)
        return [f"require.EqualError(t, err, {msg})"]
    return [f"if err == nil || err.Error() != {msg} {{",
            f'\tt.Fatalf("{short} error = %v, want %q", err, {msg})', "}"]
