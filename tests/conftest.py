"""Shared fixtures: real temp projects and the real CLI in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass
class CliResult:
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


@pytest.fixture
def isolated_home(tmp_path, monkeypatch):
    """User config and cache in temp dirs, so no test reads or writes the real ones."""
    config_dir = tmp_path / "user-config"
    cache = tmp_path / "user-cache"
    monkeypatch.setenv("TESTGEN_CONFIG_DIR", str(config_dir))
    monkeypatch.setenv("TESTGEN_CACHE_DIR", str(cache))
    for name in list(os.environ):
        if name.startswith("TESTGEN_") and name not in ("TESTGEN_CONFIG_DIR",
                                                        "TESTGEN_CACHE_DIR"):
            monkeypatch.delenv(name)
    return config_dir


@pytest.fixture
def run_cli(isolated_home):
    """Run ``testgen ARGS`` as a user would: a real process, real files."""

    def run(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
            timeout: float = 600) -> CliResult:
        full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
        proc = subprocess.run([sys.executable, "-m", "testgen", *args], cwd=cwd,
                              capture_output=True, text=True, env=full_env, timeout=timeout)
        return CliResult(proc.returncode, proc.stdout, proc.stderr)

    return run


def write_tree(root: Path, files: dict[str, str]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
    return root


@pytest.fixture
def make_project(tmp_path):
    def make(files: dict[str, str], name: str = "proj") -> Path:
        return write_tree(tmp_path / name, files)

    return make
