"""Stopping a run: SIGINT, SIGTERM and SIGHUP all stop it the same way.

The first signal raises :class:`KeyboardInterrupt` in the main thread, so the pipeline stops
issuing work, kills its sandboxes, writes the files that are complete, saves their state and
reports. Later signals only say the run is stopping: the finishing writes are short, and
cutting them would leave what the first signal meant to save unsaved. Writes that must not be
cut in half run inside :func:`deferred`. The exit status is ``128 + signal`` (130, 143, 129).
"""

from __future__ import annotations

import signal
import sys
import threading
from contextlib import contextmanager
from typing import Iterator

STOP_SIGNALS = tuple(s for s in (getattr(signal, "SIGINT", None), getattr(signal, "SIGTERM", None),
                                 getattr(signal, "SIGHUP", None)) if s is not None)

_received: int | None = None
_deferring = 0
_pending = False


def install() -> None:
    """Route the stop signals to :func:`_handle` (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        return
    for signum in STOP_SIGNALS:
        try:
            signal.signal(signum, _handle)
        except (OSError, ValueError):
            pass


def received() -> int | None:
    """The first stop signal received, if any."""
    return _received


def exit_status() -> int:
    """``128 + signal`` of the first stop signal (130 when it was Ctrl-C or none)."""
    return 128 + (_received or signal.SIGINT)


def signal_name() -> str:
    try:
        return signal.Signals(_received or signal.SIGINT).name
    except ValueError:
        return "signal"


@contextmanager
def deferred() -> Iterator[None]:
    """A stop signal arriving inside is acted on when the block ends, not in its middle."""
    global _deferring, _pending
    _deferring += 1
    try:
        yield
    finally:
        _deferring -= 1
        if not _deferring and _pending:
            _pending = False
            raise KeyboardInterrupt


def _handle(signum: int, frame) -> None:  # noqa: ARG001 - signal handler signature
    global _received, _pending
    if _received is not None:
        sys.stderr.write("testgen: stopping, writing what is complete…\n")
        return
    _received = signum
    if _deferring:
        _pending = True
        return
    raise KeyboardInterrupt


def _reset_for_tests() -> None:
    global _received, _deferring, _pending
    _received, _deferring, _pending = None, 0, False
