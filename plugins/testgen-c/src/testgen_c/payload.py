"""What the probe tells the offline writer about one call, beyond the ``Probe`` fields."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Returned:
    """``Probe.payload`` of a C call: the kind of its return type (see :mod:`.scalars`), which
    picks the ``CHECK_*`` macro that compares the value."""

    kind: str
