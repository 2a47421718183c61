"""Rust crates from crates.io for ``bench_mutation.py --real rust``.

Chosen by a rule written down before any run: libraries by other authors with no required
``[dependencies]`` (optional ones left off), no build script, no I/O or FFI, the library at
``src/lib.rs`` and under 2,000 lines of ``src/``, each a pure string/number API; taken in the
order of this list of common text and number utilities: heck, hex, humantime, bytesize,
version-compare, natord, wildmatch. natord 1.0.9 has its library at ``lib.rs`` in the crate root
(no ``src/``), so it falls outside the rule and wildmatch, the next one, takes its place. Held
out: none of the crates of ``bench_rust_offline.py`` or ``real_repos/rust.py`` is here.

Each crate is fetched and laid out as ``bench_rust_offline.py`` does (``cargo fetch``, then a
standalone copy without dev-dependencies, benches, examples, ``tests/`` or ``#[cfg(test)]``
items), so the only tests left after ``testgen generate`` are the kept ones,
``tests/testgen_<module>.rs``. Rows:

* ``testgen``: ``generate --engine offline --mutation sample`` then ``validate --mutation
  sample`` (``extra``: ``generate_s`` and ``validate_s``; every mutant is a cargo build).
  ``MUTATION_REAL_KEEP=DIR`` keeps each project with its kept tests in ``DIR/<crate>``.
* ``cargo-mutants``: cargo-mutants on the same kept tests and the same source files
  (``--file``; ``cargo test --tests``, so the doc tests left in the sources do not run), read from ``mutants.out/outcomes.json``: score is caught + timeout over viable
  mutants (caught + missed + timeout); ``extra["score_with_unviable"]`` counts the unviable
  ones (mutants that do not build) as not caught. It is looked up on PATH, then in
  ``$CARGO_MUTANTS`` or ``/tmp/rust-bench/tools/bin`` (``cargo install --locked
  cargo-mutants``).
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

from bench_rust_offline import fetch, standalone_copy

from . import Row, run, testgen_row

CRATES = {
    "heck": "0.5.0",             # case conversion (snake, camel, kebab, ...)
    "hex": "0.4.3",              # hex encoding and decoding
    "humantime": "2.1.0",        # human-readable durations and RFC 3339 timestamps
    "bytesize": "1.3.0",         # byte sizes: arithmetic, formatting, parsing
    "version-compare": "0.2.0",  # version string parsing and comparison
    "wildmatch": "2.4.0",        # `*` / `?` wildcard matching
}
PACKAGES = list(CRATES)


def cargo_mutants() -> str | None:
    found = shutil.which("cargo-mutants")
    if found:
        return found
    for candidate in (os.environ.get("CARGO_MUTANTS", ""), "/tmp/rust-bench/tools/bin/cargo-mutants"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def setup(name: str, work: Path) -> Path:
    """The crate as a standalone project under ``work``, its own tests removed."""
    source = fetch([(name, CRATES[name])], work)[name]
    return standalone_copy(source, work / name)


def source_files(project: Path) -> set[str]:
    return {p.relative_to(project).as_posix() for p in (project / "src").rglob("*.rs")}


def measure(name: str, work: Path) -> list[Row]:
    label = f"{name} {CRATES[name]}"
    project = setup(name, work)
    files = source_files(project)
    row = testgen_row(label, project, files=files)
    generate_s = row.extra.get("generate_s", 0.0)
    row.extra["validate_s"] = round(row.wall_s - generate_s, 1)
    kept = sorted(p.name for p in (project / "tests").glob("testgen_*.rs")) \
        if (project / "tests").is_dir() else []
    row.extra["test_files"] = kept
    row.note = "; ".join(filter(None, [f"generate {generate_s:.0f}s + validate "
                                       f"{row.extra['validate_s']:.0f}s", row.note]))
    theirs = mutants_row(label, project, files, row.tests, kept, work)
    keep = os.environ.get("MUTATION_REAL_KEEP")
    if keep:  # the project with its kept tests and the mutation report, to read survivors
        shutil.copytree(project, Path(keep) / name, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("target", "mutants.out*"))
    return [row, theirs]


def mutants_row(label: str, project: Path, files: set[str], tests: int, kept: list[str],
                work: Path) -> Row:
    tool = cargo_mutants()
    if tool is None:
        return Row(label, "cargo-mutants", note="cargo-mutants not installed")
    if not kept:
        return Row(label, "cargo-mutants", note="no kept tests to run")
    out = work / "cargo-mutants"
    argv = [tool, "mutants", "--dir", str(project), "--output", str(out), "--no-shuffle",
            "--jobs", "1", "--minimum-test-timeout", "20", "--caught", "--unviable"]
    for path in sorted(files):
        argv += ["--file", path]
    # `cargo test --tests`: the test targets (the kept tests), not the crate's doc tests,
    # which testgen's runs leave out too.
    argv += ["--", "--tests"]
    started = time.perf_counter()
    done = run(argv, cwd=project, timeout=3600,
               env={"CARGO_TARGET_DIR": str(work / "cargo-mutants-target")})
    wall = time.perf_counter() - started
    outcomes = out / "mutants.out" / "outcomes.json"
    if not outcomes.is_file():
        return Row(label, "cargo-mutants", tests=tests, wall_s=wall,
                   note=f"cargo-mutants failed ({done.returncode}): "
                        f"{(done.stderr or done.stdout).strip()[-300:]}")
    return read_outcomes(label, json.loads(outcomes.read_text()), tests, wall)


def read_outcomes(label: str, report: dict, tests: int, wall: float) -> Row:
    counts = {"CaughtMutant": 0, "MissedMutant": 0, "Timeout": 0, "Unviable": 0}
    baseline = ""
    for outcome in report.get("outcomes", []):
        if outcome.get("scenario") == "Baseline":
            baseline = outcome.get("summary", "")
            continue
        summary = outcome.get("summary", "")
        counts[summary] = counts.get(summary, 0) + 1
    caught, missed = counts["CaughtMutant"], counts["MissedMutant"]
    timeout, unviable = counts["Timeout"], counts["Unviable"]
    viable = caught + missed + timeout
    total = viable + unviable
    with_unviable = round(100.0 * (caught + timeout) / total, 2) if total else None
    note = f"{unviable} unviable; with them counted as not caught: {with_unviable}%"
    if baseline not in ("", "Success"):
        note += f"; baseline {baseline}"
    return Row(label, "cargo-mutants", tests=tests, mutants=total, killed=caught + timeout,
               survived=missed, errors=unviable,
               score=round(100.0 * (caught + timeout) / viable, 2) if viable else None,
               wall_s=wall, note=note,
               extra={"caught": caught, "timeout": timeout, "unviable": unviable,
                      "score_with_unviable": with_unviable})
