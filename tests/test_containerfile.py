"""The Containerfile, checked without building it (docs/ci-and-agents.md says how to build)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TEXT = (ROOT / "Containerfile").read_text()
# One logical line per instruction: continuation lines joined, comments dropped.
LINES = [re.sub(r"\s+", " ", line) for line in
         re.sub(r"\\\n", " ", "\n".join(l for l in TEXT.splitlines()
                                       if not l.lstrip().startswith("#"))).splitlines()
         if line.strip()]


def instructions(name: str) -> list[str]:
    return [line.split(" ", 1)[1] for line in LINES if line.split(" ", 1)[0] == name]


def test_it_installs_the_core_and_the_four_language_plugins_from_the_build_context():
    [install] = [r for r in instructions("RUN") if "pip install" in r]
    for dist in ("testgen-python", "testgen-javascript", "testgen-go", "testgen-rust"):
        assert f"/src/testgen/{dist}" in install
        assert (ROOT / dist / "pyproject.toml").is_file()
    assert instructions("COPY") == [". /src/testgen"]


def test_it_installs_every_toolchain_the_plugins_declare_and_bubblewrap():
    from testgen.plugins import Plugins

    [apt] = [r for r in instructions("RUN") if "apt-get install" in r]
    packages = set(apt.split())
    debian = {"go": "golang-go", "node": "nodejs", "cargo": "cargo", "gcc": "gcc"}
    for language in Plugins.load().languages().values():
        for exe in language.toolchain:
            assert debian.get(exe, exe) in packages, (language.name, exe)
    assert {"bubblewrap", "python3", "git", "llvm-19"} <= packages


def test_the_image_runs_testgen_and_keeps_caches_out_of_the_project():
    assert instructions("ENTRYPOINT") == ['["testgen"]']
    assert instructions("WORKDIR") == ["/code"]
    [env] = instructions("ENV")
    for name in ("XDG_CACHE_HOME", "GOCACHE", "CARGO_HOME", "npm_config_cache"):
        assert re.search(rf"{name}=/tmp/", env), name


def test_the_build_context_leaves_out_virtualenvs_and_build_output():
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".git", ".venv", "**/node_modules", "**/target"} <= set(ignored)


# requirements-dev.txt installs it into the test environment, whose bin/ may not be on PATH.
HADOLINT = shutil.which("hadolint") or shutil.which("hadolint",
                                                    path=str(Path(sys.executable).parent))


@pytest.mark.skipif(HADOLINT is None, reason="hadolint is not installed")
def test_hadolint_finds_nothing():
    proc = subprocess.run([HADOLINT, str(ROOT / "Containerfile")], capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
