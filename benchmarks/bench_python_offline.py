"""The offline engine against Pynguin on real pure-Python modules from PyPI.

For each module below (none written by this project), in a fresh project that holds only the
installed package:

* **TestGen**: ``testgen generate --path <module file> --engine offline`` (wall time), then the
  written tests are run three times with plain ``pytest`` (kept tests passing 3/3) and once under
  ``coverage run`` (line coverage of the module by the kept tests alone);
* **Pynguin** (search-based, no model): same module, ``--maximum-search-time`` equal to the
  budget (default 60 s, TestGen's per-module target), wall time, tests written, tests passing
  and line coverage measured the same way.

Both tables are printed side by side, and written to ``.work/python_offline/results.json``.
Packages are installed with ``uv``/``pip`` into ``benchmarks/.work/python_offline`` (TestGen's
modules with ``--target``, Pynguin into its own virtualenv), nothing into the system.

    python benchmarks/bench_python_offline.py                 # all modules, with Pynguin
    python benchmarks/bench_python_offline.py --skip-pynguin  # TestGen only
    python benchmarks/bench_python_offline.py --only roman --only inflection

Targets (DESIGN.md §8): median line coverage ≥ 85 %, every kept test passes 3/3, ≤ 60 s per
module, coverage ≥ Pynguin's at ≤ ⅓ of its wall time. Timings depend on the machine's load; the
load average is printed with the results.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work" / "python_offline"
PYNGUIN_VERSION = "0.48.0"


@dataclass(frozen=True)
class Module:
    name: str
    requirement: str
    package: str
    """Top-level directory (or ``.py`` file) copied into the project."""
    target: str
    """Project-relative source file under test."""
    module: str
    """Dotted import name (for Pynguin)."""


MODULES = (
    Module("inflection", "inflection==0.5.1", "inflection", "inflection/__init__.py",
           "inflection"),
    Module("roman", "roman==5.2", "roman", "roman/__init__.py", "roman"),
    Module("pytimeparse", "pytimeparse==1.1.10", "pytimeparse", "pytimeparse/timeparse.py",
           "pytimeparse.timeparse"),
    Module("isodate.isoduration", "isodate==0.7.2", "isodate", "isodate/isoduration.py",
           "isodate.isoduration"),
    Module("humanize.number", "humanize==4.17.0", "humanize", "humanize/number.py",
           "humanize.number"),
    Module("webcolors._conversion", "webcolors==25.10.0", "webcolors",
           "webcolors/_conversion.py", "webcolors._conversion"),
    Module("semver.version", "semver==3.1.1", "semver", "semver/version.py", "semver.version"),
    Module("boltons.mathutils", "boltons==26.2.0", "boltons", "boltons/mathutils.py",
           "boltons.mathutils"),
)


@dataclass
class Outcome:
    tool: str
    module: str
    wall_s: float = 0.0
    tests: int = 0
    passing_3_of_3: int = 0
    line_coverage: float = 0.0
    statements: int = 0
    error: str = ""
    details: dict = field(default_factory=dict)


# ---------------------------------------------------------------------------- setup


def run(argv, *, cwd=None, env=None, timeout=None) -> subprocess.CompletedProcess:
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run([str(a) for a in argv], cwd=cwd, env=full_env, capture_output=True,
                          text=True, timeout=timeout)


def installer() -> list[str]:
    uv = shutil.which("uv") or str(Path(sys.executable).parent / "uv")
    return [uv, "pip"] if Path(uv).exists() else [sys.executable, "-m", "pip"]


def install_modules(modules) -> Path:
    site = WORK / "site"
    missing = [m for m in modules if not (site / m.package).exists()]
    if missing:
        site.mkdir(parents=True, exist_ok=True)
        done = run(installer() + ["install", "--quiet", "--no-deps", "--target", site] +
                   sorted({m.requirement for m in missing}))
        if done.returncode != 0:
            sys.exit(f"installing the benchmark modules failed:\n{done.stderr}")
    return site


def install_pynguin() -> Path | None:
    venv = WORK / "pynguin-venv"
    binary = venv / "bin" / "pynguin"
    if binary.exists():
        return binary
    python = shutil.which("python3.11") or shutil.which("python3.12") or sys.executable
    print(f"installing pynguin {PYNGUIN_VERSION} into {venv} …", flush=True)
    if run([python, "-m", "venv", venv]).returncode != 0:
        return None
    base = installer()
    argv = (base + ["install", "--python", venv / "bin" / "python", f"pynguin=={PYNGUIN_VERSION}"]
            if base[0].endswith("uv") else
            [venv / "bin" / "python", "-m", "pip", "install", f"pynguin=={PYNGUIN_VERSION}"])
    done = run(argv, timeout=1800)
    if done.returncode != 0 or not binary.exists():
        print(f"pynguin could not be installed: {done.stderr[-500:]}")
        return None
    return binary


def make_project(site: Path, module: Module, where: Path) -> Path:
    project = where / module.name.replace(".", "_")
    shutil.rmtree(project, ignore_errors=True)
    (project / "tests").mkdir(parents=True)
    source = site / module.package
    if source.is_dir():
        shutil.copytree(source, project / module.package,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    else:
        shutil.copy2(site / f"{module.package}.py", project)
    (project / "pyproject.toml").write_text(
        f'[project]\nname = "bench-{module.name.replace(".", "-")}"\nversion = "0"\n\n'
        '[tool.pytest.ini_options]\ntestpaths = ["tests"]\npythonpath = ["."]\n',
        encoding="utf-8")
    return project


# ---------------------------------------------------------------------------- measuring


def pytest_outcomes(project: Path, tests: list[Path], python: str, env=None) -> dict[str, str]:
    report = project / ".junit.xml"
    run([python, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={report}",
         *tests], cwd=project, env=env, timeout=600)
    outcomes: dict[str, str] = {}
    try:
        root = ET.parse(report).getroot()
    except (OSError, ET.ParseError):
        return outcomes
    for case in root.iter("testcase"):
        name = f"{case.get('classname')}::{case.get('name')}"
        failed = any(child.tag in ("failure", "error") for child in case)
        skipped = any(child.tag == "skipped" for child in case)
        outcomes[name] = "failed" if failed else "skipped" if skipped else "passed"
    report.unlink(missing_ok=True)
    return outcomes


def line_coverage(project: Path, tests: list[Path], target: str, python: str,
                  env=None) -> tuple[float, int]:
    data = project / ".coverage.bench"
    out = project / ".coverage.bench.json"
    run([python, "-m", "coverage", "run", f"--data-file={data}", "--branch",
         f"--include={project / target}", "-m", "pytest", "-q", "-p", "no:cacheprovider",
         *tests], cwd=project, env=env, timeout=600)
    run([python, "-m", "coverage", "json", f"--data-file={data}", "-o", out], cwd=project)
    try:
        report = json.loads(out.read_text())
    except (OSError, ValueError):
        return 0.0, 0
    finally:
        data.unlink(missing_ok=True)
    for name, entry in report.get("files", {}).items():
        summary = entry["summary"]
        statements = summary["num_statements"]
        covered = summary["covered_lines"]
        out.unlink(missing_ok=True)
        return (100.0 * covered / statements if statements else 100.0), statements
    return 0.0, 0


def passing_three_times(project: Path, tests: list[Path], python: str, env=None) -> tuple[int, int]:
    runs = [pytest_outcomes(project, tests, python, env) for _ in range(3)]
    names = set().union(*runs)
    stable = sum(all(r.get(n) == "passed" for r in runs) for n in names)
    return len(names), stable


# ---------------------------------------------------------------------------- tools


def run_testgen(site: Path, module: Module, python: str) -> Outcome:
    outcome = Outcome("testgen", module.name)
    project = make_project(site, module, WORK / "projects-testgen")
    report = WORK / f"report-{module.name}.json"
    testgen = Path(python).parent / "testgen"
    started = time.monotonic()
    done = run([testgen, "generate", "--path", project / module.target, "--engine", "offline",
                "--format", "json", "--report", report], cwd=project, timeout=900)
    outcome.wall_s = time.monotonic() - started
    try:
        data = json.loads(report.read_text())
    except (OSError, ValueError):
        outcome.error = (done.stderr or done.stdout)[-300:]
        return outcome
    outcome.details = {"summary": data.get("summary"), "exit": done.returncode}
    written = [project / path for path in data.get("written", [])]
    if not written:
        outcome.error = "no test kept"
        return outcome
    outcome.tests, outcome.passing_3_of_3 = passing_three_times(project, written, python)
    outcome.line_coverage, outcome.statements = line_coverage(project, written, module.target,
                                                              python)
    return outcome


def run_pynguin(site: Path, module: Module, pynguin: Path, python: str,
                search_time: int) -> Outcome:
    outcome = Outcome("pynguin", module.name)
    project = make_project(site, module, WORK / "projects-pynguin")
    output = project / "tests"
    env = {"PYNGUIN_DANGER_AWARE": "1"}
    started = time.monotonic()
    try:
        done = run([pynguin, "--project-path", project, "--module-name", module.module,
                    "--output-path", output, "--maximum-search-time", str(search_time),
                    "--seed", "1729"], cwd=project, env=env, timeout=search_time * 10 + 600)
    except subprocess.TimeoutExpired:
        outcome.wall_s = time.monotonic() - started
        outcome.error = "pynguin did not finish"
        return outcome
    outcome.wall_s = time.monotonic() - started
    written = sorted(output.glob("test_*.py"))
    if not written:
        outcome.error = f"no tests (exit {done.returncode}): " + \
            (done.stderr or done.stdout).strip().splitlines()[-1:][0][:200] \
            if (done.stderr or done.stdout).strip() else f"no tests (exit {done.returncode})"
        return outcome
    test_env = {"PYTHONPATH": str(project)}
    outcome.tests, outcome.passing_3_of_3 = passing_three_times(project, written, python,
                                                                test_env)
    outcome.line_coverage, outcome.statements = line_coverage(project, written, module.target,
                                                              python, test_env)
    return outcome


# ---------------------------------------------------------------------------- report


def table(results: list[tuple[Outcome, Outcome | None]]) -> str:
    head = (f"{'module':<24} | {'TestGen s':>9} {'kept':>5} {'3/3':>7} {'line cov':>8} | "
            f"{'Pynguin s':>9} {'tests':>5} {'pass':>7} {'line cov':>8}")
    lines = [head, "-" * len(head)]
    for ours, theirs in results:
        left = (f"{ours.module:<24} | {ours.wall_s:>9.1f} {ours.tests:>5} "
                f"{f'{ours.passing_3_of_3}/{ours.tests}':>7} {ours.line_coverage:>7.1f}%")
        if theirs is None:
            right = f"{'-':>9} {'-':>5} {'-':>7} {'-':>8}"
        else:
            right = (f"{theirs.wall_s:>9.1f} {theirs.tests:>5} "
                     f"{f'{theirs.passing_3_of_3}/{theirs.tests}':>7} "
                     f"{theirs.line_coverage:>7.1f}%")
        lines.append(f"{left} | {right}")
        for outcome in (ours, theirs):
            if outcome is not None and outcome.error:
                lines.append(f"{'':<24}   {outcome.tool}: {outcome.error}")
    ours = [o for o, _ in results]
    theirs = [t for _, t in results if t is not None]
    lines.append("-" * len(head))
    summary = (f"{'median':<24} | {statistics.median(o.wall_s for o in ours):>9.1f} "
               f"{'':>5} {'':>7} {statistics.median(o.line_coverage for o in ours):>7.1f}%")
    if theirs:
        summary += (f" | {statistics.median(t.wall_s for t in theirs):>9.1f} {'':>5} {'':>7} "
                    f"{statistics.median(t.line_coverage for t in theirs):>7.1f}%")
    lines.append(summary)
    kept = sum(o.tests for o in ours)
    stable = sum(o.passing_3_of_3 for o in ours)
    lines.append(f"TestGen kept tests passing 3/3 under plain pytest: {stable}/{kept}; "
                 f"max wall {max(o.wall_s for o in ours):.1f}s per module")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", help="module name (repeatable)")
    parser.add_argument("--skip-pynguin", action="store_true")
    parser.add_argument("--search-time", type=int, default=60,
                        help="Pynguin's --maximum-search-time (default 60 s)")
    args = parser.parse_args()
    modules = [m for m in MODULES if not args.only or m.name in args.only]
    python = sys.executable
    WORK.mkdir(parents=True, exist_ok=True)
    site = install_modules(modules)
    pynguin = None if args.skip_pynguin else install_pynguin()
    results: list[tuple[Outcome, Outcome | None]] = []
    for module in modules:
        ours = run_testgen(site, module, python)
        print(f"testgen  {module.name:<24} {ours.wall_s:6.1f}s  kept {ours.tests:3}  "
              f"3/3 {ours.passing_3_of_3:3}  line coverage {ours.line_coverage:5.1f}%"
              + (f"  ({ours.error})" if ours.error else ""), flush=True)
        theirs = None
        if pynguin is not None:
            theirs = run_pynguin(site, module, pynguin, python, args.search_time)
            print(f"pynguin  {module.name:<24} {theirs.wall_s:6.1f}s  tests {theirs.tests:3}  "
                  f"pass {theirs.passing_3_of_3:3}  line coverage {theirs.line_coverage:5.1f}%"
                  + (f"  ({theirs.error})" if theirs.error else ""), flush=True)
        results.append((ours, theirs))
        (WORK / "results.json").write_text(json.dumps(
            [{"testgen": asdict(o), "pynguin": asdict(t) if t else None} for o, t in results],
            indent=2))
    print()
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; "
          f"Pynguin search time {args.search_time}s")
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
