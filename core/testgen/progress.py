"""Live progress on stderr: files, definitions, tokens and dollars. Silent when not a TTY."""

from __future__ import annotations

import logging
import sys
import threading
from typing import Any

log = logging.getLogger(__name__)


class ProgressView:
    """``callback(event, data)`` for the pipeline and engines; a rich bar on a terminal."""

    def __init__(self, *, enabled: bool | None = None) -> None:
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self._lock = threading.Lock()
        self._progress: Any = None
        self._task: Any = None
        self.tokens = 0
        self.cost = 0.0
        self.requests = 0

    def __enter__(self) -> "ProgressView":
        if self.enabled:
            from rich.console import Console
            from rich.progress import (BarColumn, MofNCompleteColumn, Progress, SpinnerColumn,
                                       TextColumn, TimeElapsedColumn)

            self._progress = Progress(SpinnerColumn(), TextColumn("{task.description}"),
                                      BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                                      TextColumn("{task.fields[extra]}"),
                                      console=Console(stderr=True), transient=True)
            self._progress.start()
            self._task = self._progress.add_task("planning", total=None, extra="")
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._progress is not None:
            self._progress.stop()

    def __call__(self, event: str, data: Any = None) -> None:
        with self._lock:
            if event == "request":
                self.requests += int(data or 1)
            elif event == "tokens":
                self.tokens += int(data or 0)
            elif event == "cost":
                self.cost += float(data or 0)
            elif event == "status":
                log.info("%s", data)
            if self._progress is None:
                return
            extra = (f"{self.requests} req · {self.tokens:,} tok · ${self.cost:.4f}"
                     if self.requests else "")
            if event == "files":
                self._progress.update(self._task, total=data, description="files", extra=extra)
            elif event == "advance":
                self._progress.advance(self._task, data or 1)
            elif event == "status":
                self._progress.update(self._task, description=str(data)[:60], extra=extra)
            else:
                self._progress.update(self._task, extra=extra)
