"""Real open-source projects, set up as their contributors set them up, for bench_real_repos.py.

Each language module (``python.py``, ``javascript.py``, ``go.py``, ``rust.py``) lists
``PROJECTS``: pinned releases taken from the registries *with their own test suites*. The driver
measures the project's native coverage, TestGen's ``validate`` figure, what ``generate`` keeps,
whether the project's own test command still passes three times, and that nothing in the tree
changed except the reported test files.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tarfile
import urllib.request
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping, Sequence

LANGUAGES = ("python", "javascript", "go", "rust")


@dataclass
class RealProject:
    name: str
    """``"package 1.2.3"``: always a pinned version."""
    language: str
    fetch: Callable[[Path], Path]
    """Brings the release (with its tests) into the given work directory; returns its root."""
    setup: Callable[[Path], None]
    """Prepares the root the way its contributors do (venv + editable install, npm install…)."""
    test_command: Sequence[str]
    """The project's own test command, run in the root."""
    native_coverage: Callable[[Path], Mapping[str, float]]
    """The ecosystem's coverage tool on the project's own suite: ``{"lines": 86.1}``."""
    generate_paths: Sequence[str] = (".",)
    """What ``testgen generate --path`` is given (relative to the root)."""
    testgen_args: Sequence[str] = ()
    env: Mapping[str, str] = field(default_factory=dict)
    """Extra environment for the test command and the coverage tool."""


def download(url: str, dest: Path) -> Path:
    """Download an archive (tar.gz, .tgz, .crate, .zip, .whl) and unpack it into ``dest``.

    Returns the single top-level directory of the archive when there is one, else ``dest``.
    """
    dest.mkdir(parents=True, exist_ok=True)
    with urllib.request.urlopen(url, timeout=120) as response:
        data = response.read()
    if url.endswith((".zip", ".whl")):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            archive.extractall(dest)
    else:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as archive:
            archive.extractall(dest, filter="data")
    entries = [p for p in dest.iterdir() if not p.name.startswith(".")]
    return entries[0] if len(entries) == 1 and entries[0].is_dir() else dest


def run(argv: Sequence[str], cwd: Path, *, env: Mapping[str, str] | None = None,
        timeout: float = 1800, check: bool = True) -> subprocess.CompletedProcess:
    """Run a set-up or measuring command; on failure raise with the end of its output."""
    import os

    full_env = {**os.environ, **(env or {})}
    done = subprocess.run(list(argv), cwd=cwd, env=full_env, capture_output=True, text=True,
                          timeout=timeout)
    if check and done.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, argv))} failed in {cwd} "
                           f"(exit {done.returncode}):\n{done.stdout[-1500:]}\n"
                           f"{done.stderr[-1500:]}")
    return done


def which(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise RuntimeError(f"{name} is not installed")
    return found
