"""Fixtures for the Go plugin tests: real Go projects in temp dirs, the real toolchain."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from testgen.sandbox import shadow_workspace

sys.path.insert(0, str(Path(__file__).parent))

from gotestkit import EXAMPLE  # noqa: E402


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """A private copy of examples/go."""
    target = tmp_path / "inventory"
    shutil.copytree(EXAMPLE, target)
    return target


@pytest.fixture
def workspace_of():
    """``workspace_of(root)`` opens a shadow workspace that is closed after the test."""
    stack = []

    def open_(root: Path, timeout: float = 60.0):
        cm = shadow_workspace(root, timeout=timeout)
        stack.append(cm)
        return cm.__enter__()

    yield open_
    for cm in reversed(stack):
        cm.__exit__(None, None, None)
