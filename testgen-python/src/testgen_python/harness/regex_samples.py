"""Strings that match a regular expression (a parser's own regex is the best source of
inputs), drawn from the parsed pattern."""

from __future__ import annotations

import random


def regex_samples(pattern, rng: random.Random, count: int = 6) -> list:
    """Strings that match ``pattern`` (a parser's own regex is the best source of inputs)."""
    try:
        from re import _parser as sre_parse  # Python 3.11+
    except ImportError:  # pragma: no cover - 3.10
        import sre_parse  # type: ignore[no-redef]
    source = pattern.pattern if hasattr(pattern, "pattern") else pattern
    if isinstance(source, bytes):
        return []
    try:
        parsed = sre_parse.parse(source, getattr(pattern, "flags", 0))
    except Exception:
        return []
    compiled = pattern if hasattr(pattern, "search") else None
    out: list = []
    for attempt in range(count * 4):
        mode = ("short", "long", "random")[attempt % 3]
        try:
            text = _emit(parsed, rng, mode, {}, 0)
        except (_RegexTooHard, RecursionError):
            return out
        if len(text) > 80 or text in out:
            continue
        if compiled is None or compiled.search(text):
            out.append(text)
        if len(out) >= count:
            break
    return out


class _RegexTooHard(Exception):
    pass


_SAMPLE_CHARS = {"CATEGORY_DIGIT": "1234567890", "CATEGORY_WORD": "abcXyz_19",
                 "CATEGORY_SPACE": " ", "CATEGORY_NOT_DIGIT": "abX-", "CATEGORY_NOT_WORD": " -.",
                 "CATEGORY_NOT_SPACE": "aZ1"}


def _emit(parsed, rng, mode, groups, depth) -> str:
    if depth > 30:
        raise _RegexTooHard()
    out = []
    for op, arg in parsed:
        name = str(op)
        if name == "LITERAL":
            out.append(chr(arg))
        elif name == "NOT_LITERAL":
            out.append("a" if chr(arg) != "a" else "b")
        elif name == "ANY":
            out.append(rng.choice("ax1"))
        elif name == "IN":
            out.append(_in_class(arg, rng))
        elif name == "BRANCH":
            options = arg[1]
            branch = options[0] if mode == "short" else rng.choice(options)
            out.append(_emit(branch, rng, mode, groups, depth + 1))
        elif name == "SUBPATTERN":
            group, _, _, sub = arg
            text = _emit(sub, rng, mode, groups, depth + 1)
            if group is not None:
                groups[group] = text
            out.append(text)
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, high, sub = arg
            high = min(high, low + 3)
            if mode == "short":
                times = low
            elif mode == "long":
                times = max(low, min(high, low + 2))
            else:
                times = rng.randint(low, high)
            out.append("".join(_emit(sub, rng, mode, groups, depth + 1) for _ in range(times)))
        elif name == "GROUPREF":
            out.append(groups.get(arg, ""))
        elif name in ("AT", "ASSERT", "ASSERT_NOT"):
            continue
        elif name == "CATEGORY":
            out.append(rng.choice(_SAMPLE_CHARS.get(str(arg), "a")))
        else:
            raise _RegexTooHard()
    return "".join(out)


def _in_class(items, rng) -> str:
    negate = any(str(op) == "NEGATE" for op, _ in items)
    if negate:
        banned = set()
        for op, arg in items:
            if str(op) == "LITERAL":
                banned.add(chr(arg))
        for candidate in "aZ1 -.":
            if candidate not in banned:
                return candidate
        raise _RegexTooHard()
    choices = []
    for op, arg in items:
        name = str(op)
        if name == "LITERAL":
            choices.append(chr(arg))
        elif name == "RANGE":
            low, high = arg
            choices.append(chr(rng.randint(low, min(high, low + 25))))
        elif name == "CATEGORY":
            choices.append(rng.choice(_SAMPLE_CHARS.get(str(arg), "a")))
    if not choices:
        raise _RegexTooHard()
    return rng.choice(choices)
