"""Shared fixtures for the Rust plugin's tests (one cargo cache for the whole session)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# The helpers module sits beside this file; importlib import mode does not put it on sys.path.
sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(scope="session")
def cargo_cache(tmp_path_factory) -> Path:
    """One persistent cache (shared cargo target dirs) for every test of the session."""
    return tmp_path_factory.mktemp("cargo-cache")
