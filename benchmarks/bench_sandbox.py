"""What the OS sandbox costs: bubblewrap against the limited (process-group) sandbox, one run.

For each language's example project (``examples/<language>``) in a temp copy:

* **per launch**: a probe (``Language.probe`` of the first file's definitions) and a test run
  (the project's own suite with coverage, ``Language.run``), each timed under both sandboxes,
  interleaved ``--repeat`` times (median taken), in the same shadow copy, caches warm;
* **per file**: ``testgen generate --force --repeat 1`` on the example under each sandbox
  (``TESTGEN_SANDBOX=limited`` for the fallback), wall time divided by the files generated.

    .venv/bin/python benchmarks/bench_sandbox.py                      # every language
    .venv/bin/python benchmarks/bench_sandbox.py --only python --repeat 5
    .venv/bin/python benchmarks/bench_sandbox.py --no-generate        # launches only

Target (DESIGN.md §8): ≤ 15 % added wall time per file. Timings depend on the machine's load;
the load average is printed with the results.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("python", "javascript", "go", "rust")


def launches(project: Path, language: str, repeat: int) -> dict[str, dict[str, float]]:
    from testgen import config as cfg
    from testgen import sandbox
    from testgen.inventory import collect
    from testgen.plugins import Plugins

    plugins = Plugins.load()
    inventory = collect(project, plugins, cfg.load(project))
    files = [f for f in inventory.files if f.source.language == language and
             any(d.testable and d.kind != "class" for d in f.definitions)]
    if not files:
        raise RuntimeError(f"no testable {language} file in {project}")
    definitions = [d for d in files[0].definitions if d.testable and d.kind != "class"]
    framework = inventory.frameworks[language]
    modes = {"limited": sandbox.Sandbox("limited", "benchmark"),
             "bubblewrap": sandbox.sandbox_in_force()}
    if not modes["bubblewrap"].isolated:
        raise RuntimeError(f"bubblewrap is not usable here: {modes['bubblewrap'].detail}")
    times: dict[str, dict[str, list[float]]] = {m: {"probe": [], "run": []} for m in modes}
    with sandbox.shadow_workspace(inventory.project.root, timeout=300) as workspace:
        for round_no in range(repeat + 1):  # the first round warms the caches, not counted
            for mode, chosen in modes.items():
                sandbox.use_sandbox(chosen)
                start = time.perf_counter()
                probes = plugins.probe(language, definitions, workspace, "unit")
                probe = time.perf_counter() - start
                start = time.perf_counter()
                result = plugins.run(language, framework, [], workspace, True)
                run = time.perf_counter() - start
                passed = sum(1 for o in result.tests if o.outcome == "passed")
                if not probes or not passed:  # a figure of a launch that did nothing is void
                    raise RuntimeError(f"{mode}: {len(probes)} probes, {passed} tests passed "
                                       f"{result.error[:200]}")
                if round_no:
                    times[mode]["probe"].append(probe)
                    times[mode]["run"].append(run)
    sandbox.use_sandbox(None)
    return {mode: {kind: statistics.median(values) for kind, values in kinds.items()}
            for mode, kinds in times.items()}


def bare_launch(repeat: int = 20) -> dict[str, float]:
    """``true`` under each sandbox: the fixed cost of one launch, free of the tool's own."""
    from testgen import sandbox

    modes = {"limited": sandbox.Sandbox("limited", "benchmark"),
             "bubblewrap": sandbox.sandbox_in_force()}
    times: dict[str, list[float]] = {m: [] for m in modes}
    with tempfile.TemporaryDirectory() as cwd:
        for _ in range(repeat):
            for mode, chosen in modes.items():
                start = time.perf_counter()
                sandbox.run_limited(["true"], cwd=Path(cwd), timeout=30, sandbox=chosen)
                times[mode].append(time.perf_counter() - start)
    return {mode: statistics.median(values) for mode, values in times.items()}


def per_file(project: Path, testgen: str) -> dict[str, float]:
    out = {}
    for mode in ("limited", "bubblewrap", "limited", "bubblewrap"):  # interleaved, twice
        env = {**os.environ, "NO_COLOR": "1"}
        if mode == "limited":
            env["TESTGEN_SANDBOX"] = "limited"
        report = project.parent / f"report-{mode}.json"
        start = time.perf_counter()
        subprocess.run([testgen, "-q", "generate", "--path", str(project), "--force",
                        "--repeat", "1", "--report", str(report)], env=env,
                       capture_output=True, text=True)
        elapsed = time.perf_counter() - start
        files = max(1, len(json.loads(report.read_text()).get("files", [])))
        out.setdefault(mode, []).append(elapsed / files)
    return {mode: min(values) for mode, values in out.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", choices=LANGUAGES)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-generate", action="store_true")
    parser.add_argument("--bare", action="store_true", help="only the bare launch cost")
    args = parser.parse_args()
    testgen = str(Path(sys.executable).with_name("testgen"))
    rows = []
    for language in () if args.bare else args.only or LANGUAGES:
        work = Path(tempfile.mkdtemp(prefix=f"bench-sandbox-{language}-"))
        project = work / language
        shutil.copytree(ROOT / "examples" / language, project, symlinks=True,
                        ignore=shutil.ignore_patterns(".testgen", "target", "__pycache__"))
        if (ROOT / "examples" / language / "node_modules").exists():
            shutil.rmtree(project / "node_modules", ignore_errors=True)
            (project / "node_modules").symlink_to(ROOT / "examples" / language / "node_modules")
        try:
            launch = launches(project, language, args.repeat)
            generate = None if args.no_generate else per_file(project, testgen)
        except RuntimeError as exc:
            print(f"{language}: skipped ({exc})")
            continue
        finally:
            pass
        rows.append((language, launch, generate))
        shutil.rmtree(work, ignore_errors=True)
    bare = bare_launch()
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'language':<11} {'what':<14} {'limited s':>10} {'bwrap s':>10} {'added':>8}")
    print(f"{'-':<11} {'bare launch':<14} {bare['limited']:>10.3f} {bare['bubblewrap']:>10.3f} "
          f"{(bare['bubblewrap'] - bare['limited']) * 1000:>6.0f}ms")
    for language, launch, generate in rows:
        cells = [("probe launch", launch["limited"]["probe"], launch["bubblewrap"]["probe"]),
                 ("test run", launch["limited"]["run"], launch["bubblewrap"]["run"])]
        if generate:
            cells.append(("per file", generate["limited"], generate["bubblewrap"]))
        for what, plain, boxed in cells:
            added = (boxed - plain) / plain * 100 if plain else 0.0
            print(f"{language:<11} {what:<14} {plain:>10.3f} {boxed:>10.3f} {added:>7.1f}%")
    print("target: per file ≤ 15 % added wall time")


if __name__ == "__main__":
    main()
