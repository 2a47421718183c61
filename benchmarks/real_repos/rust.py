"""Rust crates from crates.io, pinned, with the tests they publish in their ``.crate``.

Set up as their contributors set them up (``cargo fetch``); native coverage is
``cargo llvm-cov`` (install it with ``cargo install cargo-llvm-cov``) reading rustc's profiles
with LLVM 19's ``llvm-profdata``/``llvm-cov``. Every cargo build here uses a target dir beside
the project, never ``target/`` inside it, so the tree compares clean before and after.

* percent-encoding: ``default = ["std"]``, ``std = ["alloc"]``, its API behind
  ``cfg(feature = "alloc")`` (an implied feature); unit tests in ``src/``.
* fastrand: the same implied-feature shape, ``cfg(not(all(...)))`` target gates, tests/.
* semver: several modules, ``tests/`` with a shared ``tests/util`` module.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from real_repos import RealProject, download, run, which

CRATES = "https://static.crates.io/crates/{name}/{name}-{version}.crate"
LLVM = {"LLVM_PROFDATA": "/usr/bin/llvm-profdata-19", "LLVM_COV": "/usr/bin/llvm-cov-19"}


def _fetch(name: str, version: str):
    def fetch(work: Path) -> Path:
        return download(CRATES.format(name=name, version=version), work)
    return fetch


def _setup(root: Path) -> None:
    # A published .crate carries cargo's normalised manifest (`autotests = false`, every
    # target listed); contributors work with the manifest as written, kept as Cargo.toml.orig.
    original = root / "Cargo.toml.orig"
    if original.is_file():
        original.replace(root / "Cargo.toml")
    run([which("cargo"), "fetch"], root)


def _native(root: Path) -> dict[str, float]:
    """``cargo llvm-cov`` on the crate's own suite.

    ``lines``: its lcov report (``--lcov``), each source line counted once, as lcov, genhtml
    and coverage services read it. ``summary``: the figure of its text/JSON summary, which
    sums lines per function, so a line shared by a function and the closures in it counts
    once for each (it reads lower on closure-heavy code).
    """
    tool = which("cargo-llvm-cov")
    env = {**{k: v for k, v in LLVM.items() if os.path.exists(v)},
           "CARGO_TARGET_DIR": str(root.parent / "native-target")}
    lcov = root.parent / "native.lcov"
    run([tool, "llvm-cov", "--lcov", "--output-path", str(lcov)], root, env=env)
    found = covered = 0
    for line in lcov.read_text().splitlines():
        if line.startswith("DA:"):
            found += 1
            covered += int(line[3:].split(",")[1]) > 0
    done = run([tool, "llvm-cov", "report", "--json", "--summary-only"], root, env=env)
    totals = json.loads(done.stdout.strip().splitlines()[-1])["data"][0]["totals"]
    return {"lines": round(100.0 * covered / found, 2) if found else 100.0,
            "summary": round(float(totals["lines"]["percent"]), 2)}


def _crate(name: str, version: str, generate_paths: list[str]) -> RealProject:
    return RealProject(
        name=f"{name} {version}", language="rust", fetch=_fetch(name, version),
        setup=_setup,
        # The crate's own suite as its contributors run it, built beside the tree.
        test_command=["cargo", "test", "--target-dir", "../own-target"],
        native_coverage=_native, generate_paths=generate_paths)


PROJECTS = [
    _crate("percent-encoding", "2.3.2", ["src"]),
    _crate("fastrand", "2.3.0", ["src"]),
    _crate("semver", "1.0.27", ["src"]),
]
