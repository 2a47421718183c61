"""What a Python probe knows beyond the common :class:`~testgen.model.Probe` fields.

The harness writes these facts into each probe record; :mod:`testgen_python.probe` reads them
into a :class:`PythonProbe` (``Probe.payload``), and the offline writer and the prompt read
them back as typed attributes. Literals are Python source text, like ``Probe.value``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping


@dataclass(frozen=True)
class PythonProbe:
    """One call's Python-specific facts."""

    module: str = ""
    """Dotted name the probe imported the code under test by (``shop.pricing``)."""
    imports: tuple[str, ...] = ()
    """Import lines the call, its arguments and its expected value need."""
    wrap: str | None = None
    """How the test must call it: ``"await"`` (a coroutine, run with ``asyncio.run``),
    ``"list"`` (a generator, drained with ``list()``); ``None``: a plain call."""
    mutated: Mapping[str, str] = field(default_factory=dict)
    """Arguments the call changed: positional index (as text) → literal after the call."""
    state: Mapping[str, str] = field(default_factory=dict)
    """Attributes of the receiver the call set: name → literal after the call."""
    attributes: Mapping[str, str] = field(default_factory=dict)
    """Public attributes of a returned object that has no literal: name → literal."""
    result_type: str | None = None
    """Type name of the returned value."""
    value_kind: str | None = None
    """What kind of value the harness rendered (its own rendering label)."""
    approx: bool = False
    """The value holds floats: compare with ``pytest.approx`` / ``assertAlmostEqual``."""
    stdout: str | None = None
    """What the call printed, when it printed anything."""
    argv: tuple[str, ...] | None = None
    """``sys.argv`` the call ran with (a command-line entry point); ``None``: untouched."""
    arg_categories: tuple[str, ...] = ()
    """``Probe.category`` of each argument, positional then keyword."""
    doc_want: str | None = None
    """For a docstring example: the output the docstring shows."""
    state_only: bool = False
    """A ``vars(obj)`` observation after a method sequence, not a call of the target."""
    new_lines: tuple[int, ...] = ()
    """Lines this call ran that no earlier kept call had."""
    exception_module: str | None = None
    """Module of the raised exception's class."""
    well_typed: bool = False
    """For a raised exception: every argument was an instance of its parameter's annotation."""
    round_trip: Mapping[str, str] = field(default_factory=dict)
    """The call got what its inverse made (``decode(encode(x))``) and did not give ``x``
    back, nor anything the inverse turns into the same value: ``through`` (the inverse's
    call), ``original``, ``back``, ``again`` (the inverse on ``back``) and ``again_gives``."""
    raised_by: str | None = None
    """For a raised exception: ``"raise"`` (a ``raise`` statement of the project's code) or
    ``"operation"`` (an operation failed inside it: division by zero, ``None.attr`` …)."""

    @classmethod
    def from_record(cls, record: Mapping[str, Any], module: str) -> PythonProbe:
        """The payload of one harness ``probe`` record (its ``details`` and a few top-level
        keys)."""
        details = record.get("details") or {}
        argv = details.get("argv")
        return cls(
            module=module,
            imports=tuple(details.get("imports") or ()),
            wrap=details.get("wrap"),
            mutated=dict(details.get("mutated") or {}),
            state=dict(details.get("state") or {}),
            attributes=dict(details.get("attributes") or {}),
            result_type=details.get("result_type"),
            value_kind=details.get("value_kind"),
            approx=bool(details.get("approx")),
            stdout=details.get("stdout"),
            argv=tuple(argv) if argv is not None else None,
            arg_categories=tuple(details.get("arg_categories") or ()),
            doc_want=details.get("doc_want"),
            state_only=bool(details.get("state_only")),
            new_lines=tuple(record.get("new_lines") or ()),
            exception_module=record.get("exception_module"),
            raised_by=details.get("raised_by"),
            well_typed=bool(details.get("well_typed")),
            round_trip=dict(details.get("round_trip") or {}),
        )

    @property
    def has_effects(self) -> bool:
        """The call changed or printed something a test can check."""
        return bool(self.state or self.mutated or self.stdout)


NO_PAYLOAD = PythonProbe()
"""What a probe without a payload (skipped, made by hand) reads as."""


def payload_of(probe: Any) -> PythonProbe:
    """``probe.payload`` when it is a :class:`PythonProbe`, else :data:`NO_PAYLOAD`."""
    payload = getattr(probe, "payload", None)
    return payload if isinstance(payload, PythonProbe) else NO_PAYLOAD
