"""Strings shaped like what a name says it holds: an ``url`` parameter gets URLs, ``version``
gets version strings, a module named ``ipaddr`` gets addresses.

Generic words (``"hello"``) stop at a parser's first check; a string of the right shape goes
past it to the paths worth testing. The names that ask for a shape are the same in every
language, so the table is here; each engine quotes the samples in its own literal syntax and
chooses which names to ask with (a parameter's, its definition's, its file's).
"""

from __future__ import annotations

import re

__all__ = ["SHAPES", "shaped_strings", "words"]

SHAPES: tuple[tuple[frozenset[str], tuple[str, ...]], ...] = (
    (frozenset({"url", "uri", "href", "link", "endpoint", "location"}),
     ("https://example.com/a/b?c=1#d", "https://user:pw@example.com:8080/a/b?x=1&y=2#top",
      "http://example.com/", "//example.com/path", "ftp://files.example.org/pub/file.txt",
      "mailto:someone@example.com", "/relative/path?q=1")),
    (frozenset({"email", "mail", "recipient", "sender"}),
     ("user@example.com", "first.last+tag@sub.example.org")),
    (frozenset({"host", "hostname", "domain", "netloc", "server"}),
     ("example.com", "sub.example.co.uk", "localhost", "example.com:8080")),
    (frozenset({"ip", "ipv4", "ipv6", "ipaddr", "ipaddress", "addr", "address", "cidr"}),
     ("192.168.1.1", "::1", "10.0.0.0/8", "2001:db8::1", "::ffff:192.168.1.1")),
    (frozenset({"route", "path", "pathname"}), ("/users/:id", "/files/*", "/:a/:b?/c.:ext")),
    (frozenset({"path", "file", "filename", "filepath", "fname", "dirname", "directory"}),
     ("dir/sub/file.txt", "/abs/path/to/archive.tar.gz", "file.txt", "./a/../b/")),
    (frozenset({"charset", "charsets", "encoding", "encodings"}),
     ("utf-8", "utf-8, iso-8859-1;q=0.8, *;q=0.1", "gzip, deflate;q=0.5, identity;q=0.1, *;q=0")),
    (frozenset({"language", "languages", "lang", "locale"}),
     ("en-US", "en-US, en;q=0.9, fr;q=0.5, *;q=0.1")),
    (frozenset({"accept", "mime", "media", "mediatype"}),
     ("text/html, application/json;q=0.9, text/*;q=0.5, */*;q=0.1",
      "text/html; charset=utf-8")),
    (frozenset({"accept", "mime", "mimetype", "mediatype", "contenttype", "header"}),
     ("text/html; charset=utf-8", "application/json", "multipart/form-data; boundary=x")),
    (frozenset({"pattern", "glob", "wildcard"}), ("*.py", "src/**/*.txt", "!build/", "[a-c]?.md")),
    (frozenset({"version", "ver", "semver", "release", "spec", "specifier"}),
     ("1.2.3", "1.2.4", "1.10.0", "0.1", "2", "1.2.3-alpha.1", "1.2.3-rc1", "1.2.3+build.5",
      "v1.2", "1.2.3.4", "1.2.x", "1.0.0-beta", "1.2.3 alpha", "01.02", "2.0.0-rc.1+build.5",
      "0.9", "1.0.0a1")),
    (frozenset({"query", "querystring", "qs"}), ("a=1&b=two&b=3", "q=a+b%20c")),
    (frozenset({"json", "payload", "document"}), ('{"a": 1, "b": [1, 2.5, null]}', "[]")),
    (frozenset({"color", "colour"}), ("#ff8800", "#fff")),
    (frozenset({"uuid", "guid"}), ("12345678-1234-5678-1234-567812345678",)),
)
"""(words of a name, samples): raw strings, unquoted. The first sample of a shape is the base
of the calls made with it, so it is a plain one that passes a parser's first checks; the
unusual ones follow, each of a shape of its own (``user@example.com`` and
``someone@example.com`` would be one call spent twice). A name that is a codec or a locale
in one library and an ``Accept-*`` header in another (``encoding``, ``locale``) starts with the
one token both read. Where two shapes share a word, the
earlier wins the base: a ``path`` is a route before it is a file, ``accept`` a list of media
ranges before one media type, and ``spec_pattern`` a pattern before a version."""


_TOKEN = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+")


def words(name: str) -> set[str]:
    """The lower-case words of ``name``: its camelCase, snake_case and kebab-case parts
    (``parseURL``: ``parse``, ``url``), a word with the number after it (``ipv4``,
    ``utf8``), and the whole name without its separators (``media_type``: ``mediatype``)."""
    tokens = [t.lower() for t in _TOKEN.findall(name)]
    found = set(tokens)
    found.update(a + b for a, b in zip(tokens, tokens[1:]) if b.isdigit() and not a.isdigit())
    found.add(re.sub(r"[^a-z0-9]", "", name.lower()))
    found.discard("")
    return found


def shaped_strings(*names: str) -> list[str]:
    """The samples of every shape of :data:`SHAPES` one of whose words is a word of one of
    ``names``, in the table's order, each once; ``[]`` when no name asks for a shape."""
    asked = set().union(*(words(name) for name in names))
    found: dict[str, None] = {}
    for shape, samples in SHAPES:
        if shape & asked:
            found.update(dict.fromkeys(samples))
    return list(found)
