"""LLVM source-based coverage: find a working llvm-profdata/llvm-cov, merge, export lcov.

rustc writes profiles in the format of its own LLVM. A ``llvm-profdata`` that is too old
rejects them ("unsupported instrumentation profile format version"), so the tools are chosen
newest first (``$LLVM_PROFDATA``/``$LLVM_COV``, rustup's ``llvm-tools``, ``llvm-profdata-NN``
on PATH) and a tool older than LLVM 19 is not trusted with the profiles of a newer rustc.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from testgen.model import FileCoverage, Workspace

MIN_LLVM = 19
TEST_DIRS = ("tests", "examples", "benches")
TEST_MODULE = re.compile(r"tests\.rs|[0-9a-zA-Z_-]+[_-]tests\.rs")


@dataclass(frozen=True)
class LlvmTools:
    profdata: str
    cov: str
    version: int


@dataclass(frozen=True)
class ToolsLookup:
    tools: LlvmTools | None
    reason: str = ""


def _major(binary: str) -> int | None:
    try:
        out = subprocess.run([binary, "--version"], capture_output=True, text=True,
                             timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"LLVM version (\d+)", out)
    return int(match.group(1)) if match else None


@lru_cache(maxsize=1)
def rustc_llvm_major() -> int | None:
    rustc = shutil.which("rustc")
    if rustc is None:
        return None
    try:
        out = subprocess.run([rustc, "-vV"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"LLVM version: (\d+)", out)
    return int(match.group(1)) if match else None


def _candidates() -> Iterable[tuple[str, str]]:
    env_profdata, env_cov = os.environ.get("LLVM_PROFDATA"), os.environ.get("LLVM_COV")
    if env_profdata and env_cov:
        yield env_profdata, env_cov
    rustc = shutil.which("rustc")
    if rustc:
        try:
            sysroot = subprocess.run([rustc, "--print", "sysroot"], capture_output=True,
                                     text=True, timeout=30).stdout.strip()
            host = re.search(r"host: (\S+)", subprocess.run(
                [rustc, "-vV"], capture_output=True, text=True, timeout=30).stdout)
        except (OSError, subprocess.SubprocessError):
            sysroot, host = "", None
        if sysroot and host:
            bin_dir = Path(sysroot) / "lib" / "rustlib" / host.group(1) / "bin"
            yield str(bin_dir / "llvm-profdata"), str(bin_dir / "llvm-cov")
    for version in range(30, MIN_LLVM - 1, -1):
        profdata, cov = shutil.which(f"llvm-profdata-{version}"), shutil.which(
            f"llvm-cov-{version}")
        if profdata and cov:
            yield profdata, cov
    profdata, cov = shutil.which("llvm-profdata"), shutil.which("llvm-cov")
    if profdata and cov:
        yield profdata, cov


@lru_cache(maxsize=1)
def find_tools() -> ToolsLookup:
    """The newest usable llvm-profdata/llvm-cov pair, or why there is none."""
    rust_llvm = rustc_llvm_major()
    too_old = []
    for profdata, cov in _candidates():
        if not (os.path.isfile(profdata) and os.path.isfile(cov)):
            continue
        version = _major(profdata)
        if version is None:
            continue
        if version < MIN_LLVM and (rust_llvm is None or version < rust_llvm):
            too_old.append(f"{profdata} (LLVM {version})")
            continue
        return ToolsLookup(LlvmTools(profdata, cov, version))
    reason = ("no llvm-profdata/llvm-cov that reads rustc's coverage profiles"
              + (f" (rustc uses LLVM {rust_llvm})" if rust_llvm else ""))
    if too_old:
        reason += "; too old: " + ", ".join(too_old)
    reason += ("; install LLVM 19 or newer (Debian/Ubuntu: apt-get install llvm-19) or "
               "`rustup component add llvm-tools`, or point LLVM_PROFDATA and LLVM_COV at them")
    return ToolsLookup(None, reason)


@dataclass
class CoverageData:
    files: dict[str, FileCoverage]
    error: str = ""


def collect(workspace: Workspace, tools: LlvmTools, profile_dir: Path,
            objects: list[str], source_root: Path, exclude_dirs: tuple[str, ...] = TEST_DIRS,
            ) -> CoverageData:
    """Merge the ``.profraw`` files in ``profile_dir`` and map lcov lines to project files.

    ``source_root`` is the shadow copy's root: lcov paths below it become project-relative.
    """
    raws = sorted(profile_dir.glob("*.profraw"))
    return collect_profiles(workspace, tools, raws, profile_dir / "merged.profdata", objects,
                            source_root, exclude_dirs)


def collect_profiles(workspace: Workspace, tools: LlvmTools, raws: list[Path], merged: Path,
                     objects: list[str], source_root: Path,
                     exclude_dirs: tuple[str, ...] = TEST_DIRS) -> CoverageData:
    if not raws:
        return CoverageData({}, "the tests wrote no coverage profile")
    result = workspace.run([tools.profdata, "merge", "-sparse", *map(str, raws), "-o",
                            str(merged)], timeout=300, memory_mb=None, count_launch=False)
    if not result.ok:
        return CoverageData({}, f"llvm-profdata merge failed: {result.output[-400:]}")
    objects = [o for o in dict.fromkeys(objects) if o and os.path.isfile(o)]
    if not objects:
        return CoverageData({}, "no instrumented test binary to read coverage from")
    argv = [tools.cov, "export", "--format=lcov", f"--instr-profile={merged}", objects[0]]
    for extra in objects[1:]:
        argv += ["-object", extra]
    argv.append("--ignore-filename-regex=(/\\.cargo/|/rustc/|/\\.rustup/)")
    result = workspace.run(argv, timeout=300, memory_mb=None, count_launch=False)
    if not result.ok:
        return CoverageData({}, f"llvm-cov export failed: {result.output[-400:]}")
    return CoverageData(parse_lcov(result.stdout, source_root, exclude_dirs))


def parse_lcov(text: str, source_root: Path, exclude_dirs: tuple[str, ...] = TEST_DIRS
               ) -> dict[str, FileCoverage]:
    files: dict[str, FileCoverage] = {}
    root = str(source_root.resolve())
    current: str | None = None
    statements: set[int] = set()
    covered: set[int] = set()

    def flush() -> None:
        if current is None:
            return
        previous = files.get(current)
        if previous is not None:
            statements.update(previous.statements)
            covered.update(previous.covered)
        files[current] = FileCoverage(file=current, statements=frozenset(statements),
                                      covered=frozenset(covered))

    for line in text.splitlines():
        if line.startswith("SF:"):
            current = _project_path(line[3:], root, exclude_dirs)
            statements, covered = set(), set()
        elif line.startswith("DA:") and current is not None:
            number, count = line[3:].split(",")[:2]
            statements.add(int(number))
            if int(count) > 0:
                covered.add(int(number))
        elif line == "end_of_record":
            flush()
            current = None
    return files


def _project_path(path: str, root: str, exclude_dirs: tuple[str, ...]) -> str | None:
    resolved = os.path.realpath(path)
    if resolved == root or resolved.startswith(root + os.sep):
        rel = Path(os.path.relpath(resolved, root)).as_posix()
    else:
        # The shared target dir may hold a library compiled in an earlier shadow copy of the
        # same project (cargo reuses it when the sources are unchanged): map it back.
        match = re.search(rf"/testgen-[^/]+/{re.escape(os.path.basename(root))}/(.+)$",
                          path.replace(os.sep, "/"))
        if match is None or not os.path.isfile(os.path.join(root, match.group(1))):
            return None
        rel = match.group(1)
    parts = rel.split("/")
    if not rel.endswith(".rs"):
        return None
    # What cargo-llvm-cov leaves out of a report: test, example and bench directories
    # anywhere in the workspace and `tests.rs` / `*_tests.rs` modules are test code.
    if any(part in exclude_dirs for part in parts[:-1]) or TEST_MODULE.fullmatch(parts[-1]):
        return None
    if parts[-1] == "build.rs":
        return None
    return rel
