"""Turn probes into Go tests a person would keep.

The natural Go form is a table: ``tests := []struct{name string; ...; want ...; wantErr ...}``
run with ``t.Run`` subtests. Every row pins what the probe observed: return values (``!=`` for
basic types, ``reflect.DeepEqual`` otherwise), errors (``errors.Is`` with the package's sentinel,
else the exact message), panics (a deferred ``recover`` comparing the message), and for
methods the state seen through the type's accessor methods afterwards.

Test names: ``TestParsePrice`` (unit), ``TestCart_Add`` for methods, with a suffix per test
type (``_EdgeCases``, ``_Errors``, ``_Table``, ``_Regression``, ``_Integration``) and
``_Panics`` (``_EdgeCasePanics``, ``_TablePanics``...) for recovered panics.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from testgen.model import Definition, OfflineRequest, Probe, TestCandidate

from .gotypes import GoType, parse_type
from .harness import FORMAT_SIGNATURE, MUTATOR_WORDS, signature_of
from .imports import spec_for
from .payload import Failure, Observed, Value

MAX_ROWS = {"unit": 8, "edge-cases": 10, "negative": 10, "table-driven": 14,
            "regression": 20, "integration": 6}
FILL = {"regression": 20, "table-driven": 8}
"""Rows kept beyond the ones that add coverage or show a new kind of outcome."""
TYPE_SUFFIX = {"unit": "", "edge-cases": "_EdgeCases", "negative": "_Errors",
               "table-driven": "_Table", "regression": "_Regression",
               "integration": "_Integration"}
PANIC_SUFFIX = {"negative": "_Panics", "edge-cases": "_EdgeCasePanics",
                "table-driven": "_TablePanics", "regression": "_RegressionPanics"}
"""Panic tests are named per type so two types asked for in one run never collide; unit
tests are about typical use and leave panics to the negative type."""
CATEGORIES = {
    "unit": {"typical", "literal", "doc-example", "default"},
    "edge-cases": {"boundary", "default", "invalid"},
    "negative": None,
    "table-driven": None,
    "regression": None,
    "integration": {"typical", "doc-example", "literal"},
}
RESERVED = {"name", "tt", "tests", "t", "got", "err", "want", "wantErr", "r", "ok"}


# --------------------------------------------------------------------------- entry point


def candidates(request: OfflineRequest) -> list[TestCandidate]:
    definition = request.definition
    framework = request.framework.name
    test_type = request.test_type if request.test_type in TYPE_SUFFIX else "unit"
    writer = Writer(definition, framework, test_type)
    probes = [p for p in request.probes if p.definition == definition.key]
    out = writer.write(probes)
    if not out:
        reason = writer.why_nothing(probes)
        out = [TestCandidate(id=f"{definition.key}::{writer.base_name()}{TYPE_SUFFIX[test_type]}",
                             definition=definition.key,
                             test_name=writer.base_name() + TYPE_SUFFIX[test_type], code="",
                             test_type=test_type, status="skipped", reason=reason)]
    return out


# --------------------------------------------------------------------------- model


@dataclass
class Column:
    name: str
    type: str
    role: str
    """``arg``, ``recv``, ``want`` (result i), ``wantText``, ``observer``, ``argAfter``,
    ``recvAfter``, ``wantErr``."""
    index: int = 0
    key: str = ""
    """Observer method name, for ``observer``."""
    deep: bool = False
    quote: bool = False
    """Format with %q in messages."""


@dataclass
class Row:
    name: str
    values: dict[str, str] = field(default_factory=dict)
    probe: Probe | None = None


def _seen(p: Probe | None) -> Observed:
    """What the probe recorded of the call (nothing, for a probe of another origin)."""
    payload = p.payload if p is not None else None
    return payload if isinstance(payload, Observed) else Observed()


def _result(p: Probe, i: int) -> Value:
    results = _seen(p).results
    return results[i] if i < len(results) else Value()


def _is_basic(gt: GoType) -> bool:
    return gt.kind == "name" and not gt.package and gt.name in {
        "bool", "string", "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16",
        "uint32", "uint64", "uintptr", "byte", "rune", "float32", "float64", "complex64",
        "complex128"}


def _go_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _camel(text: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", text)
                   if part)


class Writer:
    """Writes the candidates of one definition for one test type."""

    def __init__(self, definition: Definition, framework: str, test_type: str) -> None:
        self.d = definition
        self.framework = framework if framework in ("testing", "testify") else "testing"
        self.test_type = test_type
        self.sig = signature_of(definition)
        self.receiver = definition.details.get("receiver")
        self.existing = set(definition.details.get("existing_tests") or [])
        self.imports: set[str] = set()
        self.call_style = ""

    # ----------------------------------------------------------------- naming

    def base_name(self) -> str:
        name = self.d.name
        if self.receiver:
            rtype = self.receiver["type"]
            base = f"Test{rtype[:1].upper()}{rtype[1:]}_{name}"
        elif name[:1].isupper():
            base = f"Test{name}"
        else:
            base = f"Test_{name}"
        return base

    def test_name(self, suffix: str) -> str:
        name = self.base_name() + suffix
        while name in self.existing:
            name += "_Generated" if not name.endswith("_Generated") else "2"
        return name

    # ----------------------------------------------------------------- selection

    def write(self, probes: list[Probe]) -> list[TestCandidate]:
        if probes and all(_seen(p).call_style == "sprintf" for p in probes
                          if p.outcome != "skipped"):
            # a Format method is tested the way it is used: through fmt.Sprintf
            self.sig = FORMAT_SIGNATURE
            self.call_style = "sprintf"
        if self.test_type == "integration" and self.receiver:
            out = []
            candidate = self._integration(probes)
            if candidate is not None:
                out.append(candidate)
            return out
        allowed = CATEGORIES[self.test_type]
        usable = [p for p in probes if p.outcome in ("return", "raise")
                  and (allowed is None or p.category in allowed or
                       # a unit test is about typical use, but not at the price of
                       # leaving a branch that another input reached untested
                       (self.test_type == "unit" and _seen(p).gain))]
        if self.receiver and self.test_type != "integration":
            usable = [p for p in usable if p.category != "sequence"]
        panics = [p for p in usable if p.exception == "panic" and p.deterministic]
        values = [p for p in usable if p.exception != "panic"]
        if self.test_type == "negative":
            values = [p for p in values if p.outcome == "raise"]
        out = []
        name = self.test_name(TYPE_SUFFIX[self.test_type])
        table = self._table([p for p in values if p.deterministic], name)
        if table is None:
            # nothing repeatable to pin: check what was the same in both calls instead
            # (no error, the length of a result, what its accessors say)
            table = self._table([p for p in values if not p.deterministic and
                                 _seen(p).stable is not None], name)
        if table is not None:
            out.append(table)
        if panics and self.test_type in PANIC_SUFFIX:
            panic_test = self._panics(panics, self.test_name(PANIC_SUFFIX[self.test_type]))
            if panic_test is not None:
                out.append(panic_test)
        return out

    def why_nothing(self, probes: list[Probe]) -> str:
        if not probes:
            return "no probes were recorded"
        skipped = [p for p in probes if p.outcome == "skipped" and p.reason]
        if skipped and len(skipped) == len(probes):
            return skipped[0].reason
        if all(p.outcome == "timeout" for p in probes if p.outcome != "skipped"):
            return "every call timed out (infinite loop or blocking call)"
        if self.test_type == "negative":
            return "no generated input made it return an error or panic"
        if not any(p.deterministic for p in probes):
            return "results differ between two identical calls (not deterministic)"
        if self.test_type == "integration":
            return "no call sequence could be observed"
        return f"no {self.test_type} input gave an observable, repeatable result"

    def _select(self, rows: list[Row], limit: int) -> list[Row]:
        """Rows that added coverage first, then ones with a new kind of outcome."""
        chosen: list[Row] = []
        shapes: set[str] = set()

        def shape(row: Row) -> str:
            p = row.probe
            err = _seen(p).error or Failure()
            message = re.sub(r'"[^"]*"|\'[^\']*\'|\d+', "", err.msg)
            return f"{p.outcome if p else ''}|{err.sentinel or message}|" \
                   + "|".join(_value_shape(v) for k, v in sorted(row.values.items())
                              if k.startswith("want"))

        for row in rows:
            if row.probe is not None and _seen(row.probe).gain and len(chosen) < limit:
                chosen.append(row)
                shapes.add(shape(row))
        for row in rows:
            if len(chosen) >= limit:
                break
            if row in chosen:
                continue
            s = shape(row)
            if s not in shapes:
                chosen.append(row)
                shapes.add(s)
        fill = FILL.get(self.test_type, 4)
        for row in rows:
            if len(chosen) >= min(limit, fill):
                break
            if row not in chosen:
                chosen.append(row)
        order = {id(r): i for i, r in enumerate(rows)}
        return sorted(chosen, key=lambda r: order[id(r)])

    # ----------------------------------------------------------------- types

    def _type_args(self, probes: list[Probe]) -> dict[str, GoType]:
        for p in probes:
            args = _seen(p).type_args
            if args:
                return {k: parse_type(v) for k, v in args.items()}
        return {}

    def _param_columns(self, type_args: dict[str, GoType]) -> list[Column]:
        columns = []
        taken = set(RESERVED)
        if self.receiver:
            taken.add(self._recv_var())
        for i, (name, gt) in enumerate(self.sig.params):
            field_name = name if name and name != "_" else f"arg{i}"
            if field_name in taken or field_name.startswith("want"):
                field_name = f"{field_name}Arg"
            taken.add(field_name)
            gt = gt.substitute(type_args)
            columns.append(Column(field_name, gt.render(), "arg", index=i,
                                  quote=gt.kind == "name" and gt.name == "string"
                                  and not gt.package))
        return columns

    def _recv_var(self) -> str:
        name = (self.receiver or {}).get("name") or ""
        if not name or name == "_":
            rtype = (self.receiver or {}).get("type", "v")
            name = rtype[:1].lower() if rtype[:1].isupper() else "recv"
        param_names = {n for n, _ in self.sig.params}
        return "recv" if name in param_names or name in RESERVED else name

    # ----------------------------------------------------------------- tables

    def _table(self, probes: list[Probe], test_name: str) -> TestCandidate | None:
        if not probes:
            return None
        type_args = self._type_args(probes)
        arg_cols = self._param_columns(type_args)
        results = [r.substitute(type_args) for r in self.sig.results]
        value_results = results[:-1] if self.sig.returns_error else results
        recv_var = self._recv_var() if self.receiver else ""

        # receiver: one shared setup inside the loop, or a column of expressions
        setup_lines: tuple[str, ...] = ()
        recv_col: Column | None = None
        if self.receiver:
            setups = {p.setup for p in probes}
            if len(setups) == 1:
                setup_lines = probes[0].setup
            else:
                with_expr = [p for p in probes if _seen(p).receiver_expr
                             and _seen(p).receiver_type]
                declared = ("*" if self.receiver.get("pointer") else "") + self._recv_type(
                    type_args)
                typed = [p for p in with_expr if _seen(p).receiver_type == declared]
                if len(typed) >= 2:
                    probes = typed
                    recv_col = Column(recv_var, declared, "recv")
                else:
                    common = max(setups, key=lambda s: sum(p.setup == s for p in probes))
                    probes = [p for p in probes if p.setup == common]
                    setup_lines = common

        # result columns
        want_cols: list[Column] = []
        names = ["want"] + [f"want{i + 1}" for i in range(1, len(value_results))]
        ok_rows = [p for p in probes if p.outcome == "return"]
        for i, rt in enumerate(value_results):
            lits = [_result(p, i) for p in ok_rows]
            stable = all(_stable(p, "values", i) for p in ok_rows)
            pinned = False
            if ok_rows and stable and all(lit.ok for lit in lits):
                pinned = True
                want_cols.append(Column(names[i], rt.render(), "want", index=i,
                                        deep=not (_is_basic(rt) or all(
                                            lit.basic for lit in lits)) or
                                        rt.kind == "name" and rt.name == "error",
                                        quote=_is_basic(rt) and rt.name == "string"))
            elif ok_rows and stable and all(lit.ok or lit.text is not None for lit in lits):
                pinned = True
                want_cols.append(Column(names[i] + "Text", "string", "wantText", index=i,
                                        quote=True))
            elif ok_rows and _has_len(rt) and all(_stable(p, "lens", i) for p in ok_rows):
                want_cols.append(Column(names[i] + "Len", "int", "wantLen", index=i))
            if pinned or not ok_rows:
                continue
            # accessors of the result (got.Version()) when the value itself cannot be pinned
            keys = [k for k in _seen(ok_rows[0]).result_observers if k.startswith(f"{i}.")]
            for key in keys:
                olits = [_seen(p).result_observers.get(key) or Value() for p in ok_rows]
                types = {lit.type for lit in olits}
                if all(lit.ok for lit in olits) and len(types) == 1 and "" not in types and \
                        all(_stable(p, "result_observers", key) for p in ok_rows):
                    method = key.split(".", 1)[1]
                    want_cols.append(Column(f"{names[i]}{method[:1].upper()}{method[1:]}",
                                            types.pop(), "resultObserver", index=i, key=key,
                                            deep=not all(v.basic for v in olits)))
        # observers (methods that change their receiver)
        observer_cols: list[Column] = []
        if self.receiver and self.receiver.get("pointer") and (
                not value_results or MUTATOR_WORDS.match(self.d.name)):
            for obs in _seen(probes[0]).observer_names[:2]:
                lits = [_seen(p).observers.get(obs) or Value() for p in probes]
                types = {lit.type for lit in lits}
                if all(lit.ok for lit in lits) and len(types) == 1 and "" not in types:
                    typ = types.pop()
                    observer_cols.append(Column(f"want{obs[:1].upper()}{obs[1:]}", typ,
                                                "observer", key=obs,
                                                deep=not all(v.basic for v in lits)))
        # arguments or receiver changed in place (functions/methods with no results)
        after_cols: list[Column] = []
        if not value_results and not observer_cols:
            for j, arg_index in enumerate(_seen(probes[0]).mutable_args):
                lits = [_seen(p).args_after[j] if len(_seen(p).args_after) > j else Value()
                        for p in probes]
                col = arg_cols[arg_index]
                if all(v.ok for v in lits) and any(
                        v.lit != p.args[arg_index] for v, p in zip(lits, probes)):
                    after_cols.append(Column(f"want{col.name[:1].upper()}{col.name[1:]}",
                                             col.type, "argAfter", index=arg_index, deep=True))
            if self.receiver and self.receiver.get("pointer") and not after_cols:
                if all((_seen(p).recv or Value()).ok for p in probes):
                    declared = "*" + self._recv_type(type_args)
                    after_cols.append(Column(f"want{_camel(recv_var)}", declared, "recvAfter",
                                             deep=True))
        # errors
        err_rows = [p for p in probes if p.outcome == "raise"]
        err_col: Column | None = None
        err_mode = ""
        if self.sig.returns_error:
            if not all(_stable(p, "err_nil") for p in probes):
                probes = [p for p in probes if _stable(p, "err_nil")]
                err_rows = [p for p in err_rows if p in probes]
            errs = [_seen(p).error or Failure() for p in err_rows]
            exact = all(_stable(p, "err") for p in err_rows)
            if err_rows and exact and all(e.sentinel for e in errs):
                err_mode = "sentinel"
                err_col = Column("wantErr", "error", "wantErr")
            elif err_rows and exact and all(e.msg and "0x" not in e.msg for e in errs):
                err_mode = "message"
                err_col = Column("wantErr", "string", "wantErr", quote=True)
            else:
                err_mode = "bool"
                err_col = Column("wantErr", "bool", "wantErr")
        # rows
        rows: list[Row] = []
        for p in probes:
            row = Row(name="", probe=p)
            if recv_col is not None:
                row.values[recv_col.name] = _seen(p).receiver_expr
            for col in arg_cols:
                row.values[col.name] = p.args[col.index] if col.index < len(p.args) else "nil"
            asserted = False
            if p.outcome == "raise":
                err = _seen(p).error or Failure()
                if err_col is None:
                    continue
                row.values["wantErr"] = {"sentinel": err.sentinel,
                                         "message": _go_string(err.msg),
                                         "bool": "true"}[err_mode]
                asserted = True
            else:
                for col in want_cols:
                    lit = _seen(p).results[col.index]
                    if col.role == "want":
                        row.values[col.name] = lit.lit
                    elif col.role == "wantLen":
                        row.values[col.name] = str(lit.length)
                    elif col.role == "resultObserver":
                        row.values[col.name] = _seen(p).result_observers[col.key].lit
                    else:
                        row.values[col.name] = _go_string(lit.text if lit.text is not None
                                                          else "")
                    asserted = True
            for col in observer_cols:
                row.values[col.name] = _seen(p).observers[col.key].lit
                asserted = True
            for col in after_cols:
                if col.role == "argAfter":
                    j = _seen(p).mutable_args.index(col.index)
                    row.values[col.name] = _seen(p).args_after[j].lit
                else:
                    row.values[col.name] = _seen(p).recv.lit
                asserted = True
            if p.outcome == "return" and err_col is not None and err_mode == "sentinel":
                asserted = True  # the row pins "no error" as well
            if asserted:
                rows.append(row)
        rows = _dedupe(rows)
        rows = self._select(rows, MAX_ROWS[self.test_type])
        if not rows:
            return None
        if err_col is not None and not any(r.probe.outcome == "raise" for r in rows):
            err_col, err_mode = None, "none"
            for row in rows:
                row.values.pop("wantErr", None)
        _name_rows(rows, self.receiver is not None and recv_col is not None)
        for p in (r.probe for r in rows):
            self.imports.update(_literal_imports(p))
        columns = ([recv_col] if recv_col else []) + arg_cols + want_cols + \
            observer_cols + after_cols + ([err_col] if err_col else [])
        code = self._render_table(test_name, columns, rows, setup_lines, value_results,
                                  want_cols, observer_cols, after_cols, err_col, err_mode,
                                  type_args)
        return self._candidate(test_name, code, rows)

    def _recv_type(self, type_args: dict[str, GoType]) -> str:
        rtype = self.receiver["type"]
        params = self.receiver.get("type_params") or []
        if params:
            rtype += "[" + ", ".join(type_args.get(p, GoType("name", name=p)).render()
                                     for p in params) + "]"
        return rtype

    def _callee(self, recv_var: str, type_args: dict[str, GoType]) -> str:
        if self.call_style == "sprintf":
            return "fmt.Sprintf"
        if self.receiver:
            return f"{recv_var}.{self.d.name}"
        explicit = ""
        if self.sig.type_params:
            explicit = "[" + ", ".join(type_args[n].render() for n, _ in self.sig.type_params
                                       if n in type_args) + "]"
        return self.d.name + explicit

    def _describe_call(self, callee: str, arg_cols: list[Column]) -> tuple[str, str]:
        """Format string and arguments describing the call in failure messages."""
        verbs = ", ".join("%q" if c.quote else "%v" for c in arg_cols)
        args = ", ".join(f"tt.{c.name}" for c in arg_cols)
        if self.call_style == "sprintf":
            return f"fmt.Sprintf({verbs}, {self._recv_var()})", args
        short = callee.split(".", 1)[1] if "." in callee and self.receiver else callee
        return f"{short}({verbs})", args

    def _render_table(self, test_name, columns, rows, setup_lines, value_results, want_cols,
                      observer_cols, after_cols, err_col, err_mode, type_args) -> str:
        testify = self.framework == "testify"
        recv_var = self._recv_var() if self.receiver else ""
        arg_cols = [c for c in columns if c.role == "arg"]
        callee = self._callee(recv_var, type_args)
        desc, desc_args = self._describe_call(callee, arg_cols)
        desc_args_prefix = (desc_args + ", ") if desc_args else ""
        lines = [f"func {test_name}(t *testing.T) {{", "\ttests := []struct {",
                 "\t\tname string"]
        lines += [f"\t\t{c.name} {c.type}" for c in columns]
        lines.append("\t}{")
        for row in rows:
            fields = [f"name: {_go_string(row.name)}"]
            for c in columns:
                value = row.values.get(c.name)
                if value is None:
                    continue
                if c.role == "wantErr" and value in ('""', "false", "nil"):
                    continue  # the zero value already says "no error"
                fields.append(f"{c.name}: {value}")
            lines.append("\t\t{" + ", ".join(fields) + "},")
        lines.append("\t}")
        lines.append("\tfor _, tt := range tests {")
        parallel = self._parallel_safe()
        if parallel and not self._loopvar_per_iteration():
            lines.append("\t\ttt := tt")
        lines.append("\t\tt.Run(tt.name, func(t *testing.T) {")
        if parallel:
            lines.append("\t\t\tt.Parallel()")
        body: list[str] = []
        if setup_lines:
            body.extend(setup_lines)
        elif self.receiver:
            recv_col = next(c for c in columns if c.role == "recv")
            body.append(f"{recv_var} := tt.{recv_col.name}")
        call_args = [f"tt.{c.name}" for c in arg_cols]
        if self.sig.variadic and call_args:
            call_args[-1] += "..."
        if self.call_style == "sprintf":
            call_args.append(recv_var)
        call = f"{callee}({', '.join(call_args)})"
        targets = []
        for i, _rt in enumerate(value_results):
            used = any(c.index == i for c in want_cols)
            targets.append(("got" if i == 0 else f"got{i + 1}") if used else "_")
        if self.sig.returns_error:
            targets.append("err")
        if targets and any(t != "_" for t in targets):
            body.append(f"{', '.join(targets)} := {call}")
        elif targets:
            body.append(f"{', '.join(targets)} = {call}")
        else:
            body.append(call)
        # errors first: values returned alongside an error are not part of the contract
        if self.sig.returns_error:
            body += self._error_checks(err_mode, desc, desc_args_prefix, testify)
        for c in observer_cols:
            getter = f"{recv_var}.{c.key}()"
            if testify:
                body += self._compare(getter, f"tt.{c.name}", c.deep, testify, "", "")
            else:
                body += self._compare("got", f"tt.{c.name}", c.deep, testify,
                                      f"{c.key}() after {desc} = %v, want %v",
                                      desc_args_prefix, init=f"got := {getter}")
        if err_col is not None and (want_cols or after_cols):
            if err_mode == "sentinel":
                body.append("if tt.wantErr != nil {")
            elif err_mode == "message":
                body.append('if tt.wantErr != "" {')
            else:
                body.append("if tt.wantErr {")
            body.append("\treturn")
            body.append("}")
        for c in want_cols:
            var = "got" if c.index == 0 else f"got{c.index + 1}"
            if c.role == "wantLen":
                body += self._compare(f"len({var})", f"tt.{c.name}", False, testify,
                                      f"len({desc}) = %d, want %d", desc_args_prefix)
                continue
            if c.role == "resultObserver":
                method = c.key.split(".", 1)[1]
                body += self._compare("v", f"tt.{c.name}", c.deep, testify,
                                      f"{desc}.{method}() = %v, want %v", desc_args_prefix,
                                      init=f"v := {var}.{method}()")
                continue
            if c.role == "wantText":
                body += self._compare(f"fmt.Sprint({var})", f"tt.{c.name}", False, testify,
                                      f"{desc} = %v, want %v", desc_args_prefix)
            else:
                body += self._compare(var, f"tt.{c.name}", c.deep, testify,
                                      f"{desc} = %v, want %v", desc_args_prefix)
        for c in after_cols:
            if c.role == "argAfter":
                arg = next(a for a in arg_cols if a.index == c.index)
                body += self._compare(f"tt.{arg.name}", f"tt.{c.name}", True, testify,
                                      f"after {desc}, {arg.name} = %v, want %v",
                                      desc_args_prefix)
            else:
                body += self._compare(recv_var, f"tt.{c.name}", True, testify,
                                      f"after {desc}, {recv_var} = %+v, want %+v",
                                      desc_args_prefix)
        lines += ["\t\t\t" + b for b in "\n".join(body).split("\n")]
        lines += ["\t\t})", "\t}", "}"]
        return "\n".join(lines) + "\n"

    def _error_checks(self, mode: str, desc: str, prefix: str, testify: bool) -> list[str]:
        if testify:
            self.imports.update({'"github.com/stretchr/testify/require"'})
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

    def _compare(self, got: str, want: str, deep: bool, testify: bool, message: str,
                 prefix: str, init: str = "") -> list[str]:
        if testify:
            self.imports.add('"github.com/stretchr/testify/assert"')
            value = init.split(":=", 1)[1].strip() if init else got
            return [f"assert.Equal(t, {want}, {value})"]
        if deep:
            self.imports.add('"reflect"')
            cond = f"!reflect.DeepEqual({got}, {want})"
        else:
            cond = f"{got} != {want}"
        head = f"if {init}; {cond} {{" if init else f"if {cond} {{"
        return [head, f'\tt.Errorf("{message}", {prefix}{got}, {want})', "}"]

    def _parallel_safe(self) -> bool:
        if self.receiver or self.d.details.get("uses_package_state"):
            return False
        return all(gt.kind not in ("pointer", "func", "chan", "map", "slice", "interface")
                   and not (gt.kind == "name" and gt.package) for _, gt in self.sig.params)

    def _loopvar_per_iteration(self) -> bool:
        version = self.d.details.get("go_version") or ""
        match = re.match(r"1\.(\d+)", version)
        return bool(match) and int(match.group(1)) >= 22

    # ----------------------------------------------------------------- panics

    def _panics(self, probes: list[Probe], test_name: str) -> TestCandidate | None:
        probes = [p for p in probes if p.message and "0x" not in p.message
                  and "goroutine" not in p.message]
        if not probes:
            return None
        type_args = self._type_args(probes)
        arg_cols = self._param_columns(type_args)
        recv_var = self._recv_var() if self.receiver else ""
        setups = {p.setup for p in probes}
        common = max(setups, key=lambda s: sum(p.setup == s for p in probes))
        probes = [p for p in probes if p.setup == common]
        rows = []
        for p in probes:
            row = Row(name="", probe=p)
            for col in arg_cols:
                row.values[col.name] = p.args[col.index] if col.index < len(p.args) else "nil"
            row.values["wantPanic"] = _go_string(p.message or "")
            rows.append(row)
        rows = self._select(_dedupe(rows), 6)
        _name_rows(rows, False)
        for p in (r.probe for r in rows):
            self.imports.update(_literal_imports(p))
        callee = self._callee(recv_var, type_args)
        desc, desc_args = self._describe_call(callee, arg_cols)
        prefix = (desc_args + ", ") if desc_args else ""
        call_args = [f"tt.{c.name}" for c in arg_cols]
        if self.sig.variadic and call_args:
            call_args[-1] += "..."
        if self.call_style == "sprintf":
            call_args.append(recv_var)
        call = f"{callee}({', '.join(call_args)})"
        lines = [f"func {test_name}(t *testing.T) {{", "\ttests := []struct {",
                 "\t\tname string"]
        lines += [f"\t\t{c.name} {c.type}" for c in arg_cols]
        lines += ["\t\twantPanic string", "\t}{"]
        for row in rows:
            fields = [f"name: {_go_string(row.name)}"] + [
                f"{c.name}: {row.values[c.name]}" for c in arg_cols] + [
                f"wantPanic: {row.values['wantPanic']}"]
            lines.append("\t\t{" + ", ".join(fields) + "},")
        lines += ["\t}", "\tfor _, tt := range tests {", "\t\tt.Run(tt.name, func(t *testing.T) {"]
        body = list(common)
        n_results = len(self.sig.results)
        invoke = call if n_results == 0 else ", ".join(["_"] * n_results) + " = " + call
        if self.framework == "testify":
            self.imports.add('"github.com/stretchr/testify/assert"')
            is_error = all(_seen(r.probe).panic_is_error for r in rows)
            is_string = all(_seen(r.probe).panic_type == "string" for r in rows)
            if is_error:
                body += ["assert.PanicsWithError(t, tt.wantPanic, func() {", f"\t{invoke}", "})"]
            elif is_string:
                body += ["assert.PanicsWithValue(t, tt.wantPanic, func() {", f"\t{invoke}", "})"]
            else:
                self.imports.add('"fmt"')
                body += ["defer func() {",
                         '\tassert.Equal(t, tt.wantPanic, fmt.Sprint(recover()))',
                         "}()", invoke]
        else:
            self.imports.add('"fmt"')
            body += ["defer func() {",
                     "\tr := recover()",
                     "\tif r == nil {",
                     f'\t\tt.Fatalf("{desc} did not panic, want %q", {prefix}tt.wantPanic)',
                     "\t}",
                     "\tif got := fmt.Sprint(r); got != tt.wantPanic {",
                     f'\t\tt.Errorf("{desc} panic = %q, want %q", {prefix}got, tt.wantPanic)',
                     "\t}",
                     "}()",
                     invoke]
        lines += ["\t\t\t" + b for b in "\n".join(body).split("\n")]
        lines += ["\t\t})", "\t}", "}"]
        return self._candidate(test_name, "\n".join(lines) + "\n", rows)

    # ----------------------------------------------------------------- integration

    def _integration(self, probes: list[Probe]) -> TestCandidate | None:
        usable = [p for p in probes if p.outcome in ("return", "raise")
                  and p.exception != "panic" and (p.category == "sequence" or (
                      p.category in ("typical", "default") and p.setup))]
        sequences = [p for p in usable if p.category == "sequence"]
        others = [p for p in usable if p.category != "sequence"]
        chosen = sequences[:4] + [p for p in others if _seen(p).gain][:2]
        if not chosen:
            return None
        test_name = self.test_name(TYPE_SUFFIX["integration"])
        testify = self.framework == "testify"
        recv_var = self._recv_var()
        lines = [f"func {test_name}(t *testing.T) {{"]
        used_names: set[str] = set()
        rows = []
        for p in chosen:
            label = _seen(p).label or _seen(p).receiver_label or "sequence"
            if p.category != "sequence":
                label = _seen(p).receiver_label or "new value"
            name = label
            n = 2
            while name in used_names:
                name = f"{label} #{n}"
                n += 1
            used_names.add(name)
            body = list(p.setup)
            assertions = self._sequence_assertions(p, recv_var, testify)
            if not assertions:
                continue
            rows.append(Row(name=name, probe=p))
            self.imports.update(_literal_imports(p))
            lines.append(f"\tt.Run({_go_string(name)}, func(t *testing.T) {{")
            lines += ["\t\t" + b for b in "\n".join(body + assertions).split("\n")]
            lines.append("\t})")
        if not rows:
            return None
        lines.append("}")
        return self._candidate(test_name, "\n".join(lines) + "\n", rows)

    def _sequence_assertions(self, p: Probe, recv_var: str, testify: bool) -> list[str]:
        out: list[str] = []
        n_values = len(self.sig.results) - (1 if self.sig.returns_error else 0)
        targets = []
        pinned = []
        for i in range(n_values):
            lit = _result(p, i)
            var = "got" if i == 0 else f"got{i + 1}"
            if lit.ok:
                targets.append(var)
                pinned.append((var, lit))
            else:
                targets.append("_")
        if self.sig.returns_error:
            targets.append("err")
        call = p.call
        if targets and any(t != "_" for t in targets):
            out.append(f"{', '.join(targets)} := {call}")
        elif targets:
            out.append(f"{', '.join(targets)} = {call}")
        else:
            out.append(call)
        short = call.split("(", 1)[0].split(".", 1)[-1] + "()"
        if self.sig.returns_error:
            err = _seen(p).error or Failure()
            if p.outcome == "raise":
                if err.sentinel:
                    if testify:
                        self.imports.add('"github.com/stretchr/testify/require"')
                        out.append(f"require.ErrorIs(t, err, {err.sentinel})")
                    else:
                        out += [f"if !errors.Is(err, {err.sentinel}) {{",
                                f'\tt.Fatalf("{short} error = %v, want {err.sentinel}", err)',
                                "}"]
                else:
                    msg = _go_string(err.msg)
                    if testify:
                        self.imports.add('"github.com/stretchr/testify/require"')
                        out.append(f"require.EqualError(t, err, {msg})")
                    else:
                        out += [f"if err == nil || err.Error() != {msg} {{",
                                f'\tt.Fatalf("{short} error = %v, want %q", err, {msg})', "}"]
            elif testify:
                self.imports.add('"github.com/stretchr/testify/require"')
                out.append("require.NoError(t, err)")
            else:
                out += ["if err != nil {", f'\tt.Fatalf("{short} error = %v", err)', "}"]
        if p.outcome == "return":
            for var, lit in pinned:
                out += self._compare(var, lit.lit, not lit.basic, testify,
                                     f"{short} = %v, want %v", "")
        for name, lit in sorted(_seen(p).observers.items()):
            if not lit.ok or call.startswith(f"{recv_var}.{name}("):
                continue
            getter = f"{recv_var}.{name}()"
            if testify:
                self.imports.add('"github.com/stretchr/testify/assert"')
                out.append(f"assert.Equal(t, {lit.lit}, {getter})")
            else:
                deep = not lit.basic
                if deep:
                    self.imports.add('"reflect"')
                cond = f"!reflect.DeepEqual(got, {lit.lit})" if deep else f"got != {lit.lit}"
                out += [f"if got := {getter}; {cond} {{",
                        f'\tt.Errorf("{name}() = %v, want %v", got, {lit.lit})', "}"]
        has_assertion = any(line.startswith(("if ", "assert.", "require.")) for line in out)
        return out if has_assertion else []

    # ----------------------------------------------------------------- candidate

    def _candidate(self, test_name: str, code: str, rows: list[Row]) -> TestCandidate:
        imports = set(self.imports) | {'"testing"'}
        if "errors.Is(" in code:
            imports.add('"errors"')
        if "reflect.DeepEqual(" in code:
            imports.add('"reflect"')
        if "fmt.Sprint(" in code:
            imports.add('"fmt"')
        imports.update(self.d.imports)
        return TestCandidate(
            id=f"{self.d.key}::{test_name}", definition=self.d.key, test_name=test_name,
            code=code, test_type=self.test_type, engine="offline",
            imports=tuple(sorted(imports)),
            details={"rows": [r.name for r in rows], "framework": self.framework})


def _stable(p: Probe, part: str, key=None) -> bool:
    """Whether ``part`` of the probe's result was the same in both calls."""
    if p.deterministic:
        return True
    stable = _seen(p).stable
    if stable is None:
        return False
    value = getattr(stable, part)
    if key is None:
        return bool(value)
    if isinstance(value, tuple):
        return key < len(value) and bool(value[key])
    return bool((value or {}).get(key))


def _has_len(gt: GoType) -> bool:
    if gt.kind in ("slice", "map"):
        return True
    return gt.kind == "name" and not gt.package and gt.name == "string"


def _literal_imports(p: Probe | None) -> set[str]:
    """Import specs for packages the probe's literals name (``time``, ``math``...)."""
    if p is None:
        return set()
    specs: set[str] = set()
    seen = _seen(p)
    for lit in [*seen.results, *seen.observers.values(), seen.recv or Value(),
                *seen.args_after]:
        for entry in lit.imports:
            qualifier, _, path = entry.partition(" ")
            if path:
                specs.add(spec_for(qualifier, path))
    return specs


def _value_shape(literal: str) -> str:
    """Coarse class of an expected value, so a table shows different kinds of outcome."""
    text = literal.strip()
    inner = text[text.find("(") + 1:-1] if text.endswith(")") and "(" in text else text
    if inner in ("0", "0.0", '""', "nil", "false", "") or text.endswith("{}"):
        return "zero"
    if inner.startswith("-"):
        return "negative"
    if inner == "true":
        return "true"
    return "value"


def _dedupe(rows: list[Row]) -> list[Row]:
    seen: set[tuple] = set()
    out = []
    for row in rows:
        key = tuple(sorted((k, v) for k, v in row.values.items() if not k.startswith("want")))
        key += (row.probe.setup if row.probe else (),)
        if key in seen:
            continue
        seen.add(key)
        out.append(row)
    return out


def _name_rows(rows: list[Row], with_receiver: bool) -> None:
    used: dict[str, int] = {}
    for i, row in enumerate(rows):
        p = row.probe
        label = _seen(p).label
        if p is not None and p.category == "doc-example":
            label = "doc example"
        receiver_label = _seen(p).receiver_label
        if with_receiver and receiver_label and label != receiver_label:
            label = f"{receiver_label}, {label}" if label else receiver_label
        if not label:
            label = "no arguments" if p is not None and not p.args else f"case {i + 1}"
        if p is not None and p.outcome == "raise" and "error" not in label and \
                "invalid" not in label:
            label = f"{label} fails"
        label = re.sub(r"\s+", " ", label).strip()[:48]
        count = used.get(label, 0) + 1
        used[label] = count
        row.name = label if count == 1 else f"{label} #{count}"
