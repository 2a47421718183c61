"""Per-run metrics: timings per phase, counters, latencies; written to ``.testgen/metrics/``."""

from __future__ import annotations

import json
import os
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator


def percentiles(values: list[float]) -> dict[str, float]:
    """p50/p95/p99 (nearest rank) of ``values``, in the unit given; zeros when empty."""
    if not values:
        return {"p50": 0.0, "p95": 0.0, "p99": 0.0}
    ordered = sorted(values)

    def rank(p: float) -> float:
        index = max(0, min(len(ordered) - 1, int(round(p / 100 * len(ordered) + 0.5)) - 1))
        return round(ordered[index], 4)

    return {"p50": rank(50), "p95": rank(95), "p99": rank(99)}


def new_run_id() -> str:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return f"{stamp}-{uuid.uuid4().hex[:6]}"


@dataclass
class Metrics:
    command: str
    run_id: str = field(default_factory=new_run_id)
    started: float = field(default_factory=time.time)
    phases: dict[str, float] = field(default_factory=dict)
    counters: dict[str, int] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.phases[name] = round(self.phases.get(name, 0.0)
                                      + time.perf_counter() - start, 4)

    def count(self, name: str, amount: int = 1) -> None:
        self.counters[name] = self.counters.get(name, 0) + amount

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id, "command": self.command,
            "started": datetime.fromtimestamp(self.started, timezone.utc).isoformat(),
            "duration_s": round(time.time() - self.started, 4),
            "phases_s": self.phases, "counters": dict(sorted(self.counters.items())),
            **self.extra,
        }

    def write(self, project_root: Path) -> Path | None:
        """Write ``.testgen/metrics/<run_id>.json``; a read-only tree is not an error."""
        directory = project_root / ".testgen" / "metrics"
        try:
            directory.mkdir(parents=True, exist_ok=True)
            target = directory / f"{self.run_id}.json"
            tmp = target.with_suffix(".tmp")
            from .secrets import redact

            tmp.write_text(redact(json.dumps(self.to_dict(), indent=2, default=str)),
                           encoding="utf-8")
            os.replace(tmp, target)
            return target
        except OSError:
            return None
