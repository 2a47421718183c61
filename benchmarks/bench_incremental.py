"""A second `generate` on unchanged code: probes, test runs and model requests of each run.

Target (DESIGN.md §8): the second run makes 0 model requests and 0 test runs. Runs the
offline engine on a copy of each example project whose toolchain is installed, and prints the
counters of both runs from `.testgen/metrics/`.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOOLCHAIN = {"python": None, "javascript": "node", "go": "go", "rust": "cargo"}


def run(project: Path) -> tuple[float, dict]:
    report = project.parent / "report.json"
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "testgen", "-q", "generate", "--path",
                           str(project), "--engine", "offline", "--report", str(report)],
                          capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        sys.exit(f"generate failed on {project}: {proc.stderr[-1500:]}")
    run_id = json.loads(report.read_text())["run_id"]
    metrics = json.loads((project / ".testgen" / "metrics" / f"{run_id}.json").read_text())
    return elapsed, metrics


def main() -> None:
    print(f"{'example':<12} {'run':<7} {'time':>7} {'probes':>7} {'test runs':>10} "
          f"{'model req':>10} {'kept':>5}")
    for language, tool in TOOLCHAIN.items():
        source = ROOT / "examples" / language
        if not source.is_dir() or (tool and shutil.which(tool) is None):
            print(f"{language:<12} skipped (no example or no {tool})")
            continue
        with tempfile.TemporaryDirectory() as tmp:
            project = Path(tmp) / language
            shutil.copytree(source, project, symlinks=True,
                            ignore=shutil.ignore_patterns(".testgen", "target", "node_modules",
                                                          "*_testgen*", "*.testgen.*",
                                                          "testgen_*"))
            if (source / "node_modules").is_dir():
                (project / "node_modules").symlink_to(source / "node_modules")
            for label in ("first", "second"):
                elapsed, metrics = run(project)
                c = metrics["counters"]
                print(f"{language:<12} {label:<7} {elapsed:6.1f}s {c.get('probe_launches', 0):>7} "
                      f"{c.get('test_launches', 0) + c.get('baseline_launches', 0):>10} "
                      f"{metrics.get('engine', {}).get('requests', 0):>10} "
                      f"{c.get('candidates_kept', 0):>5}")


if __name__ == "__main__":
    main()
