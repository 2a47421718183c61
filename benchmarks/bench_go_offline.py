"""Offline engine on real Go packages: wall time, tests kept, statement coverage, 3/3 passes.

Each module is fetched with `go mod download` from the module proxy into a temporary module
cache, its root package's sources (no tests, no examples) are copied into a project of their
own (the module's go.mod, or a new one for pre-module packages), and
`testgen generate --engine offline` runs on it. The kept tests are then run three more times
with a plain `go test -count=1 -coverprofile`, and `go tool cover -func` gives the statement
coverage they reach.

    python benchmarks/bench_go_offline.py [--packages uuid,humanize,...] [--json]

The packages are small, pure Go, and none was written by this project's authors.
Target (issue #6): median statement coverage >= 70 % with every kept test passing 3/3.
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
from pathlib import Path

# short name: (module, version) — pinned so the figures are reproducible.
PACKAGES = {
    "uuid": ("github.com/google/uuid", "v1.6.0"),
    "humanize": ("github.com/dustin/go-humanize", "v1.1.0"),
    "errors": ("github.com/pkg/errors", "v0.9.1"),
    "wordwrap": ("github.com/mitchellh/go-wordwrap", "v1.0.1"),
    "semver": ("github.com/Masterminds/semver/v3", "v3.5.0"),
}
sys.path.insert(0, str(Path(__file__).resolve().parent))
import _offline  # noqa: E402

TEST_TYPES = ("unit", "edge-cases", "negative", "regression")


def go(*args: str, cwd: Path, env: dict | None = None, check: bool = True,
       timeout: float = 600) -> subprocess.CompletedProcess:
    full_env = dict(os.environ, GOFLAGS="-modcacherw -buildvcs=false", **(env or {}))
    return subprocess.run(["go", *args], cwd=cwd, env=full_env, capture_output=True, text=True,
                          check=check, timeout=timeout)


def download(names: list[str], into: Path) -> dict[str, Path]:
    """`go mod download` the modules into a private module cache; name → source dir."""
    cache = into / "modcache"
    specs = [f"{PACKAGES[n][0]}@{PACKAGES[n][1]}" for n in names]
    done = go("mod", "download", "-json", *specs, cwd=into, env={"GOMODCACHE": str(cache)})
    dirs = {}
    decoder = json.JSONDecoder()
    text, pos = done.stdout, 0
    while pos < len(text):
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos >= len(text):
            break
        info, pos = decoder.raw_decode(text, pos)
        for name in names:
            if info.get("Path") == PACKAGES[name][0]:
                dirs[name] = Path(info["Dir"])
    return dirs


def make_project(module_dir: Path, module: str, target: Path) -> Path:
    """The module's root package (sources only) as a standalone module."""
    target.mkdir(parents=True)
    for item in module_dir.iterdir():
        if item.suffix == ".go" and not item.name.endswith("_test.go"):
            text = item.read_text(encoding="utf-8")
            if re.search(r"^package \w+_test\b", text, re.M):
                continue
            shutil.copy2(item, target / item.name)
    go_mod = module_dir / "go.mod"
    if go_mod.is_file():
        shutil.copy2(go_mod, target / "go.mod")
        if (module_dir / "go.sum").is_file():
            shutil.copy2(module_dir / "go.sum", target / "go.sum")
    else:  # a package from before modules
        (target / "go.mod").write_text(f"module {module}\n\ngo 1.21\n")
    for path in target.iterdir():
        path.chmod(0o644)
    return target


def generate(project: Path, testgen: str) -> tuple[dict, float]:
    return _offline.generate(project, testgen, framework="testing", test_types=TEST_TYPES)


def measure(project: Path) -> tuple[float | None, int, str]:
    """Statement coverage of the kept tests (go tool cover -func) and runs passed out of 3."""
    profile = project / "cover.out"
    passes = 0
    coverage = None
    last = ""
    for attempt in range(3):
        argv = ["test", "-count=1", "."]
        if attempt == 0:
            argv[2:2] = [f"-coverprofile={profile}"]
        done = go(*argv, cwd=project, check=False)
        last = (done.stdout + done.stderr)[-800:]
        if done.returncode == 0:
            passes += 1
    if profile.is_file():
        func = go("tool", "cover", f"-func={profile}", cwd=project, check=False)
        match = re.search(r"^total:\s+\(statements\)\s+([\d.]+)%", func.stdout, re.M)
        if match:
            coverage = float(match.group(1))
    return coverage, passes, last


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packages", default=",".join(PACKAGES),
                        help="comma-separated short names: " + ", ".join(PACKAGES))
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir")
    args = parser.parse_args()
    names = [n for n in args.packages.split(",") if n]
    unknown = [n for n in names if n not in PACKAGES]
    if unknown:
        parser.error(f"unknown package(s): {', '.join(unknown)}")
    if shutil.which("go") is None:
        print("go is not installed: install Go 1.21+ from https://go.dev/dl", file=sys.stderr)
        return 2
    testgen = shutil.which("testgen") or str(Path(sys.executable).with_name("testgen"))
    base = Path(tempfile.mkdtemp(prefix="bench-go-"))
    rows = []
    try:
        sources = download(names, base)
        for name in names:
            module, version = PACKAGES[name]
            project = make_project(sources[name], module, base / "projects" / name)
            report, wall = generate(project, testgen)
            summary = report.get("summary", {})
            coverage, passes, last = measure(project)
            rows.append({"package": f"{module}@{version}", "wall_s": round(wall, 1),
                         "kept": summary.get("kept", 0), "failed": summary.get("failed", 0),
                         "flaky": summary.get("flaky", 0),
                         "no_gain": summary.get("no-gain", 0),
                         "coverage": coverage, "passes": f"{passes}/3",
                         **({"last_output": last} if passes < 3 else {})})
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
        else:
            print(f"kept {base}", file=sys.stderr)
    covered = [r["coverage"] for r in rows if r["coverage"] is not None]
    median = statistics.median(covered) if covered else 0.0
    if args.json:
        print(json.dumps({"packages": rows, "median_coverage": median}, indent=2))
    else:
        print(f"{'package':44} {'wall s':>7} {'kept':>5} {'failed':>6} {'no-gain':>7} "
              f"{'cover %':>8} {'passes':>6}")
        for r in rows:
            cov = f"{r['coverage']:.1f}" if r["coverage"] is not None else "-"
            print(f"{r['package']:44} {r['wall_s']:>7} {r['kept']:>5} {r['failed']:>6} "
                  f"{r['no_gain']:>7} {cov:>8} {r['passes']:>6}")
        verdict = "meets" if median >= 70 else "below"
        print(f"median statement coverage: {median:.1f} % ({verdict} the 70 % target)")
    return 0 if all(r["passes"] == "3/3" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
