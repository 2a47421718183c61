"""Run cargo in the sandbox: shared target dirs, JSON build messages, libtest output.

Build artefacts go to a persistent target directory outside the project (keyed by the
project's path), so the user's own ``target/`` is never written and repeat rounds, probes
and later runs reuse the compiled dependencies. Builds are instrumented for coverage whenever
a working llvm-profdata/llvm-cov exists, so validate, probe and run share one build.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

from testgen.errors import InputError
from testgen.model import ProcessResult, TestOutcome, Workspace

from .coverage import find_tools
from .manifest import crate_for

BUILD_TIMEOUT = 600.0
SOURCES_STAMP = ".testgen-sources.json"
"""In a target dir: the digest of each source file of the last build asked of it."""
OFFLINE_MISS = re.compile(r"--offline|net\.offline|failed to download|no matching package|"
                          r"failed to load source for dependency")


def require_cargo() -> str:
    cargo = shutil.which("cargo")
    if cargo is None:
        raise InputError(
            "cargo is not installed (needed to compile, probe and run Rust tests)",
            code="TG205",
            hint="install Rust 1.70+ with rustup (https://rustup.rs) and make sure `cargo` is "
                 "on PATH")
    return cargo


def instrumented() -> bool:
    """Whether builds carry ``-C instrument-coverage`` (only when profiles can be read)."""
    return find_tools().tools is not None


def target_dir(workspace: Workspace, crate_rel: str) -> Path:
    """Persistent target dir for the Cargo workspace at ``crate_rel`` of this project."""
    base = workspace.cache_dir
    if base is None:
        xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        base = Path(xdg) / "testgen"
    key = hashlib.sha256(
        f"{workspace.project_root.resolve()}::{crate_rel}".encode()).hexdigest()[:16]
    flavour = "cov" if instrumented() else "plain"
    return Path(base) / "cargo-target" / key / flavour


def cargo_env(workspace: Workspace, crate_rel: str, profile_dir: Path | None = None
              ) -> dict[str, str]:
    env = {
        "CARGO_TARGET_DIR": str(target_dir(workspace, crate_rel)),
        "CARGO_TERM_COLOR": "never",
        "RUST_BACKTRACE": "0",
        "CARGO_TERM_PROGRESS_WHEN": "never",
        # Never download: the project's dependencies are fetched as its contributors fetch
        # them (`cargo fetch`); a missing one is reported with that hint.
        "CARGO_NET_OFFLINE": "true",
    }
    if instrumented():
        env["RUSTFLAGS"] = (os.environ.get("RUSTFLAGS", "") + " -C instrument-coverage").strip()
        # Profiles of runs that do not measure coverage go to a scratch pool, not the project.
        pool = profile_dir or (workspace.scratch / "profraw-discard")
        pool.mkdir(parents=True, exist_ok=True)
        env["LLVM_PROFILE_FILE"] = str(pool / "%p-%m.profraw")
    return env


# --------------------------------------------------------------------------- build messages


@dataclass(frozen=True)
class CompilerMessage:
    level: str
    message: str
    rendered: str
    file: str | None = None
    """Path as cargo reports it: relative to the package root, or absolute."""
    line: int | None = None
    line_end: int | None = None
    code: str | None = None


@dataclass
class BuildResult:
    ok: bool
    messages: list[CompilerMessage] = field(default_factory=list)
    executables: dict[str, str] = field(default_factory=dict)
    """Test target name → path of its test binary."""
    output: str = ""
    process: ProcessResult | None = None

    @property
    def errors(self) -> list[CompilerMessage]:
        return [m for m in self.messages if m.level in ("error", "error: internal compiler error")]


def parse_build_output(stdout: str) -> tuple[list[CompilerMessage], dict[str, str]]:
    messages: list[CompilerMessage] = []
    executables: dict[str, str] = {}
    for line in stdout.splitlines():
        if not line.startswith("{"):
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError:
            continue
        reason = data.get("reason")
        if reason == "compiler-message":
            msg = data.get("message") or {}
            spans = msg.get("spans") or []
            primary = next((s for s in spans if s.get("is_primary")), spans[0] if spans else None)
            while primary and primary.get("expansion"):
                # An error inside a macro: report where the macro was called.
                primary = primary["expansion"].get("span") or None
            code = (msg.get("code") or {}).get("code") if msg.get("code") else None
            messages.append(CompilerMessage(
                level=msg.get("level", ""), message=msg.get("message", ""),
                rendered=msg.get("rendered") or msg.get("message", ""),
                file=primary.get("file_name") if primary else None,
                line=primary.get("line_start") if primary else None,
                line_end=primary.get("line_end") if primary else None, code=code))
        elif reason == "compiler-artifact" and data.get("executable"):
            target = data.get("target") or {}
            if (data.get("profile") or {}).get("test") or "test" in target.get("kind", []):
                kind = "lib" if "lib" in target.get("kind", []) else target.get("kind", ["?"])[0]
                name = target.get("name", "")
                executables[f"{kind}:{name}"] = data["executable"]
            elif "bin" in target.get("kind", []):
                # A binary the tests may launch (CARGO_BIN_EXE_*): its profiles count too.
                executables[f"exe:{target.get('name', '')}"] = data["executable"]
    return messages, executables


def feature_args(features: Iterable[str]) -> list[str]:
    """``--features a,b`` for non-default features (nothing when there are none)."""
    wanted = sorted(set(features))
    return ["--features", ",".join(wanted)] if wanted else []


def build_tests(workspace: Workspace, crate_dir: Path, crate_rel: str,
                tests: Iterable[str] | None = None, extra: Iterable[str] = (),
                features: Iterable[str] = ()) -> BuildResult:
    """``cargo test --no-run``: compile the named integration tests (all test targets when
    ``tests`` is None) with the default features plus ``features``, and report diagnostics
    and test binaries."""
    from .shadow import prepare_shadow

    cargo = require_cargo()
    prepare_shadow(workspace)
    argv = [cargo, "test", "--no-run", "--message-format=json"]
    if tests is not None:
        for name in tests:
            argv += ["--test", name]
    argv += list(extra) + feature_args(features)
    with fresh_sources(workspace, crate_rel):
        result = workspace.run(argv, cwd=crate_dir,
                               timeout=max(BUILD_TIMEOUT, workspace.timeout),
                               env=cargo_env(workspace, crate_rel), memory_mb=None,
                               count_launch=False)
    messages, executables = parse_build_output(result.stdout)
    ok = result.ok and not any(m.level == "error" for m in messages)
    output = "\n".join(m.rendered for m in messages if m.level == "error")
    if not ok and not output:
        output = result.killed_reason or _tail(result.stderr)
        if OFFLINE_MISS.search(result.stderr):
            output += ("\nhint: a dependency is not downloaded; run `cargo fetch` in the "
                       "project (TestGen builds offline)")
    return BuildResult(ok, messages, executables, output, result)


@contextmanager
def fresh_sources(workspace: Workspace, crate_rel: str) -> Iterator[None]:
    """Make cargo see every source file that differs from the last build in the shared
    target dir as changed, then hold that target dir for the build inside the block.

    Cargo decides that a path package is up to date by comparing modification times: a
    source file no newer than the last build's outputs counts as built. Each shadow copy
    keeps the project's own times, so after a build of other content in the same target dir
    (a mutant written with a later time, then a new shadow copy of the unchanged project),
    cargo would reuse the other build: tests ran against the mutant and coverage was read
    from its lines. The digests of the last build's sources are kept beside its outputs; a
    file whose content differs (every file, the first time) gets the current time, never an
    earlier one than it has. Symlinked files (linked dependency dirs) are left alone."""
    target = target_dir(workspace, crate_rel)
    target.mkdir(parents=True, exist_ok=True)
    root = workspace.path(crate_rel or ".")
    with open(target / (SOURCES_STAMP + ".lock"), "a+") as lock:
        if fcntl is not None:
            fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            stamp = target / SOURCES_STAMP
            try:
                last = json.loads(stamp.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                last = {}
            now = source_digests(root)
            moment = time.time_ns()
            for rel, digest in now.items():
                if last.get(rel) == digest:
                    continue
                path = root / rel
                try:
                    if path.stat().st_mtime_ns < moment:
                        os.utime(path, ns=(moment, moment))
                except OSError:
                    pass
            try:
                stamp.write_text(json.dumps(now, sort_keys=True), encoding="utf-8")
            except OSError:
                pass
            yield
        finally:
            if fcntl is not None:
                fcntl.flock(lock, fcntl.LOCK_UN)


def source_digests(root: Path) -> dict[str, str]:
    """Root-relative path → SHA-1 of each ``.rs`` and ``.toml`` file cargo may read (the
    target dir, hidden and linked dependency dirs left out)."""
    found: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in ("target", "vendor")
                       and not d.startswith(".")]
        for name in filenames:
            if not name.endswith((".rs", ".toml")):
                continue
            path = Path(dirpath) / name
            if path.is_symlink():
                continue
            try:
                found[path.relative_to(root).as_posix()] = hashlib.sha1(
                    path.read_bytes()).hexdigest()
            except OSError:
                continue
    return found


def _tail(text: str, lines: int = 30) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


# --------------------------------------------------------------------------- libtest output

TEST_LINE = re.compile(r"^test (\S+?)(?: - should panic)? \.\.\. (ok|FAILED|ignored(?:, .*)?)$")
DOC_TEST_LINE = re.compile(r"^test (.+? - .+?) \.\.\. (ok|FAILED|ignored(?:, .*)?)$")
FAILURE_HEADER = re.compile(r"^---- (\S+?)(?: - should panic)? stdout ----$")


def parse_libtest(output: str) -> list[TestOutcome]:
    """Per-test outcomes from libtest's text output (``test name ... ok``)."""
    outcomes: dict[str, str] = {}
    for line in output.splitlines():
        match = TEST_LINE.match(line.rstrip()) or DOC_TEST_LINE.match(line.rstrip())
        if match:
            outcomes[match.group(1)] = match.group(2)
    messages = _failure_messages(output)
    found = []
    for name, status in outcomes.items():
        if status == "ok":
            found.append(TestOutcome(name, "passed"))
        elif status == "FAILED":
            found.append(TestOutcome(name, "failed", messages.get(name, "test failed")))
        else:
            found.append(TestOutcome(name, "skipped", status))
    return found


def _failure_messages(output: str) -> dict[str, str]:
    messages: dict[str, str] = {}
    current: str | None = None
    buffer: list[str] = []
    for line in output.splitlines():
        header = FAILURE_HEADER.match(line)
        if header or line.startswith("failures:") or line.startswith("test result:"):
            if current is not None:
                messages[current] = "\n".join(buffer).strip()[-2000:]
            current, buffer = (header.group(1) if header else None), []
            continue
        if current is not None:
            buffer.append(line)
    return messages


def test_target_name(test_path: str) -> str:
    """``tests/testgen_money.rs`` → ``testgen_money`` (cargo's target name)."""
    return Path(test_path).stem


def crate_dir_of(test_path: str) -> str:
    """Crate directory (project-relative) of a ``<crate>/tests/x.rs`` path; ``""`` at root."""
    parts = Path(test_path).parts
    if "tests" in parts:
        index = len(parts) - 1 - list(reversed(parts)).index("tests")
        return Path(*parts[:index]).as_posix() if index else ""
    return Path(test_path).parent.as_posix() if len(parts) > 1 else ""


def cargo_root(workspace: Workspace, crate_rel: str) -> tuple[Path, str]:
    """(package dir in the shadow copy, project-relative dir of its Cargo workspace)."""
    crate_dir = workspace.path(crate_rel or ".")
    crate = crate_for(crate_dir / "Cargo.toml", stop=workspace.root)
    if crate is None:
        return crate_dir, crate_rel
    try:
        ws_rel = crate.target_root.resolve().relative_to(workspace.root.resolve()).as_posix()
    except ValueError:
        ws_rel = crate_rel
    return crate_dir, "" if ws_rel == "." else ws_rel
