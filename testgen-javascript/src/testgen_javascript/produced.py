"""Values the module's own definitions return, offered as inputs to the others.

A parser rarely meets a valid input among generic strings, but the module's formatter makes
one (``parse(format({ type: 'text/html' }))``); a decoder needs what the encoder wrote. The
probe plan gets, after every ordinary call, a few *produced* calls per consumer: "the k-th
distinct short string that definition P returned, as the first argument". The harness fills
them in from what it saw earlier in the same launch, and skips the slots nothing filled.

A *pair* is an inverse by name (``format``/``parse``, ``serialize``/``parse``,
``encode``/``decode`` …: :mod:`testgen.kit.inverses`). When the producer was called with one argument ``x`` and the
consumer got what it made, the harness checks that the trip comes back: the consumer gives
``x``, or something the producer turns into the same text again (a parser may add defaults:
``{ type: 'text/html', parameters: {} }`` for ``{ type: 'text/html' }``). When neither holds,
or the consumer throws on it, the record says so (``round_trip``): a possible bug, reported
with that evidence, never a test that pins it.
"""

from __future__ import annotations

from testgen.kit.inverses import inverse_of
from testgen.model import Definition

PER_PAIRED = 4
PER_OTHER = 2
MAX_PER_CONSUMER = 6
MAX_LENGTH = 300
"""Longer results are seldom inputs, and make unreadable tests (the harness applies it)."""

__all__ = ["consumes_text", "inverse_of", "slots"]


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
