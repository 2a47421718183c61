"""The channel to the host: one JSON object per line on the harness's original stdout, each
with an ``event`` (the records of :mod:`testgen.kit.probehost`, which the host reads with
``read_records``).

:func:`open_channel` keeps that stdout for the records and gives the code under test a stdout
of its own; a forked child writes to its pipe instead (:func:`use_channel`).
"""

from __future__ import annotations

import io
import json
import os
import sys

_out_fd: int = -1


def use_channel(fd: int) -> None:
    """Write the records to ``fd`` from now on."""
    global _out_fd
    _out_fd = fd


def open_channel() -> None:
    """Keep the original stdout for the records; the code under test writes to stderr."""
    use_channel(os.dup(1))
    os.dup2(2, 1)
    sys.stdout = io.TextIOWrapper(os.fdopen(1, "wb", closefd=False), write_through=True)


def emit(record: dict) -> None:
    data = (json.dumps(record, default=str) + "\n").encode("utf-8")
    while data:
        written = os.write(_out_fd, data)
        data = data[written:]



def safe_str(exc) -> str:
    """``str(exc)``, or ``""`` when the exception cannot say what it is."""
    try:
        return str(exc)
    except Exception:
        return ""
