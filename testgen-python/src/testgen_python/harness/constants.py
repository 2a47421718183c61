"""The constants a function's code holds and the module-level constants it reads: inputs
worth trying (``if code in CODES``), and regular expressions to draw strings from."""

from __future__ import annotations

import re
import types


def code_constants(code) -> list:
    found = []
    stack = [code]
    while stack:
        current = stack.pop()
        for const in current.co_consts:
            if isinstance(const, types.CodeType):
                stack.append(const)
            elif isinstance(const, (int, float, str, bytes)) and not isinstance(const, bool):
                found.append(const)
            elif isinstance(const, (tuple, frozenset)):
                found.extend(c for c in const if isinstance(c, (int, float, str)) and
                             not isinstance(c, bool))
    docstring = code.co_consts[0] if code.co_consts and isinstance(code.co_consts[0], str) \
        else None
    return [c for c in found if c is not docstring]


_LOOKS_LIKE_REGEX = re.compile(r"\\[dwsDWS]|\(\?|\[[^\]]+\][*+?]|[*+]\)?\$")


def global_constants(fn, code) -> list:
    """Values of the module-level constants the function reads (``if code in CODES``)."""
    found = []
    namespace = getattr(fn, "__globals__", {})
    stack = [code]
    names = set()
    while stack:
        current = stack.pop()
        names.update(current.co_names)
        stack.extend(c for c in current.co_consts if isinstance(c, types.CodeType))
    for name in sorted(names):
        value = namespace.get(name)
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            found.append(value)
        elif isinstance(value, re.Pattern):
            found.append(value)
        elif isinstance(value, (dict, list, tuple, set, frozenset)) and len(value) <= 200:
            for item in list(value)[:16]:
                parts = item if isinstance(item, tuple) else (item,)
                for part in parts[:3]:
                    if isinstance(part, (str, int, float)) and not isinstance(part, bool):
                        found.append(part)
                    elif isinstance(part, re.Pattern):
                        found.append(part)
    if "re" in names or any(isinstance(v, re.Pattern) for v in found):
        # Regex literals in the body (``re.match(r"...", s)``), recognised by their syntax.
        for const in code_constants(code):
            if isinstance(const, str) and _LOOKS_LIKE_REGEX.search(const):
                try:
                    found.append(re.compile(const))
                except re.error:
                    pass
    return found

