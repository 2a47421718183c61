"""The columns of a table-driven test, chosen from what the probes observed.

Arguments always; then, in order: the receiver (an expression per row, when rows build it
differently), each result that can be pinned (its literal, its ``fmt.Sprint`` text, its length,
or its accessors), the accessors of a mutated receiver, arguments or receiver changed in place,
and ``wantErr`` (a sentinel, the exact message, or a bool).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from testgen.model import Probe

from ..gotypes import GoType
from ..harness import MUTATOR_WORDS
from ..payload import Failure, Value, recorded, result_of
from .naming import camel
from .rows import stable
from .target import RESERVED, Target

BASIC_TYPES = {"bool", "string", "int", "int8", "int16", "int32", "int64", "uint", "uint8",
               "uint16", "uint32", "uint64", "uintptr", "byte", "rune", "float32", "float64",
               "complex64", "complex128"}


@dataclass
class Column:
    name: str
    type: str
    role: str
    """``arg``, ``recv``, ``want`` (result i), ``wantText``, ``wantLen``, ``resultObserver``,
    ``observer``, ``argAfter``, ``recvAfter``, ``wantErr``."""
    index: int = 0
    key: str = ""
    """Accessor: the method name for ``observer``, ``"<result>.<method>"`` for
    ``resultObserver``."""
    deep: bool = False
    """Compared with ``reflect.DeepEqual``."""
    quote: bool = False
    """Format with %q in messages."""


@dataclass
class Columns:
    """Every column of one table, and the probes its rows come from."""

    probes: list[Probe]
    type_args: dict[str, GoType]
    value_results: list[GoType]
    """The results other than a final ``error``."""
    args: list[Column]
    setup: tuple[str, ...] = ()
    """Statements building the receiver, shared by every row."""
    recv: Column | None = None
    wants: list[Column] = field(default_factory=list)
    observers: list[Column] = field(default_factory=list)
    afters: list[Column] = field(default_factory=list)
    err: Column | None = None
    err_mode: str = ""
    """``sentinel``, ``message``, ``bool``; ``none`` once no kept row fails."""

    def all(self) -> list[Column]:
        return ([self.recv] if self.recv else []) + self.args + self.wants + \
            self.observers + self.afters + ([self.err] if self.err else [])


def is_basic(gt: GoType) -> bool:
    return gt.kind == "name" and not gt.package and gt.name in BASIC_TYPES


def has_len(gt: GoType) -> bool:
    if gt.kind in ("slice", "map"):
        return True
    return gt.kind == "name" and not gt.package and gt.name == "string"


def arg_columns(target: Target, type_args: dict[str, GoType]) -> list[Column]:
    """One column per parameter, renamed where the test body or the receiver takes its name."""
    columns = []
    taken = set(RESERVED)
    if target.receiver:
        taken.add(target.recv_var())
    for i, (name, gt) in enumerate(target.sig.params):
        field_name = name if name and name != "_" else f"arg{i}"
        if field_name in taken or field_name.startswith("want"):
            field_name = f"{field_name}Arg"
        taken.add(field_name)
        gt = gt.substitute(type_args)
        columns.append(Column(field_name, gt.render(), "arg", index=i,
                              quote=gt.kind == "name" and gt.name == "string"
                              and not gt.package))
    return columns


def plan(target: Target, probes: list[Probe], type_args: dict[str, GoType]) -> Columns:
    results = [r.substitute(type_args) for r in target.sig.results]
    cols = Columns(probes=probes, type_args=type_args,
                   value_results=results[:-1] if target.sig.returns_error else results,
                   args=arg_columns(target, type_args))
    if target.receiver:
        _receiver(target, cols)
    cols.wants = _wants(cols)
    cols.observers = _observers(target, cols)
    if not cols.value_results and not cols.observers:
        cols.afters = _afters(target, cols)
    if target.sig.returns_error:
        _errors(cols)
    return cols


def _receiver(target: Target, cols: Columns) -> None:
    """One shared setup inside the loop, or a column of expressions."""
    probes = cols.probes
    setups = {p.setup for p in probes}
    if len(setups) == 1:
        cols.setup = probes[0].setup
        return
    with_expr = [p for p in probes if recorded(p).receiver_expr and recorded(p).receiver_type]
    declared = ("*" if target.receiver.get("pointer") else "") + target.recv_type(
        cols.type_args)
    typed = [p for p in with_expr if recorded(p).receiver_type == declared]
    if len(typed) >= 2:
        cols.probes = typed
        cols.recv = Column(target.recv_var(), declared, "recv")
    else:
        common = max(setups, key=lambda s: sum(p.setup == s for p in probes))
        cols.probes = [p for p in probes if p.setup == common]
        cols.setup = common


def _wants(cols: Columns) -> list[Column]:
    """The results a row can pin: the literal, else its text, else its length, else what
    its accessors say."""
    want_cols: list[Column] = []
    names = ["want"] + [f"want{i + 1}" for i in range(1, len(cols.value_results))]
    ok_rows = [p for p in cols.probes if p.outcome == "return"]
    for i, rt in enumerate(cols.value_results):
        lits = [result_of(p, i) for p in ok_rows]
        same = all(stable(p, "values", i) for p in ok_rows)
        pinned = False
        if ok_rows and same and all(lit.ok for lit in lits):
            pinned = True
            want_cols.append(Column(names[i], rt.render(), "want", index=i,
                                    deep=not (is_basic(rt) or all(
                                        lit.basic for lit in lits)) or
                                    rt.kind == "name" and rt.name == "error",
                                    quote=is_basic(rt) and rt.name == "string"))
        elif ok_rows and same and all(lit.ok or lit.text is not None for lit in lits):
            pinned = True
            want_cols.append(Column(names[i] + "Text", "string", "wantText", index=i,
                                    quote=True))
        elif ok_rows and has_len(rt) and all(stable(p, "lens", i) for p in ok_rows):
            want_cols.append(Column(names[i] + "Len", "int", "wantLen", index=i))
        if pinned or not ok_rows:
            continue
        # accessors of the result (got.Version()) when the value itself cannot be pinned
        keys = [k for k in recorded(ok_rows[0]).result_observers if k.startswith(f"{i}.")]
        for key in keys:
            olits = [recorded(p).result_observers.get(key) or Value() for p in ok_rows]
            types = {lit.type for lit in olits}
            if all(lit.ok for lit in olits) and len(types) == 1 and "" not in types and \
                    all(stable(p, "result_observers", key) for p in ok_rows):
                method = key.split(".", 1)[1]
                want_cols.append(Column(f"{names[i]}{method[:1].upper()}{method[1:]}",
                                        types.pop(), "resultObserver", index=i, key=key,
                                        deep=not all(v.basic for v in olits)))
    return want_cols


def _observers(target: Target, cols: Columns) -> list[Column]:
    """Accessors of a receiver that the method changes (``c.Total()`` after ``c.Add``)."""
    observer_cols: list[Column] = []
    if not (target.receiver and target.receiver.get("pointer") and (
            not cols.value_results or MUTATOR_WORDS.match(target.name))):
        return observer_cols
    probes = cols.probes
    for obs in recorded(probes[0]).observer_names[:2]:
        lits = [recorded(p).observers.get(obs) or Value() for p in probes]
        types = {lit.type for lit in lits}
        if all(lit.ok for lit in lits) and len(types) == 1 and "" not in types:
            typ = types.pop()
            observer_cols.append(Column(f"want{obs[:1].upper()}{obs[1:]}", typ,
                                        "observer", key=obs,
                                        deep=not all(v.basic for v in lits)))
    return observer_cols


def _afters(target: Target, cols: Columns) -> list[Column]:
    """Arguments or the receiver changed in place (functions and methods with no results)."""
    after_cols: list[Column] = []
    probes = cols.probes
    for j, arg_index in enumerate(recorded(probes[0]).mutable_args):
        lits = [recorded(p).args_after[j] if len(recorded(p).args_after) > j else Value()
                for p in probes]
        col = cols.args[arg_index]
        if all(v.ok for v in lits) and any(
                v.lit != p.args[arg_index] for v, p in zip(lits, probes)):
            after_cols.append(Column(f"want{col.name[:1].upper()}{col.name[1:]}",
                                     col.type, "argAfter", index=arg_index, deep=True))
    if target.receiver and target.receiver.get("pointer") and not after_cols:
        if all((recorded(p).recv or Value()).ok for p in probes):
            declared = "*" + target.recv_type(cols.type_args)
            after_cols.append(Column(f"want{camel(target.recv_var())}", declared,
                                     "recvAfter", deep=True))
    return after_cols


def _errors(cols: Columns) -> None:
    """``wantErr``: the sentinel when every error has one, else the exact message when it
    is repeatable, else whether there is an error."""
    if not all(stable(p, "err_nil") for p in cols.probes):
        cols.probes = [p for p in cols.probes if stable(p, "err_nil")]
    err_rows = [p for p in cols.probes if p.outcome == "raise"]
    errs = [recorded(p).error or Failure() for p in err_rows]
    exact = all(stable(p, "err") for p in err_rows)
    if err_rows and exact and all(e.sentinel for e in errs):
        cols.err_mode = "sentinel"
        cols.err = Column("wantErr", "error", "wantErr")
    elif err_rows and exact and all(e.msg and "0x" not in e.msg for e in errs):
        cols.err_mode = "message"
        cols.err = Column("wantErr", "string", "wantErr", quote=True)
    else:
        cols.err_mode = "bool"
        cols.err = Column("wantErr", "bool", "wantErr")
