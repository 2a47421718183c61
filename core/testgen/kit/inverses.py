"""Which two definitions undo each other, by their names: ``encode``/``decode``,
``formatMediaType``/``parseMediaType``, ``to_json``/``from_json``, ``b64encode``/``b64decode``.

An offline engine feeds what one definition returns to its inverse, which reaches the valid
paths of a parser no generic string reaches, and checks that the trip comes back: a round trip
that does not is a possible bug. The rule is the same in every language; each engine decides
what "comes back" means for its values.
"""

from __future__ import annotations

import re

__all__ = ["INVERSES", "inverse_of"]

INVERSES = (("encode", "decode"), ("format", "parse"), ("serialize", "parse"),
            ("stringify", "parse"), ("toString", "parse"), ("render", "parse"),
            ("serialize", "deserialize"), ("dumps", "loads"), ("dump", "load"),
            ("quote", "unquote"), ("escape", "unescape"), ("compress", "decompress"),
            ("encrypt", "decrypt"), ("pack", "unpack"), ("marshal", "unmarshal"),
            ("sign", "verify"), ("wrap", "unwrap"), ("join", "split"), ("to", "from"))
"""(forward, backward) words: the producer's name holds the first, its inverse's the second."""


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _stem(name: str, word: str) -> str | None:
    """``name`` with ``word`` cut out where it stands as a word of its own: between
    underscores or ends, before a capital or a digit (``encodeURI`` → ``\\0URI``), or after a
    letter or digit of a lower-case compound (``b64encode`` → ``b64\\0``); ``None`` when it is
    not there."""
    name, word = _lower_first(name), _lower_first(word)
    match = re.search(rf"(?:^|_|(?<=[a-z0-9])){re.escape(word)}(?:_|$|(?=[A-Z0-9]))", name)
    if match is None:
        return None
    return name[:match.start()] + "\0" + name[match.end():]


def inverse_of(producer: str, consumer: str) -> bool:
    """Whether ``consumer`` undoes ``producer``: the same name but for one word of a pair of
    :data:`INVERSES` each."""
    for forward, backward in INVERSES:
        a, b = _stem(producer, forward), _stem(consumer, backward)
        if a is not None and a == b:
            return True
    return False
