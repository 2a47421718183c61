"""Writing generated test files into the user's tree: the only place TestGen changes it.

A file is written atomically (temporary file + ``os.replace``) and only when it is TestGen's:
a file without the generated marker, or one changed by hand since TestGen last wrote it, is
refused (unless ``force``); a file that would hold the value of a secret is refused too.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Callable

from .kit.header import is_generated
from .secrets import contains_secret
from .state import State

log = logging.getLogger(__name__)


def write_test_file(root: Path, test_path: str, content: Callable[[], str] | None,
                    state: State, *, force: bool) -> str:
    """Write the generated file ``test_path`` (``content`` renders it; ``None``: nothing was
    kept, so a file TestGen wrote before is removed). Returns what happened: ``written``,
    ``unchanged``, ``removed``, ``refused: …`` or ``""`` (nothing to do)."""
    destination = root / test_path
    existing = _read(destination)
    if existing is not None and not is_generated(existing):
        return _refused(f"{test_path} exists and was not written by TestGen", "TG207")
    if existing is not None and test_path in state.written and \
            not state.written_by_us(test_path, existing) and not force:
        return _refused(f"{test_path} was changed by hand (use --force)", "TG207")
    if content is None:
        if existing is not None and state.written_by_us(test_path, existing):
            destination.unlink()
            state.written.pop(test_path, None)
            return "removed"
        return ""
    text = content()
    if contains_secret(text):
        return _refused(f"{test_path} would contain the value of a secret (an API key in the "
                        "environment or keyring)", "TG210")
    if existing == text:
        state.remember_write(test_path, text)
        return "unchanged"
    destination.parent.mkdir(parents=True, exist_ok=True)
    tmp = destination.with_name(f".{destination.name}.testgen-tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, destination)
    state.remember_write(test_path, text)
    return "written"


def _refused(why: str, code: str) -> str:
    outcome = f"refused: {why}"
    log.warning("%s: %s", code, outcome)
    return outcome


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
