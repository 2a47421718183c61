"""What the Go probe records of one call (``Probe.payload``), read by the offline writer.

The harness prints one JSON record per case (``harness/runtime.go.txt``); :func:`observed`
turns the case that was asked and the record that came back into these frozen classes, so
the writer reads typed attributes and never a key that nobody writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping


@dataclass(frozen=True)
class Value:
    """One Go value as the harness rendered it (a result, an accessor, an argument after)."""

    ok: bool = False
    """Whether :attr:`lit` is a Go literal a test can compare with."""
    lit: str = ""
    """The value as a Go literal (``[]int{1, 2}``, ``Cents(250)``)."""
    basic: bool = False
    """A value of a basic type, compared with ``!=`` rather than ``reflect.DeepEqual``."""
    text: str | None = None
    """``fmt.Sprint`` of the value, when it has no literal but prints the same each time."""
    type: str = ""
    """The value's Go type as the test names it."""
    length: int = 0
    """``len`` of a string, slice or map."""
    imports: tuple[str, ...] = ()
    """``qualifier path`` of each package the literal names (``time time``)."""

    @classmethod
    def of(cls, record: Mapping[str, Any] | None) -> Value:
        record = record or {}
        return cls(ok=bool(record.get("ok")), lit=record.get("lit") or "",
                   basic=bool(record.get("basic")), text=record.get("str"),
                   type=record.get("type") or "", length=int(record.get("len") or 0),
                   imports=tuple(record.get("imports") or ()))


@dataclass(frozen=True)
class Failure:
    """The error a call returned."""

    type: str = ""
    msg: str = ""
    sentinel: str = ""
    """The package's exported error variable that ``errors.Is`` matches (``ErrEmpty``)."""

    @classmethod
    def of(cls, record: Mapping[str, Any] | None) -> Failure | None:
        if not record:
            return None
        return cls(type=record.get("type") or "", msg=record.get("msg") or "",
                   sentinel=record.get("sentinel") or "")


@dataclass(frozen=True)
class Stability:
    """Which parts of a result were the same in the two calls of a case."""

    values: tuple[bool, ...] = ()
    lens: tuple[bool, ...] = ()
    err: bool = False
    err_nil: bool = False
    observers: Mapping[str, bool] = field(default_factory=dict)
    result_observers: Mapping[str, bool] = field(default_factory=dict)

    @classmethod
    def of(cls, record: Mapping[str, Any] | None) -> Stability | None:
        if not record:
            return None
        return cls(values=tuple(bool(v) for v in record.get("values") or ()),
                   lens=tuple(bool(v) for v in record.get("lens") or ()),
                   err=bool(record.get("err")), err_nil=bool(record.get("err_nil")),
                   observers=dict(record.get("observers") or {}),
                   result_observers=dict(record.get("result_observers") or {}))


@dataclass(frozen=True)
class Observed:
    """One case: how it was called, and (when it ran) what the call did."""

    label: str = ""
    """The input's description (``"empty string"``), for the row name."""
    receiver_label: str = ""
    """How the receiver was made (``"new Cart"``)."""
    receiver_expr: str = ""
    """The receiver as one expression (``NewCart()``), when the setup is a single statement."""
    receiver_type: str = ""
    type_args: Mapping[str, str] = field(default_factory=dict)
    """Type parameter → the type argument it was called with."""
    observer_names: tuple[str, ...] = ()
    """Accessor methods of the receiver read after the call."""
    mutable_args: tuple[int, ...] = ()
    """Indexes of arguments the call may change in place (slices, maps, pointers)."""
    call_style: str = ""
    """``sprintf`` when the method is reached through ``fmt.Sprintf`` (a ``Format`` method)."""
    results: tuple[Value, ...] = ()
    error: Failure | None = None
    recv: Value | None = None
    """The receiver after the call."""
    observers: Mapping[str, Value] = field(default_factory=dict)
    """Accessor name → what it returned after the call."""
    result_observers: Mapping[str, Value] = field(default_factory=dict)
    """``"<result index>.<method>"`` → what that accessor of the result returned."""
    args_after: tuple[Value, ...] = ()
    """The :attr:`mutable_args`, in order, after the call."""
    stable: Stability | None = None
    """What was the same in both calls (``None`` when the call was repeatable as a whole)."""
    gain: bool = False
    """The call reached lines that no earlier case of the definition reached."""
    panic_type: str = ""
    panic_is_error: bool = False
    """The panic value was an ``error`` (testify's ``PanicsWithError``)."""


def observed(case: Any, record: Mapping[str, Any] | None = None) -> Observed:
    """The payload of one harness case, with the JSON ``record`` it printed when it ran."""
    asked = dict(label=case.label, receiver_label=case.receiver_label,
                 receiver_expr=case.receiver_expr, receiver_type=case.receiver_type,
                 type_args=dict(case.type_args), observer_names=tuple(case.observers),
                 mutable_args=tuple(case.mutable_args), call_style=case.call_style)
    if record is None:
        return Observed(**asked)
    return Observed(
        **asked,
        results=tuple(Value.of(v) for v in record.get("values") or ()),
        error=Failure.of(record.get("err")),
        recv=Value.of(record["recv"]) if record.get("recv") else None,
        observers={k: Value.of(v) for k, v in (record.get("observers") or {}).items()},
        result_observers={k: Value.of(v)
                          for k, v in (record.get("result_observers") or {}).items()},
        args_after=tuple(Value.of(v) for v in record.get("args") or ()),
        stable=Stability.of(record.get("stable")), gain=bool(record.get("gain")),
        panic_type=record.get("panic_type") or "",
        panic_is_error=bool(record.get("panic_is_error")))


def recorded(probe: Any) -> Observed:
    """The payload of ``probe`` (an empty one for a probe of another origin, or none)."""
    payload = getattr(probe, "payload", None)
    return payload if isinstance(payload, Observed) else Observed()


def result_of(probe: Any, index: int) -> Value:
    """Result ``index`` of the call (an empty value when it has no such result)."""
    results = recorded(probe).results
    return results[index] if index < len(results) else Value()
