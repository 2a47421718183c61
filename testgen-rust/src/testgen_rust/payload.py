"""What a Rust probe records of one call beyond the core's :class:`~testgen.model.Probe`
fields: the plugin's own typed record (``Probe.payload``), read by the offline writer and the
prompt templates."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from testgen.model import Probe


@dataclass(frozen=True)
class RustCall:
    """One harness call as the offline writer needs it."""

    id: str = ""
    """The harness call's id (``d0_c3``): which probe a candidate was made from."""
    imports: tuple[str, ...] = ()
    """``use`` lines the call needs (the definition's type, its trait, the inputs' types)."""
    returns: str = ""
    """The declared return type, as written."""
    value_imports: tuple[str, ...] = ()
    """``use`` lines the literal of the result (or of the state after the call) needs."""
    debug: str | None = None
    """The result's ``{:?}`` text, when it implements Debug."""
    display: str | None = None
    """The result's ``{}`` text, when it implements Display."""
    eq: bool = False
    """Whether the result implements ``PartialEq`` (so a test can compare it to a literal)."""
    unit: bool = False
    """The call returns ``()``: only the state it leaves can be checked."""
    after: Mapping[str, str | None] = field(default_factory=dict)
    """``&mut`` variable → its Debug text after the call."""
    after_values: Mapping[str, str] = field(default_factory=dict)
    """``&mut`` variable → a literal of its state after the call, where one could be written."""
    err_is_error: bool = False
    """For a ``Result``: its ``E`` converts into ``Box<dyn Error>`` (a test can use ``?``)."""
    variant: str | None = None
    """``Ok``, ``Err``, ``Some`` or ``None`` for a ``Result``/``Option`` result."""
    payload_type: str = ""
    """The type inside that variant, as written."""
    round_trip: str | None = None
    """When the input was the ``Display`` text of a crate value and the parser did not give
    that value back (nor one that displays the same): the evidence, a possible bug."""


NO_CALL = RustCall()
"""The record of a probe that made no call (skipped before planning)."""


def call_of(probe: Probe) -> RustCall:
    """The probe's :class:`RustCall`; :data:`NO_CALL` for a probe that carries none."""
    return probe.payload if isinstance(probe.payload, RustCall) else NO_CALL
