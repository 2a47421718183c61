"""What the probe tells the offline writer about one JavaScript call, beyond ``Probe``'s fields."""

from __future__ import annotations

from dataclasses import dataclass

from testgen.model import Probe


@dataclass(frozen=True)
class RoundTrip:
    """A parser given what its formatter made (``parse(format(x))``) that did not come back:
    neither ``x`` again, nor a value the formatter turns into the same text."""

    through: str
    """The producer's call that made the input (``format({ type: 'a/b' })``)."""
    back: str
    """What the consumer gave for it: a literal, or ``throws Name: message``."""
    again: str
    """What the producer gave for ``back`` (empty when the consumer threw)."""


@dataclass(frozen=True)
class Observed:
    """``Probe.payload`` of a call that returned or threw (the harness's result record)."""

    is_async: bool = False
    """The call returned a promise (awaited: the value or error is what it settled to)."""
    renderable: bool = False
    """The returned value could be written as a JavaScript literal (``Probe.value``)."""
    value_type: str | None = None
    """``typeof`` the returned value, with ``"null"`` and ``"array"`` told apart."""
    instance: str | None = None
    """Class name when the returned value is an instance of a class (not a plain object)."""
    nested_instance: bool = False
    """A class instance sits somewhere inside the returned value."""
    generator: bool = False
    """The definition is a generator: the value is the list of what it yields."""
    construct: bool = False
    """The call is ``new Class(...)``."""
    receiver: str | None = None
    """How the instance a method was called on was made (``IPv4.parse('192.168.1.1')``)."""
    binding: str = ""
    """The local name the test imports the definition under."""
    state: str | None = None
    """Literal of the instance's own fields after a method call, when it can be written."""
    error_ctor: str | None = None
    """Constructor name of the thrown error."""
    error_code: str | None = None
    """``error.code`` of the thrown error (``"ERR_INVALID_ARG_TYPE"``), if any."""
    is_error: bool = False
    """The thrown value is an ``Error`` (not a string or a plain object)."""
    thrown: str | None = None
    """Literal of a thrown value that is not an ``Error``."""
    mutated: tuple[tuple[int, str], ...] = ()
    """Arguments the call changed in place: (position, literal of what it holds after)."""
    round_trip: RoundTrip | None = None
    """The call got what its inverse made and the trip did not come back (a finding)."""


NOTHING = Observed()


def observed(probe: Probe) -> Observed:
    """The payload of ``probe``; an empty one for calls that did not return or throw."""
    return probe.payload if isinstance(probe.payload, Observed) else NOTHING
