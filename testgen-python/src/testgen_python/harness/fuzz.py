"""Strings grown from the ones that ran new lines: a small coverage-guided search for code that
parses its input.

A parser meets ``'a.b'`` among generic strings and stops at the field rule; the rest of its
grammar (``a[0]``, ``a | b``, ``f(x)``) is one or two characters away. After the planned
calls, each string parameter gets a corpus (the strings that ran lines no call before them
ran) and :meth:`Fuzzer.mutate` derives new strings from it: a character or a token of the code
inserted, replaced or dropped, two corpus strings spliced, a part wrapped in brackets or
quotes. A derived string that runs new lines of the file joins the corpus; the search stops
when a run of tries finds nothing (:data:`PATIENCE`) or the definition's budget is spent.

The alphabet is the short strings among the constants of the package's loaded modules (a
lexer's ``'['``, ``'||'``, ``'or'``), then common punctuation; everything is drawn from the
context's seeded random generator, so the same code gets the same tests.
"""

from __future__ import annotations

import sys
import types

from .constants import code_constants

PUNCTUATION = ".,:;[](){}<>*?|&!=@#$%^~`'\"/\\+-_"
ATOMS = "01 9a-xZ"
"""The smallest values a grammar's slots take: a digit, a letter, a sign, a space."""
PATIENCE = 100
"""Tries in a row that run no new line before the search gives up."""
MAX_TRIES = 400
MAX_LENGTH = 60
PAIRS = ("[]", "()", "{}", "''", '""', "``", "<>")


def alphabet(module) -> tuple[list, list]:
    """``(characters, tokens)``: the one-character and the short (2–4 character) strings among
    the constants of ``module`` and of the loaded modules of its package (common punctuation
    is drawn as well, by :meth:`Fuzzer.piece`)."""
    top = module.__name__.split(".")[0]
    chars: dict = {}
    tokens: dict = {}
    for name, loaded in list(sys.modules.items()):
        if loaded is None or (name != top and not name.startswith(top + ".")):
            continue
        for const in _module_constants(loaded):
            if not isinstance(const, str) or not const or const.isspace() and len(const) > 1:
                continue
            if len(const) == 1:
                chars.setdefault(const, None)
            elif len(const) <= 4 and not const.isalpha() or const in ("or", "and", "not"):
                tokens.setdefault(const, None)
    return list(chars)[:80], list(tokens)[:80]


def _module_constants(module) -> list:
    out: list = []
    for value in list(vars(module).values()):
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, (set, frozenset, tuple, list, dict)) and len(value) < 200:
            out.extend(v for v in value if isinstance(v, str))
        codes = []
        if isinstance(value, types.FunctionType) and value.__module__ == module.__name__:
            codes.append(value.__code__)
        elif isinstance(value, type) and value.__module__ == module.__name__:
            for member in vars(value).values():
                func = getattr(member, "__func__", member)
                if isinstance(func, types.FunctionType):
                    codes.append(func.__code__)
                elif isinstance(member, dict) and len(member) < 200:
                    out.extend(k for k in member if isinstance(k, str))
        for code in codes:
            out.extend(code_constants(code))
    return out


class Fuzzer:
    """Derives new strings from a corpus, with the context's seeded generator."""

    def __init__(self, rng, chars: list, tokens: list):
        self.rng = rng
        self.chars = chars
        self.tokens = tokens
        self.pairs = [p for p in PAIRS if p[0] in chars or p[1] in chars] or list(PAIRS)
        """The brackets and quotes the code itself looks for, when it names any."""

    def piece(self) -> str:
        """A character or token to put in: the code's own ones more often than not."""
        draw = self.rng.random()
        if self.tokens and draw < 0.2:
            return self.rng.choice(self.tokens)
        if self.chars and draw < 0.6:
            return self.rng.choice(self.chars)
        if draw < 0.8:
            return self.rng.choice(ATOMS)
        return self.rng.choice(PUNCTUATION)

    def pick(self, corpus: list) -> str:
        """A corpus string, the latest ones (closest to what is still unexplored) more often."""
        if len(corpus) > 3 and self.rng.random() < 0.5:
            return self.rng.choice(corpus[-3:])
        return self.rng.choice(corpus)

    def mutate(self, text: str, corpus: list) -> str:
        rng = self.rng
        at = rng.randint(0, len(text))
        how = rng.random()
        if how < 0.35 or not text:
            out = text[:at] + self.piece() + text[at:]
        elif how < 0.55:
            out = text[:at] + self.piece() + text[at + 1:]
        elif how < 0.65:
            out = text[:at] + text[at + 1:]
        elif how < 0.8 and len(corpus) > 1:
            other = rng.choice(corpus)
            out = text[:at] + other[rng.randint(0, len(other)):]
        elif how < 0.85:
            end = rng.randint(at, len(text))
            pair = rng.choice(PAIRS)
            out = text[:at] + pair[0] + text[at:end] + pair[1] + text[end:]
        elif how < 0.95:  # a bracketed slot filled with the smallest thing: ``a[0]``, ``f(x)``
            pair = rng.choice(self.pairs)
            out = text[:at] + pair[0] + rng.choice(ATOMS) + pair[1] + text[at:]
        else:
            out = text + self.piece() + text
        return out[:MAX_LENGTH]
