"""Offline engine on real crates from crates.io: kept tests, coverage, build reuse.

    .venv/bin/python benchmarks/bench_rust_offline.py [--crates strsim,roman] [--keep-dir D]

Each crate is fetched with cargo (a throwaway package that depends on it + `cargo fetch`),
copied out of cargo's registry cache into a temp dir as a standalone crate (its
[dev-dependencies], benches and examples removed so nothing beyond the crate itself is built,
and its own tests, `tests/` and `#[cfg(test)]` modules, removed so the coverage figure is what
the generated tests reach on their own), and run through the offline engine: `testgen generate --engine offline` when the CLI has it,
else the Rust plugin's hooks in the pipeline's order (probe → offline_candidates → assemble →
validate, dropping candidates that do not compile → run ×3 → keep the tests that pass 3/3).

Printed per crate: wall time, candidates and kept tests, line coverage of the public API's
code (lines inside functions reachable from outside the crate) by the kept tests, how many
kept tests pass 3/3 in a final plain `cargo test`, the time of the first round (empty shared
target dir) against a second round (target dir kept), and the test build alone: in an empty
target dir, then from a new shadow copy with the target dir kept.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from testgen.model import Framework, OfflineRequest, SourceFile, TestFile
from testgen.sandbox import shadow_workspace

from testgen_rust import nodes
from testgen_rust.cargo import build_tests
from testgen_rust.plugin import Rust

RUST = Rust()

# Small, dependency-free crates written by other people (name, exact version).
CRATES = [
    ("strsim", "0.11.1"),        # string similarity metrics
    ("roman", "0.1.6"),          # roman numerals
    ("shell-words", "1.1.1"),    # shell-style word splitting and quoting
    ("urlencoding", "2.1.3"),    # percent-encoding (private modules, `pub use` re-exports)
    ("shlex", "1.3.0"),          # POSIX shell lexing and quoting
]
TEST_TYPES = ("unit", "edge-cases", "negative", "table-driven")
REPEAT = 3
FRAMEWORK = Framework("cargo-test", "rust", reason="benchmark")
DROPPED_SECTIONS = re.compile(
    r"^\[(?:dev-dependencies|target\..*\.dev-dependencies)(?:\..*)?\]$|^\[\[(?:bench|example|test)\]\]$")


# --------------------------------------------------------------------------- fetching


def fetch(crates: list[tuple[str, str]], work: Path) -> dict[str, Path]:
    """Download the crates with cargo and return where cargo unpacked each one."""
    fetcher = work / "fetcher"
    (fetcher / "src").mkdir(parents=True, exist_ok=True)
    (fetcher / "src" / "lib.rs").write_text("")
    deps = "\n".join(f'{name} = "={version}"' for name, version in crates)
    (fetcher / "Cargo.toml").write_text(
        f'[package]\nname = "tg-bench-fetch"\nversion = "0.0.0"\nedition = "2021"\n\n'
        f"[dependencies]\n{deps}\n")
    subprocess.run(["cargo", "fetch", "--quiet"], cwd=fetcher, check=True, timeout=600)
    cargo_home = Path(os.environ.get("CARGO_HOME", Path.home() / ".cargo"))
    found = {}
    for name, version in crates:
        hits = sorted((cargo_home / "registry" / "src").glob(f"*/{name}-{version}"))
        if not hits:
            raise SystemExit(f"cargo fetched {name} {version} but it is not in {cargo_home}")
        found[name] = hits[0]
    return found


def standalone_copy(source: Path, dest: Path) -> Path:
    """The crate as a project of its own: no dev-dependencies, benches or examples."""
    shutil.copytree(source, dest, ignore=shutil.ignore_patterns(
        "benches", "examples", "target", ".cargo_vcs_info.json", "Cargo.toml.orig",
        "Cargo.lock"))
    manifest = dest / "Cargo.toml"
    kept, skipping = [], False
    for line in manifest.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if stripped.startswith("["):
            skipping = bool(DROPPED_SECTIONS.match(stripped))
        if not skipping:
            kept.append(line)
    kept = [line for line in kept if not re.match(r"\s*auto(benches|examples|tests|bins|lib)\s*=",
                                                  line)]
    text = "\n".join(kept) + "\n"
    text = re.sub(r"(?m)^\[package\]$", "[package]\nautobenches = false\nautoexamples = false",
                  text, count=1)
    manifest.write_text(text, encoding="utf-8")
    # The crate's own tests go: the figure is what generated tests reach on their own (with
    # them in place the keep rule rightly drops every test that adds nothing over them).
    tests = dest / "tests"
    if tests.is_dir():
        shutil.rmtree(tests)
    for path in (dest / "src").rglob("*.rs"):
        path.write_text(strip_test_modules(path.read_text(encoding="utf-8")), encoding="utf-8")
    return dest


def strip_test_modules(text: str) -> str:
    """Remove ``#[cfg(test)]`` items and ``#[test]`` functions (attributes included)."""
    tree = nodes.parse(text)
    data = text.encode("utf-8")
    cuts = []
    for item in tree.root_node.named_children:
        if item.type in ("attribute_item", "line_comment", "block_comment"):
            continue
        attrs = nodes.attributes(item)
        if nodes.is_cfg_test(attrs) or nodes.is_test_function(attrs):
            trivia = nodes.leading_trivia(item)
            start = (trivia[0] if trivia else item).start_byte
            cuts.append((start, item.end_byte))
    for start, end in reversed(cuts):
        data = data[:start] + data[end:]
    return data.decode("utf-8")


# --------------------------------------------------------------------------- one crate


def sources_of(root: Path) -> list[SourceFile]:
    files = []
    for path in sorted((root / "src").rglob("*.rs")):
        rel = path.relative_to(root).as_posix()
        files.append(SourceFile(path=path, rel_path=rel, language="rust",
                                text=path.read_text(encoding="utf-8"), project_root=root))
    return files


def one_round(root: Path, cache: Path, write: bool) -> dict:
    """probe → candidates → assemble → validate → run ×3 → keep; returns the figures."""
    started = time.monotonic()
    report = {"candidates": 0, "kept": 0, "files": {}, "public_lines": {}, "timings": {}}
    with shadow_workspace(root, cache_dir=cache, timeout=120) as ws:
        kept_files = []
        for source in sources_of(root):
            definitions = [d for d in RUST.extract(RUST.parse(source)) if d.testable]
            for d in definitions:
                report["public_lines"].setdefault(source.rel_path, set()).update(d.lines)
            if not definitions:
                continue
            t = time.monotonic()
            probes = RUST.probe(definitions, ws, "unit")
            report["timings"]["probe"] = report["timings"].get("probe", 0) + time.monotonic() - t
            candidates = []
            for d in definitions:
                for test_type in TEST_TYPES:
                    candidates += RUST.offline_candidates(OfflineRequest(
                        definition=d, framework=FRAMEWORK, test_type=test_type, probes=probes))
            report["candidates"] += len(candidates)
            if not candidates:
                continue
            path = RUST.test_path(source, FRAMEWORK)
            t = time.monotonic()
            test_file = None
            for _ in range(5):
                test_file = RUST.assemble(candidates, FRAMEWORK, source, path)
                ws.write(test_file.path, test_file.content)
                result = RUST.validate(test_file, ws)
                if result.ok:
                    break
                bad = result.failing_candidates
                if not bad:
                    test_file = None
                    break
                candidates = [c for c in candidates if c.id not in bad]
            report["timings"]["validate"] = report["timings"].get("validate", 0) + \
                time.monotonic() - t
            if test_file is None or not candidates:
                continue
            # Run 1 + repeat: keep what passes every time.
            passing = set(test_file.test_ids)
            t = time.monotonic()
            for attempt in range(REPEAT):
                outcome = RUST.run(FRAMEWORK, [test_file], ws, coverage=False)
                passing &= {o.test_id for o in outcome.tests if o.outcome == "passed"}
            report["timings"]["run"] = report["timings"].get("run", 0) + time.monotonic() - t
            kept = [c for c in candidates if c.test_name in passing]
            if not kept:
                ws.path(test_file.path).unlink()
                continue
            final = RUST.assemble(kept, FRAMEWORK, source, path)
            ws.write(final.path, final.content)
            kept_files.append(final)
            report["kept"] += len(kept)
        coverage_run = RUST.run(FRAMEWORK, kept_files, ws, coverage=True) if kept_files else None
        report["coverage_available"] = bool(coverage_run and coverage_run.coverage_available)
        report["coverage"] = coverage_run.coverage if coverage_run else {}
        report["kept_files"] = kept_files
        report["launches"] = ws.launches
        if write:
            for test_file in kept_files:
                target = root / test_file.path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(test_file.content, encoding="utf-8")
    report["seconds"] = time.monotonic() - started
    return report


def plain_cargo_test(root: Path, target_dir: Path, targets: list[str], times: int
                     ) -> tuple[int, int]:
    """Run the written tests with a plain `cargo test` `times` times: (passing every time,
    total)."""
    if not targets:
        return 0, 0
    env = dict(os.environ, CARGO_TARGET_DIR=str(target_dir))
    argv = ["cargo", "test"] + [a for t in targets for a in ("--test", t)]
    passed_runs, totals = [], []
    for _ in range(times):
        done = subprocess.run(argv, cwd=root, env=env, capture_output=True, text=True,
                              timeout=900)
        passed = sum(int(n) for n in re.findall(r"^test result: \w+\. (\d+) passed", done.stdout,
                                                re.M))
        failed = sum(int(n) for n in re.findall(r"(\d+) failed;", done.stdout))
        passed_runs.append(passed)
        totals.append(passed + failed)
    return min(passed_runs), max(totals)


def build_reuse(root: Path, cache: Path) -> tuple[float, float]:
    """Seconds of the test build in an empty shared target dir, then again from a new shadow
    copy (a new path) with the target dir kept: what a later round pays for building."""
    times = []
    for _ in range(2):
        with shadow_workspace(root, cache_dir=cache, timeout=300) as ws:
            started = time.monotonic()
            build_tests(ws, ws.root, "", tests=None)
            times.append(time.monotonic() - started)
    return times[0], times[1]


def public_api_coverage(report: dict) -> tuple[int, int]:
    covered = total = 0
    for file, lines in report["public_lines"].items():
        cov = report["coverage"].get(file)
        if cov is None:
            continue
        statements = cov.statements & lines
        total += len(statements)
        covered += len(cov.covered & statements)
    return covered, total


TEST_FN = re.compile(r"#\[test\]\s*\n(?:\s*#\[[^\n]*\n)*\s*fn (\w+)")


def cli_available() -> bool:
    done = subprocess.run([sys.executable, "-m", "testgen", "generate", "--help"],
                          capture_output=True, text=True)
    return done.returncode == 0 and "--engine" in done.stdout


def cli_round(root: Path, work: Path, cache: Path) -> dict:
    """One `testgen generate --engine offline` over the crate, from scratch (no state)."""
    shutil.rmtree(root / ".testgen", ignore_errors=True)
    for old in (root / "tests").glob("testgen_*.rs") if (root / "tests").is_dir() else ():
        old.unlink()
    report_path = work / f"{root.name}-report.json"
    argv = [sys.executable, "-m", "testgen", "generate", "--path", str(root), "--engine",
            "offline", "--format", "json", "--report", str(report_path)]
    for test_type in TEST_TYPES:
        argv += ["--type", test_type]
    env = dict(os.environ, TESTGEN_CACHE_DIR=str(cache))
    started = time.monotonic()
    done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=3600)
    seconds = time.monotonic() - started
    if not report_path.is_file():
        raise SystemExit(f"testgen generate failed on {root.name}:\n{done.stderr[-2000:]}")
    report = json.loads(report_path.read_text())
    candidates = sum(len(f.get("candidates", [])) for f in report.get("files", []))
    return {"seconds": seconds, "kept": report["summary"]["kept"], "candidates": candidates,
            "summary": report["summary"]}


def measure_written(root: Path, cache: Path) -> dict:
    """Coverage of the public API by the tests the CLI wrote, measured with the plugin."""
    public: dict[str, set[int]] = {}
    for source in sources_of(root):
        for d in RUST.extract(RUST.parse(source)):
            if d.testable:
                public.setdefault(source.rel_path, set()).update(d.lines)
    files = []
    for path in sorted((root / "tests").glob("testgen_*.rs")):
        content = path.read_text(encoding="utf-8")
        names = TEST_FN.findall(content)
        files.append(TestFile(path=f"tests/{path.name}", language="rust",
                              framework="cargo-test", content=content, target="",
                              test_ids={n: n for n in names}))
    coverage, available = {}, False
    if files:
        with shadow_workspace(root, cache_dir=cache, timeout=300) as ws:
            result = RUST.run(FRAMEWORK, files, ws, coverage=True)
        coverage, available = result.coverage, result.coverage_available
    return {"public_lines": public, "coverage": coverage, "coverage_available": available,
            "kept_files": files}


# --------------------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--crates", help="comma-separated subset of: " +
                        ", ".join(n for n, _ in CRATES))
    parser.add_argument("--keep-dir", type=Path, help="keep the crates and tests here")
    parser.add_argument("--hooks", action="store_true",
                        help="drive the plugin hooks even when the CLI has `generate`")
    args = parser.parse_args()
    chosen = [c for c in CRATES if not args.crates or c[0] in args.crates.split(",")]
    if shutil.which("cargo") is None:
        print("cargo is not installed: nothing to measure")
        return 2
    work = args.keep_dir or Path(tempfile.mkdtemp(prefix="tg-bench-rust-"))
    work.mkdir(parents=True, exist_ok=True)
    cache = work / "cache"
    fetched = fetch(chosen, work)
    rows = []
    header = (f"{'crate':<22} {'wall s':>7} {'cands':>6} {'kept':>5} {'public API cov':>16} "
              f"{'3/3 pass':>9} {'round1 s':>9} {'round2 s':>9} {'build cold/reused s':>20}")
    use_cli = not args.hooks and cli_available()
    print(f"engine driven through: {'testgen generate (CLI)' if use_cli else 'plugin hooks'}\n")
    print(header)
    print("-" * len(header))
    for name, version in chosen:
        root = standalone_copy(fetched[name], work / "crates" / name.replace("-", "_"))
        crate_cache = cache / name  # cold for round 1, reused by round 2
        started = time.monotonic()
        if use_cli:
            first = cli_round(root, work, crate_cache)
            written = {p.name: p.read_text() for p in (root / "tests").glob("testgen_*.rs")}
            second = cli_round(root, work, crate_cache)
            for file_name, text in written.items():  # measure what round 1 wrote
                (root / "tests" / file_name).write_text(text)
            first.update(measure_written(root, crate_cache))
        else:
            first = one_round(root, crate_cache, write=True)
            second = one_round(root, crate_cache, write=False)
        wall = time.monotonic() - started
        covered, total = public_api_coverage(first)
        if not first["coverage_available"]:
            coverage_text = "n/a (no llvm-cov)"
            percent = None
        elif total:
            percent = 100.0 * covered / total
            coverage_text = f"{percent:5.1f}% ({covered}/{total})"
        else:
            percent = None
            coverage_text = "n/a (no lines)"
        targets = [Path(f.path).stem for f in first["kept_files"]]
        passed, ran = plain_cargo_test(root, work / "plain-target", targets, REPEAT)
        cold, warm = build_reuse(root, work / "build-reuse" / name)
        rows.append((name, percent))
        print(f"{name + ' ' + version:<22} {wall:7.1f} {first['candidates']:6d} "
              f"{first['kept']:5d} {coverage_text:>16} {f'{passed}/{ran}':>9} "
              f"{first['seconds']:9.1f} {second['seconds']:9.1f} "
              f"{f'{cold:.1f} / {warm:.1f}':>20}", flush=True)
    measured = [p for _, p in rows if p is not None]
    if measured:
        median = statistics.median(measured)
        print(f"\nmedian public-API line coverage: {median:.1f}% over {len(measured)} crates "
              f"(target ≥ 60%)")
    print(f"work dir: {work}")
    if not args.keep_dir:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
