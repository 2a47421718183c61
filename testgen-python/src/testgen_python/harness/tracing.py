"""Which lines of the target file a call runs, and which lines a function can run."""

from __future__ import annotations

import sys
import types


class Tracer:
    """Records the lines of one file that run, per call, with sys.settrace."""

    def __init__(self, filename: str):
        self.filename = filename
        self.lines: set = set()

    def _local(self, frame, event, arg):
        if event == "line":
            self.lines.add(frame.f_lineno)
        return self._local

    def _global(self, frame, event, arg):
        if frame.f_code.co_filename == self.filename:
            self.lines.add(frame.f_lineno)
            return self._local
        return None

    def start(self):
        self.lines = set()
        sys.settrace(self._global)

    def stop(self) -> set:
        sys.settrace(None)
        return self.lines


def code_lines(code) -> set:
    """Lines that can run in ``code`` and the code objects nested in it."""
    lines = set()
    stack = [code]
    while stack:
        current = stack.pop()
        for _, _, line in current.co_lines():
            if line is not None:
                lines.add(line)
        stack.extend(c for c in current.co_consts if isinstance(c, types.CodeType))
    first = code.co_firstlineno
    lines.discard(first)  # the ``def`` line runs at import, not in the call
    return lines

