"""Values the module's own definitions return, offered as inputs to the others.

A parser rarely meets a valid input among generic strings, but the module's formatter makes
one (``parse(format({ type: 'text/html' }))``); a decoder needs what the encoder wrote. The
probe plan gets, after every ordinary call, a few *produced* calls per consumer: "the k-th
distinct short string that definition P returned, as the first argument". The harness fills
them in from what it saw earlier in the same launch, and skips the slots nothing filled.

A *pair* is an inverse by name (``format``/``parse``, ``serialize``/``parse``,
``encode``/``decode`` …). When the producer was called with one argument ``x`` and the
consumer got what it made, the harness checks that the trip comes back: the consumer gives
``x``, or something the producer turns into the same text again (a parser may add defaults:
``{ type: 'text/html', parameters: {} }`` for ``{ type: 'text/html' }``). When neither holds,
or the consumer throws on it, the record says so (``round_trip``): a possible bug, reported
with that evidence, never a test that pins it.
"""

from __future__ import annotations

import re

from testgen.model import Definition

PER_PAIRED = 4
PER_OTHER = 2
MAX_PER_CONSUMER = 6
MAX_LENGTH = 300
"""Longer results are seldom inputs, and make unreadable tests (the harness applies it)."""

INVERSES = (("format", "parse"), ("serialize", "parse"), ("stringify", "parse"),
            ("toString", "parse"), ("encode", "decode"), ("serialize", "deserialize"),
            ("escape", "unescape"), ("compress", "decompress"), ("encrypt", "decrypt"),
            ("pack", "unpack"), ("dump", "load"), ("to", "from"), ("render", "parse"),
            ("wrap", "unwrap"))


def _words(name: str) -> list[str]:
    return [w.lower() for w in re.findall(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])", name)]


def _stem(name: str, word: str) -> str | None:
    """``name`` less ``word`` as a run of its camelCase or snake_case words (``encodeURI`` →
    ``\\0 uri``, ``parse`` → ``\\0``); ``None`` when ``word`` is not in it."""
    words, wanted = _words(name), _words(word)
    for start in range(len(words) - len(wanted) + 1):
        if words[start:start + len(wanted)] == wanted:
            return " ".join([*words[:start], "\0", *words[start + len(wanted):]])
    return None


def inverse_of(producer: str, consumer: str) -> bool:
    """The two names are inverses: the same stem, with one word of a pair each."""
    for forward, backward in INVERSES:
        a, b = _stem(producer, forward), _stem(consumer, backward)
        if a is not None and a == b:
            return True
    return False


def consumes_text(definition: Definition) -> bool:
    """A definition that could read a string first: a function or method with a parameter
    whose type is unknown or a string."""
    if definition.kind not in ("function", "method") or not definition.parameters:
        return False
    annotation = (definition.parameters[0].annotation or "").strip().lower()
    return annotation in ("", "string", "any", "unknown", "*") or "string" in annotation


def slots(consumer: Definition, producers: list[Definition]) -> list[tuple[Definition, int]]:
    """(producer, index of its distinct result) for each produced call of ``consumer``: its
    pairs' results first, a few of the others' after."""
    if not consumes_text(consumer):
        return []
    others = [p for p in producers if p.key != consumer.key and p.testable]
    paired = [p for p in others if inverse_of(p.name, consumer.name)]
    rest = [p for p in others if p not in paired]
    found: list[tuple[Definition, int]] = []
    for producer in paired:
        found.extend((producer, index) for index in range(PER_PAIRED))
    for producer in rest:
        found.extend((producer, index) for index in range(PER_OTHER))
    return found[:MAX_PER_CONSUMER] if not paired else \
        found[:max(MAX_PER_CONSUMER, PER_PAIRED * len(paired))]
