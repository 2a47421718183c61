"""Reading snippets of test code: the first name a set of patterns finds."""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Iterable


def first_match(patterns: Iterable[re.Pattern[str]], code: str) -> str | None:
    """The last group of the first pattern (in order) that matches ``code``; ``None`` if none
    does. Languages list their test-function pattern first and a looser fallback after it."""
    for pattern in patterns:
        match = pattern.search(code)
        if match:
            return match.group(match.lastindex or 0)
    return None


def module_suffixes(rel_path: str, separator: str, shortest: int = 2) -> tuple[str, ...]:
    """The trailing parts of ``rel_path`` without its suffix, joined by ``separator``,
    longest first: ``module_suffixes("src/pkg/text.py", ".")`` →
    ``("src.pkg.text", "pkg.text")``."""
    parts = PurePosixPath(rel_path).with_suffix("").parts
    return tuple(separator.join(parts[-length:])
                 for length in range(len(parts), shortest - 1, -1))
