"""Which probes make a test of each test type, and what those tests are called.

An offline test writer gets many probes per definition and should keep few: the ones that
together run the most lines, each showing something the others do not. :func:`select` makes
that choice from the common :class:`~testgen.model.Probe` fields only (``category``,
``outcome``, ``value``, ``exception``, ``covered_lines``), so every language can use it::

    from testgen.kit.selection import TestNames, select

    chosen = select(probes, "edge-cases", span=(d.start_line, d.end_line))
    names = TestNames(prefix="test_")          # one per test file (or per test class)
    names.make("parse_price", "rejects", "empty_text")   # → "test_parse_price_rejects_empty_text"

The rules of :func:`select`:

* which probes fit a test type (:func:`fits`): ``edge-cases`` takes the ``boundary``,
  ``literal`` and ``default`` inputs, ``negative`` the calls that raised, every other type
  takes all;
* ``unit`` and ``regression`` start with up to two docstring examples (``doc-example``): they
  make the most readable tests;
* then a greedy set cover on each probe's covered lines (inside ``span``, the definition's
  lines, when it has any there): the probe that runs the most lines not yet run, ties broken
  by :func:`preference` (typical inputs before boundaries before invalid ones, returns before
  raises, short calls before long ones); it stops when no probe adds a line;
* then probes whose *behaviour* (:func:`behaviour`: another exception, another returned value)
  none of the chosen shows, except ``invalid`` inputs; for ``unit`` only raises and boolean
  returns (another branch of a predicate), not boundaries;
* ``edge-cases`` then fills up with any remaining distinct behaviour;
* at most ``limit`` probes (:data:`MAX_TESTS` per test type by default).

A language drops what its own values make useless before calling (Python drops a bare
``None`` when the function returns other values too).

:class:`TestNames` makes test names: the parts are joined as whole words, anything that is not
a letter, digit or the separator becomes the separator, a name longer than ``max_length`` is
cut at a word boundary, and a name already taken in the scope first gets the caller's
distinguishing ``extra`` words (``test_area`` taken: ``make("area", extra="side_3")`` →
``test_area_side_3``), and if that is taken too a counter (``test_area_2``, ``test_area_3``). :func:`snake` and :func:`camel` turn identifiers and phrases into
words.
"""

from __future__ import annotations

import re
from typing import Collection, Iterable, Sequence

from ..model import Probe

__all__ = [
    "BOOLEANS", "CATEGORY_RANK", "DEFAULT_LIMIT", "EDGE_CATEGORIES", "MAX_TESTS", "TestNames",
    "behaviour", "camel", "cut", "fits", "lines_in", "preference", "select", "snake",
    "test_name",
]

MAX_TESTS = {"unit": 6, "edge-cases": 6, "negative": 6, "regression": 10, "integration": 4}
"""How many probes :func:`select` keeps per test type."""

DEFAULT_LIMIT = 6
"""The limit of a test type :data:`MAX_TESTS` does not name."""

CATEGORY_RANK = {"doc-example": 0, "typical": 1, "default": 2, "literal": 3, "sequence": 3,
                 "boundary": 4, "invalid": 5}
"""Which input categories make the clearer test, lowest first (unknown ones rank 3)."""

EDGE_CATEGORIES = ("boundary", "literal", "default")
"""The categories of input an ``edge-cases`` test is made from."""

BOOLEANS = ("true", "false", "True", "False")
"""Boolean literals as the languages write them: a ``unit`` test of a predicate's other
answer is worth keeping even when it runs no new line."""


# ---------------------------------------------------------------------------- selection


def fits(probe: Probe, test_type: str) -> bool:
    """Whether ``probe`` can make a test of ``test_type`` at all."""
    if test_type == "edge-cases":
        return probe.category in EDGE_CATEGORIES
    if test_type == "negative":
        return probe.outcome == "raise"
    return True


def preference(probe: Probe) -> tuple:
    """Sort key, best first: input category, returns before raises, shorter calls."""
    return (CATEGORY_RANK.get(probe.category, 3), probe.outcome != "return",
            len(probe.call) + sum(len(s) for s in probe.setup))


def behaviour(probe: Probe) -> tuple:
    """What a probe shows, for telling two probes apart: the exception and the start of its
    message, or the start of the returned value."""
    if probe.outcome == "raise":
        return ("raise", probe.exception, (probe.message or "")[:30])
    value = probe.value
    return ("return", value if value is None or len(value) < 40 else value[:40])


def lines_in(probe: Probe, span: tuple[int, int] | None = None) -> set[int]:
    """The probe's covered lines inside ``span`` (first, last line), or all of them when none
    is inside (or no span is given)."""
    if span is None:
        return set(probe.covered_lines)
    first, last = span
    return {line for line in probe.covered_lines if first <= line <= last} or \
        set(probe.covered_lines)


def select(probes: Iterable[Probe], test_type: str, limit: int | None = None, *,
           span: tuple[int, int] | None = None,
           booleans: Collection[str] = BOOLEANS) -> list[Probe]:
    """Few probes of ``probes`` that together run the most lines and show the most distinct
    behaviours, for one test of each (the rules are in the module's documentation).

    ``span`` is the definition's (first, last) line; ``booleans`` the language's boolean
    literals; ``limit`` defaults to :data:`MAX_TESTS` of ``test_type``.
    """
    pool = [p for p in probes if fits(p, test_type)]
    if not pool:
        return []
    if limit is None:
        limit = MAX_TESTS.get(test_type, DEFAULT_LIMIT)
    lines_of = {id(p): lines_in(p, span) for p in pool}
    chosen: list[Probe] = []
    covered: set[int] = set()
    if test_type in ("unit", "regression"):
        for p in [p for p in pool if p.category == "doc-example"][:2]:
            chosen.append(p)
            covered |= lines_of[id(p)]
    remaining = sorted((p for p in pool if p not in chosen), key=preference)
    while remaining and len(chosen) < limit:
        best = max(remaining, key=lambda p: (len(lines_of[id(p)] - covered), -preference(p)[0]))
        gain = lines_of[id(best)] - covered
        if not gain and chosen:
            break
        chosen.append(best)
        covered |= lines_of[id(best)]
        remaining.remove(best)
    # Distinct behaviours the line count cannot see: another exception, True vs False…
    seen = {behaviour(p) for p in chosen}
    for p in remaining:
        if len(chosen) >= limit:
            break
        if behaviour(p) in seen or p.category == "invalid":
            continue
        if test_type == "unit" and (p.category == "boundary" or
                                    p.outcome == "return" and p.value not in booleans):
            continue
        chosen.append(p)
        seen.add(behaviour(p))
    if test_type == "edge-cases":
        for p in remaining:
            if len(chosen) >= limit:
                break
            if p not in chosen and behaviour(p) not in seen:
                chosen.append(p)
                seen.add(behaviour(p))
    return chosen


# ---------------------------------------------------------------------------- names


def snake(text: str) -> str:
    """``parsePrice``, ``Parse-Price`` → ``parse_price``: lower-case words joined by ``_``."""
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", text)
    return re.sub(r"[^a-zA-Z0-9]+", "_", text).strip("_").lower()


def camel(text: str) -> str:
    """``parse_price`` → ``ParsePrice`` (the rest of each word is kept as it is)."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"_+", text) if part)


def cut(text: str, length: int, separator: str = "_") -> str:
    """``text`` cut to at most ``length`` characters at a ``separator`` (whole words); a first
    word longer than ``length``, or a text without separators, is cut inside it."""
    if len(text) <= length:
        return text
    head = text[:length + 1]
    if separator and separator in head:
        head = head.rsplit(separator, 1)[0]
    return head[:length].rstrip(separator)


class TestNames:
    """The test names taken in one scope (a test file, a test class), and the rule that makes
    the next one whole-word, identifier-safe and unique."""

    __test__ = False  # not a pytest test class

    def __init__(self, prefix: str = "test_", *, separator: str = "_", max_length: int = 80,
                 taken: Iterable[str] = ()):
        """``max_length`` bounds the words after ``prefix``; the ``extra`` words of a
        collision may add 5 characters more."""
        self.prefix = prefix
        self.separator = separator
        self.max_length = max_length
        self.taken: set[str] = set(taken)

    def __contains__(self, name: str) -> bool:
        return name in self.taken

    def stem(self, *parts: str) -> str:
        """The non-empty ``parts`` as one run of words, identifier-safe and cut to length."""
        sep = self.separator
        text = sep.join(part for part in parts if part)
        text = re.sub(rf"[^A-Za-z0-9{re.escape(sep)}]+", sep, text)
        if sep:
            text = re.sub(rf"{re.escape(sep)}+", sep, text).strip(sep)
        return cut(text, self.max_length, sep)

    def make(self, *parts: str, extra: str = "") -> str:
        """A new name from ``parts``; if it is taken, with ``extra`` appended (words that tell
        this test apart), and if that is taken too, with a counter. The name is recorded."""
        name = self.prefix + self.stem(*parts)
        if name in self.taken and extra:
            longer = cut(name + self.separator + self.stem(extra),
                         len(self.prefix) + self.max_length + 5, self.separator)
            if longer not in self.taken:
                name = longer
        base, counter = name, 2
        while name in self.taken:
            name = f"{base}{self.separator}{counter}"
            counter += 1
        self.taken.add(name)
        return name


def test_name(*parts: str, prefix: str = "test_", max_length: int = 80,
              taken: Sequence[str] = ()) -> str:
    """One name from ``parts`` (see :class:`TestNames`), unique among ``taken``."""
    return TestNames(prefix, max_length=max_length, taken=taken).make(*parts)


test_name.__test__ = False  # type: ignore[attr-defined]  # not a pytest test
