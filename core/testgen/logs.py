"""Logging set-up for the CLI: rich or plain text on stderr, or JSON lines, with secrets redacted."""

from __future__ import annotations

import json
import logging
import sys
import time
from typing import Iterable

SECRET_FILTERS: list[logging.Filter] = []
"""Filters installed on every handler (the secrets module registers its redactor here)."""


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {"ts": round(record.created, 3), "level": record.levelname.lower(),
                 "logger": record.name, "message": record.getMessage()}
        for key in ("code", "path", "phase", "status"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def setup(*, verbosity: int = 0, fmt: str = "text", debug: bool = False,
          filters: Iterable[logging.Filter] = ()) -> None:
    """``verbosity``: -1 quiet (errors only), 0 warnings, 1 info, 2+ debug."""
    level = logging.DEBUG if debug or verbosity >= 2 else {
        -1: logging.ERROR, 0: logging.WARNING, 1: logging.INFO}.get(verbosity, logging.WARNING)
    root = logging.getLogger("testgen")
    root.handlers.clear()
    root.setLevel(level)
    root.propagate = False
    handler = logging.StreamHandler(sys.stderr)
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(levelname)s %(message)s" if debug
                                               else "%(message)s"))
    for f in [*SECRET_FILTERS, *filters]:
        handler.addFilter(f)
    root.addHandler(handler)
    logging.Formatter.converter = time.gmtime
