"""TestGen on real open-source projects, set up as their contributors set them up.

For each pinned project of ``benchmarks/real_repos/<language>.py`` (downloaded from its
registry with its own test suite), in one run:

* native coverage of the project's own suite, measured by the ecosystem's own tool;
* ``testgen validate``'s figure for the same suite (target: within 0.5 points);
* ``testgen generate`` on the chosen paths: tests kept, wall time;
* the project's own test command, three times, with the generated tests in place;
* native coverage after (target: higher on every project below 98 %);
* files of the tree changed by TestGen (target 0) and stray files it left (target 0): every
  file is compared before and after, dependency directories included.

    .venv/bin/python benchmarks/bench_real_repos.py [--lang python] [--only NAME] [--keep]
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from real_repos import LANGUAGES, RealProject  # noqa: E402

WORK = HERE / ".work" / "real_repos"
TESTGEN = str(Path(sys.executable).with_name("testgen"))
DEPENDENCY_DIRS = {"node_modules", ".venv", "venv", "target", "vendor"}


def snapshot(root: Path) -> dict[str, str]:
    """Every file under ``root`` → a fingerprint: content hash, or size+mtime inside
    dependency directories (too many files to hash, and TestGen must not touch them either)."""
    prints: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = Path(dirpath).relative_to(root)
        in_deps = any(part in DEPENDENCY_DIRS for part in rel_dir.parts)
        for name in filenames:
            path = Path(dirpath) / name
            rel = (rel_dir / name).as_posix()
            try:
                if in_deps or path.is_symlink():
                    st = path.lstat()
                    prints[rel] = f"{st.st_size}:{st.st_mtime_ns}"
                else:
                    prints[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
            except OSError:
                prints[rel] = "unreadable"
    return prints


def testgen(args: list[str], report: Path, cwd: Path) -> tuple[dict, float, int, str]:
    start = time.monotonic()
    done = subprocess.run([TESTGEN, *args, "--format", "json", "--report", str(report)],
                          cwd=cwd, capture_output=True, text=True)
    elapsed = time.monotonic() - start
    data = json.loads(report.read_text()) if report.is_file() else {}
    return data, elapsed, done.returncode, (done.stderr or done.stdout)[-400:]


def own_tests_pass(project: RealProject, root: Path, times: int = 3) -> int:
    passed = 0
    for _ in range(times):
        done = subprocess.run(list(project.test_command), cwd=root, capture_output=True,
                              text=True, env={**os.environ, **project.env}, timeout=1800)
        passed += done.returncode == 0
    return passed


def measure(project: RealProject, keep: bool) -> dict:
    slug = "".join(c if c.isalnum() else "-" for c in project.name)
    work = WORK / project.language / slug
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    reports = work.parent / f"{slug}-reports"
    shutil.rmtree(reports, ignore_errors=True)
    reports.mkdir()
    row: dict = {"project": project.name, "language": project.language}
    root = project.fetch(work)
    project.setup(root)
    row["native_before"] = dict(project.native_coverage(root))
    before = snapshot(root)

    validated, row["validate_s"], _, _ = testgen(
        ["validate", "--path", str(root), *project.testgen_args], reports / "validate.json",
        root)
    summary = validated.get("summary", {})
    row["validate"] = summary.get("percent")
    row["validate_lines"] = summary.get("lines_percent")

    kept, written, wall, exits, notes = 0, [], 0.0, [], []
    for index, rel in enumerate(project.generate_paths):
        data, elapsed, code, tail = testgen(
            ["generate", "--path", str(root / rel), *project.testgen_args],
            reports / f"generate-{index}.json", root)
        wall += elapsed
        exits.append(code)
        kept += data.get("summary", {}).get("kept", 0)
        written += data.get("written", [])
        if not data:
            notes.append(tail.strip().splitlines()[-1] if tail.strip() else f"exit {code}")
    row.update(kept=kept, written=len(written), generate_s=round(wall, 1), exits=exits,
               notes=notes)

    after = snapshot(root)
    reported = {Path(w).as_posix() for w in written}
    changed = sorted(rel for rel, fp in before.items()
                     if rel not in reported and after.get(rel) != fp)
    stray = sorted(rel for rel in after.keys() - before.keys()
                   if rel not in reported and not rel.startswith(".testgen/"))
    row["user_files_changed"] = changed
    row["stray_files"] = stray
    row["own_passes"] = own_tests_pass(project, root) if written else None
    row["native_after"] = dict(project.native_coverage(root)) if written else row[
        "native_before"]
    if not keep:
        shutil.rmtree(work, ignore_errors=True)
    return row


def fmt(value) -> str:
    return "—" if value is None else f"{value:.1f}" if isinstance(value, float) else str(value)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", action="append", choices=LANGUAGES)
    parser.add_argument("--only", action="append", help="project name prefix")
    parser.add_argument("--keep", action="store_true", help="keep the work directories")
    parser.add_argument("--json", type=Path, help="also write the rows here")
    args = parser.parse_args()
    rows = []
    for language in args.lang or LANGUAGES:
        try:
            module = importlib.import_module(f"real_repos.{language}")
        except ModuleNotFoundError:
            print(f"{language}: no projects listed", file=sys.stderr)
            continue
        for project in module.PROJECTS:
            if args.only and not any(project.name.startswith(o) for o in args.only):
                continue
            print(f"== {project.name} ({language})", file=sys.stderr, flush=True)
            try:
                rows.append(measure(project, args.keep))
            except Exception as exc:  # one project's failure never hides the others' figures
                rows.append({"project": project.name, "language": language,
                             "error": f"{type(exc).__name__}: {exc}"[:300]})
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)

    header = ("| project | lang | native before | validate | Δ | kept | own cmd 3/3 | "
              "native after | generate s | user files changed | stray |")
    print(header)
    print("|---" * 11 + "|")
    for row in rows:
        if "error" in row:
            print(f"| {row['project']} | {row['language']} | error: {row['error']} |")
            continue
        native = row["native_before"].get("lines")
        delta = None if native is None or row["validate"] is None else \
            row["validate"] - native
        before = ", ".join(f"{k} {v:.1f}" for k, v in row["native_before"].items())
        after = ", ".join(f"{k} {v:.1f}" for k, v in row["native_after"].items())
        print(f"| {row['project']} | {row['language']} | {before} | {fmt(row['validate'])} | "
              f"{fmt(delta)} | {row['kept']} | {fmt(row['own_passes'])} | {after} | "
              f"{row['generate_s']} | {len(row['user_files_changed'])} | "
              f"{len(row['stray_files'])} |")
        for rel in row["user_files_changed"][:5] + row["stray_files"][:5]:
            print(f"|   {rel} |")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
