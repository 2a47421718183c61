"""Which module-level declarations a definition references, for its prompt.

A language plugin lists its file's declarations (constants, variables, types, structs, enums,
error values) as :class:`Declaration` objects, with its own grammar; :func:`referenced` keeps
those whose name the definition's code mentions, within a size limit. The prompt then shows
the real ``CURRENCY_SYMBOLS`` table or ``ErrOutOfStock`` value instead of inviting a guess,
and a request stays small however large the file is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

MAX_LINES = 40
"""At most this many lines of declarations per definition."""
MAX_DECLARATION_LINES = 15
"""A longer declaration (a big table, a struct with many methods) is cut after its first lines."""

_IDENTIFIER = re.compile(r"[A-Za-z_]\w*")


@dataclass(frozen=True)
class Declaration:
    """One module-level declaration: the names it binds and its source text."""

    names: tuple[str, ...]
    text: str
    line: int


def referenced(declarations: Iterable[Declaration], code: str, *, exclude: Iterable[str] = ()
               ) -> list[str]:
    """Source texts of the declarations whose names ``code`` mentions, in file order."""
    used = set(_IDENTIFIER.findall(code)) - set(exclude)
    picked: list[str] = []
    lines = 0
    for declaration in sorted(declarations, key=lambda d: d.line):
        if not used & set(declaration.names):
            continue
        text = declaration.text.rstrip()
        rows = text.split("\n")
        if len(rows) > MAX_DECLARATION_LINES:
            text = "\n".join(rows[:MAX_DECLARATION_LINES]) + "\n    ..."
            rows = rows[:MAX_DECLARATION_LINES + 1]
        if lines + len(rows) > MAX_LINES:
            break
        lines += len(rows)
        picked.append(text)
    return picked
