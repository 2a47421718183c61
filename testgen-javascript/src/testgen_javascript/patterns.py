"""Strings that match a regular expression of the code: inputs that get past its checks.

A parser or validator tests its input against patterns (``/^[a-z]+\\/[a-z]+$/``); the generic
strings of :mod:`inputs` (``'hello'``) fail the first check, so the code after it is never
run. A sample is built from the pattern's syntax tree (Python's ``re`` parser reads the
JavaScript syntax the patterns use, after a few spellings are translated): letters where a
class allows them, a few repetitions where the pattern repeats. Up to four samples per pattern:
one with every optional part present, one with none, and one for each further alternative of
its outermost ``a|b|c``. A sample is kept only when the pattern (as Python reads it) finds
it.
"""

from __future__ import annotations

import re

try:  # Python 3.11+
    import re._parser as sre_parse  # type: ignore[import-not-found]
    from re._constants import MAXREPEAT  # type: ignore[import-not-found]
except ImportError:  # Python 3.10
    import sre_parse  # type: ignore[no-redef]
    from sre_constants import MAXREPEAT  # type: ignore[no-redef]

PREFERRED = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_. /=;:,"
MAX_LENGTH = 60
MAX_SAMPLES = 4
CATEGORY_CHARS = {
    "CATEGORY_DIGIT": "123", "CATEGORY_NOT_DIGIT": "abc", "CATEGORY_WORD": "abc",
    "CATEGORY_NOT_WORD": " -.", "CATEGORY_SPACE": " ", "CATEGORY_NOT_SPACE": "abc",
}


def samples(pattern: str) -> list[str]:
    """Up to two distinct strings the pattern matches (none when it cannot be read)."""
    translated = _translate(pattern)
    try:
        tree = sre_parse.parse(translated)
        compiled = re.compile(translated)
    except (re.error, OverflowError, RecursionError, ValueError):
        return []
    found: list[str] = []
    for full, choice in ((True, 0), (False, 0), (True, 1), (True, 2), (True, 3)):
        try:
            text = _Builder(full, choice).build(tree)
        except _Unsupported:
            continue
        if text not in found and len(text) <= MAX_LENGTH and compiled.search(text):
            found.append(text)
    return found[:MAX_SAMPLES]


def _translate(pattern: str) -> str:
    """JavaScript spellings Python's parser reads otherwise."""
    pattern = re.sub(r"\(\?<(?![=!])", "(?P<", pattern)  # named group
    pattern = re.sub(r"\\k<(\w+)>", r"(?P=\1)", pattern)  # its back-reference
    pattern = re.sub(r"\\u\{([0-9a-fA-F]{1,6})\}", lambda m: f"\\U{int(m[1], 16):08x}", pattern)
    pattern = pattern.replace("[^]", r"[\s\S]")
    # A literal "/" or "-" escaped out of habit is fine; "\d" etc. mean the same in both.
    return pattern


class _Unsupported(Exception):
    pass


class _Builder:
    def __init__(self, full: bool, choice: int = 0) -> None:
        self.full = full
        self.choice = choice
        """Which alternative of the outermost ``a|b|c`` to take (the later ones: the first)."""
        self.groups: dict[int, str] = {}
        self.depth = 0

    def build(self, items) -> str:
        return "".join(self._one(op, av) for op, av in items)

    def _one(self, op, av) -> str:
        name = str(op)
        if name == "LITERAL":
            return chr(av)
        if name == "NOT_LITERAL":
            return next(c for c in PREFERRED if ord(c) != av)
        if name == "ANY":
            return "a"
        if name == "IN":
            return self._pick(av, 1)
        if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, high, body = av
            count = self._count(low, high)
            if len(body) == 1 and str(body[0][0]) == "IN":
                return self._pick(body[0][1], count)
            if self.full and len(body) == 1 and str(body[0][0]) in ("LITERAL", "CATEGORY"):
                count = max(low, 1)  # one space where "*" allows any number, not three
            return "".join(self.build(body) for _ in range(count))
        if name == "SUBPATTERN":
            group, _add, _del, body = av
            text = self.build(body)
            if group is not None:
                self.groups[group] = text
            return text
        if name == "BRANCH":
            _, alternatives = av
            self.depth += 1
            try:
                pick = min(self.choice, len(alternatives) - 1) if self.depth == 1 else 0
                return self.build(alternatives[pick])
            finally:
                self.depth -= 1
        if name == "GROUPREF":
            return self.groups.get(av, "")
        if name in ("AT", "ASSERT", "ASSERT_NOT"):
            return ""  # anchors and look-arounds take no characters
        if name == "CATEGORY":
            return CATEGORY_CHARS.get(str(av), "a")[:1]
        raise _Unsupported(name)

    def _count(self, low: int, high) -> int:
        if not self.full:
            return low
        wanted = max(low, 3 if high is MAXREPEAT or high >= 3 else high)
        return min(wanted, high) if high is not MAXREPEAT else wanted

    def _pick(self, items, count: int) -> str:
        """``count`` characters of a class, distinct where it allows, letters first."""
        allowed = [c for c in PREFERRED if _in_class(c, items)]
        if not allowed:
            for code in range(32, 127):
                if _in_class(chr(code), items):
                    allowed.append(chr(code))
                    break
        if not allowed:
            raise _Unsupported("class")
        return "".join(allowed[i % len(allowed)] for i in range(count))


def _in_class(char: str, items) -> bool:
    code = ord(char)
    negate = False
    hit = False
    for op, av in items:
        name = str(op)
        if name == "NEGATE":
            negate = True
        elif name == "LITERAL":
            hit = hit or code == av
        elif name == "RANGE":
            hit = hit or av[0] <= code <= av[1]
        elif name == "CATEGORY":
            sample = {"CATEGORY_DIGIT": char.isdigit(),
                      "CATEGORY_NOT_DIGIT": not char.isdigit(),
                      "CATEGORY_WORD": char.isalnum() or char == "_",
                      "CATEGORY_NOT_WORD": not (char.isalnum() or char == "_"),
                      "CATEGORY_SPACE": char.isspace(),
                      "CATEGORY_NOT_SPACE": not char.isspace()}
            hit = hit or sample.get(str(av), False)
    return hit != negate
