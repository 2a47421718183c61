"""Values the module's own definitions returned, offered as inputs to the others.

A parser rarely meets a valid input among generic strings, but the module's formatter makes
one; a decoder needs what the encoder wrote. The harness process keeps each short ``str`` or
``bytes`` result it relays (:class:`Produced`), and the definitions explored after it get those
values as ``produced`` inputs; the ones explored before get a second, shorter pass with them
(:mod:`.process`).

A *pair* is an inverse by name (``encode``/``decode``, ``dumps``/``loads``, ``to_x``/``from_x``
…): the host names each definition's inverses in the plan (``inverses``, by
:mod:`testgen.kit.inverses`). When a definition is called on what its pair made, the call's
other parameters take the pair's arguments of the same name (the same key for ``sign`` and ``verify``), and the result is
checked to come back: ``decode(encode(x))`` should give ``x``, or at least something that
encodes to the same text (a decoder may normalise: ``'Hello'`` back as ``'hello'``). When
neither holds, the record says so (``round_trip``), for the host to report as a possible bug.
"""

from __future__ import annotations

import ast

MAX_LENGTH = 300
"""Longer results are seldom inputs, and make unreadable tests."""
MAX_PER_PARAMETER = 6
MAX_KEPT = 60


class Produced:
    """The results kept so far, each ``{"from", "call", "value", "type", "args", "head",
    "first", "rest"}``: ``args`` the producer's arguments by parameter name (source text);
    ``head`` what to call it again by (``None`` for a method of an instance), ``first`` its
    first positional argument and ``rest`` the others as written."""

    def __init__(self):
        self.values: list = []
        self._seen: set = set()

    def offer(self, record: dict) -> None:
        """Keep a relayed ``probe`` record's result when it is a short str or bytes."""
        if record.get("event") != "probe" or record.get("outcome") != "return" or \
                not record.get("deterministic", True) or len(self.values) >= MAX_KEPT:
            return
        text = record.get("value")
        if not isinstance(text, str) or len(text) > MAX_LENGTH + 3:
            return
        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            return
        if not isinstance(value, (str, bytes)) or not 0 < len(value) <= MAX_LENGTH:
            return
        if text in self._seen:
            return
        self._seen.add(text)
        names = (record.get("details") or {}).get("arg_names") or []
        positional = list(record.get("args") or ())
        keywords = [tuple(kv) for kv in record.get("kwargs") or ()]
        args = dict(zip(names, positional))
        args.update(dict(keywords))
        call = record.get("call", "")
        # Called again on its own, for the round trip: a plain call of a module-level name.
        plain = "(" in call and not record.get("setup") and not call.startswith("obj.")
        self.values.append({
            "from": record.get("definition", ""), "call": call, "value": text,
            "type": type(value).__name__, "args": args,
            "head": call[:call.index("(")] if plain else None,
            "first": positional[0] if positional else None,
            "rest": positional[1:] + [f"{k}={v}" for k, v in keywords]})


def for_parameter(produced: list, definition: dict, kind: str) -> list:
    """Up to :data:`MAX_PER_PARAMETER` produced values of ``kind`` (``"str"``, ``"bytes"``)
    for a parameter of ``definition``: its pairs' first, never its own results."""
    own = definition["key"]
    inverses = set(definition.get("inverses") or ())
    mine = [p for p in produced if p["type"] == kind and p["from"] != own]
    paired = [p for p in mine if p["from"] in inverses]
    rest = [p for p in mine if p not in paired]
    chosen, sources = [], {}
    for entry in paired + rest:  # a few of each producer, not all of the first one
        if sources.get(entry["from"], 0) >= (4 if entry in paired else 2):
            continue
        sources[entry["from"]] = sources.get(entry["from"], 0) + 1
        chosen.append(dict(entry, paired=entry in paired))
        if len(chosen) >= MAX_PER_PARAMETER:
            break
    return chosen
