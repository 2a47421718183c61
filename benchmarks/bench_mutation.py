"""`testgen validate --mutation` on each examples/<language> (and the C template plugin's
sample project): mutants, killed, survived, score and wall time; for Python, mutmut 3 on the
same project when it is installed.

    python benchmarks/bench_mutation.py [--mode full|sample] [--mutmut PATH]
                                        [--after-generate [--generate-mutation sample|full]]
                                        [LANGUAGE ...]

Each example is copied to a temp dir first, so nothing is written into the repository. The
score is detected (killed + timeout) over viable mutants; "covered" leaves out the mutants on
lines no test runs. mutmut counts its own mutants (it mutates more kinds of things: keyword
arguments, names, every string), so the two scores come from different mutant sets on the same
code and the same tests. mutmut is looked for with --mutmut, then $MUTMUT, then on PATH (install
it into a separate venv: `python -m venv /tmp/mutmut && /tmp/mutmut/bin/pip install
'mutmut>=3,<4' pytest`).

--real runs on real packages instead (``benchmarks/mutation_real/<language>.py``, downloaded
from their registries, their own tests removed): the offline engine's kept tests, generated
with ``--mutation sample``, scored on the shared mutants, beside the ecosystem's tool on the
same tests, and the median per language and tool (targets: 70 % in Python, 60 % elsewhere;
≤ 60 s per package).

    python benchmarks/bench_mutation.py --real [--only NAME,...] [LANGUAGE ...]

--schemata measures mutant schemata on the compiled examples (Go, Rust): ``validate
--mutation full``'s analysis run in-process twice on one copy, with the language's schemata
(each file's mutants built in at once) and with every mutant spliced in and built alone; the
wall times, their ratio, and whether every mutant got the same verdict both ways.

    python benchmarks/bench_mutation.py --schemata [go rust]

--after-generate adds a row per language for the same example after `testgen generate
--engine offline` wrote its kept tests (and mutmut on that suite too): how strong the kept
tests are. --generate-mutation runs that generate with `--mutation sample|full`, the keep rule
that also keeps a test for a mutant only it kills: compare the two rows of one example.
"""

from __future__ import annotations

import argparse
import importlib
import json
import statistics
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = {"python": "examples/python", "javascript": "examples/javascript",
            "go": "examples/go", "rust": "examples/rust",
            "c": "plugins/testgen-c/tests/fixtures/sample"}  # the template plugin's project
LANGUAGES = tuple(EXAMPLES)
TESTGEN = [sys.executable, "-m", "testgen"]


def copy_example(language: str, into: Path) -> Path:
    target = into / language
    shutil.copytree(ROOT / EXAMPLES[language], target, symlinks=True,
                    ignore=shutil.ignore_patterns(".testgen", "target", "__pycache__",
                                                  ".pytest_cache", "mutants"))
    return target


def testgen_mutation(project: Path, mode: str) -> dict:
    started = time.perf_counter()
    proc = subprocess.run([*TESTGEN, "validate", "--path", str(project), "--mutation", mode,
                           "--format", "json"], capture_output=True, text=True,
                          env={**os.environ, "NO_COLOR": "1"})
    wall = time.perf_counter() - started
    if proc.returncode not in (0, 1) or not proc.stdout.strip():
        raise SystemExit(f"testgen validate failed on {project}:\n{proc.stderr[-2000:]}")
    mutation = json.loads(proc.stdout)["mutation"]
    return {**mutation["summary"], "wall_s": wall, "notes": mutation["notes"],
            "files": {f["path"]: f for f in mutation["files"]}}


def generate(project: Path, mutation: str = "off") -> int:
    """``testgen generate --engine offline`` on the copy; the number of tests kept."""
    proc = subprocess.run([*TESTGEN, "generate", "--path", str(project), "--engine", "offline",
                           "--mutation", mutation, "--format", "json"],
                          capture_output=True, text=True,
                          env={**os.environ, "NO_COLOR": "1"})
    if not proc.stdout.strip():
        raise SystemExit(f"testgen generate failed on {project}:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout)["summary"].get("kept", 0)


def find_mutmut(explicit: str | None) -> str | None:
    for candidate in (explicit, os.environ.get("MUTMUT"), shutil.which("mutmut")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def mutmut_score(project: Path, mutmut: str) -> dict:
    """mutmut 3 on a copy of the project: its source paths are the package the pyproject
    builds (examples/python: src/shop), its tests the project's tests/."""
    config = project / "pyproject.toml"
    config.write_text(config.read_text() + '\n[tool.mutmut]\nsource_paths = ["src/shop/"]\n'
                      'pytest_add_cli_args_test_selection = ["tests/"]\n')
    started = time.perf_counter()
    run = subprocess.run([mutmut, "run"], cwd=project, capture_output=True, text=True)
    wall = time.perf_counter() - started
    subprocess.run([mutmut, "export-cicd-stats"], cwd=project, capture_output=True, text=True)
    stats_file = project / "mutants" / "mutmut-cicd-stats.json"
    if not stats_file.exists():
        raise SystemExit(f"mutmut run failed:\n{run.stdout[-1500:]}\n{run.stderr[-1500:]}")
    stats = json.loads(stats_file.read_text())
    listing = subprocess.run([mutmut, "results", "--all", "true"], cwd=project,
                             capture_output=True, text=True).stdout
    files: dict[str, dict] = {}
    for line in listing.splitlines():
        name, _, status = line.strip().partition(": ")
        if "__mutmut_" not in name:
            continue
        module = name.rsplit(".", 1)[0]  # shop.pricing.x_parse_price__mutmut_1
        path = "src/" + module.replace(".", "/") + ".py"
        counts = files.setdefault(path, {k: 0 for k in ("mutants", "killed", "timeout",
                                                        "survived", "no_coverage", "error")})
        counts["mutants"] += 1
        key = {"killed": "killed", "timeout": "timeout", "segfault": "killed",
               "survived": "survived", "no tests": "no_coverage"}.get(status)
        if key:
            counts[key] += 1
    detected = stats["killed"] + stats["timeout"] + stats.get("segfault", 0)
    viable = stats["total"] - stats.get("skipped", 0) - stats.get("suspicious", 0)
    covered = viable - stats["no_tests"]
    return {"mutants": stats["total"], "killed": detected, "survived": stats["survived"],
            "no_coverage": stats["no_tests"], "error": 0,
            "score": round(100.0 * detected / viable, 2) if viable else None,
            "covered_score": round(100.0 * detected / covered, 2) if covered else None,
            "wall_s": wall, "files": {path: _scored(c) for path, c in files.items()}}


def _scored(counts: dict) -> dict:
    detected = counts["killed"] + counts["timeout"]
    viable = detected + counts["survived"] + counts["no_coverage"]
    covered = detected + counts["survived"]
    return {**counts, "score": round(100.0 * detected / viable, 2) if viable else None,
            "covered_score": round(100.0 * detected / covered, 2) if covered else None}


def per_file(ours: dict, theirs: dict) -> None:
    """Both tools' scores on each file both mutated, and the difference."""
    def pct(value):
        return "   -  " if value is None else f"{value:6.2f}"
    for path in sorted(set(ours) & set(theirs)):
        a, b = ours[path], theirs[path]
        gap = "" if a["score"] is None or b["score"] is None else \
            f"   difference {a['score'] - b['score']:+.2f}"
        print(f"  {path:<30} testgen {pct(a['score'])} (covered {pct(a['covered_score'])})"
              f"   mutmut {pct(b['score'])} (covered {pct(b['covered_score'])}){gap}")


def row(name: str, figures: dict) -> str:
    def pct(value):
        return "   -  " if value is None else f"{value:6.2f}"
    return (f"{name:<46} {figures['mutants']:>7} {figures['killed'] + figures.get('timeout', 0):>6}"
            f" {figures['survived']:>8} {figures['no_coverage']:>7} {figures['error']:>6} "
            f"{pct(figures['score'])} {pct(figures['covered_score'])} {figures['wall_s']:7.1f}")


def real(languages: list[str], only: set[str]) -> None:
    """The ``--real`` table: a row per package and tool, then the medians."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from mutation_real import LANGUAGES as REAL

    def pct(value):
        return "   -  " if value is None else f"{value:6.2f}"
    print(f"{'package':<34} {'tool':<16} {'tests':>5} {'mutants':>7} {'killed':>6} "
          f"{'surv':>5} {'nocov':>5} {'err':>4} {'score':>6} {'covered':>7} {'lines':>6} "
          f"{'wall s':>7}")
    for language in [lang for lang in languages if lang in REAL]:
        module = importlib.import_module(f"mutation_real.{language}")
        rows = []
        for name in module.PACKAGES:
            if only and name not in only:
                continue
            with tempfile.TemporaryDirectory(prefix=f"bench-mutation-{language}-") as tmp:
                for r in module.measure(name, Path(tmp)):
                    rows.append(r)
                    print(f"{r.package:<34} {r.tool:<16} {r.tests:>5} {r.mutants:>7} "
                          f"{r.killed:>6} {r.survived:>5} {r.no_coverage:>5} {r.errors:>4} "
                          f"{pct(r.score)} {pct(r.covered_score)} {pct(r.line_coverage)} "
                          f"{r.wall_s:7.1f}" + (f"  {r.note}" if r.note else ""), flush=True)
        for tool in dict.fromkeys(r.tool for r in rows):
            mine = [r for r in rows if r.tool == tool]
            def median(attr):
                values = [getattr(r, attr) for r in mine if getattr(r, attr) is not None]
                return statistics.median(values) if values else None
            print(f"{language + ' median':<34} {tool:<16} {'':>5} {'':>7} {'':>6} {'':>5} "
                  f"{'':>5} {'':>4} {pct(median('score'))} {pct(median('covered_score'))} "
                  f"{pct(median('line_coverage'))} {median('wall_s') or 0:7.1f}"
                  f"  ({len(mine)} packages)", flush=True)


def schemata_ratio(languages: list[str]) -> None:
    """The ``--schemata`` table: one copy per example, analysed both ways in this process."""
    from dataclasses import replace

    from testgen.config import load as load_config
    from testgen.inventory import collect
    from testgen.mutation import run_mutation
    from testgen.plugins import Plugins
    from testgen.suite import run_existing

    print(f"{'project':<12} {'mutants':>7} {'built in':>8} {'at once s':>9} {'alone s':>8} "
          f"{'ratio':>6}  same verdicts")
    with tempfile.TemporaryDirectory(prefix="bench-schemata-") as tmp:
        for language in languages:
            project = copy_example(language, Path(tmp))
            plugins = Plugins.load()
            inventory = collect(project, plugins, load_config(project), light=True)
            runs = run_existing(inventory, plugins, timeout=600.0)
            table = plugins.language(language)
            timings, verdicts, built = [], [], []
            for grammar in (table.mutation, replace(table.mutation, schemata=None)):
                table.mutation = grammar
                said: list[str] = []
                started = time.perf_counter()
                report = run_mutation(inventory, plugins, runs, mode="full",
                                      progress=said.append)
                timings.append(time.perf_counter() - started)
                verdicts.append({r.mutant.id: r.status for r in report.results})
                built.append(sum(int(line.split(": ")[2].split()[0]) for line in said
                                 if line.endswith("built in at once")))
            print(f"{language:<12} {len(verdicts[0]):>7} {built[0]:>8} {timings[0]:9.1f} "
                  f"{timings[1]:8.1f} {timings[1] / timings[0]:5.1f}x  "
                  f"{'yes' if verdicts[0] == verdicts[1] else 'NO'}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("languages", nargs="*", default=list(LANGUAGES))
    parser.add_argument("--mode", choices=("full", "sample"), default="full")
    parser.add_argument("--mutmut", help="path of the mutmut executable")
    parser.add_argument("--after-generate", action="store_true",
                        help="also measure each example after the offline engine's tests")
    parser.add_argument("--generate-mutation", choices=("off", "sample", "full"), default="off",
                        help="generate's --mutation for --after-generate")
    parser.add_argument("--real", action="store_true",
                        help="real packages of each ecosystem (benchmarks/mutation_real/)")
    parser.add_argument("--only", default="", help="with --real: comma-separated package names")
    parser.add_argument("--schemata", action="store_true",
                        help="compiled examples: mutants built in at once vs one build each")
    args = parser.parse_args()
    if args.schemata:
        schemata_ratio([lang for lang in args.languages if lang in ("go", "rust", "c")]
                       if args.languages != list(LANGUAGES) else ["go", "rust"])
        return
    if args.real:
        real(args.languages, set(filter(None, args.only.split(","))))
        return
    print(f"{'project':<46} {'mutants':>7} {'killed':>6} {'survived':>8} {'no cov':>7} "
          f"{'errors':>6} {'score':>6} {'covered':>7} {'wall s':>7}")
    mutmut = find_mutmut(args.mutmut)
    with tempfile.TemporaryDirectory(prefix="bench-mutation-") as tmp:
        for language in args.languages:
            generated_label = "+generated " if args.generate_mutation == "off" else \
                f"+generated, mutation {args.generate_mutation} "
            stages = [("", False)] + ([(generated_label, True)] if args.after_generate else [])
            for label, generated in stages:
                where = Path(tmp) / ("generated" if generated else "as-is")
                project = copy_example(language, where / "testgen")
                kept = generate(project, args.generate_mutation) if generated else None
                figures = testgen_mutation(project, args.mode)
                note = f"  ({kept} kept tests)" if kept is not None else ""
                print(row(f"{language} {label}(testgen)", figures) + note, flush=True)
                for lang, why in figures["notes"].items():
                    print(f"  {lang}: {why}")
                if language != "python":
                    continue
                if mutmut is None:
                    print("  mutmut: not installed (pass --mutmut PATH or set $MUTMUT); "
                          "skipped")
                    continue
                copy = copy_example(language, where / "mutmut")
                if generated:  # the same tests: the kept files of the testgen copy
                    shutil.rmtree(copy / "tests")
                    shutil.copytree(project / "tests", copy / "tests",
                                    ignore=shutil.ignore_patterns("__pycache__"))
                theirs = mutmut_score(copy, mutmut)
                print(row(f"python {label}(mutmut 3)", theirs), flush=True)
                per_file(figures["files"], theirs["files"])


if __name__ == "__main__":
    main()
