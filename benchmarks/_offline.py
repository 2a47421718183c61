"""Shared by the offline-engine benchmarks: run `testgen generate` on a project, read the report."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path
from typing import Iterable


def generate(project: Path, testgen: str, *, framework: str,
             test_types: Iterable[str]) -> tuple[dict, float]:
    """`testgen generate --engine offline` on ``project``: the JSON report and the wall time."""
    report = project.parent / f"{project.name}-report.json"
    argv = [testgen, "generate", "--path", str(project), "--engine", "offline",
            "--format", "json", "--report", str(report), "--framework", framework]
    for test_type in test_types:
        argv += ["--type", test_type]
    start = time.monotonic()
    done = subprocess.run(argv, capture_output=True, text=True)
    elapsed = time.monotonic() - start
    if not report.is_file():
        raise RuntimeError(f"testgen generate failed on {project.name}: "
                           f"{done.stdout[-600:]} {done.stderr[-600:]}")
    return json.loads(report.read_text()), elapsed
